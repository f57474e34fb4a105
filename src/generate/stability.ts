/**
 * Stable tests: a chosen candidate is run again, in other Python processes that differ from the
 * first probe in everything pytest may differ in, and is kept only when it does the same there.
 *
 * The first probe runs with PYTHONHASHSEED=0, TZ=UTC and sys.argv = ['pytest'], so the same
 * repository state gives the same tests. Each verification process runs with another hash seed
 * (string hashes, so set order), another time zone (with an odd offset), another working
 * directory, and another sys.argv (with arguments, as pytest's own command line has); one of them
 * reads a clock more than a year ahead (smart_test_probe/clock.py). Three such
 * processes run side by side (their cost is mostly Python's start and the module's import): a
 * set of strings keeps its order under another seed about one time in two (two strings) to one
 * time in six (three), so one in eight to one in two hundred under all three.
 *
 * A verification process runs its calls in itself, not in a child per function as the first
 * probe and the search do (VERIFY_IN_PROCESS): every call it runs has run to completion once
 * already, and a fork costs more than the calls (each child copies the pages its calls touch:
 * ~40 ms of CPU a function on a two-core virtual machine, against ~5 ms for the calls). The
 * probe's limits hold the same (time, memory, side effects); a call that still ends the process
 * ends its function's check there, and runProbe runs the rest in a new process. One function's
 * calls can then see what another's left behind: that can only make a verdict stricter (a value
 * that differs is weakened or dropped), never keep an assertion the first probe did not see.
 *
 * Verdicts: the same outcome and value (addresses and temporary paths masked; literals compared
 * as values, so a set printed in another order is the same set) keeps the assertion; the same
 * outcome and type with another value or message weakens it to a type check (no `match=`); any
 * other outcome (another type, an exception instead of a value, blocked, timed out, not run)
 * drops the candidate.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProbeCandidateResult, ProbeRaise, ProbeRequest, ProbeReturn, ProbeTarget } from './probe-model.js';
import type { ProbeSession } from './probe-process.js';
import { checkWithPython } from './python-check.js';
import { sharedReprStart, sharedStart } from './stable-prefix.js';
import type { TestCase } from './render.js';

/**
 * How the first probe runs: fixed, so that tests are reproducible. `randomSeed` seeds Python's
 * `random` before each run of a candidate, so a function that draws random numbers reaches the
 * same lines and gives the same tests every time; the verification runs use other seeds, so its
 * values are still found out as unstable.
 */
export const FIRST_RUN = { env: { PYTHONHASHSEED: '0', TZ: 'UTC' }, argv: ['pytest'], randomSeed: 0 } as const;

/**
 * How far ahead the second verification process's wall clock reads: a year and a month, nine
 * hours and some minutes, so another year, month, weekday and hour of the day. A test must hold
 * whenever it runs; a value that holds today's date, the next run of a daily job or whether 18:30
 * has passed yet differs there (the time zones of the runs move the hour, rarely the date).
 */
export const CLOCK_SHIFT_SECONDS = (397 * 24 + 9) * 3600 + 17 * 60 + 23;

/**
 * How the verification probes run: each different from the first and from each other. In the
 * first, fd 1 is a regular file as under pytest's capture (elsewhere it is /dev/null), and each
 * call runs 25 frames deeper: a call whose outcome depends on either (`os.path.isfile(1)`, the
 * length of the current stack) is found out. The second reads a clock CLOCK_SHIFT_SECONDS ahead.
 */
export const VERIFY_RUNS = [
  { env: { PYTHONHASHSEED: '1', TZ: '<+1345>-13:45' }, argv: ['smart-test-verify', '--verify', '-x'], randomSeed: 1, stdoutFile: true, extraFrames: 25, clockShift: 0 },
  { env: { PYTHONHASHSEED: '2', TZ: '<-0330>+03:30' }, argv: ['verify.py', 'one', 'two'], randomSeed: 2, stdoutFile: false, extraFrames: 0, clockShift: CLOCK_SHIFT_SECONDS },
  { env: { PYTHONHASHSEED: '3', TZ: '<+0530>-05:30' }, argv: ['/usr/bin/verify', '-q'], randomSeed: 3, stdoutFile: false, extraFrames: 0, clockShift: 0 },
] as const;

/** The probe's switch that runs the request's calls in its own process (probe.py, runner.py `fork`). */
const VERIFY_IN_PROCESS = { SMART_TEST_PROBE_NO_FORK: '1' } as const;

/**
 * How long a verification process may write nothing before it is ended as stuck (a call in C
 * code that no signal interrupts, which a forked child's watchdog would have killed): longer
 * than the probe's own limit on an import (runner.py: 5 calls' time, at least 10 s), after
 * which the probe reports on its own. The call is then reported as a crash (its case dropped)
 * and runProbe runs the rest of the request in a new process.
 */
function stallMs(timeoutSeconds: number): number {
  return (Math.max(10, 5 * timeoutSeconds) + 2) * 1000;
}

export type Verdict = 'keep' | 'weaken' | 'drop';

export interface StabilityItem {
  /** The target as the first probe ran it (its candidates are taken from `cases`). */
  target: Omit<ProbeTarget, 'candidates'>;
  /** Chosen cases, with the outcomes of the first probe. */
  cases: TestCase[];
}

export interface StabilityOptions {
  python: string;
  sysPath: string[];
  /** The working directories of the probe runs the tests came from (their paths are masked). */
  firstRoots: readonly string[];
  timeoutSeconds: number;
  allowSideEffects: boolean;
  /** The probe's memory cap (probeMemory), as for the first run. */
  memoryBytes?: number;
  /** The run's folder of the project's compiled modules (shared-bytecode.ts). */
  bytecodePath?: string | null;
  /** The verification processes started ahead (their folders are removed by their close()). */
  warm?: VerifyWarmup | null;
}

type Observed = ProbeReturn | ProbeRaise;

/** One verdict per case of each item, in order. Rejects when a verification probe cannot run. */
export async function verifyStability(items: StabilityItem[], opts: StabilityOptions): Promise<Verdict[][]> {
  const verdicts = items.map((item) => item.cases.map((): Verdict => 'keep'));
  if (items.length === 0) return verdicts;
  const literalPairs: Array<{ i: number; k: number; pair: [string, string] }> = [];
  const runs = await Promise.all(VERIFY_RUNS.map((run, i) => verifyOnce(items, opts, run, opts.warm?.runs[i])));
  narrowAttributes(items, runs, opts.firstRoots);
  for (const { results, root } of runs) {
    items.forEach((item, i) => {
      item.cases.forEach((test, k) => {
        const first = test.outcome as Observed;
        const again = results[i]?.[k];
        const verdict = again ? compare(first, opts.firstRoots, again, root) : 'drop';
        if (verdict === 'literal') literalPairs.push({ i, k, pair: [(first as ProbeReturn).repr, (again as ProbeReturn).repr] });
        else verdicts[i]![k] = worse(verdicts[i]![k]!, verdict);
      });
    });
  }
  if (literalPairs.length > 0) {
    const answers = await checkWithPython(opts.python, { compile: [], equal: literalPairs.map((p) => p.pair) });
    literalPairs.forEach(({ i, k }, n) => {
      verdicts[i]![k] = worse(verdicts[i]![k]!, answers.equal[n] ? 'keep' : 'weaken');
    });
  }
  items.forEach((item, i) => item.cases.forEach((test, k) => {
    if (verdicts[i]![k] !== 'weaken') return;
    const again = runs.map(({ results, root }) => ({ again: results[i]?.[k], root }));
    keepSharedStart(test.outcome as Observed, again, opts.firstRoots);
    keepSharedLength(test.outcome as Observed, again);
  }));
  return verdicts;
}

/**
 * A weakened string result or message: the start every run gave, set on the outcome in place
 * (stable-prefix.ts), when every run returned a whole string (raised the same type).
 */
function keepSharedStart(first: Observed, runs: ReadonlyArray<{ again: ProbeCandidateResult | undefined; root: string }>, firstRoots: readonly string[]): void {
  if (first.outcome === 'return') {
    const text = (r: ProbeReturn) => (r.type.module === 'builtins' && r.type.qualname === 'str' && r.literal && !r.reprTruncated ? r.repr : null);
    const reprs = [text(first) === null ? null : maskAll(first.repr, firstRoots), ...runs.map(({ again, root }) => (again?.outcome === 'return' && text(again) !== null ? mask(again.repr, root) : null))];
    const start = reprs.every((r): r is string => r !== null) ? sharedReprStart(reprs, MASKS) : null;
    if (start !== null) first.stablePrefix = start;
  } else {
    const messages = [maskAll(first.excMessage, firstRoots), ...runs.map(({ again, root }) => (again?.outcome === 'raise' ? mask(again.excMessage, root) : null))];
    const start = messages.every((m): m is string => m !== null) ? sharedStart(messages.map((m) => m.split('\n')[0]!), MASKS) : null;
    if (start !== null) first.messagePrefix = start;
  }
}

/**
 * A weakened container result (a list in set order, items with a clock in their repr): its
 * length, set on the outcome in place, when every run returned one of the same type and length.
 */
function keepSharedLength(first: Observed, runs: ReadonlyArray<{ again: ProbeCandidateResult | undefined }>): void {
  if (first.outcome !== 'return' || first.length === undefined) return;
  const same = (again: ProbeCandidateResult | undefined) => again?.outcome === 'return' && again.type.module === first.type.module && again.type.qualname === first.type.qualname && again.length === first.length;
  if (runs.every(({ again }) => same(again))) first.stableLength = first.length;
}

/**
 * Each case's receiverAttrs and resultAttrs (attributes asserted one by one) narrowed in place
 * to those every verification run saw with the same repr: an attribute set from the clock or a
 * hash order is not asserted, the others still are.
 */
function narrowAttributes(items: StabilityItem[], runs: ReadonlyArray<{ results: Array<Array<ProbeCandidateResult | undefined>>; root: string }>, firstRoots: readonly string[]): void {
  type Attrs = Array<[string, string, boolean]>;
  /** The attributes every run saw with the same repr, in the list `seenIn` picks from its result. */
  const stable = (attrs: Attrs, i: number, k: number, seenIn: (again: ProbeCandidateResult) => Attrs | undefined): Attrs | undefined => {
    const kept = attrs.filter(([name, text]) =>
      runs.every(({ results, root }) => {
        const again = results[i]?.[k];
        const seen = again ? seenIn(again)?.find((a) => a[0] === name) : undefined;
        return seen !== undefined && mask(seen[1], root) === maskAll(text, firstRoots);
      }),
    );
    return kept.length > 0 ? kept : undefined;
  };
  items.forEach((item, i) => {
    item.cases.forEach((test, k) => {
      const first = test.outcome as Observed;
      if (first.outcome === 'raise') {
        if (!first.excAttrs) return;
        const kept = stable(first.excAttrs, i, k, (again) => (again.outcome === 'raise' ? again.excAttrs : undefined));
        if (kept) first.excAttrs = kept;
        else delete first.excAttrs;
        return;
      }
      if (first.outcome !== 'return') return;
      // Arguments bound by name (watch-args.ts) are watched only here: kept when every run agrees.
      if (test.candidate.watch) {
        const [one, ...others] = runs.map(({ results, root }) => {
          const again = results[i]?.[k];
          // A value holding the run's own folder differs in every run of the test: never asserted.
          const seen = (again?.outcome === 'return' ? again.argState ?? [] : []).filter(([, text]) => !text.includes(root));
          return new Map(seen.map(([name, text, literal]) => [name, { text, literal }]));
        });
        const agreed = [...(one ?? new Map<string, { text: string; literal: boolean }>())].filter(([name, seen]) => others.every((m) => m.get(name)?.text === seen.text));
        if (agreed.length > 0) first.argState = agreed.map(([name, seen]) => [name, seen.text, seen.literal]);
        else delete first.argState;
      }
      for (const key of ['receiverAttrs', 'resultAttrs'] as const) {
        if (!first[key]) continue;
        const kept = stable(first[key], i, k, (again) => (again.outcome === 'return' ? again[key] : undefined));
        if (kept) first[key] = kept;
        else delete first[key];
      }
    });
  });
}

/**
 * A case every verification run agreed with. A call the search ran only once (deterministic:
 * null) is now known to give the same result: it is asserted exactly.
 */
export function confirmed(test: TestCase): TestCase {
  const outcome = test.outcome as Observed;
  return outcome.deterministic === null ? { ...test, outcome: { ...outcome, deterministic: true } } : test;
}

/** The case with its assertion weakened to what stays true: the type, the exception type. */
export function weakened(test: TestCase): TestCase {
  return { ...test, outcome: { ...(test.outcome as Observed), deterministic: false } };
}

type VerifyRun = (typeof VERIFY_RUNS)[number];

/** What every request of a verification process holds but its targets (the same for its warm-up, see VerifyWarmup). */
function verifyHeader(opts: Omit<StabilityOptions, 'firstRoots'>, run: VerifyRun, root: string): Omit<ProbeRequest, 'targets'> {
  // Its tmp folder is named unlike the first run's, so a value listing the working directory differs.
  return { sysPath: opts.sysPath, cwd: root, timeoutSeconds: opts.timeoutSeconds, allowSideEffects: opts.allowSideEffects, ...(opts.memoryBytes ? { memoryBytes: opts.memoryBytes } : {}), tmpPath: path.join(root, 'tmp-verify'), ...(opts.bytecodePath ? { bytecodePath: opts.bytecodePath } : {}), argv: [...run.argv], randomSeed: run.randomSeed, ...(run.stdoutFile ? { stdoutFile: true } : {}), ...(run.extraFrames ? { extraFrames: run.extraFrames } : {}), ...(run.clockShift ? { clockShift: run.clockShift } : {}) };
}

const newRoot = async () => realpath(await mkdtemp(path.join(tmpdir(), 'smart-test-verify-')));

/**
 * The verification processes started ahead, while the run has other work (its candidates, its
 * search): each starts Python, the probe and imports the modules to verify, then waits. Their
 * start is most of a verification's cost. A process that has only imported is as a new one is
 * when its calls come (probe runner.py `reusable`); one that is gone by then is started again.
 */
export class VerifyWarmup {
  private constructor(
    readonly python: string,
    readonly runs: ReadonlyArray<WarmRun>,
  ) {}

  static async start(opts: Omit<StabilityOptions, 'firstRoots'>, modules: readonly string[]): Promise<VerifyWarmup> {
    const [{ ProbeSession }, { runProbe }] = await Promise.all([import('./probe-process.js'), import('./probe.js')]);
    const runs = await Promise.all(
      VERIFY_RUNS.map(async (run): Promise<WarmRun> => {
        const root = await newRoot();
        const session = new ProbeSession(opts.python, { ...run.env, ...VERIFY_IN_PROCESS });
        const targets = modules.map((module, k): ProbeTarget => ({ id: String(k), module, file: module, qualname: module, firstLine: 1, lastLine: 1, candidates: [] }));
        // Its answer is not needed: a failed import is found again, and reported, by the calls' request.
        const ready = runProbe(opts.python, { ...verifyHeader(opts, run, root), targets }, { timeoutMs: 60_000, env: { ...run.env, ...VERIFY_IN_PROCESS }, session }).then(
          () => undefined,
          () => undefined,
        );
        return { root, session, ready, header: JSON.stringify(verifyHeader(opts, run, root)) };
      }),
    );
    return new VerifyWarmup(opts.python, runs);
  }

  /** Ends the processes (one still importing too) and, once they are gone, removes their folders. */
  async close(): Promise<void> {
    await Promise.all(this.runs.map(async ({ session, root }) => {
      await session.close();
      await rm(root, { recursive: true, force: true });
    }));
  }
}

interface WarmRun {
  root: string;
  session: ProbeSession;
  /** Settles when the process has imported the modules (or failed to). */
  ready: Promise<void>;
  /** Its requests' header: a request with another one (other options) runs in a new process. */
  header: string;
}

async function verifyOnce(items: StabilityItem[], opts: StabilityOptions, run: VerifyRun, started?: WarmRun) {
  const warm = started && JSON.stringify(verifyHeader(opts, run, started.root)) === started.header ? started : undefined;
  // A session answers one request at a time: the calls wait for the warm-up's imports.
  if (warm) await warm.ready;
  if (process.env.SMART_TEST_TIMING) process.stderr.write(`verify ${warm ? `in the process started ahead (${warm.session.pid ?? 'gone'})` : 'in a new process'}\n`);
  const root = warm?.root ?? (await newRoot());
  try {
    const targets: ProbeTarget[] = items.map((item, i) => ({
      ...item.target,
      id: String(i),
      candidates: item.cases.map((test, k) => ({ id: String(k), setup: test.candidate.setup, expr: test.candidate.expr, ...(test.candidate.watch ? { watch: test.candidate.watch } : {}) })),
    }));
    const { runProbe } = await import('./probe.js');
    const calls = targets.reduce((n, t) => n + t.candidates.length, 0);
    const response = await runProbe(
      opts.python,
      { ...verifyHeader(opts, run, root), targets },
      { timeoutMs: 60_000 + calls * 2 * opts.timeoutSeconds * 1000, env: { ...run.env, ...VERIFY_IN_PROCESS }, stallMs: stallMs(opts.timeoutSeconds), ...(warm ? { session: warm.session } : {}) },
    );
    const results: Array<Array<ProbeCandidateResult | undefined>> = items.map(() => []);
    for (const target of response.targets) {
      const i = Number(target.id);
      if (target.importError || !results[i]) continue;
      for (const c of target.candidates) results[i]![Number(c.id)] = c;
    }
    return { results, root };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function maskAll(text: string, roots: readonly string[]): string {
  return roots.reduce((t, root) => mask(t, root), text);
}

function compare(first: Observed, firstRoots: readonly string[], again: ProbeCandidateResult, root: string): Verdict | 'literal' {
  if (again.outcome !== first.outcome) return 'drop';
  if (first.outcome === 'return' && again.outcome === 'return') {
    if (first.type.module !== again.type.module || first.type.qualname !== again.type.qualname || first.isNone !== again.isNone) return 'drop';
    if (again.deterministic === false) return 'weaken';
    // The receiver's state after the call is asserted too: it must be the same; so must the
    // result's, when it is asserted (a state naming what the test defines is not: engine.ts).
    if ((first.receiverState ?? null) !== (again.receiverState ?? null)) return 'weaken';
    if (first.resultState !== undefined && first.resultState !== again.resultState) return 'weaken';
    if (maskAll(first.repr, firstRoots) === mask(again.repr, root)) return 'keep';
    return first.literal && again.literal ? 'literal' : 'weaken';
  }
  if (first.outcome === 'raise' && again.outcome === 'raise') {
    if (first.excType.module !== again.excType.module || first.excType.qualname !== again.excType.qualname) return 'drop';
    if (again.deterministic === false) return 'weaken';
    return maskAll(first.excMessage, firstRoots) === mask(again.excMessage, root) ? 'keep' : 'weaken';
  }
  return 'drop';
}

const ORDER: Verdict[] = ['keep', 'weaken', 'drop'];
function worse(a: Verdict, b: Verdict): Verdict {
  return ORDER[Math.max(ORDER.indexOf(a), ORDER.indexOf(b))]!;
}

/** Object addresses and paths under the probe's working directory made alike. */
function mask(text: string, root: string): string {
  const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}[^\\s'",)\\]}]*`, 'g'), MASKS[0]).replace(/ at 0x[0-9a-fA-F]+/g, MASKS[1]);
}

/** What `mask` puts in place of a temporary path and of an address. */
const MASKS = ['<tmp>', ' at 0x?'] as const;
