import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SmartTestError } from '../errors.js';
import {
  directoryMissing,
  gitCommandFailed,
  indexFileMissing,
  notARepository,
  notAWorkTree,
} from '../report/messages/git.js';
import { gitEnvironment, type GitEnv } from './client.js';
import { gitOutput, spawnGit } from './process.js';

/** The tree of an empty commit, per object format: what the first commit is compared with. */
export const EMPTY_TREE: Readonly<Record<string, string>> = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

export interface Repo {
  /** Absolute path of the top of the working tree. */
  readonly root: string;
  /** Absolute directory smart-test was started in (may be below `root`). */
  readonly cwd: string;
  /** Absolute git directory (`.git`, or `.git/worktrees/<name>` for a linked worktree). */
  readonly gitDir: string;
  /**
   * Where smart-test keeps what it may remember between runs (`<gitDir>/smart-test`): only
   * caches, safe to delete at any time. Created when first written.
   */
  readonly cacheDir: string;
  /** False before the first commit. */
  readonly hasHead: boolean;
  /** Object id of HEAD, or null before the first commit. */
  readonly head: string | null;
  /** `sha1` or `sha256`. */
  readonly objectFormat: string;
  /** What staged changes are compared with: HEAD's commit id, or the empty tree before the first commit. */
  readonly baseTree: string;
  /** Absolute index file from GIT_INDEX_FILE (set by git inside hooks), or null for the default index. */
  readonly indexFile: string | null;
  /** The environment every git child process gets (see client.ts). */
  readonly env: GitEnv;
  /** Runs `git <args>` at the root through simple-git (loaded on first use) and returns stdout; failures become SmartTestError. */
  raw(args: readonly string[]): Promise<string>;
  /**
   * Runs a reading command that may print nothing (the diff commands) at the root, git spawned
   * directly (process.ts: simple-git waits 50 ms more after a silent command), and returns
   * stdout; failures become SmartTestError.
   */
  read(args: readonly string[]): Promise<string>;
}

export interface OpenRepoOptions {
  /** Environment to take git variables from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds the repository containing `cwd` with one `git rev-parse` (toplevel, git dir, object
 * format and HEAD in a single process, spawned directly: see process.ts). Works from any
 * subdirectory and inside hooks.
 */
export async function openRepo(cwd: string, options: OpenRepoOptions = {}): Promise<Repo> {
  const base = options.env ?? process.env;
  const absCwd = path.resolve(cwd);
  const probeArgs = ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-object-format', '--verify', '-q', 'HEAD'];
  // GIT_INDEX_FILE is left out here: rev-parse does not read the index and the root is not known yet.
  if (!(await stat(absCwd).then((st) => st.isDirectory(), () => false))) throw new SmartTestError(directoryMissing(absCwd));
  const probe = await spawnGit(probeArgs, { cwd: absCwd, env: gitEnvironment(base, absCwd, null) });
  const out = probe.stdout.toString('utf8');
  // With --verify -q, a missing HEAD (no commit yet) exits 1 with no error text after printing
  // the first three lines.
  if (probe.code !== 0 && !(probe.code === 1 && probe.stderr.trim() === '' && out.split('\n').length >= 3)) {
    throw gitFailure(probe.stderr, absCwd, probeArgs);
  }
  const lines = out.split('\n').filter((l) => l.length > 0);
  const [rootLine, gitDirLine, formatLine, headLine] = lines;
  if (rootLine === undefined || gitDirLine === undefined) {
    throw new SmartTestError(gitCommandFailed(['rev-parse', ...probeArgs.slice(1)], out));
  }
  const root = path.resolve(rootLine);
  const gitDir = path.resolve(gitDirLine);
  const head = headLine !== undefined && /^[0-9a-f]{40,64}$/.test(headLine) ? headLine : null;
  const objectFormat = formatLine === 'sha256' || (formatLine !== 'sha1' && head?.length === 64) ? 'sha256' : 'sha1';
  const env = gitEnvironment(base, absCwd, root);
  const indexFile = env.GIT_INDEX_FILE ?? null;
  if (indexFile !== null && indexFile !== path.join(gitDir, 'index')) {
    const exists = await stat(indexFile).then((s) => s.isFile(), () => false);
    if (!exists) throw new SmartTestError(indexFileMissing(base.GIT_INDEX_FILE ?? '', indexFile));
  }
  // simple-git is loaded by the first raw() call only: the commit path never makes one.
  let simple: Promise<(args: readonly string[]) => Promise<string>> | null = null;
  const viaSimpleGit = () =>
    (simple ??= import('./simple-git-client.js').then(({ createGitClient, runSimpleGit }) => {
      const git = createGitClient(root, env);
      return (args: readonly string[]) => runSimpleGit(git, args);
    }));
  return {
    root,
    cwd: absCwd,
    gitDir,
    cacheDir: path.join(gitDir, 'smart-test'),
    hasHead: head !== null,
    head,
    objectFormat,
    baseTree: head ?? EMPTY_TREE[objectFormat] ?? EMPTY_TREE.sha1!,
    indexFile,
    env,
    raw: async (args) => (await viaSimpleGit())(args),
    read: async (args) => (await gitOutput(args, { cwd: root, env })).toString('utf8'),
  };
}

/** The error for a git command run in `cwd` that failed with `stderr`: not a repository, not a work tree, or the command's own message. */
export function gitFailure(stderr: string, cwd: string, args: readonly string[]): SmartTestError {
  if (/not a git repository/i.test(stderr)) return new SmartTestError(notARepository(cwd));
  if (/must be run in a work tree/i.test(stderr)) return new SmartTestError(notAWorkTree(cwd));
  return new SmartTestError(gitCommandFailed(args, stderr));
}
