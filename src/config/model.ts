export type StaleCoverage = 'warn' | 'error';
export type OnGenerate = 'fail' | 'stage' | 'warn';
export type BelowThreshold = 'warn' | 'error';
export type ChangedLines = 'cover' | 'ignore';

/** Settings after defaults are applied. See .smarttestrc.example for what each does. */
export interface Config {
  /** coverage.json paths (repo-relative or absolute); when several exist the newest is used. */
  coverage: string[];
  threshold: number;
  include: string[];
  exclude: string[];
  sourceRoots: string[];
  testsDir: string;
  placeholder: string;
  maxFunctions: number;
  staleCoverage: StaleCoverage;
  onGenerate: OnGenerate;
  /** Python interpreter for running candidates, or null to find one. */
  python: string | null;
  /** A touched function below the threshold (or of unknown coverage): a warning, or an error that makes `plan` exit 1. */
  belowThreshold: BelowThreshold;
  /** Run functions with visible side effects (processes, network, environment) and let candidates have them. */
  allowSideEffects: boolean;
  /**
   * coverage.py's data file (.coverage) to turn into coverage.json when it is newer: a path
   * (repo-relative or absolute), null to find it (coverage.py's own configuration, else
   * .coverage), or false to never convert.
   */
  coverageData: string | false | null;
  /** `cover`: a touched function whose changed executable lines are not all covered needs tests, whatever its coverage. */
  changedLines: ChangedLines;
  /** Seconds of probe time the directed search may spend on one function (0 turns the search off). */
  searchBudget: number;
  /** Seconds of probe time the directed search may spend in one run. */
  searchRunBudget: number;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file the settings came from, or null when defaults are used. */
  source: string | null;
}
