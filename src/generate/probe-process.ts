/**
 * One probe process (src/generate/probe.py) and the events it writes: started for one request,
 * or kept as a session that answers a run's later requests too (ProbeSession). probe.ts runs a
 * whole request on top of this, restarting after a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProbeEventSchema, type ProbeEvent, type ProbeRequest } from './probe-model.js';

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
  /** The process ended without writing anything for the request (a session's process that had ended while it waited). */
  silent = false;
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

/** What one probe process wrote for a request and how it ended (code and signal null: a session's process lives on). */
export interface ProbeRun {
  events: ProbeEvent[];
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProbeProcessOptions {
  /** For this request; on expiry the process group is killed and the promise rejects. */
  timeoutMs: number;
  /** Extra environment for the Python process (merged over process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Ends the process (its group killed, as a crash) when it writes nothing for this long: a call
   * stuck where no signal handler runs, in a probe that runs its calls itself (no fork), which
   * has no watchdog of its own. The request's events so far are kept; runProbe goes on.
   */
  stallMs?: number;
}

/** One probe process for one request: resolves with the events it wrote (the last target may be unfinished) and how it ended. */
export function spawnProbe(python: string, request: ProbeRequest, opts: ProbeProcessOptions, totalMs: number): Promise<ProbeRun> {
  const child = startProbe(python, request.cwd, opts.env, false);
  const answer = collect(child, python, opts.timeoutMs, totalMs, false, opts.stallMs);
  child.stdin!.end(JSON.stringify(request));
  return answer;
}

/**
 * A probe process kept for the requests of one group of modules over a run (the first probe and
 * the search rounds): the modules are imported once, and each target still runs in a child
 * process forked from a probe that has run nothing but those imports (probe.py's session mode).
 * Its requests must differ only in their targets and `repeat`. When the process ends (a crash,
 * a timeout, or the probe declining to go on after running code itself), the next request
 * starts a new one.
 */
export class ProbeSession {
  private child: ChildProcess | null = null;
  /** Set by close(): no process is kept for another request after it. */
  private closed = false;
  /** Every process the session started that has not exited yet (close() waits for them). */
  private readonly alive = new Set<ChildProcess>();

  constructor(
    readonly python: string,
    private readonly env: NodeJS.ProcessEnv | undefined,
  ) {}

  /**
   * Runs `request` in the session's process, starting one when there is none. A kept process
   * that ended while it waited (killed from outside) and answers nothing is replaced by a new one.
   */
  async run(request: ProbeRequest, timeoutMs: number, totalMs: number, stallMs?: number): Promise<ProbeRun> {
    if (this.closed) throw new ProbeError('The probe session was closed', '');
    const kept = this.child;
    if (kept) {
      const started = Date.now();
      try {
        return await this.ask(kept, request, timeoutMs, totalMs, stallMs);
      } catch (error) {
        if (!(error instanceof ProbeError && error.silent)) throw error;
        timeoutMs = Math.max(1, timeoutMs - (Date.now() - started));
      }
    }
    const child = startProbe(this.python, request.cwd, this.env, true);
    this.alive.add(child);
    child.once('exit', () => this.alive.delete(child));
    return this.ask(child, request, timeoutMs, totalMs, stallMs);
  }

  /** Set once close() is called: the session runs no more requests, and a request it was answering goes no further. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The process's pid, while one waits for a request. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async ask(child: ChildProcess, request: ProbeRequest, timeoutMs: number, totalMs: number, stallMs?: number): Promise<ProbeRun> {
    this.child = null;
    const answer = collect(child, this.python, timeoutMs, totalMs, true, stallMs);
    child.stdin!.write(`${JSON.stringify(request)}\n`);
    let run: ProbeRun | undefined;
    try {
      run = await answer;
      return run;
    } finally {
      const done = run?.events.at(-1);
      // The probe says whether it reads another request (it does not after running code itself).
      if (!this.closed && done?.event === 'done' && done.open === true && run!.code === null && run!.signal === null) this.child = child;
      else end(child);
    }
  }

  /**
   * Ends every process of the session, one waiting for a request or one still answering (a
   * warm-up's imports), and settles once they have exited: their folders can then be removed
   * with nothing left to write into them or into the temporary directory.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.child = null;
    await Promise.all([...this.alive].map(stop));
  }
}

/** How long close() waits for a killed process to be gone (a process in the kernel's hands may take a moment). */
const EXIT_WAIT_MS = 2000;

/** Kills `child`'s process group and settles when it has exited (or after EXIT_WAIT_MS). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, EXIT_WAIT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    killGroup(child);
  });
}

/** Kills the process and whatever it started in its group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Ends a session's process: it exits when its input ends, and nothing of it keeps smart-test waiting. */
function end(child: ChildProcess): void {
  child.stdin?.end();
  child.unref();
}

function startProbe(python: string, cwd: string, env: NodeJS.ProcessEnv | undefined, session: boolean): ChildProcess {
  const child = spawn(python, ['-B', probeScriptPath()], {
    cwd,
    env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1', ...(session ? { SMART_TEST_PROBE_SESSION: '1' } : {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own session and process group: nothing it runs can signal smart-test, and a
    // timeout kills whatever the candidates started too.
    detached: process.platform !== 'win32',
  });
  // The probe may exit before reading everything (a fatal error): that is reported by 'close'.
  child.stdin!.on('error', () => undefined);
  return child;
}

/** The line probe.py ends every answer with, as json.dumps writes it (its `open` flag after it in a session). */
const DONE_LINE = '{"event": "done"';

/**
 * The answer `child` writes to the request just sent: up to its `done` event when `atDone` (a
 * session, whose process goes on), else up to the process's end.
 */
function collect(child: ChildProcess, python: string, timeoutMs: number, totalMs: number, atDone: boolean, stallMs?: number): Promise<ProbeRun> {
  return new Promise<ProbeRun>((resolve, reject) => {
    const stdout: Buffer[] = [];
    let stderr = '';
    let settled = false;
    // Killed when silent too long: its 'close' then settles the run as an early end.
    let stall: NodeJS.Timeout | undefined;
    const watch = (): void => {
      if (stallMs === undefined) return;
      clearTimeout(stall);
      stall = setTimeout(() => killGroup(child), stallMs);
    };
    const onData = (chunk: Buffer): void => {
      watch();
      stdout.push(chunk);
      if (atDone && chunk.at(-1) === 0x0a && lastLine(stdout).startsWith(DONE_LINE)) {
        const out = Buffer.concat(stdout).toString('utf8');
        const { events, bad } = parseEvents(out);
        if (bad) settleClosed(null, null);
        else finish(null, { events, code: null, signal: null });
      }
    };
    const onStderr = (chunk: string): void => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.slice(0, STDERR_KEEP - stderr.length);
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      const why = error.code === 'ENOENT' ? 'not found' : error.message;
      finish(new ProbeError(`Could not start Python for the execution probe (${python}): ${why}`, stderr));
    };
    const onClose = (code: number | null, signal: NodeJS.Signals | null): void => settleClosed(code, signal);
    const finish = (error: Error | null, value?: ProbeRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(stall);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onStderr);
      child.off('error', onError);
      child.off('close', onClose);
      if (error) reject(error);
      else resolve(value as ProbeRun);
    };
    const timer = setTimeout(() => {
      killGroup(child);
      killOrphans(parseEvents(Buffer.concat(stdout).toString('utf8')).events);
      finish(new ProbeError(withStderr(`The execution probe (${python}) did not finish within ${totalMs} ms and was killed`, stderr), stderr));
    }, timeoutMs);

    function settleClosed(code: number | null, signal: NodeJS.Signals | null): void {
      if (settled) return;
      const out = Buffer.concat(stdout).toString('utf8');
      const { events, bad, lastCut } = parseEvents(out);
      const done = events.at(-1)?.event === 'done';
      if (!done) killOrphans(events);
      if (events[0]?.event !== 'start') {
        // It never started running the request: a bad request, a broken interpreter.
        const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        const shown = out.trim() === '' ? 'nothing' : JSON.stringify(out.slice(0, 200));
        const what = code !== 0 ? status : `printed ${shown} instead of a JSON response`;
        const error = new ProbeError(withStderr(`The execution probe (${python}) ${what}`, stderr), stderr);
        error.silent = out === '' && stderr === '';
        finish(error);
        return;
      }
      // The last line may be cut short by a crash; anything else that is not an event is a bug.
      if (bad && !(lastCut && !done)) {
        finish(new ProbeError(withStderr(`The execution probe (${python}) returned ${bad}`, stderr), stderr));
        return;
      }
      finish(null, { events, code, signal });
    }

    watch();
    child.stdout!.on('data', onData);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', onStderr);
    child.on('error', onError);
    child.on('close', onClose);
    // A session's process was already closed (it ended while idle): answer as for any early end.
    if (child.exitCode !== null || child.signalCode !== null) settleClosed(child.exitCode, child.signalCode);
  });
}

/** The last complete line of the chunks (they end with a newline), without it. */
function lastLine(chunks: Buffer[]): string {
  let from = chunks.length - 1;
  // Back to the chunk holding the newline before the last line.
  while (from > 0 && chunks[from]!.subarray(0, -1).indexOf(0x0a) < 0) from--;
  const tail = Buffer.concat(chunks.slice(from)).toString('utf8');
  const end = tail.length - 1;
  return tail.slice(tail.lastIndexOf('\n', end - 1) + 1, end);
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

export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${describeIssue(issue)}`)
    .join('; ');
}
