import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { rangeChanges, type ResolvedRange } from '../git/range.js';
import { openRepo } from '../git/repo.js';
import { buildPlan, startPlan, type Plan } from '../pipeline/plan.js';
import { isReviewFormat } from '../report/formats/kinds.js';
import { belowThresholdFailure, rangePlanSummary } from '../report/messages/review.js';
import { planJson, planLines, planSummary } from '../report/plan-output.js';
import { colourEnabled, makeStyle, type Style } from '../report/style.js';
import { mark, printTimings } from '../report/timing.js';

/**
 * `smart-test plan`: which touched functions need tests. Writes nothing. Exits 0, or 1 when
 * belowThreshold is "error" and a touched function is below the threshold (or of unknown
 * coverage). With --base, the touched functions are those of the branch since it left the base.
 */
export async function runPlan(options: GlobalOptions, io: Io): Promise<number> {
  mark('start');
  const early = startPlan(options.cwd, options.base === undefined);
  const repo = await openRepo(options.cwd);
  mark('repo');
  // The range resolves (rev-parse, merge-base) while the configuration loads.
  const changes = options.base === undefined ? undefined : rangeChanges(repo, options.base);
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;
  mark('config');
  const plan = await buildPlan({ repo, config, changes, early, coverageData: { env: io.env, note: (line) => io.stderr.write(`${line}\n`) } });
  const range = changes ? await changes.range() : null;
  mark('planned');
  printTimings(io.stderr);
  // Needs tests: below the threshold, of unknown coverage or with changed lines no test runs; selected or left out by maxFunctions.
  const needing = plan.functions.filter((f) => f.decision !== 'covered').length;
  const changedOnly = plan.functions.filter((f) => f.cause === 'changed-lines').length;
  const code = config.belowThreshold === 'error' && needing > 0 ? 1 : 0;
  const summaryOf = (style: Style) => (range ? rangeSummary(plan, range) : planSummary(plan, style));
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ ...planJson(plan), ...(range ? { range } : {}) }, null, 2)}\n`);
    return code;
  }
  if (isReviewFormat(options.format)) {
    const plain = makeStyle(false);
    const summary = code === 1 ? `${summaryOf(plain)} ${belowThresholdFailure(needing, plan.threshold, changedOnly)}` : summaryOf(plain);
    const [{ writeReview }, { planReview }] = await Promise.all([import('../report/formats/emit.js'), import('../report/formats/review.js')]);
    await writeReview(options.format, planReview({ plan, range, severity: config.belowThreshold, summary, failed: code === 1 }), io, options.toolVersion);
    return code;
  }
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  for (const warning of plan.warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  for (const line of planLines(plan, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  io.stdout.write(`${summaryOf(out)}\n`);
  if (code === 1) io.stdout.write(`${out.red(belowThresholdFailure(needing, plan.threshold, changedOnly))}\n`);
  return code;
}

/** The summary line of a range plan: "changed in origin/main...HEAD", not "staged". */
export function rangeSummary(plan: Plan, range: ResolvedRange): string {
  return rangePlanSummary({
    range,
    filesChecked: plan.filesChecked,
    touched: plan.functions.length,
    selected: plan.functions.filter((f) => f.decision === 'selected').length,
    capped: plan.functions.filter((f) => f.decision === 'capped').length,
    coverageFile: plan.coverageFile,
    coverageTimestamp: plan.coverageTimestamp,
  });
}
