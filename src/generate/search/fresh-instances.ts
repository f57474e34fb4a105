/**
 * Fresh instances for a module's default one. Many modules offer their API twice: as methods of a
 * class, and as module functions that pass their arguments on to one instance the module builds
 * at import (`default_scheduler = Scheduler()`, `def every(interval=1): return
 * default_scheduler.every(interval)`). A call through such a function that changes the instance
 * (a job added to the default scheduler) changes the module's state, and cannot become a test;
 * the same call on an instance of its own (`Scheduler().every(5)`) can, and runs the same code.
 */
import type { Candidate } from '../infer/candidates.js';

/** A module function that passes its arguments on to the same method of a module-level instance. */
export interface Delegator {
  /** The function's name, the same as the method's. */
  name: string;
  /** The module-level instance (`default_scheduler`). */
  instance: string;
  /** Its class, defined in the module and built with no argument (`Scheduler`). */
  cls: string;
}

/** The module's delegating functions, read from its source lines (top-level statements only). */
export function delegators(lines: readonly string[]): Delegator[] {
  const classes = new Set(lines.map((l) => /^class\s+([A-Za-z_]\w*)\b/.exec(l)?.[1]).filter((c): c is string => !!c));
  const instances = new Map<string, string>();
  for (const line of lines) {
    const m = /^([A-Za-z_]\w*)\s*(?::[^=]+)?=\s*([A-Za-z_]\w*)\(\s*\)\s*(?:#.*)?$/.exec(line);
    if (m && classes.has(m[2]!)) instances.set(m[1]!, m[2]!);
  }
  const out: Delegator[] = [];
  if (instances.size === 0) return out;
  for (let i = 0; i < lines.length; i++) {
    const def = /^def\s+([A-Za-z_]\w*)\s*\((.*)\)\s*(?:->[^:]*)?:\s*$/.exec(lines[i]!);
    if (!def) continue;
    const params = parameterNames(def[2]!);
    if (params === null) continue;
    const body = bodyStatements(lines, i + 1);
    if (body.length !== 1) continue;
    const call = /^(?:return\s+)?([A-Za-z_]\w*)\.([A-Za-z_]\w*)\((.*)\)$/.exec(body[0]!);
    if (!call || call[2] !== def[1] || !instances.has(call[1]!)) continue;
    if (!passesThrough(call[3]!, params)) continue;
    out.push({ name: def[1]!, instance: call[1]!, cls: instances.get(call[1]!)! });
  }
  return out;
}

/**
 * The parent with its one use of a delegating function (or of the instance itself) made on an
 * instance of its own: `every(5).minutes` -> `Scheduler().every(5).minutes`. None when the parent
 * uses them more than once (its calls would no longer share one instance).
 */
export function onFreshInstance(parent: Candidate, delegating: readonly Delegator[]): Candidate | null {
  const lines = [...parent.setup, parent.expr];
  const uses: Array<{ re: RegExp; to: string }> = [];
  for (const d of delegating) uses.push({ re: new RegExp(`(?<![\\w.])${d.name}\\(`, 'g'), to: `${d.cls}().${d.name}(` });
  for (const [instance, cls] of new Map(delegating.map((d) => [d.instance, d.cls]))) uses.push({ re: new RegExp(`(?<![\\w.])${instance}\\.`, 'g'), to: `${cls}().` });
  const count = uses.reduce((n, u) => n + lines.reduce((k, l) => k + (l.match(u.re)?.length ?? 0), 0), 0);
  if (count !== 1) return null;
  const rewrite = (l: string) => uses.reduce((text, u) => text.replace(u.re, u.to), l);
  return { ...parent, setup: parent.setup.map(rewrite), expr: rewrite(parent.expr) };
}

/** `interval: int = 1, *args, **kw` -> ['interval', '*args', '**kw']; null for a signature not read. */
function parameterNames(text: string): string[] | null {
  if (/[([{]/.test(text)) return null;
  const out: string[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(\*{0,2})([A-Za-z_]\w*)/.exec(part);
    if (!m || part === '*' || part === '/') return null;
    out.push(`${m[1]}${m[2]}`);
  }
  return out;
}

/** The arguments are the parameters, in order (`a, b=b, *args, **kw`). */
function passesThrough(args: string, params: readonly string[]): boolean {
  const given = args.split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (given.length !== params.length) return false;
  return given.every((a, i) => {
    const p = params[i]!;
    const bare = p.replace(/^\*+/, '');
    return a === p || a === `${bare}=${bare}`;
  });
}

/** The statements of the body starting at `from` (0-based), its docstring left out, each joined onto one line. */
function bodyStatements(lines: readonly string[], from: number): string[] {
  const out: string[] = [];
  let i = from;
  const indented = (l: string) => /^\s+\S/.test(l);
  const skipBlank = () => {
    while (i < lines.length && lines[i]!.trim() === '') i++;
  };
  skipBlank();
  const first = lines[i]?.trim() ?? '';
  const quote = /^[rRuU]?("""|''')/.exec(first)?.[1];
  if (quote) {
    const rest = first.replace(/^[rRuU]?("""|''')/, '');
    if (!rest.includes(quote)) {
      i++;
      while (i < lines.length && !lines[i]!.includes(quote)) i++;
    }
    i++;
  }
  for (skipBlank(); i < lines.length && indented(lines[i]!); skipBlank()) {
    let statement = lines[i]!.trim();
    // A statement over several lines (open brackets), joined.
    while (depth(statement) > 0 && i + 1 < lines.length) statement += ` ${lines[++i]!.trim()}`;
    if (!statement.startsWith('#')) out.push(statement.replace(/\s*#.*$/, '').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')'));
    i++;
  }
  return out;
}

function depth(text: string): number {
  let d = 0;
  for (const ch of text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '')) {
    if ('([{'.includes(ch)) d++;
    else if (')]}'.includes(ch)) d--;
  }
  return d;
}
