/**
 * husky v9 and lint-staged, installed from npm (needs the npm registry), with real commits.
 * smart-test is linked into node_modules as a dev dependency would be
 * (node_modules/smart-test -> this project, node_modules/.bin/smart-test -> its bin).
 * `run` is another command's job; the hook is pointed at `check` with SMART_TEST_HOOK_COMMAND.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, cleanEnv, makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

const CLEAN = 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n';
const WITH_PLACEHOLDER = 'from calc import add\n\n\ndef test_add():\n    assert add("test_value", 2) == 3\n';
const FIXED = 'from calc import add\n\n\ndef test_add():\n    assert add(3, 2) == 5\n';
const ENV = { GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', SMART_TEST_HOOK_COMMAND: 'check' };

let modules: string;
/** Set when husky and lint-staged could not be installed: every test fails with it (never skipped). */
let setupError: Error | null = null;

beforeAll(() => {
  modules = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-npm-')));
  writeFileSync(path.join(modules, 'package.json'), JSON.stringify({ name: 'hook-tools', private: true }));
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-dev', 'husky@9', 'lint-staged@15'], {
    cwd: modules,
    env: cleanEnv(),
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    setupError = new Error(`npm install husky@9 lint-staged@15 failed: these tests need npm and the npm registry.\n${r.error?.message ?? ''}${r.stdout}\n${r.stderr}`);
    return;
  }
  // smart-test as a dev dependency: npm would put the package and its bin link here.
  symlinkSync(PROJECT_ROOT, path.join(modules, 'node_modules', 'smart-test'));
  symlinkSync('../smart-test/bin/smart-test.cjs', path.join(modules, 'node_modules', '.bin', 'smart-test'));
}, 180_000);

afterAll(() => {
  if (modules) rmSync(modules, { recursive: true, force: true });
});

function npmProject(pkg: Record<string, unknown> = {}): TempRepo {
  if (setupError) throw setupError;
  const repo = makeRepo();
  repo.write('package.json', `${JSON.stringify({ name: 'py-project', private: true, ...pkg }, null, 2)}\n`);
  repo.write('.gitignore', 'node_modules/\n');
  symlinkSync(path.join(modules, 'node_modules'), path.join(repo.root, 'node_modules'));
  repo.write('calc.py', 'def add(a, b):\n    return a + b\n');
  repo.write('tests/test_calc.py', CLEAN);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'init');
  return repo;
}

function commit(cwd: string, extra: Record<string, string> = {}) {
  const r = spawnSync('git', ['commit', '-q', '-m', 'change'], { cwd, env: cleanEnv({ ...ENV, ...extra }), encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

function huskyInit(repo: TempRepo): void {
  execFileSync(path.join(repo.root, 'node_modules', '.bin', 'husky'), ['init'], { cwd: repo.root, env: cleanEnv(ENV), encoding: 'utf8' });
}

describe('husky v9', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = npmProject();
    huskyInit(repo);
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
    // husky init writes "npm test"; a project's own checks stand in for it.
    repo.write('.husky/pre-commit', 'echo "husky: project checks ran"\n');
  });
  afterEach(() => repo.cleanup());

  it('install appends one line to .husky/pre-commit; twice changes nothing; commits are gated; uninstall removes only that line', () => {
    const r = runCli(['install'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('added `sh node_modules/smart-test/hooks/pre-commit  # installed by smart-test` to .husky/pre-commit (husky)');
    const content = readFileSync(path.join(repo.root, '.husky', 'pre-commit'), 'utf8');
    expect(content).toBe('echo "husky: project checks ran"\nsh node_modules/smart-test/hooks/pre-commit  # installed by smart-test\n');
    expect(runCli(['install'], repo.root).stdout).toMatch(/already installed in \.husky\/pre-commit/);
    expect(readFileSync(path.join(repo.root, '.husky', 'pre-commit'), 'utf8')).toBe(content);
    expect(existsSync(path.join(repo.root, '.git', 'hooks', 'pre-commit'))).toBe(false);

    const before = repo.git('rev-parse', 'HEAD');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', 'tests');
    const blocked = commit(repo.root);
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain('husky: project checks ran');
    expect(blocked.output).toContain('tests/test_calc.py:5:17: placeholder "test_value" left in test_add');
    expect(repo.git('rev-parse', 'HEAD')).toBe(before);

    repo.write('tests/test_calc.py', FIXED);
    repo.git('add', 'tests');
    const ok = commit(repo.root);
    expect(ok.code, ok.output).toBe(0);

    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', 'tests');
    const skipped = commit(repo.root, { SMART_TEST_SKIP: '1' });
    expect(skipped.code).toBe(0);
    expect(skipped.output).toContain('smart-test: skipped (SMART_TEST_SKIP=1)');

    const removed = runCli(['uninstall'], repo.root);
    expect(removed.code).toBe(0);
    expect(readFileSync(path.join(repo.root, '.husky', 'pre-commit'), 'utf8')).toBe('echo "husky: project checks ran"\n');
  });

  it('a repository with .husky/ but husky not set up yet still gets the line, with a note', () => {
    repo.git('config', '--unset', 'core.hooksPath');
    const r = runCli(['install'], repo.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/husky is not set up in this clone yet/);
    expect(readFileSync(path.join(repo.root, '.husky', 'pre-commit'), 'utf8')).toContain('# installed by smart-test');
  });
});

describe('husky v9 in a monorepo folder (package.json and .husky/ below the top)', () => {
  let repo: TempRepo;
  beforeEach(() => {
    if (setupError) throw setupError;
    repo = makeRepo();
    repo.write('frontend/package.json', '{ "name": "frontend", "private": true }\n');
    repo.write('.gitignore', 'node_modules/\n');
    symlinkSync(path.join(modules, 'node_modules'), path.join(repo.root, 'frontend', 'node_modules'));
    repo.write('tests/test_calc.py', CLEAN);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'init');
    // husky's documented monorepo set-up: `husky frontend/.husky`, run from the top.
    execFileSync(path.join(repo.root, 'frontend', 'node_modules', '.bin', 'husky'), ['frontend/.husky'], { cwd: repo.root, env: cleanEnv(ENV), encoding: 'utf8' });
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('frontend/.husky/_');
  });
  afterEach(() => repo.cleanup());

  it('writes frontend/.husky/pre-commit with a path from the top, and the hook finds the CLI in that package', () => {
    const r = runCli(['install'], path.join(repo.root, 'frontend'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/does not exist yet/);
    expect(readFileSync(path.join(repo.root, 'frontend', '.husky', 'pre-commit'), 'utf8')).toBe('sh frontend/node_modules/smart-test/hooks/pre-commit  # installed by smart-test\n');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', 'tests');
    const blocked = commit(repo.root);
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain('tests/test_calc.py:5:17: placeholder "test_value" left in test_add');
  });
});

describe('lint-staged (through husky): `smart-test check` gets the staged test files', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = npmProject({ 'lint-staged': { '**/{test_*,*_test,conftest}.py': 'smart-test check' } });
    huskyInit(repo);
    repo.write('.husky/pre-commit', 'lint-staged\n');
  });
  afterEach(() => repo.cleanup());

  it('blocks a staged placeholder (absolute paths shown relative), passes once fixed, ignores unstaged placeholders', () => {
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.write('tests/test_unstaged.py', 'X = "test_value"\n');
    repo.write('tests/conftest.py', 'BASE = "test_value"\n');
    repo.write('pkg/calc_test.py', 'def test_x():\n    assert "test_value"\n');
    repo.write('pkg/helpers.py', 'NAME = "test_value"\n');
    repo.git('add', 'tests/test_calc.py', 'tests/conftest.py', 'pkg');
    const blocked = commit(repo.root);
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain('tests/test_calc.py:5:17: placeholder "test_value" left in test_add');
    expect(blocked.output).toContain('tests/conftest.py:1:9: placeholder "test_value" left at module level');
    expect(blocked.output).toContain('pkg/calc_test.py:2:13: placeholder "test_value" left in test_x');
    expect(blocked.output).not.toContain('test_unstaged.py');
    expect(blocked.output).not.toContain('helpers.py');
    repo.git('rm', '-q', '--cached', 'tests/conftest.py', 'pkg/calc_test.py', 'pkg/helpers.py');

    // Partly staged: the staged version is clean, the working tree holds a placeholder.
    repo.write('tests/test_calc.py', FIXED);
    repo.git('add', 'tests/test_calc.py');
    repo.write('tests/test_calc.py', `${FIXED}\n\ndef test_more():\n    assert add("test_value", 1) == 2\n`);
    const ok = commit(repo.root);
    expect(ok.code, ok.output).toBe(0);
    expect(repo.git('show', 'HEAD:tests/test_calc.py')).toBe(FIXED);
    expect(readFileSync(path.join(repo.root, 'tests', 'test_calc.py'), 'utf8')).toContain('test_more');
  });
});
