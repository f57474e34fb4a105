/**
 * What callables, formats and iterators add to a target's candidates (see callables.ts,
 * formats.ts, iterators.ts): sample callables and strings of a format among the parameter values,
 * decorators applied and returned functions called, nested functions reached through their
 * outermost enclosing function, generators consumed.
 */
import type { PyClass, PyFunction } from '../../python/model.js';
import { isConstructor } from '../../python/model.js';
import type { ProbeCandidateResult } from '../probe-model.js';
import { callableFacts, outermostFunction, returnedCallableCandidates, SAMPLE_FAILURE, withCallables, type CallableFacts } from './callables.js';
import { buildCandidates, uncallableReason, type Candidate, type TargetContext } from './candidates.js';
import { formatExamples, withFormats } from './formats.js';
import { consumed, entered, generatorFunctions, iteratorKind, staticConsumption, type GeneratorKind } from './iterators.js';
import type { Value } from './values.js';

export interface ModuleExtras {
  callables: CallableFacts;
  generators: Map<PyFunction, GeneratorKind>;
  formats: Map<PyFunction, Map<string, Value[]>>;
}

/** Reads what the extras need from the module's source (randexp is loaded only when a pattern is found). */
export async function moduleExtras(source: string, functions: readonly PyFunction[]): Promise<ModuleExtras> {
  const callables = await callableFacts(source, functions);
  const generators = await generatorFunctions(source, functions);
  const formats = await formatExamples(source, functions);
  return { callables, generators, formats };
}

/** The candidates and the function they call (the outermost enclosing one for a nested function), or why there are none. */
export type Shaped = { candidates: Candidate[]; via: PyFunction } | { reason: string };

/**
 * A target's candidates with the extras: for a nested function, the calls of its outermost
 * enclosing function (a reason when that function is itself a target: its tests reach the
 * nested lines); doctest examples, then decorator and returned-function calls, then inferred
 * calls; generator calls consumed.
 */
export function shapedCandidates(target: TargetContext, extras: ModuleExtras, classes: readonly PyClass[], targets: readonly PyFunction[], throughOuter: (outer: string) => string): Shaped {
  let fn = target.fn;
  if (fn.kind === 'nested') {
    const outer = outermostFunction(fn, target.functions);
    if (!outer) return { reason: uncallableReason(fn)! };
    if (targets.some((t) => t.qualname === outer.qualname)) return { reason: throughOuter(outer.qualname) };
    fn = outer;
  }
  const why = uncallableReason(fn);
  if (why) return { reason: why };
  const cls = fn === target.fn ? target.cls : fn.className ? classes.find((c) => c.qualname === fn.className) ?? null : null;
  const extraValues = (f: PyFunction, param: Parameters<NonNullable<TargetContext['extraValues']>>[1], general: Value[]): Value[] => {
    const facts = target.facts.get(f);
    const formatted = withFormats(param, general, extras.formats.get(f)?.get(param.name), facts?.params.get(param.name));
    return withCallables(param, formatted, extras.callables.uses.get(f)?.get(param.name), facts);
  };
  const base = buildCandidates({ ...target, fn, cls, extraValues });
  const inferred = base.filter((c) => c.origin === 'inferred');
  const ctorSetup = inferred[0]?.setup.filter((s) => s.startsWith('obj = ')) ?? [];
  const className = cls?.qualname ?? fn.className ?? '';
  const callee = fn.kind === 'method' ? `obj.${fn.name}` : fn.kind === 'classmethod' || fn.kind === 'staticmethod' ? `${className}.${fn.name}` : fn.name;
  const returned =
    fn.kind === 'property' || isConstructor(fn)
      ? []
      : returnedCallableCandidates({ fn, functions: target.functions, callables: extras.callables, facts: target.facts, infer: { placeholder: target.placeholder, types: target.types }, calls: [...base.filter((c) => c.origin === 'seed' && !c.entry), ...inferred], callee, ctorSetup });
  const kind = staticConsumption(fn, extras.generators.get(fn));
  const calls = kind ? base.map((c) => (c.origin !== 'inferred' ? c : kind === 'context' ? entered(c) : consumed(c, kind))) : base;
  const out: Candidate[] = [];
  const seen = new Set<string>();
  // Calls a person wrote (doctest examples, the tests' own calls) first, then the calls of
  // returned functions, then the inferred calls; entry points' calls last (one that runs out of
  // time stops only the calls after it: see dropStoppedEntries in the engine).
  const returnedCalls = returned.map((r): Candidate => ({ ...r, origin: 'inferred', placeholder: r.setup.some((s) => s.includes(target.placeholder)) || r.expr.includes(target.placeholder) }));
  for (const c of [...calls.filter((c) => c.origin !== 'inferred' && !c.entry), ...returnedCalls, ...calls.filter((c) => c.origin === 'inferred'), ...calls.filter((c) => c.entry)]) {
    const key = `${c.setup.join('\n')}\n${c.expr}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  for (const c of out) if (c.setup.some((s) => FAILING_SAMPLE.test(s))) c.sampleRaises = true;
  return { candidates: out, via: fn };
}

const FAILING_SAMPLE = /^(async )?def sample_(async_)?(failing|flaky)\(/;

/** The exception came from a failing sample callable, through the target: the test asserts it is let through. */
export function raisedBySample(c: Candidate, r: ProbeCandidateResult): boolean {
  return (c.sampleRaises ?? false) && r.outcome === 'raise' && r.enteredTarget && r.excType.module === 'builtins' && r.excType.qualname === 'ValueError' && r.excMessage === SAMPLE_FAILURE;
}

/**
 * Candidates whose result was an iterator, consuming it (or a generator-based context manager, entering it): index in `candidates` -> the wrapped
 * candidate, to run again (the rendered test then consumes exactly as the probe did).
 */
export function iteratorReruns(candidates: readonly Candidate[], results: readonly ProbeCandidateResult[]): Map<number, Candidate> {
  const out = new Map<number, Candidate>();
  results.forEach((r, i) => {
    const c = candidates[i];
    if (!c || r.outcome !== 'return') return;
    const kind = iteratorKind(r.type);
    if (kind) out.set(i, consumed(c, kind));
    else if (r.type.module === 'contextlib' && r.type.qualname === '_GeneratorContextManager') out.set(i, entered(c));
  });
  return out;
}
