/**
 * `smart-test doctor`: the coverage report. "coverage": is there one (config `coverage`, read as
 * `plan` reads it: coverage/locate.ts), what wrote it (meta.version, meta.format), and is there
 * only coverage.py's data file `.coverage` (or one newer than the JSON). "coverage-age": is the
 * report still about the staged or changed source files (coverage/staleness.ts, as `plan`
 * decides it): not modified after the report was written, recorded lines still fitting them.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { loadCoverage } from '../coverage/locate.js';
import { displayPath } from '../coverage/paths.js';
import type { LoadedCoverageReport } from '../coverage/read.js';
import { checkStale, reportTime } from '../coverage/staleness.js';
import { formatLocalTime } from '../coverage/timestamp.js';
import { SmartTestError } from '../errors.js';
import { selectSources } from '../git/files-filter.js';
import type { Repo } from '../git/repo.js';
import { staleModifiedAfterReport } from '../report/messages/coverage.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { error, ok, warn, type Check } from './model.js';

export interface CoverageContext {
  root: string;
  cwd: string;
  config: Config;
  repo: Repo | null;
}

export async function coverageChecks(ctx: CoverageContext): Promise<Check[]> {
  const { root, cwd, config } = ctx;
  const show = (p: string): string => displayPath(p, cwd);
  const wanted = config.coverage.length > 0 ? config.coverage : ['coverage.json'];
  const dataFile = findDataFile([...new Set([root, cwd])]);
  const dataMtime = dataFile ? (await stat(dataFile)).mtimeMs : null;

  const tried = [...new Set([...wanted.map((c) => path.resolve(root, c)), ...wanted.filter((c) => !path.isAbsolute(c)).map((c) => path.resolve(cwd, c))])];
  if (!tried.some((p) => existsSync(p))) {
    if (dataFile && dataMtime !== null) {
      return [warn('coverage', t.coverageOnlyData(show(dataFile), formatLocalTime(dataMtime), tried.map(show)), t.coverageOnlyDataFix(displayDir(path.dirname(dataFile), cwd)))];
    }
    return [error('coverage', t.coverageMissing(tried.map(show)), t.coverageMissingFix)];
  }

  let report: LoadedCoverageReport;
  try {
    report = (await loadCoverage({ repoRoot: root, cwd, candidates: config.coverage })).report;
  } catch (err) {
    if (!(err instanceof SmartTestError)) throw err;
    return [error('coverage', t.coverageBroken(err.message), t.coverageBrokenFix)];
  }
  const file = show(report.path);
  const written = reportTime(report);
  const writtenText = written ? formatLocalTime(written.ms) : null;
  const checks: Check[] = [];
  if (dataFile && dataMtime !== null && written && dataMtime > written.ms + 1000) {
    checks.push(warn('coverage', t.coverageDataNewer(file, show(dataFile), writtenText!, formatLocalTime(dataMtime)), t.coverageDataNewerFix));
  } else {
    checks.push(ok('coverage', t.coverageFound(file, report.version, report.format, report.fileCount, writtenText)));
  }
  if (ctx.repo) checks.push(await ageCheck(ctx.repo, config, report, file));
  return checks;
}

/** The report against the staged and changed (not yet staged) source files. */
async function ageCheck(repo: Repo, config: Config, report: LoadedCoverageReport, file: string): Promise<Check> {
  const [staged, changed] = await Promise.all([
    repo.read(['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=d']),
    repo.read(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=d']),
  ]);
  const paths = selectSources([...new Set([...staged.split('\0'), ...changed.split('\0')].filter((p) => p !== ''))], config).sort();
  const written = reportTime(report);
  const stale: string[] = [];
  let first: { file: string; reason: string } | null = null;
  let newest: { file: string; mtimeMs: number } | null = null;
  try {
    for (const repoPath of paths) {
      const absolute = path.join(repo.root, repoPath);
      const info = await stat(absolute).catch(() => null);
      if (info === null || !info.isFile()) continue;
      if (newest === null || info.mtimeMs > newest.mtimeMs) newest = { file: repoPath, mtimeMs: info.mtimeMs };
      const entry = report.file(repoPath);
      let reason: string | null = null;
      if (entry) {
        const text = await readFile(absolute, 'utf8');
        const result = checkStale({ worktreeText: text, worktreeMtimeMs: info.mtimeMs, report, file: entry });
        reason = result.stale ? result.reason ?? 'changed since the coverage run' : null;
      } else if (written && info.mtimeMs > written.ms) {
        reason = staleModifiedAfterReport(formatLocalTime(info.mtimeMs), formatLocalTime(written.ms), written.source);
      }
      if (reason !== null) {
        stale.push(repoPath);
        first ??= { file: repoPath, reason };
      }
    }
  } catch (err) {
    if (!(err instanceof SmartTestError)) throw err;
    return error('coverage-age', err.message, t.coverageBrokenFix);
  }
  if (stale.length > 0) {
    const isError = config.staleCoverage === 'error';
    return (isError ? error : warn)('coverage-age', t.ageStale(file, stale, first!.file, first!.reason), t.ageStaleFix(isError));
  }
  return ok('coverage-age', t.ageFresh(file, paths.length, newest ? t.newestFile(newest.file, formatLocalTime(newest.mtimeMs)) : null));
}

/** coverage.py's data file `.coverage` in the first of `dirs` that has one. */
function findDataFile(dirs: readonly string[]): string | null {
  for (const dir of dirs) {
    const p = path.join(dir, '.coverage');
    if (existsSync(p)) return p;
  }
  return null;
}

function displayDir(dir: string, cwd: string): string {
  const rel = path.relative(cwd, dir);
  return rel === '' ? '.' : displayPath(dir, cwd);
}
