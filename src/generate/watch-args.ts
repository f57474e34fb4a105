/**
 * Arguments a call changes in place. A function that fills in a dict or appends to a list it is
 * given often returns None: its test asserted nothing of what it did. The probe watches the list,
 * dict and set literals a call is passed and reports those it changed (argChanges). Before the
 * chosen calls run again for stability (stability.ts), each such literal passed to the target is
 * bound to a name first (`dct = {}` then `f(dct)`, the same call); the verification runs report
 * the value of each such name after the call, and the test asserts the ones every run saw alike
 * (`assert dct == {'key': 1}`).
 */
import type { PyFunction } from '../python/model.js';
import { callParameters, calleeName, callSites, parameterOf, withArgument } from './search/call-sites.js';
import { kindOf } from './search/values.js';
import type { TestCase } from './render.js';

/** Names never used for a bound argument: they would shadow what the test relies on. */
const TAKEN = new Set(['obj', 'result', 'returned', 'decorated', 'pytest', 'tmp_path', 'monkeypatch', 'self', 'cls', 'type', 'list', 'dict', 'set', 'id', 'len', 'str', 'int', 'input', 'object', 'vars', 'repr', 'print', 'sorted', 'iter', 'next', 'map', 'filter', 'format', 'hash', 'min', 'max', 'sum', 'all', 'any']);

/**
 * The case with the target call's list, dict and set literal arguments bound to names in its
 * setup (the parameter's name, when free) and listed in `candidate.watch`; the case itself when
 * it has none, or did not return.
 */
export async function bindContainerArguments(test: TestCase, fn: PyFunction): Promise<TestCase> {
  const { candidate, outcome } = test;
  if (outcome.outcome !== 'return' || candidate.placeholder || candidate.entry || candidate.watch) return test;
  // Only the containers the first run saw the call change (the probe watches those passed inline).
  const changed = new Set((outcome.argChanges ?? []).map(([text]) => text));
  if (changed.size === 0) return test;
  const site = (await callSites(candidate.setup, candidate.expr, calleeName(fn))).find((s) => s.where === 'expr' && !s.nested);
  if (!site) return test;
  const params = callParameters(fn);
  const used = (name: string) => TAKEN.has(name) || [...candidate.setup, candidate.expr].some((s) => new RegExp(`(?<![\\w.])${name}(?!\\w)`).test(s));
  let expr = candidate.expr;
  const bound: Array<{ name: string; text: string }> = [];
  // From the last argument back, so that earlier offsets stay right.
  for (let index = site.args.length - 1; index >= 0; index--) {
    const arg = site.args[index]!;
    const kind = kindOf(arg.text);
    if ((kind !== 'list' && kind !== 'dict' && kind !== 'set') || !changed.has(arg.text.trim())) continue;
    const param = parameterOf(arg, index, params);
    if (!param || !/^[A-Za-z_]\w*$/.test(param) || used(param) || bound.some((b) => b.name === param)) continue;
    expr = withArgument({ ...site, snippet: expr }, index, param);
    bound.unshift({ name: param, text: arg.text.trim() });
  }
  if (bound.length === 0) return test;
  return { ...test, candidate: { ...candidate, setup: [...candidate.setup, ...bound.map((b) => `${b.name} = ${b.text}`)], expr, watch: bound.map((b) => b.name) } };
}
