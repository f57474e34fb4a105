/**
 * Callables as arguments: parameters the body calls (or that are named or annotated like
 * functions) get sample callables written into the test; decorators are applied to a sample
 * function and the result is called; functions that return a nested function have it called;
 * nested functions are reached through their outermost enclosing function.
 */
import type { Node } from 'web-tree-sitter';
import type { BodyFacts } from '../../python/facts.js';
import type { Parameter, PyFunction } from '../../python/model.js';
import { withPythonTree } from '../../python/parser.js';
import { parseAnnotation, baseName } from './annotation.js';
import { renderArgs } from './candidates.js';
import { pyStr } from './python-literal.js';
import { parameterValues, type InferContext, type Value } from './values.js';

/** How a function's body uses one parameter as a callable. */
export interface CallableUse {
  /** Positional argument counts of the calls the body makes of it (`fn(a, b)` gives 2). */
  arities: number[];
  /** Some call passes keyword arguments. */
  keywords: boolean;
  /** Some call passes `*args` or `**kwargs` through. */
  spread: boolean;
  /** Arity implied by passing it to a higher-order builtin (`map(fn, xs)`, `sorted(key=fn)`, `reduce(fn, ...)`). */
  higherOrder: number | null;
  /** The body inspects it (`inspect.signature(fn)`, `fn.__name__`, `functools.wraps(fn)`, `callable(fn)`). */
  inspected: boolean;
  /** The body uses it as data: a subscript or dictionary key (`d[key]`, `d.get(key)`), an `in` operand, a formatted value. */
  asData: boolean;
  /** Argument counts of calls of its items (`for step in steps: step(x)`): a collection of callables. */
  itemArities: number[];
}

/** What the module's source says about callables, per function. */
export interface CallableFacts {
  uses: Map<PyFunction, Map<string, CallableUse>>;
  /** Names each function returns (`return wrapper`), from its own body (nested definitions aside). */
  returns: Map<PyFunction, Set<string>>;
  /** Names used as decorators in the module: `@name` (plain) and `@name(...)` (factory). */
  decoratorUses: { plain: Set<string>; factory: Set<string> };
}

const HIGHER_ORDER: Record<string, number> = { filter: 1, reduce: 2, 'functools.reduce': 2 };
const KEY_TAKERS = new Set(['sorted', 'min', 'max', 'sort', 'groupby', 'itertools.groupby', 'nsmallest', 'nlargest', 'heapq.nsmallest', 'heapq.nlargest']);
const INSPECTORS = /^(inspect\.\w+|signature|getfullargspec|functools\.wraps|wraps|functools\.partial|partial|functools\.update_wrapper|update_wrapper|callable|getattr|hasattr|iscoroutinefunction|asyncio\.iscoroutinefunction)$/;
const CALLABLE_NAME = /^(func|fn|f|function|callback|cb|key|key_func|keyfunc|pred|predicate|wrapped|handler|factory|transform|hook|action|target|method|callable|decorator|on_\w+|\w+_(func|fn|function|callback|cb|handler|factory|hook))$/;
/** Names that are callables only when nothing else says what they are. */
const WEAK_NAME = /^(key|f|target|method|action)$/;

/** One parse of the module: how each function uses its parameters as callables, and what it returns. */
export async function callableFacts(source: string, functions: readonly PyFunction[]): Promise<CallableFacts> {
  return withPythonTree(source, (tree) => {
    const root = tree.rootNode;
    const plain = new Set<string>();
    const factory = new Set<string>();
    for (const node of root.descendantsOfType('decorator')) {
      const expr = node?.namedChildren[0];
      if (expr?.type === 'identifier') plain.add(expr.text);
      else if (expr?.type === 'call' && expr.childForFieldName('function')?.type === 'identifier') factory.add(expr.childForFieldName('function')!.text);
    }
    const byLine = new Map(functions.map((f) => [f.defLine, f]));
    const scopes = new Map<number, Scope>();
    const scopeOf = (def: Node): Scope | null => {
      let scope = scopes.get(def.id);
      if (scope === undefined) {
        const fn = byLine.get(def.startPosition.row + 1);
        if (!fn) return null;
        scope = { fn, names: new Set(fn.parameters.map((p) => p.name)), uses: new Map(), items: new Map(), returns: new Set() };
        scopes.set(def.id, scope);
      }
      return scope;
    };
    /** The functions whose body holds the node (a parameter of any of them may be used there). */
    const enclosing = (node: Node): Scope[] => {
      const out: Scope[] = [];
      for (let p = node.parent; p; p = p.parent) {
        if (p.type === 'function_definition') {
          const scope = scopeOf(p);
          if (scope) out.push(scope);
        }
      }
      return out;
    };
    // Loop variables first, so calls of a parameter's items are recognised.
    for (const node of root.descendantsOfType(['for_statement', 'for_in_clause'])) if (node) for (const scope of enclosing(node)) loopOver(node, scope);
    for (const node of root.descendantsOfType(['call', 'subscript', 'comparison_operator', 'interpolation', 'attribute'])) if (node) for (const scope of enclosing(node)) useIn(node, scope);
    for (const node of root.descendantsOfType('return_statement')) {
      if (!node) continue;
      let def: Node | null = node.parent;
      while (def && !['function_definition', 'lambda', 'class_definition'].includes(def.type)) def = def.parent;
      const scope = def?.type === 'function_definition' ? scopeOf(def) : null;
      const value = node.namedChildren[0];
      if (!scope || !value) continue;
      if (value.type === 'identifier') scope.returns.add(value.text);
      // `return functools.wraps(f)(wrapper)` / `return update_wrapper(wrapper, f)`
      if (value.type === 'call') for (const a of value.childForFieldName('arguments')?.namedChildren ?? []) if (a?.type === 'identifier') scope.returns.add(a.text);
    }
    const uses = new Map<PyFunction, Map<string, CallableUse>>();
    const returns = new Map<PyFunction, Set<string>>();
    for (const scope of scopes.values()) {
      uses.set(scope.fn, scope.uses);
      returns.set(scope.fn, scope.returns);
    }
    return { uses, returns, decoratorUses: { plain, factory } };
  });
}

interface Scope {
  fn: PyFunction;
  names: Set<string>;
  uses: Map<string, CallableUse>;
  /** Loop variables over a parameter (`for step in steps`), to see its items called. */
  items: Map<string, string>;
  returns: Set<string>;
}

function useOf(scope: Scope, name: string): CallableUse {
  let u = scope.uses.get(name);
  if (!u) scope.uses.set(name, (u = { arities: [], keywords: false, spread: false, higherOrder: null, inspected: false, asData: false, itemArities: [] }));
  return u;
}

function isParamOf(scope: Scope, n: Node | null | undefined): boolean {
  return !!n && n.type === 'identifier' && scope.names.has(n.text);
}

function loopOver(node: Node, scope: Scope): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (left?.type === 'identifier' && right && isParamOf(scope, right) && !scope.names.has(left.text)) scope.items.set(left.text, right.text);
}

function useIn(node: Node, scope: Scope): void {
  const isParam = (n: Node | null | undefined): n is Node => isParamOf(scope, n);
  const paramCallee = (n: Node | null): boolean => isParamOf(scope, n);
  const use = (name: string) => useOf(scope, name);
  if (node.type === 'call') {
    const callee = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
    if (callee?.type === 'identifier' && scope.items.has(callee.text)) {
      const u = use(scope.items.get(callee.text)!);
      const n = args.filter((a) => a.type !== 'keyword_argument').length;
      if (!u.itemArities.includes(n)) u.itemArities.push(n);
    }
    if (callee && paramCallee(callee)) {
      const u = use(callee.text);
      const positional = args.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat').length;
      if (!u.arities.includes(positional)) u.arities.push(positional);
      if (args.some((a) => a.type === 'keyword_argument')) u.keywords = true;
      if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) u.spread = true;
    } else if (callee) {
      const name = callee.text;
      const short = name.slice(name.lastIndexOf('.') + 1);
      const first = isParam(args[0]) ? args[0] : null;
      if (first && short === 'map') use(first.text).higherOrder = Math.max(1, args.length - 1);
      else if (first && (name === 'filter' || name === 'reduce' || name === 'functools.reduce')) use(first.text).higherOrder = HIGHER_ORDER[name]!;
      for (const a of args) {
        const value = a.type === 'keyword_argument' ? a.childForFieldName('value') : null;
        if (value && isParam(value) && a.childForFieldName('name')?.text === 'key' && KEY_TAKERS.has(short)) use(value.text).higherOrder = 1;
      }
      // `getattr(f, '__name__')` inspects a callable; `hasattr(node, 'id')` reads an object's attributes.
      const plainAttribute = (name === 'getattr' || name === 'hasattr') && args[1]?.type === 'string' && !/^[rRbBuU]?['"]__\w+__['"]$/.test(args[1].text);
      if (INSPECTORS.test(name) && first && !plainAttribute) use(first.text).inspected = true;
      if (/\.(get|pop|setdefault|index|count|startswith|endswith|join|split|format)$/.test(name)) for (const a of args) if (isParam(a)) use(a.text).asData = true;
    }
  } else if (node.type === 'subscript') {
    const index = node.childForFieldName('subscript');
    if (isParam(index)) use(index.text).asData = true;
  } else if (node.type === 'comparison_operator' || node.type === 'interpolation') {
    for (const child of node.namedChildren) if (isParam(child)) use(child.text).asData = true;
  } else if (node.type === 'attribute') {
    const obj = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text ?? '';
    if (isParam(obj) && /^__(name|qualname|doc|module|wrapped|code|defaults|kwdefaults|annotations|self|func)__$/.test(attr)) use(obj.text).inspected = true;
  }
}

/** Why a parameter is taken for a callable: strong evidence (called, annotated), a name only, or not at all. */
export function callableEvidence(param: Parameter, use: CallableUse | undefined, facts: BodyFacts | undefined): 'strong' | 'name' | null {
  if (param.kind === 'var_positional' || param.kind === 'var_keyword') return null;
  const type = param.annotation ? parseAnnotation(param.annotation) : null;
  const typeName = type?.kind === 'name' ? baseName(type.name) : type?.kind === 'union' ? type.options.map((o) => (o.kind === 'name' ? baseName(o.name) : '')).find((n) => n !== 'None') ?? '' : '';
  if (/^(Callable|Awaitable|Coroutine)$/.test(typeName) || (type?.kind === 'name' && /^(type|Type)$/.test(typeName))) return typeName.startsWith('Callable') || typeName === 'Callable' ? 'strong' : null;
  if (use && (use.arities.length > 0 || use.higherOrder !== null || use.inspected)) return 'strong';
  if (facts?.params.get(param.name)?.uses.has('callable')) return 'strong';
  if (type && type.kind !== 'unknown') return null;
  const name = param.name.replace(/^_+/, '').toLowerCase();
  if (!CALLABLE_NAME.test(name)) return null;
  const seen = facts?.params.get(param.name)?.uses;
  // `key` used as a string or a dict key is no callable.
  if (WEAK_NAME.test(name) && (use?.asData || (seen && [...seen].some((u) => u !== 'callable' && u !== 'none')))) return null;
  return 'name';
}

const SAMPLE_CLASS =
  "class SampleClass:\n    def __init__(self, value=None):\n        self.value = value\n\n    def method(self, x):\n        return (self.value, x)\n\n    def __repr__(self):\n        return f'SampleClass({self.value!r})'";

/** The message of the exception the failing samples raise. */
export const SAMPLE_FAILURE = 'sample failure';

/** A sample callable: its source where it is passed, and the definitions it needs in the test. */
interface Sample {
  src: string;
  setup?: string[];
}

const SAMPLES = {
  noArgs: { src: 'sample_no_args', setup: ["def sample_no_args():\n    return 'called'"] },
  oneArg: { src: 'sample_one_arg', setup: ['def sample_one_arg(x):\n    return x'] },
  twoArgs: { src: 'sample_two_args', setup: ['def sample_two_args(a, b):\n    return (a, b)'] },
  threeArgs: { src: 'sample_three_args', setup: ['def sample_three_args(a, b, c):\n    return (a, b, c)'] },
  withDefault: { src: 'sample_with_default', setup: ['def sample_with_default(a, b=2):\n    return (a, b)'] },
  varargs: { src: 'sample_varargs', setup: ['def sample_varargs(*args):\n    return args'] },
  keywordOnly: { src: 'sample_keyword_only', setup: ['def sample_keyword_only(a, *, flag=False):\n    return (a, flag)'] },
  kwargs: { src: 'sample_kwargs', setup: ['def sample_kwargs(*args, **kwargs):\n    return (args, kwargs)'] },
  failing: { src: 'sample_failing', setup: [`def sample_failing(*args, **kwargs):\n    raise ValueError(${pyStr(SAMPLE_FAILURE)})`] },
  flaky: {
    src: 'sample_flaky',
    setup: [`def sample_flaky(*args, **kwargs):\n    sample_flaky.calls = getattr(sample_flaky, 'calls', 0) + 1\n    if sample_flaky.calls == 1:\n        raise ValueError(${pyStr(SAMPLE_FAILURE)})\n    return args`],
  },
  lambda1: { src: 'lambda x: x' },
  lambda0: { src: 'lambda: 0' },
  lambdaN: { src: 'lambda *args: args' },
  len: { src: 'len' },
  upper: { src: 'str.upper' },
  cls: { src: 'SampleClass', setup: [SAMPLE_CLASS] },
  boundMethod: { src: 'SampleClass().method', setup: [SAMPLE_CLASS] },
  partial: { src: 'functools.partial(sample_two_args, 1)', setup: ['import functools', 'def sample_two_args(a, b):\n    return (a, b)'] },
} satisfies Record<string, Sample>;

function positional(n: number): Sample {
  return n === 0 ? SAMPLES.noArgs : n === 1 ? SAMPLES.oneArg : n === 2 ? SAMPLES.twoArgs : n === 3 ? SAMPLES.threeArgs : SAMPLES.varargs;
}

function lambdaOf(n: number): Sample {
  return n === 0 ? SAMPLES.lambda0 : n === 1 ? SAMPLES.lambda1 : SAMPLES.lambdaN;
}

/**
 * The pool of sample callables for a parameter, ordered by what the body does with it: called
 * with N arguments gives a function of N parameters first; called with keywords or `*args`
 * gives the catch-all first; inspected or unknown gives one of each kind of signature.
 */
export function samplePool(use: CallableUse | undefined): Sample[] {
  const arity = use?.arities[0] ?? use?.higherOrder ?? null;
  let order: Sample[];
  // A sample that raises comes second: it reaches the `except` around a call of the parameter.
  if (use?.spread || use?.keywords) order = [SAMPLES.kwargs, SAMPLES.failing, positional(arity ?? 1), SAMPLES.varargs, SAMPLES.withDefault, SAMPLES.keywordOnly];
  else if (arity !== null) {
    order = [positional(arity), SAMPLES.failing, lambdaOf(arity), SAMPLES.kwargs, SAMPLES.varargs];
    if (arity === 1) order.push(SAMPLES.len, SAMPLES.upper, SAMPLES.withDefault, SAMPLES.cls, SAMPLES.keywordOnly);
    if (arity === 2) order.push(SAMPLES.withDefault);
    if (arity === 0) order.push(SAMPLES.cls);
  } else {
    // Inspected or unknown: the most different signatures first (a call tries six values of a parameter).
    order = [SAMPLES.twoArgs, SAMPLES.kwargs, SAMPLES.keywordOnly, SAMPLES.cls, SAMPLES.partial, SAMPLES.lambda1, SAMPLES.boundMethod, SAMPLES.withDefault, SAMPLES.varargs, SAMPLES.len, SAMPLES.upper];
  }
  return [...new Set(order)];
}

/**
 * The parameter's values with sample callables added: first when the body calls it (or its
 * annotation says Callable), after the first two general values when only its name suggests it.
 */
export function withCallables(param: Parameter, general: Value[], use: CallableUse | undefined, facts: BodyFacts | undefined): Value[] {
  if (use && use.itemArities.length > 0 && param.kind !== 'var_positional' && param.kind !== 'var_keyword') {
    // A collection of callables: lists of samples taking as many arguments as each item is called with.
    const n = use.itemArities[0]!;
    const first = positional(n);
    const second = lambdaOf(n);
    const lists: Value[] = [
      { src: `[${first.src}]`, origin: 'body', ...(first.setup ? { setup: first.setup } : {}) },
      { src: `[${first.src}, ${second.src}]`, origin: 'body', ...(first.setup ? { setup: first.setup } : {}) },
      { src: '[]', origin: 'body' },
    ];
    return [...lists, ...general.filter((v) => !lists.some((l) => l.src === v.src))];
  }
  const evidence = callableEvidence(param, use, facts);
  if (!evidence) return general;
  const samples: Value[] = samplePool(use).map((s) => ({ src: s.src, origin: 'body', ...(s.setup ? { setup: s.setup } : {}) }));
  const rest = general.filter((v) => !samples.some((s) => s.src === v.src) && !v.placeholder);
  if (evidence === 'strong') return [...samples.slice(0, 5), ...rest.filter((v) => v.src !== 'len' && v.src !== '1' && !/^['"]/.test(v.src)), ...samples.slice(5)];
  return [...rest.slice(0, 2), ...samples, ...rest.slice(2)];
}

/** A minimal candidate: setup statements and the expression. */
export interface CallCandidate {
  setup: string[];
  expr: string;
}

/** The outermost function that encloses a nested function (classes stop the climb), or null. */
export function outermostFunction(fn: PyFunction, functions: readonly PyFunction[]): PyFunction | null {
  if (fn.kind !== 'nested') return null;
  let current = fn;
  for (;;) {
    const parent = functions.find((f) => f.qualname === current.parentQualname);
    if (!parent) return current === fn ? null : current;
    current = parent;
    if (parent.kind !== 'nested') return parent;
  }
}

export interface ReturnedCallableContext {
  fn: PyFunction;
  functions: readonly PyFunction[];
  callables: CallableFacts;
  facts: Map<PyFunction, BodyFacts>;
  infer: InferContext;
  /** The target's candidate calls (base first), to call what they return. */
  calls: ReadonlyArray<{ setup: string[]; expr: string; placeholder: boolean }>;
  /** How the target is called (`name`, `Class.name`, `obj.name`), and setup that builds `obj`. */
  callee: string;
  ctorSetup: string[];
}

const MAX_RETURNED = 12;

/**
 * Candidates that call the function a target returns: a decorator applied to sample functions
 * (`decorated = deco(sample_two_args)`, then `decorated(1, 2)`); a decorator factory given its
 * arguments first; a closure factory's result called with values for the closure's parameters.
 */
export function returnedCallableCandidates(ctx: ReturnedCallableContext): CallCandidate[] {
  const { fn, functions, callables } = ctx;
  const nested = functions.filter((f) => f.parentQualname === fn.qualname && f.kind === 'nested');
  const returned = callables.returns.get(fn) ?? new Set<string>();
  const inner = nested.find((f) => returned.has(f.name)) ?? null;
  const { plain, factory } = callables.decoratorUses;
  const params = fn.kind === 'method' || fn.kind === 'classmethod' || fn.kind === 'property' ? fn.parameters.slice(1) : fn.parameters;
  const out: CallCandidate[] = [];

  const innerOfInner = inner ? functions.find((f) => f.parentQualname === inner.qualname && f.kind === 'nested' && (callables.returns.get(inner)?.has(f.name) ?? false)) ?? null : null;
  const plainFunction = fn.kind === 'function' || fn.kind === 'nested';
  const isFactory = plainFunction && !plain.has(fn.name) && (factory.has(fn.name) || (inner !== null && innerOfInner !== null && inner.parameters.length > 0));
  const first = params[0];
  const firstEvidence = first ? callableEvidence(first, callables.uses.get(fn)?.get(first.name), ctx.facts.get(fn)) : null;
  const isDecorator = !isFactory && first !== undefined && ((plain.has(fn.name) && plainFunction) || (inner !== null && firstEvidence !== null));

  if (isDecorator || isFactory) {
    const wrapper = isFactory ? innerOfInner : inner;
    const asyncWrapper = wrapper?.isAsync ?? false;
    const prefixes: Array<{ setup: string[]; apply: string }> = [];
    if (isDecorator) {
      const rest = params.slice(1);
      const values = rest.map((p) => (p.default === null && p.kind !== 'var_positional' && p.kind !== 'var_keyword' ? firstValue(p, ctx) : null));
      const tail = renderArgs(rest, values);
      prefixes.push({ setup: values.flatMap((v) => v?.setup ?? []), apply: `${ctx.callee}(%s${tail ? `, ${tail}` : ''})` });
    } else {
      const required = params.map((p) => (p.default === null && p.kind !== 'var_positional' && p.kind !== 'var_keyword' ? firstValue(p, ctx) : null));
      const all = params.map((p) => (p.kind === 'var_positional' || p.kind === 'var_keyword' ? null : firstValue(p, ctx)));
      for (const values of [required, all]) {
        const setup = values.flatMap((v) => v?.setup ?? []);
        const apply = `${ctx.callee}(${renderArgs(params, values)})(%s)`;
        if (!prefixes.some((p) => p.apply === apply)) prefixes.push({ setup, apply });
      }
    }
    const samples: Array<{ def: string; name: string; call: string }> = asyncWrapper
      ? [
          { name: 'sample_async', def: 'async def sample_async(a, b):\n    return (a, b)', call: 'asyncio.run(decorated(1, 2))' },
          { name: 'sample_async_failing', def: `async def sample_async_failing(*args, **kwargs):\n    raise ValueError(${pyStr(SAMPLE_FAILURE)})`, call: 'asyncio.run(decorated(1, 2))' },
        ]
      : [
          { name: 'sample_two_args', def: SAMPLES.twoArgs.setup[0]!, call: 'decorated(1, 2)' },
          { name: 'sample_kwargs', def: SAMPLES.kwargs.setup[0]!, call: "decorated(1, key='value')" },
          { name: 'sample_no_args', def: SAMPLES.noArgs.setup[0]!, call: 'decorated()' },
          { name: 'sample_failing', def: SAMPLES.failing.setup[0]!, call: 'decorated(1, 2)' },
          { name: 'sample_flaky', def: SAMPLES.flaky.setup[0]!, call: 'decorated(1, 2)' },
        ];
    for (const prefix of prefixes) {
      for (const s of samples) {
        out.push({ setup: [...new Set([...prefix.setup, ...ctx.ctorSetup])].concat(s.def, `decorated = ${prefix.apply.replace('%s', s.name)}`), expr: s.call });
      }
    }
    return out.slice(0, MAX_RETURNED);
  }

  if (inner) {
    // A closure factory: call what it returns with values for the closure's own parameters.
    const innerParams = inner.parameters;
    const innerFacts = ctx.facts.get(inner);
    const innerUses = callables.uses.get(inner);
    const pools = innerParams.map((p) => {
      if (p.kind === 'var_positional' || p.kind === 'var_keyword' || p.default !== null) return [];
      const general = parameterValues(p, innerFacts?.params.get(p.name), ctx.infer).filter((v) => !v.placeholder);
      return withCallables(p, general, innerUses?.get(p.name), innerFacts).slice(0, 4);
    });
    // The closure's first values, then one parameter at a time through its other values.
    const base = pools.map((pool) => pool[0] ?? null);
    const choices: Array<Array<Value | null>> = [base];
    pools.forEach((pool, i) => {
      for (const v of pool.slice(1)) choices.push(base.map((b, k) => (k === i ? v : b)));
    });
    for (const call of ctx.calls.filter((c) => !c.placeholder).slice(0, 2)) {
      for (const choice of choices) {
        const args = renderArgs(innerParams, choice);
        const argSetup = choice.flatMap((v) => v?.setup ?? []);
        out.push({ setup: [...new Set([...call.setup, ...argSetup])].concat(`returned = ${call.expr}`), expr: inner.isAsync ? `asyncio.run(returned(${args}))` : `returned(${args})` });
      }
    }
  }
  return out.slice(0, MAX_RETURNED);
}

function firstValue(p: Parameter, ctx: ReturnedCallableContext): Value | null {
  const facts = ctx.facts.get(ctx.fn);
  const general = parameterValues(p, facts?.params.get(p.name), ctx.infer).filter((v) => !v.placeholder);
  return withCallables(p, general, ctx.callables.uses.get(ctx.fn)?.get(p.name), facts)[0] ?? null;
}
