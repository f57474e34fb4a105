import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { openRepo } from '../git/repo.js';
import { buildPlan, prewarmPlan } from '../pipeline/plan.js';
import { planJson, planLines, planSummary } from '../report/plan-output.js';
import { colourEnabled, makeStyle } from '../report/style.js';
import { mark, printTimings } from '../report/timing.js';

/** `smart-test plan`: which touched functions need tests. Writes nothing; exits 0. */
export async function runPlan(options: GlobalOptions, io: Io): Promise<number> {
  mark('start');
  prewarmPlan();
  const repo = await openRepo(options.cwd);
  mark('repo');
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;
  mark('config');
  const plan = await buildPlan({ repo, config });
  mark('planned');
  printTimings(io.stderr);
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(planJson(plan), null, 2)}\n`);
    return 0;
  }
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  for (const warning of plan.warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  for (const line of planLines(plan, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  io.stdout.write(`${planSummary(plan, out)}\n`);
  return 0;
}
