import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GlobalOptions, Io } from '../cli.js';
import { loadConfig } from '../config/load.js';
import { SmartTestError } from '../errors.js';
import { openRepo } from '../git/repo.js';
import { generateTests, sourcesFromPlan } from '../generate/engine.js';
import { decodeSource } from '../python/decode.js';
import { buildFilePlan } from '../pipeline/plan.js';
import { sourceFilesFor } from '../pipeline/source-paths.js';
import { warnings as planWarnings } from '../report/messages/plan.js';
import { generateSummary, progressAnalysing } from '../report/messages/generate.js';
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
 * `smart-test generate PATH... [--all] [--function NAME]`: the same engine on files and folders
 * named on the command line, read from disk. Honours the threshold unless --all (every function);
 * no cap either way.
 * Writes tests and exits 0; input problems exit 2.
 */
export async function runGenerate(options: GlobalOptions, io: Io, gen: GenerateOptions): Promise<number> {
  const elapsed = stopwatch();
  if (gen.files.length === 0) throw new SmartTestError(runMessages.noFiles);
  const repo = await openRepo(options.cwd);
  const { config } = await loadConfig({ cwd: options.cwd, repoRoot: repo.root, explicitPath: options.config });
  if (options.threshold !== undefined) config.threshold = options.threshold;

  const err = makeStyle(colourEnabled(io.stderr, io.env));
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  const progress = progressWriter(options.format, io.stderr, err);
  // Folders stand for the Python sources below them (include/exclude honoured); files are taken as named.
  const named = await sourceFilesFor(repo, config, gen.files, options.cwd);
  const files: Array<{ file: string; text: string }> = [];
  const early: string[] = [];
  for (const repoPath of named) {
    const bytes = await readFile(path.join(repo.root, repoPath)).catch(() => null);
    if (!bytes) continue; // deleted from the working tree since git listed it
    const decoded = decodeSource(bytes);
    if (!decoded.ok) {
      // A file named on the command line must be readable; one found in a folder is skipped with a warning.
      if (gen.files.some((g) => path.resolve(options.cwd, g) === path.join(repo.root, repoPath))) throw new SmartTestError(runMessages.unreadable(repoPath, decoded.reason));
      early.push(planWarnings.undecodable(repoPath, decoded.reason));
      continue;
    }
    files.push({ file: repoPath, text: decoded.text });
  }
  // A progress line when reading and analysing the modules takes more than a second.
  const slow = setTimeout(() => progress?.(progressAnalysing(files.length)), 1000);
  // No cap: maxFunctions limits what one commit asks for, not what is named here.
  const plan = await buildFilePlan({ repo, config: { ...config, maxFunctions: Number.MAX_SAFE_INTEGER }, files, all: gen.all, functionNames: gen.functions, coverageData: { env: io.env, note: (line) => io.stderr.write(`${line}\n`) } });
  plan.warnings.unshift(...early);
  clearTimeout(slow);
  if (gen.functions.length > 0 && plan.functions.length === 0) throw new SmartTestError(runMessages.noSuchFunction(gen.functions, gen.files));

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
  const selected = plan.functions.filter((f) => f.selected).length;
  io.stdout.write(`${out.dim(runMessages.summary(generateSummary(selected, tests, generation.written.length, placeholders), elapsed()))}\n`);
  return 0;
}
