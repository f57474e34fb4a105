import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/pipeline/select.js';
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
