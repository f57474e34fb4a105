import type { Hunk, StagedFile } from './model.js';
import type { Repo } from './repo.js';
import { stagedDiff, type StagedDiff } from './staged.js';
import { worktreeHunks } from './hunks.js';

/**
 * The changes a run looks at: the files, their hunks (old side = the base, new side = the
 * content analysed), and the hunks from the analysed content to the working tree that coverage
 * measured. For a commit that is the index against HEAD (stagedChanges, below); for a branch in
 * CI the committed range from the merge base to HEAD (rangeChanges in range.ts, `--base REF`).
 */
export interface ChangeSet {
  /** What is analysed, for messages: "staged" or "range". */
  kind: 'staged' | 'range';
  files(): Promise<StagedFile[]>;
  /** Hunks per new path; started before files() resolves, so it must not depend on it. */
  hunks(): Promise<Map<string, Hunk[]>>;
  /** Analysed content -> working tree hunks for these paths (coverage measured the working tree). */
  worktreeHunks(paths: readonly string[]): Promise<Map<string, Hunk[]>>;
}

/**
 * The staged change: the index (the temporary one inside `git commit -a` / `<path>` hooks)
 * against HEAD. `early` is the same diff started before the repository was opened
 * (startStagedDiff); when it could not answer, the diff runs now.
 */
export function stagedChanges(repo: Repo, early?: Promise<StagedDiff | null>): ChangeSet {
  // The files and their hunks come from one git process, started by whichever is asked first.
  let diff: Promise<StagedDiff> | null = null;
  const both = () => (diff ??= (early ?? Promise.resolve(null)).then((d) => (d !== null && repo.hasHead ? d : stagedDiff(repo))));
  return {
    kind: 'staged',
    files: async () => (await both()).files,
    hunks: async () => (await both()).hunks,
    worktreeHunks: (paths) => worktreeHunks(repo, paths),
  };
}
