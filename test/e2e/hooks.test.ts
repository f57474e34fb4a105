/**
 * The plain git hook: `smart-test install` / `uninstall` and real `git commit`s through the
 * installed hooks/pre-commit script. `run` is another command's job; the hook is pointed at
 * `check` with SMART_TEST_HOOK_COMMAND and at the built CLI with SMART_TEST_BIN.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, cleanEnv, makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

const CLEAN = 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n';
const WITH_PLACEHOLDER = 'from calc import add\n\n\ndef test_add():\n    assert add("test_value", 2) == 3\n';
const HOOK_ENV = { SMART_TEST_BIN: CLI, SMART_TEST_HOOK_COMMAND: 'check' };

/** What `install` writes: the package's script with the running CLI (and its node) recorded in it. */
function installedScript(): string {
  return readFileSync(path.join(PROJECT_ROOT, 'hooks', 'pre-commit'), 'utf8')
    .replace(/^installed_cli=''$/m, `installed_cli='${realpathSync(CLI)}'`)
    .replace(/^installed_node=''$/m, `installed_node='${process.execPath}'`);
}

/** `git commit` as a user runs it (no global or system git config), hooks included. */
function commit(cwd: string, args: string[] = [], env: Record<string, string> = HOOK_ENV) {
  const r = spawnSync('git', ['commit', '-q', '-m', 'change', ...args], {
    cwd,
    env: cleanEnv({ GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', ...env }),
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

function head(repo: TempRepo): string {
  return repo.git('rev-parse', 'HEAD').trim();
}

function newRepo(): TempRepo {
  const repo = makeRepo();
  repo.write('calc.py', 'def add(a, b):\n    return a + b\n');
  repo.write('tests/test_calc.py', CLEAN);
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'init');
  return repo;
}

describe('plain git hook from `smart-test install`: real commits', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = newRepo();
    const r = runCli(['install'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/installed the pre-commit hook in \.git\/hooks\/pre-commit/);
  });
  afterEach(() => repo.cleanup());

  it('the installed hook is hooks/pre-commit with the installing CLI recorded, executable, with the marker', () => {
    const hook = path.join(repo.root, '.git', 'hooks', 'pre-commit');
    expect(readFileSync(hook, 'utf8')).toBe(installedScript());
    expect(statSync(hook).mode & 0o777).toBe(0o755);
    expect(readFileSync(hook, 'utf8')).toContain('# installed by smart-test');
  });

  it('a staged placeholder blocks the commit, naming file and line; once replaced and staged, the commit goes through', () => {
    const before = head(repo);
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const blocked = commit(repo.root);
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain('tests/test_calc.py:5:17: placeholder "test_value" left in test_add');
    expect(blocked.output).toContain('commit blocked');
    expect(head(repo)).toBe(before);

    repo.write('tests/test_calc.py', WITH_PLACEHOLDER.replace('"test_value", 2) == 3', '3, 2) == 5'));
    repo.git('add', '-A');
    const ok = commit(repo.root);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toBe('');
    expect(head(repo)).not.toBe(before);
  });

  it('a placeholder only in the working tree (not staged) does not block; `git commit -a` would stage it and is blocked', () => {
    repo.write('tests/test_calc.py', `${CLEAN}\n\ndef test_zero():\n    assert add(0, 0) == 0\n`);
    repo.git('add', '-A');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    const ok = commit(repo.root);
    expect(ok.code, ok.output).toBe(0);
    expect(repo.git('show', 'HEAD:tests/test_calc.py')).not.toContain('test_value');

    const all = commit(repo.root, ['-a']);
    expect(all.code).toBe(1);
    expect(all.output).toContain('tests/test_calc.py:5:17:');
  });

  it('a placeholder in a comment, or on an allowed line, does not block', () => {
    repo.write('tests/test_calc.py', `${CLEAN}    # TODO: test_value was here\n    assert str(1) != "test_value"  # smart-test: allow-placeholder\n`);
    repo.git('add', '-A');
    const r = commit(repo.root);
    expect(r.code, r.output).toBe(0);
  });

  it('SMART_TEST_SKIP=1 and SKIP=...,smart-test skip the hook with a one-line note', () => {
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const skipped = commit(repo.root, [], { ...HOOK_ENV, SMART_TEST_SKIP: '1' });
    expect(skipped.code).toBe(0);
    expect(skipped.output.trim()).toBe('smart-test: skipped (SMART_TEST_SKIP=1)');

    repo.write('tests/test_other.py', 'X = "test_value"\n');
    repo.git('add', '-A');
    const notOurs = commit(repo.root, [], { ...HOOK_ENV, SKIP: 'flake8,smart-tests' });
    expect(notOurs.code).toBe(1);
    const listed = commit(repo.root, [], { ...HOOK_ENV, SKIP: 'flake8, smart-test' });
    expect(listed.code).toBe(0);
    expect(listed.output.trim()).toBe('smart-test: skipped (SKIP=flake8, smart-test)');
  });

  it('git commit --no-verify skips the hook', () => {
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    expect(commit(repo.root, ['--no-verify']).code).toBe(0);
  });

  it('without any smart-test command to run, the hook stops the commit and says what to do', () => {
    // The smart-test that installed the hook is gone too.
    const hook = path.join(repo.root, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^installed_cli='[^']*'$/m, "installed_cli='/nonexistent/smart-test.cjs'"));
    repo.write('tests/test_calc.py', CLEAN.replace('1, 2', '2, 1'));
    repo.git('add', '-A');
    const bare = commit(repo.root, [], { SMART_TEST_HOOK_COMMAND: 'check', PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` });
    expect(bare.code).toBe(1);
    expect(bare.output).toMatch(/cannot find the smart-test command.*SMART_TEST_BIN.*SMART_TEST_SKIP=1/s);
  });

  it('finds node_modules/.bin/smart-test in the repository without SMART_TEST_BIN', () => {
    mkdirSync(path.join(repo.root, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(path.join(repo.root, 'node_modules', '.bin', 'smart-test'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    repo.write('.gitignore', 'node_modules/\n');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const r = commit(repo.root, [], { SMART_TEST_HOOK_COMMAND: 'check' });
    expect(r.code).toBe(1);
    expect(r.output).toContain('tests/test_calc.py:5:17:');
  });
});

describe('smart-test install / uninstall', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = newRepo();
  });
  afterEach(() => repo.cleanup());

  const hookFile = () => path.join(repo.root, '.git', 'hooks', 'pre-commit');

  it('install twice leaves one identical hook and says it is already installed', () => {
    expect(runCli(['install'], repo.root).code).toBe(0);
    const first = readFileSync(hookFile(), 'utf8');
    const again = runCli(['install'], repo.root);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already installed in \.git\/hooks\/pre-commit; nothing changed/);
    expect(readFileSync(hookFile(), 'utf8')).toBe(first);
    expect(readdir(path.join(repo.root, '.git', 'hooks')).filter((f) => !f.endsWith('.sample'))).toEqual(['pre-commit']);
  });

  it('a foreign hook is not overwritten without --force; with --force it is kept as a backup and uninstall puts it back', () => {
    const foreign = '#!/bin/sh\necho "my own hook"\n';
    writeFileSync(hookFile(), foreign, { mode: 0o755 });
    const refused = runCli(['install'], repo.root);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/\.git\/hooks\/pre-commit already holds a pre-commit hook that smart-test did not install \(2 lines, starting "#!\/bin\/sh"\).*--force/);
    expect(readFileSync(hookFile(), 'utf8')).toBe(foreign);

    const forced = runCli(['install', '--force'], repo.root);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('pre-commit.smart-test-backup');
    expect(readFileSync(`${hookFile()}.smart-test-backup`, 'utf8')).toBe(foreign);
    expect(readFileSync(hookFile(), 'utf8')).toContain('# installed by smart-test');

    const removed = runCli(['uninstall'], repo.root);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/put back the hook kept in/);
    expect(readFileSync(hookFile(), 'utf8')).toBe(foreign);
    expect(existsSync(`${hookFile()}.smart-test-backup`)).toBe(false);
  });

  it('uninstall removes only our hook and refuses to remove a foreign one', () => {
    expect(runCli(['install'], repo.root).code).toBe(0);
    const removed = runCli(['uninstall'], repo.root);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/removed the pre-commit hook from \.git\/hooks\/pre-commit/);
    expect(existsSync(hookFile())).toBe(false);
    expect(runCli(['uninstall'], repo.root).stdout).toMatch(/nothing to remove/);

    writeFileSync(hookFile(), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const refused = runCli(['uninstall'], repo.root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/did not install/);
    expect(existsSync(hookFile())).toBe(true);
  });

  it('the pre-commit framework hook is recognised and named', () => {
    writeFileSync(hookFile(), '#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n', { mode: 0o755 });
    const refused = runCli(['install'], repo.root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the hook of the pre-commit framework.*\.pre-commit-config\.yaml/);
  });

  it('an older copy of our hook is updated in place', () => {
    writeFileSync(hookFile(), '#!/bin/sh\n# installed by smart-test (old version)\nexit 0\n', { mode: 0o755 });
    const r = runCli(['install'], repo.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/updated the pre-commit hook/);
    expect(readFileSync(hookFile(), 'utf8')).toBe(installedScript());
  });

  it('honours a relative core.hooksPath (relative to the top of the working tree), from a subdirectory', () => {
    repo.git('config', 'core.hooksPath', '.githooks');
    const r = runCli(['install'], path.join(repo.root, 'tests'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${path.join(repo.root, '.githooks', 'pre-commit')}`);
    expect(existsSync(path.join(repo.root, '.githooks', 'pre-commit'))).toBe(true);
    expect(existsSync(hookFile())).toBe(false);

    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', 'tests');
    const blocked = commit(repo.root);
    expect(blocked.code).toBe(1);
    expect(blocked.output).toContain('tests/test_calc.py:5:17:');
  });

  it('in a linked worktree the hook goes to the shared hooks folder and blocks commits there', () => {
    const wt = `${repo.root}-wt`;
    repo.git('worktree', 'add', '-q', wt);
    try {
      const r = runCli(['install'], wt);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(hookFile())).toBe(true);
      writeFileSync(path.join(wt, 'tests', 'test_calc.py'), WITH_PLACEHOLDER);
      spawnSync('git', ['add', '-A'], { cwd: wt, env: cleanEnv() });
      const blocked = commit(wt);
      expect(blocked.code).toBe(1);
      expect(blocked.output).toContain('tests/test_calc.py:5:17:');
    } finally {
      repo.git('worktree', 'remove', '--force', wt);
    }
  });

  it('install takes no files; --force goes with install only', () => {
    expect(runCli(['install', 'x'], repo.root).code).toBe(2);
    expect(runCli(['check', '--force'], repo.root).code).toBe(2);
  });
});

function readdir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
