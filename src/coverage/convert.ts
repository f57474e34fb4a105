/**
 * Writes coverage.json from coverage.py's data file with `coverage json`, run in the project's
 * Python (the same discovery as the generator: config `python`, the virtualenv, `python3`; the
 * first that can import coverage) with the repository root as the working directory, so that
 * the paths coverage.py recorded (absolute, or relative with `[run] relative_files`) and the
 * project's coverage configuration (`[paths]`, `omit`, ...) are found as they are by
 * `coverage json` typed there.
 *
 * - Parallel data files (`.coverage.*`) are copied into a temporary folder and combined there
 *   (`coverage combine`, COVERAGE_FILE pointing into that folder): the originals are never
 *   touched.
 * - The report goes to a temporary file beside the target (`coverage json -o`) and is renamed
 *   over it: no reader ever sees half a report.
 * - `meta.timestamp` of the written report is set to the data file's modification time (when
 *   the tests' coverage was saved), not the time of the conversion, so that a source edited
 *   after the tests ran is still seen as newer than its coverage.
 * - `-i` (ignore errors): a measured file that has since been deleted does not stop the report.
 *   An exit status of 2 with a report written is `[report] fail_under` speaking: not an error.
 *
 * Loaded only when a conversion is due (data-file.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SmartTestError } from '../errors.js';
import { findProjectPython } from '../generate/python-env.js';
import { dataFileConversionFailed, dataFileConverted, dataFileNoCoverageModule } from '../report/messages/coverage.js';
import { mark, stopwatch } from '../report/timing.js';
import type { DataFiles } from './data-file.js';
import { displayPath } from './paths.js';

export interface ConvertOptions {
  repoRoot: string;
  cwd: string;
  python: string | null;
  env: NodeJS.ProcessEnv;
  note: (line: string) => void;
}

const TIMEOUT_MS = 300_000;

interface Ran {
  code: number | null;
  output: string;
  error: string | null;
}

function runCoverage(python: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'coverage', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: '', error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(chunks).toString('utf8'), error: signal ? `was stopped by ${signal}` : null });
    });
  });
}

/** Python's `datetime.isoformat()` of a local time: microseconds, left out when 0. */
export function pythonLocalIso(epochMs: number): string {
  const d = new Date(Math.floor(epochMs));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const micro = Math.min(999_999, Math.round((epochMs - Math.floor(epochMs / 1000) * 1000) * 1000));
  const base = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return micro === 0 ? base : `${base}.${p(micro, 6)}`;
}

/** The report's first `"timestamp": "..."` (in `meta`, which coverage.py writes first) set to `iso`. */
export function withTimestamp(json: string, iso: string): string {
  const head = json.slice(0, 4096);
  const m = /"timestamp"\s*:\s*"[^"]*"/.exec(head);
  if (!m) return json;
  return `${json.slice(0, m.index)}"timestamp": "${iso}"${json.slice(m.index + m[0].length)}`;
}

function statusOf(ran: Ran): string {
  if (ran.error) return `could not run (${ran.error})`;
  return `exited with status ${String(ran.code)}`;
}

export async function convertDataFile(data: DataFiles, opts: ConvertOptions): Promise<void> {
  const elapsed = stopwatch();
  const show = (p: string): string => displayPath(p, opts.cwd);
  const found = await findProjectPython({ repoRoot: opts.repoRoot, configured: opts.python, env: opts.env, module: 'coverage', sysPath: [] });
  if (!found.python) throw new SmartTestError(dataFileNoCoverageModule(show(data.dataFile), found.tried, opts.python));
  const python = found.python;

  const tmpJson = path.join(path.dirname(data.target), `${path.basename(data.target)}.smart-test-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let tmpDir: string | null = null;
  try {
    let dataFile = data.dataFile;
    if (data.parallel.length > 0) {
      tmpDir = await mkdtemp(path.join(os.tmpdir(), 'smart-test-coverage-'));
      const dir = tmpDir;
      await Promise.all(data.parallel.map((f) => copyFile(f, path.join(dir, path.basename(f)))));
      dataFile = path.join(dir, path.basename(data.dataFile));
      const combined = await runCoverage(python, ['combine', '-q', dir], opts.repoRoot, { ...opts.env, COVERAGE_FILE: dataFile });
      if (combined.code !== 0) {
        throw new SmartTestError(dataFileConversionFailed(`${python} -m coverage combine`, `${show(data.dataFile)}.*`, statusOf(combined), combined.output));
      }
    }
    await mkdir(path.dirname(data.target), { recursive: true });
    const ran = await runCoverage(python, ['json', '-q', '-i', '-o', tmpJson], opts.repoRoot, { ...opts.env, COVERAGE_FILE: dataFile });
    const written = await stat(tmpJson).then((s) => s.isFile() && s.size > 0, () => false);
    if (!written || (ran.code !== 0 && ran.code !== 2)) {
      throw new SmartTestError(dataFileConversionFailed(`${python} -m coverage json`, show(data.dataFile), statusOf(ran), ran.output));
    }
    const text = await readFile(tmpJson, 'utf8');
    const stamped = withTimestamp(text, pythonLocalIso(data.mtimeMs));
    if (stamped !== text) await writeFile(tmpJson, stamped);
    await rename(tmpJson, data.target);
  } finally {
    await rm(tmpJson, { force: true });
    if (tmpDir !== null) await rm(tmpDir, { recursive: true, force: true });
  }
  mark('converted');
  opts.note(dataFileConverted(show(data.dataFile), show(data.target), data.parallel.length, elapsed()));
}
