import path from 'node:path';
import { SmartTestError } from '../errors.js';
import type { StagedFile } from '../git/model.js';
import { spawnGit, type GitResult } from '../git/process.js';
import { parseRawZ } from '../git/staged.js';
import { batchOutputMalformed, gitCommandFailed, notARepository, notAWorkTree } from '../report/messages/git.js';

/**
 * The staged files and their index content for `smart-test check`, with git spawned directly:
 * `git rev-parse` and `git diff-index --cached` run side by side, then one
 * `git cat-file --batch`. The wall time is that of two git processes in a row, and simple-git
 * (a sizeable module to load) is not needed.
 *
 * Git runs with the caller's environment unchanged, so inside a hook it reads the index the
 * commit is built from (GIT_INDEX_FILE, relative values resolved by git itself against the top
 * of the working tree) and the repository of a linked worktree (GIT_DIR).
 */

const EMPTY_TREE: Readonly<Record<string, string>> = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

export interface StagedIndex {
  /** Absolute top of the working tree. */
  root: string;
  /** Added, modified, renamed, copied or type-changed files (not deleted, not submodules or links). */
  files: StagedFile[];
}

function runGit(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<GitResult> {
  return spawnGit(args, input === undefined ? { cwd, env } : { cwd, env, input });
}

function failure(args: readonly string[], result: GitResult, cwd: string): SmartTestError {
  if (/not a git repository/i.test(result.stderr)) return new SmartTestError(notARepository(cwd));
  if (/must be run in a work tree/i.test(result.stderr)) return new SmartTestError(notAWorkTree(cwd));
  return new SmartTestError(gitCommandFailed(args, result.stderr));
}

/** The staged files of the repository holding `cwd`, compared with HEAD (or the empty tree before the first commit). */
export async function readStagedIndex(cwd: string, env: NodeJS.ProcessEnv): Promise<StagedIndex> {
  const probeArgs = ['rev-parse', '--show-toplevel', '--show-object-format', '--verify', '-q', 'HEAD'];
  const diffArgs = (base: string) => ['diff-index', '--cached', '--raw', '-z', '-M', '--no-abbrev', base, '--'];
  const [probe, diff] = await Promise.all([runGit(probeArgs, cwd, env), runGit(diffArgs('HEAD'), cwd, env)]);
  const [rootLine, formatLine, headLine] = probe.stdout.toString('utf8').split('\n');
  if (!rootLine) throw failure(probeArgs, probe, cwd);
  const root = path.resolve(rootLine);
  let raw = diff;
  if (!headLine) {
    // No commit yet: everything in the index is added, compared with the empty tree.
    const base = EMPTY_TREE[formatLine === 'sha256' ? 'sha256' : 'sha1']!;
    raw = await runGit(diffArgs(base), cwd, env);
    if (raw.code !== 0) throw failure(diffArgs(base), raw, cwd);
  } else if (diff.code !== 0) throw failure(diffArgs('HEAD'), diff, cwd);
  return { root, files: parseRawZ(raw.stdout.toString('utf8')) };
}

/** Index content by blob id, from one `git cat-file --batch`. Ids git does not have are absent. */
export async function readIndexBlobs(cwd: string, env: NodeJS.ProcessEnv, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids.filter((id) => /^[0-9a-f]{40,64}$/i.test(id)))];
  if (unique.length === 0) return new Map();
  const args = ['cat-file', '--batch'];
  const result = await runGit(args, cwd, env, `${unique.join('\n')}\n`);
  if (result.code !== 0) throw failure(args, result, cwd);
  const blobs = new Map<string, Buffer>();
  const out = result.stdout;
  let pos = 0;
  for (const id of unique) {
    const eol = out.indexOf(0x0a, pos);
    if (eol < 0) throw new SmartTestError(batchOutputMalformed(`no header for ${id}`));
    const header = out.subarray(pos, eol).toString('latin1').split(' ');
    pos = eol + 1;
    if (header.length === 2) continue; // "<id> missing" / "<id> ambiguous"
    const size = Number(header[2]);
    if (header.length !== 3 || !Number.isSafeInteger(size) || pos + size > out.length) throw new SmartTestError(batchOutputMalformed(`unexpected header "${header.join(' ')}"`));
    blobs.set(id, out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return blobs;
}
