import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';

/** picomatch, loaded on first use: the default globs need no glob engine, and a commit hook saves its ~13 ms. */
let picomatch: typeof picomatchType | null = null;
function loadPicomatch(): typeof picomatchType {
  picomatch ??= createRequire(import.meta.url)('picomatch') as typeof picomatchType;
  return picomatch;
}

export interface SourceFilter {
  /** Globs over repo-relative POSIX paths; a file must match one (default ["**\/*.py"]). */
  include?: readonly string[];
  /** Globs; a file matching one is left out (default []). */
  exclude?: readonly string[];
  /** Repo-relative folder holding the tests (default "tests"). */
  testsDir?: string;
}

/** Leading `./` and trailing `/` removed; `""` for the repository root. */
function normaliseDir(dir: string): string {
  let d = dir.replace(/\\/g, '/').trim();
  while (d.startsWith('./')) d = d.slice(2);
  d = d.replace(/\/+$/, '');
  return d === '.' ? '' : d;
}

/**
 * True for files pytest treats as tests or test support: `test_*.py`, `*_test.py`,
 * `conftest.py` anywhere, and any file under `testsDir` (repo-relative; "" or "." turns the
 * folder rule off rather than making every file a test).
 */
export function isTestFile(filePath: string, testsDir: string): boolean {
  const base = filePath.slice(filePath.lastIndexOf('/') + 1);
  if (base === 'conftest.py') return true;
  if (/^test_.*\.py$/.test(base) || /^.+_test\.py$/.test(base)) return true;
  const dir = normaliseDir(testsDir);
  return dir !== '' && filePath.startsWith(`${dir}/`);
}

/**
 * A matcher for user globs. A pattern also matches everything below it when it names a folder
 * (`exclude: ["migrations"]` leaves out `migrations/0001.py`); a leading `./` is ignored;
 * dot-folders are matched like any other (`dot: true`).
 */
export function globMatcher(patterns: readonly string[]): (filePath: string) => boolean {
  const expanded: string[] = [];
  for (const raw of patterns) {
    let p = raw.trim();
    while (p.startsWith('./')) p = p.slice(2);
    if (p === '') continue;
    const bare = p.replace(/\/+$/, '');
    expanded.push(bare, `${bare}/**`);
  }
  if (expanded.length === 0) return () => false;
  // The default include: with dot: true, `**/*.py` is every path ending in `.py`.
  if (expanded.length === 2 && expanded[0] === '**/*.py') return (filePath) => filePath.endsWith('.py');
  return loadPicomatch()(expanded, { dot: true });
}

/**
 * The staged files smart-test analyses: Python sources (`.py`; stubs `.pyi` are not code) that
 * match `include`, match no `exclude` and are not tests. Order is kept.
 */
export function selectSources<T extends string | { path: string }>(files: readonly T[], filter: SourceFilter = {}): T[] {
  const include = globMatcher(filter.include ?? ['**/*.py']);
  const exclude = globMatcher(filter.exclude ?? []);
  const testsDir = filter.testsDir ?? 'tests';
  return files.filter((f) => {
    const p = typeof f === 'string' ? f : f.path;
    return p.endsWith('.py') && include(p) && !exclude(p) && !isTestFile(p, testsDir);
  });
}
