import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmartTestError } from '../../../src/errors.js';
import { runPlaceholderCheck } from '../../../src/gate/check.js';
import { readStagedIndex } from '../../../src/gate/index-reader.js';
import { readBlobsAt } from '../../../src/git/blobs.js';
import { openRepo } from '../../../src/git/repo.js';

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) e[k] = v;
  return { ...e, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid', ...extra };
}

describe('readStagedIndex / readBlobsAt', () => {
  let root: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env: env(), encoding: 'utf8' });
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  beforeEach(() => {
    root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-index-')));
    git('init', '-q', '-b', 'main');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('before the first commit every staged file is added', async () => {
    write('tests/test_a.py', 'A = 1\n');
    git('add', '-A');
    const index = await readStagedIndex(root, env());
    expect(index.root).toBe(root);
    expect(index.files.map((f) => [f.path, f.status])).toEqual([['tests/test_a.py', 'A']]);
    const blobs = await readBlobsAt(root, env(), index.files.map((f) => f.blob));
    expect(blobs.get(index.files[0]!.blob)?.toString()).toBe('A = 1\n');
  });

  it('after commits: modified, renamed and deleted files; from a subdirectory; paths stay repo-relative', async () => {
    write('tests/test_a.py', 'A = 1\n');
    write('tests/test_b.py', 'B = 1\n' + 'x = 1\n'.repeat(20));
    write('tests/test_c.py', 'C = 1\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    write('tests/test_a.py', 'A = 2\n');
    git('mv', 'tests/test_b.py', 'tests/test_renamed.py');
    git('rm', '-q', 'tests/test_c.py');
    git('add', '-A');
    const index = await readStagedIndex(path.join(root, 'tests'), env());
    expect(index.root).toBe(root);
    expect(index.files.map((f) => [f.path, f.status, f.oldPath])).toEqual([
      ['tests/test_a.py', 'M', null],
      ['tests/test_renamed.py', 'R', 'tests/test_b.py'],
    ]);
  });

  it('GIT_INDEX_FILE (as git sets it for hooks) decides which index is read', async () => {
    write('test_a.py', 'A = 1\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    copyFileSync(path.join(root, '.git', 'index'), path.join(root, '.git', 'other-index'));
    write('test_a.py', 'A = "test_value"\n');
    git('add', '-A');
    expect((await readStagedIndex(root, env())).files).toHaveLength(1);
    expect((await readStagedIndex(root, env({ GIT_INDEX_FILE: '.git/other-index' }))).files).toHaveLength(0);
    const viaOther = await runPlaceholderCheck({ cwd: root, env: env({ GIT_INDEX_FILE: '.git/other-index' }), files: [] });
    expect(viaOther.filesChecked).toBe(0);
    // A relative value is resolved by git against the top of the working tree, wherever we start.
    mkdirSync(path.join(root, 'sub'));
    expect((await readStagedIndex(path.join(root, 'sub'), env({ GIT_INDEX_FILE: '.git/other-index' }))).files).toHaveLength(0);
    expect((await readStagedIndex(path.join(root, 'sub'), env({ GIT_INDEX_FILE: '.git/index' }))).files).toHaveLength(1);
  });

  it('outside a repository: a SmartTestError saying so', async () => {
    const outside = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-norepo-')));
    try {
      const error = await readStagedIndex(outside, env({ GIT_CEILING_DIRECTORIES: path.dirname(outside) })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmartTestError);
      expect((error as Error).message).toMatch(/not inside a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('gives the same files as the shared git layer (openRepo + stagedFiles)', async () => {
    write('a.py', 'a = 1\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    write('a.py', 'a = 2\n');
    write('tests/test_x.py', 'X = "test_value"\n');
    git('add', '-A');
    const lean = await runPlaceholderCheck({ cwd: root, env: env(), files: [] });
    const repo = await openRepo(root, { env: env() });
    const shared = await runPlaceholderCheck({ cwd: root, env: env(), files: [], repo });
    expect(lean).toEqual(shared);
    expect(lean.findings.map((f) => [f.file, f.line, f.column])).toEqual([['tests/test_x.py', 1, 6]]);
  });
});
