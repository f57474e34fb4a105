import { availableParallelism, cpus } from 'node:os';
import type { Config } from './model.js';

/** How many probe processes `generate` may run at once: `jobs`, or when it is null the cores Node may use; at least 1. */
export function resolveJobs(jobs: number | null): number {
  if (jobs !== null) return Math.max(1, Math.floor(jobs));
  const n = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  return Math.max(1, Number.isFinite(n) ? Math.floor(n) : 1);
}

/**
 * The settings used when no configuration file sets them. Kept apart from the zod schema so
 * that a run without a configuration file never loads zod (about 100 ms to import).
 */
export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  coverage: Object.freeze(['coverage.json']) as unknown as string[],
  threshold: 80,
  include: Object.freeze(['**/*.py']) as unknown as string[],
  exclude: Object.freeze([]) as unknown as string[],
  sourceRoots: Object.freeze(['src', '.']) as unknown as string[],
  testsDir: 'tests',
  placeholder: 'test_value',
  maxFunctions: 25,
  staleCoverage: 'warn',
  onGenerate: 'fail',
  python: null,
  belowThreshold: 'warn',
  allowSideEffects: false,
  coverageData: null,
  changedLines: 'cover',
  searchBudget: 0.5,
  searchRunBudget: 3,
  probeMemory: 2 ** 30,
  jobs: null,
});

/** Every setting name, in the order the documentation lists them. */
export const CONFIG_KEYS = Object.freeze(Object.keys(DEFAULT_CONFIG)) as readonly (keyof Config)[];

/** A fresh, mutable copy of the defaults (callers may change it, e.g. for --threshold). */
export function defaultConfig(): Config {
  return {
    ...DEFAULT_CONFIG,
    coverage: [...DEFAULT_CONFIG.coverage],
    include: [...DEFAULT_CONFIG.include],
    exclude: [...DEFAULT_CONFIG.exclude],
    sourceRoots: [...DEFAULT_CONFIG.sourceRoots],
  };
}
