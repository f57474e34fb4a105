import { describe, expect, it } from 'vitest';
import { primary, resultCalls, resultMethods } from '../../../src/generate/search/result-calls.js';
import type { Candidate } from '../../../src/generate/infer/candidates.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';
import { parsePython } from '../../../src/python/structure.js';

const MODULE = `class Builder:
    def text(self, sep=", "):
        return sep

    def needs(self, x):
        return x

    @property
    def size(self):
        return 1

    def __len__(self):
        return 1

    def __eq__(self, other):
        return True

    @classmethod
    def make(cls):
        return cls()

    async def later(self):
        return 1


def free():
    return 1
`;

const ret = (qualname: string, lines: number[], resultState?: string): ProbeCandidateResult =>
  ({ id: '0', outcome: 'return', repr: `<m.${qualname} object at 0x1>`, reprTruncated: false, literal: false, type: { module: 'm', qualname }, hasFloat: false, isNone: false, isBool: false, mentionsTmpPath: false, lines, names: [], deterministic: true, ...(resultState ? { resultState } : {}) }) as unknown as ProbeCandidateResult;
const call = (expr: string, extra: Partial<Candidate> = {}): Candidate => ({ setup: [], expr, origin: 'inferred', placeholder: false, ...extra });

describe('calls on what a target returned', () => {
  it('takes the touched methods callable with no argument, properties, and dunders a builtin calls', async () => {
    const mod = await parsePython(MODULE);
    const calls = resultMethods(mod.functions, 'm').map((m) => m.on('make()'));
    // Not `needs` (an argument without a default), `__eq__`, a classmethod, a coroutine or a module function.
    expect(calls).toEqual(['make().text()', 'make().size', 'len(make())']);
    expect(resultMethods(mod.functions, 'm').every((m) => m.module === 'm' && m.className === 'Builder')).toBe(true);
  });

  it('calls them on results of their class, calls taking paths of their own first, one call per result', async () => {
    const mod = await parsePython(MODULE);
    const methods = resultMethods(mod.functions.filter((f) => f.name === 'text'), 'm');
    const candidates = [call('f(1)'), call('f(2)'), call('f(3)'), call('f(4)'), call('g()', { valueProbe: true }), call('f("test_value")', { placeholder: true }), call('f(5)', { watch: ['xs'] })];
    const results = [ret('Builder', [1, 2], 'A'), ret('Builder', [1, 2], 'A'), ret('Other', [1, 3]), ret('Builder', [1, 3], 'B'), ret('Builder', [1]), ret('Builder', [1], 'C'), ret('Builder', [1, 2], 'D')];
    const out = resultCalls(methods, candidates, results);
    // f(1) and f(4) take paths of their own; f(2) repeats f(1)'s result; f(3) returned another class.
    expect(out.map((c) => c.expr)).toEqual(['f(1).text()', 'f(4).text()', 'f(5).text()']);
    // What a call did to its watched arguments is no longer asserted.
    expect(out[2]!.watch).toBeUndefined();
  });

  it('puts an expression in parentheses unless it is a name or a call of one', () => {
    expect(primary('Builder.make(f)')).toBe('Builder.make(f)');
    expect(primary('obj')).toBe('obj');
    expect(primary('f(")") ')).toBe('(f(")") )');
    expect(primary('f(")")')).toBe('f(")")');
    expect(primary('f(1) + g(2)')).toBe('(f(1) + g(2))');
    expect(primary('a[0]')).toBe('(a[0])');
    expect(primary('-x')).toBe('(-x)');
    expect(primary('await f()')).toBe('(await f())');
  });
});
