/**
 * The pre-commit framework (https://pre-commit.com), for real: this project's working tree is
 * snapshotted into a temporary git repository, used as the hook `repo:` of another temporary
 * repository, and `pre-commit install` + `git commit` run there. pre-commit installs a node
 * hook by `npm install` in its clone of the repository, `npm pack` and `npm install -g` of the
 * tarball, so this proves that the built CLI (dist/, gitignored) exists after that install.
 * Needs the real `pre-commit` program (Debian: apt-get install pre-commit) and the npm registry.
 * Slow: the first commit builds pre-commit's node environment (a minute or more).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, cleanEnv, makeRepo, type TempRepo } from '../helpers/repo.js';

const WITH_PLACEHOLDER = 'from calc import add\n\n\ndef test_add():\n    assert add("test_value", 2) == 3\n';
const FIXED = 'from calc import add\n\n\ndef test_add():\n    assert add(3, 2) == 5\n';

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

let env: NodeJS.ProcessEnv;

/** Fails (never skips) when pre-commit is missing, naming it and how to install it. */
function requirePreCommit(): string {
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`pre-commit is not installed (or does not run): these tests need the real \`pre-commit\` program. Install it (Debian: apt-get install pre-commit; or pip install pre-commit). ${r.error?.message ?? r.stderr}`);
  }
  return r.stdout.trim();
}

/** Set when pre-commit is missing: every test throws it (a failure naming the program, never a skip). */
let missing: Error | null = null;

beforeAll(() => {
  try {
    requirePreCommit();
  } catch (error) {
    missing = error as Error;
  }
  env = cleanEnv({ GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', PRE_COMMIT_HOME: tempDir('smart-test-pre-commit-home-') });
});

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * A git repository holding what this project's working tree would commit: the tracked files
 * plus the untracked ones that are not ignored (so dist/ and node_modules/ are left out, as in
 * a clone). Returns its path and the commit id.
 */
function snapshotProject(): { dir: string; sha: string } {
  const dir = tempDir('smart-test-hook-repo-');
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, env: cleanEnv(), encoding: 'utf8' });
  for (const rel of new Set(listed.split('\0').filter((p) => p !== ''))) {
    const from = path.join(PROJECT_ROOT, rel);
    if (!existsSync(from)) continue; // deleted in the working tree
    const to = path.join(dir, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '--no-verify', '-m', 'snapshot');
  return { dir, sha: git('rev-parse', 'HEAD').trim() };
}

/** pre-commit 3.x takes `npm pack`'s stdout as the tarball name: a lifecycle banner there breaks the install. */
function explain(output: string): string {
  if (!/seems to be corrupted|npm pack/.test(output)) return output;
  return `pre-commit could not install the hook: \`npm pack\` printed the "prepare" script's banner on stdout, which pre-commit reads as the tarball name. The project root needs an .npmrc with "foreground-scripts=false" (or a committed dist/).\n${output}`;
}

function run(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('.pre-commit-hooks.yaml', () => {
  it('is a valid pre-commit manifest with the two hooks', () => {
    if (missing) throw missing;
    const valid = run('pre-commit', ['validate-manifest', '.pre-commit-hooks.yaml'], PROJECT_ROOT);
    expect(valid.code, valid.output).toBe(0);
    const json = execFileSync('/usr/bin/python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(PROJECT_ROOT, '.pre-commit-hooks.yaml')], { encoding: 'utf8' });
    const hooks = JSON.parse(json) as Array<Record<string, unknown>>;
    expect(hooks.map((h) => h.id)).toEqual(['smart-test', 'smart-test-placeholders']);
    expect(hooks[0]).toMatchObject({ entry: 'smart-test run', language: 'node', types: ['python'], pass_filenames: false, require_serial: true });
    expect(hooks[1]).toMatchObject({ entry: 'smart-test check', language: 'node' });
    const files = new RegExp(String(hooks[1]!.files));
    for (const p of ['test_a.py', 'tests/test_a.py', 'pkg/a_test.py', 'conftest.py', 'tests/sub/conftest.py']) expect(files.test(p), p).toBe(true);
    for (const p of ['a.py', 'tests/helpers.py', 'contest.py', 'test_a.pyc', 'test_dir/a.py']) expect(files.test(p), p).toBe(false);
  });
});

describe('the smart-test-placeholders hook through the real pre-commit program', () => {
  let repo: TempRepo;
  beforeAll(() => {
    if (missing) return;
    const hookRepo = snapshotProject();
    repo = makeRepo();
    temps.push(repo.root);
    repo.write('calc.py', 'def add(a, b):\n    return a + b\n');
    repo.write('tests/test_calc.py', FIXED.replace('3, 2) == 5', '1, 2) == 3'));
    repo.write(
      '.pre-commit-config.yaml',
      `repos:\n  - repo: ${hookRepo.dir}\n    rev: ${hookRepo.sha}\n    hooks:\n      - id: smart-test-placeholders\n`,
    );
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'init');
    const installed = run('pre-commit', ['install'], repo.root);
    expect(installed.code, installed.output).toBe(0);
  });

  it('blocks a staged placeholder with file and line, then lets the fixed commit through', () => {
    if (missing) throw missing;
    const before = repo.git('rev-parse', 'HEAD');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.write('calc.py', 'DEFAULT = "test_value"  # not a test file: not checked\n\ndef add(a, b):\n    return a + b\n');
    repo.git('add', '-A');
    const blocked = run('git', ['commit', '-q', '-m', 'with placeholder'], repo.root);
    expect(blocked.code, explain(blocked.output)).toBe(1);
    expect(blocked.output).toContain('tests/test_calc.py:5:17: placeholder "test_value" left in test_add');
    expect(blocked.output).not.toContain('calc.py:1');
    expect(repo.git('rev-parse', 'HEAD')).toBe(before);

    repo.write('tests/test_calc.py', FIXED);
    repo.git('add', '-A');
    const ok = run('git', ['commit', '-q', '-m', 'fixed'], repo.root);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toMatch(/smart-test \(placeholders left in tests\)\.+Passed/);
    expect(repo.git('rev-parse', 'HEAD')).not.toBe(before);
  }, 600_000);

  it('checks the staged version: pre-commit stashes unstaged changes first; SKIP skips the hook', () => {
    if (missing) throw missing;
    repo.write('tests/test_calc.py', `${FIXED}\n\ndef test_zero():\n    assert add(0, 0) == 0\n`);
    repo.git('add', '-A');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    const ok = run('git', ['commit', '-q', '-m', 'partly staged'], repo.root);
    expect(ok.code, ok.output).toBe(0);
    expect(repo.git('show', 'HEAD:tests/test_calc.py')).not.toContain('test_value');

    repo.git('add', '-A');
    const skipped = run('git', ['commit', '-q', '-m', 'skipped'], repo.root, { SKIP: 'smart-test-placeholders' });
    expect(skipped.code, skipped.output).toBe(0);
    expect(skipped.output).toMatch(/smart-test \(placeholders left in tests\)\.+Skipped/);
  }, 600_000);
});
