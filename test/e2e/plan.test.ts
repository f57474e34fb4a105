import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { CLI, makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

interface PlanJson {
  coverageFile: string | null;
  functions: Array<{ file: string; qualname: string; line: number; coverage: number | null; selected: boolean; reason: string }>;
  warnings: string[];
}

// f: 10 statements, the tests run 3 of them (30%); g: fully covered.
const OPS_V1 = `def f(x):
    a = x + 1
    if a < 100:
        return a
    b = a * 2
    c = b + 1
    d = c - 3
    e = d * d
    if e > 10:
        return e
    return 0


def g(x):
    return x * 2


def h(x):
    return x - 1
`;

const OPS_V2 = OPS_V1.replace('    b = a * 2\n', '    b = a * 3\n').replace('    return x * 2\n', '    y = x * 2\n    return y\n');

const PARTIAL_V1 = `def p(x):
    return x + 1


def q(x):
    return x + 2
`;
const PARTIAL_STAGED = PARTIAL_V1.replace('return x + 1', 'return x + 10');
const PARTIAL_WORKTREE = PARTIAL_STAGED.replace('return x + 2', 'return x + 20');

const TESTS = `from calc.ops import f, g
from calc.partial import p


def test_f():
    assert f(1) == 2


def test_g():
    assert g(2) == 4


def test_p():
    assert p(1) > 0
`;

function setUp(repo: TempRepo, python: string) {
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  repo.write('src/calc/__init__.py', '');
  repo.write('src/calc/ops.py', OPS_V1);
  repo.write('src/calc/partial.py', PARTIAL_V1);
  repo.write('src/calc/other.py', 'def other(x):\n    return x\n');
  repo.write('tests/test_calc.py', TESTS);
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n');
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
  // The change: f and g edited and staged; p staged, q changed only in the working tree; other.py unstaged.
  repo.write('src/calc/ops.py', OPS_V2);
  repo.write('src/calc/partial.py', PARTIAL_STAGED);
  repo.git('add', 'src/calc/ops.py', 'src/calc/partial.py');
  repo.write('src/calc/partial.py', PARTIAL_WORKTREE);
  repo.write('src/calc/other.py', 'def other(x):\n    return x + 1\n');
  // Then the tests run under coverage, as a developer does before committing.
  runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q'], repo.root);
  runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
}

describe('smart-test plan on a real repository with real coverage', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('selects the under-covered touched function, not the covered one, and only staged lines count', () => {
    const python = requirePython();
    setUp(repo, python);
    const result = runCli(['plan', '--format', 'json'], repo.root);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    expect(plan.coverageFile).toBe('coverage.json');
    const byName = new Map(plan.functions.map((f) => [f.qualname, f]));
    expect([...byName.keys()].sort()).toEqual(['f', 'g', 'p']);
    expect(byName.get('f')).toMatchObject({ file: 'src/calc/ops.py', line: 1, coverage: 30, selected: true });
    expect(byName.get('f')!.reason).toMatch(/below the threshold 80%/);
    expect(byName.get('g')).toMatchObject({ file: 'src/calc/ops.py', line: 14, coverage: 100, selected: false });
    expect(byName.get('g')!.reason).toMatch(/meets the threshold/);
    // q changed only in the working tree: not touched. p's staged text is what coverage measured.
    expect(byName.get('p')).toMatchObject({ file: 'src/calc/partial.py', coverage: 100, selected: false });
    expect(plan.functions.some((f) => f.file === 'src/calc/other.py')).toBe(false);
    expect(plan.warnings).toEqual([]);
  });

  it('prints diagnostics and a summary in text, from a subdirectory, with --threshold', () => {
    const python = requirePython();
    setUp(repo, python);
    const result = runCli(['plan', '--threshold', '20'], path.join(repo.root, 'src'));
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.find((l) => l.startsWith('calc/ops.py:1:1:'))).toBe('calc/ops.py:1:1: f (30.0%) needs tests: line 5 changed and not covered (coverage 30.0% meets the threshold 20%)');
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(lines.at(-1)).toMatch(/^smart-test: 2 staged Python files checked, 3 touched functions, 1 selected for tests \(coverage from coverage\.json/);
  });

  it('sees exactly the files being committed inside a real hook, for `commit -a` and `commit <path>`', () => {
    repo.write('a.py', 'def a():\n    return 1\n');
    repo.write('b.py', 'def b():\n    return 1\n');
    repo.write('coverage.json', JSON.stringify({ meta: { version: '7.4.0', timestamp: '2099-01-01T00:00:00.000000' }, files: {} }));
    repo.git('add', 'a.py', 'b.py');
    repo.git('commit', '-qm', 'base');
    const out = path.join(repo.root, '.git', 'plan-output.json');
    const hook = path.join(repo.root, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, `#!/bin/sh\n"${process.execPath}" "${CLI}" plan --format json > "${out}"\n`);
    chmodSync(hook, 0o755);
    const seen = () => (JSON.parse(readFileSync(out, 'utf8')) as PlanJson).functions.map((f) => f.file).sort();

    repo.write('a.py', 'def a():\n    return 2\n');
    repo.write('b.py', 'def b():\n    return 2\n');
    repo.git('commit', '-qam', 'both, through commit -a');
    expect(seen()).toEqual(['a.py', 'b.py']);

    repo.write('a.py', 'def a():\n    return 3\n');
    repo.write('b.py', 'def b():\n    return 3\n');
    repo.git('add', 'b.py');
    repo.git('commit', '-qm', 'only a, through commit <path>', 'a.py');
    expect(seen()).toEqual(['a.py']);
  });
});

