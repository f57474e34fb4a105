import { withHiddenKeywords } from '../../python/hidden-keywords.js';
import type { BodyFacts, ModuleTypes } from '../../python/facts.js';
import type { Parameter, PyClass, PyFunction } from '../../python/model.js';
import { isConstructor } from '../../python/model.js';
import { isStatementSource, parseDoctest } from './doctest.js';
import { splitTopLevel } from './python-literal.js';
import { receiversFor, usable } from './objects.js';
import { withInferredType } from './param-types.js';
import { MAX_SEEDS, type SeedSet } from './seeds.js';
import { parameterValues, type InferContext, type Value } from './values.js';

/** One way to call a target: statements to run first, then the expression whose outcome is asserted. */
export interface Candidate {
  setup: string[];
  expr: string;
  origin: 'doctest' | 'seed' | 'inferred';
  /** The candidate passes the placeholder string: its result must not be asserted. */
  placeholder: boolean;
  /** Calls another function that may lead into the target (seeds.ts): worth a test only when it reaches the target's lines. */
  entry?: boolean;
  /** The doctest's expected output, for the static fallback. */
  want?: string;
  /** It passes a sample callable that raises `ValueError('sample failure')`: that exception, let through by the target, is asserted. */
  sampleRaises?: boolean;
  /** A value probe of the search (search/tables.ts, search/entry-scan.ts): run to learn values, never a test. */
  valueProbe?: boolean;
  /** An entry scan (search/entry-scan.ts): the calls its expression makes, by index. */
  scan?: Candidate[];
  /** Its own time limit in the probe, in seconds (an entry point's is tighter than a call's). */
  timeoutSeconds?: number;
  /** In a mutation round's run with a mutant (search/mutants.ts): the digest of its result without it. */
  expect?: string;
  /**
   * A search variant holding a value a loop may count to (`1000000000`, `float('inf')`: see
   * search/values.ts slowValue): run after the round's other calls, as a call that runs out of
   * time ends the rest of its round.
   */
  slow?: boolean;
  /** For a call of the tests' (seeds.ts): the test file and the test that wrote it. */
  from?: { file: string; test: string };
  /** Names the setup binds to container arguments of the call (watch-args.ts): their state after the call is asserted. */
  watch?: string[];
}

export interface TargetContext {
  fn: PyFunction;
  /** The class that holds a method, or null. */
  cls: PyClass | null;
  /** Module name, for doctests that call through it (`semver.parse(...)`). */
  module: string;
  facts: Map<PyFunction, BodyFacts>;
  types: ModuleTypes;
  /** Every function of the module, to find a class's __init__. */
  functions: readonly PyFunction[];
  placeholder: string;
  /** Values other inferences put among a parameter's general ones (sample callables, strings of a format: see extras.ts). */
  extraValues?: (fn: PyFunction, param: Parameter, general: Value[]) => Value[];
  /** What the project's own tests offer this target (seeds.ts), when they were read. */
  seeds?: SeedSet;
  /** The module's source, for factories written to return a class. */
  source?: string;
}

const MAX_INFERRED = 64;
const MAX_PER_PARAMETER = 6;
/** Instances of the class built for a parameter taking one (besides the receiver itself). */
const MAX_OTHER_INSTANCES = 2;

/** Why a function gets no candidates, or null when it can be called. */
/** A property's setter or deleter (`@size.setter`): reading the property never runs it. */
export function isSetterOrDeleter(fn: PyFunction): boolean {
  return fn.decorators.some((d) => /(^|\.)(setter|deleter)$/.test(d));
}

export function uncallableReason(fn: PyFunction): string | null {
  if (fn.kind === 'nested') return 'a nested function: it is tested through the function that defines it';
  if (isSetterOrDeleter(fn)) return 'a property setter or deleter: tested through the property';
  if (fn.decorators.some((d) => /(^|\.)(overload|abstractmethod)$/.test(d))) return 'an overload stub or abstract method: it has no behaviour of its own';
  return null;
}

/** Candidates for one target: its doctest examples first, then the calls its project's tests make (seeds), then calls built from inferred values. */
export function buildCandidates(target: TargetContext): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const push = (c: Candidate) => {
    const key = `${c.setup.join('\n')}\n${c.expr}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(c);
    }
  };
  for (const c of doctestCandidates(target)) push(c);
  for (const c of seedCandidates(target).slice(0, MAX_SEEDS)) push(c);
  for (const c of inferredCandidates(target)) push(c);
  return out;
}

/** `x` of a one-line `print(x)` with a single positional argument, else null. */
export function printedExpression(source: string): string | null {
  const m = /^print\((.*)\)$/.exec(source.trim());
  if (!m || source.includes('\n')) return null;
  // `print(a)(b)` or `print(a), print(b)`: the parentheses must be print's own.
  const { items, balanced } = splitTopLevel(m[1]!);
  if (!balanced) return null;
  return items.length === 1 && !/^\*|^[A-Za-z_]\w*\s*=(?!=)/.test(items[0]!) ? items[0]! : null;
}

/** Examples of a target's docstring that do not name it, tried as entry points, at most. */
const MAX_THROUGH_EXAMPLES = 4;

function doctestCandidates({ fn, cls, module }: TargetContext): Candidate[] {
  const ownExamples = parseDoctest(fn.docstring);
  const examples = [...ownExamples, ...(isConstructor(fn) && cls ? parseDoctest(cls.docstring) : [])];
  const target = new RegExp(isConstructor(fn) && cls ? `\\b${escape(cls.name)}\\s*\\(` : `\\b${escape(fn.name)}\\b`);
  // Names the examples assign from a call of the target (`v = parse("1.2.3")`) make the
  // examples that use them (`v["major"]`) examples of the target too.
  const derived: string[] = [];
  const mentions = (source: string) => target.test(source) || derived.some((name) => new RegExp(`\\b${escape(name)}\\b`).test(source));
  const top = module.split('.')[0]!;
  const out: Candidate[] = [];
  // Examples in the target's own docstring that do not name it (`mode([2, 1, 3, 1])` in a
  // `_calc_mode` the class wires up at run time): calls of what its author shows it through, worth
  // a test only when they run its lines (entry points).
  const through: Candidate[] = [];
  const setup: string[] = [];
  for (const example of examples) {
    const raises = /^Traceback \(most recent call last\)/m.test(example.want);
    const isStatement = isStatementSource(example.source) || isAssignment(example.source);
    if (isStatement && isAssignment(example.source) && mentions(example.source)) {
      const left = example.source.slice(0, example.source.search(/[+\-*/]?=/));
      for (const m of left.matchAll(/[A-Za-z_]\w*/g)) if (!derived.includes(m[0])) derived.push(m[0]);
    }
    // A definition decorated with the target (`@cached(cache)` then `def f(x): ...`): calls of it are examples of the target.
    const decorated = /^\s*@[^\n]*\n(?:\s*@[^\n]*\n)*\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(example.source);
    if (decorated && mentions(example.source.slice(0, example.source.search(/\b(def|class)\s/))) && !derived.includes(decorated[1]!)) derived.push(decorated[1]!);
    if (!isStatement && mentions(example.source)) {
      const imports = new RegExp(`\\b${escape(top)}\\.`).test(example.source) || setup.some((s) => new RegExp(`\\b${escape(top)}\\.`).test(s)) ? [`import ${module}`] : [];
      // `print(x)` shows x's str(): the test asserts x itself (its value, or its repr), which
      // says more than the None print returns. Its output is no Python value: no static want.
      const printed = printedExpression(example.source);
      if (printed !== null) out.push({ setup: [...imports, ...setup], expr: printed, origin: 'doctest', placeholder: false });
      else out.push({ setup: [...imports, ...setup], expr: example.source, origin: 'doctest', placeholder: false, want: example.want });
    } else if (!isStatement && ownExamples.includes(example) && /[A-Za-z_]\w*\s*\(/.test(example.source) && through.length < MAX_THROUGH_EXAMPLES) {
      const imports = new RegExp(`\\b${escape(top)}\\.`).test(example.source) ? [`import ${module}`] : [];
      through.push({ setup: [...imports, ...setup], expr: printedExpression(example.source) ?? example.source, origin: 'doctest', placeholder: false, entry: true });
    }
    if (!raises && (isStatement || example.want === '')) setup.push(example.source);
  }
  return [...out, ...through];
}

/** The tests' own calls of the target; their arguments on other receivers when the tests' instance was not readable; then entry points. */
function seedCandidates(target: TargetContext): Candidate[] {
  const { fn, seeds } = target;
  if (!seeds || uncallableReason(fn)) return [];
  const out = [...seeds.direct];
  if (seeds.methodArgs.length > 0 && fn.kind === 'method') {
    const receivers = receiversFor(target, target.cls?.qualname ?? fn.className ?? '').slice(0, 2);
    const wrap = (call: string) => (fn.isAsync ? `asyncio.run(${call})` : call);
    for (const { setup, args } of seeds.methodArgs) for (const r of receivers) out.push({ setup: [...new Set([...setup, ...r])], expr: wrap(`obj.${fn.name}(${args})`), origin: 'seed', placeholder: r.some((s) => s.includes(target.placeholder)) });
  }
  return [...out, ...seeds.entries];
}

function inferredCandidates(target: TargetContext): Candidate[] {
  const { fn, cls } = target;
  if (uncallableReason(fn)) return [];
  const ctx: InferContext = { placeholder: target.placeholder, types: target.types };
  const facts = target.facts.get(fn);
  // With the keywords its body reads from its **kwargs (`kwargs.pop('trace', ())`): a call may pass them.
  const params = withHiddenKeywords(callParameters(fn), facts?.hidden ?? []);
  const valuesOf = (p: Parameter) => parameterValues(withInferredType(p, fn, target.types), facts?.params.get(p.name), ctx);
  // How the call is made, by kind.
  const className = cls?.qualname ?? fn.className ?? '';
  const ctorVariants = (fn.kind === 'method' || fn.kind === 'property') && !isConstructor(fn) ? receiversFor(target, className) : [['']];
  const pools = params.map((p) => {
    const general = usable(target.extraValues ? target.extraValues(fn, p, valuesOf(p)) : valuesOf(p));
    // Another instance of the method's own class (`other` of __eq__, __lt__, merge(other)): the
    // receiver itself, then instances built as the receivers are (an equal one, a different one).
    const own = fn.kind === 'method' && sameClassParameter(p, cls?.name ?? fn.className?.split('.').pop() ?? '') ? [{ src: 'obj', origin: 'body' as const }, TWIN, ...otherInstances(ctorVariants)] : [];
    return [...own, ...general.filter((v) => v.src !== 'obj')].slice(0, MAX_PER_PARAMETER);
  });
  const wrap = (call: string) => (fn.isAsync ? `asyncio.run(${call})` : call);
  const callee = fn.kind === 'method' || fn.kind === 'property' ? `obj.${fn.name}` : fn.kind === 'classmethod' || fn.kind === 'staticmethod' ? `${className}.${fn.name}` : fn.name;

  const out: Candidate[] = [];
  const emit = (ctorSetup: string[], chosen: Array<Value | null>) => {
    if (out.length >= MAX_INFERRED) return;
    // The receiver's twin is built as this receiver is; a receiver it cannot copy has none.
    const twin = chosen.includes(TWIN) ? otherInstances([ctorSetup])[0] : undefined;
    if (chosen.includes(TWIN) && !twin) return;
    const choice = chosen.map((v) => (v === TWIN ? twin! : v));
    const setup = [...new Set([...choice.flatMap((v) => v?.setup ?? []), ...ctorSetup])];
    const placeholder = choice.some((v) => v?.placeholder) || setup.some((s) => s.includes(target.placeholder));
    if (isConstructor(fn) && cls) {
      out.push({ setup, expr: `${className}(${renderArgs(params, choice)})`, origin: 'inferred', placeholder });
      return;
    }
    const expr = fn.kind === 'property' ? callee : wrap(`${callee}(${renderArgs(params, choice)})`);
    out.push({ setup, expr, origin: 'inferred', placeholder });
  };

  // The base call: each required parameter's most trusted value, optional ones left to their defaults.
  const base = params.map((p, i) => (p.default === null && p.kind !== 'var_positional' && p.kind !== 'var_keyword' ? pools[i]![0] ?? null : null));
  // The base call on every receiver first, then the variations on each.
  for (const ctor of ctorVariants) emit(ctor[0] === '' ? [] : ctor, base);
  for (const ctor of ctorVariants) {
    const setup = ctor[0] === '' ? [] : ctor;
    if (fn.kind === 'property') continue;
    // Every combination when there are few; else one parameter at a time around the base, and
    // again around a second base of each parameter's next values (so a base that raises early
    // does not hide the other parameters' branches).
    const options = pools.map((pool, i) => (base[i] === null ? [null, ...pool] : pool));
    const combinations = options.reduce((n, o) => n * Math.max(1, o.length), 1);
    if (combinations <= MAX_INFERRED) {
      for (const choice of cartesian(options)) emit(setup, choice);
      continue;
    }
    const second = pools.map((pool, i) => (base[i] === null ? pool[0] ?? null : pool[1] ?? pool[0] ?? null));
    for (const around of [base, second]) {
      params.forEach((_, i) => {
        for (const value of options[i]!) {
          if (value === around[i]) continue;
          const choice = [...around];
          choice[i] = value;
          emit(setup, choice);
        }
      });
    }
  }
  return out;
}

/** Stands for an instance equal to the receiver but not it (`other` of `__eq__`): built by emit as the receiver is. */
const TWIN: Value = { src: 'other', origin: 'body' };

/** Instances other than the receiver, built as the first receivers are: `other = ...` in place of `obj = ...`. */
function otherInstances(receivers: readonly string[][]): Value[] {
  const out: Value[] = [];
  for (const setup of receivers.slice(0, MAX_OTHER_INSTANCES)) {
    const built = /^obj = (.+)$/s.exec(setup.at(-1) ?? '');
    // Only a receiver made by its last statement alone (its state not set up by later ones).
    if (!built || setup.slice(0, -1).some((line) => /\bobj\b/.test(line))) continue;
    out.push({ src: 'other', origin: 'body', setup: [...setup.slice(0, -1), `other = ${built[1]}`] });
  }
  return out;
}

/** A parameter that takes another instance of the class: named `other` (or the like) without another type, or annotated with the class. */
function sameClassParameter(p: Parameter, className: string): boolean {
  if (className === '' || p.kind === 'var_positional' || p.kind === 'var_keyword') return false;
  const annotation = p.annotation?.trim().replace(/^['"]|['"]$/g, '') ?? null;
  if (annotation !== null) return annotation === className || annotation === 'Self' || annotation.endsWith(`.${className}`);
  return /^(other|rhs|that|right)$/.test(p.name);
}

function* cartesian<T>(options: ReadonlyArray<ReadonlyArray<T>>): Generator<T[]> {
  if (options.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = options;
  for (const tail of [...cartesian(rest)]) for (const head of first!.length > 0 ? first! : [null as T]) yield [head, ...tail];
}

/** Parameters the call passes: `self`/`cls` of methods left out. */
function callParameters(fn: PyFunction): Parameter[] {
  const implicit = (fn.kind === 'method' || fn.kind === 'property' || fn.kind === 'classmethod') && fn.parameters.length > 0;
  return implicit ? fn.parameters.slice(1) : fn.parameters;
}

/** Arguments as Python source: positional while nothing is skipped, keywords after. */
export function renderArgs(params: readonly Parameter[], values: ReadonlyArray<Value | null>): string {
  const parts: string[] = [];
  let positional = true;
  params.forEach((p, i) => {
    const v = values[i];
    if (p.kind === 'var_positional') {
      if (v && positional) parts.push(v.src);
      return;
    }
    if (p.kind === 'var_keyword') return;
    if (!v) {
      if (p.kind !== 'positional_only') positional = false;
      return;
    }
    if (p.kind === 'keyword_only' || (!positional && p.kind === 'positional_or_keyword')) parts.push(`${p.name}=${v.src}`);
    else parts.push(v.src);
  });
  return parts.join(', ');
}

/** True when the source is an assignment statement: an `=` (or `+=` ...) outside brackets and strings. */
export function isAssignment(source: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (source.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = null;
      }
      continue;
    }
    if (ch === '#') return false;
    if (ch === '"' || ch === "'") quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === '=' && depth === 0) {
      const prev = source[i - 1] ?? '';
      const next = source[i + 1] ?? '';
      if (next === '=' ) {
        i++;
        continue;
      }
      if ('=!<>:'.includes(prev)) continue;
      return true;
    } else if (ch === '\n' && depth === 0) return false;
  }
  return false;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
