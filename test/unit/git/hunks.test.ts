import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedLines, parseUnifiedDiff, parseUnifiedZeroHunks, stagedHunks, worktreeHunks } from '../../../src/git/hunks.js';
import { openRepo } from '../../../src/git/repo.js';
import { stagedFiles } from '../../../src/git/staged.js';
import { cleanEnv, cleanupTempDirs, commitAll, git, lines, makeRepo, write } from './helpers.js';

afterAll(cleanupTempDirs);

const open = (cwd: string) => openRepo(cwd, { env: cleanEnv() });

describe('parseUnifiedZeroHunks (pure)', () => {
  it('reads hunk headers, with and without counts', () => {
    const diff = [
      'diff --git a/m.py b/m.py',
      'index 1111111..2222222 100644',
      '--- a/m.py',
      '+++ b/m.py',
      '@@ -2 +2 @@ def f():',
      '-    return 1',
      '+    return 2',
      '@@ -10,0 +11,2 @@',
      '+a',
      '+b',
      '@@ -20,3 +21,0 @@',
      '-x',
      '-y',
      '-z',
      '',
    ].join('\n');
    expect(parseUnifiedZeroHunks(diff)).toEqual(
      new Map([
        [
          'm.py',
          [
            { oldStart: 2, oldCount: 1, newStart: 2, newCount: 1 },
            { oldStart: 10, oldCount: 0, newStart: 11, newCount: 2 },
            { oldStart: 20, oldCount: 3, newStart: 21, newCount: 0 },
          ],
        ],
      ]),
    );
  });

  it('decodes C-quoted paths with octal escapes and strips the tab after names with spaces', () => {
    const diff = [
      'diff --git "a/src/\\303\\251 x.py" "b/src/\\303\\251 x.py"',
      '--- "a/src/\\303\\251 x.py"',
      '+++ "b/src/\\303\\251 x.py"',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      'diff --git a/sp ace.py b/sp ace.py',
      '--- a/sp ace.py\t',
      '+++ b/sp ace.py\t',
      '@@ -1,0 +2 @@',
      '+c',
      'diff --git "a/q\\"t\\\\x\\ty.py" "b/q\\"t\\\\x\\ty.py"',
      '--- "a/q\\"t\\\\x\\ty.py"',
      '+++ "b/q\\"t\\\\x\\ty.py"',
      '@@ -3 +3 @@',
      '-d',
      '+e',
    ].join('\n');
    expect([...parseUnifiedZeroHunks(diff).keys()]).toEqual(['src/é x.py', 'sp ace.py', 'q"t\\x\ty.py']);
  });

  it('does not mistake body lines that look like headers for headers', () => {
    const diff = [
      'diff --git a/a.py b/a.py',
      '--- a/a.py',
      '+++ b/a.py',
      '@@ -1,2 +1,2 @@',
      '--- a/fake.py',
      '-diff --git a/fake.py b/fake.py',
      '+++ b/fake.py',
      '+@@ -9 +9 @@',
      '\\ No newline at end of file',
      'diff --git a/b.py b/b.py',
      '--- a/b.py',
      '+++ b/b.py',
      '@@ -5 +5 @@',
      '-x',
      '\\ No newline at end of file',
      '+y',
      '\\ No newline at end of file',
    ].join('\n');
    const map = parseUnifiedZeroHunks(diff);
    expect([...map.keys()]).toEqual(['a.py', 'b.py']);
    expect(map.get('a.py')).toEqual([{ oldStart: 1, oldCount: 2, newStart: 1, newCount: 2 }]);
    expect(map.get('b.py')).toEqual([{ oldStart: 5, oldCount: 1, newStart: 5, newCount: 1 }]);
  });

  it('reports added, deleted, renamed, mode-only and binary files', () => {
    const diff = [
      'diff --git a/new.py b/new.py',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.py',
      '@@ -0,0 +1,3 @@',
      '+1',
      '+2',
      '+3',
      'diff --git a/del.py b/del.py',
      'deleted file mode 100644',
      '--- a/del.py',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-1',
      'diff --git a/old name.py b/new name.py',
      'similarity index 100%',
      'rename from old name.py',
      'rename to new name.py',
      'diff --git a/run me.py b/run me.py',
      'old mode 100644',
      'new mode 100755',
      'diff --git a/img.png b/img.png',
      'index 1..2 100644',
      'Binary files a/img.png and b/img.png differ',
    ].join('\n');
    const patches = parseUnifiedDiff(diff);
    expect(patches.map(({ oldPath, newPath, status, binary }) => ({ oldPath, newPath, status, binary }))).toEqual([
      { oldPath: null, newPath: 'new.py', status: 'added', binary: false },
      { oldPath: 'del.py', newPath: null, status: 'deleted', binary: false },
      { oldPath: 'old name.py', newPath: 'new name.py', status: 'renamed', binary: false },
      { oldPath: 'run me.py', newPath: 'run me.py', status: 'modified', binary: false },
      { oldPath: 'img.png', newPath: 'img.png', status: 'modified', binary: true },
    ]);
    expect(parseUnifiedZeroHunks(diff).get('new.py')).toEqual([{ oldStart: 0, oldCount: 0, newStart: 1, newCount: 3 }]);
  });

  it('returns an empty map for empty input', () => {
    expect(parseUnifiedZeroHunks('')).toEqual(new Map());
  });
});

describe('changedLines', () => {
  it('gives the new-side ranges, merged and sorted', () => {
    expect(
      changedLines([
        { oldStart: 9, oldCount: 1, newStart: 10, newCount: 2 },
        { oldStart: 1, oldCount: 1, newStart: 1, newCount: 1 },
        { oldStart: 11, oldCount: 0, newStart: 12, newCount: 1 },
      ]),
    ).toEqual([
      { start: 1, end: 1 },
      { start: 10, end: 12 },
    ]);
  });

  it('marks both neighbours of a pure deletion, and line 1 for a deletion at the top', () => {
    expect(changedLines([{ oldStart: 5, oldCount: 2, newStart: 4, newCount: 0 }])).toEqual([{ start: 4, end: 5 }]);
    expect(changedLines([{ oldStart: 1, oldCount: 2, newStart: 0, newCount: 0 }])).toEqual([{ start: 1, end: 1 }]);
  });

  it('gives nothing for no hunks', () => {
    expect(changedLines([])).toEqual([]);
  });
});

describe('stagedHunks and worktreeHunks (real repositories)', () => {
  it('covers the whole content of files in the first commit', async () => {
    const root = makeRepo();
    write(root, 'src/é x.py', lines(7));
    write(root, 'empty.py', '');
    git(root, ['add', '-A']);
    const repo = await open(root);
    const files = await stagedFiles(repo);
    const hunks = await stagedHunks(repo, files);
    expect(hunks.get('src/é x.py')).toEqual([{ oldStart: 0, oldCount: 0, newStart: 1, newCount: 7 }]);
    expect(changedLines(hunks.get('src/é x.py')!)).toEqual([{ start: 1, end: 7 }]);
    expect(hunks.get('empty.py')).toEqual([]);
  });

  it('gives only the staged lines of a partially staged file; worktreeHunks gives the rest', async () => {
    const root = makeRepo();
    write(root, 'mod.py', lines(30));
    commitAll(root);
    // Stage a change to line 5 only.
    const staged = lines(30).replace('line 5\n', 'line five\n');
    write(root, 'mod.py', staged);
    git(root, ['add', 'mod.py']);
    // Then change line 20 in the working tree, and add two lines after line 25.
    write(root, 'mod.py', staged.replace('line 20\n', 'line twenty\n').replace('line 25\n', 'line 25\nnew a\nnew b\n'));
    const repo = await open(root);
    const files = await stagedFiles(repo);
    expect(files.map((f) => f.path)).toEqual(['mod.py']);
    const hunks = await stagedHunks(repo, files);
    expect(hunks.get('mod.py')).toEqual([{ oldStart: 5, oldCount: 1, newStart: 5, newCount: 1 }]);
    const wt = await worktreeHunks(repo, ['mod.py']);
    expect(wt.get('mod.py')).toEqual([
      { oldStart: 20, oldCount: 1, newStart: 20, newCount: 1 },
      { oldStart: 25, oldCount: 0, newStart: 26, newCount: 2 },
    ]);
    expect(wt.deleted.size).toBe(0);
  });

  it('gives hunks of a renamed and edited file against its old content, keyed by the new path', async () => {
    const root = makeRepo();
    write(root, 'old.py', lines(20));
    commitAll(root);
    rmSync(path.join(root, 'old.py'));
    write(root, 'pkg/new ü.py', lines(20).replace('line 10\n', 'line ten\n'));
    git(root, ['add', '-A']);
    const repo = await open(root);
    const files = await stagedFiles(repo);
    expect(files).toMatchObject([{ path: 'pkg/new ü.py', status: 'R', oldPath: 'old.py' }]);
    const hunks = await stagedHunks(repo, files);
    expect([...hunks.entries()]).toEqual([['pkg/new ü.py', [{ oldStart: 10, oldCount: 1, newStart: 10, newCount: 1 }]]]);
  });

  it('diffs only the requested files, and every staged file when none are given', async () => {
    const root = makeRepo();
    write(root, 'a.py', lines(3));
    write(root, 'b[1].py', lines(3));
    write(root, 'c.txt', lines(3));
    commitAll(root);
    write(root, 'a.py', lines(4));
    write(root, 'b[1].py', lines(2));
    write(root, 'c.txt', 'other\n');
    git(root, ['add', '-A']);
    const repo = await open(root);
    const files = await stagedFiles(repo);
    const some = await stagedHunks(
      repo,
      files.filter((f) => f.path.endsWith('.py')),
    );
    expect([...some.keys()].sort()).toEqual(['a.py', 'b[1].py']);
    expect(some.get('b[1].py')).toEqual([{ oldStart: 3, oldCount: 1, newStart: 2, newCount: 0 }]);
    const all = await stagedHunks(repo);
    expect([...all.keys()].sort()).toEqual(['a.py', 'b[1].py', 'c.txt']);
    expect(await stagedHunks(repo, [])).toEqual(new Map());
  });

  it('reports a file deleted from the working tree distinctly, and unchanged files with no hunks', async () => {
    const root = makeRepo();
    write(root, 'gone é.py', lines(4));
    write(root, 'same.py', lines(2));
    commitAll(root);
    rmSync(path.join(root, 'gone é.py'));
    const repo = await open(root);
    const wt = await worktreeHunks(repo, ['gone é.py', 'same.py']);
    expect([...wt.deleted]).toEqual(['gone é.py']);
    expect(wt.get('gone é.py')).toEqual([{ oldStart: 1, oldCount: 4, newStart: 0, newCount: 0 }]);
    expect(wt.get('same.py')).toEqual([]);
  });

  it('works when opened from a subdirectory (paths stay repo-relative)', async () => {
    const root = makeRepo();
    write(root, 'pkg/sub/m.py', lines(3));
    write(root, 'top.py', lines(3));
    commitAll(root);
    write(root, 'pkg/sub/m.py', lines(3).replace('line 2', 'line two'));
    write(root, 'top.py', lines(3).replace('line 3', 'line three'));
    git(root, ['add', '-A']);
    write(root, 'top.py', lines(3));
    const repo = await open(path.join(root, 'pkg', 'sub'));
    const files = await stagedFiles(repo);
    expect(files.map((f) => f.path)).toEqual(['pkg/sub/m.py', 'top.py']);
    const hunks = await stagedHunks(repo, files);
    expect(hunks.get('pkg/sub/m.py')).toEqual([{ oldStart: 2, oldCount: 1, newStart: 2, newCount: 1 }]);
    const wt = await worktreeHunks(repo, ['pkg/sub/m.py', 'top.py']);
    expect(wt.get('pkg/sub/m.py')).toEqual([]);
    expect(wt.get('top.py')).toEqual([{ oldStart: 3, oldCount: 1, newStart: 3, newCount: 1 }]);
  });

  it('is not affected by diff settings of the user (noprefix, mnemonicPrefix, external diff, relative)', async () => {
    const root = makeRepo();
    write(root, 'sub/m.py', lines(3));
    commitAll(root);
    write(root, 'sub/m.py', lines(3).replace('line 1', 'line one'));
    git(root, ['add', '-A']);
    git(root, ['config', 'diff.noprefix', 'true']);
    git(root, ['config', 'diff.mnemonicPrefix', 'true']);
    git(root, ['config', 'diff.external', 'false']);
    git(root, ['config', 'diff.relative', 'true']);
    git(root, ['config', 'color.diff', 'always']);
    const repo = await open(path.join(root, 'sub'));
    const hunks = await stagedHunks(repo, await stagedFiles(repo));
    expect([...hunks.entries()]).toEqual([['sub/m.py', [{ oldStart: 1, oldCount: 1, newStart: 1, newCount: 1 }]]]);
  });
});
