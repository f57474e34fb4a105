import path from 'node:path';
import type { StagedFile } from '../git/model.js';
import { spawnGit } from '../git/process.js';
import { EMPTY_TREE, gitFailure } from '../git/repo.js';
import { parseRawZ } from '../git/staged.js';

/**
 * The staged files for `smart-test check` without opening a Repo: `git rev-parse` and
 * `git diff-index --cached` run side by side (their content then comes from readBlobsAt in
 * blobs.ts). The wall time is that of two git processes in a row.
 *
 * Git runs with the caller's environment unchanged, so inside a hook it reads the index the
 * commit is built from (GIT_INDEX_FILE, relative values resolved by git itself against the top
 * of the working tree) and the repository of a linked worktree (GIT_DIR).
 */

export interface StagedIndex {
  /** Absolute top of the working tree. */
  root: string;
  /** Added, modified, renamed, copied or type-changed files (not deleted, not submodules or links). */
  files: StagedFile[];
}

/** The staged files of the repository holding `cwd`, compared with HEAD (or the empty tree before the first commit). */
export async function readStagedIndex(cwd: string, env: NodeJS.ProcessEnv): Promise<StagedIndex> {
  const probeArgs = ['rev-parse', '--show-toplevel', '--show-object-format', '--verify', '-q', 'HEAD'];
  const diffArgs = (base: string) => ['diff-index', '--cached', '--raw', '-z', '-M', '--no-abbrev', base, '--'];
  const [probe, diff] = await Promise.all([spawnGit(probeArgs, { cwd, env }), spawnGit(diffArgs('HEAD'), { cwd, env })]);
  const [rootLine, formatLine, headLine] = probe.stdout.toString('utf8').split('\n');
  if (!rootLine) throw gitFailure(probe.stderr, cwd, probeArgs);
  const root = path.resolve(rootLine);
  let raw = diff;
  if (!headLine) {
    // No commit yet: everything in the index is added, compared with the empty tree.
    const base = EMPTY_TREE[formatLine === 'sha256' ? 'sha256' : 'sha1']!;
    raw = await spawnGit(diffArgs(base), { cwd, env });
    if (raw.code !== 0) throw gitFailure(raw.stderr, cwd, diffArgs(base));
  } else if (diff.code !== 0) throw gitFailure(diff.stderr, cwd, diffArgs('HEAD'));
  return { root, files: parseRawZ(raw.stdout.toString('utf8')) };
}
