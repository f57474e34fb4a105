import { symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { stagedHunks } from '../../../src/git/hunks.js';
import { parseRawZ, splitRawAndPatch, stagedDiff, stagedFiles, startStagedDiff } from '../../../src/git/staged.js';
import { cleanEnv, cleanupTempDirs, commitAll, git, makeRepo, write } from './helpers.js';

afterAll(cleanupTempDirs);

const open = (cwd: string) => openRepo(cwd, { env: cleanEnv() });
const blobOf = (root: string, rel: string) => git(root, ['rev-parse', `:${rel}`]).trim();

/**
 * Commits `old name.py`, `keep.py` and `gone.py`, then stages a rename of the first to
 * `pkg/new é.py` (with one line added), an edit of `keep.py` and the deletion of `gone.py`.
 * `beforeCommit` and `beforeStaging` add files of a test's own.
 */
function stageRenameEditDelete(root: string, beforeCommit = () => {}, beforeStaging = () => {}): void {
  const body = Array.from({ length: 20 }, (_, i) => `value_${i} = ${i}\n`).join('');
  write(root, 'old name.py', body);
  write(root, 'keep.py', 'k = 1\nk2 = 2\n');
  write(root, 'gone.py', 'g = 1\n');
  beforeCommit();
  commitAll(root);
  unlinkSync(path.join(root, 'old name.py'));
  write(root, 'pkg/new é.py', `${body}extra = 1\n`);
  write(root, 'keep.py', 'k = 2\nk2 = 2\nk3 = 3\n');
  beforeStaging();
  git(root, ['rm', '-q', 'gone.py']);
  git(root, ['add', '-A']);
}

describe('stagedFiles', () => {
  it('lists every file of the first commit as added (no HEAD yet)', async () => {
    const root = makeRepo();
    write(root, 'src/app.py', 'def f():\n    return 1\n');
    write(root, 'README.md', 'hi\n');
    git(root, ['add', '-A']);
    const files = await stagedFiles(await open(root));
    expect(files).toEqual([
      { path: 'README.md', status: 'A', oldPath: null, blob: blobOf(root, 'README.md') },
      { path: 'src/app.py', status: 'A', oldPath: null, blob: blobOf(root, 'src/app.py') },
    ]);
  });

  it('keeps paths with spaces, non-ASCII characters, quotes and tabs intact', async () => {
    const root = makeRepo();
    const names = ['src/é x.py', 'src/we"ird\\name.py', 'src/tab\there.py', 'données/ünï cödé.py'];
    for (const n of names) write(root, n, 'x = 1\n');
    git(root, ['add', '-A']);
    const files = await stagedFiles(await open(root));
    expect(files.map((f) => f.path).sort()).toEqual([...names].sort());
    for (const f of files) expect(f.blob).toBe(blobOf(root, f.path));
  });

  it('follows renames to the new path, reports modifications, ignores deletions', async () => {
    const root = makeRepo();
    stageRenameEditDelete(root);
    const files = await stagedFiles(await open(root));
    expect(files).toEqual([
      { path: 'keep.py', status: 'M', oldPath: null, blob: blobOf(root, 'keep.py') },
      { path: 'pkg/new é.py', status: 'R', oldPath: 'old name.py', blob: blobOf(root, 'pkg/new é.py') },
    ]);
  });

  it('ignores submodules (gitlinks) and symbolic links, keeps a symlink turned into a file (T)', async () => {
    const root = makeRepo();
    write(root, 'target.py', 't = 1\n');
    symlinkSync('target.py', path.join(root, 'link.py'));
    symlinkSync('target.py', path.join(root, 'was_link.py'));
    commitAll(root);
    const sha = git(root, ['rev-parse', 'HEAD']).trim();
    git(root, ['update-index', '--add', '--cacheinfo', `160000,${sha},sub`]);
    symlinkSync('target.py', path.join(root, 'new_link.py'));
    unlinkSync(path.join(root, 'was_link.py'));
    write(root, 'was_link.py', 'w = 1\n');
    git(root, ['add', 'new_link.py', 'was_link.py']);
    const files = await stagedFiles(await open(root));
    expect(files).toEqual([{ path: 'was_link.py', status: 'T', oldPath: null, blob: blobOf(root, 'was_link.py') }]);
  });

  it('returns nothing when nothing is staged', async () => {
    const root = makeRepo();
    write(root, 'a.py', 'a = 1\n');
    commitAll(root);
    write(root, 'a.py', 'a = 2\n');
    expect(await stagedFiles(await open(root))).toEqual([]);
  });
});

describe('stagedDiff: files and hunks from one process', () => {
  /** stagedDiff must say exactly what stagedFiles and stagedHunks say, each with its own process. */
  async function expectSameAsSeparate(root: string): Promise<void> {
    const repo = await open(root);
    const one = await stagedDiff(repo);
    const files = await stagedFiles(repo);
    expect(one.files).toEqual(files);
    expect(one.hunks).toEqual(await stagedHunks(repo));
    // every staged file has its hunks (a binary or mode-only change has an empty list)
    for (const f of files) expect(one.hunks.has(f.path), f.path).toBe(true);
  }

  it('the first commit, and paths with spaces, non-ASCII characters, quotes and tabs', async () => {
    const root = makeRepo();
    for (const n of ['src/é x.py', 'src/we"ird\\name.py', 'src/tab\there.py', 'données/ünï cödé.py', 'plain.py']) write(root, n, 'x = 1\ny = 2\n');
    git(root, ['add', '-A']);
    await expectSameAsSeparate(root);
  });

  it('renames, modifications, deletions, binary files, a mode change and an empty file', async () => {
    const root = makeRepo();
    stageRenameEditDelete(root, () => write(root, 'mode.py', 'm = 1\n'), () => {
      write(root, 'blob.bin', '\0\x01\x02binary\0');
      write(root, 'empty.py', '');
    });
    git(root, ['update-index', '--chmod=+x', 'mode.py']);
    await expectSameAsSeparate(root);
  });

  it('nothing staged: no files, no hunks', async () => {
    const root = makeRepo();
    write(root, 'a.py', 'a = 1\n');
    commitAll(root);
    const diff = await stagedDiff(await open(root));
    expect(diff.files).toEqual([]);
    expect(diff.hunks.size).toBe(0);
  });

  it('startStagedDiff (before the repository is opened) reads the same diff, from a subdirectory too; null without HEAD or repository', async () => {
    const root = makeRepo();
    write(root, 'a.py', 'a = 1\n');
    expect(await startStagedDiff(root, cleanEnv())).toBeNull(); // no commit yet
    commitAll(root);
    stageRenameEditDelete(root);
    const repo = await open(root);
    const expected = await stagedDiff(repo);
    expect(expected.files.length).toBeGreaterThan(0);
    expect(await startStagedDiff(root, cleanEnv())).toEqual(expected);
    write(root, 'pkg/sub/x.txt', '');
    expect(await startStagedDiff(path.join(root, 'pkg'), cleanEnv())).toEqual(expected);
    expect(await startStagedDiff(path.dirname(root), cleanEnv())).toBeNull();
  });

  it('splitRawAndPatch: the empty record separates the parts', () => {
    expect(splitRawAndPatch(':a b\0x.py\0\0diff --git a/x.py b/x.py\n')).toEqual([':a b\0x.py\0', 'diff --git a/x.py b/x.py\n']);
    expect(splitRawAndPatch(':a b\0x.py\0')).toEqual([':a b\0x.py\0', '']);
    expect(splitRawAndPatch('')).toEqual(['', '']);
  });
});

describe('parseRawZ', () => {
  it('reads copies and skips unmerged entries', () => {
    const z = (s: string) => s.replace(/\|/g, '\0');
    const oid = 'a'.repeat(40);
    const out = z(
      `:100644 100644 ${oid} ${oid} C75|from.py|to.py|` +
        `:000000 000000 ${'0'.repeat(40)} ${'0'.repeat(40)} U|conflict.py|` +
        `:100644 100755 ${oid} ${'b'.repeat(40)} M|exec.py|`,
    );
    expect(parseRawZ(out)).toEqual([
      { path: 'to.py', status: 'C', oldPath: 'from.py', blob: oid },
      { path: 'exec.py', status: 'M', oldPath: null, blob: 'b'.repeat(40) },
    ]);
  });
});
