/**
 * Lines beyond the target's (the other functions a change touched: the target's `alsoRanges`)
 * are traced apart: a call reports them as `alsoLines`, never as the target's own, and the entry
 * scan returns a second list of the calls that ran the target and new lines of them (read by
 * scannedAlongside). Real Python.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import { entryScan, scannedAlongside, scannedEntries } from '../../../src/generate/search/entry-scan.js';
import type { Candidate } from '../../../src/generate/infer/candidates.js';
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

  it('the entry scan returns the calls that ran the target and new lines of the other spans as a second list', async () => {
    // 0 and 1 run new lines of the target; 2 runs it as 0 did, and the other spans' lines as 0 did;
    // 3 runs label too (new lines of the spans, the target as before); 4 runs only label (not the target).
    const calls = ['price([10])', 'price([60])', 'price([20])', '(price([30]), label(1))', 'label(3)'];
    const pool: Candidate[] = calls.map((expr) => ({ setup: [], expr, origin: 'seed', placeholder: false, entry: true }));
    const scan = entryScan(pool)!;
    const res = await runProbe(python, mod.request([target([scan.expr])]), { timeoutMs: 60_000 });
    const result = res.targets[0]!.candidates[0]!;
    expect(result).toMatchObject({ outcome: 'return', repr: '[[0, 1], [3]]' });
    expect(scannedEntries([scan], [result]).map((c) => c.expr)).toEqual(['price([10])', 'price([60])']);
    expect(scannedAlongside([scan], [result]).map((c) => c.expr)).toEqual(['(price([30]), label(1))']);
    // Without other spans, one list as before, and nothing for the other functions.
    const plain = await runProbe(python, mod.request([target([scan.expr], { alsoRanges: undefined })]), { timeoutMs: 60_000 });
    const one = plain.targets[0]!.candidates[0]!;
    expect(one).toMatchObject({ outcome: 'return', repr: '[0, 1]' });
    expect(scannedEntries([scan], [one])).toHaveLength(2);
    expect(scannedAlongside([scan], [one])).toEqual([]);
  });
});
