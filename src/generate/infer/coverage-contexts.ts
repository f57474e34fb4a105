/**
 * Which tests ran which lines, from coverage.json's per-line contexts. They are there when the
 * tests were measured with contexts (`coverage run --context=...`, `[run] dynamic_context =
 * test_function`, pytest-cov's `--cov-context=test`) and the report written with `coverage json
 * --show-contexts`: `files[f].contexts = {"12": ["tests/test_lexer.py::test_number|run", ...]}`.
 * Read only when tests are generated, never on the plan: the file is parsed again here, whole.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CoverageKeyIndex } from '../../coverage/paths.js';

export interface CoverageContexts {
  /** The context labels of the tests that ran any of the lines first..last of a repo-relative file. */
  labels(file: string, first: number, last: number): Set<string>;
}

/** The contexts of a coverage.json, or null when it has none (or cannot be read). */
export async function readCoverageContexts(coverageFile: string, repoRoot: string): Promise<CoverageContexts | null> {
  let data: unknown;
  try {
    const text = await readFile(coverageFile, 'utf8');
    // Without contexts the report has no `"contexts"` key at all: nothing to parse.
    if (!text.includes('"contexts"')) return null;
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const files = (data as { files?: unknown })?.files;
  if (!files || typeof files !== 'object') return null;
  const keys = Object.keys(files);
  const index = new CoverageKeyIndex(keys, { repoRoot, runDir: path.dirname(coverageFile) });
  let any = false;
  for (const key of keys) if ((files as Record<string, { contexts?: unknown }>)[key]?.contexts) any = true;
  if (!any) return null;
  return {
    labels(file, first, last) {
      const out = new Set<string>();
      const at = index.lookup(file);
      const contexts = at === undefined ? undefined : (files as Record<string, { contexts?: Record<string, unknown> }>)[keys[at]!]?.contexts;
      if (!contexts || typeof contexts !== 'object') return out;
      for (let line = first; line <= last; line++) {
        const list = contexts[String(line)];
        if (Array.isArray(list)) for (const label of list) if (typeof label === 'string' && label !== '') out.add(label);
      }
      return out;
    },
  };
}

/**
 * True when a context label names the test function `test` (`TestK.test_a` or `test_a`) of the
 * repo-relative test file `file`: pytest-cov's `tests/test_x.py::TestK::test_a[1]|run`, or
 * coverage's own `test_x.TestK.test_a` (the test module's `__name__`, then the qualname).
 */
export function contextNames(label: string, file: string, test: string): boolean {
  const bare = withoutPhase(label);
  if (bare.includes('::')) {
    const [where, ...names] = bare.split('::');
    const qual = names.map((n) => n.replace(/\[.*$/s, '')).join('.');
    return qual === test && namesFile(where!, file);
  }
  if (!bare.endsWith(`.${test}`)) return false;
  const module = bare.slice(0, -test.length - 1);
  const stem = file.replace(/\.py$/, '');
  return stem === module.replace(/\./g, '/') || stem.endsWith(`/${module.replace(/\./g, '/')}`);
}

/** True when a context label names a test of the repo-relative test file `file` (any of its tests). */
export function contextFile(label: string, file: string): boolean {
  const bare = withoutPhase(label);
  if (bare.includes('::')) return namesFile(bare.split('::')[0]!, file);
  const dotted = file.replace(/\.py$/, '').split('/');
  // `test_x.TestK.test_a`: the file's module name, or its path from some folder, then a name.
  return dotted.some((_, i) => bare.startsWith(`${dotted.slice(i).join('.')}.`));
}

/** pytest's file part of a label (`tests/test_x.py`, or the file as pytest was given it) names the repo-relative `file`. */
function namesFile(where: string, file: string): boolean {
  return where === file || file.endsWith(`/${where}`) || where.endsWith(`/${file}`);
}

/** A label without the phase coverage.py adds after `|` (`run`, `setup`). */
function withoutPhase(label: string): string {
  return label.replace(/\|[a-z]+$/, '');
}
