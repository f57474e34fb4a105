/**
 * Runs src/generate/probe.py in the project's Python: candidate calls go in, observed outcomes
 * (values, exceptions, executed lines, blocked side effects) come out. See probe-model.ts.
 */
import { importEnded } from '../report/messages/generate.js';
import { ProbeError, formatIssues, spawnProbe, type ProbeRun, type ProbeSession } from './probe-process.js';
import {
  ProbeRequestSchema,
  type ProbeCandidateResult,
  type ProbeEvent,
  type ProbeRequest,
  type ProbeResponse,
  type ProbeStopped,
  type ProbeTarget,
  type ProbeTargetResult,
} from './probe-model.js';

export interface RunProbeOptions {
  /** For the whole probe process; on expiry its process group is killed and the promise rejects. */
  timeoutMs: number;
  /** Extra environment for the Python process (merged over process.env). */
  env?: NodeJS.ProcessEnv;
  /** Runs the request in this session's process (a new process only after a crash); its env is the session's. */
  session?: ProbeSession;
  /** For a probe that runs its calls itself (no fork): see ProbeProcessOptions.stallMs. */
  stallMs?: number;
}

export { ProbeError, probeScriptPath } from './probe-process.js';

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
    const left = Math.max(1, deadline - Date.now());
    const run =
      opts.session && !oneAtATime && first
        ? await opts.session.run({ ...full, targets: asked }, left, opts.timeoutMs, opts.stallMs)
        : await spawnProbe(python, { ...full, targets: asked }, { env, timeoutMs: left, ...(opts.stallMs ? { stallMs: opts.stallMs } : {}) }, opts.timeoutMs);
    // Closed while it answered: its process was killed, and what it said is not the code's doing;
    // nor is the request finished in new processes (nobody waits for its answer). A session
    // closed before refuses the request itself (ProbeSession.run).
    if (opts.session?.isClosed) throw new ProbeError('The probe session was closed', '');
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
  let mutant: ProbeTargetResult['mutant'];
  let candidates: ProbeCandidateResult[] = [];
  for (const event of run.events) {
    const target = asked[out.length];
    if (event.event === 'target') {
      if (!target || event.id !== target.id) throw new ProbeError(`The execution probe (${String(event.id)}) answered targets out of order`, '');
      importError = event.importError;
      mutant = event.mutant;
      candidates = [];
    } else if (event.event === 'candidate' && target) {
      candidates.push(event.result);
    } else if (event.event === 'end' && target) {
      out.push(importError ? { id: target.id, importError, candidates: [], stopped: null } : { ...finish(target, candidates, event.stopped, timeoutSeconds), ...(mutant ? { mutant } : {}) });
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

/** Ids of the targets a child process was running when the probe ended. */
function unreaped(events: ProbeEvent[]): Set<string> {
  const running = new Map<number, string>();
  for (const event of events) {
    if (event.event === 'fork') running.set(event.pid, event.target);
    else if (event.event === 'runs' && event.target !== null) running.set(event.pid, event.target);
    else if (event.event === 'reaped' || event.event === 'runs') running.delete(event.pid);
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
      candidates.push({ id: asked.id, outcome: 'timeout', phase: stopped.phase ?? null, ...empty, seconds: timeoutSeconds });
    } else {
      candidates.push({ id: asked.id, outcome: 'skipped', reason: stopped?.reason ?? 'crash', ...empty });
    }
  }
  return { id: target.id, importError: null, candidates, stopped };
}
