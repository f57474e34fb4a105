import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SmartTestError } from '../../../src/errors.js';
import { gitEnvironment } from '../../../src/git/client.js';
import { EMPTY_TREE, openRepo } from '../../../src/git/repo.js';
import { stagedFiles } from '../../../src/git/staged.js';
import { cleanEnv, cleanupTempDirs, commitAll, git, makeRepo, tempDir, write } from './helpers.js';

afterAll(cleanupTempDirs);

async function openError(cwd: string, env = cleanEnv()): Promise<SmartTestError> {
  const error = await openRepo(cwd, { env }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SmartTestError);
  return error as SmartTestError;
}

describe('openRepo', () => {
  it('finds the root before the first commit (no HEAD)', async () => {
    const root = makeRepo();
    const repo = await openRepo(root, { env: cleanEnv() });
    expect(repo.root).toBe(root);
    expect(repo.cwd).toBe(root);
    expect(repo.gitDir).toBe(path.join(root, '.git'));
    expect(repo.hasHead).toBe(false);
    expect(repo.head).toBeNull();
    expect(repo.baseTree).toBe(EMPTY_TREE.sha1);
    expect(repo.indexFile).toBeNull();
  });

  it('works from a subdirectory and sees HEAD after a commit', async () => {
    const root = makeRepo();
    write(root, 'pkg/deep/mod.py', 'x = 1\n');
    commitAll(root);
    const head = git(root, ['rev-parse', 'HEAD']).trim();
    const sub = path.join(root, 'pkg', 'deep');
    const repo = await openRepo(sub, { env: cleanEnv() });
    expect(repo.root).toBe(root);
    expect(repo.cwd).toBe(sub);
    expect(repo.hasHead).toBe(true);
    expect(repo.head).toBe(head);
    expect(repo.baseTree).toBe(head);
  });

  it('explains when the directory is not in a repository', async () => {
    const dir = tempDir('smart-test-norepo-');
    const error = await openError(dir, { ...cleanEnv(), GIT_CEILING_DIRECTORIES: path.dirname(dir) });
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/not inside a git repository/);
    expect(error.message).not.toContain('\n');
  });

  it('explains when the directory does not exist', async () => {
    const error = await openError(path.join(tempDir(), 'missing'));
    expect(error.message).toMatch(/does not exist/);
  });

  it('explains when started inside the .git directory', async () => {
    const root = makeRepo();
    const error = await openError(path.join(root, '.git'));
    expect(error.message).toMatch(/no working tree/);
  });

  it('resolves a relative GIT_INDEX_FILE against the root, even from a subdirectory', async () => {
    const root = makeRepo();
    write(root, 'a.py', 'a = 1\n');
    write(root, 'sub/b.py', 'b = 1\n');
    commitAll(root);
    write(root, 'a.py', 'a = 2\n');
    // An alternative index that stages a.py, while the real index stages nothing.
    git(root, ['read-tree', '--index-output=.git/alt-index', 'HEAD']);
    git(root, ['add', 'a.py'], undefined, { GIT_INDEX_FILE: '.git/alt-index' });
    const env = { ...cleanEnv(), GIT_INDEX_FILE: '.git/alt-index' };
    const repo = await openRepo(path.join(root, 'sub'), { env });
    expect(repo.indexFile).toBe(path.join(root, '.git', 'alt-index'));
    expect((await stagedFiles(repo)).map((f) => f.path)).toEqual(['a.py']);
    const plain = await openRepo(path.join(root, 'sub'), { env: cleanEnv() });
    expect(await stagedFiles(plain)).toEqual([]);
  });

  it('refuses a GIT_INDEX_FILE that points nowhere', async () => {
    const root = makeRepo();
    const error = await openError(root, { ...cleanEnv(), GIT_INDEX_FILE: 'no/such/index' });
    expect(error.message).toContain('GIT_INDEX_FILE');
    expect(error.message).toContain(path.join(root, 'no/such/index'));
  });

  it('is not upset by guarded variables in the environment (GIT_EXEC_PATH, EDITOR, PAGER, PREFIX ...)', async () => {
    const root = makeRepo();
    write(root, 'a.py', 'a = 1\n');
    git(root, ['add', 'a.py']);
    const env = {
      ...cleanEnv(),
      GIT_EXEC_PATH: git(root, ['--exec-path']).trim(),
      GIT_EDITOR: ':',
      GIT_PREFIX: '',
      GIT_CONFIG_PARAMETERS: "'core.quotepath'='true'",
      EDITOR: 'vi',
      VISUAL: 'vi',
      PAGER: 'less',
      PREFIX: '/usr',
      SSH_ASKPASS: 'x',
    };
    const repo = await openRepo(root, { env });
    expect(Object.keys(repo.env).filter((k) => k.startsWith('GIT_'))).toEqual([]);
    expect((await stagedFiles(repo)).map((f) => f.path)).toEqual(['a.py']);
  });
});

describe('gitEnvironment', () => {
  it('keeps only the repository-locating git variables, made absolute', () => {
    const env = gitEnvironment(
      { PATH: '/bin', GIT_DIR: '.git', GIT_WORK_TREE: '.', GIT_INDEX_FILE: '.git/index.lock', GIT_AUTHOR_NAME: 'x', HOME: '/home/u' },
      '/work/repo',
      '/work/repo',
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/u',
      GIT_DIR: path.resolve('/work/repo/.git'),
      GIT_WORK_TREE: path.resolve('/work/repo'),
      GIT_INDEX_FILE: path.resolve('/work/repo/.git/index.lock'),
    });
  });

  it('leaves GIT_INDEX_FILE out while the root is unknown', () => {
    expect(gitEnvironment({ GIT_INDEX_FILE: 'x' }, '/r', null)).toEqual({});
  });
});
