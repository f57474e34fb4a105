import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a configuration can live, in the order they are tried within one directory (the
 * cosmiconfig order, with pyproject.toml last). The nearest directory wins over this order.
 */
export const SEARCH_PLACES = [
  'package.json',
  '.smarttestrc',
  '.smarttestrc.json',
  '.smarttestrc.yaml',
  '.smarttestrc.yml',
  '.smarttestrc.js',
  '.smarttestrc.cjs',
  '.smarttestrc.mjs',
  'smarttest.config.js',
  'smarttest.config.cjs',
  'smarttest.config.mjs',
  'pyproject.toml',
] as const;

/** Files that hold other tools' settings too; they count only when they mention smarttest. */
const SHARED_FILES = new Set(['package.json', 'pyproject.toml']);

/**
 * The directories searched: from `from` up to and including `stop` (the repository root). When
 * `from` is not inside `stop`, only `stop` is searched.
 */
export function searchDirectories(from: string, stop: string): string[] {
  const rel = path.relative(stop, from);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [stop];
  const dirs: string[] = [];
  let dir = from;
  for (;;) {
    dirs.push(dir);
    if (dir === stop) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

async function namesIn(dir: string): Promise<Set<string>> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  } catch {
    return new Set();
  }
}

async function mentionsSmarttest(file: string): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')).includes('smarttest');
  } catch {
    return false;
  }
}

/**
 * The files that may hold smart-test settings, nearest directory first and in SEARCH_PLACES
 * order within a directory. Plain fs calls only (one readdir per directory, plus a read of
 * package.json / pyproject.toml files to see whether they mention "smarttest" at all), so a
 * repository without configuration never loads cosmiconfig. A package.json or pyproject.toml
 * listed here may still turn out to have no smarttest section; the loader skips it then.
 */
export async function findCandidates(dirs: readonly string[]): Promise<string[]> {
  const listings = await Promise.all(dirs.map(namesIn));
  const perDir = await Promise.all(
    dirs.map(async (dir, d) => {
      const names = listings[d]!;
      const found = await Promise.all(
        SEARCH_PLACES.map(async (place) => {
          if (!names.has(place)) return null;
          const file = path.join(dir, place);
          if (SHARED_FILES.has(place) && !(await mentionsSmarttest(file))) return null;
          return file;
        }),
      );
      return found.filter((f): f is string => f !== null);
    }),
  );
  return perDir.flat();
}
