/**
 * The alongside round: a commit changes a function and the code around it (the checker's method
 * it adds a branch to, and the helpers that branch calls), and its author's tests run all of it.
 * The functions the change touched that need no tests of their own (every changed line covered)
 * are traced in every call of the targets' (the probe's `alsoRanges`), and a target keeps a few
 * calls for their lines and paths (engine.ts choicePool). A target reached only through entry
 * points (a table formatter's `_format`, run by `tabulate(rows, maxcolwidths=...)`) has few such
 * calls among its own: this round scans the tests' entry calls (entry-scan.ts), those sharing
 * words with the other functions' code first, for those that run the target and lines, or
 * paths, of the other functions none before ran, and tries them as calls of their own. A
 * target returning instances of a class whose methods the change touched has those methods
 * called on what its calls returned (result-calls.ts).
 *
 * Two probe rounds at most (the scans of the targets the directed search did not scan, then what
 * every scan found with the calls on results), within what the search's run budget has left.
 */
import type { Candidate } from '../infer/candidates.js';
import { SCAN_COST, byAffinity, entryScan, scannedAlongside } from './entry-scan.js';
import { resultCalls } from './result-calls.js';
import { ROUND_COST, callCost, candidateKey, runRound, type RunRound, type SearchBudget, type SearchSubject } from './search.js';

/** Runs the round for the subjects with other touched functions (`alongside`); returns the nominal seconds it spent. */
export async function alongsideRound(subjects: readonly SearchSubject[], run: RunRound, budget: SearchBudget, spent: number): Promise<number> {
  let left = budget.perRun - spent;
  const start = left;
  const eligible = subjects.filter((s) => s.alongside && !s.results.some((r) => r.outcome === 'timeout' || r.outcome === 'crash' || r.outcome === 'skipped'));
  // First a scan of each the directed search did not scan (its scan, traced with the other
  // functions too, found theirs), its calls about what the other functions' code names first.
  const scans: Array<{ subject: SearchSubject; candidates: Candidate[] }> = [];
  for (const subject of eligible) {
    if (!subject.entryPool || subject.entryPool.length === 0 || subject.candidates.some((c) => c.scan)) continue;
    const scan = entryScan(byAffinity(subject.entryPool!, subject.alongside!));
    if (!scan || left - ROUND_COST - SCAN_COST < 0) continue;
    left -= SCAN_COST;
    scans.push({ subject, candidates: [scan] });
  }
  if (scans.length > 0) {
    left -= ROUND_COST;
    await runRound(scans, run);
  }
  // Then the calls every scan of it found, not tried yet, each at an entry call's cost, and the
  // touched methods called on what its calls returned (result-calls.ts).
  const found: Array<{ subject: SearchSubject; candidates: Candidate[] }> = [];
  for (const subject of eligible) {
    const tried = new Set(subject.candidates.map(candidateKey));
    const calls: Candidate[] = [];
    const add = (c: Candidate, cost: number) => {
      const key = candidateKey(c);
      if (tried.has(key) || left - ROUND_COST - cost < 0) return;
      tried.add(key);
      left -= cost;
      calls.push(c);
    };
    const entryCost = callCost(subject, true);
    for (const c of scannedAlongside(subject.candidates, subject.results)) add(c, entryCost);
    if (subject.resultMethods) {
      const ownCost = callCost(subject);
      for (const c of resultCalls(subject.resultMethods, subject.candidates, subject.results)) add(c, c.entry ? entryCost : ownCost);
    }
    if (calls.length > 0) found.push({ subject, candidates: calls });
  }
  if (found.length > 0) {
    left -= ROUND_COST;
    await runRound(found, run);
  }
  return start - left;
}
