/**
 * Probe sessions (probe-process.ts ProbeSession, probe-sessions.ts): one probe process answers a
 * run's later requests on the same modules without importing them again, each target still in a
 * child of its own; a process that ran code itself, failed an import or crashed is replaced.
 * Real Python, real processes.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import { ProbeSession } from '../../../src/generate/probe-process.js';
import { ProbeSessions } from '../../../src/generate/probe-sessions.js';
import type { ProbeCandidateResult, ProbeRequest, ProbeTarget } from '../../../src/generate/probe-model.js';
import { requirePython } from '../../helpers/python.js';

let python: string;
let root: string;
let src: string;
let work: string;
let counter = 0;

/** A module whose import is seen from its candidates: the pid of the process that imported it, and how often it was imported there. */
const COUNTED = `
import os

IMPORTED_BY = os.getpid()
_state = {"imports": 0}
_state["imports"] += 1


def importer():
    return IMPORTED_BY


def runner_is_importer():
    return os.getpid() == IMPORTED_BY


def bump():
    _state["imports"] += 100
    return _state["imports"]
`;

function target(module: string, calls: string[]): ProbeTarget {
  const id = `t${++counter}`;
  return { id, module, file: path.join(src, `${module}.py`), qualname: 'importer', firstLine: 1, lastLine: 40, candidates: calls.map((expr, k) => ({ id: `${id}/${k}`, setup: [], expr })) };
}

function request(targets: ProbeTarget[], overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return { sysPath: [src], cwd: work, timeoutSeconds: 2, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), targets, ...overrides };
}

const repr = (r: ProbeCandidateResult | undefined) => (r?.outcome === 'return' ? r.repr : `${r?.outcome}`);

beforeAll(() => {
  python = process.env.SMART_TEST_PROBE_PYTHON || requirePython();
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-session-')));
  src = path.join(root, 'src');
  work = path.join(root, 'work');
  mkdirSync(src);
  mkdirSync(work);
  writeFileSync(path.join(src, 'counted.py'), COUNTED);
  writeFileSync(path.join(src, 'broken.py'), 'raise ImportError("not today")\n');
  writeFileSync(path.join(src, 'slow.py'), 'import time\n\ntime.sleep(30)\n');
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('ProbeSession', () => {
  it('answers later requests in the same process: the module is imported once, and every target runs in a child of its own', async () => {
    const session = new ProbeSession(python, {});
    try {
      const ask = () => runProbe(python, request([target('counted', ['importer()', 'runner_is_importer()', 'bump()'])]), { timeoutMs: 30_000, session });
      const first = await ask();
      const second = await ask();
      const [pid1, child1, bump1] = first.targets[0]!.candidates.map(repr);
      const [pid2, child2, bump2] = second.targets[0]!.candidates.map(repr);
      expect(pid2).toBe(pid1);
      // Not run where it was imported, and a candidate's changes are not seen by the next request.
      expect([child1, child2]).toEqual(['False', 'False']);
      expect([bump1, bump2]).toEqual(['101', '101']);
      // A request on its own (no session) imports the module in a new process.
      const fresh = await runProbe(python, request([target('counted', ['importer()'])]), { timeoutMs: 30_000 });
      expect(repr(fresh.targets[0]!.candidates[0])).not.toBe(pid1);
    } finally {
      await session.close();
    }
  });

  it('after an import that failed, the next request runs in a new process', async () => {
    const session = new ProbeSession(python, {});
    try {
      const first = await runProbe(python, request([target('counted', ['importer()']), target('broken', ['1'])]), { timeoutMs: 30_000, session });
      expect(first.targets[1]!.importError).toMatchObject({ type: 'ImportError', message: 'not today' });
      const second = await runProbe(python, request([target('counted', ['importer()'])]), { timeoutMs: 30_000, session });
      expect(repr(second.targets[0]!.candidates[0])).not.toBe(repr(first.targets[0]!.candidates[0]));
    } finally {
      await session.close();
    }
  });

  it('without fork (candidates run in the probe itself) every request gets a new process', async () => {
    const session = new ProbeSession(python, { SMART_TEST_PROBE_NO_FORK: '1' });
    try {
      const ask = () => runProbe(python, request([target('counted', ['bump()'])]), { timeoutMs: 30_000, session });
      const answers = [await ask(), await ask()];
      expect(answers.map((a) => repr(a.targets[0]!.candidates[0]))).toEqual(['101', '101']);
    } finally {
      await session.close();
    }
  });

  it('without fork, a request that only imports (no candidates) leaves the process for the next one, which runs in it', async () => {
    const session = new ProbeSession(python, { SMART_TEST_PROBE_NO_FORK: '1' });
    try {
      await runProbe(python, request([target('counted', [])]), { timeoutMs: 30_000, session });
      const waiting = session.pid;
      expect(waiting).toBeDefined();
      const answer = await runProbe(python, request([target('counted', ['importer()', 'bump()'])]), { timeoutMs: 30_000, session });
      // The calls ran in the process that imported the module (once) for the first request.
      expect(answer.targets[0]!.candidates.map(repr)).toEqual([String(waiting), '101']);
      // Having run calls itself, it takes no further request.
      expect(session.pid).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('closed while it answers a request, the process is killed, and close settles once it is gone', async () => {
    const session = new ProbeSession(python, {});
    // Its import takes 30 s: the request is under way for as long as the test lasts.
    const asked = runProbe(python, request([target('slow', ['1'])]), { timeoutMs: 60_000, session });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await session.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    // Not finished in another process either: the request fails.
    await expect(asked).rejects.toThrow(/closed/);
    expect(session.pid).toBeUndefined();
  });

  it('closed while it waits for a request, its process has exited when close settles', async () => {
    const session = new ProbeSession(python, {});
    await runProbe(python, request([target('counted', ['importer()'])]), { timeoutMs: 30_000, session });
    const pid = session.pid!;
    await session.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('a request whose call crashes its child leaves the session running', async () => {
    const session = new ProbeSession(python, {});
    try {
      const first = await runProbe(python, request([target('counted', ['importer()', '__import__("os")._exit(3)'])], { allowSideEffects: true }), { timeoutMs: 30_000, session });
      expect(first.targets[0]!.candidates.map((c) => c.outcome)).toEqual(['return', 'crash']);
      const second = await runProbe(python, request([target('counted', ['importer()'])], { allowSideEffects: true }), { timeoutMs: 30_000, session });
      expect(repr(second.targets[0]!.candidates[0])).toBe(repr(first.targets[0]!.candidates[0]));
    } finally {
      await session.close();
    }
  });

  it('a process killed from outside while it waited is replaced: the next request is answered by a new one', async () => {
    const session = new ProbeSession(python, {});
    try {
      const first = await runProbe(python, request([target('counted', ['importer()'])]), { timeoutMs: 30_000, session });
      const pid = session.pid!;
      process.kill(-pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = await runProbe(python, request([target('counted', ['importer()'])]), { timeoutMs: 30_000, session });
      expect(second.targets[0]!.candidates[0]!.outcome).toBe('return');
      expect(repr(second.targets[0]!.candidates[0])).not.toBe(repr(first.targets[0]!.candidates[0]));
    } finally {
      await session.close();
    }
  });

  it('a request that differs from the first in more than its targets and repeat is refused', async () => {
    const session = new ProbeSession(python, {});
    try {
      await runProbe(python, request([target('counted', ['importer()'])]), { timeoutMs: 30_000, session });
      await expect(runProbe(python, request([target('counted', ['importer()'])], { timeoutSeconds: 3 }), { timeoutMs: 30_000, session })).rejects.toThrow(/differ only in targets, repeat/);
    } finally {
      await session.close();
    }
  });
});

describe('ProbeSessions', () => {
  it('gives each group of modules its own session and folder, the same ones again, and removes the folders on close', async () => {
    const sessions = new ProbeSessions(python, {});
    const a = await sessions.lease(['counted']);
    const b = await sessions.lease(['broken', 'counted']);
    // The first is still held: another request on its modules gets a folder of its own and no session.
    const busy = await sessions.lease(['counted']);
    expect(busy.session).toBeNull();
    expect(new Set([a.work, b.work, busy.work]).size).toBe(3);
    await busy.release();
    await a.release();
    await b.release();
    const again = await sessions.lease(['counted', 'counted']);
    expect([again.work, again.session]).toEqual([a.work, a.session]);
    await again.release();
    await sessions.close();
    const { existsSync } = await import('node:fs');
    expect([a.work, b.work, busy.work].map((dir) => existsSync(dir))).toEqual([false, false, false]);
  });
});
