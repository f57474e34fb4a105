/**
 * Receivers for methods: the statements that build `obj`, an instance of the method's class, in
 * the test itself (so each test stands alone). Tried in order, each route at most a few times:
 *   1. as the project's tests build it (seeds.ts);
 *   2. as the class's doctests build it;
 *   3. from its dataclass / attrs / NamedTuple fields, or its `__init__`, with inferred values
 *      (facts.ts' moduleTypes reads both into one constructor signature);
 *   4. through a factory: a classmethod returning `cls(...)` or annotated to return the class
 *      (or `Self`), a staticmethod annotated so, a module function annotated or written to
 *      return the class.
 * The probe runs the method on each and keeps the ones that reach new lines.
 */
import type { PyClass, PyFunction } from '../../python/model.js';
import type { TargetContext } from './candidates.js';
import { isAssignment, renderArgs } from './candidates.js';
import { parseDoctest } from './doctest.js';
import { withInferredType } from './param-types.js';
import { parameterValues, type InferContext, type Value } from './values.js';

const MAX_RECEIVERS = 8;
const MAX_PER_ROUTE = 2;

/** Setup statement lists, each ending with the statement that binds `obj`. */
export function receiversFor(target: TargetContext, className: string): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  const add = (setup: string[]) => {
    const key = setup.join('\n');
    if (out.length >= MAX_RECEIVERS || seen.has(key)) return;
    seen.add(key);
    out.push(setup);
  };
  for (const r of target.seeds?.receivers ?? []) add(r);
  const cls = target.cls ?? null;
  if (cls) for (const r of doctestReceivers(cls, target.module).slice(0, MAX_PER_ROUTE)) add(r);
  for (const r of constructorVariants(target, className)) add(r);
  if (cls) for (const r of factoryReceivers(target, cls).slice(0, MAX_PER_ROUTE)) add(r);
  return out;
}

/** Instances the class's docstring examples build: the examples up to the one that builds it, then `obj = <it>`. */
export function doctestReceivers(cls: PyClass, module: string): string[][] {
  const examples = parseDoctest(cls.docstring);
  const builds = new RegExp(`\\b${escape(cls.name)}\\s*[(.]`);
  const top = module.split('.')[0]!;
  const out: string[][] = [];
  const setup: string[] = [];
  for (const example of examples) {
    const raises = /^Traceback \(most recent call last\)/m.test(example.want);
    if (raises) continue;
    const assignment = isAssignment(example.source);
    if (builds.test(example.source)) {
      const imports = [...setup, example.source].some((s) => new RegExp(`\\b${escape(top)}\\.`).test(s)) ? [`import ${module}`] : [];
      const bound = assignment ? /^\s*([A-Za-z_]\w*)\s*=(?!=)(.*)$/s.exec(example.source) : null;
      // Only what a call of the class (or of a factory on it) gives: `Span("3:7").width()` is no Span.
      const built = !assignment ? leadingClassCall(example.source, cls) : null;
      if (bound && leadingClassCall(bound[2]!, cls) === bound[2]!.trim()) out.push([...imports, ...setup, example.source, `obj = ${bound[1]}`]);
      else if (built) out.push([...imports, ...setup, `obj = ${built}`]);
    }
    if (assignment || example.want === '' || /^\s*(from\s+\S+\s+import|import)\b/.test(example.source)) setup.push(example.source);
  }
  return out;
}

/**
 * The call of the class (or of a factory on it) `expr` starts with (`Span("3:7")` of
 * `Span("3:7").width()`, `Span.parse(s)`, `mod.Span(1)`), or null.
 */
function leadingClassCall(expr: string, cls: PyClass): string | null {
  const text = expr.trim();
  const head = new RegExp(`^(?:[A-Za-z_][\\w.]*\\.)?${escape(cls.name)}(?:\\.[A-Za-z_]\\w*)?\\s*\\(`).exec(text);
  if (!head) return null;
  let depth = 1;
  let quote: string | null = null;
  for (let i = head[0].length; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return text.slice(0, i + 1);
  }
  return null;
}

/** Setup statements that build `obj` from the class's constructor: one with the first values, one with alternatives (and one value for `*args`). */
export function constructorVariants(target: TargetContext, className: string): string[][] {
  const ctorParams = target.types.constructors.get(className);
  const initClass = target.types.initFrom?.get(className) ?? className;
  const init = target.functions.find((f) => f.name === '__init__' && f.className === initClass) ?? target.functions.find((f) => f.name === '__new__' && f.className === initClass);
  const ctx: InferContext = { placeholder: target.placeholder, types: target.types };
  if (!ctorParams || ctorParams.length === 0) return [[`obj = ${className}()`]];
  const facts = init ? target.facts.get(init) : undefined;
  const docstring = { docstring: init?.docstring ?? target.cls?.docstring ?? null };
  const pools = ctorParams.map((p) => usable(parameterValues(withInferredType(p, docstring, target.types), facts?.params.get(p.name), ctx)));
  const first = ctorParams.map((p, i) => (p.default === null && p.kind !== 'var_positional' && p.kind !== 'var_keyword' ? pools[i]![0] ?? null : null));
  // The second passes `*args` one value: a class that needs at least one item (`Cycler(*items)`) is built.
  const second = ctorParams.map((p, i) => (p.kind === 'var_keyword' ? null : p.kind === 'var_positional' ? pools[i]![0] ?? null : pools[i]![1] ?? first[i] ?? null));
  const withSetup = (values: Array<Value | null>, line: string) => [...new Set([...values.flatMap((v) => v?.setup ?? []), line])];
  const variants = [withSetup(first, `obj = ${className}(${renderArgs(ctorParams, first)})`)];
  const alt = withSetup(second, `obj = ${className}(${renderArgs(ctorParams, second)})`);
  if (alt.join('\n') !== variants[0]!.join('\n')) variants.push(alt);
  return variants;
}

/** Instances built through the class's factories and the module's functions that return it, with inferred arguments. */
function factoryReceivers(target: TargetContext, cls: PyClass): string[][] {
  const ctx: InferContext = { placeholder: target.placeholder, types: target.types };
  const out: string[][] = [];
  for (const f of target.functions) {
    if (f.isAsync || !buildsClass(f, cls, target.source ?? '')) continue;
    const params = f.kind === 'classmethod' ? f.parameters.slice(1) : f.parameters;
    const facts = target.facts.get(f);
    const values = params.map((p) => (p.default === null && p.kind !== 'var_positional' && p.kind !== 'var_keyword' ? usable(parameterValues(withInferredType(p, f, target.types), facts?.params.get(p.name), ctx))[0] ?? null : null));
    const callee = f.className ? `${f.className}.${f.name}` : f.name;
    out.push([...new Set([...values.flatMap((v) => v?.setup ?? []), `obj = ${callee}(${renderArgs(params, values)})`])]);
  }
  return out;
}

/**
 * True when calling `f` gives an instance of `cls`: a classmethod returning `cls(...)`, a
 * class- or staticmethod annotated to return the class (or `Self`), a module function annotated
 * so or whose body returns `Cls(...)`.
 */
export function buildsClass(f: PyFunction, cls: PyClass, source: string): boolean {
  const ret = (f.returnAnnotation ?? '').replace(/['"\s]/g, '');
  const named = (self: boolean) => new RegExp(`^(Optional\\[)?(${escape(cls.name)}|${escape(cls.qualname)}${self ? '|(typing\\.|typing_extensions\\.)?Self' : ''})\\]?$`);
  const body = () => linesOf(source).slice(f.bodyStartLine - 1, f.endLine).join('\n');
  if (f.className === cls.qualname && (f.kind === 'classmethod' || f.kind === 'staticmethod')) {
    if (named(true).test(ret)) return true;
    return f.kind === 'classmethod' && ret === '' && new RegExp(`return\\s+(cls|${escape(cls.name)})\\(`).test(body());
  }
  if (f.kind !== 'function') return false;
  if (ret !== '') return named(false).test(ret);
  return new RegExp(`return\\s+${escape(cls.name)}\\(`).test(body());
}

/** The source's lines, split once for the many functions asked about in turn (the last source asked about is kept). */
let lastSplit: { source: string; lines: string[] } | null = null;
function linesOf(source: string): string[] {
  if (lastSplit?.source !== source) lastSplit = { source, lines: source.split('\n') };
  return lastSplit.lines;
}

/** Without the placeholder when anything else was inferred. */
export function usable(values: Value[]): Value[] {
  const real = values.filter((v) => !v.placeholder);
  return real.length > 0 ? real : values;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
