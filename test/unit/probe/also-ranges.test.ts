/**
 * Lines beyond the target's (the other functions a change touched: the target's `alsoRanges`)
 * are traced apart: a call reports them as `alsoLines`, never as the target's own. Real Python.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeTarget } from '../../../src/generate/probe-model.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

// `shipping` (lines 1-4) is the target; `price` (lines 7-10) calls it; `label` (13-14) does not.
const MODULE = `def shipping(total):
    if total > 50:
        return 0
    return 5


def price(items):
    total = sum(items)
    extra = shipping(total)
    return total + extra


def label(n):
    return "n=%d" % n
`;

let python: string;
const mod = probeModule('alsomod', MODULE);
beforeAll(() => {
  python = requirePython();
});

function target(exprs: string[], extra: Partial<ProbeTarget> = {}): ProbeTarget {
  return mod.target('t', exprs, { qualname: 'shipping', firstLine: 2, lastLine: 4, alsoRanges: [[8, 10], [14, 14]], ...extra });
}

describe("a target's alsoRanges", () => {
  it("reports the other spans' lines a call ran apart from the target's", async () => {
    const res = await runProbe(python, mod.request([target(['price([10, 60])', 'shipping(3)', 'label(2)'])]), { timeoutMs: 60_000 });
    const [viaPrice, direct, other] = res.targets[0]!.candidates;
    expect(viaPrice).toMatchObject({ outcome: 'return', repr: '70', lines: [2, 3], alsoLines: [8, 9, 10] });
    expect(direct).toMatchObject({ outcome: 'return', repr: '5', lines: [2, 4], alsoLines: [] });
    expect(other).toMatchObject({ outcome: 'return', lines: [], alsoLines: [14] });
    // A target without them reports no alsoLines.
    const plain = await runProbe(python, mod.request([target(['price([1])'], { alsoRanges: undefined })]), { timeoutMs: 60_000 });
    expect(plain.targets[0]!.candidates[0]).not.toHaveProperty('alsoLines');
  });

  it("never counts the target's own lines as the other spans'", async () => {
    // A span holding the target's lines (an outer function's) adds only the lines outside them.
    const res = await runProbe(python, mod.request([target(['price([1])'], { alsoRanges: [[1, 10]] })]), { timeoutMs: 60_000 });
    expect(res.targets[0]!.candidates[0]).toMatchObject({ lines: [2, 4], alsoLines: [8, 9, 10] });
  });
});
