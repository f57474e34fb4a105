/**
 * Runs src/generate/probe.py in the project's Python: candidate calls go in, observed outcomes
 * (values, exceptions, executed lines, blocked side effects) come out. See probe-model.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importEnded } from '../report/messages/generate.js';
import {
  ProbeEventSchema,
  ProbeRequestSchema,
  type ProbeCandidateResult,
  type ProbeEvent,
  type ProbeRequest,
  type ProbeResponse,
  type ProbeStopped,
  type ProbeTarget,
  type ProbeTargetResult,
} from './probe-model.js';

/**
 * Absolute path of probe.py. From the sources (tests) it is src/generate/probe.py, beside this
 * file; the build copies it to dist/probe.py, and the bundle's code runs from dist/ or one of
 * its chunk folders. probe.py imports its code from the smart_test_probe package beside it.
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

/** What one probe process wrote and how it ended. */
interface ProbeRun {
  events: ProbeEvent[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs every candidate of `request` with `python` and resolves with the validated response: every
 * target gets an entry, and every candidate of a target that imported gets a result, in request
 * order.
 *
 * probe.py runs each target's candidates in a child process (where fork exists): whatever a
 * candidate does to its process (os._exit, a signal, a crash in C code, running past its time
 * limit without stopping) ends that target only: the candidate is reported as a 'crash' (or
 * 'timeout'), the later ones of the target as 'skipped'. When the probe process itself ends
 * early (no fork, an import that crashes, a candidate killing the probe), the target it was
 * running is reported the same way and the rest of the request runs in a new process.
 *
 * Rejects with a ProbeError when the request is invalid, Python cannot be started, the probe
 * runs past `opts.timeoutMs` in all, fails before starting (a bad request), or prints something
 * that is not a valid response.
 */
export async function runProbe(python: string, request: ProbeRequest, opts: RunProbeOptions): Promise<ProbeResponse> {
  const parsedRequest = ProbeRequestSchema.safeParse(request);
  if (!parsedRequest.success) {
    throw new ProbeError(`Invalid probe request: ${formatIssues(parsedRequest.error.issues)}`, '');
  }
  const full = parsedRequest.data;
  const deadline = Date.now() + opts.timeoutMs;
  const results = new Map<number, ProbeTargetResult>();
  let header: { probeVersion: number; python: string } | null = null;
  let pending = full.targets.map((_, i) => i);
  let oneAtATime = false;
  // At least once: an empty request still checks that the probe starts.
  for (let first = true; first || pending.length > 0; first = false) {
    const asked = pending.map((i) => full.targets[i]!);
    const env = oneAtATime ? { ...opts.env, SMART_TEST_PROBE_JOBS: '1' } : opts.env;
    const run = await spawnProbe(python, { ...full, targets: asked }, { ...opts, env, timeoutMs: Math.max(1, deadline - Date.now()) }, opts.timeoutMs);
    const start = run.events[0];
    if (start?.event === 'start') header = { probeVersion: start.probeVersion, python: start.python };
    const ended = assemble(asked, run, full.timeoutSeconds);
    ended.forEach((result, k) => results.set(pending[k]!, result));
    if (ended.length >= asked.length) break;
    if (run.events.at(-1)?.event === 'resume') {
      pending = pending.slice(ended.length);
      continue;
    }
    // The probe process ended while running (or importing) asked[ended.length].
    const k = ended.length;
    const target = asked[k]!;
    const partial = partialTarget(target, run);
    const running = unreaped(run.events);
    const exit = { exitCode: run.code, signal: run.signal };
    if (running.size === 0 && !partial) {
      // Its import ended the process: every target of the same module fails the same way.
      const importError = { type: 'ProcessEnded', message: importEnded(target.module, exit) };
      const rest = pending.slice(k);
      for (const i of rest) if (full.targets[i]!.module === target.module) results.set(i, { id: full.targets[i]!.id, importError, candidates: [], stopped: null });
      pending = rest.filter((i) => full.targets[i]!.module !== target.module);
    } else if ([...running].every((id) => id === target.id) || oneAtATime) {
      const done = partial?.candidates ?? [];
      results.set(pending[k]!, finish(target, done, { reason: 'crash', candidate: nextCandidate(target, done), ...exit }));
      pending = pending.slice(k + 1);
    } else {
      // Several targets were running: which one ended the probe is not known. Run them again,
      // one at a time, and the culprit will be the only one running when it does it again.
      oneAtATime = true;
      pending = pending.slice(k);
    }
  }
  return {
    probeVersion: header?.probeVersion ?? 0,
    python: header?.python ?? '',
    complete: true,
    targets: full.targets.map((t, i) => results.get(i) ?? { id: t.id, importError: null, candidates: [], stopped: null }),
  };
}

/** The targets of `asked` that the run ended (`end` seen), in order, with every candidate accounted for. */
function assemble(asked: ProbeTarget[], run: ProbeRun, timeoutSeconds: number): ProbeTargetResult[] {
  const out: ProbeTargetResult[] = [];
  let importError: ProbeTargetResult['importError'] = null;
  let candidates: ProbeCandidateResult[] = [];
  for (const event of run.events) {
    const target = asked[out.length];
    if (event.event === 'target') {
      if (!target || event.id !== target.id) throw new ProbeError(`The execution probe (${String(event.id)}) answered targets out of order`, '');
      importError = event.importError;
      candidates = [];
    } else if (event.event === 'candidate' && target) {
      candidates.push(event.result);
    } else if (event.event === 'end' && target) {
      out.push(importError ? { id: target.id, importError, candidates: [], stopped: null } : finish(target, candidates, event.stopped, timeoutSeconds));
    }
  }
  return out;
}

/** The candidates reported for the target the run was in when it ended, or null when it ended during the import. */
function partialTarget(target: ProbeTarget, run: ProbeRun): { candidates: ProbeCandidateResult[] } | null {
  let seen = false;
  let candidates: ProbeCandidateResult[] = [];
  for (const event of run.events) {
    if (event.event === 'target' && event.id === target.id) {
      seen = event.importError === null;
      candidates = [];
    } else if (event.event === 'candidate' && seen) candidates.push(event.result);
  }
  return seen ? { candidates } : null;
}

/** Ids of the targets whose child process was still running when the probe ended. */
function unreaped(events: ProbeEvent[]): Set<string> {
  const running = new Map<number, string>();
  for (const event of events) {
    if (event.event === 'fork') running.set(event.pid, event.target);
    else if (event.event === 'reaped') running.delete(event.pid);
  }
  return new Set(running.values());
}

function nextCandidate(target: ProbeTarget, done: ProbeCandidateResult[]): string {
  return target.candidates[done.length]?.id ?? target.candidates.at(-1)?.id ?? '';
}

/**
 * The target's result with a result for every candidate: the one that stopped it, and 'skipped'
 * after it. A call the probe had to kill for running too long (it never reported) ran at least
 * the per-call limit, `timeoutSeconds`.
 */
function finish(target: ProbeTarget, done: ProbeCandidateResult[], stopped: ProbeStopped | null, timeoutSeconds = 0): ProbeTargetResult {
  const candidates = [...done];
  const empty = { lines: [], names: [], seconds: 0, deterministic: null, stdout: '', stderr: '' };
  for (const asked of target.candidates.slice(done.length)) {
    if (stopped && asked.id === stopped.candidate && stopped.reason === 'crash') {
      candidates.push({ id: asked.id, outcome: 'crash', ...empty, exitCode: stopped.exitCode ?? null, signal: stopped.signal ?? null });
    } else if (stopped && asked.id === stopped.candidate && stopped.reason === 'timeout') {
      candidates.push({ id: asked.id, outcome: 'timeout', phase: null, ...empty, seconds: timeoutSeconds });
    } else {
      candidates.push({ id: asked.id, outcome: 'skipped', reason: stopped?.reason ?? 'crash', ...empty });
    }
  }
  return { id: target.id, importError: null, candidates, stopped };
}

/**
 * The probe events in `text`, one JSON object a line, validated. `bad` describes the first line
 * that is not one; `lastCut` says it is the last line, which a crash may have cut short.
 */
function parseEvents(text: string): { events: ProbeEvent[]; bad: string | null; lastCut: boolean } {
  const events: ProbeEvent[] = [];
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (const [i, line] of lines.entries()) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { events, bad: `${JSON.stringify(line.slice(0, 200))}, which is not JSON`, lastCut: i === lines.length - 1 && !text.endsWith('\n') };
    }
    const parsed = ProbeEventSchema.safeParse(json);
    if (!parsed.success) return { events, bad: `an invalid response: ${formatIssues(parsed.error.issues)}`, lastCut: false };
    events.push(parsed.data);
  }
  return { events, bad: null, lastCut: false };
}

/** Kills the process groups of the children the probe was running when it ended (probe.py kills the others itself). */
function killOrphans(events: ProbeEvent[]): void {
  const running = new Set<number>();
  for (const event of events) {
    if (event.event === 'fork') running.add(event.pid);
    else if (event.event === 'reaped') running.delete(event.pid);
  }
  if (process.platform === 'win32') return;
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** One probe process: resolves with the events it wrote (the last target may be unfinished) and how it ended. */
function spawnProbe(python: string, request: ProbeRequest, opts: RunProbeOptions, totalMs: number): Promise<ProbeRun> {
  const script = probeScriptPath();
  return new Promise<ProbeRun>((resolve, reject) => {
    const child = spawn(python, ['-B', script], {
      cwd: request.cwd,
      env: { ...process.env, ...opts.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own session and process group: nothing it runs can signal smart-test, and a
      // timeout kills whatever the candidates started too.
      detached: process.platform !== 'win32',
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let settled = false;
    const finish = (error: Error | null, value?: ProbeRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as ProbeRun);
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
      killOrphans(parseEvents(Buffer.concat(stdout).toString('utf8')).events);
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
      const { events, bad, lastCut } = parseEvents(out);
      const done = events.at(-1)?.event === 'done';
      if (!done) killOrphans(events);
      if (events[0]?.event !== 'start') {
        // It never started running the request: a bad request, a broken interpreter.
        if (code !== 0) {
          const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
          finish(new ProbeError(withStderr(`The execution probe (${python}) ${status}`, stderr), stderr));
          return;
        }
        const shown = out.trim() === '' ? 'nothing' : JSON.stringify(out.slice(0, 200));
        finish(new ProbeError(withStderr(`The execution probe (${python}) printed ${shown} instead of a JSON response`, stderr), stderr));
        return;
      }
      // The last line may be cut short by a crash; anything else that is not an event is a bug.
      if (bad && !(lastCut && !done)) {
        finish(new ProbeError(withStderr(`The execution probe (${python}) returned ${bad}`, stderr), stderr));
        return;
      }
      finish(null, { events, code, signal });
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
