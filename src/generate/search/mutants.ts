/**
 * The mutation round: calls kept for what they tell apart, not only for the lines they reach.
 * After the choice of tests (aim.ts), the chosen calls run again in the probe with each of a few
 * small changes of the function's code in place (mutants: a comparison turned round, a constant
 * changed, a returned value dropped; smart_test_probe/mutants.py), each expecting the digest of
 * what it gave without (the probe stops a mutant's calls at the first that gives another). A
 * change that none of the chosen calls notices is one the function's tests would let pass:
 * 1. the function's other calls (a few with results or paths of their own) run with it, and
 * 2. new calls derived from the function's as the search derives them (search.ts), aimed at the
 *    changed line (its string literals and numbers), run as they are, then with it;
 * the calls noticing the most such changes are kept, greedily, at most MUTANT_EXTRA a function.
 *
 * Bounded and deterministic: a few mutants per function, spread over the lines its calls run;
 * the work budgeted by the Python calls the calls made in their first runs (the same on any
 * machine); each mutant's run of a call under a short time limit (a mutant that loops is given
 * up, not waited for); at most three probe rounds.
 */
import type { Candidate } from '../infer/candidates.js';
import type { ProbeCandidateResult, ProbeMutant } from '../probe-model.js';
import { addDistinct } from '../aim.js';

/** Mutants of one function at most. */
const MUTANTS = 10;
/** Other calls (not chosen) run with the mutants the chosen ones let pass, at most. */
const POOL_EXTRA = 6;
/** New calls derived for the mutants no call tells apart, per function. */
const DERIVED = 12;
/** Tests kept beyond the chosen ones, for mutants only they notice. */
export const MUTANT_EXTRA = 3;
/** Python calls one function's mutation runs may make (its calls' counts, times the runs). */
const FUNCTION_CALLS = 400_000;
/** ...and the whole run's. */
const RUN_CALLS = 1_000_000;
/** A mutant's run of a call gets this many times the call's first (traced) run, within the limits below. */
const TIME_FACTOR = 5;
const MIN_SECONDS = 0.1;
const MAX_SECONDS = 0.5;

/** A call that ran to completion, and what it gave. */
export interface PoolItem {
  c: Candidate;
  r: ProbeCandidateResult;
}

/** What the probe is asked for one function: calls as they are (no mutant, lines traced), or with a mutant in place (not traced). */
export interface MutantRun<J> {
  job: J;
  candidates: Candidate[];
  mutant?: { lines: number[]; count: number; index: number };
}

/** The results of each run asked for, in order (null for one that failed); with the mutant made, where and what it changed. */
export type RunMutants<J> = (batch: ReadonlyArray<MutantRun<J>>) => Promise<Array<{ results: ProbeCandidateResult[]; mutant?: ProbeMutant } | null>>;

/** One function's part in the round: the calls chosen for its tests, and the others that could be. */
export interface MutationSubject<J> {
  job: J;
  /** The function's name, for the debug output. */
  name: string;
  chosen: readonly PoolItem[];
  others: readonly PoolItem[];
  /** Lines of the function the mutants may change (its own). */
  own: (line: number) => boolean;
  /** New calls derived from the function's toward `lines` (at most `room`), none of them run yet. */
  derive?: (lines: readonly number[], room: number) => Promise<Candidate[]>;
  /** Whether a derived call's result could become a test (as the chosen ones' could). */
  usable?: (item: PoolItem) => boolean;
}

/** What the round keeps for a function: calls to keep beyond the chosen ones, and of those, the new ones with their first results. */
export interface MutationPicks {
  kept: Candidate[];
  found: PoolItem[];
}

interface Plan<J> {
  subject: MutationSubject<J>;
  /** Its other calls worth a run with the mutants left (see planFor). */
  others: PoolItem[];
  lines: number[];
  count: number;
  cost: number;
}

/** A function's mutants no chosen call tells apart, after the first step. */
interface Unnoticed<J> {
  plan: Plan<J>;
  /** Their indexes, and where each changes the code. */
  left: Array<{ index: number; made: ProbeMutant }>;
}

/**
 * The calls to keep beyond each subject's chosen ones, by job, at most MUTANT_EXTRA a function.
 */
export async function mutationRound<J>(subjects: readonly MutationSubject<J>[], runBatch: RunMutants<J>): Promise<Map<J, MutationPicks>> {
  const run: RunMutants<J> = async (batch) => {
    const started = Date.now();
    const got = await runBatch(batch);
    debug(`mutation round: ${batch.length} runs of ${batch.reduce((n, b) => n + b.candidates.length, 0)} calls in ${Date.now() - started} ms`);
    return got;
  };
  const picks = new Map<J, MutationPicks>();
  const plans: Plan<J>[] = [];
  let spent = 0;
  for (const subject of subjects) {
    // The chosen calls' results without a mutant are what the mutants' runs expect.
    if (subject.chosen.some((p) => !p.r.digest)) continue;
    const plan = planFor(subject, RUN_CALLS - spent);
    if (!plan) continue;
    spent += plan.cost;
    plans.push({ subject, ...plan });
  }
  if (plans.length === 0) return picks;
  // The chosen calls with each mutant in place, each expecting what it gave without: the
  // probe stops a mutant's calls at the first that gives something else. The calls reaching
  // the most lines first, as they are the likeliest to notice.
  const batch: MutantRun<J>[] = [];
  const orders = new Map<Plan<J>, PoolItem[]>();
  for (const plan of plans) {
    const { subject, lines, count } = plan;
    const order = [...subject.chosen].sort((a, b) => new Set(b.r.lines).size - new Set(a.r.lines).size);
    orders.set(plan, order);
    const candidates = timed(order).map((c, i) => ({ ...c, expect: order[i]!.r.digest! }));
    for (let index = 0; index < count; index++) batch.push({ job: subject.job, candidates, mutant: { lines, count, index } });
  }
  const results = await run(batch);
  const open: Unnoticed<J>[] = [];
  let at = 0;
  for (const plan of plans) {
    const mutated = results.slice(at, at + plan.count);
    at += plan.count;
    const order = orders.get(plan)!;
    const made = mutated.flatMap((m, index) => (m?.mutant ? [{ index, made: m.mutant, results: m.results }] : []));
    // Left: every chosen call ran with it and gave what it gave without (none ran out of time).
    const left = made.filter((m) => m.results.every((r, i) => r.digest != null && r.digest === order[i]!.r.digest));
    const caught = made.filter((m) => m.results.some((r, i) => r.digest != null && r.digest !== order[i]!.r.digest)).length;
    debug(`mutants of ${plan.subject.name}: ${made.length} made, ${order.length} chosen calls (${callsOf(order)} Python calls a run) tell apart ${caught}; left ${left.map((m) => `${m.made.line} ${m.made.change}`).join('; ')}`);
    if (left.length > 0) open.push({ plan, left: left.map(({ index, made: where }) => ({ index, made: where })) });
  }
  await keepForLeft(open, run, RUN_CALLS - spent, picks);
  return picks;
}

/**
 * The second step, for the mutants no chosen call told apart: the function's other calls, and
 * new calls derived toward the mutants' lines (run as they are first), run with each such mutant
 * in place; those telling apart the most are kept, the new ones with their first results.
 */
async function keepForLeft<J>(open: readonly Unnoticed<J>[], run: RunMutants<J>, budget: number, picks: Map<J, MutationPicks>): Promise<void> {
  let left = budget;
  const derived = new Map<Unnoticed<J>, Candidate[]>();
  for (const entry of open) {
    const { subject } = entry.plan;
    const perCall = medianCalls(subject.chosen);
    left -= entry.plan.others.length * perCall * entry.left.length;
    const room = Math.min(DERIVED, Math.floor(Math.min(FUNCTION_CALLS, left) / (perCall * (1 + entry.left.length))));
    if (room <= 0 || !subject.derive) continue;
    const lines = [...new Set(entry.left.map((m) => m.made.line))].sort((a, b) => a - b);
    const candidates = (await subject.derive(lines, room)).slice(0, room);
    if (candidates.length === 0) continue;
    left -= candidates.length * perCall * (1 + entry.left.length);
    derived.set(entry, candidates);
  }
  // The derived calls' first runs, beside the other calls' runs with the mutants.
  const mutantRuns = (entry: Unnoticed<J>, items: readonly PoolItem[]) => entry.left.map(({ index }) => ({ job: entry.plan.subject.job, candidates: timed(items), mutant: { lines: entry.plan.lines, count: entry.plan.count, index } }));
  const firstBatch: MutantRun<J>[] = [];
  for (const entry of open) {
    const fresh = derived.get(entry);
    if (fresh) firstBatch.push({ job: entry.plan.subject.job, candidates: fresh.map((c) => withLimit(c, MAX_SECONDS)) });
    if (entry.plan.others.length > 0) firstBatch.push(...mutantRuns(entry, entry.plan.others));
  }
  if (firstBatch.length === 0) return;
  const first = await run(firstBatch);
  const secondBatch: MutantRun<J>[] = [];
  const found: Array<{ entry: Unnoticed<J>; told: Array<Set<number>>; items: PoolItem[] }> = [];
  let at = 0;
  for (const entry of open) {
    const fresh = derived.get(entry);
    let items: PoolItem[] = [];
    if (fresh) {
      const got = first[at++];
      const ran = fresh.flatMap((c, k) => (got?.results[k] ? [{ c, r: got.results[k] }] : [])).filter((item) => entry.plan.subject.usable?.(item) ?? true);
      items = addDistinct(ran, [...entry.plan.subject.chosen, ...entry.plan.others], distinctKey, Infinity, Infinity);
    }
    const others = entry.plan.others;
    const told = others.length > 0 ? tellsApart(others.map((o) => o.r), first.slice(at, at + entry.left.length).map((m) => (m?.mutant ? m.results : null))) : [];
    if (others.length > 0) at += entry.left.length;
    if (items.length > 0) secondBatch.push(...mutantRuns(entry, items));
    found.push({ entry, told, items });
  }
  const second = secondBatch.length > 0 ? await run(secondBatch) : [];
  at = 0;
  for (const { entry, told, items } of found) {
    let all = told;
    if (items.length > 0) {
      // The derived calls' first runs (traced) stand for their runs without a mutant.
      all = [...told, ...tellsApart(items.map((i) => i.r), second.slice(at, at + entry.left.length).map((m) => (m?.mutant ? m.results : null)))];
      at += entry.left.length;
    }
    const pool = [...entry.plan.others, ...items];
    const kept = pickForMutants(all, 0, MUTANT_EXTRA);
    debug(`mutants of ${entry.plan.subject.name}: ${entry.plan.others.length} other and ${items.length} derived calls tell apart ${new Set(all.flatMap((t) => [...t])).size} of the ${entry.left.length} left; ${kept.length} kept`);
    if (kept.length === 0) continue;
    const chosen = kept.map((i) => pool[i]!);
    picks.set(entry.plan.subject.job, { kept: chosen.map((p) => p.c), found: chosen.filter((p) => items.includes(p)) });
  }
}

/**
 * The lines, mutants and cost of one subject, and the other calls it may keep, or null when
 * there is nothing to change or no budget left. The others are those whose result, or path, no
 * chosen call and no other before them has; mutants are dropped until the chosen calls' runs fit
 * the function's budget and what is left of the run's.
 */
export function planFor<J>(subject: MutationSubject<J>, left: number): { others: PoolItem[]; lines: number[]; count: number; cost: number } | null {
  const lines = [...new Set([...subject.chosen, ...subject.others].flatMap((p) => p.r.lines))].filter(subject.own).sort((a, b) => a - b);
  if (lines.length === 0 || subject.chosen.length === 0) return null;
  const others = addDistinct(subject.others, subject.chosen, distinctKey, POOL_EXTRA, Infinity);
  const budget = Math.min(FUNCTION_CALLS, left);
  let count = MUTANTS;
  while (count > 1 && callsOf(subject.chosen) * count > budget) count--;
  const cost = callsOf(subject.chosen) * count;
  return cost > budget ? null : { others, lines, count, cost };
}

/**
 * The calls by the mutants (indexes) each tells apart: with the mutant in place it gave another
 * result (by its digest: what a test of it asserts) than `baseline`, its result without.
 */
export function tellsApart(baseline: readonly ProbeCandidateResult[], mutated: ReadonlyArray<readonly ProbeCandidateResult[] | null>): Array<Set<number>> {
  return baseline.map((base, i) => {
    const told = new Set<number>();
    if (!base.digest) return told;
    mutated.forEach((results, m) => {
      const got = results?.[i]?.digest;
      if (got && got !== base.digest) told.add(m);
    });
    return told;
  });
}

/**
 * Indexes of items after the first `chosen` to keep, in order: greedily, the one telling apart
 * the most mutants that no chosen or kept item tells apart (the earliest on ties), up to `extra`.
 */
export function pickForMutants(told: ReadonlyArray<ReadonlySet<number>>, chosen: number, extra: number): number[] {
  const caught = new Set<number>();
  for (let i = 0; i < chosen && i < told.length; i++) for (const m of told[i]!) caught.add(m);
  const kept: number[] = [];
  while (kept.length < extra) {
    let best = -1;
    let bestGain = 0;
    for (let i = chosen; i < told.length; i++) {
      if (kept.includes(i)) continue;
      let gain = 0;
      for (const m of told[i]!) if (!caught.has(m)) gain++;
      if (gain > bestGain) {
        best = i;
        bestGain = gain;
      }
    }
    if (best < 0) break;
    kept.push(best);
    for (const m of told[best]!) caught.add(m);
  }
  return kept.sort((a, b) => a - b);
}

/** A call's result and path (null for a result that asserts nothing): two calls alike in both are alike for the round. */
function distinctKey({ r }: PoolItem): string | null {
  return r.digest ? `${r.digest}\0${[...new Set(r.lines)].sort((a, b) => a - b).join(',')}` : null;
}

function callsOf(items: readonly PoolItem[]): number {
  return items.reduce((n, p) => n + Math.max(1, p.r.calls ?? 1), 0);
}

function medianCalls(items: readonly PoolItem[]): number {
  const counts = items.map((p) => Math.max(1, p.r.calls ?? 1)).sort((a, b) => a - b);
  return counts[Math.floor((counts.length - 1) / 2)] ?? 1;
}

/** The calls, each with a time limit after its first run's time (see withLimit). */
function timed(items: readonly PoolItem[]): Candidate[] {
  return items.map(({ c, r }) => withLimit(c, r.seconds));
}

/** The call with a time limit of TIME_FACTOR times `seconds`, within MIN_SECONDS..MAX_SECONDS (a tighter one of its own stays). */
function withLimit(c: Candidate, seconds: number): Candidate {
  const limit = Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, TIME_FACTOR * seconds));
  return { ...c, timeoutSeconds: Math.min(limit, c.timeoutSeconds ?? limit) };
}

function debug(line: string): void {
  if (process.env.SMART_TEST_SEARCH_DEBUG) process.stderr.write(`${line}\n`);
}
