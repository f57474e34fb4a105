/**
 * An exception a handler of the target re-raises with a bare `raise` (`except StopIteration:
 * raise`) is the target's own raise, though its traceback shows the line it was first raised
 * on; one that merely passes through the target is not. Real Python.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeRaise } from '../../../src/generate/probe-model.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `def second(seq):
    seq = iter(seq)
    try:
        next(seq)
        return next(seq)
    except StopIteration:
        raise


def passes(seq):
    seq = iter(seq)
    return next(seq)
`;

let python: string;
const mod = probeModule('reraisemod', MODULE);
beforeAll(() => {
  python = requirePython();
});

describe('a bare raise in a handler', () => {
  it("counts as the target's raise statement; an exception that only passes through does not", async () => {
    const res = await runProbe(python, mod.request([mod.target('second', 'second([])', { qualname: 'second', firstLine: 1, lastLine: 7 }), mod.target('passes', 'passes([])', { qualname: 'passes', firstLine: 10, lastLine: 12 })]), { timeoutMs: 60_000 });
    const [reraised, passed] = res.targets.map((t) => t.candidates[0] as ProbeRaise);
    expect(reraised).toMatchObject({ outcome: 'raise', raisedInTarget: true, raiseStatement: true, lines: [2, 3, 4, 6, 7] });
    expect(passed).toMatchObject({ outcome: 'raise', raisedInTarget: true, raiseStatement: false });
  });
});
