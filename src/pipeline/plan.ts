import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { loadCoverage, type LoadedCoverage } from '../coverage/locate.js';
import { startCoverage } from '../coverage/data-file.js';
import { displayPath } from '../coverage/paths.js';
import { loadCoverageSchemas } from '../coverage/read.js';
import { buildLineMap } from '../coverage/line-map.js';
import { functionCoverage } from '../coverage/function-coverage.js';
import { checkStale } from '../coverage/staleness.js';
import type { Repo } from '../git/repo.js';
import type { Hunk, LineRange, StagedFile } from '../git/model.js';
import { stagedChanges, type ChangeSet } from '../git/changes.js';
import { startStagedDiff, type StagedDiff } from '../git/staged.js';
import { readAnalysedContents } from '../git/contents.js';
import { changedLines } from '../git/hunks.js';
import { selectSources } from '../git/files-filter.js';
import { decodeSource } from '../python/decode.js';
import { parsePython } from '../python/structure.js';
import { getPythonParser } from '../python/parser.js';
import type { FunctionKind, ParsedModule, PyFunction } from '../python/model.js';
import { SmartTestError } from '../errors.js';
import { reasons, warnings as warn } from '../report/messages/plan.js';
import { touchedFunctions } from './touched.js';
import { mark } from '../report/timing.js';
import { decide, type CoverageVerdict } from './select.js';

export interface PlannedFunction {
  /** Repo-relative POSIX path. */
  file: string;
  qualname: string;
  kind: FunctionKind;
  line: number;
  endLine: number;
  /** Line coverage in percent, or null when unknown. */
  coverage: number | null;
  /** Statements coverage.py counted in the function (null when unknown). */
  statements: number | null;
  selected: boolean;
  decision: 'selected' | 'covered' | 'capped';
  reason: string;
  /** Why it needs tests (see Decision.cause); absent when covered. */
  cause?: 'below-threshold' | 'unknown' | 'changed-lines';
  /** Changed executable lines no test ran (with branch data: or with a branch not taken). */
  uncoveredChangedLines: number[];
  /**
   * The lines generation aims at (not part of the JSON output): the uncovered changed lines,
   * else the function's uncovered lines, or null when unknown (every line then counts).
   */
  targetLines: number[] | null;
}

export interface PlanSource {
  file: string;
  /** Staged text of the file. */
  text: string;
  module: ParsedModule;
  touched: PyFunction[];
  /** Lines the change touched in the staged text, 'all' for an added file; none for files named on the command line (no change). */
  changed: LineRange[] | 'all';
}

export interface Plan {
  /** The coverage.json used (repo-relative when inside the repository), or null when none was needed. */
  coverageFile: string | null;
  coverageTimestamp: string | null;
  threshold: number;
  /** Staged Python source files analysed. */
  filesChecked: number;
  functions: PlannedFunction[];
  warnings: string[];
  /** Parsed staged sources, for the stages after the plan (not part of the JSON output). */
  sources: PlanSource[];
  /** Every file of the change (sources or not), for the stages after the plan (not part of the JSON output). */
  changed: StagedFile[];
}

export interface PlanOptions {
  repo: Repo;
  config: Config;
  /** The changes to plan for; default: the staged change. */
  changes?: ChangeSet;
  /** The staged diff started early (startPlan), for the default changes. */
  early?: Promise<StagedDiff | null> | undefined;
  /**
   * Turn coverage.py's data file into coverage.json when it is newer (data-file.ts): the
   * environment to find Python in and where the one line saying so goes. Absent: not done.
   */
  coverageData?: CoverageDataHooks | undefined;
}

export interface CoverageDataHooks {
  env: NodeJS.ProcessEnv;
  note: (line: string) => void;
}

/** The coverage report, loaded now or, when the data file is to be converted first, on the first call. */
function coverageFor(repo: Repo, config: Config, hooks: CoverageDataHooks | undefined): () => Promise<LoadedCoverage> {
  if (!hooks) {
    const loaded = quiet(loadCoverage({ repoRoot: repo.root, cwd: repo.cwd, candidates: config.coverage, cacheDir: repo.cacheDir }));
    return () => loaded;
  }
  return startCoverage({ repoRoot: repo.root, cwd: repo.cwd, cacheDir: repo.cacheDir, config, python: config.python, env: hooks.env, note: hooks.note });
}

/**
 * Starts what the plan will wait for, so that it overlaps the repository and configuration
 * reads that come first: loading the parser and the coverage schemas (modules, wasm), and for
 * a staged plan (`staged`) the staged diff beside the repository's rev-parse
 * (startStagedDiff; pass the result to buildPlan as `early`). Call it before openRepo.
 */
export function startPlan(cwd: string, staged: boolean): Promise<StagedDiff | null> | undefined {
  quiet(getPythonParser());
  quiet(loadCoverageSchemas());
  return staged ? quiet(startStagedDiff(cwd, process.env)) : undefined;
}

/** The first half of the pipeline: staged changes -> touched functions -> coverage joined -> selection. */
export async function buildPlan({ repo, config, early, coverageData, changes = stagedChanges(repo, early) }: PlanOptions): Promise<Plan> {
  // Independent work runs side by side: the grammar loads and the staged hunks are computed
  // while git lists the staged files; the index -> working tree hunks and the coverage report
  // are read while the sources are parsed. Coverage is awaited only when a touched function
  // needs it, so a commit that touches no function never fails for want of a coverage file.
  const parserReady = quiet(getPythonParser());
  const hunksPromise = quiet(changes.hunks());
  const changed = await changes.files();
  const staged = selectSources(changed, config);
  mark('files');
  const warnings: string[] = [];
  if (staged.length === 0) {
    return { coverageFile: null, coverageTimestamp: null, threshold: config.threshold, filesChecked: 0, functions: [], warnings, sources: [], changed };
  }
  const coverage = coverageFor(repo, config, coverageData);
  const { blobs, sameInWorktree } = await readAnalysedContents(repo, staged);
  // Files whose working copy is the analysed content map to it line for line: no diff needed.
  const worktreePromise = quiet(changes.worktreeHunks(staged.filter((f) => !sameInWorktree.has(f.path)).map((f) => f.path)));
  const [hunks] = await Promise.all([hunksPromise, parserReady]);

  mark('blobs');
  const sources: PlanSource[] = [];
  for (const file of staged) {
    const decoded = decodeSource(blobs.get(file.blob) ?? Buffer.alloc(0));
    if (!decoded.ok) {
      warnings.push(warn.undecodable(file.path, decoded.reason));
      continue;
    }
    const added = file.status === 'A' || file.status === 'C';
    const changed = changedLines(hunks.get(file.path) ?? []);
    // Only the definitions around the changed lines are walked (an added file is all changed).
    const module = await parsePython(decoded.text, added ? {} : { focus: changed });
    if (module.firstError) warnings.push(warn.syntaxError(file.path, module.firstError.line, module.firstError.column));
    const touched = touchedFunctions(module.functions, changed, added);
    for (const skipped of module.skipped) warnings.push(warn.skippedDefinition(file.path, skipped.line, skipped.qualname, skipped.reason));
    sources.push({ file: file.path, text: decoded.text, module, touched, changed: added ? 'all' : changed });
  }

  const withTouched = sources.filter((s) => s.touched.length > 0);
  let joined: JoinedCoverage = { coverageFile: null, coverageTimestamp: null, verdicts: new Map() };
  if (withTouched.length > 0) {
    mark('parsed');
    const [loaded, wtHunks] = await Promise.all([coverage(), worktreePromise]);
    mark('coverage');
    // The working copies read to find the analysed content need not be read again.
    const alreadyRead = new Map(staged.filter((f) => sameInWorktree.has(f.path) && blobs.has(f.blob)).map((f) => [f.path, blobs.get(f.blob)!]));
    joined = await joinCoverage(repo, config, loaded, withTouched, (file) => wtHunks.get(file) ?? [], warnings, alreadyRead);
  }
  mark('joined');
  return finishPlan(config, joined, sources, warnings, changed);
}

/** Plans for files named on the command line, read from disk: every function of each, or those named. */
export async function buildFilePlan(opts: PlanOptions & { files: Array<{ file: string; text: string }>; all: boolean; functionNames: string[] }): Promise<Plan> {
  const { repo, config } = opts;
  const warnings: string[] = [];
  const sources: PlanSource[] = [];
  for (const { file, text } of opts.files) {
    const module = await parsePython(text);
    if (module.firstError) warnings.push(warn.syntaxError(file, module.firstError.line, module.firstError.column));
    for (const skipped of module.skipped) warnings.push(warn.skippedDefinition(file, skipped.line, skipped.qualname, skipped.reason));
    const wanted = module.functions.filter((fn) => opts.functionNames.length === 0 || opts.functionNames.some((n) => n === fn.qualname || n === fn.name));
    sources.push({ file, text, module, touched: wanted, changed: [] });
  }
  let joined: JoinedCoverage = { coverageFile: null, coverageTimestamp: null, verdicts: new Map() };
  if (!opts.all && sources.some((s) => s.touched.length > 0)) {
    const wanted = sources.filter((s) => s.touched.length > 0);
    const loaded = await coverageFor(repo, config, opts.coverageData)();
    joined = await joinCoverage(repo, config, loaded, wanted, () => [], warnings);
  }
  if (opts.all) {
    // --all takes every function, whatever its coverage, with no cap.
    const everything = { ...config, threshold: Number.POSITIVE_INFINITY, maxFunctions: Number.MAX_SAFE_INTEGER };
    const plan = finishPlan(everything, joined, sources, warnings);
    plan.threshold = config.threshold;
    for (const f of plan.functions) f.reason = reasons.requestedAll;
    return plan;
  }
  return finishPlan(config, joined, sources, warnings);
}

/** Is a staged line part of the change? */
function inChange(line: number, changed: LineRange[] | 'all'): boolean {
  if (changed === 'all') return true;
  return changed.some((r) => line >= r.start && line <= r.end);
}

export interface JoinedCoverage {
  coverageFile: string | null;
  coverageTimestamp: string | null;
  verdicts: Map<PyFunction, CoverageVerdict>;
}

/**
 * Joins the touched functions with the coverage report. `hunksOf` maps each file's analysed text
 * to the working tree coverage measured (index -> working tree for staged content; none for files
 * read from disk).
 */
export async function joinCoverage(
  repo: Repo,
  config: Config,
  loaded: LoadedCoverage,
  sources: PlanSource[],
  hunksOf: (file: string) => Hunk[],
  warnings: string[],
  /** Working-tree bytes already read, by repo path: not read again. */
  alreadyRead: ReadonlyMap<string, Buffer> = new Map(),
  /** Modification times (ms) of working-tree files already looked at, by repo path: not looked at again. */
  alreadyStat: ReadonlyMap<string, number> = new Map(),
): Promise<JoinedCoverage> {
  const report = loaded.report;
  const coverageFile = displayPath(report.path, repo.root);
  const others = loaded.considered.map((c) => displayPath(c.path, repo.root)).filter((p) => p !== coverageFile);
  if (others.length > 0) warnings.push(warn.coverageChosen(coverageFile, others));
  const verdicts = new Map<PyFunction, CoverageVerdict>();
  await Promise.all(sources.map(async (source) => {
    const entry = report.file(source.file);
    if (!entry) {
      for (const fn of source.touched) verdicts.set(fn, { coverage: null, unknownReason: reasons.fileNotMeasured(coverageFile) });
      return;
    }
    const absolute = path.join(repo.root, source.file);
    const known = alreadyRead.get(source.file);
    const knownMtime = alreadyStat.get(source.file);
    const [worktreeText, info] = await Promise.all([known ? known.toString('utf8') : readFile(absolute, 'utf8').catch(() => null), knownMtime !== undefined ? { mtimeMs: knownMtime } : stat(absolute).catch(() => null)]);
    const stale = worktreeText === null || info === null
      ? { stale: true, reason: 'the file is missing from the working tree' }
      : checkStale({ worktreeText, worktreeMtimeMs: info.mtimeMs, report, file: entry });
    if (stale.stale) {
      const why = stale.reason ?? 'changed since the coverage run';
      if (config.staleCoverage === 'error') throw new SmartTestError(warn.staleCoverage(source.file, coverageFile, why));
      warnings.push(warn.staleCoverage(source.file, coverageFile, why));
      for (const fn of source.touched) verdicts.set(fn, { coverage: null, unknownReason: reasons.staleFile(why) });
      return;
    }
    const map = buildLineMap(hunksOf(source.file));
    const indexLines = source.text.split(/\r?\n/);
    for (const fn of source.touched) {
      const result = functionCoverage(fn, entry, map, indexLines);
      // missingLines is sorted and without repeats: most functions (no partial lines) take it as it is.
      const notCovered = result.partialLines.length === 0 ? result.missingLines : [...new Set([...result.missingLines, ...result.partialLines])].sort((a, b) => a - b);
      const uncoveredChanged = notCovered.filter((l) => inChange(l, source.changed));
      const targets = uncoveredChanged.length > 0 ? uncoveredChanged : notCovered;
      verdicts.set(fn, { coverage: result.percent, unknownReason: result.reason, statements: result.statements, uncoveredChanged, targetLines: result.percent === null ? null : targets });
    }
  }));
  return { coverageFile, coverageTimestamp: report.timestampText ?? null, verdicts };
}

export function finishPlan(config: Config, joined: JoinedCoverage, sources: PlanSource[], warnings: string[], changed: StagedFile[] = []): Plan {
  const withTouched = sources.filter((s) => s.touched.length > 0);
  const verdicts = joined.verdicts;
  const touched = withTouched.flatMap((s) => s.touched.map((fn) => ({ file: s.file, fn })));
  const list = touched.map(({ fn }) => verdicts.get(fn) ?? { coverage: null, unknownReason: reasons.noCoverageFile });
  const decisions = decide(list, config.threshold, config.maxFunctions, config.changedLines);
  const functions = touched.map(({ file, fn }, i): PlannedFunction => ({
    file,
    qualname: fn.qualname,
    kind: fn.kind,
    line: fn.defLine,
    endLine: fn.endLine,
    coverage: roundCoverage(list[i]!.coverage),
    statements: list[i]!.statements ?? null,
    ...decisions[i]!,
    uncoveredChangedLines: [...(list[i]!.uncoveredChanged ?? [])],
    targetLines: list[i]!.targetLines ?? null,
  }));
  return {
    coverageFile: joined.coverageFile,
    coverageTimestamp: joined.coverageTimestamp,
    threshold: config.threshold,
    filesChecked: sources.length,
    functions,
    warnings,
    sources,
    changed,
  };
}

/** Marks a promise started ahead of its use as handled; its rejection still reaches whoever awaits it. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function roundCoverage(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

export type { StagedFile };
