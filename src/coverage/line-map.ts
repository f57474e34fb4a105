/**
 * Line correspondence between two versions of a file, from `git diff -U0` hunks.
 * "old" is the staged (index) version, "new" the working-tree version coverage measured.
 *
 * A hunk `-a,m +b,n` replaces old lines a..a+m-1 by new lines b..b+n-1. With m = 0 it
 * inserts after old line a (a = 0: before the first line); with n = 0 it deletes, and b is
 * the new line after which the deletion happened. Lines outside hunks shift by the running
 * difference of the counts before them. Lines inside a hunk have no counterpart: a replaced
 * line may be similar, but it is not the line coverage measured.
 */
import type { Hunk } from '../git/model.js';

export interface LineMap {
  /** The working-tree line of a staged line, or null when the line was changed or removed. */
  toNew(oldLine: number): number | null;
  /** The staged line of a working-tree line, or null when the line is new or changed. */
  toOld(newLine: number): number | null;
}

interface Side {
  /** First line of the hunk's range on this side, and its count (0: a point after `start`). */
  start: number;
  count: number;
}

/** Maps `line` across, given each hunk's ranges on the `from` and `to` sides (in order). */
function mapLine(line: number, from: Side[], to: Side[], shifts: number[]): number | null {
  // binary search: the last hunk that starts at or before `line` on the `from` side
  let lo = 0;
  let hi = from.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const h = from[mid]!;
    // a pure insertion point (count 0) after line `start` lies before line start + 1
    const first = h.count === 0 ? h.start + 1 : h.start;
    if (first <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return line;
  const h = from[found]!;
  if (h.count > 0 && line < h.start + h.count) return null;
  const shift = shifts[found]! + (to[found]!.count - h.count);
  return line + shift;
}

export function buildLineMap(hunks: readonly Hunk[]): LineMap {
  const sorted = [...hunks].sort((a, b) => a.oldStart - b.oldStart || a.newStart - b.newStart);
  const old: Side[] = sorted.map((h) => ({ start: h.oldStart, count: h.oldCount }));
  const neu: Side[] = sorted.map((h) => ({ start: h.newStart, count: h.newCount }));
  // shifts[i]: net lines added by the hunks before hunk i
  const shifts: number[] = [];
  let acc = 0;
  for (const h of sorted) {
    shifts.push(acc);
    acc += h.newCount - h.oldCount;
  }
  const back = shifts.map((s) => -s);
  return {
    toNew: (line) => (line < 1 ? null : mapLine(line, old, neu, shifts)),
    toOld: (line) => (line < 1 ? null : mapLine(line, neu, old, back)),
  };
}

/** The map of a file that did not change: every line is itself. */
export const identityLineMap: LineMap = {
  toNew: (line) => (line < 1 ? null : line),
  toOld: (line) => (line < 1 ? null : line),
};
