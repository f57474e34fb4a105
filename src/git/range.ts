import { SmartTestError } from '../errors.js';
import { rangeMessages } from '../report/messages/review.js';
import type { ChangeSet } from './changes.js';
import { PATCH_OPTIONS, WorktreeHunks, hunksToWorktree, parseUnifiedDiff } from './hunks.js';
import type { Hunk, StagedFile } from './model.js';
import type { Repo } from './repo.js';
import { parseRawZ } from './staged.js';

/**
 * Code-review mode: the changes of a branch, as a pull request shows them. The files and hunks
 * are those between the merge base of the base ref and HEAD, and HEAD (committed content; the
 * index plays no part), so a CI job sees exactly what the branch adds, whichever commit of the
 * branch added it and whatever later commits undid.
 */

export interface ResolvedRange {
  /** The ref as given (`origin/main`). */
  base: string;
  /** Commit id the ref names. */
  baseCommit: string;
  /** Commit id of the merge base of the ref and HEAD: the old side of every diff. */
  mergeBase: string;
  /** Commit id of HEAD: the new side, whose blobs are read. */
  head: string;
}

/** A ChangeSet of a branch range, with the range it resolved to. */
export interface RangeChangeSet extends ChangeSet {
  kind: 'range';
  /** The resolved range; rejects with the exit-2 error (what to fetch) when it cannot be resolved. */
  range(): Promise<ResolvedRange>;
}

/** Same as src/git/hunks.ts: patches that do not depend on the user's diff.* settings. */

/** The changes of `base...HEAD`. `base` is a ref to resolve, or a range resolved already with resolveRange. */
export function rangeChanges(repo: Repo, base: string | ResolvedRange): RangeChangeSet {
  const range = typeof base === 'string' ? resolveRange(repo, base) : Promise.resolve(base);
  range.catch(() => undefined);
  return {
    kind: 'range',
    range: () => range,
    files: async () => rangeFiles(repo, await range),
    hunks: async () => rangeHunks(repo, await range),
    worktreeHunks: async (paths) => headWorktreeHunks(repo, (await range).head, paths),
  };
}

/**
 * Resolves `base` and the merge base with HEAD. Errors (exit 2) say what to fetch: the ref when
 * this clone lacks it, more history when the clone is shallow and the merge base is cut off.
 */
export async function resolveRange(repo: Repo, base: string): Promise<ResolvedRange> {
  if (base.trim() === '' || base.startsWith('-')) throw new SmartTestError(rangeMessages.badRef(base));
  if (!repo.head) throw new SmartTestError(rangeMessages.noHead(base));
  const head = repo.head;
  const [baseCommit, shallow] = await Promise.all([verifyCommit(repo, base), isShallow(repo)]);
  if (baseCommit === null) throw new SmartTestError(rangeMessages.refMissing(base, fetchHint(base, await remotes(repo)), shallow));
  const mergeBase = await findMergeBase(repo, baseCommit, head);
  if (mergeBase === null) {
    const remote = (await remotes(repo))[0] ?? null;
    throw new SmartTestError(shallow ? rangeMessages.mergeBaseShallow(base, remote ?? 'origin') : rangeMessages.unrelated(base));
  }
  return { base, baseCommit, mergeBase, head };
}

/** Files added, modified, renamed, copied or type-changed between the merge base and HEAD; blobs are HEAD's. */
export async function rangeFiles(repo: Repo, range: ResolvedRange): Promise<StagedFile[]> {
  const out = await repo.read(['diff-tree', '-r', '--raw', '-z', '-M', '--no-abbrev', range.mergeBase, range.head, '--']);
  return parseRawZ(out);
}

/** Hunks per new path (old side = the merge base, new side = HEAD); deleted files are left out. */
export async function rangeHunks(repo: Repo, range: ResolvedRange): Promise<Map<string, Hunk[]>> {
  const out = await repo.read(['diff-tree', ...PATCH_OPTIONS, '-M', range.mergeBase, range.head, '--']);
  const result = new Map<string, Hunk[]>();
  for (const patch of parseUnifiedDiff(out)) {
    if (patch.newPath === null) continue;
    result.set(patch.newPath, patch.hunks);
  }
  return result;
}

/**
 * HEAD -> working tree hunks per requested path: coverage measured the working tree, which in
 * CI is HEAD itself (every entry empty). One process: `git diff-index -p -U0 <head> -- <paths>`
 * (the plumbing form of `git diff -U0 HEAD`, so no diff.* setting changes it).
 */
export function headWorktreeHunks(repo: Repo, head: string, paths: readonly string[]): Promise<WorktreeHunks> {
  return hunksToWorktree(repo, ['diff-index', head], paths);
}

/** The commit `ref` names, or null when this repository does not have it. */
async function verifyCommit(repo: Repo, ref: string): Promise<string | null> {
  try {
    const out = (await repo.raw(['rev-parse', '--verify', '-q', `${ref}^{commit}`])).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    // rev-parse --verify -q exits 1 with no output for an unknown ref; simple-git may or may not call that a failure.
    return null;
  }
}

/** `git merge-base` exits 1 with no output when the two commits share no history this clone has. */
async function findMergeBase(repo: Repo, a: string, b: string): Promise<string | null> {
  const out = (await repo.raw(['merge-base', a, b])).trim();
  return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
}

async function isShallow(repo: Repo): Promise<boolean> {
  return (await repo.raw(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
}

async function remotes(repo: Repo): Promise<string[]> {
  const names = (await repo.read(['remote'])).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // origin first: it is what CI checkouts call the remote.
  return names.sort((a, b) => (a === 'origin' ? -1 : b === 'origin' ? 1 : a.localeCompare(b)));
}

export interface FetchHint {
  /** The command that fetches the ref. */
  command: string;
  /** The --base to pass afterwards, when it differs from the one given. */
  useBase: string | null;
}

/**
 * What to fetch when `base` is not in this clone: `origin/main` (or `refs/remotes/origin/main`)
 * -> `git fetch origin main:refs/remotes/origin/main`; a commit id -> `git fetch origin <id>`;
 * a plain branch name -> fetch it as a remote-tracking branch and pass that. Null without remotes.
 */
export function fetchHint(base: string, remoteNames: readonly string[]): FetchHint | null {
  if (remoteNames.length === 0) return null;
  const ref = base.replace(/^refs\/remotes\//, '');
  const slash = ref.indexOf('/');
  if (slash > 0 && remoteNames.includes(ref.slice(0, slash))) {
    const remote = ref.slice(0, slash);
    const branch = ref.slice(slash + 1);
    return { command: `git fetch ${remote} ${branch}:refs/remotes/${remote}/${branch}`, useBase: null };
  }
  const remote = remoteNames[0]!;
  if (/^[0-9a-f]{7,64}$/i.test(base)) return { command: `git fetch ${remote} ${base}`, useBase: null };
  const branch = base.replace(/^refs\/heads\//, '');
  return { command: `git fetch ${remote} ${branch}:refs/remotes/${remote}/${branch}`, useBase: `${remote}/${branch}` };
}
