import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { rangeChanges } from '../git/range.js';
import { openRepo } from '../git/repo.js';
import { generateTests, sourcesFromPlan } from '../generate/engine.js';
import { buildPlan, startPlan } from '../pipeline/plan.js';
import { planJson, planLines } from '../report/plan-output.js';
import { colourEnabled, makeStyle } from '../report/style.js';
import { mark, printTimings, stopwatch } from '../report/timing.js';
import { runMessages } from '../report/messages/run.js';
import { rangeRunMessages } from '../report/messages/review.js';
import { isReviewFormat } from '../report/formats/kinds.js';
import { generationJson, generationLines, progressWriter } from './generate-output.js';
import { gateStaged } from './gate-staged.js';
import { rangeSummary } from './plan.js';

export interface RunOptions {
  stage: boolean;
  execute: boolean;
}

/**
 * `smart-test run`, what the hook runs: the plan, then tests for the selected functions, then the
 * placeholder gate on the staged set. Exits 1 when it wrote files (review and stage them; the
 * pre-commit convention) unless onGenerate says "stage" or "warn", and 1 when a staged test
 * still holds the placeholder.
 *
 * With --base REF (code-review mode) it plans for the branch's changes since it left REF,
 * writes tests as usual but stages nothing, then gates the test files the branch changed as
 * committed at HEAD (tests it just wrote are not in the branch). Exits 1 when a committed test
 * holds the placeholder, or when it wrote tests unless onGenerate is "warn".
 */
export async function runRun(options: GlobalOptions, io: Io, runOptions: RunOptions): Promise<number> {
  const elapsed = stopwatch();
  const early = startPlan(options.cwd, options.base === undefined);
  const repo = await openRepo(options.cwd);
  const changes = options.base === undefined ? undefined : rangeChanges(repo, options.base);
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;
  if (options.changedLines !== undefined) config.changedLines = options.changedLines;
  const onGenerate = runOptions.stage ? 'stage' : config.onGenerate;
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const progress = progressWriter(options.format, io.stderr, err);

  const plan = await buildPlan({ repo, config, changes, early, coverageData: { env: io.env, note: (line) => io.stderr.write(`${line}\n`) } });
  const range = changes ? await changes.range() : null;
  const generation = await generateTests(sourcesFromPlan(plan), { repoRoot: repo.root, config, execute: runOptions.execute, env: io.env, coverageFile: plan.coverageFile, progress });
  const warnings = [...plan.warnings, ...generation.warnings];
  mark('generated');

  let staged = false;
  if (generation.written.length > 0 && onGenerate === 'stage' && !range) {
    await repo.raw(['add', '--', ...generation.written]);
    staged = true;
  }
  // The plan's list of staged files still holds unless this run staged the tests it wrote.
  const gate = await gateStaged(repo, config, range ? { range } : staged ? {} : { staged: plan.changed });
  warnings.push(...gate.warnings);

  // In a range nothing is staged: tests written are not in the branch unless onGenerate is "warn".
  const wroteUnstaged = generation.written.length > 0 && (range ? onGenerate !== 'warn' : onGenerate === 'fail');
  const code = gate.findings.length > 0 || wroteUnstaged ? 1 : 0;
  mark('gate');
  printTimings(io.stderr);
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ ...planJson({ ...plan, warnings }), ...generationJson(generation), staged, placeholders: gate.findings, ...(range ? { range } : {}) }, null, 2)}\n`);
    return code;
  }
  const summaryParts = () => {
    const selected = plan.functions.filter((f) => f.selected).length;
    const tests = generation.targets.reduce((n, t) => n + (t.status === 'written' ? t.tests : 0), 0);
    return [`${plan.filesChecked} file${plan.filesChecked === 1 ? '' : 's'} checked`, `${selected} function${selected === 1 ? '' : 's'} selected`, `${tests} test${tests === 1 ? '' : 's'} written`, `${gate.findings.length} placeholder${gate.findings.length === 1 ? '' : 's'} left`];
  };
  if (isReviewFormat(options.format)) {
    const summary = `${range ? `${rangeSummary(plan, range)} ` : ''}${runMessages.summary(summaryParts(), elapsed())}`;
    const [{ writeReview }, { runReview }] = await Promise.all([import('../report/formats/emit.js'), import('../report/formats/review.js')]);
    const review = runReview({
      plan,
      warnings: generation.warnings,
      generation: { written: generation.written, generated: generation.targets },
      gate: { placeholder: config.placeholder, findings: gate.findings, warnings: gate.warnings, root: repo.root, cwd: repo.cwd },
      range,
      severity: config.belowThreshold,
      summary,
      failed: code === 1,
    });
    await writeReview(options.format, review, io, options.toolVersion);
    return code;
  }
  for (const warning of warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  for (const line of planLines(plan, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  for (const line of generationLines(generation, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  for (const line of gate.lines(options.cwd, out)) io.stdout.write(`${line}\n`);
  if (generation.written.length > 0 && range) {
    const message = rangeRunMessages.written(generation.written, wroteUnstaged);
    io.stdout.write(`${wroteUnstaged ? out.yellow(message) : message}\n`);
  } else if (generation.written.length > 0) {
    const message = staged ? runMessages.staged(generation.written) : onGenerate === 'warn' ? runMessages.writtenNotStaged(generation.written) : runMessages.reviewAndStage(generation.written, config.placeholder);
    io.stdout.write(`${staged || onGenerate === 'warn' ? message : out.yellow(message)}\n`);
  }
  if (range) io.stdout.write(`${out.dim(rangeSummary(plan, range))}\n`);
  io.stdout.write(`${out.dim(runMessages.summary(summaryParts(), elapsed()))}\n`);
  return code;
}
