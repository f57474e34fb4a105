/**
 * Where coverage.py keeps its data file for this project: `[run] data_file` of the project's
 * coverage configuration, read the way coverage.py reads it from the repository root: the
 * first of `.coveragerc` (or $COVERAGE_RCFILE), `setup.cfg` ([coverage:run]), `tox.ini`
 * ([coverage:run]) and `pyproject.toml` ([tool.coverage.run]) that holds coverage settings
 * wins; $COVERAGE_FILE overrides it; the default is `.coverage`.
 *
 * Runs on the commit path, so it is plain file reads: a file that does not mention `data_file`
 * is only scanned for its section headers, and smol-toml is loaded only for a pyproject.toml
 * that names a data file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface CoverageDataSetting {
  /** Absolute path of the data file coverage.py writes. */
  dataFile: string;
  /** Where the setting came from: `$COVERAGE_FILE`, a configuration file name, or null (the default). */
  from: string | null;
}

type Kind = 'rc' | 'ini' | 'toml';

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** `${VAR}` and `$VAR` expanded as coverage.py does in configuration values (unknown: empty). */
function expandEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? '');
}

/** INI sections of a file: does any belong to coverage.py, and `data_file` of its run section. */
function fromIni(text: string, kind: 'rc' | 'ini'): { hasCoverage: boolean; dataFile: string | null } {
  const runSection = kind === 'rc' ? /^(coverage:)?run$/ : /^coverage:run$/;
  let hasCoverage = kind === 'rc'; // coverage.py takes .coveragerc as its configuration whenever it exists
  let inRun = false;
  let dataFile: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      const name = header[1]!;
      if (name.startsWith('coverage:')) hasCoverage = true;
      inRun = runSection.test(name);
      continue;
    }
    if (!inRun) continue;
    const setting = /^data_file\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (setting) dataFile = setting[1]!;
  }
  return { hasCoverage, dataFile: dataFile === '' ? null : dataFile };
}

async function fromToml(text: string): Promise<{ hasCoverage: boolean; dataFile: string | null }> {
  const hasCoverage = /^\s*\[\s*tool\s*\.\s*coverage\b/m.test(text) || /^\s*tool\s*\.\s*coverage\b/m.test(text);
  if (!hasCoverage || !text.includes('data_file')) return { hasCoverage, dataFile: null };
  try {
    const { parse } = await import('smol-toml');
    const doc = parse(text) as { tool?: { coverage?: { run?: { data_file?: unknown } } } };
    const value = doc.tool?.coverage?.run?.data_file;
    return { hasCoverage, dataFile: typeof value === 'string' && value !== '' ? value : null };
  } catch {
    return { hasCoverage, dataFile: null }; // coverage.py would stop on it too; its own message says why
  }
}

/** coverage.py's data file for the project at `repoRoot` (see the top of this file). */
export async function coverageDataSetting(repoRoot: string, env: NodeJS.ProcessEnv): Promise<CoverageDataSetting> {
  const resolve = (p: string) => path.resolve(repoRoot, p);
  if (env.COVERAGE_FILE) return { dataFile: resolve(env.COVERAGE_FILE), from: '$COVERAGE_FILE' };
  const rc = env.COVERAGE_RCFILE || '.coveragerc';
  const files: Array<[string, Kind]> = [[rc, 'rc'], ['setup.cfg', 'ini'], ['tox.ini', 'ini'], ['pyproject.toml', 'toml']];
  const texts = await Promise.all(files.map(([name]) => readText(resolve(name))));
  for (let i = 0; i < files.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) continue;
    const [name, kind] = files[i]!;
    const found = kind === 'toml' ? await fromToml(text) : fromIni(text, kind);
    if (!found.hasCoverage) continue;
    if (found.dataFile === null) break;
    return { dataFile: resolve(expandEnv(found.dataFile, env)), from: name };
  }
  return { dataFile: resolve('.coverage'), from: null };
}
