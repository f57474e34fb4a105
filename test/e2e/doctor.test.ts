/**
 * `smart-test doctor` end to end: real git repositories, the real Python with pytest and
 * coverage.py (and a virtualenv without them), a coverage.json written by coverage.py, the hook
 * put in place by `smart-test install` (and by the real `pre-commit install`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { PROJECT_ROOT, cleanEnv, makeRepo, runCli, runPython, type CliResult, type TempRepo } from '../helpers/repo.js';

interface CheckData {
  id: string;
  status: 'ok' | 'warn' | 'error';
  message: string;
  fix: string | null;
}

const ENV = { GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };

const repos: TempRepo[] = [];
const temps: string[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

/**
 * A healthy project: src layout with pytest's `pythonpath` set, a test, coverage.json measured
 * by coverage.py, everything committed, smart-test's hook installed. Built once, copied for
 * each test (`cp -a` keeps the modes and times). `python` (default: the test Python) is
 * written into .smarttestrc.json.
 */
let template: string | null = null;

function buildTemplate(): string {
  const repo = makeRepo('smart-test-doctor-template-');
  temps.push(repo.root);
  const python = requirePython();
  repo.write('src/calc/__init__.py', '');
  repo.write('src/calc/ops.py', 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n');
  repo.write('tests/test_ops.py', 'from calc.ops import add, sub\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\ndef test_sub():\n    assert sub(3, 2) == 1\n');
  repo.write('pyproject.toml', '[tool.pytest.ini_options]\npythonpath = ["src"]\n');
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n.pytest_cache/\n');
  repo.write('.smarttestrc.json', `${JSON.stringify({ python, sourceRoots: ['src'] }, null, 2)}\n`);
  measure(repo.root);
  repo.git('add', '-A');
  repo.git('commit', '-q', '--no-verify', '-m', 'project');
  const installed = runCli(['install'], repo.root, ENV);
  expect(installed.code, installed.stderr).toBe(0);
  return repo.root;
}

/** coverage.py over the tests, then its JSON report. */
function measure(root: string): void {
  runPython(requirePython(), ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'], root);
  runPython(requirePython(), ['-m', 'coverage', 'json', '-q'], root);
}

function healthyProject(python?: string): TempRepo {
  template ??= buildTemplate();
  const root = path.join(tempDir('smart-test-doctor-'), 'project');
  const copied = spawnSync('cp', ['-a', template, root], { encoding: 'utf8' });
  if (copied.status !== 0) throw new Error(`cp -a failed: ${copied.stderr}`);
  const repo: TempRepo = {
    root,
    git: (...args) => execFileSync('git', args, { cwd: root, env: cleanEnv(ENV), encoding: 'utf8' }),
    write(rel, content) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), content);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  repos.push(repo);
  if (python !== undefined) repo.write('.smarttestrc.json', `${JSON.stringify({ python, sourceRoots: ['src'] }, null, 2)}\n`);
  return repo;
}

function doctor(repo: TempRepo, args: string[] = []): CliResult {
  return runCli(['doctor', ...args], repo.root, ENV);
}

function doctorJson(repo: TempRepo): { code: number; checks: CheckData[] } {
  const result = doctor(repo, ['--format', 'json']);
  expect(result.stderr).toBe('');
  return { code: result.code, checks: JSON.parse(result.stdout) as CheckData[] };
}

function byId(checks: CheckData[], id: string): CheckData {
  const check = checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check "${id}" in ${JSON.stringify(checks.map((c) => c.id))}`);
  return check;
}

function notOk(checks: CheckData[]): CheckData[] {
  return checks.filter((c) => c.status !== 'ok');
}

describe('smart-test doctor', () => {
  it('says all is well in a healthy repository (exit 0), one line per check and a summary', () => {
    const repo = healthyProject();
    const result = doctor(repo);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    for (const id of ['git', 'hook', 'config', 'coverage', 'coverage-age', 'python', 'pytest', 'coverage-module', 'packages', 'pytest-path', 'tests-dir']) {
      expect(lines.some((l) => l.startsWith(`ok    ${id}: `)), `${id} in\n${result.stdout}`).toBe(true);
    }
    expect(result.stdout).toContain('hook: .git/hooks/pre-commit is smart-test\'s hook');
    expect(result.stdout).toContain('config: configuration from .smarttestrc.json is valid');
    expect(result.stdout).toMatch(/coverage: coverage\.json: coverage\.py \d+\.\d+(\.\d+)? JSON report, .*2 measured files, written \d{4}-/);
    expect(result.stdout).toContain('packages: the project\'s top-level package calc is found from the source roots (src)');
    expect(result.stdout).toContain('pytest-path: pyproject.toml sets pytest\'s `pythonpath`');
    expect(result.stdout).toContain('tests-dir: tests folder tests/ exists (1 test file)');
    expect(result.stdout).not.toContain('fix:');
    expect(result.stdout).not.toContain('\u001b[');
    expect(lines.at(-1)).toBe('smart-test doctor: 11 ok, 0 warnings, 0 errors.');
  });

  it('--format json prints the checks as data and nothing else', () => {
    const repo = healthyProject();
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(0);
    expect(checks.length).toBe(11);
    for (const check of checks) {
      expect(Object.keys(check)).toEqual(['id', 'status', 'message', 'fix']);
      expect(check.status).toBe('ok');
      expect(check.fix).toBeNull();
      expect(check.message.length).toBeGreaterThan(0);
    }
    expect(checks.map((c) => c.id)).toEqual(['git', 'hook', 'config', 'coverage', 'coverage-age', 'python', 'pytest', 'coverage-module', 'packages', 'pytest-path', 'tests-dir']);
    // JSON is never coloured; text is when colour is forced (stdout is not a terminal here).
    const forced = { ...ENV, NO_COLOR: '', FORCE_COLOR: '1' };
    expect(runCli(['doctor', '--format', 'json'], repo.root, forced).stdout).not.toContain('\u001b[');
    expect(runCli(['doctor'], repo.root, forced).stdout).toContain('\u001b[32mok    \u001b[39m');
  });

  it('reports a Python without pytest as an error with the install command (exit 2)', () => {
    const venv = path.join(tempDir('smart-test-doctor-venv-'), 'venv');
    const made = spawnSync(requirePython(), ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`python3 -m venv --without-pip failed (install python3-venv): ${made.stderr}`);
    const python = path.join(venv, 'bin', 'python');
    const repo = healthyProject(python);
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(2);
    const pytest = byId(checks, 'pytest');
    expect(pytest.status).toBe('error');
    expect(pytest.message).toContain(`${python} cannot import pytest (ModuleNotFoundError: No module named 'pytest')`);
    expect(pytest.fix).toBe(`Run \`${python} -m pip install pytest\` (or add pytest to the project's dev dependencies).`);
    expect(byId(checks, 'coverage-module').status).toBe('warn');
    // The virtualenv's Python is the one reported, and the package is still found from src/.
    expect(byId(checks, 'python').message).toContain(`(\"python\": \"${python}\" in the configuration)`);
    expect(byId(checks, 'packages').status).toBe('ok');
    expect(notOk(checks).map((c) => c.id)).toEqual(['pytest', 'coverage-module']);

    const text = doctor(repo);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^error pytest: .*cannot import pytest/m);
    expect(text.stdout).toContain(`      fix: Run \`${python} -m pip install pytest\``);
  });

  it('reports a coverage.json older than a staged change, with the command to measure again (exit 1)', () => {
    const repo = healthyProject();
    repo.write('src/calc/ops.py', 'def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(repo.root, 'src/calc/ops.py'), later, later);
    repo.git('add', 'src/calc/ops.py');
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(1);
    expect(notOk(checks).map((c) => c.id)).toEqual(['coverage-age']);
    const age = byId(checks, 'coverage-age');
    expect(age.status).toBe('warn');
    expect(age.message).toMatch(/^coverage\.json is out of date for src\/calc\/ops\.py: the file was modified \(.*\) after the coverage report was written \(.*\); re-run coverage\. Until coverage is measured again, its functions count as of unknown coverage\.$/);
    expect(age.fix).toContain('coverage run -m pytest && coverage json');

    // Measured again: fresh.
    utimesSync(path.join(repo.root, 'src/calc/ops.py'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    measure(repo.root);
    const again = doctorJson(repo);
    expect(again.code).toBe(0);
    expect(byId(again.checks, 'coverage-age').message).toMatch(/newer than the 1 staged or changed source file \(newest: src\/calc\/ops\.py, modified /);
  });

  it('reports a .coverage data file without coverage.json as a warning to run `coverage json`', () => {
    const repo = healthyProject();
    rmSync(path.join(repo.root, 'coverage.json'));
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(1);
    const coverage = byId(checks, 'coverage');
    expect(coverage.status).toBe('warn');
    expect(coverage.message).toMatch(/^no JSON coverage report \(looked for coverage\.json\), but coverage\.py's data file \.coverage is there/);
    expect(coverage.fix).toBe('Run `coverage json` to write coverage.json from it.');
    expect(checks.some((c) => c.id === 'coverage-age')).toBe(false);
  });

  it('reports a bad configuration with the loader\'s own message and still runs the other checks (exit 2)', () => {
    const repo = healthyProject();
    repo.write('.smarttestrc.json', '{ "threshold": "high" }\n');
    const planned = runCli(['plan'], repo.root, ENV);
    expect(planned.code).toBe(2);
    const loaderMessage = planned.stderr.replace(/^smart-test: /, '').trim();
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(2);
    const config = byId(checks, 'config');
    expect(config.status).toBe('error');
    expect(config.message).toBe(loaderMessage);
    expect(config.message).toContain('"threshold"');
    expect(config.fix).toContain('the other checks use the default settings');
    // The rest ran, with the defaults: python3 from the PATH, source roots src and ".".
    for (const id of ['git', 'hook', 'coverage', 'coverage-age', 'python', 'tests-dir']) expect(byId(checks, id).status, id).not.toBe('error');
  });

  it('reports a hook that core.hooksPath hides, and `smart-test install` (its fix) puts it where git looks', () => {
    const repo = healthyProject();
    repo.git('config', 'core.hooksPath', '.githooks');
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(1);
    expect(notOk(checks).map((c) => c.id)).toEqual(['hook']);
    const hook = byId(checks, 'hook');
    expect(hook.status).toBe('warn');
    expect(hook.message).toBe('.git/hooks/pre-commit runs smart-test, but core.hooksPath is set to .githooks: git runs the hooks in .githooks only, so it never runs .git/hooks/pre-commit.');
    expect(hook.fix).toMatch(/^Run `smart-test install` \(it installs the hook in \.githooks\), then delete \.git\/hooks\/pre-commit; or `git config --unset core.hooksPath`/);

    expect(runCli(['install'], repo.root, ENV).code).toBe(0);
    const fixed = doctorJson(repo);
    expect(fixed.code).toBe(0);
    expect(byId(fixed.checks, 'hook').message).toBe(".githooks/pre-commit is smart-test's hook: git runs `smart-test run` before each commit.");
  });

  it('tells a missing hook and a hook git cannot execute apart', () => {
    const repo = healthyProject();
    const hookFile = path.join(repo.root, '.git/hooks/pre-commit');
    chmodSync(hookFile, 0o644);
    let hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook.status).toBe('warn');
    expect(hook.message).toBe('.git/hooks/pre-commit runs smart-test but is not executable, so git skips it.');
    expect(runCli(['uninstall'], repo.root, ENV).code).toBe(0);
    hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook.status).toBe('warn');
    expect(hook.message).toContain('no pre-commit hook runs smart-test');
    expect(hook.fix).toMatch(/^Run `smart-test install`/);
  });

  it('follows the pre-commit framework: config naming smart-test, then `pre-commit install`', () => {
    const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) throw new Error('pre-commit is not installed: this test needs the real `pre-commit` program (Debian: apt-get install pre-commit).');
    const repo = healthyProject();
    expect(runCli(['uninstall'], repo.root, ENV).code).toBe(0);
    repo.write('.pre-commit-config.yaml', 'repos:\n  - repo: https://github.com/OWNER/smart-test\n    rev: v0.1.0\n    hooks:\n      - id: smart-test\n      - id: smart-test-placeholders  # the gate\n');
    let hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook.status).toBe('warn');
    expect(hook.message).toBe('pre-commit framework: .pre-commit-config.yaml names "smart-test" and "smart-test-placeholders", but `pre-commit install` has not put its hook in .git/hooks/pre-commit, so nothing runs on commit.');
    expect(hook.fix).toBe('Run `pre-commit install`.');
    const installed = spawnSync('pre-commit', ['install'], { cwd: repo.root, env: { ...process.env, ...ENV, PRE_COMMIT_HOME: tempDir('smart-test-doctor-pc-') }, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook.status).toBe('ok');
    expect(hook.message).toContain('`pre-commit install` put its hook in .git/hooks/pre-commit');
  });

  it('follows husky: the plain hook still counts until husky is set up; the line, husky\'s core.hooksPath, the script it runs', () => {
    const repo = healthyProject();
    mkdirSync(path.join(repo.root, '.husky'));
    // husky not set up (core.hooksPath unset): git still runs .git/hooks/pre-commit.
    expect(byId(doctorJson(repo).checks, 'hook')).toMatchObject({ status: 'ok', message: ".git/hooks/pre-commit is smart-test's hook: git runs `smart-test run` before each commit." });
    rmSync(path.join(repo.root, '.git/hooks/pre-commit')); // (uninstall now looks at .husky/pre-commit)
    expect(runCli(['install'], repo.root, ENV).code).toBe(0); // the line in .husky/pre-commit
    let hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook.status).toBe('warn');
    expect(hook.message).toBe('husky: .husky/pre-commit runs smart-test, but husky is not set up in this clone (core.hooksPath is not set), so git never runs it.');
    expect(hook.fix).toContain('`npx husky`');
    repo.git('config', 'core.hooksPath', '.husky/_');
    hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook.status).toBe('error');
    expect(hook.message).toBe('husky: .husky/pre-commit runs node_modules/smart-test/hooks/pre-commit, which does not exist, so every commit stops with an error.');
    expect(hook.fix).toBe('Install smart-test in this repository: `npm install --save-dev smart-test`.');
    mkdirSync(path.join(repo.root, 'node_modules'));
    symlinkSync(PROJECT_ROOT, path.join(repo.root, 'node_modules', 'smart-test'));
    hook = byId(doctorJson(repo).checks, 'hook');
    expect(hook).toMatchObject({ status: 'ok', message: 'husky: .husky/pre-commit runs smart-test\'s hook before each commit.', fix: null });
  });

  it('reports a project pytest will not import without `pythonpath`, and works outside a repository', () => {
    const repo = healthyProject();
    repo.write('pyproject.toml', '[project]\nname = "calc"\n');
    const { code, checks } = doctorJson(repo);
    expect(code).toBe(1);
    const pytestPath = byId(checks, 'pytest-path');
    expect(pytestPath.status).toBe('warn');
    expect(pytestPath.message).toContain('may not import calc');
    expect(pytestPath.fix).toContain('`pythonpath = ["src"]` under [tool.pytest.ini_options]');

    // An installed copy of the package (here on PYTHONPATH, as site-packages would be) is what
    // pytest imports once `calc` is no longer missing: said so, with the same fix.
    const site = tempDir('smart-test-doctor-site-');
    mkdirSync(path.join(site, 'calc'));
    writeFileSync(path.join(site, 'calc', '__init__.py'), '');
    const installed = runCli(['doctor', '--format', 'json'], repo.root, { ...ENV, PYTHONPATH: site });
    const elsewhere = byId(JSON.parse(installed.stdout) as CheckData[], 'pytest-path');
    expect(elsewhere.status).toBe('warn');
    expect(elsewhere.message).toContain(`imports calc from ${realpathSync(path.join(site, 'calc', '__init__.py'))}, not from src/calc: an installed copy`);
    expect(elsewhere.fix).toContain('`pythonpath = ["src"]` under [tool.pytest.ini_options]');

    const outside = tempDir('smart-test-doctor-nogit-');
    const result = runCli(['doctor', '--format', 'json'], outside, ENV);
    expect(result.code).toBe(2);
    const data = JSON.parse(result.stdout) as CheckData[];
    expect(byId(data, 'git').status).toBe('error');
    expect(data.some((c) => c.id === 'hook')).toBe(false);
    expect(byId(data, 'config').status).toBe('ok');
  });
});
