/**
 * Runs src/generate/probe.py in the project's Python: candidate calls go in, observed outcomes
 * (values, exceptions, executed lines, blocked side effects) come out. See probe-model.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ProbeRequestSchema,
  ProbeResponseSchema,
  type ProbeRequest,
  type ProbeResponse,
  type ProbeTargetResult,
} from './probe-model.js';

/**
 * Absolute path of probe.py. From the sources (tests) it is src/generate/probe.py, beside this
 * file; the build copies it to dist/probe.py, and the bundle's code runs from dist/ or one of
 * its chunk folders.
 */
export function probeScriptPath(moduleUrl: string | URL = import.meta.url): string {
  const candidates = ['./probe.py', '../probe.py'].map((rel) => fileURLToPath(new URL(rel, moduleUrl)));
  return candidates.find((file) => existsSync(file)) ?? candidates[0]!;
}

/** The probe could not produce a valid response. `stderr` is what Python wrote there. */
export class ProbeError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(message);
    this.name = 'ProbeError';
    this.stderr = stderr;
  }
}

const STDERR_KEEP = 64 * 1024;
const STDERR_LINES = 12;

function firstLines(text: string, n = STDERR_LINES): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const shown = lines.slice(0, n).map((line) => `  ${line}`);
  if (lines.length > n) shown.push(`  ... (${lines.length - n} more lines)`);
  return shown.join('\n');
}

function withStderr(message: string, stderr: string): string {
  return stderr.trim() === '' ? `${message} (nothing on stderr)` : `${message}; stderr:\n${firstLines(stderr)}`;
}

export interface RunProbeOptions {
  /** For the whole probe process; on expiry its process group is killed and the promise rejects. */
  timeoutMs: number;
  /** Extra environment for the Python process (merged over process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs every candidate of `request` with `python` and resolves with the validated response.
 * When a candidate ignores its timeout (it swallows the interruption), probe.py reports it as a
 * timeout and stops; the rest of the request then runs in a new process, and the answers are
 * merged, so the response always covers the whole request, in request order.
 *
 * Rejects with a ProbeError when the request is invalid, Python cannot be started, the probe
 * runs past `opts.timeoutMs` in all (e.g. a candidate stuck inside C code), exits non-zero, or
 * prints something that is not a valid response.
 */
export async function runProbe(python: string, request: ProbeRequest, opts: RunProbeOptions): Promise<ProbeResponse> {
  const parsedRequest = ProbeRequestSchema.safeParse(request);
  if (!parsedRequest.success) {
    throw new ProbeError(`Invalid probe request: ${formatIssues(parsedRequest.error.issues)}`, '');
  }
  const deadline = Date.now() + opts.timeoutMs;
  const merged: ProbeTargetResult[] = [];
  let pending = parsedRequest.data;
  let base = 0; // index in request.targets of pending.targets[0]
  for (;;) {
    const response = await spawnProbe(python, pending, { ...opts, timeoutMs: Math.max(1, deadline - Date.now()) }, opts.timeoutMs);
    response.targets.forEach((result, i) => {
      const previous = merged[base + i];
      if (previous) previous.candidates.push(...result.candidates);
      else merged[base + i] = result;
    });
    if (response.complete) return { ...response, targets: merged };
    // A candidate did not stop: resume after it.
    const k = response.targets.length - 1;
    const last = response.targets[k];
    const asked = pending.targets[k];
    if (!last || !asked) {
      throw new ProbeError(`The execution probe (${python}) stopped early without reporting any target`, '');
    }
    const rest = pending.targets.slice(k + 1);
    if (last.importError === null && last.candidates.length < asked.candidates.length) {
      rest.unshift({ ...asked, candidates: asked.candidates.slice(last.candidates.length) });
      base += k;
    } else {
      base += k + 1;
    }
    if (rest.length === 0) return { ...response, complete: true, targets: merged };
    pending = { ...pending, targets: rest };
  }
}

/** One probe process: resolves with its (possibly incomplete) validated response. */
function spawnProbe(python: string, request: ProbeRequest, opts: RunProbeOptions, totalMs: number): Promise<ProbeResponse> {
  const script = probeScriptPath();
  return new Promise<ProbeResponse>((resolve, reject) => {
    const child = spawn(python, ['-B', script], {
      cwd: request.cwd,
      env: { ...process.env, ...opts.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills whatever the candidates started too.
      detached: process.platform !== 'win32',
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let settled = false;
    const finish = (error: Error | null, value?: ProbeResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as ProbeResponse);
    };
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      finish(
        new ProbeError(
          withStderr(`The execution probe (${python}) did not finish within ${totalMs} ms and was killed`, stderr),
          stderr,
        ),
      );
    }, opts.timeoutMs);

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.slice(0, STDERR_KEEP - stderr.length);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'not found' : error.message;
      finish(new ProbeError(`Could not start Python for the execution probe (${python}): ${why}`, stderr));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      const out = Buffer.concat(stdout).toString('utf8');
      if (code !== 0) {
        const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        finish(new ProbeError(withStderr(`The execution probe (${python}) ${status}`, stderr), stderr));
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(out);
      } catch {
        const shown = out.trim() === '' ? 'nothing' : JSON.stringify(out.slice(0, 200));
        finish(
          new ProbeError(withStderr(`The execution probe (${python}) printed ${shown} instead of a JSON response`, stderr), stderr),
        );
        return;
      }
      const parsed = ProbeResponseSchema.safeParse(json);
      if (!parsed.success) {
        finish(
          new ProbeError(
            withStderr(`The execution probe (${python}) returned an invalid response: ${formatIssues(parsed.error.issues)}`, stderr),
            stderr,
          ),
        );
        return;
      }
      finish(null, parsed.data);
    });
    // The probe may exit before reading everything (a fatal error): that is reported by 'close'.
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}

/**
 * zod/mini's issues carry no English message (that needs the locale bundle), so say what was
 * expected from the issue's own fields.
 */
function describeIssue(issue: { code: string; message: string; expected?: unknown; values?: unknown; keys?: unknown }): string {
  if (issue.code === 'invalid_type') return `expected ${String(issue.expected)}`;
  if (issue.code === 'invalid_value' && Array.isArray(issue.values)) return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_union') return 'matches none of the expected shapes';
  if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) return `unexpected keys ${issue.keys.join(', ')}`;
  return `${issue.message} (${issue.code})`;
}

function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${describeIssue(issue)}`)
    .join('; ');
}
