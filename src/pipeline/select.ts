import { reasons } from '../report/messages/plan.js';

export interface CoverageVerdict {
  /** Line coverage in percent, or null when unknown. */
  coverage: number | null;
  /** Why coverage is unknown, when it is. */
  unknownReason: string | null;
  /** Statements coverage.py counted in the function, when known. */
  statements?: number;
}

export interface Decision {
  selected: boolean;
  /** selected: needs tests and is in this run; covered: meets the threshold; capped: needs tests, left out by maxFunctions. */
  decision: 'selected' | 'covered' | 'capped';
  reason: string;
}

/**
 * Selection: a touched function needs tests when its coverage is below the threshold or unknown.
 * Low coverage never excludes a function. maxFunctions limits one run: the least covered
 * (unknown first) are kept, in file order on ties, and every one left out says so.
 */
export function decide(verdicts: readonly CoverageVerdict[], threshold: number, maxFunctions: number): Decision[] {
  const needs = verdicts.map((v) => v.coverage === null || v.coverage < threshold);
  const order = verdicts
    .map((v, index) => ({ index, key: v.coverage === null ? -1 : v.coverage }))
    .filter(({ index }) => needs[index])
    .sort((a, b) => a.key - b.key || a.index - b.index);
  const kept = new Set(order.slice(0, maxFunctions).map(({ index }) => index));
  return verdicts.map((v, index): Decision => {
    const why = v.coverage === null ? reasons.unknown(v.unknownReason ?? 'no data') : reasons.belowThreshold(v.coverage, threshold);
    if (!needs[index]) return { selected: false, decision: 'covered', reason: reasons.meetsThreshold(v.coverage as number, threshold) };
    if (kept.has(index)) return { selected: true, decision: 'selected', reason: why };
    return { selected: false, decision: 'capped', reason: reasons.leftOutByCap(maxFunctions, why) };
  });
}
