/** rangeChanges and resolveRange on real repositories: a main branch and a feature branch of several commits. */
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SmartTestError } from '../../../src/errors.js';
import { fetchHint, rangeChanges, resolveRange } from '../../../src/git/range.js';
import { openRepo } from '../../../src/git/repo.js';
import { readBlobs } from '../../../src/git/blobs.js';
import { cleanEnv, cleanupTempDirs, commitAll, git, makeRepo, tempDir, write } from '../git/helpers.js';

afterAll(cleanupTempDirs);

const open = (cwd: string) => openRepo(cwd, { env: cleanEnv() });
const lines = (n: number, tag = 'v') => Array.from({ length: n }, (_, i) => `${tag}_${i} = ${i}\n`).join('');

/** main: a.py, b.py, gone.py, moved.py; feature (3 commits) changes them; main moves on afterwards. */
function branchRepo(): string {
  const root = makeRepo();
  git(root, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  write(root, 'a.py', lines(10));
  write(root, 'b.py', lines(10));
  write(root, 'gone.py', 'x = 1\n');
  write(root, 'moved.py', lines(20, 'm'));
  commitAll(root, 'base');
  git(root, ['checkout', '-q', '-b', 'feature']);
  write(root, 'a.py', lines(10).replace('v_2 = 2', 'v_2 = 20'));
  write(root, 'new.py', 'def n():\n    return 1\n');
  commitAll(root, 'feature 1');
  write(root, 'b.py', lines(10).replace('v_5 = 5', 'v_5 = 50'));
  git(root, ['rm', '-q', 'gone.py']);
  git(root, ['mv', 'moved.py', 'pkg_moved.py']);
  symlinkSync('a.py', path.join(root, 'link.py'));
  commitAll(root, 'feature 2');
  // Undo feature 1's change of a.py line 3 and change line 8 instead.
  write(root, 'a.py', lines(10).replace('v_7 = 7', 'v_7 = 70'));
  commitAll(root, 'feature 3');
  git(root, ['checkout', '-q', 'main']);
  write(root, 'b.py', lines(10).replace('v_0 = 0', 'v_0 = 100'));
  write(root, 'main_only.py', 'y = 2\n');
  commitAll(root, 'main moves on');
  git(root, ['checkout', '-q', 'feature']);
  return root;
}

describe('rangeChanges', () => {
  it('lists what the branch adds, changes and renames since the merge base, at HEAD; not deletions, links, or main\'s own commits', async () => {
    const root = branchRepo();
    const repo = await open(root);
    const changes = rangeChanges(repo, 'main');
    expect(changes.kind).toBe('range');
    const files = await changes.files();
    expect(files.map((f) => [f.path, f.status, f.oldPath])).toEqual([
      ['a.py', 'M', null],
      ['b.py', 'M', null],
      ['new.py', 'A', null],
      ['pkg_moved.py', 'R', 'moved.py'],
    ]);
    for (const f of files) expect(f.blob).toBe(git(root, ['rev-parse', `HEAD:${f.path}`]).trim());
    const blobs = await readBlobs(repo, files.map((f) => f.blob));
    expect(blobs.get(files[0]!.blob)!.toString()).toContain('v_7 = 70');
    const range = await changes.range();
    expect(range.mergeBase).toBe(git(root, ['merge-base', 'main', 'HEAD']).trim());
    expect(range.head).toBe(git(root, ['rev-parse', 'HEAD']).trim());
    expect(range.baseCommit).toBe(git(root, ['rev-parse', 'main']).trim());
  });

  it('hunks are those of the whole range: a change a later commit undid is gone, main\'s changes are not there', async () => {
    const root = branchRepo();
    const hunks = await rangeChanges(await open(root), 'main').hunks();
    expect(hunks.get('a.py')).toEqual([{ oldStart: 8, oldCount: 1, newStart: 8, newCount: 1 }]);
    // b.py: line 6 on the branch; main's change of line 1 is not part of the range.
    expect(hunks.get('b.py')).toEqual([{ oldStart: 6, oldCount: 1, newStart: 6, newCount: 1 }]);
    expect(hunks.get('new.py')).toEqual([{ oldStart: 0, oldCount: 0, newStart: 1, newCount: 2 }]);
    expect(hunks.get('pkg_moved.py')).toEqual([]);
    expect(hunks.has('gone.py')).toBe(false);
  });

  it('worktree hunks go from HEAD to the working tree (empty in a clean CI checkout)', async () => {
    const root = branchRepo();
    const repo = await open(root);
    expect([...(await rangeChanges(repo, 'main').worktreeHunks(['a.py', 'b.py']))]).toEqual([['a.py', []], ['b.py', []]]);
    write(root, 'a.py', `${lines(10).replace('v_7 = 7', 'v_7 = 70')}extra = 1\n`);
    git(root, ['add', 'a.py']); // staged or not, HEAD -> working tree is what counts
    const wt = await rangeChanges(repo, 'main').worktreeHunks(['a.py']);
    expect(wt.get('a.py')).toEqual([{ oldStart: 10, oldCount: 0, newStart: 11, newCount: 1 }]);
  });

  it('HEAD on the base itself: an empty range', async () => {
    const root = branchRepo();
    git(root, ['checkout', '-q', 'main']);
    const changes = rangeChanges(await open(root), 'main');
    expect(await changes.files()).toEqual([]);
    expect((await changes.hunks()).size).toBe(0);
  });
});

async function errorOf(promise: Promise<unknown>): Promise<SmartTestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmartTestError) return error;
    throw error;
  }
  throw new Error('expected a SmartTestError');
}

describe('resolveRange: what to fetch', () => {
  it('a ref this repository does not have, without a remote: exit 2, says so', async () => {
    const root = branchRepo();
    const error = await errorOf(resolveRange(await open(root), 'origin/main'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/"origin\/main" \(given with --base\) is not a commit in this clone.*no remote/);
  });

  it('histories that share nothing: exit 2', async () => {
    const root = branchRepo();
    git(root, ['checkout', '-q', '--orphan', 'other']);
    commitAll(root, 'unrelated');
    const error = await errorOf(resolveRange(await open(root), 'main'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/share no history/);
  });

  it('a shallow clone: names the ref to fetch, then the deepening', async () => {
    const origin = branchRepo(); // HEAD on feature, 3 commits past the merge base
    const clone = path.join(tempDir(), 'clone');
    git(path.dirname(clone), ['clone', '-q', '--depth', '1', `file://${origin}`, clone]);
    let error = await errorOf(resolveRange(await open(clone), 'origin/main'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('`git fetch origin main:refs/remotes/origin/main`');
    expect(error.message).toContain('shallow');
    git(clone, ['fetch', '-q', 'origin', 'main:refs/remotes/origin/main']);
    error = await errorOf(resolveRange(await open(clone), 'origin/main'));
    expect(error.message).toMatch(/shallow and does not hold the merge base/);
    expect(error.message).toContain('`git fetch --deepen=50 origin`');
    expect(error.message).toContain('`git fetch --unshallow origin`');
    git(clone, ['fetch', '-q', '--deepen=50', 'origin']);
    const range = await resolveRange(await open(clone), 'origin/main');
    expect(range.mergeBase).toBe(git(origin, ['merge-base', 'main', 'feature']).trim());
    const files = await rangeChanges(await open(clone), range).files();
    expect(files.map((f) => f.path)).toEqual(['a.py', 'b.py', 'new.py', 'pkg_moved.py']);
  });

  it('fetchHint', () => {
    expect(fetchHint('origin/main', ['origin'])).toEqual({ command: 'git fetch origin main:refs/remotes/origin/main', useBase: null });
    expect(fetchHint('refs/remotes/upstream/release/1.x', ['origin', 'upstream'])).toEqual({ command: 'git fetch upstream release/1.x:refs/remotes/upstream/release/1.x', useBase: null });
    expect(fetchHint('main', ['origin'])).toEqual({ command: 'git fetch origin main:refs/remotes/origin/main', useBase: 'origin/main' });
    expect(fetchHint('0123abcd', ['origin'])).toEqual({ command: 'git fetch origin 0123abcd', useBase: null });
    expect(fetchHint('main', [])).toBeNull();
  });
});
