import { describe, expect, it } from 'vitest';
import { buildLineMap, identityLineMap } from '../../../src/coverage/line-map.js';
import type { Hunk } from '../../../src/git/model.js';

const h = (oldStart: number, oldCount: number, newStart: number, newCount: number): Hunk => ({ oldStart, oldCount, newStart, newCount });
/** toNew and toOld over lines 1..n. */
const table = (hunks: Hunk[], n: number) => {
  const m = buildLineMap(hunks);
  return {
    toNew: Array.from({ length: n }, (_, i) => m.toNew(i + 1)),
    toOld: Array.from({ length: n }, (_, i) => m.toOld(i + 1)),
  };
};

describe('buildLineMap', () => {
  it('no hunks: identity', () => {
    expect(table([], 4)).toEqual({ toNew: [1, 2, 3, 4], toOld: [1, 2, 3, 4] });
    expect(identityLineMap.toNew(7)).toBe(7);
    expect(identityLineMap.toOld(0)).toBeNull();
  });

  it('an insertion in the working tree (old a,0)', () => {
    // two lines inserted after old line 2: new lines 3 and 4
    expect(table([h(2, 0, 3, 2)], 6)).toEqual({ toNew: [1, 2, 5, 6, 7, 8], toOld: [1, 2, null, null, 3, 4] });
  });

  it('a deletion in the working tree (new b,0)', () => {
    // old lines 3..4 deleted; they followed new line 2
    expect(table([h(3, 2, 2, 0)], 6)).toEqual({ toNew: [1, 2, null, null, 3, 4], toOld: [1, 2, 5, 6, 7, 8] });
  });

  it('a replacement, same size and different sizes', () => {
    expect(table([h(2, 1, 2, 1)], 4)).toEqual({ toNew: [1, null, 3, 4], toOld: [1, null, 3, 4] });
    // old 2..3 become new 2..4
    expect(table([h(2, 2, 2, 3)], 6)).toEqual({ toNew: [1, null, null, 5, 6, 7], toOld: [1, null, null, null, 4, 5] });
  });

  it('hunks at the start and at the end of the file', () => {
    // a line inserted before the first line (old 0,0), one deleted at the start (new 0,0)
    expect(table([h(0, 0, 1, 1)], 3)).toEqual({ toNew: [2, 3, 4], toOld: [null, 1, 2] });
    expect(table([h(1, 1, 0, 0)], 3)).toEqual({ toNew: [null, 1, 2], toOld: [2, 3, 4] });
    // lines appended after old line 3 (the last one), the last line removed
    expect(table([h(3, 0, 4, 2)], 6).toOld).toEqual([1, 2, 3, null, null, 4]);
    expect(table([h(3, 1, 2, 0)], 3).toNew).toEqual([1, 2, null]);
  });

  it('several hunks: shifts accumulate, in any order given', () => {
    const hunks = [h(10, 1, 10, 3), h(2, 0, 3, 2), h(6, 2, 7, 0)];
    const m = buildLineMap(hunks);
    // old 1..2 same; +2 after old 2; old 3..5 -> 5..7; old 6..7 deleted; old 8..9 -> 7..8 (shift 0); old 10 replaced; old 11 -> 15
    expect([1, 2, 3, 5, 6, 7, 8, 9, 10, 11].map((l) => m.toNew(l))).toEqual([1, 2, 5, 7, null, null, 8, 9, null, 13]);
    expect([3, 4, 5, 7, 8, 9, 12, 13, 14, 15].map((l) => m.toOld(l))).toEqual([null, null, 3, 5, 8, 9, null, 11, 12, 13]);
    // round trip for every unchanged line
    for (let old = 1; old <= 30; old++) {
      const n = m.toNew(old);
      if (n !== null) expect(m.toOld(n)).toBe(old);
    }
  });

  it('lines below 1 have no counterpart', () => {
    const m = buildLineMap([h(2, 0, 3, 2)]);
    expect(m.toNew(0)).toBeNull();
    expect(m.toOld(-1)).toBeNull();
  });
});
