/**
 * `node <clone>/bin/smart-test.cjs install` in a repository without node_modules: the plain hook
 * records that CLI and runs it on real commits (src/gate/hook-cli.ts, hooks/pre-commit).
 * The commits run with a PATH of only node, git and the few tools the hook script uses: no
 * smart-test and no npx there, as on a machine where smart-test is only a clone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, cleanEnv, makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

const CLEAN = 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n';
const WITH_PLACEHOLDER = 'from calc import add\n\n\ndef test_add():\n    assert add("test_value", 2) == 3\n';
const REAL_CLI = realpathSync(CLI);

function which(tool: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`this test needs ${tool} on the PATH`);
  return r.stdout.trim();
}

/** A folder with only node, git, dirname and tr: what the hook and smart-test need, and no smart-test or npx. */
function minimalPath(dir: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const tool of ['git', 'dirname', 'tr']) symlinkSync(which(tool), path.join(bin, tool));
  return bin;
}

function commit(cwd: string, env: Record<string, string>) {
  const base = cleanEnv({ GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', ...env });
  delete base.SMART_TEST_BIN;
  delete base.SMART_TEST_HOOK_COMMAND;
  const r = spawnSync(which('git'), ['commit', '-q', '-m', 'change'], { cwd, env: base, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('a plain hook installed from a clone runs that clone', () => {
  let repo: TempRepo;
  let tools: TempRepo;
  let PATH: string;
  beforeEach(() => {
    repo = makeRepo('smart-test-other-');
    repo.write('calc.py', 'def add(a, b):\n    return a + b\n');
    repo.write('tests/test_calc.py', CLEAN);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'init');
    tools = makeRepo('smart-test-tools-');
    PATH = minimalPath(tools.root);
  });
  afterEach(() => {
    repo.cleanup();
    tools.cleanup();
  });

  it('install records the running CLI and says what the hook will run; a placeholder blocks the commit, the fix goes through', () => {
    const installed = runCli(['install'], repo.root, { PATH });
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`the hook will run \`node ${REAL_CLI} run\`, the smart-test that ran this install`);
    const hook = readFileSync(path.join(repo.root, '.git', 'hooks', 'pre-commit'), 'utf8');
    expect(hook).toContain(`installed_cli='${REAL_CLI}'`);
    expect(hook).toContain(`installed_node='${process.execPath}'`);
    // Apart from those two lines, it is the package's script.
    const shipped = readFileSync(path.join(PROJECT_ROOT, 'hooks', 'pre-commit'), 'utf8');
    expect(hook.replace(/^installed_(cli|node)='[^']*'$/gm, "installed_$1=''")).toBe(shipped);

    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const before = repo.git('rev-parse', 'HEAD');
    const blocked = commit(repo.root, { PATH });
    expect(blocked.code, blocked.output).toBe(1);
    expect(blocked.output).toContain('tests/test_calc.py:5:17:');
    expect(blocked.output).not.toMatch(/cannot find the smart-test command/);
    expect(repo.git('rev-parse', 'HEAD')).toBe(before);

    repo.write('tests/test_calc.py', CLEAN.replace('1, 2', '2, 1'));
    repo.git('add', '-A');
    const ok = commit(repo.root, { PATH });
    expect(ok.code, ok.output).toBe(0);
    expect(repo.git('rev-parse', 'HEAD')).not.toBe(before);
  });

  it('when the recorded smart-test is gone, the commit stops and the message names it', () => {
    expect(runCli(['install'], repo.root, { PATH }).code).toBe(0);
    const hook = path.join(repo.root, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(REAL_CLI, path.join(tools.root, 'gone', 'smart-test.cjs')));
    repo.write('tests/test_calc.py', CLEAN.replace('1, 2', '2, 1'));
    repo.git('add', '-A');
    const r = commit(repo.root, { PATH });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/cannot find the smart-test command \(looked at .*gone\/smart-test\.cjs \(the smart-test that installed this hook, which is gone\)\)/);
  });

  it('installing from another place updates the recorded path; uninstall removes the hook', () => {
    expect(runCli(['install'], repo.root, { PATH }).code).toBe(0);
    // The same package seen through another folder (a symbolic link to the clone).
    const other = path.join(tools.root, 'elsewhere');
    symlinkSync(PROJECT_ROOT, other);
    const again = spawnSync(process.execPath, [path.join(other, 'bin', 'smart-test.cjs'), 'install'], { cwd: repo.root, env: cleanEnv({ PATH }), encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    // The recorded path is the real one, so the same clone through a link changes nothing.
    expect(again.stdout).toMatch(/already installed/);

    // A hook recorded by an older install elsewhere is updated to the running smart-test.
    const hook = path.join(repo.root, '.git', 'hooks', 'pre-commit');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(REAL_CLI, '/opt/old/smart-test/bin/smart-test.cjs'));
    const updated = runCli(['install'], repo.root, { PATH });
    expect(updated.stdout).toMatch(/updated the pre-commit hook/);
    expect(readFileSync(hook, 'utf8')).toContain(`installed_cli='${REAL_CLI}'`);

    const removed = runCli(['uninstall'], repo.root, { PATH });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/removed the pre-commit hook/);
    expect(existsSync(hook)).toBe(false);
  });

  it('install says when node_modules/.bin/smart-test will be run first', () => {
    mkdirSync(path.join(repo.root, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(path.join(repo.root, 'node_modules', '.bin', 'smart-test'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const r = runCli(['install'], repo.root, { PATH });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('the hook will run `node_modules/.bin/smart-test run` (found first, in the repository).');
    expect(r.stdout).toContain(`${REAL_CLI} (the smart-test that ran this install) is recorded in it as the last place to look.`);
  });
});
