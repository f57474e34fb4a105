/**
 * `plan --all`: where the repository stands. Every function of the repository's Python sources
 * (or of the named files and folders), read from the working tree, joined with the coverage
 * report; the ones below the threshold worst first; a summary per package. Nothing is dropped
 * and maxFunctions does not apply.
 *
 * The working tree, not the index: it is what the user has and what coverage.py measured, and
 * this is a report about the repository, not a check of a commit.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { loadCoverage } from '../coverage/locate.js';
import { loadCoverageSchemas } from '../coverage/read.js';
import { moduleNameFor } from '../generate/module-name.js';
import type { Repo } from '../git/repo.js';
import { decodeSource } from '../python/decode.js';
import { getPythonParser } from '../python/parser.js';
import { warnings as warn } from '../report/messages/plan.js';
import { mark } from '../report/timing.js';
import { finishPlan, joinCoverage, type JoinedCoverage, type Plan, type PlannedFunction, type PlanSource } from './plan.js';
import { sourceFilesFor } from './source-paths.js';
import { StructureCache, textHash, type StoredJoin } from './structure-cache.js';
import { parseMany, startWorkers, WORKER_MIN_MODULES, type StartedWorker } from './parse-pool.js';
import { scanOutline } from '../python/outline-scan.js';
import type { CoverageVerdict } from './select.js';
import type { ParsedModule } from '../python/model.js';

export type Standing = 'below' | 'unknown' | 'ok';

export interface PackageSummary {
  /** Dotted package name ("" for top-level modules), or `folder/` for files that are not importable from the source roots. */
  package: string;
  files: number;
  functions: number;
  belowThreshold: number;
  unknown: number;
  meetsThreshold: number;
  /** Statements executed / statements, over the functions of known coverage, in percent; null when none is known. */
  coverage: number | null;
}

export interface RepoTotals {
  files: number;
  functions: number;
  belowThreshold: number;
  unknown: number;
  meetsThreshold: number;
}

export interface RepoReport {
  /** The plan of every function, sorted: below the threshold (lowest coverage first), unknown coverage, then the rest (lowest first). */
  plan: Plan;
  packages: PackageSummary[];
  totals: RepoTotals;
  /** The package of each file of the plan. */
  packageOf: ReadonlyMap<string, string>;
}

export interface RepoReportOptions {
  repo: Repo;
  config: Config;
  /** Files and folders named on the command line (relative to cwd); none: the whole repository. */
  paths: readonly string[];
  cwd: string;
}

export function standingOf(f: PlannedFunction, threshold: number): Standing {
  if (f.coverage === null) return 'unknown';
  return f.coverage < threshold ? 'below' : 'ok';
}

const RANK: Record<Standing, number> = { below: 0, unknown: 1, ok: 2 };

export async function buildRepoReport({ repo, config, paths, cwd }: RepoReportOptions): Promise<RepoReport> {
  quiet(loadCoverageSchemas());
  const files = await sourceFilesFor(repo, config, paths, cwd);
  mark('files');
  const warnings: string[] = [];
  // The report is needed as soon as one function is found (almost always): read it meanwhile.
  // Whole, into memory (no cacheDir): every entry is wanted, and reading 2,000 of them range by
  // range through the remembered layout (what a commit does for a few) costs far more.
  const coveragePromise = files.length > 0 ? quiet(loadCoverage({ repoRoot: repo.root, cwd: repo.cwd, candidates: config.coverage })) : null;
  const cache = new StructureCache(repo.cacheDir);
  // The modules neither remembered nor outlined by the scanner are parsed with tree-sitter: when
  // they look many, the parse workers start while the files are still read, to load the parser.
  let workers: StartedWorker[] | null = null;
  let unscanned = 0;
  mark('cache');
  const sources: PlanSource[] = [];
  const alreadyRead = new Map<string, Buffer>();
  const mtimes = new Map<string, number>();
  const decodedFiles: Array<{ file: string; text: string; hash: string; module: ParsedModule | undefined }> = [];
  for (const file of files) {
    const read = readOrNull(path.join(repo.root, file));
    if (!read) continue; // removed since it was listed
    const decoded = decodeSource(read.bytes);
    if (!decoded.ok) {
      warnings.push(warn.undecodable(file, decoded.reason));
      continue;
    }
    mtimes.set(file, read.mtimeMs);
    alreadyRead.set(file, read.bytes);
    const hash = textHash(decoded.text);
    let module = cache.get(file, hash);
    if (module === undefined) {
      module = scanOutline(decoded.text) ?? undefined;
      if (module) cache.set(file, hash, module);
      else {
        // tree-sitter is loaded (here, or in the workers) only when a module needs it.
        if (++unscanned === 1) quiet(getPythonParser());
        if (unscanned === WORKER_MIN_MODULES) workers = startWorkers(Math.round((unscanned * files.length) / (decodedFiles.length + 1)));
      }
    }
    decodedFiles.push({ file, text: decoded.text, hash, module });
  }
  mark('read');
  // Each module with functions is joined with the coverage report as soon as both are there,
  // while the others are still parsed (the main thread would otherwise wait idle). The results
  // are gathered in the files' order below, so the plan does not depend on which came first.
  const joins: Array<Promise<FileJoin> | undefined> = new Array(decodedFiles.length);
  let joinFile: ((i: number) => void) | null = null;
  const waiting: number[] = [];
  const parsedOne = (i: number): void => {
    if (decodedFiles[i]!.module!.functions.length === 0) return;
    if (joinFile) joinFile(i);
    else waiting.push(i);
  };
  const coverageReady = coveragePromise?.then(
    (loaded) => {
      // A file's join depends only on its text, its mtime, the report and staleCoverage, so it
      // is remembered beside the module's structure and reused while those stay.
      const chosenOnly = { ...loaded, considered: loaded.considered.filter((c) => c.path === loaded.report.path) };
      const report = loaded.report;
      const reportKey = [report.path, report.mtimeMs, report.timestampText, report.fileCount, config.staleCoverage, Intl.DateTimeFormat().resolvedOptions().timeZone].join('|');
      joinFile = (i) => {
        const { file, text, hash, module } = decodedFiles[i]!;
        const source: PlanSource = { file, text, module: module!, touched: module!.functions, changed: [] };
        joins[i] = joinOneFile(
          source,
          hash,
          `${reportKey}|${mtimes.get(file)}`,
          (own) => joinCoverage(repo, config, chosenOnly, [source], () => [], own, alreadyRead, mtimes),
          cache,
        );
      };
      for (const i of waiting.splice(0)) joinFile(i);
    },
    () => undefined, // reported where the report is needed, below
  );
  decodedFiles.forEach((d, i) => {
    if (d.module !== undefined) parsedOne(i);
  });
  // The modules not remembered are parsed (in worker threads when there are many).
  const missing: number[] = [];
  decodedFiles.forEach((d, i) => {
    if (d.module === undefined) missing.push(i);
  });
  await parseMany(
    missing.map((i) => decodedFiles[i]!.text),
    (k, module) => {
      const d = decodedFiles[missing[k]!]!;
      d.module = module;
      cache.set(d.file, d.hash, module);
      parsedOne(missing[k]!);
    },
    workers ?? [],
  );
  for (const { file, text, module } of decodedFiles) {
    if (module!.firstError) warnings.push(warn.syntaxError(file, module!.firstError.line, module!.firstError.column));
    for (const skipped of module!.skipped) warnings.push(warn.skippedDefinition(file, skipped.line, skipped.qualname, skipped.reason));
    sources.push({ file, text, module: module!, touched: module!.functions, changed: [] });
  }
  if (paths.length === 0) cache.retainOnly(new Set(files));
  mark('parsed');

  let joined: JoinedCoverage = { coverageFile: null, coverageTimestamp: null, verdicts: new Map() };
  const withFunctions = sources.some((s) => s.touched.length > 0);
  try {
    if (withFunctions && coveragePromise) {
      const loaded = await coveragePromise;
      await coverageReady;
      mark('coverage');
      // The report's own warnings (which of several was chosen), once.
      joined = await joinCoverage(repo, config, loaded, [], () => [], warnings);
      for (let i = 0; i < decodedFiles.length; i++) {
        const fileJoin = joins[i];
        if (!fileJoin) continue;
        const { verdicts, own, failed } = await fileJoin;
        if (failed) throw failed.error;
        sources[i]!.touched.forEach((fn, k) => joined.verdicts.set(fn, verdicts[k]!));
        warnings.push(...own);
      }
      mark('joined');
    }
  } finally {
    // What was parsed is kept even when the join stops (staleCoverage "error").
    cache.save();
  }
  // Every function needing tests is "selected": no cap.
  const plan = finishPlan({ ...config, maxFunctions: Number.MAX_SAFE_INTEGER }, joined, sources, warnings);
  plan.sources = [];
  const threshold = config.threshold;
  const order = new Map(files.map((f, i) => [f, i]));
  plan.functions.sort((a, b) => {
    const sa = standingOf(a, threshold);
    const sb = standingOf(b, threshold);
    return RANK[sa] - RANK[sb] || (a.coverage ?? 0) - (b.coverage ?? 0) || order.get(a.file)! - order.get(b.file)! || a.line - b.line;
  });

  const packageOf = new Map(sources.map((s) => [s.file, packageOfFile(s.file, config.sourceRoots)]));
  return { plan, packages: summarise(plan, sources, packageOf), totals: totalsOf(plan, sources.length), packageOf };
}

/** One file joined with the coverage report: a verdict per function (in the module's order) and the warnings, or why it stopped. */
interface FileJoin {
  verdicts: CoverageVerdict[];
  own: string[];
  failed?: { error: unknown };
}

/**
 * Joins one file, or takes its remembered join when `key` (the join's other inputs) is the same.
 * Never rejects: an error (staleCoverage "error") is handed back for the caller to throw in the
 * files' order.
 */
async function joinOneFile(
  source: PlanSource,
  hash: string,
  key: string,
  join: (own: string[]) => Promise<JoinedCoverage>,
  cache: StructureCache,
): Promise<FileJoin> {
  const known = cache.getJoin(source.file, hash, key);
  if (known && known.verdicts.length === source.touched.length) {
    const verdicts = known.verdicts.map(([coverage, unknownReason, statements]): CoverageVerdict =>
      statements === null ? { coverage, unknownReason } : { coverage, unknownReason, statements },
    );
    return { verdicts, own: known.warnings };
  }
  const own: string[] = [];
  try {
    const one = await join(own);
    const verdicts = source.touched.map((fn) => one.verdicts.get(fn) ?? { coverage: null, unknownReason: null });
    const stored: StoredJoin['verdicts'] = verdicts.map((v) => [v.coverage, v.unknownReason, v.statements ?? null]);
    cache.setJoin(source.file, hash, { key, verdicts: stored, warnings: own });
    return { verdicts, own };
  } catch (error) {
    return { verdicts: [], own, failed: { error } };
  }
}

/** The package a module belongs to: its dotted package (the package itself for `__init__.py`), or its folder when it is not importable. */
export function packageOfFile(file: string, sourceRoots: readonly string[]): string {
  const named = moduleNameFor(file, sourceRoots);
  if (!named) return `${path.posix.dirname(file)}/`;
  if (file === '__init__.py' || file.endsWith('/__init__.py')) return named.module;
  const parts = named.module.split('.');
  return parts.slice(0, -1).join('.');
}

function summarise(plan: Plan, sources: PlanSource[], packageOf: ReadonlyMap<string, string>): PackageSummary[] {
  const rows = new Map<string, PackageSummary & { executed: number; statements: number }>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) {
      r = { package: name, files: 0, functions: 0, belowThreshold: 0, unknown: 0, meetsThreshold: 0, coverage: null, executed: 0, statements: 0 };
      rows.set(name, r);
    }
    return r;
  };
  for (const s of sources) row(packageOf.get(s.file)!).files++;
  for (const f of plan.functions) {
    const r = row(packageOf.get(f.file)!);
    r.functions++;
    const standing = standingOf(f, plan.threshold);
    if (standing === 'below') r.belowThreshold++;
    else if (standing === 'unknown') r.unknown++;
    else r.meetsThreshold++;
    if (f.coverage !== null && f.statements !== null) {
      r.statements += f.statements;
      r.executed += Math.round((f.coverage * f.statements) / 100);
    }
  }
  return [...rows.values()]
    .sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0))
    .map(({ executed, statements, ...r }) => ({ ...r, coverage: statements === 0 ? null : Math.round((10000 * executed) / statements) / 100 }));
}

function totalsOf(plan: Plan, files: number): RepoTotals {
  const totals: RepoTotals = { files, functions: plan.functions.length, belowThreshold: 0, unknown: 0, meetsThreshold: 0 };
  for (const f of plan.functions) {
    const standing = standingOf(f, plan.threshold);
    if (standing === 'below') totals.belowThreshold++;
    else if (standing === 'unknown') totals.unknown++;
    else totals.meetsThreshold++;
  }
  return totals;
}

/**
 * A file's bytes and modification time, read synchronously (for thousands of small files,
 * faster than through the thread pool), from one open file: the time is that of these bytes.
 */
function readOrNull(file: string): { bytes: Buffer; mtimeMs: number } | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const { mtimeMs } = fstatSync(fd);
    return { bytes: readFileSync(fd), mtimeMs };
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
