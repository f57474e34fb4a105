/**
 * Selection by changed lines, end to end: real git, coverage.py (with and without --branch),
 * smart-test run, and pytest on what it wrote.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, stagedChange, type TempRepo } from '../helpers/repo.js';

// 20 statements; the tests run all but the changed `raise`.
const BASE = `def clamp(x: int, low: int = 0, high: int = 10) -> int:
    a = 1
    b = 2
    c = 3
    d = 4
    e = 5
    f = 6
    g = 7
    h = 8
    i = 9
    j = 10
    k = 11
    m = 12
    n = 13
    o = 14
    p = a + b + c + d + e + f + g + h + i + j + k + m + n + o
    if x < low:
        return low
    if x > high:
        return high
    return x
`;

const WITH_RAISE = BASE.replace('    if x < low:\n', '    if low > high:\n        raise ValueError("low is above high")\n    if x < low:\n');

const TESTS = `from calc import clamp


def test_clamp():
    assert clamp(-1) == 0
    assert clamp(11) == 10
    assert clamp(5) == 5
`;

interface PlanJson {
  functions: Array<{ qualname: string; selected: boolean; coverage: number; reason: string; uncoveredChangedLines: number[] }>;
  written?: string[];
  generated?: Array<{ qualname: string; status: string; detail: string; targetLines: number[]; unreachedLines: number[] }>;
}

function setUp(repo: TempRepo, python: string, config: Record<string, unknown>, change: string, branch = false): void {
  stagedChange(repo, python, { base: { 'src/calc.py': BASE, 'tests/test_calc.py': TESTS }, changed: { 'src/calc.py': change }, config, branch });
}

describe('selection by changed lines', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('selects a 95%-covered function whose new raise no test runs, and writes a test that runs it', () => {
    const python = requirePython();
    setUp(repo, python, {}, WITH_RAISE);
    const plan = JSON.parse(runCli(['plan', '--format', 'json'], repo.root).stdout) as PlanJson;
    const clamp = plan.functions.find((f) => f.qualname === 'clamp')!;
    expect(clamp.coverage).toBeGreaterThanOrEqual(90);
    expect(clamp.selected).toBe(true);
    expect(clamp.uncoveredChangedLines).toEqual([18]);
    expect(clamp.reason).toBe('line 18 changed and not covered (coverage 95.5% meets the threshold 80%)');

    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as PlanJson;
    const generated = out.generated!.find((g) => g.qualname === 'clamp')!;
    expect(generated.status).toBe('written');
    expect(generated.targetLines).toEqual([18]);
    expect(generated.unreachedLines).toEqual([]);
    const text = readFileSync(path.join(repo.root, 'tests/test_calc.py'), 'utf8');
    expect(text).toMatch(/with pytest\.raises\(ValueError, match='\^low is above high\$'\)/);
    // The generated tests pass, and they run the new raise.
    runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q', '-k', 'raises'], repo.root);
    const report = JSON.parse(runPython(python, ['-m', 'coverage', 'json', '-o', '-'], repo.root)) as { files: Record<string, { executed_lines: number[] }> };
    expect(report.files['src/calc.py']!.executed_lines).toContain(18);
  });

  it('a function that gets no test reports every target line as not reached', () => {
    const python = requirePython();
    // A new function every inferred call of which fails (a KeyError the function does not raise itself).
    setUp(repo, python, {}, `${BASE}\n\ndef lookup(key):\n    table = {}\n    return table[key]\n`);
    const run = runCli(['run', '--format', 'json'], repo.root);
    const generated = (JSON.parse(run.stdout) as PlanJson).generated!.find((g) => g.qualname === 'lookup')!;
    expect(generated.status).toBe('none');
    expect(generated.targetLines).toEqual([25, 26]);
    expect(generated.unreachedLines).toEqual([25, 26]);
  });

  it('counts a line inside a condition spread over lines as the statement coverage.py counts (the `if (` line)', () => {
    const python = requirePython();
    // Lines 18-20 are one statement: coverage.py counts line 18, a line tracer sees line 19 run.
    setUp(repo, python, {}, BASE.replace('    if x < low:\n', '    if x > 1000:\n        if (\n            x > 2000\n        ):\n            raise ValueError("huge")\n    if x < low:\n'));
    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(1);
    const generated = (JSON.parse(run.stdout) as PlanJson).generated!.find((g) => g.qualname === 'clamp')!;
    expect(generated.targetLines).toEqual([18, 21]);
    expect(generated.unreachedLines).toEqual([]);
    runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q', 'tests/test_calc.py'], repo.root);
    const report = JSON.parse(runPython(python, ['-m', 'coverage', 'json', '-o', '-'], repo.root)) as { files: Record<string, { executed_lines: number[] }> };
    expect(report.files['src/calc.py']!.executed_lines).toEqual(expect.arrayContaining([18, 21]));
  });

  it('changedLines: ignore leaves a function above the threshold alone', () => {
    const python = requirePython();
    setUp(repo, python, { changedLines: 'ignore' }, WITH_RAISE);
    const plan = JSON.parse(runCli(['plan', '--format', 'json'], repo.root).stdout) as PlanJson;
    const clamp = plan.functions.find((f) => f.qualname === 'clamp')!;
    expect(clamp.selected).toBe(false);
    expect(clamp.reason).toMatch(/meets the threshold/);
  });

  it('--changed-lines overrides the setting for one run; a bad rule is a usage error', () => {
    const python = requirePython();
    setUp(repo, python, {}, WITH_RAISE);
    const plan = JSON.parse(runCli(['plan', '--changed-lines', 'ignore', '--format', 'json'], repo.root).stdout) as PlanJson;
    expect(plan.functions.find((f) => f.qualname === 'clamp')!.selected).toBe(false);
    const bad = runCli(['plan', '--changed-lines', 'maybe'], repo.root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--changed-lines "maybe" is not a rule: use "cover" or "ignore".');
    expect(runCli(['check', '--changed-lines', 'cover'], repo.root).code).toBe(2);
  });

  it('a change whose changed lines are all covered selects nothing', () => {
    const python = requirePython();
    setUp(repo, python, {}, BASE.replace('return high', 'return int(high)'));
    const plan = JSON.parse(runCli(['plan', '--format', 'json'], repo.root).stdout) as PlanJson;
    expect(plan.functions.map((f) => [f.qualname, f.selected, f.uncoveredChangedLines])).toEqual([['clamp', false, []]]);
  });

  it('with branch data, a changed line with a branch never taken counts as not covered', () => {
    const python = requirePython();
    // A changed one-line statement with no branch of its own: covered.
    const change = BASE.replace('    return x\n', '    x = x + 0 if x != 42 else x\n    return x\n');
    setUp(repo, python, {}, change, true);
    const plan = JSON.parse(runCli(['plan', '--format', 'json'], repo.root).stdout) as PlanJson;
    const clamp = plan.functions.find((f) => f.qualname === 'clamp')!;
    expect(clamp.uncoveredChangedLines).toEqual([]);
    const branchy = BASE.replace('    if x > high:\n        return high\n', '    if x > high:\n        if x > 1000:\n            return high\n        return high\n');
    repo.cleanup();
    repo = makeRepo();
    setUp(repo, python, {}, branchy, true);
    const second = JSON.parse(runCli(['plan', '--format', 'json'], repo.root).stdout) as PlanJson;
    const fn = second.functions.find((f) => f.qualname === 'clamp')!;
    // Line 20 (`if x > 1000:`) ran but never took its true branch; line 21 never ran.
    expect(fn.uncoveredChangedLines).toEqual([20, 21]);
    expect(fn.selected).toBe(true);
  });
});
