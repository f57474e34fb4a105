/** What smart-test reads from git. Paths are repo-relative POSIX paths; lines are 1-based and inclusive. */

export type StagedStatus = 'A' | 'M' | 'R' | 'C' | 'T';

export interface StagedFile {
  /** Path in the index (the new path of a rename or copy). */
  path: string;
  status: StagedStatus;
  /** Source path of a rename or copy, else null. */
  oldPath: string | null;
  /** Object id of the staged blob. */
  blob: string;
}

export interface LineRange {
  start: number;
  end: number;
}

/** One `-U0` hunk: `@@ -oldStart,oldCount +newStart,newCount @@`. A count of 0 means an insertion or deletion point. */
export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}
