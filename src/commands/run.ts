import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { openRepo } from '../git/repo.js';
import { generateTests, type GenerationSource } from '../generate/engine.js';
import { buildPlan, prewarmPlan } from '../pipeline/plan.js';
import { planJson, planLines } from '../report/plan-output.js';
import { colourEnabled, makeStyle } from '../report/style.js';
import { runMessages } from '../report/messages/run.js';
import { generationJson, generationLines } from './generate-output.js';
import { gateStaged } from './gate-staged.js';

export interface RunOptions {
  stage: boolean;
  execute: boolean;
}

/**
 * `smart-test run`, what the hook runs: the plan, then tests for the selected functions, then the
 * placeholder gate on the staged set. Exits 1 when it wrote files (review and stage them; the
 * pre-commit convention) unless onGenerate says "stage" or "warn", and 1 when a staged test
 * still holds the placeholder.
 */
export async function runRun(options: GlobalOptions, io: Io, runOptions: RunOptions): Promise<number> {
  const started = performance.now();
  prewarmPlan();
  const repo = await openRepo(options.cwd);
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;
  const onGenerate = runOptions.stage ? 'stage' : config.onGenerate;
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const progress = options.format === 'text' ? (line: string) => io.stderr.write(`${err.dim(`smart-test: ${line}...`)}\n`) : undefined;

  const plan = await buildPlan({ repo, config });
  const sources: GenerationSource[] = plan.sources
    .map((s) => ({ file: s.file, text: s.text, module: s.module, targets: s.touched.filter((fn) => plan.functions.some((f) => f.selected && f.file === s.file && f.qualname === fn.qualname)) }))
    .filter((s) => s.targets.length > 0);
  const generation = await generateTests(sources, { repoRoot: repo.root, config, execute: runOptions.execute, env: io.env, progress });
  const warnings = [...plan.warnings, ...generation.warnings];

  let staged = false;
  if (generation.written.length > 0 && onGenerate === 'stage') {
    await repo.raw(['add', '--', ...generation.written]);
    staged = true;
  }
  const gate = await gateStaged(repo, config);
  warnings.push(...gate.warnings);

  const wroteUnstaged = generation.written.length > 0 && onGenerate === 'fail';
  const code = gate.findings.length > 0 || wroteUnstaged ? 1 : 0;
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ ...planJson({ ...plan, warnings }), ...generationJson(generation), staged, placeholders: gate.findings }, null, 2)}\n`);
    return code;
  }
  for (const warning of warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  for (const line of planLines(plan, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  for (const line of generationLines(generation, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  for (const line of gate.lines(options.cwd, out)) io.stdout.write(`${line}\n`);
  if (generation.written.length > 0) {
    const message = staged ? runMessages.staged(generation.written) : onGenerate === 'warn' ? runMessages.writtenNotStaged(generation.written) : runMessages.reviewAndStage(generation.written, config.placeholder);
    io.stdout.write(`${staged || onGenerate === 'warn' ? message : out.yellow(message)}\n`);
  }
  const selected = plan.functions.filter((f) => f.selected).length;
  const tests = generation.targets.reduce((n, t) => n + (t.status === 'written' ? t.tests : 0), 0);
  const parts = [`${plan.filesChecked} file${plan.filesChecked === 1 ? '' : 's'} checked`, `${selected} function${selected === 1 ? '' : 's'} selected`, `${tests} test${tests === 1 ? '' : 's'} written`, `${gate.findings.length} placeholder${gate.findings.length === 1 ? '' : 's'} left`];
  io.stdout.write(`${out.dim(runMessages.summary(parts, (performance.now() - started) / 1000))}\n`);
  return code;
}
