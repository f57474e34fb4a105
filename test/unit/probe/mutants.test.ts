/**
 * A target's mutant (smart_test_probe/mutants.py): one small change of its code in place for
 * that target's calls only, through every reference to the function (a decorator's wrapper, a
 * property, a method that uses super() and private names), with the original back afterwards.
 * Real Python.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeCandidateResult, ProbeTarget } from '../../../src/generate/probe-model.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `def wraps(f):
    def wrapper(*args):
        return f(*args)
    return wrapper


def clamp(x, lo=0, hi=10):
    """Between lo and hi."""
    if x < lo:
        return lo
    return x


class Box:
    def __init__(self, n):
        self.__n = n

    @wraps
    def bigger(self, m):
        return self.__n > m

    @property
    def double(self):
        return self.__n * 2

    def named(self):
        return super().__repr__().startswith('<')


def documented(x=3):
    """Only a docstring, and a default."""
    pass


def spin(n):
    while True:
        n += 1
        if n > 3:
            break
    return n
`;

let python: string;
const mod = probeModule('mutantmod', MODULE);
beforeAll(() => {
  python = requirePython();
});

const shown = (r: ProbeCandidateResult) => (r.outcome === 'return' ? r.repr : r.outcome);

describe('a mutant of the target', () => {
  it('changes what its calls give for that target only, and is put back after', async () => {
    const calls = ['clamp(-1)', 'clamp(0)', 'clamp(5)'];
    const span = { qualname: 'clamp', firstLine: 8, lastLine: 11, traceLines: false } as const;
    const mutant = (index: number): Partial<ProbeTarget> => ({ ...span, mutant: { lines: [9, 10, 11], count: 8, index } });
    const res = await runProbe(python, mod.request([mod.target('0', calls, mutant(0)), mod.target('1', calls, mutant(1)), mod.target('2', calls, span), mod.target('3', calls, mutant(9))], { repeat: false }), { timeoutMs: 60_000 });
    const [lessOrEqual, noLo, original, none] = res.targets;
    // The sites in order: `x < lo` (line 9), `return lo` (10), `return x` (11); the docstring and the defaults are left alone.
    expect(lessOrEqual!.mutant).toEqual({ line: 9, change: '< -> <=' });
    expect(lessOrEqual!.candidates.map(shown)).toEqual(['0', '0', '5']);
    expect(noLo!.mutant).toEqual({ line: 10, change: 'return None' });
    expect(noLo!.candidates.map(shown)).toEqual(['None', '0', '5']);
    expect(original!.candidates.map(shown)).toEqual(['0', '0', '5']);
    expect(original!.mutant).toBeUndefined();
    expect(original!.candidates.every((r) => r.lines.length === 0)).toBe(true);
    expect(none!.importError).toMatchObject({ type: 'MutantUnavailable', message: expect.stringContaining('3 sites') });
  });

  it("reaches a decorator's wrapped function, a property, private names and super()", async () => {
    const setup = ['obj = Box(3)'];
    const target = (id: string, qualname: string, line: number, exprs: string[]): ProbeTarget => ({
      ...mod.target(id, exprs, { qualname, firstLine: line, lastLine: line, traceLines: false, mutant: { lines: [line], count: 1, index: 0 } }),
      candidates: exprs.map((expr, i) => ({ id: String(i), setup, expr })),
    });
    const res = await runProbe(python, mod.request([target('0', 'Box.bigger', 20, ['obj.bigger(2)', 'obj.bigger(3)']), target('1', 'Box.double', 24, ['obj.double']), target('2', 'Box.named', 27, ['obj.named()'])], { repeat: false }), { timeoutMs: 60_000 });
    const [bigger, double, named] = res.targets;
    expect(bigger!.mutant).toEqual({ line: 20, change: 'return None' });
    expect(bigger!.candidates.map(shown)).toEqual(['None', 'None']);
    expect(double!.mutant).toEqual({ line: 24, change: 'return None' });
    expect(double!.candidates.map(shown)).toEqual(['None']);
    // Dropping `return`'s value drops super() too: the code no longer fits the function's cell, so no mutant.
    expect(named!.importError?.type).toBe('MutantUnavailable');
  });

  it('stops a mutant\'s calls at the first that gives another result than it gave without (its digest)', async () => {
    const calls = ['clamp(5)', 'clamp(-1)', 'clamp(3)'];
    const span = { qualname: 'clamp', firstLine: 8, lastLine: 11 } as const;
    const plain = await runProbe(python, mod.request([mod.target('0', calls, span)], { repeat: false }), { timeoutMs: 60_000 });
    const digests = plain.targets[0]!.candidates.map((r) => r.digest!);
    expect(new Set(digests).size).toBe(3);
    const expecting = (index: number): ProbeTarget => ({
      ...mod.target(String(index), calls, { ...span, traceLines: false, mutant: { lines: [9, 10, 11], count: 8, index } }),
      candidates: calls.map((expr, i) => ({ id: String(i), setup: [], expr, expect: digests[i]! })),
    });
    // `x < lo` -> `x <= lo` changes none of them; `return lo` -> `return None` changes clamp(-1), the second.
    const res = await runProbe(python, mod.request([expecting(0), expecting(1)], { repeat: false }), { timeoutMs: 60_000 });
    const [same, told] = res.targets;
    expect(same!.candidates.map((r) => r.digest)).toEqual(digests);
    expect(same!.stopped).toBeNull();
    expect(told!.candidates.map((r) => r.outcome)).toEqual(['return', 'return', 'skipped']);
    expect(told!.candidates[1]!.digest).not.toBe(digests[1]);
    expect(told!.stopped).toBeNull();
  });

  it('leaves docstrings and defaults alone, and a mutant that loops stops its own target only', async () => {
    const res = await runProbe(
      python,
      mod.request(
        [
          mod.target('0', 'documented()', { qualname: 'documented', firstLine: 31, lastLine: 32, mutant: { lines: [31, 32], count: 4, index: 0 } }),
          // `break` -> `continue`: the loop never ends.
          mod.target('1', ['spin(0)', 'spin(5)'], { qualname: 'spin', firstLine: 36, lastLine: 40, traceLines: false, mutant: { lines: [39], count: 8, index: 0 }, candidates: [{ id: '0', setup: [], expr: 'spin(0)', timeoutSeconds: 0.2 }, { id: '1', setup: [], expr: 'spin(5)' }] }),
          mod.target('2', 'spin(0)', { qualname: 'spin', firstLine: 36, lastLine: 40 }),
        ],
        { repeat: false },
      ),
      { timeoutMs: 60_000 },
    );
    const [documented, looping, after] = res.targets;
    expect(documented!.importError).toMatchObject({ type: 'MutantUnavailable', message: expect.stringContaining('0 sites') });
    expect(looping!.mutant).toEqual({ line: 39, change: 'break -> continue' });
    expect(looping!.candidates.map((r) => r.outcome)).toEqual(['timeout', 'skipped']);
    expect(after!.candidates.map(shown)).toEqual(['4']);
  });
});
