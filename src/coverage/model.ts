/** coverage.py's JSON report, as smart-test uses it. Lines are 1-based, in the coordinates of the file coverage measured. */

export interface RegionCoverage {
  executedLines: number[];
  missingLines: number[];
  excludedLines: number[];
  /** Lines with a branch never taken (`missing_branches` of a `--branch` report); absent without branch data. */
  partialLines?: number[];
}

export interface FileCoverage extends RegionCoverage {
  /** Format 3 (coverage.py 7.6+): per-function regions keyed by qualname ("" is the module level), else null. */
  functions: Map<string, RegionCoverage> | null;
}

export interface CoverageReport {
  /** Absolute path of the coverage.json read. */
  path: string;
  /** meta.format: null for reports without it (coverage.py 5.x to 7.4.0), else 2, 3, ... */
  format: number | null;
  /** meta.version, e.g. "6.5.0", or null. */
  version: string | null;
  /** meta.timestamp as written, and as a Date (local time, as coverage.py writes it), or null when absent. */
  timestampText: string | null;
  timestamp: Date | null;
  /** Number of measured files in the report. */
  fileCount: number;
  /** Coverage of one file, by repo-relative POSIX path, or undefined when the report does not measure it. */
  file(repoPath: string): FileCoverage | undefined;
}
