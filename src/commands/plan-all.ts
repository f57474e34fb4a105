import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { SmartTestError } from '../errors.js';
import { openRepo } from '../git/repo.js';
import { buildRepoReport } from '../pipeline/plan-all.js';
import { planAllText } from '../report/messages/plan-all.js';
import { repoReportJson, repoReportLines, repoReportMarkdown, repoReportSummary } from '../report/plan-all-output.js';
import { colourEnabled, makeStyle } from '../report/style.js';
import { mark, printTimings } from '../report/timing.js';

/**
 * `smart-test plan --all [PATH...]`: every function of the repository (or of the named files and
 * folders) with its coverage, worst first, and a summary per package. Writes nothing. Exits 0,
 * or 1 when belowThreshold is "error" and a function is below the threshold or of unknown coverage.
 */
export async function runPlanAll(options: GlobalOptions, io: Io, paths: readonly string[]): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json' && options.format !== 'markdown') throw new SmartTestError(planAllText.notForFormat(options.format));
  if (options.base !== undefined) throw new SmartTestError(planAllText.withBase);
  mark('start');
  const repo = await openRepo(options.cwd);
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;
  mark('config');
  const report = await buildRepoReport({ repo, config, paths, cwd: options.cwd });
  mark('reported');
  const needing = report.totals.belowThreshold + report.totals.unknown;
  const code = config.belowThreshold === 'error' && needing > 0 ? 1 : 0;
  const failure = code === 1 ? planAllText.failing(needing, config.threshold) : null;
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(repoReportJson(report), null, 2)}\n`);
    printTimings(io.stderr);
    return code;
  }
  if (options.format === 'markdown') {
    const summary = failure ? `${repoReportSummary(report)} ${failure}` : repoReportSummary(report);
    io.stdout.write(repoReportMarkdown(report, paths, summary));
    printTimings(io.stderr);
    return code;
  }
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  for (const warning of report.plan.warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  io.stdout.write(`${repoReportLines(report, repo.root, options.cwd, out).join('\n')}\n`);
  if (failure) io.stdout.write(`${out.red(failure)}\n`);
  printTimings(io.stderr);
  return code;
}
