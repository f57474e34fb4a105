/**
 * coverage.py's data file (`.coverage`, what `pytest --cov` leaves behind) as a source of
 * coverage.json. Before the report is read, a few stats decide whether the newest coverage
 * data is a data file (or parallel data files, `.coverage.*`) newer than every configured
 * coverage.json, or the only data there is; then, and only when the plan actually needs
 * coverage, convert.ts (loaded on demand) writes coverage.json from it with `coverage json`.
 * A commit whose coverage.json is newer pays the stats, the reads of coverage.py's small
 * configuration files and one directory listing, all alongside the other work of the plan.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { coverageDataSetting } from './coverage-config.js';
import { loadCoverage, type LoadedCoverage } from './locate.js';

export interface DataFiles {
  /** The data file coverage.py reads (`.coverage` or the configured one), absolute. */
  dataFile: string;
  /** Parallel data files (`<dataFile>.*`) to combine first; empty when the data file itself is the newest. */
  parallel: string[];
  /** The newest modification time of the data used (ms). */
  mtimeMs: number;
  /** Where coverage.json is to be written (the first `coverage` entry), absolute. */
  target: string;
}

export interface CoverageDataOptions {
  repoRoot: string;
  config: Pick<Config, 'coverage' | 'coverageData'>;
  env: NodeJS.ProcessEnv;
}

async function mtimeOf(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.mtimeMs : null;
  } catch {
    return null;
  }
}

/** Parallel data files beside `dataFile`: `<name>.<suffix>`, as `coverage combine` finds them. */
async function parallelFiles(dataFile: string): Promise<string[]> {
  const dir = path.dirname(dataFile);
  const prefix = `${path.basename(dataFile)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && n.length > prefix.length && !n.endsWith('.json') && !n.endsWith('.tmp'))
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * The coverage data to convert, or null when there is nothing to do: conversion off, no data
 * file, or a configured coverage.json at least as new as the data.
 */
export async function findDataToConvert({ repoRoot, config, env }: CoverageDataOptions): Promise<DataFiles | null> {
  if (config.coverageData === false) return null;
  const candidates = (config.coverage.length > 0 ? config.coverage : ['coverage.json']).map((c) => path.resolve(repoRoot, c));
  const target = candidates[0]!;
  // Never write outside the repository: a report configured there is the user's to make.
  const inside = path.relative(repoRoot, target);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  const [setting, jsonTimes] = await Promise.all([
    typeof config.coverageData === 'string' ? { dataFile: path.resolve(repoRoot, config.coverageData) } : coverageDataSetting(repoRoot, env),
    Promise.all(candidates.map(mtimeOf)),
  ]);
  const [baseTime, parallel] = await Promise.all([mtimeOf(setting.dataFile), parallelFiles(setting.dataFile)]);
  const parallelTimes = await Promise.all(parallel.map(mtimeOf));
  const newestParallel = Math.max(-Infinity, ...parallelTimes.map((t) => t ?? -Infinity));
  // Parallel files newer than the data file are a run not combined yet; older ones are leftovers.
  const useParallel = newestParallel > (baseTime ?? -Infinity);
  const dataTime = useParallel ? newestParallel : baseTime;
  if (dataTime === null || dataTime === -Infinity) return null;
  const newestJson = Math.max(-Infinity, ...jsonTimes.map((t) => t ?? -Infinity));
  if (newestJson >= dataTime) return null;
  return {
    dataFile: setting.dataFile,
    parallel: useParallel ? parallel.filter((_, i) => parallelTimes[i] !== null) : [],
    mtimeMs: dataTime,
    target,
  };
}

export interface StartCoverageOptions extends CoverageDataOptions {
  cwd: string;
  cacheDir?: string | undefined;
  /** Configured Python (config `python`) for `coverage json`. */
  python: string | null;
  /** Receives the one line that says a data file was converted. */
  note: (line: string) => void;
}

/**
 * Starts getting the coverage report: the check above begins now; when nothing is to be
 * converted the report is loaded right away (as before), otherwise the conversion waits until
 * the returned function is called, that is until the plan needs coverage. Rejections surface
 * only through the returned function.
 */
export function startCoverage(opts: StartCoverageOptions): () => Promise<LoadedCoverage> {
  const load = () => loadCoverage({ repoRoot: opts.repoRoot, cwd: opts.cwd, candidates: opts.config.coverage, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) });
  const checked = findDataToConvert(opts).catch(() => null);
  const eager = checked.then((data) => (data === null ? load() : null));
  eager.catch(() => undefined);
  return async () => {
    const loaded = await eager;
    if (loaded !== null) return loaded;
    const data = (await checked)!;
    const { convertDataFile } = await import('./convert.js');
    await convertDataFile(data, { repoRoot: opts.repoRoot, cwd: opts.cwd, python: opts.python, env: opts.env, note: opts.note });
    return load();
  };
}
