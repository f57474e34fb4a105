import type { GlobalOptions, Io } from '../cli.js';
import { exitCodeOf, type Check } from '../doctor/model.js';
import { runDoctorChecks } from '../doctor/run.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { colourEnabled, makeStyle, type Style } from '../report/style.js';

/**
 * `smart-test doctor`: checks the setup and prints one line per check (ok / warn / error) with
 * the fix under each problem; `--format json` prints the checks as a JSON array of
 * {id, status, message, fix} and nothing else. Exit 0 all ok, 1 warnings only, 2 an error.
 */
export async function runDoctor(options: GlobalOptions, io: Io): Promise<number> {
  const checks = await runDoctorChecks({ cwd: options.cwd, env: io.env, configPath: options.config });
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
    return exitCodeOf(checks);
  }
  const style = makeStyle(colourEnabled(io.stdout, io.env));
  for (const line of doctorLines(checks, style)) io.stdout.write(`${line}\n`);
  return exitCodeOf(checks);
}

const WIDTH = 6;

/** The text report: `ok    id: message`, the fix indented under it, then the summary line. */
export function doctorLines(checks: readonly Check[], style: Style): string[] {
  const paint = { ok: style.green, warn: style.yellow, error: style.red };
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`${paint[check.status](check.status.padEnd(WIDTH))}${style.bold(check.id)}: ${check.message}`);
    if (check.fix !== null) lines.push(`${' '.repeat(WIDTH)}${style.dim(t.fixLabel)} ${check.fix}`);
  }
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  lines.push(t.summary(count('ok'), count('warn'), count('error')));
  return lines;
}
