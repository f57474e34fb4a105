/**
 * The probe's children each run a chunk of consecutive targets (child.py _chunks): a fork costs
 * more than most targets' calls. The chunks depend on the request only (not on the number of
 * CPUs), a target that stops or changes its module's state ends its child, and each target
 * still runs with its own sys.argv and environment. Real Python, real fork.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeCandidateResult, ProbeRequest, ProbeTarget } from '../../../src/generate/probe-model.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `import os
import sys

SEEN = []


def pid():
    return os.getpid()


def remember(x):
    SEEN.append(x)
    return len(SEEN)


def seen():
    return len(SEEN)


def argv():
    return list(sys.argv)


def env_set():
    return 'SMART_TEST_CHUNK_VAR' in os.environ


def leave():
    os._exit(3)


def patch_builtins():
    import builtins
    builtins.smart_test_chunk_mark = 1
    return os.getpid()


def ignore_warnings():
    import warnings
    warnings.simplefilter('ignore')
    return os.getpid()
`;

let python: string;
const mod = probeModule('chunkmod', MODULE);
beforeAll(() => {
  python = requirePython();
});

function target(id: string, expr: string, extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return mod.target(id, expr, { qualname: expr.split('(')[0]!, ...extra });
}

function request(targets: ProbeTarget[]): ProbeRequest {
  return mod.request(targets);
}

const value = (r: ProbeCandidateResult | undefined) => (r?.outcome === 'return' ? r.repr : r?.outcome);

/** The targets grouped by the process that ran them (its pid), as lists of target indexes. */
function byProcess(pids: Array<string | undefined>): number[][] {
  const groups = new Map<string, number[]>();
  pids.forEach((p, i) => groups.set(p ?? `none${i}`, [...(groups.get(p ?? `none${i}`) ?? []), i]));
  return [...groups.values()];
}

describe('probe children run chunks of targets', () => {
  it('groups consecutive targets the same way whatever the number of CPUs the probe uses', async () => {
    const targets = Array.from({ length: 8 }, (_, i) => target(`t${i}`, 'pid()'));
    const one = await runProbe(python, request(targets), { timeoutMs: 60_000, env: { SMART_TEST_PROBE_JOBS: '1' } });
    const two = await runProbe(python, request(targets), { timeoutMs: 60_000, env: { SMART_TEST_PROBE_JOBS: '2' } });
    const groupsOne = byProcess(one.targets.map((t) => value(t.candidates[0])));
    const groupsTwo = byProcess(two.targets.map((t) => value(t.candidates[0])));
    expect(groupsOne).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    expect(groupsTwo).toEqual(groupsOne);
  });

  it("a target that changed its module's state ends its child: the next target of its chunk sees the module as imported", async () => {
    // Five targets make four chunks, the first two targets together.
    const res = await runProbe(python, request([target('a', "remember('x')"), target('b', 'seen()'), target('c', 'pid()'), target('d', 'pid()'), target('e', 'pid()')]), { timeoutMs: 60_000 });
    expect(res.targets[0]?.candidates[0]).toMatchObject({ outcome: 'return', repr: '1', changesModule: ['SEEN'] });
    expect(value(res.targets[1]?.candidates[0])).toBe('0');
  });

  it('a target that changed the builtins or the warnings filters ends its child too', async () => {
    for (const expr of ['patch_builtins()', 'ignore_warnings()']) {
      const res = await runProbe(python, request([target('a', expr), target('b', 'pid()'), target('c', 'pid()'), target('d', 'pid()'), target('e', 'pid()')]), { timeoutMs: 60_000 });
      const [a, b] = res.targets.map((t) => value(t.candidates[0]));
      expect(a).toMatch(/^\d+$/);
      expect(b).toMatch(/^\d+$/);
      expect(b).not.toBe(a);
    }
    // The same five targets, nothing changed: the first two share a child.
    const same = await runProbe(python, request([target('a', 'pid()'), target('b', 'pid()'), target('c', 'pid()'), target('d', 'pid()'), target('e', 'pid()')]), { timeoutMs: 60_000 });
    expect(value(same.targets[1]?.candidates[0])).toBe(value(same.targets[0]?.candidates[0]));
  });

  it('a call that ends its process costs its own target only: the rest of its chunk runs in a new child', async () => {
    const res = await runProbe(python, request([target('a', 'leave()'), target('b', 'pid()'), target('c', 'pid()'), target('d', 'pid()'), target('e', 'pid()')]), { timeoutMs: 60_000 });
    expect(res.targets[0]?.candidates[0]).toMatchObject({ outcome: 'crash', exitCode: 3 });
    expect(res.targets[0]?.stopped).toMatchObject({ reason: 'crash' });
    expect(res.targets.slice(1).map((t) => t.candidates[0]?.outcome)).toEqual(['return', 'return', 'return', 'return']);
  });

  it("each target of a chunk runs with its own sys.argv and environment, and leaves the next target the request's", async () => {
    process.env.SMART_TEST_CHUNK_VAR = '1';
    try {
      // Five targets make four chunks, the first two targets together.
      const res = await runProbe(python, request([target('a', '(argv(), env_set())', { argv: ['prog', '--flag'], unsetEnv: ['SMART_TEST_CHUNK_VAR'] }), target('b', '(argv(), env_set(), pid())'), target('c', 'pid()'), target('d', 'pid()'), target('e', 'pid()')]), { timeoutMs: 60_000 });
      expect(value(res.targets[0]?.candidates[0])).toBe("(['prog', '--flag'], False)");
      expect(value(res.targets[1]?.candidates[0])).toMatch(/^\(\['pytest'\], True, \d+\)$/);
      const pids = await runProbe(python, request([target('a', 'pid()'), target('b', 'pid()'), target('c', 'pid()'), target('d', 'pid()'), target('e', 'pid()')]), { timeoutMs: 60_000 });
      expect(byProcess(pids.targets.map((t) => value(t.candidates[0])))).toEqual([[0, 1], [2], [3], [4]]);
    } finally {
      delete process.env.SMART_TEST_CHUNK_VAR;
    }
  });
});
