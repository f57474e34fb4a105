import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

interface ReportJson {
  coverageFile: string | null;
  threshold: number;
  filesChecked: number;
  totals: { files: number; functions: number; belowThreshold: number; unknown: number; meetsThreshold: number };
  packages: Array<{ package: string; files: number; functions: number; belowThreshold: number; unknown: number; meetsThreshold: number; coverage: number | null }>;
  functions: Array<{ file: string; qualname: string; line: number; coverage: number | null; statements: number | null; selected: boolean; reason: string; package: string; standing: string }>;
  warnings: string[];
}

// total: 8 statements, the tests run 5 (62.5%); add: covered; discount and Cart: never run.
const CART = `def add(a, b):
    return a + b


def total(items):
    s = 0
    for i in items:
        s += i
    if s > 100:
        s = s - 10
        s = s * 1
        s = s + 0
    return s


def discount(price, rate):
    if rate < 0:
        raise ValueError("negative rate")
    return price * (1 - rate)


class Cart:
    def __init__(self):
        self.items = []

    def put(self, x):
        self.items.append(x)
        return len(self.items)
`;

const TESTS = `from shop.cart import add, total
from shop.util.fmt import money


def test_add():
    assert add(1, 2) == 3


def test_total():
    assert total([1, 2]) == 3


def test_money():
    assert money(2) == "2.00"
`;

/**
 * shop (cart.py, late.py: written after the coverage run, so of unknown coverage), shop.util
 * (fmt.py), a top-level module tools.py, and shop/legacy excluded by the configuration.
 */
function setUp(repo: TempRepo, python: string) {
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  repo.write('.smarttestrc.json', JSON.stringify({ sourceRoots: ['src'], exclude: ['src/shop/legacy'], python }));
  repo.write('src/shop/__init__.py', '');
  repo.write('src/shop/cart.py', CART);
  repo.write('src/shop/util/__init__.py', '');
  repo.write('src/shop/util/fmt.py', 'def money(x):\n    return f"{x:.2f}"\n');
  repo.write('src/shop/legacy/old.py', 'def old():\n    return 1\n');
  repo.write('src/tools.py', 'def tool():\n    return 2\n');
  repo.write('tests/test_shop.py', TESTS);
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n');
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
  runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q'], repo.root);
  runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
  // Untracked, not ignored, and not in the report.
  repo.write('src/shop/late.py', 'def late(x):\n    return x\n');
}

describe('smart-test plan --all on a real repository with real coverage', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeRepo();
    setUp(repo, requirePython());
  });
  afterAll(() => repo.cleanup());

  it('JSON: every function, below the threshold worst first, then unknown, then the rest; totals and packages', () => {
    const result = runCli(['plan', '--all', '--format', 'json'], repo.root);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report.coverageFile).toBe('coverage.json');
    expect(report.functions.map((f) => `${f.file}:${f.qualname}`)).toEqual([
      'src/shop/cart.py:discount',
      'src/shop/cart.py:Cart.__init__',
      'src/shop/cart.py:Cart.put',
      'src/tools.py:tool',
      'src/shop/cart.py:total',
      'src/shop/late.py:late',
      'src/shop/cart.py:add',
      'src/shop/util/fmt.py:money',
    ]);
    const byName = new Map(report.functions.map((f) => [f.qualname, f]));
    expect(byName.get('total')).toMatchObject({ coverage: 62.5, statements: 8, standing: 'below', selected: true, package: 'shop' });
    expect(byName.get('late')).toMatchObject({ coverage: null, standing: 'unknown', selected: true });
    expect(byName.get('late')!.reason).toMatch(/not in coverage\.json/);
    expect(byName.get('add')).toMatchObject({ coverage: 100, standing: 'ok', selected: false });
    expect(byName.get('tool')).toMatchObject({ package: '' });
    // The excluded folder is not reported.
    expect(report.functions.some((f) => f.file.includes('legacy'))).toBe(false);
    expect(report.totals).toEqual({ files: 6, functions: 8, belowThreshold: 5, unknown: 1, meetsThreshold: 2 });
    expect(report.packages).toEqual([
      { package: '', files: 1, functions: 1, belowThreshold: 1, unknown: 0, meetsThreshold: 0, coverage: 0 },
      { package: 'shop', files: 3, functions: 6, belowThreshold: 4, unknown: 1, meetsThreshold: 1, coverage: expect.any(Number) },
      { package: 'shop.util', files: 2, functions: 1, belowThreshold: 0, unknown: 0, meetsThreshold: 1, coverage: 100 },
    ]);
  });

  it('text: one diagnostic per function worst first, the package table and the summary; paths from where the user stands', () => {
    const result = runCli(['plan', '--all'], path.join(repo.root, 'src'));
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('shop/cart.py:16:1: discount (0.0%) below threshold: coverage 0.0% is below the threshold 80%');
    expect(lines[4]).toBe('shop/cart.py:5:1: total (62.5%) below threshold: coverage 62.5% is below the threshold 80%');
    expect(lines[5]).toMatch(/^shop\/late\.py:1:1: late \(unknown\) coverage unknown: /);
    expect(lines[7]).toBe('shop/util/fmt.py:1:1: money (100.0%) ok: coverage 100.0% meets the threshold 80%');
    expect(lines).toContainEqual(expect.stringMatching(/^Package\s+Files\s+Functions\s+Below threshold\s+Unknown\s+Meet threshold\s+Coverage$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\(top level\)\s+1\s+1\s+1\s+0\s+0\s+0\.0%$/));
    expect(lines).toContainEqual(expect.stringMatching(/^shop\.util\s+2\s+1\s+0\s+0\s+1\s+100\.0%$/));
    expect(lines.at(-1)).toMatch(/^smart-test: 8 functions in 6 Python files: 5 below the threshold 80%, 1 of unknown coverage, 2 meet it \(coverage from coverage\.json/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('Markdown: the summary, the package table, the functions needing tests worst first, the others folded', () => {
    const result = runCli(['plan', '--all', '--format', 'markdown'], repo.root);
    expect(result.code).toBe(0);
    const md = result.stdout;
    expect(md).toMatch(/^## smart-test: where the repository stands\n/);
    expect(md).toContain('| Package | Files | Functions | Below threshold | Unknown | Meet threshold | Coverage |');
    expect(md).toContain('| `shop` | 3 | 6 | 4 | 1 | 1 |');
    expect(md).toContain('| (top level) | 1 | 1 | 1 | 0 | 0 | 0.0% |');
    const discount = md.indexOf('| `discount` | `src/shop/cart.py:16` | 0.0% |');
    const total = md.indexOf('| `total` | `src/shop/cart.py:5` | 62.5% | 8 |');
    const late = md.indexOf('| `late` | `src/shop/late.py:1` | unknown |');
    const details = md.indexOf('<details>');
    const add = md.indexOf('| `add` | `src/shop/cart.py:1` | 100.0% |');
    expect(discount).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(discount);
    expect(late).toBeGreaterThan(total);
    expect(details).toBeGreaterThan(late);
    expect(add).toBeGreaterThan(details);
    expect(md).toContain('<summary>2 functions meeting the threshold</summary>');
  });

  it('named folders and files: only those; a named file is taken even when excluded', () => {
    const named = runCli(['plan', '--all', 'src/shop/util', 'src/tools.py', '--format', 'json'], repo.root);
    expect(named.code).toBe(0);
    const report = JSON.parse(named.stdout) as ReportJson;
    expect(report.functions.map((f) => f.qualname)).toEqual(['tool', 'money']);
    expect(report.totals.files).toBe(3);

    const fromSub = runCli(['plan', '--all', 'util', '--format', 'json'], path.join(repo.root, 'src', 'shop'));
    expect((JSON.parse(fromSub.stdout) as ReportJson).functions.map((f) => f.file)).toEqual(['src/shop/util/fmt.py']);

    const excludedFile = runCli(['plan', '--all', 'src/shop/legacy/old.py', '--format', 'json'], repo.root);
    expect(excludedFile.code).toBe(0);
    expect((JSON.parse(excludedFile.stdout) as ReportJson).functions.map((f) => f.qualname)).toEqual(['old']);
  });

  it('input errors exit 2 with one paragraph: an excluded folder, a missing path, paths without --all, a review format', () => {
    const excluded = runCli(['plan', '--all', 'src/shop/legacy'], repo.root);
    expect(excluded.code).toBe(2);
    expect(excluded.stderr).toMatch(/"src\/shop\/legacy" holds no Python source file/);
    expect(excluded.stdout).toBe('');

    const missing = runCli(['plan', '--all', 'src/nope'], repo.root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/"src\/nope" does not exist/);

    const withoutAll = runCli(['plan', 'src/shop'], repo.root);
    expect(withoutAll.code).toBe(2);
    expect(withoutAll.stderr).toMatch(/smart-test plan --all src\/shop/);

    const sarif = runCli(['plan', '--all', '--format', 'sarif'], repo.root);
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toMatch(/--all goes with --format text, json or markdown/);
  });

  it('belowThreshold "error" makes it exit 1; a threshold everything meets exits 0', () => {
    const strict = runCli(['plan', '--all', '--format', 'json', '--config', 'strict.json'], repo.root);
    expect(strict.code).toBe(2); // no such file yet: a usage error
    repo.write('strict.json', JSON.stringify({ sourceRoots: ['src'], exclude: ['src/shop/legacy'], belowThreshold: 'error' }));
    const failing = runCli(['plan', '--all', '--config', 'strict.json'], repo.root);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/6 functions below the threshold 80% or with unknown coverage; failing because belowThreshold is "error"/);
    const fine = runCli(['plan', '--all', 'src/shop/util', '--config', 'strict.json'], repo.root);
    expect(fine.code).toBe(0);
  });
});

describe('smart-test plan --all on many modules', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('lists every function of 240 modules (outlined without tree-sitter: see plan-all-scan.test.ts), the same on a second run from the cache and after an edit', () => {
    const python = requirePython();
    repo.write('.smarttestrc.json', JSON.stringify({ sourceRoots: ['src'], python }));
    for (let m = 0; m < 240; m++) {
      const body = [`"""Module ${m}."""\n`];
      for (let k = 0; k < 3; k++) body.push(`\ndef f${k}(x):\n    """Doc\n    string."""\n    if x > ${k}:\n        return x\n    return -x\n`);
      body.push(`\nclass C${m}:\n    def get(self):\n        def inner():\n            return 1\n        return inner()\n`);
      repo.write(`src/p${m % 4}/m${m}.py`, body.join(''));
    }
    repo.write('src/p0/__init__.py', '');
    repo.write('run_some.py', 'import sys\nsys.path.insert(0, "src")\nfrom p0 import m0\nm0.f0(5)\nm0.C0().get()\n');
    repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\nrun_some.py\n');
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'base');
    runPython(python, ['-m', 'coverage', 'run', '--source=src', 'run_some.py'], repo.root);
    runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);

    const first = runCli(['plan', '--all', '--format', 'json'], repo.root);
    expect(first.stderr).toBe('');
    const report = JSON.parse(first.stdout) as ReportJson;
    expect(report.totals).toMatchObject({ files: 241, functions: 240 * 5 });
    const m0 = report.functions.filter((f) => f.file === 'src/p0/m0.py');
    expect(Object.fromEntries(m0.map((f) => [f.qualname, f.coverage]))).toEqual({ f0: 66.67, f1: 0, f2: 0, 'C0.get': 100, 'C0.get.inner': 100 });
    const second = runCli(['plan', '--all', '--format', 'json'], repo.root);
    expect(second.stdout).toBe(first.stdout);

    // One module edited (and measured again): only it is parsed again, and the report follows.
    repo.write('src/p1/m1.py', 'def only(x):\n    return x\n');
    runPython(python, ['-m', 'coverage', 'run', '--source=src', 'run_some.py'], repo.root);
    runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
    const third = JSON.parse(runCli(['plan', '--all', '--format', 'json'], repo.root).stdout) as ReportJson;
    expect(third.functions.filter((f) => f.file === 'src/p1/m1.py').map((f) => f.qualname)).toEqual(['only']);
    expect(third.totals.functions).toBe(240 * 5 - 5 + 1);

    // A file changed after the coverage run: stale, its functions unknown, with the warning, run after run.
    repo.write('src/p0/m4.py', 'def only2(x):\n    return x\n');
    const stale1 = runCli(['plan', '--all', '--format', 'json'], repo.root);
    const stale2 = runCli(['plan', '--all', '--format', 'json'], repo.root);
    expect(stale2.stdout).toBe(stale1.stdout);
    const staleReport = JSON.parse(stale1.stdout) as ReportJson;
    expect(staleReport.functions.find((f) => f.qualname === 'only2')).toMatchObject({ coverage: null, standing: 'unknown' });
    expect(staleReport.warnings).toEqual([expect.stringMatching(/^src\/p0\/m4\.py:1:1: coverage\.json is stale for this file/)]);
    // staleCoverage "error" is not answered from what a "warn" run remembered.
    repo.write('strict.json', JSON.stringify({ sourceRoots: ['src'], staleCoverage: 'error' }));
    const strict = runCli(['plan', '--all', '--config', 'strict.json'], repo.root);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/src\/p0\/m4\.py:1:1: coverage\.json is stale for this file/);
  });
});
