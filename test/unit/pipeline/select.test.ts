import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/pipeline/select.js';
import { addDistinct, addReaching, chooseAimed, unreachedTargets } from '../../../src/generate/aim.js';
import { lineRanges } from '../../../src/report/messages/plan.js';
import { isTouched } from '../../../src/pipeline/touched.js';
import type { PyFunction } from '../../../src/python/model.js';

describe('selection', () => {
  it('selects below the threshold and unknown; never drops low coverage', () => {
    const d = decide([{ coverage: 30, unknownReason: null }, { coverage: 100, unknownReason: null }, { coverage: 0, unknownReason: null }, { coverage: null, unknownReason: 'not measured' }], 80, 25);
    expect(d.map((x) => x.decision)).toEqual(['selected', 'covered', 'selected', 'selected']);
    expect(d[3]!.reason).toBe('coverage unknown: not measured');
  });

  it('maxFunctions keeps the least covered and says why each other one was left out', () => {
    const d = decide([{ coverage: 50, unknownReason: null }, { coverage: 10, unknownReason: null }, { coverage: null, unknownReason: 'stale' }], 80, 2);
    expect(d.map((x) => x.decision)).toEqual(['capped', 'selected', 'selected']);
    expect(d[0]!.reason).toMatch(/left out of this run: maxFunctions \(2\)/);
  });
});

describe('selection by changed lines', () => {
  const verdicts = [
    { coverage: 95, unknownReason: null, uncoveredChanged: [737, 738] },
    { coverage: 95, unknownReason: null, uncoveredChanged: [] },
    { coverage: 40, unknownReason: null, uncoveredChanged: [12] },
  ];

  it('selects a function above the threshold whose changed lines are not covered, and names them', () => {
    const d = decide(verdicts, 80, 25, 'cover');
    expect(d.map((x) => x.decision)).toEqual(['selected', 'covered', 'selected']);
    expect(d[0]!.reason).toBe('lines 737-738 changed and not covered (coverage 95.0% meets the threshold 80%)');
    expect(d[2]!.reason).toBe('coverage 40.0% is below the threshold 80%; line 12 changed and not covered');
  });

  it('changedLines: ignore leaves the decision to the threshold', () => {
    const d = decide(verdicts, 80, 25, 'ignore');
    expect(d.map((x) => x.decision)).toEqual(['covered', 'covered', 'selected']);
    expect(d[2]!.reason).toBe('coverage 40.0% is below the threshold 80%');
  });

  it('writes line lists as runs', () => {
    expect(lineRanges([3])).toBe('line 3');
    expect(lineRanges([11, 9, 10, 3, 3])).toBe('lines 3, 9-11');
  });
});

describe('aimed choice', () => {
  const items = [
    { id: 'a', lines: [1, 2, 3] },
    { id: 'b', lines: [1, 2, 3, 4] },
    { id: 'c', lines: [1, 5] },
    { id: 'd', lines: [1, 2] },
  ];

  it('keeps first what reaches target lines not reached yet, then what reaches the most new lines, in the original order', () => {
    // b runs every line a does: a adds nothing once b is kept.
    expect(chooseAimed(items, new Set([5]), 8).map((i) => i.id)).toEqual(['b', 'c']);
    // One call down a whole branch (an iterator's path) before calls that each add one line, within the limit.
    const paths = [{ id: 'x', lines: [1, 2] }, { id: 'y', lines: [1, 3] }, { id: 'z', lines: [1, 4] }, { id: 'it', lines: [1, 5, 6, 7, 8] }];
    expect(chooseAimed(paths, new Set(), 2).map((i) => i.id)).toEqual(['x', 'it']);
    expect(chooseAimed(paths, new Set(), 8).map((i) => i.id)).toEqual(['x', 'y', 'z', 'it']);
    expect(chooseAimed(items, new Set([5]), 1).map((i) => i.id)).toEqual(['c']);
    expect(chooseAimed(items, new Set([4, 5]), 2).map((i) => i.id)).toEqual(['b', 'c']);
  });

  it('adds a few items for outcomes no chosen item asserts, in order, within the limits', () => {
    const all = [{ v: '1' }, { v: '2' }, { v: '1' }, { v: null }, { v: '3' }, { v: '4' }];
    const key = (i: { v: string | null }) => i.v;
    expect(addDistinct(all, [all[0]!], key, 2, 8)).toEqual([all[0], all[1], all[4]]);
    expect(addDistinct(all, [all[0]!], key, 2, 2)).toEqual([all[0], all[1]]);
    expect(addDistinct(all, [all[4]!], key, 0, 8)).toEqual([all[4]]);
  });

  it('adds items for other lines no kept item reaches (most first), then for other paths over them, within the limit', () => {
    const all = [{ also: [20] }, { also: [20, 21] }, { also: [30, 31, 32] }, { also: [20] }, { also: [] }, { also: [21] }];
    const lines = (i: { also: number[] }) => i.also;
    // [30-32] reaches the most; then [20, 21]; nothing reaches a line they do not, so then paths: [21].
    expect(addReaching(all, [all[0]!], lines, 3)).toEqual([all[0], all[1], all[2], all[5]]);
    expect(addReaching(all, [all[0]!], lines, 1)).toEqual([all[0], all[2]]);
    expect(addReaching(all, [all[0]!], lines, 0)).toEqual([all[0]]);
    // Items reaching none of those lines are never added for them.
    expect(addReaching([{ also: [] }, { also: [] }], [], lines, 3)).toEqual([]);
  });

  it('keeps the first item when none reaches anything new, and reports what no kept item reaches', () => {
    expect(chooseAimed([{ lines: [] }, { lines: [] }], new Set([9]), 8)).toHaveLength(1);
    // Many branches: up to maxAimed for target lines, the rest stops at max.
    const branches = Array.from({ length: 12 }, (_, i) => ({ lines: [i + 1] }));
    expect(chooseAimed(branches, new Set(Array.from({ length: 12 }, (_, i) => i + 1)), 8, 16)).toHaveLength(12);
    expect(chooseAimed(branches, new Set([1, 2]), 8, 16)).toHaveLength(8);
    expect(unreachedTargets([{ lines: [1, 5] }], new Set([5, 7, 6]))).toEqual([6, 7]);
  });
});

describe('touched', () => {
  const fn = { startLine: 10, endLine: 20, nestedRanges: [[14, 16]] } as unknown as PyFunction;
  it('counts changes to decorators, signature and body, not to nested definitions', () => {
    expect(isTouched(fn, [{ start: 10, end: 10 }], false)).toBe(true);
    expect(isTouched(fn, [{ start: 15, end: 15 }], false)).toBe(false);
    expect(isTouched(fn, [{ start: 13, end: 15 }], false)).toBe(true);
    expect(isTouched(fn, [{ start: 21, end: 30 }], false)).toBe(false);
    expect(isTouched(fn, [], true)).toBe(true);
  });
});
