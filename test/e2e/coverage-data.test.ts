/**
 * Coverage measured with `pytest --cov` only: smart-test turns coverage.py's data file into
 * coverage.json itself (src/coverage/data-file.ts, convert.ts). Real git, Python, pytest-cov.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

const CALC = `"""Small sums."""


def add(a: int, b: int) -> int:
    return a + b


def clamp(value: int, low: int = 0, high: int = 10) -> int:
    if value < low:
        return low
    if value > high:
        return high
    return value


def describe(n: int) -> str:
    if n == 0:
        return "zero"
    return "negative" if n < 0 else "positive"
`;

const TESTS = `from calc import add


def test_add():
    assert add(1, 2) == 3
`;

const CONVERTED = /^smart-test: converted \.coverage to coverage\.json \(coverage json, \d+\.\d s\)$/m;

interface RunJson {
  functions: Array<{ qualname: string; selected: boolean; coverage: number | null }>;
  written: string[];
  coverageFile: string | null;
}

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

/** A Python project with `calc.add` tested, `clamp` and `describe` staged and untested. */
function project(python: string, settings: Record<string, unknown> = {}): TempRepo {
  const repo = makeRepo('smart-test-covdata-');
  repos.push(repo);
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  repo.write('src/calc.py', '"""Small sums."""\n');
  repo.write('tests/test_calc.py', TESTS);
  repo.write('.gitignore', '.coverage\n.coverage.*\ncoverage.json\n__pycache__/\n.pytest_cache/\n');
  repo.write('.smarttestrc.json', JSON.stringify({ python, ...settings }));
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
  repo.write('src/calc.py', CALC);
  repo.git('add', 'src/calc.py');
  return repo;
}

function pytestCov(python: string, repo: TempRepo, extra: string[] = []): void {
  runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--cov=src', ...extra], repo.root);
}

function dataFiles(repo: TempRepo): string[] {
  return readdirSync(repo.root).filter((n) => n.startsWith('.coverage')).sort();
}

describe('coverage from .coverage (pytest --cov without a JSON report)', () => {
  it('converts .coverage, then plans and writes the same tests as with coverage.json; an up-to-date coverage.json is not converted again', () => {
    const python = requirePython();
    // The reference: the same project with coverage.json written by hand.
    const reference = project(python);
    pytestCov(python, reference);
    runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], reference.root);
    const expected = runCli(['run', '--format', 'json'], reference.root);
    expect(expected.code, expected.stderr).toBe(1);
    expect(expected.stderr).not.toMatch(/converted/);

    const repo = project(python);
    pytestCov(python, repo);
    expect(existsSync(path.join(repo.root, 'coverage.json'))).toBe(false);
    const first = runCli(['run', '--format', 'json'], repo.root);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(CONVERTED);
    expect(first.stderr.match(/converted/g)).toHaveLength(1);
    const out = JSON.parse(first.stdout) as RunJson;
    const want = JSON.parse(expected.stdout) as RunJson;
    expect(out.coverageFile).toBe('coverage.json');
    expect(out.functions).toEqual(want.functions);
    expect(out.functions.filter((f) => f.selected).map((f) => f.qualname).sort()).toEqual(['clamp', 'describe']);
    expect(out.written.length).toBeGreaterThan(0);
    expect(out.written).toEqual(want.written);
    for (const file of out.written) {
      expect(readFileSync(path.join(repo.root, file), 'utf8')).toBe(readFileSync(path.join(reference.root, file), 'utf8'));
    }
    // The report's time is the time of the tests' coverage, not of the conversion.
    const report = JSON.parse(readFileSync(path.join(repo.root, 'coverage.json'), 'utf8')) as { meta: { timestamp: string } };
    const saved = statSync(path.join(repo.root, '.coverage')).mtime;
    expect(Math.abs(new Date(report.meta.timestamp).getTime() - saved.getTime())).toBeLessThan(1000);

    // coverage.json is now newer than .coverage: nothing is converted, no Python runs for it.
    const again = runCli(['plan'], repo.root, { SMART_TEST_TIMING: '1' });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/smart-test timing \(ms since start\): .*coverage/);
    expect(again.stderr).not.toMatch(/converted/);

    // New test run: .coverage is newer again, and is converted again.
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(repo.root, '.coverage'), later, later);
    const third = runCli(['plan', '--format', 'json'], repo.root);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(CONVERTED);
  });

  it('finds the data file named in the coverage configuration ([run] data_file in .coveragerc), with relative_files', () => {
    const python = requirePython();
    const repo = project(python);
    repo.write('.coveragerc', '[run]\ndata_file = build/cov.data\nrelative_files = True\n');
    pytestCov(python, repo);
    expect(existsSync(path.join(repo.root, 'build', 'cov.data'))).toBe(true);
    const result = runCli(['plan', '--format', 'json'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^smart-test: converted build\/cov\.data to coverage\.json/m);
    const plan = JSON.parse(result.stdout) as RunJson;
    expect(plan.functions.find((f) => f.qualname === 'clamp')?.coverage).toBe(0);
    expect(plan.functions.find((f) => f.qualname === 'add')?.coverage).toBe(100);
    const report = JSON.parse(readFileSync(path.join(repo.root, 'coverage.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(report.files)).toEqual(['src/calc.py']);
  });

  it('writes the report where the "coverage" setting says, and the data file where coverageData says', () => {
    const python = requirePython();
    const repo = project(python, { coverage: ['reports/cov.json'], coverageData: 'reports/.data' });
    runPython(python, ['-m', 'coverage', 'run', '--data-file=reports/.data', '--source=src', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'], repo.root);
    const result = runCli(['plan', '--format', 'json'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^smart-test: converted reports\/\.data to reports\/cov\.json/m);
    expect((JSON.parse(result.stdout) as RunJson).coverageFile).toBe('reports/cov.json');
    expect(existsSync(path.join(repo.root, 'coverage.json'))).toBe(false);
  });

  it('combines parallel data files (.coverage.*) in a temporary copy, leaving the originals as they were', () => {
    const python = requirePython();
    const repo = project(python);
    runPython(python, ['-m', 'coverage', 'run', '-p', '--source=src', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_calc.py'], repo.root);
    repo.write('tests/test_clamp.py', 'from calc import clamp\n\n\ndef test_clamp():\n    assert clamp(-1) == 0\n    assert clamp(11) == 10\n    assert clamp(5) == 5\n');
    runPython(python, ['-m', 'coverage', 'run', '-p', '--source=src', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_clamp.py'], repo.root);
    const before = dataFiles(repo);
    expect(before).toHaveLength(2);
    const snapshot = before.map((n) => ({ n, bytes: readFileSync(path.join(repo.root, n)), mtime: statSync(path.join(repo.root, n)).mtimeMs }));

    const result = runCli(['plan', '--format', 'json'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^smart-test: combined 2 parallel coverage data files \(\.coverage\.\*\) in a temporary copy and converted them to coverage\.json/m);
    const plan = JSON.parse(result.stdout) as RunJson;
    // Both runs count: add from the first, clamp from the second.
    expect(plan.functions.find((f) => f.qualname === 'clamp')?.coverage).toBe(100);
    expect(plan.functions.find((f) => f.qualname === 'describe')?.coverage).toBe(0);
    // The originals are untouched and no combined .coverage appeared in the repository.
    expect(dataFiles(repo)).toEqual(before);
    for (const s of snapshot) {
      expect(readFileSync(path.join(repo.root, s.n)).equals(s.bytes)).toBe(true);
      expect(statSync(path.join(repo.root, s.n)).mtimeMs).toBe(s.mtime);
    }
  });

  it('coverageData: false turns the conversion off', () => {
    const python = requirePython();
    const repo = project(python, { coverageData: false });
    pytestCov(python, repo);
    const result = runCli(['plan'], repo.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No coverage report found/);
    expect(result.stderr).toMatch(/There is a coverage data file at "\.coverage"/);
    expect(result.stderr).not.toMatch(/converted/);
    expect(existsSync(path.join(repo.root, 'coverage.json'))).toBe(false);
  });

  it('a Python without coverage.py: exit 2, naming what to install', () => {
    const python = requirePython();
    const venv = makeRepo('smart-test-venv-');
    repos.push(venv);
    execFileSync(python, ['-m', 'venv', '--without-pip', path.join(venv.root, 'env')]);
    const bare = path.join(venv.root, 'env', 'bin', 'python');
    expect(() => execFileSync(bare, ['-c', 'import coverage'], { stdio: 'ignore' })).toThrow();
    const repo = project(bare);
    pytestCov(python, repo);
    const result = runCli(['run'], repo.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`coverage.py's data file ".coverage" is newer than the JSON report, but no Python that can import coverage.py`);
    expect(result.stderr).toContain(`\`${bare} -m pip install coverage\``);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(path.join(repo.root, 'coverage.json'))).toBe(false);
  });

  it('a data file coverage json cannot report on: exit 2 with coverage.py\'s own words', () => {
    const python = requirePython();
    const repo = project(python);
    runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--cov=nothing_measured'], repo.root);
    const result = runCli(['plan'], repo.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Could not turn coverage\.py's data file "\.coverage" into the JSON report: `.* -m coverage json` exited with status 1: No data to report\. Re-run the tests/);
    expect(existsSync(path.join(repo.root, 'coverage.json'))).toBe(false);
    expect(readdirSync(repo.root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('does not convert when no touched function needs coverage', () => {
    const python = requirePython();
    const repo = project(python);
    pytestCov(python, repo);
    repo.git('reset', '-q');
    repo.write('src/notes.py', 'LIMIT = 3\n');
    repo.git('add', 'src/notes.py');
    const result = runCli(['plan'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/converted/);
    expect(existsSync(path.join(repo.root, 'coverage.json'))).toBe(false);
  });
});
