/**
 * Choosing the coverage report: of the configured candidates that exist, the newest by
 * `meta.timestamp` (by the file's mtime when a report has none). Only the `meta` of each
 * candidate is read to choose (the first 64 KiB, when coverage.py wrote `meta` first, as it
 * does); then the chosen one is read (see read.ts).
 *
 * Relative candidates are relative to the repository root; when none exists there and the
 * command runs in a subdirectory, the same relative paths are tried from there.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SmartTestError } from '../errors.js';
import { coverageNotFound } from '../report/messages/coverage.js';
import { displayPath } from './paths.js';
import { readCoverageMeta, readCoverageReport, type LoadedCoverageReport } from './read.js';

export interface LoadCoverageOptions {
  repoRoot: string;
  cwd: string;
  /** Config values: paths relative to repoRoot, or absolute. Empty: ["coverage.json"]. */
  candidates: string[];
  /** Where the chosen report's layout is remembered between runs (read.ts); none: not remembered. */
  cacheDir?: string;
}

export interface ConsideredReport {
  /** Absolute path (compare with `report.path` to tell the chosen one). */
  path: string;
  timestampText: string | null;
  /** What the choice compared: meta.timestamp, or the mtime when there is none (ms). */
  timeMs: number;
}

export interface LoadedCoverage {
  report: LoadedCoverageReport;
  /** The candidates that exist, in configuration order. */
  considered: ConsideredReport[];
  /** Every absolute path looked at, in order. */
  tried: string[];
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

function resolveAll(candidates: readonly string[], base: string, relativeOnly: boolean): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    if (relativeOnly && path.isAbsolute(c)) continue;
    const abs = path.resolve(base, c);
    if (!out.includes(abs)) out.push(abs);
  }
  return out;
}

/** A `.coverage` data file near the repository, for the "not found" message. */
function findDataFile(dirs: readonly string[]): string | null {
  for (const d of dirs) {
    const p = path.join(d, '.coverage');
    if (existsSync(p)) return p;
  }
  return null;
}

export async function loadCoverage({ repoRoot, cwd, candidates, cacheDir }: LoadCoverageOptions): Promise<LoadedCoverage> {
  const wanted = candidates.length > 0 ? candidates : ['coverage.json'];
  const tried = resolveAll(wanted, repoRoot, false);
  let existing: string[] = [];
  for (const p of tried) if (await isFile(p)) existing.push(p);
  if (existing.length === 0 && path.resolve(cwd) !== path.resolve(repoRoot)) {
    for (const p of resolveAll(wanted, cwd, true)) {
      if (tried.includes(p)) continue;
      tried.push(p);
      if (await isFile(p)) existing.push(p);
    }
  }
  const show = (p: string): string => displayPath(p, cwd);
  if (existing.length === 0) {
    const dataFile = findDataFile([...new Set([repoRoot, cwd])]);
    throw new SmartTestError(coverageNotFound(tried.map(show), dataFile ? show(dataFile) : null));
  }
  existing = [...new Set(existing)];

  let chosen = existing[0]!;
  const considered: ConsideredReport[] = [];
  if (existing.length === 1) {
    const report = await readCoverageReport(chosen, { repoRoot, displayPath: show(chosen), ...(cacheDir ? { cacheDir } : {}) });
    considered.push({ path: chosen, timestampText: report.timestampText, timeMs: report.timestampMs ?? report.mtimeMs });
    return { report, considered, tried };
  }
  let best = -Infinity;
  for (const p of existing) {
    const meta = await readCoverageMeta(p, { displayPath: show(p) });
    const timeMs = meta.timestampMs ?? meta.mtimeMs;
    considered.push({ path: p, timestampText: meta.timestampText, timeMs });
    if (timeMs > best) {
      best = timeMs;
      chosen = p;
    }
  }
  const report = await readCoverageReport(chosen, { repoRoot, displayPath: show(chosen), ...(cacheDir ? { cacheDir } : {}) });
  return { report, considered, tried };
}
