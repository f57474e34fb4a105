import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { SmartTestError } from '../errors.js';
import { isTestFile } from '../git/files-filter.js';
import { openRepo } from '../git/repo.js';
import { generateTests, sourcesFromPlan } from '../generate/engine.js';
import { decodeSource } from '../python/decode.js';
import { buildFilePlan } from '../pipeline/plan.js';
import { planJson, planLines } from '../report/plan-output.js';
import { colourEnabled, makeStyle } from '../report/style.js';
import { stopwatch } from '../report/timing.js';
import { runMessages } from '../report/messages/run.js';
import { generationJson, generationLines, progressWriter } from './generate-output.js';

export interface GenerateOptions {
  files: string[];
  all: boolean;
  functions: string[];
  execute: boolean;
}

/**
 * `smart-test generate PATH... [--all] [--function NAME]`: the same engine on files named on the
 * command line, read from disk. Honours the threshold unless --all (every function, no cap).
 * Writes tests and exits 0; input problems exit 2.
 */
export async function runGenerate(options: GlobalOptions, io: Io, gen: GenerateOptions): Promise<number> {
  const elapsed = stopwatch();
  if (gen.files.length === 0) throw new SmartTestError(runMessages.noFiles);
  const repo = await openRepo(options.cwd);
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;

  const files: Array<{ file: string; text: string }> = [];
  for (const given of gen.files) {
    const absolute = path.resolve(options.cwd, given);
    const rel = path.relative(repo.root, absolute);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new SmartTestError(runMessages.outsideRepo(given));
    const info = await stat(absolute).catch(() => null);
    if (!info || !info.isFile()) throw new SmartTestError(runMessages.notFound(given));
    const repoPath = rel.split(path.sep).join('/');
    if (!repoPath.endsWith('.py')) throw new SmartTestError(runMessages.notPython(given));
    if (isTestFile(repoPath, config.testsDir)) throw new SmartTestError(runMessages.isTestFile(given));
    const decoded = decodeSource(await readFile(absolute));
    if (!decoded.ok) throw new SmartTestError(runMessages.unreadable(given, decoded.reason));
    files.push({ file: repoPath, text: decoded.text });
  }
  const plan = await buildFilePlan({ repo, config, files, all: gen.all, functionNames: gen.functions, coverageData: { env: io.env, note: (line) => io.stderr.write(`${line}\n`) } });
  if (gen.functions.length > 0 && plan.functions.length === 0) throw new SmartTestError(runMessages.noSuchFunction(gen.functions, gen.files));

  const err = makeStyle(colourEnabled(io.stderr, io.env));
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const progress = progressWriter(options.format, io.stderr, err);
  const generation = await generateTests(sourcesFromPlan(plan), { repoRoot: repo.root, config, execute: gen.execute, env: io.env, coverageFile: plan.coverageFile, progress, command: 'generate' });
  const warnings = [...plan.warnings, ...generation.warnings];
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ ...planJson({ ...plan, warnings }), ...generationJson(generation) }, null, 2)}\n`);
    return 0;
  }
  for (const warning of warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  for (const line of planLines(plan, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  for (const line of generationLines(generation, repo.root, options.cwd, out)) io.stdout.write(`${line}\n`);
  const tests = generation.targets.reduce((n, t) => n + (t.status === 'written' ? t.tests : 0), 0);
  const placeholders = generation.targets.reduce((n, t) => n + t.placeholders, 0);
  const parts = [`${plan.functions.filter((f) => f.selected).length} functions selected`, `${tests} tests written to ${generation.written.length} file${generation.written.length === 1 ? '' : 's'}`, `${placeholders} placeholder${placeholders === 1 ? '' : 's'} to replace`];
  io.stdout.write(`${out.dim(runMessages.summary(parts, elapsed()))}\n`);
  return 0;
}
