/**
 * The directed search: when a function's target lines stay unreached after its first candidates
 * ran, new candidates are derived from the ones that came closest, one argument changed at a
 * time (see values.ts), and run in rounds; what reaches a missed line is kept by the aimed choice.
 *
 * Budget: each function gets `perFunction` seconds of probe time, the whole run `perRun`. Time
 * is counted with a fixed cost per call (CALL_COST, more for a function whose first calls made
 * many Python calls, SLOW_CALL_COST for one whose first calls waited on the system: opened files,
 * listed folders, slept), never with the wall clock's times, so the same repository gives the
 * same candidates and byte-identical tests on any machine and under any load; the wall clock only
 * stops the search early when calls are far slower than that.
 */
import type { PyFunction } from '../../python/model.js';
import type { ResultMethod } from './result-calls.js';
import type { Candidate } from '../infer/candidates.js';
import type { ProbeCandidateResult } from '../probe-model.js';
import { callParameters, calleeName, callSites, parameterOf, withArgument, type CallSite } from './call-sites.js';
import { alternatives, slowValue, guardLines, hintWindow, hintsNear, holdsWord, indentOf, kindOf, stringLiterals, stripComment, swaps, type Hints, type Kind } from './values.js';
import { tableExpressions, tableKeys, tableProbe } from './tables.js';
import { progressSearch } from '../../report/messages/generate.js';
import { MAX_SCANNED, SCAN_COST, byAffinity, entryScan, scannedEntries } from './entry-scan.js';
import { onFreshInstance, type Delegator } from './fresh-instances.js';
import { attributesChangedBy, attributesRead, classState, linesChanging, stateSteps, type ClassState } from './receiver-state.js';
import { registrations, registrationStatements, type Registration } from './registered-items.js';
import { programEdits } from './program-edits.js';
import { strValue } from '../infer/python-literal.js';

/** One function being searched: its candidates and their results grow round by round. */
export interface SearchSubject {
  fn: PyFunction;
  /** Lines of the module's source (the text the line numbers refer to). */
  lines: readonly string[];
  targets: ReadonlySet<number>;
  candidates: Candidate[];
  results: ProbeCandidateResult[];
  placeholder: string;
  /**
   * For a method: the calls the generator infers for another method of its class, by name (the
   * receiver-state search uses them to set an attribute through a method no test of this run calls).
   */
  methodCalls?: (method: string, className?: string) => Candidate[];
  /** The tests' other calls of its entry points (seeds.ts), for the entry scan (entry-scan.ts). */
  entryPool?: Candidate[];
  /** The code of the other functions of its file the change touched, traced in its calls too (alongside.ts). */
  alongside?: string;
  /** Those of them that can be called on an instance of their class with no argument (result-calls.ts). */
  resultMethods?: ResultMethod[];
  /** Its module's functions that pass their arguments to a default instance (fresh-instances.ts), read once per module. */
  delegators?: () => Promise<Delegator[]>;
}

export interface SearchBudget {
  /** Seconds of probe time per function. */
  perFunction: number;
  /** Seconds of probe time for the whole run. */
  perRun: number;
}

export interface SearchStats {
  rounds: number;
  tried: number;
  /** Target lines reached by the search that the first candidates did not reach. */
  gained: number;
  /** Nominal seconds of the run's budget used (calls and rounds). */
  spent: number;
}

/** Runs new candidates; resolves with their results (in order), or null for a subject whose run failed. */
export type RunRound = (batch: ReadonlyArray<{ subject: SearchSubject; candidates: Candidate[] }>) => Promise<Array<ProbeCandidateResult[] | null>>;

/** The nominal cost of one candidate: its run and the probe's own work. */
export const CALL_COST = 0.005;
const SLOW_CALL_COST = 0.05;
/** How many Python calls a candidate's run makes for each CALL_COST it counts (traced, a call costs a few microseconds). */
const CALLS_PER_COST = 1000;
const MAX_ROUNDS = 5;
/**
 * What one round of the probe counts, at a fixed rate: a request to the probe, with a child
 * process forked for each function (a new Python process importing the modules when the round's
 * modules have no probe session yet).
 */
export const ROUND_COST = 0.15;
const PARENTS = 3;
const MAX_ENTRY_PARENTS = 1;
/** How many of the closest candidates are looked at to find PARENTS with arguments to vary. */
const MAX_PARENT_TRIES = 20;
const MAX_PER_ROUND = 48;
const MIN_ROUND_CALLS = 3;
const MAX_OBSERVED_PER_KIND = 4;
/** The tests' entry calls holding a word the function compares with, run to become parents (see deriveCandidates). */
const MAX_WORD_ENTRIES = 2;

/** A result that can become a test: it returned, or raised from the target's own `raise`. */
export function usableResult(r: ProbeCandidateResult): boolean {
  return r.outcome === 'return' || (r.outcome === 'raise' && r.raisedInTarget && r.raiseStatement && r.deterministic !== false);
}

/**
 * The call's lines count as reached by a test: its result is usable, and it is no value probe (an
 * entry scan runs many calls at once) nor a call that changed its module's state (chooseCases
 * drops it; a doctest example's stays).
 */
function reachesForTest(r: ProbeCandidateResult, c: Candidate | undefined): boolean {
  return usableResult(r) && !c?.valueProbe && !(changedModule(r) && c?.origin !== 'doctest');
}

export function missedTargets(subject: SearchSubject): number[] {
  const reached = new Set<number>();
  subject.results.forEach((r, i) => {
    if (reachesForTest(r, subject.candidates[i])) for (const l of r.lines) reached.add(l);
  });
  return [...subject.targets].filter((l) => !reached.has(l)).sort((a, b) => a - b);
}

/**
 * Target lines every call that reached them raised after (`extract_format(',value', 'text')`
 * runs the new grouping lines, then fails on the type): what those lines compute is asserted by
 * no test. Only for a function some call returned from, and not lines of a block that ends in a
 * `raise` (no call returns through those).
 */
export function raisedThrough(subject: SearchSubject): number[] {
  const byReturn = new Set<number>();
  const byRaise = new Set<number>();
  subject.results.forEach((r, i) => {
    if (reachesForTest(r, subject.candidates[i])) for (const l of r.lines) (r.outcome === 'return' ? byReturn : byRaise).add(l);
  });
  if (byReturn.size === 0) return [];
  const raises = new Set(subject.fn.raises.map((r) => r.line));
  return [...subject.targets].filter((l) => byRaise.has(l) && !byReturn.has(l) && !endsInRaise(subject.lines, l, subject.fn.endLine, raises)).sort((a, b) => a - b);
}

/**
 * Line `l` is a `raise`, a line of one, a statement of a block that goes on, at its indentation,
 * to a `raise`, or an `except`/`else` whose block does.
 */
function endsInRaise(lines: readonly string[], l: number, last: number, raises: ReadonlySet<number>): boolean {
  if (raises.has(l)) return true;
  const own = indentOf(lines[l - 1] ?? '');
  // An `except` or `else` whose block ends in a `raise`: a call that enters it raises.
  const header = (lines[l - 1] ?? '').trim();
  if (/^(except\b|else\s*:)/.test(header)) {
    let body = -1;
    for (let k = l + 1; k <= last; k++) {
      const text = lines[k - 1] ?? '';
      if (text.trim() === '' || text.trim().startsWith('#')) continue;
      const ind = indentOf(text);
      if (ind <= own) break;
      if (body < 0) body = ind;
      if (ind === body && raises.has(k)) return true;
    }
  }
  // A line of a `raise` written over several lines (its message's).
  for (let k = l - 1; k >= Math.max(1, l - 8); k--) {
    const text = lines[k - 1] ?? '';
    if (text.trim() === '') continue;
    if (indentOf(text) >= own) continue;
    if (raises.has(k)) return true;
    break;
  }
  for (let k = l + 1; k <= last; k++) {
    const text = lines[k - 1] ?? '';
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const ind = indentOf(text);
    if (ind < own) return false;
    if (ind === own && raises.has(k)) return true;
  }
  return false;
}

export async function directedSearch(subjects: readonly SearchSubject[], run: RunRound, budget: SearchBudget, progress?: (line: string) => void): Promise<SearchStats> {
  const stats: SearchStats = { rounds: 0, tried: 0, gained: 0, spent: 0 };
  const started = Date.now();
  const spent = new Map<SearchSubject, number>();
  let runSpent = 0;
  const initiallyMissed = new Map(subjects.map((s) => [s, missedTargets(s).length]));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if ((Date.now() - started) / 1000 > budget.perRun * 1.5) break;
    const observed = observedValues(subjects);
    const batch: Array<{ subject: SearchSubject; candidates: Candidate[]; freshOnly?: true }> = [];
    for (const subject of subjects) {
      // A function one of whose calls ran out of time or memory, or ended its process, gets no more
      // calls; an entry point's call that ran past its tighter limit stopped only the entry points
      // after it, and a slow variant's (run last) only the slow ones.
      const mayStop = (i: number) => !subject.candidates[i]?.entry && !subject.candidates[i]?.slow;
      if (subject.results.some((r, i) => ((r.outcome === 'timeout' || r.outcome === 'skipped' || isMemoryError(r)) && mayStop(i)) || r.outcome === 'crash')) continue;
      let missed = missedTargets(subject);
      if (missed.length === 0) {
        // Every target line is reached; the calls that changed the module's state (the tests'
        // `every().minute.do(job_fun)`) still take other paths: once, on instances of their own.
        const again = round === 0 ? await freshOnly(subject, Math.min(budget.perFunction, budget.perRun - runSpent)) : [];
        if (again.length > 0) {
          const used = again.length * callCost(subject);
          spent.set(subject, (spent.get(subject) ?? 0) + used);
          runSpent += used;
          batch.push({ subject, candidates: again, freshOnly: true });
          continue;
        }
        // Lines reached only by calls that raised: a call returning through them asserts what they compute.
        missed = raisedThrough(subject);
        if (missed.length === 0) continue;
      }
      const cost = callCost(subject);
      const entryCost = callCost(subject, true);
      const left = Math.min(budget.perFunction - (spent.get(subject) ?? 0), budget.perRun - runSpent);
      // An entry scan keeps room in the function's budget for what it finds, tried all in the
      // next round (at most MAX_SCANNED, once) whatever their cost turns out to be.
      const tried = new Set(subject.candidates.map(candidateKey));
      const scanned = scannedEntries(subject.candidates, subject.results).filter((c) => !tried.has(candidateKey(c)));
      const found = new Set(scanned.map(candidateKey));
      const room = Math.max(Math.min(MAX_PER_ROUND, Math.floor(left / cost + 1e-9)), found.size);
      if (room <= 0) continue;
      // Each call at its own cost: an entry point's (a whole `format(sql)`) is often far slower.
      const fresh: Candidate[] = [];
      let used = 0;
      let reserved = 0;
      // After a slow variant ran out of time or memory, no more of them: each such call costs its whole limit.
      const slowStopped = subject.results.some((r, i) => (r.outcome === 'timeout' || isMemoryError(r)) && subject.candidates[i]?.slow);
      for (const c of await deriveCandidates(subject, missed, observed, room, subjects, scanned)) {
        if (c.slow && slowStopped) continue;
        const k = c.scan ? SCAN_COST : c.entry ? entryCost : cost;
        if (used + k + reserved > left + 1e-9 && !found.has(candidateKey(c))) continue;
        fresh.push(c);
        used += k;
        if (c.scan) reserved = MAX_SCANNED * entryCost;
      }
      if (fresh.length === 0) continue;
      // The target's own calls before the entry points' (one that runs out of time stops those
      // after it), then the entry scan, and the slow variants last.
      const order = (c: Candidate) => (c.slow ? 3 : c.scan ? 2 : c.entry ? 1 : 0);
      fresh.sort((a, b) => order(a) - order(b));
      spent.set(subject, (spent.get(subject) ?? 0) + used);
      runSpent += used;
      batch.push({ subject, candidates: fresh });
    }
    // Each round counts ROUND_COST, as much as some 30 calls: not for the last one or two calls
    // a budget has left.
    if (batch.reduce((n, b) => n + b.candidates.length, 0) < MIN_ROUND_CALLS && !batch.some((b) => b.freshOnly)) break;
    // Each round's fixed cost counts against the run's budget.
    runSpent += ROUND_COST;
    if (round === 0 && (Date.now() - started > 1000 || batch.reduce((n, b) => n + b.candidates.length, 0) > 100)) {
      progress?.(progressSearch(batch.length));
    }
    if (process.env.SMART_TEST_SEARCH_DEBUG) process.stderr.write(`search round ${round}: ${batch.map((b) => `${b.subject.fn.qualname} +${b.candidates.length} missed ${missedTargets(b.subject).join(',')}`).join('; ')}\n`);
    if (process.env.SMART_TEST_SEARCH_DEBUG === '2') for (const b of batch) for (const c of b.candidates) process.stderr.write(`  ${[...c.setup.filter((l) => !/^(import|from) /.test(l)), c.expr].join('; ').slice(0, 160)}\n`);
    // For the debug output: what each function's round found, paths (outcome and lines) no earlier call took.
    const before = process.env.SMART_TEST_SEARCH_DEBUG ? batch.map((b) => ({ seen: pathsTaken(b.subject, 0), size: b.subject.results.length })) : null;
    stats.tried += await runRound(batch, run);
    stats.rounds++;
    before?.forEach(({ seen, size }, i) => {
      const subject = batch[i]!.subject;
      const found = [...pathsTaken(subject, size)].filter((p) => !seen.has(p)).length;
      process.stderr.write(`  ${subject.fn.qualname}: ${found} new paths, missed ${missedTargets(subject).join(',') || 'none'}\n`);
      subject.candidates.forEach((c, j) => {
        const r = subject.results[j];
        if (j >= size && c.scan) process.stderr.write(`  scan of ${c.scan.length} calls found ${r?.outcome === 'return' ? r.repr : r?.outcome}\n`);
      });
    });
  }
  for (const s of subjects) stats.gained += initiallyMissed.get(s)! - missedTargets(s).length;
  stats.spent = runSpent;
  return stats;
}

/**
 * New calls derived from the subject's as a search round derives them, aimed at `lines`: lines
 * its calls reach, where a change of the code goes unnoticed (search/mutants.ts). None has run
 * yet; no entry scan, no slow value; at most `room`.
 */
export async function variantsToward(subject: SearchSubject, lines: readonly number[], room: number): Promise<Candidate[]> {
  const tried = new Set(subject.candidates.map(candidateKey));
  const derived = await deriveCandidates(subject, lines, observedValues([subject]), room, [subject], []);
  return derived.filter((c) => !c.scan && !c.slow && !tried.has(candidateKey(c))).slice(0, room);
}

/**
 * Runs one round of new candidates and adds each subject's (those it got results for) to its
 * candidates and results; the number of candidates that ran.
 */
export async function runRound(batch: ReadonlyArray<{ subject: SearchSubject; candidates: Candidate[] }>, run: RunRound): Promise<number> {
  const results = await run(batch);
  let tried = 0;
  batch.forEach(({ subject, candidates }, i) => {
    const got = results[i];
    if (!got) return;
    tried += candidates.length;
    const starts = roundStarts.get(subject) ?? [];
    roundStarts.set(subject, [...starts, subject.candidates.length]);
    subject.candidates.push(...candidates.slice(0, got.length));
    subject.results.push(...got.slice(0, candidates.length));
  });
  return tried;
}

/** Where each search round's candidates start in a subject's list (those before: its first candidates). */
const roundStarts = new WeakMap<SearchSubject, number[]>();

/** The search round the subject's `i`th candidate ran in (0: the first candidates). */
function roundOf(subject: SearchSubject, i: number): number {
  return (roundStarts.get(subject) ?? []).filter((start) => start <= i).length;
}

/** The paths (outcome and lines) the subject's calls from the `from`th on took. */
function pathsTaken(subject: SearchSubject, from: number): Set<string> {
  const out = new Set<string>();
  for (let i = from; i < subject.results.length; i++) {
    const r = subject.results[i]!;
    if (!subject.candidates[i]?.valueProbe) out.add(`${r.outcome}:${[...r.lines].sort((a, b) => a - b).join(',')}`);
  }
  return out;
}

/** The call changed its module's state (a global, or an attribute of one). */
function changedModule(r: ProbeCandidateResult): boolean {
  return 'changesModule' in r && !!r.changesModule && r.changesModule.length > 0;
}

function isMemoryError(r: ProbeCandidateResult): boolean {
  return (r.outcome === 'error' || r.outcome === 'raise') && r.excType.module === 'builtins' && r.excType.qualname === 'MemoryError';
}

/**
 * The nominal cost of one call of the subject (see CALL_COST), from what its calls of the same
 * kind did: its own, or (`entries`) its entry points' (a whole `format(sql)` for one filter's
 * method), which say little of each other's. Counts, not times: a call that opens files takes 5
 * to 40 ms from one run to the next on the same machine, and a cost that followed would give
 * other tests from one run to the next.
 */
export function callCost(subject: SearchSubject, entries = false): number {
  const reached = subject.results.map((r, i) => ({ r, c: subject.candidates[i] })).filter(({ r, c }) => r.lines.length > 0 && !c?.valueProbe);
  const own = reached.filter(({ c }) => c && !!c.entry === entries);
  const timed = (own.length > 0 ? own : reached).map(({ r }) => r);
  if (timed.length === 0) return CALL_COST;
  const median = (counts: number[]) => counts.sort((a, b) => a - b)[Math.floor((counts.length - 1) / 2)]!;
  // The Python calls a call makes (building its receiver included), the median of its kind's:
  // CALL_COST more for each CALLS_PER_COST of them (a checker built for each call of its method).
  const calls = median(timed.map((r) => r.calls ?? 0));
  const work = entries ? CALL_COST : CALL_COST * (1 + Math.floor(calls / CALLS_PER_COST));
  // A call that waits on the system (the median of its kind's opens a file, lists a folder, sleeps).
  return Math.max(work, median(timed.map((r) => r.io ?? 0)) > 0 ? SLOW_CALL_COST : CALL_COST);
}

/** Literal values other calls of the run returned, by kind (a few of each, in a stable order). */
function observedValues(subjects: readonly SearchSubject[]): Map<Kind, string[]> {
  const out = new Map<Kind, string[]>();
  for (const s of subjects) {
    for (const [i, r] of s.results.entries()) {
      if (r.outcome !== 'return' || !r.literal || r.repr.length > 120 || s.candidates[i]?.valueProbe) continue;
      const kind = kindOf(r.repr);
      const list = out.get(kind) ?? [];
      if (list.length < MAX_OBSERVED_PER_KIND && !list.includes(r.repr)) list.push(r.repr);
      out.set(kind, list);
    }
  }
  return out;
}

/**
 * Up to `room` new candidates for a subject: from each of its closest candidates (parents), every
 * argument of the call (and of the receiver's constructor) replaced by each alternative in turn,
 * and each optional parameter the call leaves out given each alternative to None.
 */
async function deriveCandidates(subject: SearchSubject, missed: readonly number[], observed: ReadonlyMap<Kind, readonly string[]>, room: number, siblings: readonly SearchSubject[], scanned: readonly Candidate[]): Promise<Candidate[]> {
  const { fn } = subject;
  const window = hintWindow(subject.lines, missed, fn.bodyStartLine, fn.endLine);
  const hints = hintsNear(subject.lines, missed, fn.bodyStartLine, fn.endLine, window);
  const tried = new Set(subject.candidates.map(candidateKey));
  // Keys of the lookup tables the missed lines are guarded by, once a value probe returned them.
  const keys = tableKeys(subject.candidates, subject.results);
  hints.strings.unshift(...keys.filter((k) => kindOf(k) === 'str' && !hints.strings.includes(k)));
  hints.numbers.unshift(...keys.filter((k) => kindOf(k) === 'int' && !hints.numbers.includes(k)));
  const probes = tableProbes(subject, window).filter((c) => !tried.has(candidateKey(c)));
  const callee = calleeName(fn);
  const guardText = window.map((l) => stripComment(subject.lines[l - 1] ?? '')).join('\n');
  const all = closestScored(subject, missed, guardText);
  const scored = all.slice(0, MAX_PARENT_TRIES);
  const ranked = scored.map((x) => x.c);
  // The closest candidates that have arguments to vary: the target's call, or an entry point's.
  // Each parent's variants, interleaved, so that every parent gets a share of the room.
  const parents: Array<{ parent: Candidate; sites: CallSite[] }> = [];
  const perParent: Candidate[][] = [];
  // The parameters the missed lines and their guards name (`if depth > MAX_DEPTH:`): varied first.
  const named = (param: string | undefined) => param !== undefined && new RegExp(`(?<![\\w.])${param}(?!\\w)`).test(guardText);
  const params = callParameters(fn);
  // At most one entry point's call among the parents: however far a `split(sql)` got, the
  // target's own calls are the ones whose arguments decide its branches.
  let entryParents = 0;
  for (const parent of ranked) {
    if (parents.length >= PARENTS) break;
    if (parent.entry && entryParents >= MAX_ENTRY_PARENTS && ranked.some((c) => !c.entry && !parents.some((p) => p.parent === c))) continue;
    const sites = await callSites(parent.setup, parent.expr, parent.entry ? null : callee);
    if (!sites.some((s) => s.args.length > 0 || s.where === 'expr')) continue;
    const variants = argumentVariants(parent, sites, params, named, hints, observed, subject.placeholder);
    // A parent all of whose variants ran (in an earlier round) leaves its place to the next closest
    // (a receiver put in another state last round, whose argument is still to vary).
    if (variants.length > 0 && variants.every((v) => tried.has(candidateKey(v)))) continue;
    parents.push({ parent, sites });
    perParent.push(variants);
    if (parent.entry) entryParents++;
  }
  // The closest call with a string holding a word the function compares with (a program that
  // uses `TypeVar`, a query with `SELECT`), however far it got: that string with the word swapped
  // for one written in the same place near the missed lines takes the sibling branch (values.ts
  // swaps). No call run yet holds one: the tests' calls of the entry points that do are run first,
  // as they are (at most MAX_WORD_ENTRIES), to be swapped next round.
  const words = hints.words ?? new Map<string, string[]>();
  const holds = (c: Candidate) => holdsWord([...c.setup, c.expr].join('\n'), words.keys());
  const wordParent = words.size > 0 ? all.find(({ c }) => holds(c))?.c : undefined;
  const wordEntries = words.size > 0 && !wordParent ? (subject.entryPool ?? []).filter((c) => !tried.has(candidateKey(c)) && holds(c)).slice(0, MAX_WORD_ENTRIES) : [];
  // Two closest changes combined come first (crossovers); then midpoints between two calls that
  // differ in one number and take different paths;
  // then arguments whose attribute's length the missed lines' guard compares; then, for a
  // method, receivers put in another state.
  // Pairs are of the target's own calls, or of the entry points' (each ranked among its kind: a
  // lexer's entry calls that run many of its lines do not push its own calls out).
  const pairs = [...crossovers(all.filter((x) => !x.c.entry).slice(0, MAX_PARENT_TRIES)), ...crossovers(all.filter((x) => x.c.entry).slice(0, MAX_PARENT_TRIES))].slice(0, MAX_CROSSOVERS);
  perParent.unshift(pairs, await bisections(subject), attributeLengthVariants(parents, fn, hints, subject.placeholder));
  if (fn.className) {
    const onObj = ranked.filter((c) => c.setup.some((l) => /^\s*obj\s*=/.test(l))).slice(0, PARENTS);
    perParent.splice(3, 0, repeatedCalls(subject, onObj, guardText), await stateVariants(subject, onObj, missed, siblings));
  }
  // Before all: the calls that changed the module's state, made on an instance of their own.
  perParent.unshift(await freshVariants(subject, all.map((x) => x.c), missed));
  // After all: a string's word swapped for its siblings (each pass of the interleaving takes one
  // from every list; the lists before it keep their shares of a small room).
  const swapped = wordParent ? swappedWords(wordParent, words, subject.placeholder) : [];
  perParent.push(swapped);
  // And a program argument edited below its words: the closest call's, and the swapped ones' (a
  // program steered into a sibling branch and given the shape that branch reads, in one step).
  perParent.push(await editedPrograms(all.map((x) => x.c), guardText, subject.placeholder));
  // A word no program holds: the first program, of the calls run or of the tests' entry calls,
  // that calls or subscripts a name it imports, with that name renamed to the word
  // (`TypeVar('T')` -> `cast('T')`, `Optional[int]` -> `Literal[int]`).
  perParent.push(await editedPrograms([...all.map((x) => x.c), ...(subject.entryPool ?? [])], guardText, subject.placeholder, 'renames'));
  for (const c of swapped.slice(0, MAX_SWAPPED_EDITED)) perParent.push(await editedPrograms([c], guardText, subject.placeholder));
  // The entry points' calls the scan found to run the function (not yet tried: `scanned`); the
  // scan itself (once), for a function none of whose own calls ran some of it to the end.
  const ownRan = subject.results.some((r, i) => usableResult(r) && r.lines.length > 0 && !subject.candidates[i]?.entry);
  const scan = subject.entryPool && !ownRan && !subject.candidates.some((c) => c.scan) ? entryScan(byAffinity(subject.entryPool, guardText)) : null;
  // The scan first, for the budget (it runs last in its round: see directedSearch).
  const out: Candidate[] = [...(scan ? [scan] : []), ...scanned, ...wordEntries, ...probes].slice(0, room);
  for (const c of out) tried.add(candidateKey(c));
  for (let i = 0; out.length < room && perParent.some((v) => i < v.length); i++) {
    for (const variants of perParent) {
      const c = variants[i];
      if (!c || out.length >= room) continue;
      const k = candidateKey(c);
      if (tried.has(k)) continue;
      tried.add(k);
      out.push(c);
    }
  }
  return out;
}

/** The variant marked slow when the value put in is one a call may take long over (values.ts slowValue). */
function slowIf(value: string, c: Candidate): Candidate {
  return slowValue(value) ? { ...c, slow: true } : c;
}

/**
 * A parent's variants: every argument of its calls (and of the receiver's constructor) replaced by
 * each alternative in turn, and each optional parameter of the target's call it leaves out given
 * each alternative to its default; the parameters the guards name (`named`) first.
 */
function argumentVariants(parent: Candidate, sites: readonly CallSite[], params: ReturnType<typeof callParameters>, named: (param: string | undefined) => boolean, hints: Hints, observed: ReadonlyMap<Kind, readonly string[]>, placeholder: string): Candidate[] {
  const first: Candidate[] = [];
  const swapped: Candidate[] = [];
  const rest: Candidate[] = [];
  for (const site of sites) {
    const target = site.where === 'expr' && !site.nested && !parent.entry;
    // Two positional arguments of one kind swapped (a range pointed backwards, `lo` above `hi`).
    if (target) for (const text of swappedArguments(site)) swapped.push(replaced(parent, site, text, placeholder));
    site.args.forEach((arg, index) => {
      const param = target ? parameterOf(arg, index, params) : undefined;
      const into = named(param) ? first : rest;
      for (const alt of alternatives(arg.text, hints, observed, 16, param)) into.push(slowIf(alt, replaced(parent, site, withArgument(site, index, alt), placeholder)));
    });
    if (target && !site.unpacks) {
      const given = new Set(site.args.map((a) => a.keyword).filter((k): k is string => k !== null));
      const positional = site.args.filter((a) => a.keyword === null).length;
      params.forEach((p, i) => {
        if (i < positional || given.has(p.name) || p.default === null || p.kind === 'var_positional' || p.kind === 'var_keyword' || p.kind === 'positional_only') return;
        const into = named(p.name) ? first : rest;
        for (const alt of alternatives(p.default, hints, observed, 8, p.name)) into.push(slowIf(alt, replaced(parent, site, withArgument(site, null, alt, p.name), placeholder)));
      });
    }
  }
  return [...first, ...swapped, ...rest];
}

/** The call with each pair of its positional arguments of one kind (two numbers, two dates built alike) swapped. */
function swappedArguments(site: CallSite): string[] {
  const positional = site.args.filter((a) => a.keyword === null && !a.text.startsWith('*'));
  const head = (t: string) => t.slice(0, t.indexOf('('));
  const alike = (a: string, b: string) => a !== b && kindOf(a) === kindOf(b) && (kindOf(a) !== 'other' || (a.includes('(') && head(a) === head(b)));
  const out: string[] = [];
  for (let i = 0; i < positional.length; i++) {
    for (let j = i + 1; j < positional.length; j++) {
      const [a, b] = [positional[i]!, positional[j]!];
      if (alike(a.text, b.text)) out.push(site.snippet.slice(0, a.start) + b.text + site.snippet.slice(a.end, b.start) + a.text + site.snippet.slice(b.end));
    }
  }
  return out;
}

/**
 * For a guard that compares the length of an argument's attribute with a number
 * (`len(tlist.tokens) > MAX_TOKENS`), the target's call with that argument replaced by an object
 * holding only that attribute, a list of each length around the number: the branch that returns
 * early for a huge input, without building one through the public API.
 */
function attributeLengthVariants(parents: ReadonlyArray<{ parent: Candidate; sites: CallSite[] }>, fn: PyFunction, hints: Hints, placeholder: string): Candidate[] {
  if (hints.attributeLengths.size === 0) return [];
  const params = callParameters(fn);
  const out: Candidate[] = [];
  for (const { parent, sites } of parents) {
    if (parent.entry) continue;
    for (const site of sites) {
      if (site.where !== 'expr' || site.nested || site.unpacks) continue;
      site.args.forEach((arg, index) => {
        const param = parameterOf(arg, index, params);
        const byAttr = param ? hints.attributeLengths.get(param) : undefined;
        if (!byAttr) return;
        for (const [attr, lengths] of byAttr) {
          for (const n of lengths) {
            const child = replaced(parent, site, withArgument(site, index, `types.SimpleNamespace(${attr}=[0] * ${n})`), placeholder);
            if (!child.setup.includes('import types')) child.setup = ['import types', ...child.setup];
            out.push(child);
          }
        }
      });
    }
  }
  return out;
}

/**
 * Bisection: for calls of the same shape that differ only in one numeric argument and reach
 * different lines, the value halfway between neighbours (an integer for integers): the boundary
 * of a branch whose condition is computed from the argument lies between them.
 */
async function bisections(subject: SearchSubject): Promise<Candidate[]> {
  const { fn } = subject;
  const callee = calleeName(fn);
  const entries: Array<{ c: Candidate; site: CallSite; path: string }> = [];
  for (const [i, r] of subject.results.entries()) {
    const c = subject.candidates[i];
    if (!c || c.valueProbe || r.lines.length === 0 || r.outcome === 'blocked' || r.outcome === 'timeout') continue;
    const site = (await callSites([], c.expr, callee))[0];
    if (site) entries.push({ c, site, path: [...new Set(r.lines)].sort((a, b) => a - b).join(',') });
  }
  const out: Candidate[] = [];
  const groups = new Map<string, Array<{ value: number; int: boolean; entry: (typeof entries)[number]; index: number }>>();
  for (const entry of entries) {
    entry.site.args.forEach((arg, index) => {
      const text = arg.text.trim();
      const kind = kindOf(text);
      if (kind !== 'int' && kind !== 'float') return;
      const rest = entry.site.args.map((a, j) => (j === index ? '?' : `${a.keyword ?? ''}=${a.text}`)).join('\u0000');
      const group = `${entry.c.setup.join('\n')}\u0001${index}\u0001${rest}`;
      const list = groups.get(group) ?? [];
      list.push({ value: Number(text), int: kind === 'int', entry, index });
      groups.set(group, list);
    });
  }
  for (const list of groups.values()) {
    list.sort((a, b) => a.value - b.value);
    for (let k = 0; k + 1 < list.length; k++) {
      const a = list[k]!;
      const b = list[k + 1]!;
      if (a.entry.path === b.entry.path || !Number.isFinite(a.value) || !Number.isFinite(b.value)) continue;
      const both = a.int && b.int;
      if (both ? b.value - a.value < 2 : b.value - a.value < 1e-6) continue;
      const mid = both ? String(Math.floor((a.value + b.value) / 2)) : String((a.value + b.value) / 2);
      out.push(replaced(a.entry.c, a.entry.site, withArgument({ ...a.entry.site, where: 'expr' }, a.index, mid), subject.placeholder));
    }
  }
  return out;
}

/** Value probes for the lookup tables tested for membership near the missed lines (tables.ts). */
function tableProbes(subject: SearchSubject, window: readonly number[]): Candidate[] {
  const { fn, lines } = subject;
  const texts = [...window].sort((a, b) => a - b).map((l) => lines[l - 1] ?? '');
  const body = lines.slice(fn.bodyStartLine - 1, fn.endLine).join('\n');
  return tableExpressions(texts, fn, body).map(tableProbe);
}

const MAX_REPEATED_PER_PARENT = 4;

/**
 * For a method whose missed lines' guards read an attribute the method itself changes
 * (`if name in self.seen: raise Duplicate(name)` after `self.seen.add(name)`; `if
 * self._seen_begin and ...` after `self._seen_begin = True`): the parent's call after one of the
 * method's own calls on the same receiver, the parent's own first (the same call twice), then
 * those that reached most lines.
 */
function repeatedCalls(subject: SearchSubject, parents: readonly Candidate[], guards: string): Candidate[] {
  const { fn } = subject;
  if (fn.kind !== 'method') return [];
  const bodyLines = subject.lines.slice(fn.bodyStartLine - 1, fn.endLine).map(stripComment);
  const attrs = attributesChangedBy(bodyLines.join('\n'), guards);
  if (attrs.length === 0) return [];
  // Only a call that ran a line changing one of them puts the receiver in another state.
  const changing = linesChanging(bodyLines, fn.bodyStartLine, attrs);
  const call = `obj.${fn.name}(`;
  const own = subject.results
    .map((r, i) => ({ r, c: subject.candidates[i] }))
    .filter((x): x is { r: ProbeCandidateResult; c: Candidate } => x.c !== undefined && !x.c.entry && usableResult(x.r) && x.c.expr.startsWith(call) && x.r.lines.some((l) => changing.has(l)))
    .sort((a, b) => new Set(b.r.lines).size - new Set(a.r.lines).size);
  const out: Candidate[] = [];
  for (const parent of parents) {
    if (parent.entry || !parent.expr.startsWith(call)) continue;
    const setup = parent.setup.join('\n');
    const prefixes = own.filter((o) => o.c.setup.join('\n') === setup).sort((a, b) => Number(b.c === parent) - Number(a.c === parent)).map((o) => o.c);
    const seen = new Set<string>();
    for (const p of prefixes) {
      if (seen.size >= MAX_REPEATED_PER_PARENT || seen.has(p.expr)) continue;
      seen.add(p.expr);
      out.push({ ...parent, setup: [...parent.setup, p.expr], origin: derivedOrigin(parent) });
    }
  }
  return out;
}

/**
 * What is read of one class of a module, once per search run and class: by the module's lines
 * (one array per module, see engine.ts) and the class's last name.
 */
function perClass<T>(cache: WeakMap<readonly string[], Map<string, Promise<T>>>, subject: SearchSubject, className: string, read: (source: string) => Promise<T>): Promise<T> {
  let perText = cache.get(subject.lines);
  if (!perText) cache.set(subject.lines, (perText = new Map()));
  let pending = perText.get(className);
  if (!pending) perText.set(className, (pending = read(subject.lines.join('\n'))));
  return pending;
}

const classStates = new WeakMap<readonly string[], Map<string, Promise<ClassState>>>();

/**
 * Parents with their receiver put in another state (receiver-state.ts): after the `obj = ...`
 * line, a statement that sets an attribute the function reads, the attributes read nearest the
 * missed lines first, then those read on the lines the parent ran (last first), then the rest.
 */
async function stateVariants(subject: SearchSubject, parents: readonly Candidate[], missed: readonly number[], siblings: readonly SearchSubject[]): Promise<Candidate[]> {
  const { fn } = subject;
  const className = fn.className!.split('.').pop()!;
  const state = await perClass(classStates, subject, className, (source) => classState(source, className));
  if (state.setters.size === 0 && state.literals.size === 0 && state.assigners.size === 0 && (await registrationsOf(subject)).length === 0) return [];
  const body = (from: number, to: number) => subject.lines.slice(from - 1, to).join('\n');
  const near = missed.map((m) => body(Math.max(fn.bodyStartLine, m - 4), m)).join('\n');
  const out: Candidate[] = [];
  for (const parent of parents) {
    const at = parent.setup.findIndex((line) => /^\s*obj\s*=/.test(line));
    if (at < 0) continue;
    const result = subject.results[subject.candidates.indexOf(parent)];
    const ran = [...new Set(result?.lines ?? [])].sort((a, b) => b - a).map((l) => subject.lines[l - 1] ?? '').join('\n');
    const seen = new Set<string>();
    const window = `${near}\n${ran}\n${body(fn.bodyStartLine, fn.endLine)}`;
    for (const step of stateSteps(state, window)) {
      if (seen.has(step.statement) || parent.setup.includes(step.statement)) continue;
      seen.add(step.statement);
      const setup = [...parent.setup.slice(0, at + 1), step.statement, ...parent.setup.slice(at + 1)];
      out.push({ ...parent, setup, origin: derivedOrigin(parent) });
    }
    // Methods that take arguments and set an attribute read here, called as their own kept calls
    // in this run call them, after the parent's other steps (`obj.at('10:00', 'UTC')` sets the zone).
    for (const { imports, statement } of [...siblingCalls(subject, state, window, siblings), ...(await itemCalls(subject, window))]) {
      if (seen.has(statement) || parent.setup.includes(statement)) continue;
      seen.add(statement);
      const setup = [...imports.filter((i) => !parent.setup.includes(i)), ...parent.setup, statement];
      out.push({ ...parent, setup, origin: derivedOrigin(parent) });
    }
  }
  return out;
}

const MAX_SIBLING_CALLS = 2;
/** Inferred calls of a method no function of the run tests, at most (nothing ranks them yet). */
const MAX_INFERRED_CALLS = 6;

const isImport = (l: string) => /^\s*(import|from)\s/.test(l);
const isSample = (l: string) => /^(async\s+)?def sample_\w+\(|^class Sample\w*\b/.test(l);

const registrationCache = new WeakMap<readonly string[], Map<string, Promise<Registration[]>>>();

/** The ways items of other classes add themselves to the subject's class's attributes (registered-items.ts), read once per module and class. */
function registrationsOf(subject: SearchSubject): Promise<Registration[]> {
  const className = subject.fn.className!.split('.').pop()!;
  return perClass(registrationCache, subject, className, (source) => registrations(source, className));
}

/**
 * For each attribute `window` reads that items of another class add themselves to, statements
 * adding one on `obj` (`obj.every().do(sample_no_args)`): the owner's builder called as the
 * generator infers it, then the item's method as the generator infers it (two calls at most).
 */
async function itemCalls(subject: SearchSubject, window: string): Promise<Array<{ imports: string[]; statement: string }>> {
  const regs = subject.methodCalls ? await registrationsOf(subject) : [];
  const attrs = new Set(attributesRead(window));
  const out: Array<{ imports: string[]; statement: string }> = [];
  for (const reg of regs) {
    if (!attrs.has(reg.attr)) continue;
    const builderCall = reg.builderNeedsArgs ? subject.methodCalls!(reg.builder).find((c) => !c.placeholder && c.expr.startsWith(`obj.${reg.builder}(`) && c.setup.every((l) => isImport(l) || /^\s*obj\s*=/.test(l)))?.expr ?? null : null;
    if (reg.builderNeedsArgs && builderCall === null) continue;
    const calls = subject.methodCalls!(reg.method, reg.itemClass)
      .filter((c) => !c.placeholder && c.expr.startsWith(`obj.${reg.method}(`) && c.setup.every((l) => isImport(l) || isSample(l) || /^\s*obj\s*=/.test(l)))
      .slice(0, MAX_SIBLING_CALLS);
    for (const c of calls) for (const statement of registrationStatements(reg, builderCall, c.expr)) out.push({ imports: c.setup.filter((l) => isImport(l) || isSample(l)), statement });
  }
  return out;
}

/**
 * For each attribute `window` reads, the calls of the class's methods that assign it, taken from
 * those methods' own usable results in this search (other functions of the same class being
 * tested in the same run): statements on `obj`, a few per method, the ones reaching most lines
 * first. A method no function of the run tests gives the calls the generator infers for it
 * (`obj.do(functools.partial(sample_two_args, 1))`), with the sample callables they define.
 */
function siblingCalls(subject: SearchSubject, state: ClassState, window: string, siblings: readonly SearchSubject[]): Array<{ imports: string[]; statement: string }> {
  const out: Array<{ imports: string[]; statement: string }> = [];
  for (const attr of attributesRead(window)) {
    for (const method of state.assigners.get(attr) ?? []) {
      if (method === subject.fn.name) continue;
      const sibling = siblings.find((s) => s.fn.className === subject.fn.className && s.fn.name === method);
      if (!sibling) {
        let taken = 0;
        for (const c of subject.methodCalls?.(method) ?? []) {
          if (taken >= MAX_INFERRED_CALLS) break;
          if (c.placeholder || !c.expr.startsWith(`obj.${method}(`) || out.some((o) => o.statement === c.expr)) continue;
          if (!c.setup.every((l) => isImport(l) || isSample(l) || /^\s*obj\s*=/.test(l))) continue;
          out.push({ imports: c.setup.filter((l) => isImport(l) || isSample(l)), statement: c.expr });
          taken++;
        }
        continue;
      }
      const calls = sibling.results
        .map((r, i) => ({ r, c: sibling.candidates[i] }))
        // Calls on `obj` whose arguments need nothing the setup built but imports.
        .filter((x): x is { r: ProbeCandidateResult; c: Candidate } => x.c !== undefined && x.r.outcome === 'return' && !x.c.placeholder && x.c.expr.startsWith(`obj.${method}(`) && x.c.setup.every((l) => isImport(l) || /^\s*obj\s*=/.test(l) || /^\s*obj\./.test(l)))
        .sort((a, b) => new Set(b.r.lines).size - new Set(a.r.lines).size);
      let taken = 0;
      for (const { c } of calls) {
        if (taken >= MAX_SIBLING_CALLS) break;
        if (out.some((o) => o.statement === c.expr)) continue;
        out.push({ imports: c.setup.filter(isImport), statement: c.expr });
        taken++;
      }
    }
  }
  return out;
}

/** The origin of a candidate derived from `parents` (the first one's): a doctest example changed is no longer its author's. */
function derivedOrigin(...parents: Candidate[]): Candidate['origin'] {
  return parents.some((p) => p.origin === 'doctest') ? 'inferred' : parents[0]!.origin;
}

/** The parent with one call's snippet replaced (the child of a variation). */
export function replaced(parent: Candidate, site: CallSite, snippet: string, placeholder: string): Candidate {
  // `str('Makefile')` (a new literal inside the parent's `str(tmp_path / ...)`) reads as the literal.
  const text = snippet.replace(/\bstr\(('(?:[^'\\\n])*'|"(?:[^"\\\n])*")\)/g, '$1');
  let setup = site.where === 'expr' ? [...parent.setup] : parent.setup.map((s, i) => (i === site.where ? text : s));
  const expr = site.where === 'expr' ? text : parent.expr;
  // The example file the parent wrote is left out once nothing else uses tmp_path.
  const writesExample = (line: string) => /^\(tmp_path \/ [^)]*\)\.write_(text|bytes)\(/.test(line);
  if (![expr, ...setup.filter((l) => !writesExample(l))].some((l) => /\btmp_path\b/.test(l))) setup = setup.filter((l) => !writesExample(l));
  const quoted = [`'${placeholder}'`, `"${placeholder}"`];
  const holds = (s: string) => quoted.some((q) => s.includes(q));
  const child: Candidate = { setup, expr, origin: derivedOrigin(parent), placeholder: holds(expr) || setup.some(holds) };
  if (parent.entry) child.entry = true;
  return child;
}

/**
 * `parent` with each of its string literals that holds a word of `words` swapped (values.ts swaps),
 * wherever that literal is written in it: a program passed both parsed and tokenized
 * (`Checker(ast.parse(s), file_tokens=make_tokens(s))`) stays one program.
 */
function swappedWords(parent: Candidate, words: ReadonlyMap<string, readonly string[]>, placeholder: string): Candidate[] {
  return stringLiterals([...parent.setup, parent.expr].join('\n')).flatMap((literal) => rewritten(parent, literal, swaps(literal, words), placeholder));
}

/** `parent` with the string literal `literal` replaced by each of `into`, wherever it is written in it. */
function rewritten(parent: Candidate, literal: string, into: readonly string[], placeholder: string): Candidate[] {
  return into.map((other) => {
    const put = (line: string) => line.split(literal).join(other);
    const expr = put(parent.expr);
    return replaced({ ...parent, setup: parent.setup.map(put) }, { where: 'expr', snippet: expr, closeAt: expr.length, args: [], unpacks: false }, expr, placeholder);
  });
}

/** How many of a call's word swaps have their program edited too. */
const MAX_SWAPPED_EDITED = 2;
/** How many of the closest calls are looked at for a program to edit. */
const MAX_PROGRAM_PARENTS = 4;
/** How many calls (run, then the tests' entry calls) with a program importing names are looked at for a name to rename. */
const MAX_RENAME_PARENTS = 16;
/** How many programs get their names renamed. */
const MAX_RENAMED = 3;

/**
 * The closest call whose string argument is a program (those naming a word the function compares
 * with first), with that program edited (program-edits.ts): the function's branches that look at
 * the program's shape (one more argument, a quoted name) no test's program takes.
 */
async function editedPrograms(ranked: readonly Candidate[], guardText: string, placeholder: string, only?: 'renames'): Promise<Candidate[]> {
  const words = comparedWords(guardText);
  if (words.length === 0) return [];
  // Each call's programs, read once; a rename needs a name the program imports (`from typing import Optional`).
  const withPrograms = ranked
    .filter((c) => !c.valueProbe)
    .map((c) => ({ c, programs: programsOf(c) }))
    .filter(({ programs }) => programs.some((l) => !only || /\bfrom\s+[\w.]+\s+import\b/.test(l)));
  const naming = ({ programs }: { programs: string[] }) => programs.some((l) => holdsWord(l, words));
  const order = [...withPrograms.filter(naming), ...withPrograms.filter((x) => !naming(x))].slice(0, only ? MAX_RENAME_PARENTS : MAX_PROGRAM_PARENTS);
  // The first program with edits; for renames, the first few (one calls the name, another subscripts it), interleaved.
  const found: Candidate[][] = [];
  for (const { c: parent, programs } of order) {
    for (const literal of programs) {
      const edits = await programEdits(literal, words, only);
      if (edits.length > 0) found.push(rewritten(parent, literal, edits, placeholder));
      if (found.length >= (only ? MAX_RENAMED : 1)) return interleaved(found);
    }
  }
  return interleaved(found);
}

/** The first of each list, then the second of each, ... */
function interleaved<T>(lists: readonly T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

/** The string literals of a candidate that may be programs (they span lines). */
function programsOf(c: Candidate): string[] {
  return stringLiterals([...c.setup, c.expr].join('\n')).filter((l) => l.includes('\\n'));
}

/** The identifiers the code compares with in its string literals (`'TypeVar'`, `'bound'`), in order. */
function comparedWords(code: string): string[] {
  return [...new Set(stringLiterals(code).map((l) => strValue(l)).filter((w): w is string => w !== null && /^[A-Za-z_]\w*$/.test(w)))];
}

/**
 * The calls that changed the module's state through a module function passing its arguments to a
 * default instance, made on an instance of their own (fresh-instances.ts): those that ran a missed
 * line first (the line is reached, but by no call that can be a test), then the closest.
 */
async function freshVariants(subject: SearchSubject, ranked: readonly Candidate[], missed: readonly number[]): Promise<Candidate[]> {
  const resultOf = (c: Candidate) => subject.results[subject.candidates.indexOf(c)];
  const changing = ranked.filter((c) => {
    const r = resultOf(c);
    return r !== undefined && changedModule(r);
  });
  // The module's source is read only when some call changed its state.
  if (!subject.delegators || changing.length === 0) return [];
  const delegating = await subject.delegators();
  if (delegating.length === 0) return [];
  const out: Candidate[] = [];
  const reachesMissed = (c: Candidate) => (resultOf(c)?.lines.some((l) => missed.includes(l)) ? 1 : 0);
  for (const c of changing.sort((a, b) => reachesMissed(b) - reachesMissed(a))) {
    const fresh = onFreshInstance(c, delegating);
    if (fresh && out.length < PARENTS) out.push({ ...fresh, origin: derivedOrigin(c) });
  }
  return out;
}

/**
 * For a function whose target lines are all reached: its calls that changed the module's state,
 * made on instances of their own (the calls of the tests first), as far as `left` allows.
 */
async function freshOnly(subject: SearchSubject, left: number): Promise<Candidate[]> {
  const tried = new Set(subject.candidates.map(candidateKey));
  const fresh = (await freshVariants(subject, subject.candidates, [])).filter((c) => !tried.has(candidateKey(c)));
  return fresh.slice(0, Math.max(0, Math.floor(left / callCost(subject) + 1e-9)));
}

/** A candidate's identity: its setup and expression. */
export function candidateKey(c: Candidate): string {
  return `${c.setup.join('\n')}\n${c.expr}`;
}

/**
 * The candidates that came closest to the missed lines: most lines reached just above a missed
 * line (the condition guarding it), then calls of the target before entry points, then results
 * that can become tests, then most lines reached. Candidates that never entered the function are no parents.
 * Each with how many lines near the missed ones it reached (0: it got to no guard of them). All
 * of them, in that order: callers take the first MAX_PARENT_TRIES (of a kind, for crossovers).
 */
function closestScored(subject: SearchSubject, missed: readonly number[], guardText = ''): Array<{ c: Candidate; nearHits: number }> {
  const near = new Set<number>();
  for (const m of missed) {
    for (let l = m - 4; l < m; l++) near.add(l);
    // The headers of the blocks holding it (`if self._seen and ttype is T.Keyword:` spread over lines).
    for (const g of guardLines(subject.lines, m, subject.fn.bodyStartLine)) near.add(g);
  }
  const scored = subject.results
    .map((r, i) => ({ r, i, c: subject.candidates[i]! }))
    .filter(({ r, c }) => c !== undefined && !c.valueProbe && r.lines.length > 0 && r.outcome !== 'blocked' && r.outcome !== 'timeout')
    .map(({ r, i, c }) => ({ i, c, nearHits: r.lines.filter((l) => near.has(l)).length, words: guardWords(c, guardText), direct: c.entry ? 0 : 1, total: r.lines.length, usable: usableResult(r) ? 1 : 0, round: roundOf(subject, i) }));
  // Of those that got as far, a call of the target itself before an entry point's (its own
  // parameters decide its branches), then the ones using more of the guard's words
  // (`obj._seen_begin = True`, `'TRANSACTION'` for `if self._seen_begin and unified in ('TRANSACTION', ...)`).
  // On a tie, the later round's first: a step that got as far as its parent is a move along a
  // plateau (`next(obj)` before `obj[-1]`: the same IndexError, then an item), taken further.
  scored.sort((a, b) => b.nearHits - a.nearHits || b.direct - a.direct || b.words - a.words || b.usable - a.usable || b.total - a.total || b.round - a.round || a.i - b.i);
  return scored;
}

/** How many of the names, attributes and strings a candidate's code uses (imports aside) the guard text holds. */
function guardWords(c: Candidate, guardText: string): number {
  if (!guardText) return 0;
  const code = [...c.setup.filter((l) => !/^\s*(import|from)\s/.test(l)), c.expr].join('\n');
  const words = new Set<string>();
  for (const m of code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w.]*/g)) {
    const w = m[0];
    if (w.startsWith("'") || w.startsWith('"')) {
      if (w.length > 2) words.add(w);
      continue;
    }
    for (const part of [w, ...w.split('.').slice(1)]) if (part.length > 1 && part !== 'obj') words.add(part);
  }
  let n = 0;
  for (const w of words) {
    if (w.startsWith("'") || w.startsWith('"')) {
      if (guardText.includes(w)) n++;
    } else if (new RegExp(`(?<![\\w])${w.replace(/\./g, '\\.')}(?!\\w)`).test(guardText)) n++;
  }
  return n;
}

const MAX_CROSSOVERS = 12;

/**
 * Two changes at once, for a missed line behind a condition of two parts (`if self._seen_begin and
 * unified == 'TRANSACTION':`): of the candidates that got to a guard of the missed lines, one
 * whose setup is the other's with statements added (its receiver put in another state) gives its
 * setup to the other's call (the argument that call changed).
 */
function crossovers(close: ReadonlyArray<{ c: Candidate; nearHits: number }>): Candidate[] {
  const near = close.filter((s) => s.nearHits > 0).map((s) => s.c);
  const out: Candidate[] = [];
  // Pairs by the sum of their ranks: the closest pairs first, neither side's first one favoured.
  for (let sum = 1; sum <= 2 * (near.length - 1); sum++) {
    for (let i = Math.max(0, sum - near.length + 1); i <= Math.min(sum, near.length - 1); i++) {
      const a = near[i]!;
      const b = near[sum - i]!;
      if (out.length >= MAX_CROSSOVERS) return out;
      if (a === b || a.expr === b.expr || a.setup.length <= b.setup.length || !!a.entry !== !!b.entry || !isSubsequence(b.setup, a.setup)) continue;
      out.push({ ...b, setup: [...a.setup], origin: derivedOrigin(b, a), placeholder: a.placeholder || b.placeholder });
    }
  }
  return out;
}

function isSubsequence(small: readonly string[], big: readonly string[]): boolean {
  let i = 0;
  for (const line of big) if (i < small.length && line === small[i]) i++;
  return i === small.length;
}
