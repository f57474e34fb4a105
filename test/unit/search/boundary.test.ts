import { describe, expect, it } from 'vitest';
import { boundaryCandidates, boundaryChoice, comparisonsIn, refineBoundaries, splits } from '../../../src/generate/search/boundary.js';
import type { SearchSubject } from '../../../src/generate/search/search.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';
import type { PyFunction } from '../../../src/python/model.js';

describe('boundary calls', () => {
  it('finds comparisons with numbers, constants and lengths, not numbers in strings or comments', () => {
    const lines = [
      'LIMIT = 20',
      'def f(word, n):',
      '    if len(word) <= 4:  # 99 < 100',
      '        return "x < 7"',
      '    if n > LIMIT or 0 == n:',
      '        return n * 3',
      '    return n >= 2.5',
    ];
    expect(comparisonsIn(lines, 3, 7)).toEqual([
      { line: 3, value: 4, length: true },
      { line: 5, value: 20, length: false },
      { line: 5, value: 0, length: false },
      { line: 7, value: 2.5, length: false },
    ]);
  });

  it('keeps the calls on both sides of a change of path or result', () => {
    const byKey = new Map([['a', 'A1'], ['b', 'A2'], ['c', 'B'], ['d', 'C'], ['e', 'C'], ['f', 'C']]);
    const signature = (x: string) => x[0]!;
    // a|b same, b|c change; d, e, f all the same: nothing from the second triple; a missing member drops its triple.
    expect(boundaryChoice([['a', 'b', 'c'], ['d', 'e', 'f'], ['a', 'zz', 'c']], byKey, signature)).toEqual(['A2', 'B']);
  });

  it('varies each argument that fits to c-1, c and c+1 (lengths for len) in calls that reached the comparison', async () => {
    const lines = ['def f(word, n):', '    if len(word) <= 4:', '        return word', '    return n < 10'];
    const fn = { name: 'f', className: null, bodyStartLine: 2, endLine: 4 } as unknown as PyFunction;
    const result = { outcome: 'return', lines: [2, 4], repr: 'True' } as unknown as ProbeCandidateResult;
    const subject: SearchSubject = { fn, lines, targets: new Set(), candidates: [{ setup: [], expr: "f('hello', 3)", origin: 'inferred', placeholder: false }], results: [result], placeholder: 'test_value' };
    const { candidates, groups } = await boundaryCandidates(subject, 24);
    expect(candidates.map((c) => c.expr)).toEqual(["f('hel', 3)", "f('hell', 3)", "f('hello', 9)", "f('hello', 10)", "f('hello', 11)"]);
    // The parent itself is a member of the length triple.
    expect(groups).toEqual([
      ["\nf('hel', 3)", "\nf('hell', 3)", "\nf('hello', 3)"],
      ["\nf('hello', 9)", "\nf('hello', 10)", "\nf('hello', 11)"],
    ]);
    // No room for a triple's new calls: it is not started, nor any after it.
    expect((await boundaryCandidates(subject, 1)).candidates).toEqual([]);
    expect((await boundaryCandidates(subject, 4)).candidates.map((c) => c.expr)).toEqual(["f('hel', 3)", "f('hell', 3)"]);
  });

  it('sets one of two compared parameters to the other, and one less and more', async () => {
    const lines = ['def clamp(value, floor=0):', '    if value < floor and not value is None:', '        return floor', '    return value'];
    expect(comparisonsIn(lines, 2, 4)).toEqual([{ line: 2, value: 0, length: false, names: ['value', 'floor'] }]);
    const fn = { name: 'clamp', kind: 'function', className: null, bodyStartLine: 2, endLine: 4, parameters: [{ name: 'value', kind: 'positional_or_keyword' }, { name: 'floor', kind: 'positional_or_keyword' }] } as unknown as PyFunction;
    const result = { outcome: 'return', lines: [2, 4], repr: '7' } as unknown as ProbeCandidateResult;
    const subject: SearchSubject = { fn, lines, targets: new Set(), candidates: [{ setup: [], expr: 'clamp(7, floor=3)', origin: 'inferred', placeholder: false }], results: [result], placeholder: 'test_value' };
    const { candidates } = await boundaryCandidates(subject, 24);
    expect(candidates.map((c) => c.expr)).toEqual(['clamp(2, floor=3)', 'clamp(3, floor=3)', 'clamp(4, floor=3)']);
  });

  it('sets a number written as a string, and takes as parents only calls with an argument to set', async () => {
    const lines = ['def g(value, unit):', '    value = int(value)', '    if value < 0:', '        return unit', '    return value'];
    const fn = { name: 'g', kind: 'function', className: null, bodyStartLine: 2, endLine: 5, parameters: [] } as unknown as PyFunction;
    const ran = { outcome: 'return', lines: [2, 3, 5], repr: '100' } as unknown as ProbeCandidateResult;
    const calls = ["g(None, None)", "g(None, 'x')", "g('100', None)"];
    const subject: SearchSubject = { fn, lines, targets: new Set(), candidates: calls.map((expr) => ({ setup: [], expr, origin: 'inferred' as const, placeholder: false })), results: calls.map(() => ran), placeholder: 'test_value' };
    const { candidates } = await boundaryCandidates(subject, 24);
    expect(candidates.map((c) => c.expr)).toEqual(["g('-1', None)", "g('0', None)", "g('1', None)"]);
  });

  it("sets the arguments of the constructor that built a method's receiver", async () => {
    const lines = ['class C:', '    def over(self):', '        return self.n > 3'];
    const fn = { name: 'over', kind: 'method', className: 'C', bodyStartLine: 3, endLine: 3, parameters: [{ name: 'self', kind: 'positional_or_keyword' }] } as unknown as PyFunction;
    const ran = { outcome: 'return', lines: [3], repr: 'True' } as unknown as ProbeCandidateResult;
    const subject: SearchSubject = { fn, lines, targets: new Set(), candidates: [{ setup: ['obj = C(5)'], expr: 'obj.over()', origin: 'inferred', placeholder: false }], results: [ran], placeholder: 'test_value' };
    const { candidates } = await boundaryCandidates(subject, 24);
    expect(candidates.map((c) => c.setup)).toEqual([['obj = C(2)'], ['obj = C(3)'], ['obj = C(4)']]);
  });

  it('splits a range at its midpoint, and at a power of ten (and the number before it) across decades', () => {
    expect(splits(2n, 8n)).toEqual([5n]);
    expect(splits(5n, 10n ** 30n)).toEqual([5n + (10n ** 30n - 5n) / 2n, 10n ** 15n - 1n, 10n ** 15n]);
    expect(splits(-8n, 8n)).toEqual([0n]);
  });

  it('bisects toward a boundary the body computes, and keeps the closest calls on either side', async () => {
    // The path changes where the argument reaches 1000 (as `len(str(n)) > 3` would put it).
    const lines = ['def f(n):', '    if len(str(n)) > 3:', '        return 1', '    return 0'];
    const fn = { name: 'f', kind: 'function', className: null, bodyStartLine: 2, endLine: 4, parameters: [] } as unknown as PyFunction;
    const resultFor = (expr: string) => ({ outcome: 'return', repr: '0', lines: Number(/\((-?\d+)\)/.exec(expr)![1]) >= 1000 ? [2, 3] : [2, 4] }) as unknown as ProbeCandidateResult;
    const calls = ['f(7)', 'f(123456)'];
    const subject: SearchSubject = { fn, lines, targets: new Set(), candidates: calls.map((expr) => ({ setup: [], expr, origin: 'inferred' as const, placeholder: false })), results: calls.map(resultFor), placeholder: 'test_value' };
    let rounds = 0;
    const groups = await refineBoundaries([subject], async (batch) => {
      rounds++;
      return batch.map(({ candidates }) => candidates.map((c) => resultFor(c.expr)));
    }, 6, 10);
    expect(rounds).toBeGreaterThan(0);
    expect(rounds).toBeLessThanOrEqual(6);
    expect(groups.get(subject)).toEqual([['\nf(999)', '\nf(1000)']]);
    // The same input gives the same calls.
    expect(subject.candidates.map((c) => c.expr).slice(0, 5)).toEqual(['f(7)', 'f(123456)', 'f(61731)', 'f(999)', 'f(1000)']);
  });

  it('gives a parameter taken for its truth a false value, or None when the call left it to its default', async () => {
    const lines = ['class V:', "    def bump(self, token='rc', n=2):", "        if not n:", "            return ''", "        return (token or 'rc') + '.0'"];
    expect(comparisonsIn(lines, 3, 5)).toEqual([{ line: 3, value: 0, length: false, falsy: 'n' }, { line: 5, value: 0, length: false, falsy: 'token' }]);
    const fn = { name: 'bump', kind: 'method', className: 'V', bodyStartLine: 3, endLine: 5, parameters: [{ name: 'self', kind: 'positional_or_keyword', default: null }, { name: 'token', kind: 'positional_or_keyword', default: "'rc'" }, { name: 'n', kind: 'positional_or_keyword', default: '2' }] } as unknown as PyFunction;
    const ran = { outcome: 'return', lines: [3, 5], repr: "'rc.0'" } as unknown as ProbeCandidateResult;
    const subject: SearchSubject = { fn, lines, targets: new Set(), candidates: [{ setup: ['obj = V()'], expr: 'obj.bump(n=5)', origin: 'inferred', placeholder: false }], results: [ran], placeholder: 'test_value' };
    const { candidates, groups } = await boundaryCandidates(subject, 24);
    expect(candidates.map((c) => c.expr)).toEqual(['obj.bump(n=0)', 'obj.bump(n=5, token=None)']);
    expect(groups).toEqual([['obj = V()\nobj.bump(n=0)'], ['obj = V()\nobj.bump(n=5, token=None)']]);
    // A group of one is kept when its call can become a test.
    expect(boundaryChoice([['x'], ['y']], new Map([['x', 'X']]), () => '')).toEqual(['X']);
  });
});
