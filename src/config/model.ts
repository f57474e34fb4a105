export type StaleCoverage = 'warn' | 'error';
export type OnGenerate = 'fail' | 'stage' | 'warn';

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
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file the settings came from, or null when defaults are used. */
  source: string | null;
}
