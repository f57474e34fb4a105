/**
 * The probe against calls that attack the process running them: a crash, a signal, a stuck or
 * memory-hungry call costs its own target only, the probe and smart-test survive, and nothing is
 * left running. Real Python, real signals.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeCandidateResult, ProbeRequest, ProbeResponse, ProbeTarget, ProbeTargetResult } from '../../../src/generate/probe-model.js';
import { requirePython } from '../../helpers/python.js';

const FIXTURE_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/probe/src');
const CRASHERS = path.join(FIXTURE_SRC, 'probepkg', 'crashers.py');

let python: string;
let work: string;
let counter = 0;

function target(qualname: string, calls: string[], module = 'probepkg.crashers'): ProbeTarget {
  const id = `${qualname}#${++counter}`;
  const file = module === 'probepkg.crashers' ? CRASHERS : path.join(FIXTURE_SRC, ...module.split('.')) + '.py';
  return { id, module, file, qualname, firstLine: 1, lastLine: 200, candidates: calls.map((expr, k) => ({ id: `${id}/${k}`, setup: [], expr })) };
}

function request(targets: ProbeTarget[], overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return { sysPath: [FIXTURE_SRC], cwd: work, timeoutSeconds: 1, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), targets, ...overrides };
}

const outcomes = (t: ProbeTargetResult | undefined) => t?.candidates.map((c) => (c.outcome === 'skipped' ? `skipped:${c.reason}` : c.outcome));
const only = (r: ProbeCandidateResult | undefined) => r as Extract<ProbeCandidateResult, { outcome: 'return' }>;

beforeAll(() => {
  python = process.env.SMART_TEST_PROBE_PYTHON || requirePython();
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-crash-')));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Both ways of running candidates: a child per target (fork), and in the probe itself, restarted after a crash. */
describe.each([
  ['a child process per target', {}],
  ['no fork: the probe restarts', { SMART_TEST_PROBE_NO_FORK: '1' }],
])('runProbe with %s', (_name, env) => {
  let response: ProbeResponse;
  beforeAll(async () => {
    response = await runProbe(
      python,
      request([
        target('fine', ['fine(1)']),
        target('hard_exit', ['hard_exit()', 'hard_exit(5)', 'fine(2)']),
        target('fine', ['fine(3)']),
        target('segfault', ['segfault()']),
        target('kill_self', ['kill_self()', 'fine(4)']),
        target('fine', ['fine(5)']),
      ], { allowSideEffects: true }),
      { timeoutMs: 30_000, env },
    );
  });

  it('a call that ends the process loses its own target only, reported with its exit status or signal', () => {
    const [before, exit, after, segv, killed, last] = response.targets;
    expect(response.targets).toHaveLength(6);
    expect(only(before?.candidates[0]).repr).toBe('2');
    expect(outcomes(exit)).toEqual(['crash', 'skipped:crash', 'skipped:crash']);
    expect(exit?.candidates[0]).toMatchObject({ outcome: 'crash', exitCode: 4, signal: null });
    expect(exit?.stopped).toMatchObject({ reason: 'crash', candidate: exit?.candidates[0]?.id, exitCode: 4 });
    expect(only(after?.candidates[0]).repr).toBe('6');
    expect(segv?.candidates[0]).toMatchObject({ outcome: 'crash', exitCode: null, signal: 'SIGSEGV' });
    expect(outcomes(killed)).toEqual(['crash', 'skipped:crash']);
    expect(killed?.stopped).toMatchObject({ signal: 'SIGKILL' });
    expect(only(last?.candidates[0]).repr).toBe('10');
  });
});

describe('runProbe: signals sent by candidates', () => {
  it('never reach the probe or smart-test: its process group, its parent (even through ctypes), every process', async () => {
    const res = await runProbe(
      python,
      request(
        [
          target('kill_group', ['kill_group()']),
          target('killpg_own', ['killpg_own()']),
          target('kill_parent', ['kill_parent()']),
          target('libc_kill_parent', ['libc_kill_parent()', 'libc_kill_parent(signal.SIGINT)']),
          target('kill_everyone', ['kill_everyone()']),
          target('fine', ['fine(21)']),
        ],
        { allowSideEffects: true },
      ),
      { timeoutMs: 30_000 },
    );
    const [group, pg, parent, libc, everyone, fine] = res.targets;
    // The candidate's process group is its own child's: only that child dies.
    expect(group?.candidates[0]).toMatchObject({ outcome: 'crash', signal: 'SIGTERM' });
    expect(pg?.candidates[0]).toMatchObject({ outcome: 'crash', signal: 'SIGTERM' });
    // os.kill of the probe is blocked even with side effects allowed; through libc the probe ignores it.
    expect(parent?.candidates[0]).toMatchObject({ outcome: 'blocked', blockedBy: 'os.kill' });
    expect(outcomes(libc)).toEqual(['return', 'return']);
    expect(everyone?.candidates[0]).toMatchObject({ outcome: 'blocked', blockedBy: 'os.kill' });
    expect(only(fine?.candidates[0]).repr).toBe('42');
  });

  it('without fork, os.kill of the parent (smart-test itself) is blocked', async () => {
    const res = await runProbe(python, request([target('kill_parent', ['kill_parent()'])], { allowSideEffects: true }), {
      timeoutMs: 20_000,
      env: { SMART_TEST_PROBE_NO_FORK: '1' },
    });
    expect(res.targets[0]?.candidates[0]).toMatchObject({ outcome: 'blocked', blockedBy: 'os.kill' });
  });

  it('a candidate that kills the probe itself (SIGKILL through libc) costs its target; the rest runs in a new probe', async () => {
    const res = await runProbe(
      python,
      request([target('fine', ['fine(1)']), target('libc_kill_parent', ['libc_kill_parent(signal.SIGKILL)', 'fine(0)']), target('fine', ['fine(7)'])], {
        allowSideEffects: true,
      }),
      { timeoutMs: 30_000 },
    );
    expect(outcomes(res.targets[1])).toEqual(['crash', 'skipped:crash']);
    expect(res.targets[1]?.stopped).toMatchObject({ reason: 'crash', signal: 'SIGKILL' });
    expect(only(res.targets[2]?.candidates[0]).repr).toBe('14');
  });
});

describe('runProbe: limits', () => {
  it('after a timeout, the later calls of the function are skipped, not run', async () => {
    const started = Date.now();
    const res = await runProbe(python, request([target('spin', ['spin()', 'spin()', 'spin()']), target('fine', ['fine(1)'])]), { timeoutMs: 30_000 });
    expect(outcomes(res.targets[0])).toEqual(['timeout', 'skipped:timeout', 'skipped:timeout']);
    expect(res.targets[0]?.stopped).toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(only(res.targets[1]?.candidates[0]).repr).toBe('2');
  });

  it('a call stuck in C code (no signal handler runs) is killed and reported as a timeout', async () => {
    const res = await runProbe(python, request([target('deaf', ['deaf()', 'deaf(0)']), target('fine', ['fine(1)'])], { timeoutSeconds: 0.5 }), {
      timeoutMs: 30_000,
    });
    expect(outcomes(res.targets[0])).toEqual(['timeout', 'skipped:timeout']);
    expect(only(res.targets[1]?.candidates[0]).repr).toBe('2');
  });

  it('memory: a call past memoryBytes raises MemoryError, and the later calls are skipped', async () => {
    const res = await runProbe(python, request([target('hoard', ['hoard()', 'hoard(1)']), target('fine', ['fine(1)'])], { memoryBytes: 256 * 2 ** 20, timeoutSeconds: 20 }), {
      timeoutMs: 60_000,
    });
    const [hoard, fine] = res.targets;
    expect(outcomes(hoard)).toEqual(['error', 'skipped:memory']);
    expect(hoard?.candidates[0]).toMatchObject({ excType: { module: 'builtins', qualname: 'MemoryError' }, deterministic: null });
    expect(hoard?.stopped).toMatchObject({ reason: 'memory' });
    expect(only(fine?.candidates[0]).repr).toBe('2');
  });
});

describe('runProbe: where a stuck call was', () => {
  it('a call killed while its setup was stuck says so (phase setup), for its result and for what stopped its target', async () => {
    const stuck = target('fine', ['fine(1)', 'fine(2)']);
    stuck.candidates[0]!.setup = ['waited = deaf()'];
    const res = await runProbe(python, request([stuck, target('fine', ['fine(3)'])], { timeoutSeconds: 0.5 }), { timeoutMs: 30_000 });
    expect(outcomes(res.targets[0])).toEqual(['timeout', 'skipped:timeout']);
    expect(res.targets[0]?.stopped).toMatchObject({ reason: 'timeout', phase: 'setup' });
    expect(res.targets[0]?.candidates[0]).toMatchObject({ outcome: 'timeout', phase: 'setup' });
    expect(only(res.targets[1]?.candidates[0]).repr).toBe('6');
  });

  it('a call killed while the function itself was stuck says phase expr', async () => {
    const res = await runProbe(python, request([target('deaf', ['deaf()'])], { timeoutSeconds: 0.5 }), { timeoutMs: 30_000 });
    expect(res.targets[0]?.stopped).toMatchObject({ reason: 'timeout', phase: 'expr' });
    expect(res.targets[0]?.candidates[0]).toMatchObject({ outcome: 'timeout', phase: 'expr' });
  });
});

describe('runProbe: what is left behind', () => {
  it("kills what a crashed call started (its process group), and closing the probe's files loses that target only", async () => {
    const pidfile = path.join(work, 'sleeper.pid');
    const res = await runProbe(
      python,
      request([target('leave_sleeper', [`leave_sleeper(${JSON.stringify(pidfile)})`]), target('close_results', ['close_results()']), target('fine', ['fine(8)'])], {
        allowSideEffects: true,
      }),
      { timeoutMs: 30_000 },
    );
    expect(res.targets[0]?.candidates[0]).toMatchObject({ outcome: 'crash', exitCode: 1 });
    const pid = Number(readFileSync(pidfile, 'utf8'));
    // SIGKILL is delivered asynchronously: give a loaded machine a moment to end the process.
    const alive = () => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive()).toBe(false);
    expect(res.targets[1]?.candidates[0]?.outcome).toBe('crash');
    expect(only(res.targets[2]?.candidates[0]).repr).toBe('16');
  });

  it('an import that ends the process fails every target of that module, and the others still run', async () => {
    const res = await runProbe(
      python,
      request([target('fine', ['fine(1)']), target('add', ['add(1, 2)'], 'probepkg.exits_on_import'), target('add', ['add(3, 4)'], 'probepkg.exits_on_import'), target('fine', ['fine(9)'])]),
      { timeoutMs: 30_000 },
    );
    const [, first, second, last] = res.targets;
    expect(first?.importError).toEqual({ type: 'ProcessEnded', message: 'importing probepkg.exits_on_import ended the Python process (os._exit(3))' });
    expect(second?.importError).toEqual(first?.importError);
    expect(first?.candidates).toEqual([]);
    expect(only(last?.candidates[0]).repr).toBe('18');
  });
});
