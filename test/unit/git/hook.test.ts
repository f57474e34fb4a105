/**
 * The index git commits from is honoured inside a real pre-commit hook.
 *
 * The hook records its environment and working directory, then waits. While `git commit` is
 * paused inside the hook (so its temporary index still exists and is locked), the test calls
 * the git layer with exactly the hook's environment, as a smart-test process started by the
 * hook would, then lets the commit finish and checks what was committed.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBlobs } from '../../../src/git/blobs.js';
import { stagedHunks, worktreeHunks } from '../../../src/git/hunks.js';
import { openRepo } from '../../../src/git/repo.js';
import { stagedFiles } from '../../../src/git/staged.js';
import { cleanEnv, cleanupTempDirs, commitAll, git, lines, makeRepo, tempDir, testGitEnv, write } from './helpers.js';

afterAll(cleanupTempDirs);

const HOOK = `#!/bin/sh
"$ST_NODE" -e 'const fs = require("fs"); const out = process.argv[1];
fs.writeFileSync(out + ".tmp", JSON.stringify({ env: process.env, cwd: process.cwd() }));
fs.renameSync(out + ".tmp", out);' "$ST_CAPTURE"
i=0
while [ ! -f "$ST_RELEASE" ]; do
  i=$((i + 1))
  if [ "$i" -gt 1200 ]; then exit 1; fi
  sleep 0.05
done
exit 0
`;

interface Paused {
  env: NodeJS.ProcessEnv;
  hookCwd: string;
  /** Lets the hook return and waits for `git commit` to end. */
  release(): Promise<{ code: number | null; stderr: string }>;
}

function installHook(gitDir: string): void {
  const file = path.join(gitDir, 'hooks', 'pre-commit');
  writeFileSync(file, HOOK);
  chmodSync(file, 0o755);
}

async function pauseCommitInHook(cwd: string, commitArgs: string[]): Promise<Paused> {
  const work = tempDir('smart-test-hook-');
  const capture = path.join(work, 'capture.json');
  const releaseFile = path.join(work, 'release');
  const child = spawn('git', ['commit', '-q', ...commitArgs], {
    cwd,
    env: testGitEnv({ ST_NODE: process.execPath, ST_CAPTURE: capture, ST_RELEASE: releaseFile }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  const deadline = Date.now() + 30_000;
  while (!existsSync(capture)) {
    if (child.exitCode !== null) throw new Error(`git commit ended before the hook ran: ${stderr}`);
    if (Date.now() > deadline) throw new Error('the pre-commit hook did not run');
    await new Promise((r) => setTimeout(r, 20));
  }
  const captured = JSON.parse(readFileSync(capture, 'utf8')) as { env: NodeJS.ProcessEnv; cwd: string };
  return {
    env: captured.env,
    hookCwd: captured.cwd,
    release: async () => {
      writeFileSync(releaseFile, '');
      return done;
    },
  };
}

/** A repository with a.py, b.py, c.py committed; a.py changed in the worktree only, b.py changed and staged. */
function prepare(): string {
  const root = makeRepo();
  write(root, 'a.py', lines(10, 'a'));
  write(root, 'b.py', lines(10, 'b'));
  write(root, 'pkg/c.py', lines(10, 'c'));
  commitAll(root, 'initial');
  write(root, 'a.py', lines(10, 'a').replace('a 3\n', 'a three\n'));
  write(root, 'b.py', lines(10, 'b').replace('b 7\n', 'b seven\n'));
  git(root, ['add', 'b.py']);
  installHook(path.join(root, '.git'));
  return root;
}

const committedFiles = (root: string) => git(root, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n').filter(Boolean);

describe('inside a real pre-commit hook', () => {
  it('`git commit -a` reads .git/index.lock, which holds the worktree changes too', async () => {
    const root = prepare();
    const paused = await pauseCommitInHook(root, ['-a', '-m', 'all']);
    try {
      expect(paused.hookCwd).toBe(root);
      expect(paused.env.GIT_INDEX_FILE).toBe(path.join(root, '.git', 'index.lock'));
      const repo = await openRepo(paused.hookCwd, { env: paused.env });
      expect(repo.indexFile).toBe(path.join(root, '.git', 'index.lock'));
      const files = await stagedFiles(repo);
      expect(files.map((f) => f.path)).toEqual(['a.py', 'b.py']);
      const hunks = await stagedHunks(repo, files);
      expect(hunks.get('a.py')).toEqual([{ oldStart: 3, oldCount: 1, newStart: 3, newCount: 1 }]);
      const blobs = await readBlobs(repo, files.map((f) => f.blob));
      expect(blobs.get(files[0]!.blob)?.toString()).toBe(readFileSync(path.join(root, 'a.py'), 'utf8'));
      expect((await worktreeHunks(repo, ['a.py', 'b.py'])).get('a.py')).toEqual([]);
      // Control: without GIT_INDEX_FILE the real index still has only b.py staged.
      const outside = await openRepo(root, { env: cleanEnv() });
      expect((await stagedFiles(outside)).map((f) => f.path)).toEqual(['b.py']);
      expect((await worktreeHunks(outside, ['a.py'])).get('a.py')).toHaveLength(1);
    } finally {
      const result = await paused.release();
      expect(result.code).toBe(0);
    }
    expect(committedFiles(root)).toEqual(['a.py', 'b.py']);
  });

  it('`git commit <path>` reads the temporary next-index, not the index with other staged files', async () => {
    const root = prepare();
    const paused = await pauseCommitInHook(root, ['-m', 'only a', 'a.py']);
    try {
      const index = paused.env.GIT_INDEX_FILE ?? '';
      expect(path.dirname(index)).toBe(path.join(root, '.git'));
      expect(path.basename(index)).toMatch(/^next-index-\d+\.lock$/);
      // Started from a subdirectory, as a user-made hook might do.
      const repo = await openRepo(path.join(root, 'pkg'), { env: paused.env });
      const files = await stagedFiles(repo);
      expect(files.map((f) => f.path)).toEqual(['a.py']);
      expect((await stagedHunks(repo, files)).get('a.py')).toEqual([{ oldStart: 3, oldCount: 1, newStart: 3, newCount: 1 }]);
      const outside = await openRepo(root, { env: cleanEnv() });
      expect((await stagedFiles(outside)).map((f) => f.path)).toEqual(['b.py']);
    } finally {
      expect((await paused.release()).code).toBe(0);
    }
    expect(committedFiles(root)).toEqual(['a.py']);
    // b.py is still staged for a later commit.
    expect(git(root, ['diff', '--cached', '--name-only']).trim()).toBe('b.py');
  });

  it('a plain `git commit` run from a subdirectory gets a relative GIT_INDEX_FILE, resolved against the root', async () => {
    const root = prepare();
    const paused = await pauseCommitInHook(path.join(root, 'pkg'), ['-m', 'staged only']);
    try {
      expect(paused.env.GIT_INDEX_FILE).toBe('.git/index');
      expect(paused.hookCwd).toBe(root);
      const repo = await openRepo(path.join(root, 'pkg'), { env: paused.env });
      expect(repo.indexFile).toBe(path.join(root, '.git', 'index'));
      expect((await stagedFiles(repo)).map((f) => f.path)).toEqual(['b.py']);
    } finally {
      expect((await paused.release()).code).toBe(0);
    }
    expect(committedFiles(root)).toEqual(['b.py']);
  });

  it('in a linked worktree, git sets GIT_DIR as well and the worktree index is read', async () => {
    const root = prepare();
    const wt = path.join(tempDir('smart-test-wt-'), 'wt');
    git(root, ['worktree', 'add', '-q', wt]);
    write(wt, 'pkg/c.py', lines(10, 'c').replace('c 1\n', 'c one\n'));
    const paused = await pauseCommitInHook(wt, ['-a', '-m', 'wt']);
    try {
      const gitDir = path.join(root, '.git', 'worktrees', 'wt');
      expect(paused.env.GIT_DIR).toBe(gitDir);
      expect(paused.env.GIT_INDEX_FILE).toBe(path.join(gitDir, 'index.lock'));
      const repo = await openRepo(paused.hookCwd, { env: paused.env });
      expect(repo.root).toBe(wt);
      expect(repo.gitDir).toBe(gitDir);
      expect((await stagedFiles(repo)).map((f) => f.path)).toEqual(['pkg/c.py']);
    } finally {
      expect((await paused.release()).code).toBe(0);
    }
    expect(committedFiles(wt)).toEqual(['pkg/c.py']);
  });
});
