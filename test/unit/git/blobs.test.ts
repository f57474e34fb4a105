import { afterAll, describe, expect, it } from 'vitest';
import { SmartTestError } from '../../../src/errors.js';
import { parseBatchOutput, readBlobs } from '../../../src/git/blobs.js';
import { openRepo } from '../../../src/git/repo.js';
import { stagedFiles } from '../../../src/git/staged.js';
import { cleanEnv, cleanupTempDirs, git, makeRepo, write } from './helpers.js';

afterAll(cleanupTempDirs);

describe('readBlobs', () => {
  it('reads staged blobs byte for byte in one batch (non-UTF-8, empty, newlines, binary)', async () => {
    const root = makeRepo();
    const latin1 = Buffer.from('# caf\xe9\nx = "\xff"\n', 'latin1');
    const binary = Buffer.from([0, 10, 10, 13, 10, 255, 0, 10]);
    write(root, 'latin1.py', latin1);
    write(root, 'empty.py', '');
    write(root, 'bin.dat', binary);
    write(root, 'src/é x.py', 'def f():\n    return "é"\n');
    git(root, ['add', '-A']);
    const repo = await openRepo(root, { env: cleanEnv() });
    const files = await stagedFiles(repo);
    const blobs = await readBlobs(repo, [...files.map((f) => f.blob), files[0]!.blob]);
    const byPath = new Map(files.map((f) => [f.path, blobs.get(f.blob)]));
    expect(byPath.get('latin1.py')).toEqual(latin1);
    expect(byPath.get('empty.py')).toEqual(Buffer.alloc(0));
    expect(byPath.get('bin.dat')).toEqual(binary);
    expect(byPath.get('src/é x.py')?.toString('utf8')).toBe('def f():\n    return "é"\n');
  });

  it('leaves out ids git does not have, and ignores things that are not ids', async () => {
    const root = makeRepo();
    write(root, 'a.py', 'a = 1\n');
    git(root, ['add', '-A']);
    const repo = await openRepo(root, { env: cleanEnv() });
    const [file] = await stagedFiles(repo);
    const missing = 'deadbeef'.repeat(5);
    const blobs = await readBlobs(repo, [missing, file!.blob, 'HEAD:a.py\nx', '']);
    expect([...blobs.keys()]).toEqual([file!.blob]);
    expect(await readBlobs(repo, [])).toEqual(new Map());
  });
});

describe('parseBatchOutput', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);

  it('parses blobs and missing entries in order', () => {
    const out = Buffer.concat([
      Buffer.from(`${a} blob 3\n`),
      Buffer.from([1, 10, 2]),
      Buffer.from(`\n${b} missing\n`),
    ]);
    expect(parseBatchOutput(out, [a, b])).toEqual(new Map([[a, Buffer.from([1, 10, 2])]]));
  });

  it('rejects truncated or malformed output with a SmartTestError', () => {
    expect(() => parseBatchOutput(Buffer.from(`${a} blob 10\nabc`), [a])).toThrow(SmartTestError);
    expect(() => parseBatchOutput(Buffer.from(`${a} blob 3\nabcX`), [a])).toThrow(/cat-file/);
    expect(() => parseBatchOutput(Buffer.from('garbage\n'), [a])).toThrow(SmartTestError);
    expect(() => parseBatchOutput(Buffer.alloc(0), [a])).toThrow(SmartTestError);
  });
});
