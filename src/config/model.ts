export type StaleCoverage = 'warn' | 'error';
export type OnGenerate = 'fail' | 'stage' | 'warn';
export type BelowThreshold = 'warn' | 'error';

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
  /** Probe processes `generate` may run at once (modules are probed in groups); null: the number of cores (resolveJobs). */
  jobs: number | null;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file the settings came from, or null when defaults are used. */
  source: string | null;
}
