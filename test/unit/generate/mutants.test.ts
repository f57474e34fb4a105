/**
 * The mutation round's choice (search/mutants.ts): which calls tell a mutant apart from the code
 * as it is, and which to keep for the mutants the chosen calls let pass.
 */
import { describe, expect, it } from 'vitest';
import { pickForMutants, planFor, tellsApart, type PoolItem } from '../../../src/generate/search/mutants.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';

const common = { id: '0', lines: [1, 2], names: [], seconds: 0.001, calls: 10, deterministic: null, stdout: '', stderr: '' };
const ret = (digest: string, extra: Partial<ProbeCandidateResult> = {}): ProbeCandidateResult =>
  ({ ...common, outcome: 'return', repr: digest, digest, reprTruncated: false, literal: true, type: { module: 'builtins', qualname: 'int' }, hasFloat: false, isNone: false, isBool: false, mentionsTmpPath: false, ...extra }) as ProbeCandidateResult;
const timeout = { ...common, outcome: 'timeout', phase: 'expr', digest: null } as ProbeCandidateResult;

describe('tellsApart', () => {
  it('counts a call whose digest differs with the mutant in place, never a run that asserts nothing', () => {
    const baseline = [ret('a'), ret('b'), timeout];
    const mutants = [[ret('x'), ret('b'), ret('c')], [timeout, ret('y'), ret('c')], null];
    expect(tellsApart(baseline, mutants).map((s) => [...s])).toEqual([[0], [1], []]);
  });
});

describe('pickForMutants', () => {
  it('keeps, greedily, the calls noticing the most mutants the chosen ones let pass, earliest on ties', () => {
    const told = [new Set([0]), new Set([0, 1]), new Set([2]), new Set([1, 2, 3]), new Set([2, 3]), new Set([4])];
    // Chosen: the first two (mutants 0 and 1 caught). Then 3 (2 and 3 new), then 5 (4).
    expect(pickForMutants(told, 2, 3)).toEqual([3, 5]);
    expect(pickForMutants(told, 2, 1)).toEqual([3]);
    expect(pickForMutants(told, 6, 3)).toEqual([]);
  });
});

describe('planFor', () => {
  const item = (expr: string, r: ProbeCandidateResult): PoolItem => ({ c: { setup: [], expr, origin: 'inferred' } as unknown as PoolItem['c'], r });
  it('keeps for the mutants left the other calls with a result or path of their own, within the budget', () => {
    const chosen = [item('f(1)', ret('1'))];
    const others = [item('f(2)', ret('1')), item('f(3)', ret('3')), item('f(4)', ret('3', { lines: [1, 2, 3] })), item('f(5)', timeout)];
    const plan = planFor({ job: 'f', name: 'f', chosen, others, own: (l) => l <= 3 }, 1_000_000)!;
    expect(plan.others.map((p) => p.c.expr)).toEqual(['f(3)', 'f(4)']);
    expect(plan.count).toBe(10);
    expect(plan.lines).toEqual([1, 2, 3]);
    // A function whose chosen calls would cost more than it may spend gets no round.
    const heavy = [item('g(1)', ret('1', { calls: 500_000 }))];
    expect(planFor({ job: 'g', name: 'g', chosen: heavy, others: [], own: () => true }, 1_000_000)).toBeNull();
  });
});
