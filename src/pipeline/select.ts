import { reasons } from '../report/messages/plan.js';

export interface CoverageVerdict {
  /** Line coverage in percent, or null when unknown. */
  coverage: number | null;
  /** Why coverage is unknown, when it is. */
  unknownReason: string | null;
  /** Statements coverage.py counted in the function, when known. */
  statements?: number;
  /** Changed executable lines that no test ran (or, with branch data, with a branch not taken). */
  uncoveredChanged?: readonly number[];
  /** The lines generation aims at (see PlannedFunction.targetLines). */
  targetLines?: number[] | null;
}

/** `cover`: a function whose changed lines are not all covered needs tests whatever its coverage; `ignore`: only the threshold counts. */
export type ChangedLinesRule = 'cover' | 'ignore';

export interface Decision {
  selected: boolean;
  /** selected: needs tests and is in this run; covered: meets the threshold; capped: needs tests, left out by maxFunctions. */
  decision: 'selected' | 'covered' | 'capped';
  reason: string;
  /** Why it needs tests (absent when covered): its coverage is below the threshold, unknown, or only its changed lines lack tests. */
  cause?: 'below-threshold' | 'unknown' | 'changed-lines';
}

/**
 * Selection: a touched function needs tests when its coverage is below the threshold or unknown,
 * or (rule `cover`) when any of its changed executable lines is not covered. Low coverage never
 * excludes a function. maxFunctions limits one run: the least covered (unknown first) are kept,
 * in file order on ties, and every one left out says so.
 */
export function decide(verdicts: readonly CoverageVerdict[], threshold: number, maxFunctions: number, rule: ChangedLinesRule = 'cover'): Decision[] {
  const changedMissed = verdicts.map((v) => (rule === 'cover' ? v.uncoveredChanged ?? [] : []));
  const below = verdicts.map((v) => v.coverage === null || v.coverage < threshold);
  const needs = verdicts.map((_, i) => below[i]! || changedMissed[i]!.length > 0);
  const order = verdicts
    .map((v, index) => ({ index, key: v.coverage === null ? -1 : v.coverage }))
    .filter(({ index }) => needs[index])
    .sort((a, b) => a.key - b.key || a.index - b.index);
  const kept = new Set(order.slice(0, maxFunctions).map(({ index }) => index));
  return verdicts.map((v, index): Decision => {
    const missed = changedMissed[index]!;
    let why = v.coverage === null ? reasons.unknown(v.unknownReason ?? 'no data') : reasons.belowThreshold(v.coverage, threshold);
    if (missed.length > 0) why = below[index] ? `${why}; ${reasons.changedNotCovered(missed)}` : reasons.changedNotCoveredAbove(missed, v.coverage as number, threshold);
    if (!needs[index]) return { selected: false, decision: 'covered', reason: reasons.meetsThreshold(v.coverage as number, threshold) };
    const cause = v.coverage === null ? 'unknown' : below[index] ? 'below-threshold' : 'changed-lines';
    if (kept.has(index)) return { selected: true, decision: 'selected', reason: why, cause };
    return { selected: false, decision: 'capped', reason: reasons.leftOutByCap(maxFunctions, why), cause };
  });
}
