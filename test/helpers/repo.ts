import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(PROJECT_ROOT, 'bin', 'smart-test.cjs');

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'smart-test tests',
  GIT_AUTHOR_EMAIL: 'tests@smart-test.invalid',
  GIT_COMMITTER_NAME: 'smart-test tests',
  GIT_COMMITTER_EMAIL: 'tests@smart-test.invalid',
};

/** The environment for child processes: no variables of an outer git hook, a fixed identity, no colour. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && key !== 'NO_COLOR' && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, ...GIT_IDENTITY, ...extra };
}

export interface TempRepo {
  root: string;
  git(...args: string[]): string;
  write(rel: string, content: string): void;
  cleanup(): void;
}

/** A real git repository in a fresh temp directory, on branch main. */
export function makeRepo(prefix = 'smart-test-'): TempRepo {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  const repo: TempRepo = {
    root,
    git: (...args) => execFileSync('git', args, { cwd: root, env: cleanEnv(), encoding: 'utf8' }),
    write(rel, content) {
      const full = path.join(root, rel);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  repo.git('init', '-q', '-b', 'main');
  return repo;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would: `node bin/smart-test.cjs ...` in `cwd`. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a Python tool (pytest, coverage) in `cwd`; throws with its output when it fails. */
export function runPython(python: string, args: string[], cwd: string): string {
  const result = spawnSync(python, args, { cwd, env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1' }), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${python} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * A project (pytest.ini with `pythonpath = src`, `.gitignore`, `.smarttestrc.json` naming
 * `python` and `config`) whose `base` files are committed; then the `changed` files are written
 * and staged, and the tests run under coverage.py (with `--branch` when asked) to coverage.json,
 * as a developer does before committing.
 */
export function stagedChange(repo: TempRepo, python: string, files: { base: Record<string, string>; changed: Record<string, string>; config?: Record<string, unknown>; branch?: boolean }): void {
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  for (const [rel, text] of Object.entries(files.base)) repo.write(rel, text);
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n');
  repo.write('.smarttestrc.json', JSON.stringify({ python, ...files.config }));
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
  for (const [rel, text] of Object.entries(files.changed)) repo.write(rel, text);
  repo.git('add', ...Object.keys(files.changed));
  runPython(python, ['-m', 'coverage', 'run', ...(files.branch ? ['--branch'] : []), '--source=src', '-m', 'pytest', '-q'], repo.root);
  runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
}
