/**
 * Python source read from a project's tests, with the module names it uses left open: the same
 * call reads `Stats([1, 2])` in a test of the module that defines `Stats` (the probe runs
 * candidates in that module's namespace) and `import pkg.stats` + `pkg.stats.Stats([1, 2])`
 * anywhere else.
 */

/** A name of a module: `datetime` + `date`, `pkg.mod` + `Stats.from_list`; path '' is the module itself. */
export interface Ref {
  module: string;
  path: string;
  /**
   * A function the test defined itself and passes by name (test-definitions.ts): `path` is its
   * name, `source` its definition, copied into the candidate's setup. `module` is ''.
   */
  source?: string;
}

export type Snippet = ReadonlyArray<string | Ref>;

/** Standard library modules whose names a seed may use: they build values, they do not act on the system. */
const STDLIB = new Set([
  'array', 'base64', 'binascii', 'bisect', 'calendar', 'cmath', 'collections', 'collections.abc', 'colorsys', 'copy',
  'dataclasses', 'datetime', 'decimal', 'difflib', 'enum', 'fractions', 'functools', 'hashlib', 'heapq', 'html', 'io',
  'ipaddress', 'itertools', 'json', 'keyword', 'math', 'numbers', 'operator', 'pathlib', 'pprint', 're', 'shlex',
  'statistics', 'string', 'struct', 'textwrap', 'types', 'typing', 'unicodedata', 'urllib.parse', 'uuid', 'zoneinfo',
  'zlib', 'ast', 'token', 'codecs', 'os.path', 'posixpath', 'ntpath', 'email.utils', 'email.message', 'http',
  'http.client', 'time', 'random',
]);

/** The part of a module under test a reference names (`Stats.from_list`), or null when it names something else. */
export function localName(ref: Ref, module: string, defined: ReadonlySet<string>): string | null {
  const full = ref.path === '' ? ref.module : `${ref.module}.${ref.path}`;
  if (full.startsWith(`${module}.`)) return full.slice(module.length + 1);
  // A name the package re-exports (`from pkg import Lexer` for pkg.lexer.Lexer).
  if (ref.path !== '' && module.startsWith(`${ref.module}.`) && defined.has(ref.path.split('.')[0]!)) return ref.path;
  return null;
}

/** True when the name belongs to the project of `module` (its top-level package), not the standard library. */
export function sameProject(ref: Ref, module: string): boolean {
  return !STDLIB.has(ref.module) && ref.module !== 'os' && ref.module.split('.')[0] === module.split('.')[0];
}

/** True when a seed for `module` may use the name: the module itself, its project, or the standard library. */
export function allowedRef(ref: Ref, module: string): boolean {
  if (ref.module === 'os') return /^path(\.|$)/.test(ref.path);
  if (STDLIB.has(ref.module)) return true;
  return ref.module.split('.')[0] === module.split('.')[0];
}

/** The snippet as Python source for a candidate of `module`; the imports it needs are added to `imports`. Null when it uses a name no seed may use. */
export function renderSnippet(snippet: Snippet, module: string, defined: ReadonlySet<string>, imports: Set<string>, isModule?: (dotted: string) => boolean): string | null {
  let out = '';
  for (const part of snippet) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    if (part.source !== undefined) {
      // Defined in the candidate's setup: a name of the module under test would be shadowed.
      if (defined.has(part.path)) return null;
      imports.add(part.source);
      out += part.path;
      continue;
    }
    const local = localName(part, module, defined);
    if (local !== null) {
      out += local;
      continue;
    }
    if (!allowedRef(part, module)) return null;
    // `from pkg import api` then `api.render(...)`: the submodule is imported, not only its package.
    let imported = part.module;
    if (isModule) {
      const segs = part.path.split('.');
      for (let i = 1; i < segs.length; i++) if (isModule(`${part.module}.${segs.slice(0, i).join('.')}`)) imported = `${part.module}.${segs.slice(0, i).join('.')}`;
    }
    imports.add(`import ${imported}`);
    out += part.path === '' ? part.module : `${part.module}.${part.path}`;
  }
  return out;
}

/** The source of a plain string literal on one line (a triple-quoted text's line breaks as `\n`), or null for an f-string. */
export function oneLineString(text: string): string | null {
  const m = /^([A-Za-z]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!m) return null;
  const prefix = m[1]!.toLowerCase();
  if (/[ft]/.test(prefix)) return null;
  const body = m[3]!;
  if (!/[\r\n]/.test(body)) return text;
  const raw = prefix.includes('r');
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      if (raw) {
        out += '\\\\';
        continue;
      }
      const next = body[i + 1] ?? '';
      i++;
      if (next === '\n') continue;
      if (next === '\r') {
        if (body[i + 1] === '\n') i++;
        continue;
      }
      out += `\\${next}`;
      continue;
    }
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === "'") out += "\\'";
    else out += ch;
  }
  return `${prefix.includes('b') ? 'b' : ''}'${out}'`;
}
