import type { GlobalOptions, Io } from '../cli.js';
import { runPlaceholderCheck } from '../gate/check.js';
import { checkJson, checkLines, checkSummary } from '../gate/report.js';
import { colourEnabled, makeStyle } from '../report/style.js';

/**
 * `smart-test check [FILE...]`: the placeholder gate. Without files it checks the staged
 * content of the staged test files; with files, those files on disk. Exit 1 when a placeholder
 * is left (one `path:line:col:` line per placeholder on stdout, then a summary), 0 otherwise,
 * quietly: on success nothing is printed but warnings (stderr). `--format json` prints only
 * JSON on stdout, warnings included, whatever the outcome.
 */
export async function runCheck(options: GlobalOptions, io: Io, files: string[]): Promise<number> {
  const result = await runPlaceholderCheck({ cwd: options.cwd, env: io.env, configPath: options.config, files });
  const blocked = result.findings.length > 0 ? 1 : 0;
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(checkJson(result), null, 2)}\n`);
    return blocked;
  }
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  for (const warning of result.warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  if (!blocked) return 0;
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  for (const line of checkLines(result, out)) io.stdout.write(`${line}\n`);
  io.stdout.write(`${checkSummary(result)}\n`);
  return 1;
}
