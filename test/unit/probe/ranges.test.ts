/**
 * A target of several definitions sharing a qualname (definitions.ts) gives the probe their
 * line ranges: only those lines are traced as the target's, and only an exception raised inside
 * them counts as raised in the target. Real Python.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeRequest, ProbeTarget } from '../../../src/generate/probe-model.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

// Lines 4 and 7 are the two definitions of outer.pick; line 5 and the raise on line 9 are outer's.
const MODULE = `def outer(flag, fail=False):
    total = 0
    if flag:
        def pick(x): return x + 1
        total += 1
    else:
        def pick(x): return x - 1
    if fail:
        raise ValueError('outer fails')
    return pick(total)
`;

let python: string;
const mod = probeModule('rangemod', MODULE);
beforeAll(() => {
  python = requirePython();
});

function target(exprs: string[], extra: Partial<ProbeTarget>): ProbeTarget {
  return mod.target('t', exprs, { qualname: 'outer.pick', firstLine: 4, lastLine: 7, ...extra });
}

function request(t: ProbeTarget): ProbeRequest {
  return mod.request([t]);
}

describe('a target of several line ranges', () => {
  it("traces only the ranges' lines, not the code between them", async () => {
    const res = await runProbe(python, request(target(['outer(True)', 'outer(False)'], { ranges: [[4, 4], [7, 7]] })), { timeoutMs: 60_000 });
    const [taken, other] = res.targets[0]!.candidates;
    expect(taken).toMatchObject({ outcome: 'return', repr: '2', lines: [4] });
    expect(other).toMatchObject({ outcome: 'return', repr: '-1', lines: [7] });
    // Without ranges, the span's every line counts (line 5 is the outer function's).
    const plain = await runProbe(python, request(target(['outer(True)'], {})), { timeoutMs: 60_000 });
    expect(plain.targets[0]!.candidates[0]).toMatchObject({ lines: [4, 5] });
  });

  it('an exception raised outside the ranges is not raised in the target', async () => {
    const res = await runProbe(python, request(target(['outer(True, fail=True)'], { ranges: [[4, 4], [7, 7]], lastLine: 9 })), { timeoutMs: 60_000 });
    expect(res.targets[0]!.candidates[0]).toMatchObject({ raisedInTarget: false, raiseStatement: false });
    const spanned = await runProbe(python, request(target(['outer(True, fail=True)'], { lastLine: 9 })), { timeoutMs: 60_000 });
    expect(spanned.targets[0]!.candidates[0]).toMatchObject({ raisedInTarget: true, raiseStatement: true });
  });
});
