import { mkdir, realpath, rename, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config/model.js';
import type { Plan, PlannedFunction } from '../pipeline/plan.js';
import { functionFacts, moduleTypes } from '../python/facts.js';
import type { ParsedModule, PyClass, PyFunction } from '../python/model.js';
import { withPythonTree } from '../python/parser.js';
import { ProbeSessions } from './probe-sessions.js';
import { parsePython } from '../python/structure.js';
import { TEST_FILE_HEADER, notRun, progressLine, progressModules, status, stoppedBy, stoppedDetail, warnings as warn } from '../report/messages/generate.js';
import { effectOfEvent, effectOfSource, safeStatus, safeWarnings } from '../report/messages/safe-output.js';
import { ambientReads, argvFor, type AmbientSetting } from './ambient.js';
import { blockProblems } from './block-check.js';
import { resolveJobs } from '../config/defaults.js';
import { groupByModule, runPooled } from './probe-groups.js';
import type { Candidate } from './infer/candidates.js';
import { iteratorReruns, moduleExtras, raisedBySample, shapedCandidates } from './infer/extras.js';
import { MAX_READ_BYTES, TestSeeds, type SeedSet } from './infer/seeds.js';
import { outermostFunction } from './infer/callables.js';
import { callersAmong } from './infer/callers.js';
import { findBlocks, markerLine, type ManagedBlock } from './managed.js';
import { groupDefinitions, tracedSpan } from './definitions.js';
import { moduleNameFor } from './module-name.js';
import type { ProbeCandidateResult, ProbeMutant, ProbeRaise, ProbeRequest, ProbeReturn, ProbeStopped, ProbeTarget } from './probe-model.js';
import { findProjectPython, modulesPytestMayMiss } from './python-env.js';
import { SharedBytecode } from './shared-bytecode.js';
import { renderTest, type StaticOutcome, type TestCase } from './render.js';
import { sideEffectOf } from './side-effects.js';
import { mark } from '../report/timing.js';
import { FIRST_RUN, VerifyWarmup, confirmed, verifyStability, weakened } from './stability.js';
import { bindContainerArguments } from './watch-args.js';
import { addDistinct, addReaching, chooseAimed, unreachedTargets } from './aim.js';
import { CALL_COST, ROUND_COST, candidateKey, directedSearch, variantsToward, type SearchSubject } from './search/search.js';
import { delegators, type Delegator } from './search/fresh-instances.js';
import { REFINE_ROUNDS, boundaryChoice, boundaryRound, boundarySignature, refineBoundaries, type BoundaryGroup } from './search/boundary.js';
import { mutationRound, type MutationSubject, type PoolItem } from './search/mutants.js';
import { alongsideRound } from './search/alongside.js';
import { resultMethods, type ResultMethod } from './search/result-calls.js';
import { statementLines, statementStarts } from '../python/statements.js';
import { readTestFile, testFileFor } from './test-file.js';

/** A source module and the functions of it that need tests. */
export interface GenerationSource {
  /** Repo-relative POSIX path. */
  file: string;
  /** The source text the tests are generated from (the staged content, or the file on disk). */
  text: string;
  module: ParsedModule;
  targets: PyFunction[];
  /**
   * The lines each target's tests should reach, by qualname: the uncovered changed lines (or the
   * uncovered lines) the plan found. A target missing here aims at every statement of its body.
   */
  targetLines?: ReadonlyMap<string, { lines: number[]; kind: TargetKind }>;
  /**
   * The bodies of the other functions of the file the change touched (not targets): the probe
   * traces them too, and a target keeps a few calls more for their lines and paths
   * (choicePool), so its tests also tell apart changes of the code the commit changed around it.
   */
  alongside?: PyFunction[];
}

/** What a target's lines are: changed lines no test runs, lines no test runs, or every statement. */
export type TargetKind = 'changed' | 'uncovered' | 'all';

/**
 * What generation takes from a plan: every analysed module, with its selected functions as
 * targets. Modules without targets only have the targets of their existing tests checked.
 */
export function sourcesFromPlan(plan: Plan): GenerationSource[] {
  // Every selected definition of a qualname (a name defined more than once has one target: definitions.ts).
  const selected = new Map<string, PlannedFunction[]>();
  for (const f of plan.functions) {
    if (!f.selected) continue;
    const key = `${f.file}\0${f.qualname}`;
    selected.set(key, [...(selected.get(key) ?? []), f]);
  }
  return plan.sources.map((s) => {
    const targets = s.touched.filter((fn) => selected.has(`${s.file}\0${fn.qualname}`));
    const targetLines = new Map<string, { lines: number[]; kind: TargetKind }>();
    for (const qualname of new Set(targets.map((fn) => fn.qualname))) {
      const defs = selected.get(`${s.file}\0${qualname}`)!;
      const union = (lines: number[][]) => [...new Set(lines.flat())].sort((a, b) => a - b);
      const changed = union(defs.map((f) => f.uncoveredChangedLines));
      const uncovered = union(defs.map((f) => f.targetLines ?? []));
      if (changed.length > 0) targetLines.set(qualname, { lines: changed, kind: 'changed' });
      else if (uncovered.length > 0) targetLines.set(qualname, { lines: uncovered, kind: 'uncovered' });
    }
    // Only for a change of lines (not an added file, nor files named without a change).
    const around = Array.isArray(s.changed) && s.changed.length > 0 ? s.touched.filter((fn) => !selected.has(`${s.file}\0${fn.qualname}`)) : [];
    return { file: s.file, text: s.text, module: s.module, targets, targetLines, ...(around.length > 0 ? { alongside: around } : {}) };
  });
}

export interface TargetReport {
  file: string;
  qualname: string;
  /** Repo-relative test file, or null when no test could be written. */
  testFile: string | null;
  status: 'written' | 'unchanged' | 'edited' | 'none';
  tests: number;
  placeholders: number;
  detail: string;
  /** The lines the tests aimed at (see GenerationSource.targetLines), and those no written test reaches. */
  targetLines: number[];
  targetKind: TargetKind;
  unreachedLines: number[];
}

export interface GenerationResult {
  /** Repo-relative paths of test files created or changed. */
  written: string[];
  targets: TargetReport[];
  warnings: string[];
  /** Python used to run candidates, or null when nothing was run. */
  python: string | null;
}

export interface GenerationOptions {
  repoRoot: string;
  config: Config;
  /** Run candidate calls in the project's Python (default); false: static tests only. */
  execute: boolean;
  env: NodeJS.ProcessEnv;
  /** The plan's coverage.json, whose per-test contexts (when recorded) lead to entry points; null or absent when none. */
  coverageFile?: string | null;
  /** Which command runs: `generate` (not on the commit path) may search longer. */
  command?: 'run' | 'generate';
  /** Called with a short line when generation is slow enough to show progress. */
  progress?: (line: string) => void;
}

const MAX_TESTS_PER_TARGET = 12;
/** Tests a function with many branches may keep for the target lines they reach (see chooseAimed). */
const MAX_AIMED_TESTS = 16;
/** Tests kept beyond the aimed choice for a result no kept test asserts (see addDistinct). */
const DISTINCT_EXTRA = 6;
/** Calls kept beyond those for a path through the target that none of the others takes. */
const PATH_EXTRA = 3;
/** Tests kept beyond those for calls on either side of a comparison's boundary (see search/boundary.ts). */
const BOUNDARY_EXTRA = 3;
/** Tests kept beyond the others for lines and paths of the other functions the change touched (see addReaching). */
const ALONGSIDE_EXTRA = 3;
/** Calls of each function the change touched that calls a target, tried as entry calls of the target (infer/callers.ts). */
const MAX_CALLER_CALLS = 8;
/** `generate` is not on the commit path: its search may take this many times the configured budgets (and it reads as many times the tests for seeds). */
const GENERATE_SEARCH_SCALE = 4;
const CALL_TIMEOUT_SECONDS = 2;
/**
 * An entry point's call (the tests' `format(sql)`, tried for the lines it reaches in the target)
 * is exploratory: a slower one (a test's stress input) is dropped rather than waited for.
 */
const ENTRY_TIMEOUT_SECONDS = 0.25;
/**
 * A call the search made up (an argument of 10**9 that a loop counts to) is exploratory too: one
 * that runs past this is dropped (and ends the function's search) rather than waited for.
 */
const SEARCH_TIMEOUT_SECONDS = 0.5;

/** What the probe said about a job's candidates, or why it could not run them. */
type Observed = { results: ProbeCandidateResult[]; tmpRoots: string[]; stopped: ProbeStopped | null; mutant?: ProbeMutant } | { importError: string };

interface Job {
  location: string;
  source: GenerationSource;
  fn: PyFunction;
  /** Every definition of its qualname (definitions.ts): `fn` and the others. */
  defs: PyFunction[];
  /** Their bodies' lines, when there are several (the probe traces these only). */
  ranges: Array<[number, number]> | null;
  codeHash: string;
  candidates: Candidate[];
  report: TargetReport;
  /** Test cases chosen for this target. */
  cases: TestCase[];
  /** Lines the tests should reach (see GenerationSource.targetLines). */
  targets: ReadonlySet<number>;
  /** A side effect seen in the source: the function is not run, and no test calls it. */
  staticOnly: string | null;
  /** sys.argv / environment the probe runs it with and its tests set (ambient.ts). */
  ambient: AmbientSetting;
  /** The function the candidates call: the outermost enclosing one for a nested function (infer/extras.ts). */
  via: PyFunction;
  /** Calls at the boundaries of the body's comparisons (search/boundary.ts), by candidate key. */
  boundary?: BoundaryGroup[];
  /** For a method: the inferred calls of another method of its class (SearchSubject.methodCalls). */
  methodCalls?: (method: string, className?: string) => Candidate[];
  /** The tests' other calls of its entry points, for the search's entry scan (SearchSubject.entryPool). */
  entryPool?: Candidate[];
  /** A time limit for its calls tighter than the run's (a search round's: SEARCH_TIMEOUT_SECONDS). */
  callTimeout?: number;
  /** A mutation round's run (search/mutants.ts): lines not traced, and the mutant in place. */
  traceLines?: false;
  mutant?: ProbeTarget['mutant'];
  /** Calls kept beyond the chosen ones for mutants only they tell apart (search/mutants.ts). */
  mutantPicks?: ReadonlySet<Candidate>;
}

/**
 * Generates or refreshes the tests of the given targets: infers candidate calls, runs them in the
 * project's Python (one process for the whole run), keeps the ones that reach new lines, renders
 * them into managed blocks, and writes each test file atomically, leaving every block a person
 * edited as it is.
 */
export async function generateTests(sources: GenerationSource[], options: GenerationOptions): Promise<GenerationResult> {
  // The run's probe processes share the compiled code of the project's modules.
  const bytecode = new SharedBytecode();
  const verification: { warm: Promise<VerifyWarmup | null> | null } = { warm: null };
  try {
    return await generateWith(sources, options, bytecode, verification);
  } finally {
    await (await verification.warm)?.close();
    await bytecode.dispose();
  }
}

async function generateWith(sources: GenerationSource[], options: GenerationOptions, bytecode: SharedBytecode, verification: { warm: Promise<VerifyWarmup | null> | null }): Promise<GenerationResult> {
  const { config, repoRoot } = options;
  // The stable-test check's options, the same for its processes started ahead and for its calls.
  const verifyOptions = async (python: string) => ({ python, sysPath: sysPathFor(repoRoot, config.sourceRoots), timeoutSeconds: CALL_TIMEOUT_SECONDS, allowSideEffects: config.allowSideEffects, memoryBytes: config.probeMemory, bytecodePath: await bytecode.path() });
  // Its processes start once the project's Python is known, and import the modules while the run does the rest.
  const warmVerification = (python: string) => {
    const modules = [...new Set(sources.filter((s) => s.targets.length > 0).flatMap((s) => moduleNameFor(s.file, config.sourceRoots)?.module ?? []))].sort();
    verification.warm ??= verifyOptions(python).then((opts) => VerifyWarmup.start(opts, modules)).catch(() => null);
  };
  const result: GenerationResult = { written: [], targets: [], warnings: [], python: null };
  const files: Array<{ testFile: string; module: string; existing: string | null; jobs: Job[]; source: GenerationSource }> = [];
  const allJobs: Job[] = [];
  // The project's tests, read only when something is to be run, once for every target.
  // `generate`, off the commit path, reads four times as much of the tests, as it searches.
  const testSeeds = options.execute ? new TestSeeds({ repoRoot, testsDir: config.testsDir, sourceRoots: config.sourceRoots, env: options.env, coverageFile: options.coverageFile ?? null, maxReadBytes: MAX_READ_BYTES * (options.command === 'generate' ? GENERATE_SEARCH_SCALE : 1) }) : null;
  // The project's Python, found (and its probe session started) while the tests are read.
  let early: Promise<EarlyProbe | null> | null = null;

  for (const planned of sources) {
    const named = moduleNameFor(planned.file, config.sourceRoots);
    if (!named) {
      for (const fn of planned.targets) result.targets.push(report(planned.file, fn.qualname, null, 'none', status.noModule(planned.file)));
      continue;
    }
    const testFile = await testFileFor(repoRoot, config.testsDir, named.module);
    const read = await readTestFile(path.join(repoRoot, testFile));
    if (read !== null && typeof read === 'object') {
      for (const fn of planned.targets) result.targets.push(report(planned.file, fn.qualname, testFile, 'none', status.testFileNotUtf8(testFile)));
      continue;
    }
    const existing = read;
    const blocks = existing ? findBlocks(existing) : [];
    // A module with no target is here only to have its tests' targets checked.
    if (planned.targets.length === 0 && blocks.length === 0) continue;
    const source = await completeModule(planned);
    const known = new Set(source.module.functions.map((f) => f.qualname));
    for (const gone of new Set(blocks.map((b) => b.target).filter((t) => !known.has(t)))) result.warnings.push(warn.targetGone(gone, testFile));
    if (source.targets.length === 0) continue;
    const entry = { testFile, module: named.module, existing, jobs: [] as Job[], source };
    files.push(entry);
    // Tests to write here: the listing and reading of the project's tests start now, beside the
    // reading of the module below.
    const targets = groupDefinitions(source.targets, source.text);
    const toWrite = targets.find((t) => keptBlocks(t.defs[0]!.qualname, t.codeHash, blocks) === null);
    if (toWrite) {
      testSeeds?.prefetch();
      // The project's Python is found, and the module imported, while the module is read below.
      if (options.execute && !early) early = startProbe(sources, source, named.module, toWrite.defs[0]!, repoRoot, config, options.env, bytecode, warmVerification).catch(() => null);
    }
    // Between the steps below the run lets the processes it started go on (their answers are read
    // only when it waits): the Python found starts the probe, the probe's answer the verification's.
    const facts = await functionFacts(source.text, source.module.functions);
    await yieldToEvents();
    // Every statement of a target: the lines it aims at when the plan gives none (parsed when first needed).
    let statements: Promise<Map<PyFunction, number[]>> | null = null;
    const statementsOf = async (defs: readonly PyFunction[]) => {
      const all = await (statements ??= statementLines(source.text, source.targets));
      return [...new Set(defs.flatMap((d) => all.get(d) ?? []))].sort((a, b) => a - b);
    };
    const types = await moduleTypes(source.text, source.module);
    await yieldToEvents();
    const extras = await moduleExtras(source.text, source.module.functions);
    await yieldToEvents();
    const reads = ambientReads(source.text, source.module.functions);
    const sourceLines = source.text.split(/\r?\n/);
    // The calls the generator infers for a function of this module (the tests' seeds first, when given).
    const shape = (target: PyFunction, owner: PyClass | null, seeds?: SeedSet) =>
      shapedCandidates({ fn: target, cls: owner, module: named.module, facts, types, functions: source.module.functions, placeholder: config.placeholder, source: source.text, ...(seeds ? { seeds } : {}) }, extras, source.module.classes, source.targets, status.throughOuter);
    for (const { defs, codeHash, ranges } of targets) {
      const qualname = defs[0]!.qualname;
      const mine = blocks.filter((b) => b.target === qualname);
      const rep = report(source.file, qualname, testFile, 'none', '');
      // The plan's lines of the qualname that are these definitions' (not a property setter's, a target of its own).
      const fromPlan = planned.targetLines?.get(qualname);
      const own = fromPlan?.lines.filter((l) => defs.some((d) => d.startLine <= l && l <= d.endLine)) ?? [];
      const aim = fromPlan && own.length > 0 ? { ...fromPlan, lines: own } : { lines: await statementsOf(defs), kind: 'all' as const };
      Object.assign(rep, { targetLines: [...aim.lines], targetKind: aim.kind });
      result.targets.push(rep);
      const kept = keptBlocks(qualname, codeHash, blocks);
      if (kept === 'unchanged') {
        Object.assign(rep, { status: 'unchanged', tests: mine.length, detail: status.unchanged });
        continue;
      }
      if (kept === 'edited') {
        Object.assign(rep, { status: 'edited', tests: mine.length, detail: status.editedKept(mine.filter((b) => b.edited).map(testName)) });
        continue;
      }
      const first = defs[0]!;
      const cls = first.className ? source.module.classes.find((c) => c.qualname === first.className) ?? null : null;
      // The project's tests: seeds for the function the tests call (a nested function's outermost one).
      const called = first.kind === 'nested' ? outermostFunction(first, source.module.functions) ?? first : first;
      const calledCls = called.className ? source.module.classes.find((c) => c.qualname === called.className) ?? null : null;
      const seeds = testSeeds && called.kind !== 'nested' ? await testSeeds.seedsFor({ fn: called, cls: calledCls, module: named.module, file: source.file, text: source.text, parsed: source.module, targetLines: called === first ? aim.lines : undefined }).catch(() => undefined) : undefined;
      // The calls of the first definition that has any (`@overload` stubs have none: their implementation's are made).
      let fn = first;
      let shaped = shape(first, cls, seeds);
      for (const other of defs.slice(1)) {
        if (!('reason' in shaped)) break;
        const next = shape(other, cls, seeds);
        if (!('reason' in next)) [fn, shaped] = [other, next];
      }
      if ('reason' in shaped) {
        rep.detail = status.noCandidates(shaped.reason);
        continue;
      }
      const candidates = shaped.candidates;
      // The calls of the functions the change touched around it that call it (infer/callers.ts).
      if (source.alongside && fn.kind !== 'nested') {
        const seen = new Set(candidates.map(candidateKey));
        for (const caller of callersAmong(fn, source.alongside, sourceLines)) {
          // Not one whose code shows a side effect (as a target's would not be run).
          if (!config.allowSideEffects && sideEffectOf(codeOf(sourceLines, caller))) continue;
          const owner = caller.className ? source.module.classes.find((c) => c.qualname === caller.className) ?? null : null;
          const callerSeeds = testSeeds ? await testSeeds.seedsFor({ fn: caller, cls: owner, module: named.module, file: source.file, text: source.text, parsed: source.module }).catch(() => undefined) : undefined;
          const built = shape(caller, owner, callerSeeds);
          if ('reason' in built) continue;
          const calls = built.candidates.filter((c) => !c.placeholder && !c.valueProbe && !c.entry && !seen.has(candidateKey(c))).slice(0, MAX_CALLER_CALLS);
          for (const c of calls) {
            seen.add(candidateKey(c));
            candidates.push({ ...c, entry: true, timeoutSeconds: ENTRY_TIMEOUT_SECONDS });
          }
        }
      }
      await yieldToEvents();
      const effect = config.allowSideEffects ? null : sideEffectOf(defs.map((d) => codeOf(sourceLines, d)).join('\n'));
      const read = reads.get(fn.qualname);
      const ambient: AmbientSetting = { argv: read?.argv ? argvFor(source.file) : null, unsetEnv: read?.env ?? [] };
      const job: Job = { location: `${source.file}:${fn.defLine}:1: ${fn.qualname}`, source, fn, defs, ranges, codeHash, candidates, report: rep, cases: [], targets: new Set(aim.lines), staticOnly: effect, ambient, via: shaped.via };
      if (seeds?.entryPool && fn.kind !== 'nested') job.entryPool = seeds.entryPool;
      if (cls && fn.kind !== 'nested') {
        // Built only when the search asks: the calls the generator would make of another method of the class.
        job.methodCalls = (method, className = cls.qualname) => {
          const owner = source.module.classes.find((c) => c.qualname === className);
          const other = source.module.functions.find((f) => f.className === className && f.name === method);
          if (!owner || !other) return [];
          const built = shape(other, owner);
          return 'reason' in built ? [] : built.candidates;
        };
      }
      if (effect) result.warnings.push(warn.sideEffects(`${source.file}:${fn.defLine}:1: ${fn.qualname}`, effect));
      entry.jobs.push(job);
      allJobs.push(job);
    }
  }

  mark('candidates');
  // Run the candidates: one probe process for every target of the run.
  const toRun = options.execute ? allJobs.filter((j) => !j.staticOnly && j.candidates.length > 0) : [];
  let observed = new Map<Job, Observed>();
  // Set when the probe ran (or tried to): then a job it did not report on gets no test.
  let probeFailure: string | null = null;
  let ran = false;
  let sysPath: string[] = [];
  const started = early ? await early : null;
  if (toRun.length > 0) {
    sysPath = sysPathFor(repoRoot, config.sourceRoots);
    const firstModule = files.find((f) => f.jobs.length > 0)!.module;
    const modules = [...new Set(files.filter((f) => f.jobs.length > 0).map((f) => f.module))];
    const found = started && started.module === firstModule ? started.found : await findProjectPython({ repoRoot, configured: config.python, env: options.env, module: firstModule, sysPath, fromRoot: modules });
    if (!found.python) {
      result.warnings.push(warn.noPython(found.tried));
    } else {
      result.python = found.python;
      warmVerification(found.python);
      const imported = modules.map((module) => ({ module, file: files.find((f) => f.module === module)!.source.file }));
      const { missing, elsewhere } = await modulesPytestMayMiss(found.python, imported, repoRoot, found.fromRoot);
      if (missing.length > 0) result.warnings.push(warn.notOnPytestPath(missing, config.sourceRoots));
      if (elsewhere.length > 0) result.warnings.push(warn.pytestImportsElsewhere(elsewhere, imported, config.sourceRoots));
      // A progress line only when running the candidates takes more than about a second.
      const calls = toRun.reduce((n, j) => n + j.candidates.length, 0);
      const slow = setTimeout(() => options.progress?.(progressLine(calls, toRun.length, found.python!)), 1000);
      ran = true;
      // The first probe's processes answer the later requests on the same modules (probe-sessions.ts).
      const sessions = started?.sessions && started.found.python === found.python ? started.sessions : new ProbeSessions(found.python, FIRST_RUN.env, await bytecode.path());
      if (started?.sessions && sessions !== started.sessions) await started.sessions.close();
      try {
        const probed = await probeAll(found.python, toRun, files, sysPath, repoRoot, config, resolveJobs(config.jobs), options.progress, false, sessions);
        observed = probed.observed;
        dropStoppedEntries(observed);
        await dropStoppingSetups(observed, async (batch) => (await probeAll(found.python!, batch, files, sysPath, repoRoot, config, resolveJobs(config.jobs), undefined, false, sessions)).observed);
        dropStoppedEntries(observed);
        mark('probe');
        for (const failure of probed.failures) result.warnings.push(safeWarnings.probeFailed(failure));
        probeFailure = probed.failures[0] ?? null;
        clearTimeout(slow);
        await consumeIterators(observed, async (batch) => (await probeAll(found.python!, batch, files, sysPath, repoRoot, config, resolveJobs(config.jobs), undefined, true, sessions)).observed);
        // Search rounds run each call once: the stable-test check below runs the chosen ones again.
        await search(toRun, observed, options, async (batch) => (await probeAll(found.python!, batch, files, sysPath, repoRoot, config, resolveJobs(config.jobs), undefined, false, sessions)).observed);
        mark('search');
        await sharpenByMutants(toRun, observed, options, async (batch) => (await probeAll(found.python!, batch, files, sysPath, repoRoot, config, resolveJobs(config.jobs), undefined, false, sessions)).observed);
        mark('mutants');
      } catch (error) {
        probeFailure = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        result.warnings.push(safeWarnings.probeFailed(probeFailure));
      } finally {
        clearTimeout(slow);
        await sessions.close();
      }
    }
  }

  // Nothing to run after all (every call static, or no Python): the early session ends.
  if (started?.sessions && !ran) await started.sessions.close();

  // A test calls only code that ran to completion in the probe; without a probe run, only
  // doctest examples (their author wrote the call) become tests.
  const probed = new Set(toRun);
  // Where this checkout and this user are: a value that shows them (a listing of the repository,
  // an absolute path) differs in another clone, and is not asserted exactly.
  const local = await localPaths(repoRoot);
  for (const job of allJobs) {
    const seen = observed.get(job);
    if (job.staticOnly) {
      job.report.detail = safeStatus.sideEffect(effectOfSource(job.staticOnly));
      continue;
    }
    if (seen && 'importError' in seen) {
      job.report.detail = status.importFailed(files.find((f) => f.source === job.source)!.module, seen.importError);
      continue;
    }
    if (!seen && ran && probed.has(job)) {
      job.report.detail = safeStatus.notCompleted(probeFailure ?? safeStatus.probeStopped);
      continue;
    }
    // Never a test for a function one of whose calls timed out, ran out of memory or ended the process.
    if (seen && 'results' in seen && seen.stopped) {
      job.report.detail = stoppedReport(job, seen.results, seen.stopped, config.probeMemory);
      continue;
    }
    job.cases = seen ? chooseCases(job, seen.results, [...seen.tmpRoots, ...local]) : staticCases(job);
    if (job.cases.length > 0) continue;
    const blocked = seen?.results.find((r) => r.outcome === 'blocked');
    const changing = seen?.results.find((r) => r.changesModule && r.changesModule.length > 0);
    if (blocked && blocked.outcome === 'blocked') job.report.detail = safeStatus.sideEffect(effectOfEvent(blocked.blockedBy, blocked.blockedDetail), 'blocked');
    else if (changing?.changesModule) job.report.detail = safeStatus.changesModule(changing.changesModule);
    else if (seen && 'results' in seen && seen.results.some((r, i) => choosable(r, job.candidates[i]!))) job.report.detail = status.noCallRanIt;
    else if (seen || job.candidates.length === 0) job.report.detail = status.noPassingCall;
    else job.report.detail = job.candidates.some((c) => c.origin === 'doctest') ? status.noStaticTest : safeStatus.staticDoctestOnly;
  }

  // Stable tests: the chosen calls run again with another hash seed, time zone, cwd and sys.argv.
  const verify = allJobs.filter((j) => observed.has(j) && j.cases.length > 0);
  if (verify.length > 0 && result.python) {
    // Container arguments bound to names first, so that the verification runs see what the call did to them.
    const unbound = new Map<TestCase, TestCase>();
    for (const job of verify) {
      job.cases = await Promise.all(
        job.cases.map(async (test) => {
          const bound = await bindContainerArguments(test, job.via);
          if (bound !== test) unbound.set(bound, test);
          return bound;
        }),
      );
    }
    try {
      const verdicts = await verifyStability(
        verify.map((job) => ({ target: probeTarget(job, '0', files, repoRoot), cases: job.cases })),
        { ...(await verifyOptions(result.python)), firstRoots: firstRootsOf(verify, observed), warm: (await verification.warm)?.python === result.python ? await verification.warm : null },
      );
      verify.forEach((job, i) => {
        // A bound argument the call left alone (or changed differently in each run) goes back inline.
        const plain = (test: TestCase) => (test.outcome.outcome === 'return' && test.outcome.argState ? test : unbound.get(test) ?? test);
        job.cases = job.cases.flatMap((test, k) => (verdicts[i]![k] === 'drop' ? [] : verdicts[i]![k] === 'weaken' ? [weakened(plain(test))] : [confirmed(plain(test))]));
        if (job.cases.length === 0) job.report.detail = safeStatus.unstable;
      });
    } catch (error) {
      result.warnings.push(safeWarnings.stabilityFailed(error instanceof Error ? error.message.split('\n')[0]! : String(error)));
      for (const job of verify) {
        job.cases = [];
        job.report.detail = safeStatus.notCompleted(safeStatus.probeStopped);
      }
    }
  }
  mark('stable');
  for (const job of allJobs) for (const test of job.cases) if (job.ambient.argv || job.ambient.unsetEnv.length > 0) test.ambient = job.ambient;

  // Each test is checked on its own (every file's at once): one that does not parse is left out, not the file.
  const withCases = allJobs.filter((j) => j.cases.length > 0);
  result.warnings.push(...(await dropInvalidTests(files.map((f) => ({ module: f.module, jobs: f.jobs.filter((j) => j.cases.length > 0) })), config.placeholder, result.python)));
  for (const job of withCases) if (job.cases.length === 0) job.report.detail = safeStatus.blocksDropped;

  // Render and write each test file.
  for (const file of files) {
    const jobs = file.jobs.filter((j) => j.cases.length > 0);
    if (jobs.length === 0) continue;
    const next = await assembleChecked(file.existing, file.module, jobs, config.placeholder);
    if (next === null) {
      const broken = file.existing !== null && (await withPythonTree(file.existing, (tree) => tree.rootNode.hasError));
      result.warnings.push(broken ? safeWarnings.existingBroken(file.testFile) : warn.invalidOutput(file.testFile));
    }
    if (next === null || next === file.existing) continue;
    await writeAtomically(path.join(repoRoot, file.testFile), next);
    result.written.push(file.testFile);
    for (const job of jobs) {
      job.report.status = 'written';
      job.report.tests = job.cases.length;
      job.report.placeholders = job.cases.filter((c) => c.candidate.placeholder).length;
      job.report.detail = status.written(job.cases.length);
      // Lines are known only for calls that ran: a static test's reach is not.
      if (job.cases.every((c) => 'lines' in c.outcome)) {
        job.report.unreachedLines = unreachedTargets(job.cases.map((c) => ({ lines: (c.outcome as ProbeReturn | ProbeRaise).lines })), job.targets);
        if (job.report.unreachedLines.length > 0) job.report.detail += `; ${status.notReached(job.report.unreachedLines, job.report.targetKind)}`;
      }
    }
  }
  // A function left without tests reaches none of its target lines (its old tests, when it keeps
  // them, were written for other code: what they reach is not known).
  for (const rep of result.targets) if (rep.status === 'none') rep.unreachedLines = [...rep.targetLines];
  return result;
}

/**
 * Why a function's tests stay as they are: its blocks were written for its code as it is
 * ('unchanged'), or a person edited one ('edited'); null when they are to be written.
 */
function keptBlocks(qualname: string, codeHash: string, blocks: readonly ManagedBlock[]): 'unchanged' | 'edited' | null {
  const mine = blocks.filter((b) => b.target === qualname);
  if (mine.length > 0 && mine.every((b) => b.codeHash === codeHash)) return 'unchanged';
  return mine.some((b) => b.edited) ? 'edited' : null;
}

/** Generation needs the whole module (constructors, enums, every function): parse it again when the plan parsed only the touched parts. */
async function completeModule(source: GenerationSource): Promise<GenerationSource> {
  if (!source.module.partial) return source;
  const module = await parsePython(source.text);
  const targets = source.targets.map((t) => module.functions.find((f) => f.qualname === t.qualname && f.defLine === t.defLine) ?? t);
  return { ...source, module, targets };
}

function report(file: string, qualname: string, testFile: string | null, st: TargetReport['status'], detail: string): TargetReport {
  return { file, qualname, testFile, status: st, tests: 0, placeholders: 0, detail, targetLines: [], targetKind: 'all', unreachedLines: [] };
}

function testName(block: ManagedBlock): string {
  const m = /def\s+(\w+)/.exec(block.body.find((l) => /^\s*(async\s+)?def\s/.test(l)) ?? '');
  return m ? m[1]! : block.target;
}

function sysPathFor(repoRoot: string, sourceRoots: readonly string[]): string[] {
  const dirs = sourceRoots.map((r) => path.resolve(repoRoot, r));
  return [...new Set(dirs)];
}

/** Every probe folder the results of `jobs` came from (the first run's, and the search rounds'). */
function firstRootsOf(jobs: Job[], observed: Map<Job, Observed>): string[] {
  const roots = new Set<string>();
  for (const job of jobs) {
    const seen = observed.get(job);
    if (seen && 'tmpRoots' in seen) for (const root of seen.tmpRoots) roots.add(root);
  }
  return [...roots];
}

/** A job as the probe sees it, without candidates: with the sys.argv and environment its test sets. */
function probeTarget(job: Job, id: string, files: Array<{ module: string; source: GenerationSource }>, repoRoot: string): Omit<ProbeTarget, 'candidates'> {
  return {
    id,
    module: files.find((f) => f.source === job.source)!.module,
    file: path.join(repoRoot, job.source.file),
    qualname: job.fn.qualname,
    ...tracedSpan(job.defs),
    ...(job.ranges ? { ranges: job.ranges } : {}),
    ...(job.source.alongside && job.traceLines !== false ? { alsoRanges: job.source.alongside.map((fn): [number, number] => [fn.bodyStartLine, fn.endLine]) } : {}),
    ...(job.ambient.argv ? { argv: job.ambient.argv } : {}),
    ...(job.ambient.unsetEnv.length > 0 ? { unsetEnv: job.ambient.unsetEnv } : {}),
    ...(job.traceLines === false ? { traceLines: false } : {}),
    ...(job.mutant ? { mutant: job.mutant } : {}),
  };
}

/**
 * Runs the jobs' candidates: in groups of whole modules (probe-groups.ts), up to `parallel` probe
 * processes at once, the answers merged in job order. A group whose probe fails leaves its jobs
 * without answers (static tests) and says why; the other groups are kept.
 */
async function probeAll(python: string, jobs: Job[], files: Array<{ module: string; source: GenerationSource }>, sysPath: string[], repoRoot: string, config: Config, parallel: number, progress?: (line: string) => void, repeat = true, sessions?: ProbeSessions) {
  if (process.env.SMART_TEST_CANDIDATES_DEBUG) for (const j of jobs) process.stderr.write(`candidates ${j.fn.qualname}: ${j.candidates.map((c) => [...c.setup, c.expr].join('; ')).join(' | ')}\n`);
  const moduleBySource = new Map(files.map((f) => [f.source, f.module]));
  const moduleOf = (job: Job) => moduleBySource.get(job.source)!;
  const groups = groupByModule(jobs, moduleOf);
  const modules = groups.map((g) => new Set(g.map(moduleOf)).size);
  const totalModules = modules.reduce((a, b) => a + b, 0);
  let modulesDone = 0;
  // A line at most every two seconds, the first one after the run's own progress line.
  let lastLine = Date.now();
  const answers = await runPooled(groups, parallel, async (group, index) => {
    const answer = await probeGroup(python, group, files, sysPath, repoRoot, config, repeat, sessions).then(
      (observed) => ({ observed, failure: null }),
      (error: unknown) => ({ observed: new Map<Job, Observed>(), failure: error instanceof Error ? error.message.split('\n')[0]! : String(error) }),
    );
    modulesDone += modules[index]!;
    if (groups.length > 1 && modulesDone < totalModules && Date.now() - lastLine >= 2000) {
      lastLine = Date.now();
      progress?.(progressModules(modulesDone, totalModules));
    }
    return answer;
  });
  const observed = new Map<Job, Observed>();
  for (const answer of answers) for (const [job, seen] of answer.observed) observed.set(job, seen);
  return { observed, failures: answers.flatMap((a) => (a.failure === null ? [] : [a.failure])) };
}

/** What startProbe began: the project's Python for `module`, and the sessions, one of them importing it already. */
interface EarlyProbe {
  module: string;
  found: Awaited<ReturnType<typeof findProjectPython>>;
  sessions: ProbeSessions | null;
}

/**
 * Finds the project's Python and, when the run's targets are all in one module (a commit's usual
 * case), starts that module's probe session with a request that only imports it: Python's start
 * and the import run on another core while the project's tests are read for seeds. The session
 * is the one the first probe leases (probe-sessions.ts); its answers are the same as a fresh
 * process's. Never throws: without it, the first probe starts its own process as before.
 */
async function startProbe(sources: readonly GenerationSource[], source: GenerationSource, module: string, fn: PyFunction, repoRoot: string, config: Config, env: NodeJS.ProcessEnv, bytecode: SharedBytecode, onPython: (python: string) => void): Promise<EarlyProbe> {
  const sysPath = sysPathFor(repoRoot, config.sourceRoots);
  const modules = new Set(sources.filter((s) => s.targets.length > 0).map((s) => moduleNameFor(s.file, config.sourceRoots)?.module));
  // The same process says which of the modules pytest may not import (modulesPytestMayMiss).
  const fromRoot = [...modules].filter((m): m is string => m !== undefined).sort();
  const found = await findProjectPython({ repoRoot, configured: config.python, env, module, sysPath, fromRoot });
  if (found.python) onPython(found.python);
  if (!found.python || modules.size !== 1) return { module, found, sessions: null };
  const sessions = new ProbeSessions(found.python, FIRST_RUN.env, await bytecode.path());
  const lease = await sessions.lease([module]);
  try {
    const { runProbe } = await import('./probe.js');
    const target: ProbeTarget = { id: '0', module, file: path.join(repoRoot, source.file), qualname: fn.qualname, firstLine: fn.bodyStartLine, lastLine: fn.endLine, candidates: [] };
    await runProbe(found.python, { ...probeHeader(sysPath, lease.work, config, false, sessions.bytecodePath), targets: [target] }, { timeoutMs: 60_000, env: FIRST_RUN.env, ...(lease.session ? { session: lease.session } : {}) });
  } catch {
    // The first probe finds out again, and says what went wrong.
  } finally {
    await lease.release();
  }
  return { module, found, sessions };
}

/**
 * Lets the event loop run once: the answers of the processes the run started (the Python found,
 * a probe's imports done) are read, and what follows them starts, while the run goes on.
 */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A probe request's settings, the same for every request of a session (only targets and `repeat` may differ). */
function probeHeader(sysPath: string[], work: string, config: Config, repeat: boolean, bytecodePath: string | null | undefined): Omit<ProbeRequest, 'targets'> {
  return { sysPath, cwd: work, timeoutSeconds: CALL_TIMEOUT_SECONDS, allowSideEffects: config.allowSideEffects, memoryBytes: config.probeMemory, tmpPath: path.join(work, 'tmp'), ...(bytecodePath ? { bytecodePath } : {}), argv: [...FIRST_RUN.argv], randomSeed: FIRST_RUN.randomSeed, repeat };
}

async function probeGroup(python: string, jobs: Job[], files: Array<{ module: string; source: GenerationSource }>, sysPath: string[], repoRoot: string, config: Config, repeat: boolean, sessions?: ProbeSessions) {
  const lease = sessions ? await sessions.lease(jobs.map((job) => files.find((f) => f.source === job.source)!.module)) : null;
  const work = lease?.work ?? (await realpath(await mkdtemp(path.join(tmpdir(), 'smart-test-probe-'))));
  try {
    const targets: ProbeTarget[] = jobs.map((job, i) => ({
      ...probeTarget(job, String(i), files, repoRoot),
      candidates: job.candidates.map((c, k) => {
        const timeoutSeconds = c.timeoutSeconds ?? (c.entry ? ENTRY_TIMEOUT_SECONDS : job.callTimeout);
        return { id: String(k), setup: c.setup, expr: c.expr, ...(timeoutSeconds ? { timeoutSeconds } : {}), ...(c.expect ? { expect: c.expect } : {}) };
      }),
    }));
    // Loaded only when something is to be run: it builds the probe's zod schemas.
    const { runProbe } = await import('./probe.js');
    const response = await runProbe(
      python,
      { ...probeHeader(sysPath, work, config, repeat, sessions?.bytecodePath), targets },
      { timeoutMs: 60_000 + jobs.length * 10_000, env: FIRST_RUN.env, ...(lease?.session ? { session: lease.session } : {}) },
    );
    const out = new Map<Job, Observed>();
    for (const target of response.targets) {
      const job = jobs[Number(target.id)]!;
      if (target.importError) out.set(job, { importError: `${target.importError.type}: ${target.importError.message}` });
      // Only a target whose every candidate was reported ran to completion in the probe.
      else if (target.candidates.length === job.candidates.length) out.set(job, { results: await asStatementLines(job.source, target.candidates), tmpRoots: [work], stopped: target.stopped, ...(target.mutant ? { mutant: target.mutant } : {}) });
    }
    return out;
  } finally {
    if (lease) await lease.release();
    else await rm(work, { recursive: true, force: true });
  }
}

/** Each module's map of lines inside multi-line statements to their first lines (statementStarts), read once a run. */
const startsOf = new WeakMap<GenerationSource, Promise<Map<number, number>>>();

/**
 * The results with the lines they ran counted as coverage.py counts them too (and the target
 * lines are): a line inside a statement spread over several lines also counts as the statement's
 * first line. The lines themselves stay: how far a call got into a condition spread over lines
 * (`if self._seen and \` then `unified in (...)`) guides the search.
 */
async function asStatementLines(source: GenerationSource, results: ProbeCandidateResult[]): Promise<ProbeCandidateResult[]> {
  let starts = startsOf.get(source);
  if (!starts) startsOf.set(source, (starts = statementStarts(source.text).catch(() => new Map<number, number>())));
  const map = await starts;
  if (map.size === 0) return results;
  const counted = (lines: readonly number[]) => [...new Set([...lines, ...lines.flatMap((l) => (map.has(l) ? [map.get(l)!] : []))])].sort((a, b) => a - b);
  return results.map((r) => (r.lines.some((l) => map.has(l) && !r.lines.includes(map.get(l)!)) ? { ...r, lines: counted(r.lines) } : r));
}

/** What stopped a function's calls (see ProbeStopped), the call that did, and how many were skipped for it. */
function stoppedReport(job: Job, results: ProbeCandidateResult[], stopped: ProbeStopped, memory: number): string {
  const at = results.findIndex((r) => r.id === stopped.candidate);
  const call = job.candidates[at]?.expr ?? '?';
  const shown = call.length > 80 ? `${call.slice(0, 77)}...` : call;
  const skipped = results.filter((r) => r.outcome === 'skipped').length;
  if (stopped.reason === 'timeout') return stoppedDetail(stoppedBy.timeout(CALL_TIMEOUT_SECONDS), shown, skipped, notRun.timeout(CALL_TIMEOUT_SECONDS));
  if (stopped.reason === 'memory') return stoppedDetail(stoppedBy.memory(memory), shown, skipped, notRun.memory(memory));
  return stoppedDetail(stoppedBy.crash(stopped), shown, skipped, notRun.crash);
}

/**
 * A call of an entry point (another function the tests call, run for the lines it reaches in the
 * target: `format(huge_sql)`) that ran out of time or memory says how slow that input is, not
 * that the function is unsafe: the entry points come last, so it and the calls after it (entry
 * points too, skipped) are dropped and the function's own calls stand. A call of the function
 * itself that stops it still means no test.
 */
function dropStoppedEntries(observed: Map<Job, Observed>): void {
  for (const [job, seen] of observed) {
    if (!('results' in seen) || !seen.stopped || seen.stopped.reason === 'crash') continue;
    const at = seen.results.findIndex((r) => r.id === seen.stopped!.candidate);
    if (at <= 0 || !job.candidates.slice(at).every((c) => c.entry)) continue;
    job.candidates.length = at;
    seen.results.length = at;
    seen.stopped = null;
  }
}

/** How often a function's calls are run again after dropping a setup that stopped them. */
const SETUP_RETRIES = 4;

/**
 * A call stopped while its setup ran (building the receiver or an argument ran past its time
 * limit, out of memory, or ended its process: a test's `Runner('loop')`) says nothing of the
 * function itself: that setup is dropped with every call built on it, and the function's other
 * calls run again (at most SETUP_RETRIES times, and once only after a setup that ran out of
 * time: each such setup costs the whole time limit). A call stopped in the function still means
 * no test.
 */
async function dropStoppingSetups(observed: Map<Job, Observed>, probe: (jobs: Job[]) => Promise<Map<Job, Observed>>): Promise<void> {
  // A setup that ran out of time cost the whole time limit: after a second one, the function is left without a test.
  const timeouts = new Map<Job, number>();
  for (let attempt = 0; attempt < SETUP_RETRIES; attempt++) {
    const rerun: Job[] = [];
    for (const [job, seen] of observed) {
      if (!('results' in seen) || !seen.stopped) continue;
      if (seen.stopped.reason === 'timeout' && (timeouts.get(job) ?? 0) >= 1) continue;
      const at = seen.results.findIndex((r) => r.id === seen.stopped!.candidate);
      const stopped = seen.results[at];
      const bad = job.candidates[at]?.setup ?? [];
      const phase = seen.stopped.reason === 'crash' ? seen.stopped.phase : stopped && 'phase' in stopped ? stopped.phase : null;
      if (phase !== 'setup' || bad.length === 0) continue;
      const kept = job.candidates.filter((c) => !(c.setup.length >= bad.length && bad.every((line, i) => c.setup[i] === line)));
      if (kept.length === 0) continue;
      if (seen.stopped.reason === 'timeout') timeouts.set(job, (timeouts.get(job) ?? 0) + 1);
      job.candidates.splice(0, job.candidates.length, ...kept);
      rerun.push(job);
    }
    if (rerun.length === 0) return;
    const again = await probe(rerun);
    for (const job of rerun) {
      const seen = again.get(job);
      if (seen) observed.set(job, seen);
      else observed.delete(job);
    }
  }
}

/**
 * Results that are iterators (a function returning `map(...)`, `iter(...)`, a generator built
 * elsewhere) are iterated: their candidates run again consuming them, and replace the first run
 * when the consumed run passes (see infer/iterators.ts).
 */
async function consumeIterators(observed: Map<Job, Observed>, probe: (jobs: Job[]) => Promise<Map<Job, Observed>>): Promise<void> {
  const reruns: Array<{ job: Job; copy: Job; indexes: number[] }> = [];
  for (const [job, seen] of observed) {
    if (!('results' in seen) || seen.stopped) continue;
    const wrapped = iteratorReruns(job.candidates, seen.results);
    if (wrapped.size > 0) reruns.push({ job, copy: { ...job, candidates: [...wrapped.values()] }, indexes: [...wrapped.keys()] });
  }
  if (reruns.length === 0) return;
  const again = await probe(reruns.map((r) => r.copy));
  for (const { job, copy, indexes } of reruns) {
    const first = observed.get(job);
    const second = again.get(copy);
    // A rerun the probe had to stop (consuming crashed or ran out of memory) changes nothing.
    if (!first || !('results' in first) || !second || !('results' in second) || second.stopped) continue;
    indexes.forEach((index, k) => {
      const r = second.results[k];
      if (!r || !(r.outcome === 'return' || (r.outcome === 'raise' && r.raisedInTarget))) return;
      job.candidates[index] = copy.candidates[k]!;
      first.results[index] = r;
      for (const root of second.tmpRoots) if (!first.tmpRoots.includes(root)) first.tmpRoots.push(root);
    });
  }
}

/**
 * A maker of the search's view of a job (its calls and their results, shared: what a round adds
 * to one is the job's), with what it reads of a module read once a module.
 */
function searchSubjects(config: Pick<Config, 'placeholder' | 'sourceRoots' | 'allowSideEffects'>): (job: Job, results: ProbeCandidateResult[]) => SearchSubject {
  // One array of lines per module: the search caches what it reads of a module by that array.
  const linesOf = new Map<GenerationSource, string[]>();
  // A module's delegating functions, read when a search first needs them.
  const delegatorsOf = new Map<GenerationSource, Promise<Delegator[]>>();
  const delegatorsFor = (source: GenerationSource) => () => delegatorsOf.get(source) ?? delegatorsOf.set(source, delegators(source.text, source.module).catch(() => [])).get(source)!;
  // A module's touched methods that can be called on what its targets return, found once a module.
  const resultMethodsOf = new Map<GenerationSource, ResultMethod[]>();
  const resultMethodsFor = (source: GenerationSource, lines: readonly string[], around: readonly PyFunction[]) => {
    let methods = resultMethodsOf.get(source);
    if (!methods) {
      const module = moduleNameFor(source.file, config.sourceRoots)?.module;
      // Not a method whose code shows a side effect (as a target's or a caller's would not be run).
      const runnable = config.allowSideEffects ? around : around.filter((fn) => !sideEffectOf(codeOf(lines, fn)));
      resultMethodsOf.set(source, (methods = module ? resultMethods(runnable, module) : []));
    }
    return methods;
  };
  return (job, results) => {
    const subject: SearchSubject = { fn: job.via, lines: linesOf.get(job.source) ?? linesOf.set(job.source, job.source.text.split(/\r?\n/)).get(job.source)!, targets: job.targets, candidates: job.candidates, results, placeholder: config.placeholder };
    if (job.methodCalls) subject.methodCalls = job.methodCalls;
    if (job.entryPool) subject.entryPool = job.entryPool;
    const around = job.source.alongside;
    if (around) {
      subject.alongside = around.map((fn) => subject.lines.slice(fn.bodyStartLine - 1, fn.endLine).join('\n')).join('\n');
      const methods = resultMethodsFor(job.source, subject.lines, around);
      if (methods.length > 0) subject.resultMethods = methods;
    }
    subject.delegators = delegatorsFor(job.source);
    return subject;
  };
}

/**
 * The directed search (search/search.ts) for the targets whose target lines the first candidates
 * left unreached: new candidates run in rounds, and are added to the job's candidates and results.
 */
async function search(jobs: Job[], observed: Map<Job, Observed>, options: GenerationOptions, run: (batch: Job[]) => Promise<Map<Job, Observed>>): Promise<void> {
  const scale = options.command === 'generate' ? GENERATE_SEARCH_SCALE : 1;
  const budget = { perFunction: options.config.searchBudget * scale, perRun: options.config.searchRunBudget * scale };
  if (budget.perFunction <= 0 || budget.perRun <= 0) return;
  const subjects = new Map<SearchSubject, Job>();
  const subjectOf = searchSubjects(options.config);
  for (const job of jobs) {
    const seen = observed.get(job);
    if (!seen || !('results' in seen) || seen.stopped) continue;
    subjects.set(subjectOf(job, seen.results), job);
  }
  if (subjects.size === 0) return;
  const runBatch: Parameters<typeof directedSearch>[1] = async (batch) => {
    const temporary = batch.map(({ subject, candidates }) => ({ ...subjects.get(subject)!, candidates, callTimeout: SEARCH_TIMEOUT_SECONDS }));
    const got = await run(temporary);
    return temporary.map((t, i) => {
      const o = got.get(t);
      if (!o || !('results' in o)) return null;
      const seen = observed.get(subjects.get(batch[i]!.subject)!);
      if (seen && 'tmpRoots' in seen) for (const root of o.tmpRoots) if (!seen.tmpRoots.includes(root)) seen.tmpRoots.push(root);
      return o.results;
    });
  };
  const searched = [...subjects.keys()].filter((s) => s.targets.size > 0);
  const stats = searched.length > 0 ? await directedSearch(searched, runBatch, budget, options.progress) : { spent: 0 };
  // Then calls at the boundaries of each function's comparisons, whether or not its targets are reached.
  const calls = () => [...subjects.keys()].reduce((n, s) => n + s.candidates.length, 0);
  const before = calls();
  const groups = await boundaryRound([...subjects.keys()], runBatch, budget, stats.spent);
  if (process.env.SMART_TEST_SEARCH_DEBUG) process.stderr.write(`search spent ${stats.spent.toFixed(3)} of ${budget.perRun} (run budget), boundary calls ${calls() - before}\n`);
  // `generate`, off the commit path, also bisects toward boundaries the body computes from an argument.
  const refined = options.command === 'generate' ? await refineBoundaries([...subjects.keys()], runBatch, REFINE_ROUNDS, budget.perRun - stats.spent - ROUND_COST - (calls() - before) * CALL_COST) : new Map<SearchSubject, BoundaryGroup[]>();
  for (const subject of subjects.keys()) {
    const all = [...(groups.get(subject) ?? []), ...(refined.get(subject) ?? [])];
    if (all.length > 0) subjects.get(subject)!.boundary = all;
  }
  // Then the tests' entry calls that also run the other functions the change touched.
  const after = stats.spent + ROUND_COST + (calls() - before) * CALL_COST;
  const around = await alongsideRound([...subjects.keys()], runBatch, budget, after);
  if (process.env.SMART_TEST_SEARCH_DEBUG && around > 0) process.stderr.write(`alongside round spent ${around.toFixed(3)}\n`);
}

/**
 * The mutation round (search/mutants.ts), for `generate`: each function's calls run again with
 * small changes of its code in place, and calls telling apart a change the chosen ones do not
 * are kept too (job.mutantPicks, added by chooseCases).
 */
async function sharpenByMutants(jobs: Job[], observed: Map<Job, Observed>, options: GenerationOptions, run: (batch: Job[]) => Promise<Map<Job, Observed>>): Promise<void> {
  // Off the commit path only: on real commits the search's calls already tell apart what the
  // round's calls do, and the round's probe rounds would cost the hook a few tenths of a second.
  if (options.command !== 'generate') return;
  // A changed function may do what the code never does (delete what a condition kept): its calls
  // run only where writes, processes and the network are blocked.
  if (options.config.allowSideEffects) return;
  const subjects: Array<MutationSubject<Job>> = [];
  // The probe's working folders of the round's runs: a kept new call's result may show one.
  const roots = new Set<string>();
  const subjectOf = searchSubjects(options.config);
  // The search's budgets at zero turn the search off: its calls derived for mutants too.
  const derives = options.config.searchBudget > 0 && options.config.searchRunBudget > 0;
  for (const job of jobs) {
    const seen = observed.get(job);
    if (!seen || !('results' in seen) || seen.stopped) continue;
    const { chosen, pool } = choicePool(job, seen.results);
    if (chosen.length === 0) continue;
    const span = tracedSpan(job.defs);
    const ranges = job.ranges ?? [[span.firstLine, span.lastLine]];
    const own = (line: number) => ranges.some(([a, b]) => a <= line && line <= b);
    const subject: MutationSubject<Job> = { job, name: job.fn.qualname, chosen, others: pool.filter((p) => !chosen.includes(p)), own };
    if (derives) {
      const searched = subjectOf(job, seen.results);
      subject.derive = (lines, room) => variantsToward(searched, lines, room);
      subject.usable = ({ c, r }) => choosable(r, c) && !c.placeholder;
    }
    subjects.push(subject);
  }
  if (subjects.length === 0) return;
  const picks = await mutationRound(
    subjects,
    async (batch) => {
      const temporary = batch.map(({ job, candidates, mutant }) => ({ ...job, candidates, ...(mutant ? { mutant, traceLines: false as const } : {}) }));
      const got = await run(temporary);
      return temporary.map((t) => {
        const o = got.get(t);
        if (!o || !('results' in o)) return null;
        for (const root of o.tmpRoots) roots.add(root);
        return { results: o.results, ...(o.mutant ? { mutant: o.mutant } : {}) };
      });
    },
  );
  for (const [job, { kept, found }] of picks) {
    job.mutantPicks = new Set(kept);
    // The new calls kept join the job's, with their first results.
    const seen = observed.get(job);
    if (!seen || !('results' in seen) || found.length === 0) continue;
    for (const { c, r } of found) {
      job.candidates.push(c);
      seen.results.push(r);
    }
    for (const root of roots) if (!seen.tmpRoots.includes(root)) seen.tmpRoots.push(root);
  }
}

/**
 * A call that may become a test: it returned, or raised from the target's own `raise` (or the
 * sample callable's), consistently.
 */
function choosable(r: ProbeCandidateResult, c: Candidate): boolean {
  if (!(r.outcome === 'return' || (r.outcome === 'raise' && ((r.raisedInTarget && r.raiseStatement) || raisedBySample(c, r)) && r.deterministic !== false))) return false;
  // A call of another function (a seed's entry point) is a test of the target only when it runs the target's lines.
  if (c.valueProbe || (c.entry && r.lines.length === 0)) return false;
  // A call that changes its module's state would change what the tests after its test see;
  // a doctest example's author wrote that call for the module's documentation, and it stays.
  return !r.changesModule || r.changesModule.length === 0 || c.origin === 'doctest';
}

/**
 * Coverage-guided choice (see aim.ts): first the candidates that reach the most target lines not
 * reached yet, then those that reach the most lines the kept ones did not (the earliest, so
 * doctest examples and the tests' own calls, on ties), then a few for results, paths and
 * boundaries of their own, then a few for the lines and paths of the functions the change
 * touched around it, and the mutation round's picks. Calls that failed for reasons other than
 * the target's own `raise`, timed out, were blocked, ran none of the target's lines, or rest on
 * the placeholder while a real call exists are not in the `pool` they are chosen from (in the
 * order they ran).
 */
function choicePool(job: Job, results: ProbeCandidateResult[]): { chosen: PoolItem[]; pool: PoolItem[] } {
  // A call that ran none of the target's lines is no test of it: a receiver that is no instance
  // of the class (a factory's guess), an outer function's call that never calls the nested one.
  const usable = results.map((r, i) => ({ r, c: job.candidates[i]! })).filter(({ r, c }) => choosable(r, c) && r.lines.length > 0);
  const real = usable.filter(({ c }) => !c.placeholder);
  const pool = real.length > 0 ? real : usable.slice(0, 1);
  const reaching = pool.map((p) => ({ ...p, lines: p.r.lines }));
  const covering = chooseAimed(reaching, job.targets, MAX_TESTS_PER_TARGET, MAX_AIMED_TESTS);
  const outcomes = addDistinct(reaching, covering, ({ r }) => outcomeKey(r), DISTINCT_EXTRA, Math.max(MAX_TESTS_PER_TARGET, covering.length));
  // A call taking a path through the target that no kept call takes (a branch the other way over
  // lines all run already) asserts what that path gives: a changed condition on it is caught.
  const distinct = addDistinct(reaching, outcomes, ({ r }) => (r.lines.length > 0 ? [...new Set(r.lines)].sort((a, b) => a - b).join(',') : null), PATH_EXTRA, Math.max(MAX_TESTS_PER_TARGET, outcomes.length));
  // Calls on either side of a comparison's boundary, a few beyond the others (search/boundary.ts).
  const byKey = new Map<string, (typeof reaching)[number]>();
  for (const p of reaching) if (!byKey.has(candidateKey(p.c))) byKey.set(candidateKey(p.c), p);
  const edges = boundaryChoice(job.boundary ?? [], byKey, ({ r }) => boundarySignature(r)).filter((p) => !distinct.includes(p)).slice(0, BOUNDARY_EXTRA);
  // Calls running lines of the other functions the change touched that no kept call runs, then
  // other paths through them: changes there are told apart too (GenerationSource.alongside).
  const kept = reaching.filter((p) => distinct.includes(p) || edges.includes(p));
  const around = job.source.alongside ? addReaching(reaching, kept, ({ r }) => r.alsoLines ?? [], ALONGSIDE_EXTRA) : kept;
  // And the calls the mutation round kept for changes of the code only they tell apart.
  const chosen = reaching.filter((p) => around.includes(p) || job.mutantPicks?.has(p.c));
  return { chosen, pool: reaching };
}

/** The chosen calls (choicePool) as test cases; `machinePaths` are paths of this machine, which an asserted text must not hold. */
function chooseCases(job: Job, results: ProbeCandidateResult[], machinePaths: readonly string[]): TestCase[] {
  const kept: TestCase[] = [];
  const { chosen } = choicePool(job, results);
  for (const { r, c } of chosen) {
    const text = r.outcome === 'return' ? r.repr : r.outcome === 'raise' ? r.excMessage : '';
    const observed = r as ProbeReturn | ProbeRaise;
    const differs = (shown: string) => machinePaths.some((t) => shown.includes(t)) || showsTestDefinitions(shown, c);
    // The value or message itself differs in the test: only what stays true is asserted (render.ts).
    const pathDependent = differs(text) || showsAddress(observed, text);
    kept.push({ candidate: c, outcome: pathDependent ? observed : withoutDiffering(observed, differs), names: r.names.map((n) => n.name), pathDependent });
  }
  return kept;
}

type AttributeList = Array<[string, string, boolean]>;

/**
 * The outcome without the states and attributes whose text differs when the test runs (a built
 * object's `module` attribute naming the probe's module for a function the test defines, a path
 * of this machine): the others are still asserted. A copy: the results stay as the probe gave them.
 */
function withoutDiffering(r: ProbeReturn | ProbeRaise, differs: (shown: string) => boolean): ProbeReturn | ProbeRaise {
  const kept = (attrs: AttributeList | undefined) => {
    const left = attrs?.filter(([, shown]) => !differs(shown));
    return left && left.length > 0 ? left : undefined;
  };
  if (r.outcome === 'raise') {
    const { excAttrs, ...rest } = r;
    const left = kept(excAttrs);
    return left ? { ...rest, excAttrs: left } : rest;
  }
  const { receiverState, resultState, receiverAttrs, resultAttrs, argChanges, argState, ...rest } = r;
  const out: ProbeReturn = { ...rest };
  if (receiverState !== undefined && !differs(receiverState)) out.receiverState = receiverState;
  if (resultState !== undefined && !differs(resultState)) out.resultState = resultState;
  const lists = { receiverAttrs: kept(receiverAttrs), resultAttrs: kept(resultAttrs), argChanges: kept(argChanges), argState: kept(argState) };
  for (const [key, list] of Object.entries(lists) as Array<[keyof typeof lists, AttributeList | undefined]>) if (list) out[key] = list;
  return out;
}

/** The repository's path (as given and resolved) and the user's home directory: paths of this machine. */
async function localPaths(repoRoot: string): Promise<string[]> {
  const paths = [repoRoot, await realpath(repoRoot).catch(() => repoRoot), homedir()];
  return [...new Set(paths)].filter((p) => path.isAbsolute(p) && p.split(/[\\/]/).filter(Boolean).length > 0);
}

/**
 * A value or message asserted as text holds an object's address (a string that embeds
 * `<function f at 0x...>`, which the probe's checks mask): it differs when the test runs. An
 * object's repr with an address is never asserted as text (render.ts).
 */
function showsAddress(r: ProbeReturn | ProbeRaise, text: string): boolean {
  return (r.outcome === 'raise' || r.literal) && / at 0x[0-9a-fA-F]+/.test(text);
}

/** A function's code as written, decorators included, from the module's lines. */
function codeOf(lines: readonly string[], fn: PyFunction): string {
  return lines.slice(fn.startLine - 1, fn.endLine).join('\n');
}

/** The text names something the test defines, or the probe's stand-ins for the test's own names. */
function showsTestDefinitions(text: string, c: Candidate): boolean {
  // A qualname of something the test defines (the probe gives them the test's `<locals>` form),
  // or of a lambda or comprehension (in the test they are inside the test function); the module
  // the probe gives them (the test module's name is not known then); the probe's own file names
  // for the call (a traceback or call point of the test shows the test file).
  if (/\.<locals>\.|<(lambda|genexpr|listcomp|dictcomp|setcomp)>|\bsmart_test_test_module\b|<candidate(-setup)?>/.test(text)) return true;
  const local = c.setup.flatMap((s) => [...s.matchAll(/^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]!));
  return local.some((name) => new RegExp(`<(?:class|function) '?[\\w.<>]*\\b${name}\\b`).test(text));
}

/** What a test of this result asserts exactly, or null when it asserts no exact value. */
function outcomeKey(r: ProbeCandidateResult): string | null {
  if (r.outcome === 'return') {
    if (r.deterministic === false) return null;
    // What the call did to a container it was given counts as a result of its own.
    const changes = r.argChanges ? ` changing ${JSON.stringify(r.argChanges)}` : '';
    // What the call did to its receiver, by its attributes when they are not all plain literals.
    const then = r.receiverState ? ` then ${r.receiverState}` : r.receiverAttrs ? ` then ${JSON.stringify(r.receiverAttrs)}` : '';
    if (r.literal) return `return ${r.repr}${then}${changes}`;
    if (changes) return `return ${r.type.module}.${r.type.qualname}${changes}`;
    if (r.resultState) return `return ${r.type.module}.${r.type.qualname} ${r.resultState}`;
    // An object whose repr shows nothing stable: the attributes asserted one by one (a checker's messages).
    return r.resultAttrs ? `return ${r.type.module}.${r.type.qualname} ${JSON.stringify(r.resultAttrs)}${then}` : null;
  }
  if (r.outcome === 'raise') return `raise ${r.excType.module}.${r.excType.qualname} ${r.excMessage}`;
  return null;
}

/**
 * Without running anything: doctest examples with literal expected values or exceptions (their
 * author wrote the call). Nothing else: a call smart-test made up is never written unrun.
 */
function staticCases(job: Job): TestCase[] {
  const cases: TestCase[] = [];
  for (const c of job.candidates) {
    if (cases.length >= MAX_TESTS_PER_TARGET) break;
    if (c.origin !== 'doctest' || c.want === undefined) continue;
    const raised = /^Traceback \(most recent call last\)[\s\S]*\n(\w+(?:\.\w+)*)(?::|\s*$)/m.exec(c.want);
    let outcome: StaticOutcome | null = null;
    if (raised) outcome = { outcome: 'static-raise', excType: raised[1]!.includes('.') ? raised[1]!.split('.').pop()! : raised[1]! };
    else if (isPythonLiteral(c.want)) outcome = { outcome: 'static-value', value: c.want.trim() };
    if (outcome) cases.push({ candidate: c, outcome, names: namesIn(c, job) });
  }
  return cases;
}

function isPythonLiteral(want: string): boolean {
  const text = want.trim();
  if (text === '' || text.includes('\n')) return false;
  return /^(-?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?|True|False|None|'[^'\\]*'|"[^"\\]*"|\[.*\]|\(.*\)|\{.*\})$/.test(text) && !/<|\.\.\./.test(text);
}

/** Module names a snippet uses, found by name (the static path cannot ask Python). */
function namesIn(c: Candidate, job: Job): string[] {
  const defined = new Set([...job.source.module.functions.filter((f) => !f.className && f.kind !== 'nested').map((f) => f.name), ...job.source.module.classes.filter((k) => !k.parentQualname).map((k) => k.name)]);
  const used = new Set<string>();
  for (const m of [...c.setup, c.expr].join('\n').matchAll(/\b([A-Za-z_]\w*)\b/g)) if (defined.has(m[1]!)) used.add(m[1]!);
  return [...used];
}

/** What assembling a test file needs of a target. */
export interface AssembleJob {
  fn: { qualname: string };
  /** `file:line:col: qualname` of the target, for warnings. */
  location: string;
  codeHash: string;
  cases: TestCase[];
}

/**
 * The test file with the tests of `jobs` merged into `existing`. Every test is rendered and
 * checked on its own first (block-check.ts: tree-sitter, then compile() when `python` is known);
 * one that does not parse is removed from its job with a warning naming the function, and the
 * rest are written. `text` is null when there is nothing to write or the assembled file still
 * does not parse (a person's part of it is broken, say).
 */
export async function assembleTestFile(existing: string | null, module: string, jobs: AssembleJob[], placeholder: string, python: string | null): Promise<{ text: string | null; warnings: string[] }> {
  const warnings = await dropInvalidTests([{ module, jobs }], placeholder, python);
  return { text: await assembleChecked(existing, module, jobs, placeholder), warnings };
}

/** The tests of every file checked at once (one Python process); each invalid one is removed from its job. Returns the warnings. */
async function dropInvalidTests(files: Array<{ module: string; jobs: AssembleJob[] }>, placeholder: string, python: string | null): Promise<string[]> {
  const warnings: string[] = [];
  const all = files.flatMap(({ module, jobs }) =>
    jobs.flatMap((job) => job.cases.map((test) => ({ job, test, text: renderTest(test, { testName: `test_${snake(job.fn.qualname)}`, module, placeholder }).join('\n') }))),
  );
  const problems = await blockProblems(all.map((b) => b.text), python);
  all.forEach(({ job, test }, i) => {
    const why = problems[i];
    if (!why) return;
    job.cases = job.cases.filter((c) => c !== test);
    warnings.push(safeWarnings.blockDropped(job.location, `test_${snake(job.fn.qualname)}`, why));
  });
  return warnings;
}

/** The merged file, or null when no job has a test left or the whole file does not parse. */
async function assembleChecked(existing: string | null, module: string, jobs: AssembleJob[], placeholder: string): Promise<string | null> {
  const kept = jobs.filter((j) => j.cases.length > 0);
  if (kept.length === 0) return null;
  const text = mergeFile(existing, module, kept, placeholder);
  return (await withPythonTree(text, (tree) => !tree.rootNode.hasError)) ? text : null;
}

function mergeFile(existing: string | null, module: string, jobs: AssembleJob[], placeholder: string): string {
  let lines = existing === null ? [...TEST_FILE_HEADER(module), '', 'import pytest'] : existing.replace(/\n$/, '').split('\n');
  if (existing !== null && !/^import pytest\b/m.test(existing)) lines = insertImport(lines, 'import pytest');
  const taken = new Set<string>();
  for (const m of (existing ?? '').matchAll(/^\s*(?:async\s+)?def\s+(test\w*)/gm)) taken.add(m[1]!);
  // Blocks being replaced give up their names.
  const replaced = new Set(jobs.map((j) => j.fn.qualname));
  // Blocks are found again: inserting `import pytest` may have moved them.
  const current = existing ? findBlocks(lines.join('\n')) : [];
  for (const b of current) if (replaced.has(b.target)) taken.delete(testName(b));

  const rendered = new Map<string, string[]>();
  for (const job of jobs) {
    const out: string[] = [];
    const base = `test_${snake(job.fn.qualname)}`;
    for (const test of job.cases) {
      const suffix = test.outcome.outcome === 'raise' ? `_raises_${snake(test.outcome.excType.qualname)}` : test.outcome.outcome === 'static-raise' ? `_raises_${snake(test.outcome.excType)}` : '';
      const name = unique(`${base}${suffix}`, taken);
      const body = renderTest(test, { testName: name, module, placeholder });
      out.push('', '', markerLine(job.fn.qualname, job.codeHash, body), ...body);
    }
    rendered.set(job.fn.qualname, out);
  }
  // Replace each target's old blocks where its first one stood; append new targets at the end.
  const result: string[] = [];
  let i = 0;
  const done = new Set<string>();
  for (const block of current) {
    if (!rendered.has(block.target)) continue;
    let start = block.start;
    while (start > i && lines[start - 1]!.trim() === '') start--;
    result.push(...lines.slice(i, start));
    if (!done.has(block.target)) {
      result.push(...rendered.get(block.target)!);
      done.add(block.target);
    }
    i = block.end;
  }
  result.push(...lines.slice(i));
  for (const [target, out] of rendered) if (!done.has(target)) result.push(...out);
  while (result.length > 0 && result[result.length - 1]!.trim() === '') result.pop();
  return `${result.join('\n')}\n`;
}

function insertImport(lines: string[], line: string): string[] {
  // After the module docstring and the first block of imports, or at the top.
  let at = 0;
  const lastImport = lines.reduce((last, l, i) => (/^(import|from)\s/.test(l) ? i : last), -1);
  if (lastImport >= 0) at = lastImport + 1;
  return [...lines.slice(0, at), line, ...lines.slice(at)];
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
  taken.add(candidate);
  return candidate;
}

export function snake(qualname: string): string {
  return qualname
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/__+/g, '_')
    .replace(/^_+|_+$/g, '');
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.smart-test-${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
