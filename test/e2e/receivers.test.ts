/**
 * A method's tests call it on an instance of its class. A receiver built another way (a module
 * function annotated to return the class that returns something else) runs none of the method's
 * lines: such a call is no test of it. Nor is an outer function's call that never calls the
 * nested function changed. Real Python, real pytest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, stagedChange, type TempRepo } from '../helpers/repo.js';
import { expectGeneratedPass, generateAll, writeModule } from '../helpers/mutants.js';

const TOKENS = `class Token:
    def __init__(self, text: str):
        self.text = text

    def __len__(self):
        return len(self.text)


def tokens(line: str) -> "Token":
    return line.split()
`;

/** The managed tests of `target` in a generated test file, one text each. */
function testsOf(text: string, target: string): string[] {
  return text.split(/^# smart-test: /m).filter((block) => block.startsWith(`target=${target} `));
}

describe('receivers', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('a method is tested on an instance of its class, not on what a wrongly annotated factory returns', () => {
    const python = requirePython();
    writeModule(repo, 'tokens', TOKENS);
    const text = generateAll(repo, python, 'tokens');
    const tests = testsOf(text, 'Token.__len__');
    expect(tests.length).toBeGreaterThan(0);
    for (const test of tests) expect(test).toMatch(/obj = Token\(/);
    expectGeneratedPass(repo, python, 'tokens');
  });

  it('a nested function no call of its outer function runs gets no test, and the report says why', () => {
    const python = requirePython();
    // Only the nested function changes, and the outer one calls it only when a module flag is on.
    const base = '_FAST = False\n\n\ndef total(items):\n    def fast_sum(xs):\n        return sum(xs)\n    if _FAST:\n        return fast_sum(items)\n    out = 0\n    for x in items:\n        out += x\n    return out\n';
    const changed = base.replace('return sum(xs)', 'return sum(list(xs))');
    stagedChange(repo, python, { base: { 'src/calc.py': base, 'tests/test_total.py': 'from calc import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n' }, changed: { 'src/calc.py': changed } });
    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { written: string[]; generated: Array<{ qualname: string; status: string; detail: string; unreachedLines: number[] }> };
    expect(out.written).toEqual([]);
    const nested = out.generated.find((g) => g.qualname === 'total.fast_sum')!;
    expect(nested).toMatchObject({ status: 'none', unreachedLines: [6] });
    expect(nested.detail).toMatch(/ran none of its lines/);
  });
});
