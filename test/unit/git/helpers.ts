import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created: string[] = [];

/** process.env without any git variable (the tests may themselves run inside a git hook). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toUpperCase().startsWith('GIT_')) env[k] = v;
  return env;
}

/** Environment for the git commands the tests run themselves: no user or system config. */
export function testGitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    ...extra,
  };
}

export function git(cwd: string, args: string[], input?: string | Buffer, extraEnv: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, { cwd, env: testGitEnv(extraEnv), input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function tempDir(prefix = 'smart-test-git-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

export function makeRepo(): string {
  const dir = tempDir();
  git(dir, ['init', '-q']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  return dir;
}

export function write(root: string, rel: string, content: string | Buffer): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export function commitAll(root: string, message = 'commit'): void {
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', message]);
}

export function cleanupTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** `n` numbered lines: "line 1\n" .. "line n\n". */
export function lines(n: number, label = 'line'): string {
  return Array.from({ length: n }, (_, i) => `${label} ${i + 1}\n`).join('');
}
