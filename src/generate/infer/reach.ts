/**
 * Which of the project's functions lead into a target, read statically from the package's source
 * (no parse, nothing run): the functions whose bodies name the target (its class for a method),
 * then the functions that name those, a few steps up. A filter class built only inside
 * `build_filter_stack(options)`, itself called only by `format(sql, **options)`, is reached
 * through `format`: the tests' calls of `format` are its entry points when coverage.json holds no
 * per-test contexts to say so. A visitor's `visit_comparator`, looked up in `visit` by
 * `getattr(self, 'visit_' + node['type'])`, is reached through `visit` and what calls it.
 *
 * With the names come the words of the lines that make each reference (the line and the
 * conditions guarding it: `if options.get('strip_comments'):`), so that the tests' calls passing
 * those words (`format(sql, strip_comments=True)`) can be tried first.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { guardLines, indentOf, stripComment } from '../search/values.js';

export interface Reachers {
  /** Names of functions (module-level or methods) whose body leads to the target, nearest first. */
  names: string[];
  /** Identifiers and string contents of the referencing lines and their guards. */
  words: Set<string>;
}

/** How many steps up the references are followed. */
const MAX_DEPTH = 3;
const MAX_NAMES = 24;
const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1_000_000;
/**
 * Names not followed further up (they are still entry points the tests may call): those of the
 * builtin types' methods, whose references are mostly to the builtins (`'{}'.format(x)`,
 * `d.get(k)`), and wrappers' usual names.
 */
const NOT_FOLLOWED = new Set([
  'format', 'join', 'split', 'strip', 'lstrip', 'rstrip', 'replace', 'lower', 'upper', 'find', 'index', 'count', 'encode', 'decode',
  'startswith', 'endswith', 'get', 'set', 'update', 'append', 'extend', 'insert', 'pop', 'remove', 'clear', 'copy', 'items', 'keys',
  'values', 'add', 'sort', 'read', 'write', 'open', 'close', 'send', 'wrapper', 'inner', 'decorator', 'wrapped', 'main',
]);
const TEST_FILE = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

export class ProjectReach {
  private files: Promise<string[]> | null = null;
  private sources = new Map<string, Promise<{ text: string; lines: string[] } | null>>();
  private memo = new Map<string, Promise<Reachers>>();

  /** `pythonFiles`: every Python file of the repository (repo-relative), sorted; the tests among them are left out. */
  constructor(
    private readonly repoRoot: string,
    private readonly pythonFiles: () => Promise<string[]>,
  ) {}

  /**
   * The functions leading into `starts` (a function's name; a method's and its class's) defined
   * in `file`, whose package is `packageDir` (repo-relative), and the words on the way.
   */
  reachers(starts: readonly string[], file: string, packageDir: string): Promise<Reachers> {
    const key = `${packageDir}\0${file}\0${starts.join('\0')}`;
    let p = this.memo.get(key);
    if (!p) this.memo.set(key, (p = this.compute(starts.filter(followed), file, packageDir)));
    return p;
  }

  private async compute(starts: readonly string[], startFile: string, packageDir: string): Promise<Reachers> {
    const files = (await this.listFiles()).filter((f) => packageDir === '' || packageDir === '.' || f.startsWith(`${packageDir}/`));
    const names: string[] = [];
    const words = new Set<string>();
    const seen = new Set(starts);
    let frontier = [...starts];
    for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0 && names.length < MAX_NAMES; depth++) {
      const next: string[] = [];
      for (const name of frontier) {
        const ref = new RegExp(`(?<![\\w.])${name}\\b|\\.${name}\\b`);
        const defines = new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${name}\\b`);
        for (const file of files) {
          const source = await this.source(file);
          if (!source || (!source.text.includes(name) && !source.text.includes('getattr'))) continue;
          const { lines } = source;
          lines.forEach((line, i) => {
            // Only a line that holds the name, or looks a name up, can reference it.
            if (!line.includes(name) && !line.includes('getattr')) return;
            const code = stripComment(line);
            if (!(ref.test(code) || dispatches(code, name)) || /^\s*(import|from)\s/.test(code) || defines.test(code)) return;
            const def = enclosingDef(lines, i + 1);
            if (!def || (starts.includes(def.name) && file === startFile)) return;
            for (const l of [i + 1, ...guardLines(lines, i + 1, def.line + 1)]) for (const w of wordsOf(stripComment(lines[l - 1] ?? ''))) words.add(w);
            if (!seen.has(def.name) && names.length < MAX_NAMES) {
              seen.add(def.name);
              names.push(def.name);
              if (followed(def.name) && !def.name.startsWith('test')) next.push(def.name);
            }
          });
        }
      }
      frontier = next;
    }
    return { names, words };
  }

  private listFiles(): Promise<string[]> {
    this.files ??= this.pythonFiles().then((all) => all.filter((f) => !TEST_FILE.test(f)).slice(0, MAX_FILES));
    return this.files;
  }

  private source(file: string): Promise<{ text: string; lines: string[] } | null> {
    let p = this.sources.get(file);
    if (!p) {
      p = readFile(path.join(this.repoRoot, file), 'utf8').then((t) => (t.length > MAX_FILE_BYTES ? null : { text: t, lines: t.split(/\r?\n/) }), () => null);
      this.sources.set(file, p);
    }
    return p;
  }
}

/** Whether references to a name are followed up: not a builtin type's method name, a dunder, or a name too short to say anything (`f`). */
function followed(name: string): boolean {
  return name.length >= 3 && !NOT_FOLLOWED.has(name) && !/^__\w+__$/.test(name);
}

/**
 * Whether a line looks up `name` by a name it builds (`getattr(self, 'visit_' + node['type'])`,
 * `getattr(self, f'do_{cmd}')`, `getattr(obj, 'handle_%s' % kind)`): a visitor's method, a
 * command's handler, reached only through the dispatching function.
 */
export function dispatches(code: string, name: string): boolean {
  if (!/\bgetattr\s*\(/.test(code)) return false;
  for (const m of code.matchAll(/(?<![\w'"])[fF]?(['"])([A-Za-z_]\w*)(\1\s*\+|\{|%)/g)) {
    const prefix = m[2]!;
    if (prefix.length >= 3 && name.length > prefix.length && name.startsWith(prefix)) return true;
  }
  return false;
}

/** The innermost `def` whose body holds line `n` (1-based), by indentation. */
function enclosingDef(lines: readonly string[], n: number): { name: string; line: number } | null {
  let indent = indentOf(lines[n - 1] ?? '');
  for (let l = n - 1; l >= 1 && indent > 0; l--) {
    const text = lines[l - 1] ?? '';
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const ind = indentOf(text);
    // The end of a signature over several lines (`) -> Tuple[str, ...]:`) belongs to the def above.
    if (ind >= indent || /^\s*[)\]]/.test(text)) continue;
    indent = ind;
    const m = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(text);
    if (m) return { name: m[1]!, line: l };
  }
  return null;
}

/** Identifiers and the contents of plain strings on a line of code. */
export function wordsOf(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/'([^'\\\n]*)'|"([^"\\\n]*)"|([A-Za-z_]\w*)/g)) {
    const w = m[1] ?? m[2] ?? m[3]!;
    if (/^[A-Za-z_]\w{2,}$/.test(w)) out.push(w);
  }
  return out;
}

/** The repo-relative folder of a module's top-level package: `src/pkg` for `pkg.sub.mod` in `src/pkg/sub/mod.py`. */
export function packageDirOf(file: string, module: string): string {
  const parts = file.replace(/\\/g, '/').split('/');
  const depth = module.split('.').length;
  const isInit = parts[parts.length - 1] === '__init__.py';
  // The folders above the top-level package's (`src`), then the package's own; none for a lone module.
  const keep = parts.length - depth - (isInit ? 1 : 0);
  if (depth === 1 && !isInit) return parts.slice(0, -1).join('/');
  return [...parts.slice(0, Math.max(0, keep)), module.split('.')[0]!].join('/');
}
