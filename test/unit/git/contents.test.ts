import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBlobs } from '../../../src/git/blobs.js';
import { blobId, readAnalysedContents } from '../../../src/git/contents.js';
import { openRepo } from '../../../src/git/repo.js';
import { stagedFiles } from '../../../src/git/staged.js';
import { cleanEnv, cleanupTempDirs, git, makeRepo, tempDir, write } from './helpers.js';

afterAll(cleanupTempDirs);

describe('blobId', () => {
  it('is the object id git gives the bytes, in sha1 and sha256 repositories', () => {
    const root = makeRepo();
    for (const text of ['', 'x = 1\n', 'caf\xe9\r\n\0binary']) {
      const bytes = Buffer.from(text, 'latin1');
      expect(blobId(bytes, 'sha1')).toBe(git(root, ['hash-object', '--stdin'], bytes).trim());
    }
    const sha256 = tempDir();
    git(sha256, ['init', '-q', '--object-format=sha256']);
    expect(blobId(Buffer.from('x = 1\n'), 'sha256')).toBe(git(sha256, ['hash-object', '--stdin'], 'x = 1\n').trim());
  });
});

describe('readAnalysedContents', () => {
  it('reads from the working tree the files holding the staged bytes, the rest from git; the same bytes either way', async () => {
    const root = makeRepo();
    write(root, 'same.py', 'def f():\n    return 1\n');
    write(root, 'edited.py', 'def g():\n    return 2\n');
    write(root, 'deleted.py', 'def h():\n    return 3\n');
    write(root, 'non utf8 é.py', Buffer.from('# caf\xe9\n', 'latin1'));
    git(root, ['add', '-A']);
    write(root, 'edited.py', 'def g():\n    return 22\n'); // not staged
    rmSync(path.join(root, 'deleted.py'));
    const repo = await openRepo(root, { env: cleanEnv() });
    const files = await stagedFiles(repo);
    const contents = await readAnalysedContents(repo, files);
    expect([...contents.sameInWorktree].sort()).toEqual(['non utf8 é.py', 'same.py']);
    const fromGit = await readBlobs(repo, files.map((f) => f.blob));
    for (const f of files) expect(contents.blobs.get(f.blob), f.path).toEqual(fromGit.get(f.blob));
  });

  it('a working copy that differs only by git filters (autocrlf) is read from git', async () => {
    const root = makeRepo();
    git(root, ['config', 'core.autocrlf', 'true']);
    write(root, 'crlf.py', 'a = 1\r\nb = 2\r\n');
    git(root, ['add', '-A']);
    const repo = await openRepo(root, { env: cleanEnv() });
    const files = await stagedFiles(repo);
    const contents = await readAnalysedContents(repo, files);
    expect(contents.sameInWorktree.size).toBe(0);
    expect(contents.blobs.get(files[0]!.blob)?.toString('utf8')).toBe('a = 1\nb = 2\n');
  });
});
