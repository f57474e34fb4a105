import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PublicExplorer } from 'cosmiconfig';
import { SmartTestError } from '../errors.js';
import {
  configFileNotFound,
  configLoaderSettingsFailed,
  configIsDirectory,
  configNoSection,
  configNotATable,
  configScriptFailed,
  configSyntaxError,
  configUnreadable,
  configUnsupportedFile,
  describeConfigSource,
} from '../report/messages/config.js';
import { defaultConfig } from './defaults.js';
import { describeByteAt, findFirstJsonError, lineColumn } from '../coverage/json-scan.js';
import type { LoadedConfig } from './model.js';
import { SEARCH_PLACES, findCandidates, searchDirectories } from './search.js';

export const MODULE_NAME = 'smarttest';

export interface LoadConfigOptions {
  /** Where smart-test was started; the search begins here. */
  cwd: string;
  /** Top of the repository; the search stops here. */
  repoRoot: string;
  /** --config: load exactly this file (relative to cwd). */
  explicitPath?: string;
}

type Section = 'package' | 'pyproject' | null;

const SUPPORTED_EXTENSIONS = new Set(['', '.json', '.yaml', '.yml', '.toml', '.js', '.cjs', '.mjs']);

function sectionOf(file: string): Section {
  const base = path.basename(file);
  if (base === 'package.json') return 'package';
  if (base === 'pyproject.toml') return 'pyproject';
  return null;
}

/**
 * Finds and reads the smart-test configuration.
 *
 * Without `explicitPath`, the directories from `cwd` up to `repoRoot` are searched for
 * SEARCH_PLACES (package.json "smarttest" key, .smarttestrc[.json|.yaml|.yml|.js|.cjs|.mjs],
 * smarttest.config.{js,cjs,mjs}, pyproject.toml [tool.smarttest]); the nearest directory
 * wins. A package.json or pyproject.toml without smart-test settings does not count. An empty
 * file (or empty table) counts and means "all defaults". The user's global config folder is
 * never read: settings come from the repository only.
 *
 * Speed: the search is plain fs calls; cosmiconfig (~30 ms to import) is loaded only when a
 * candidate file exists, and zod (~100 ms) only when there is something to validate. Without
 * any configuration file this returns the defaults after a few readdir calls.
 *
 * Every problem is a SmartTestError paragraph naming the file.
 */
export async function loadConfig({ cwd, repoRoot, explicitPath }: LoadConfigOptions): Promise<LoadedConfig> {
  const absCwd = path.resolve(cwd);
  const absRoot = path.resolve(repoRoot);
  if (explicitPath !== undefined) return loadExplicit(path.resolve(absCwd, explicitPath), explicitPath, absCwd, absRoot);
  const [realCwd, realRoot] = await Promise.all([realpathOr(absCwd), realpathOr(absRoot)]);
  const candidates = await findCandidates(searchDirectories(realCwd, realRoot));
  if (candidates.length === 0) return { config: defaultConfig(), source: null };
  const explorer = await createExplorer();
  for (const file of candidates) {
    const loaded = await loadFile(explorer, file, displayPath(file, realCwd, realRoot));
    if (loaded) return loaded;
  }
  return { config: defaultConfig(), source: null };
}

async function loadExplicit(file: string, given: string, cwd: string, root: string): Promise<LoadedConfig> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    if (info.code === 'ENOENT' || info.code === 'ENOTDIR') throw new SmartTestError(configFileNotFound(given));
    throw new SmartTestError(configUnreadable(given, info.message));
  }
  if (info.isDirectory()) throw new SmartTestError(configIsDirectory(given));
  if (!SUPPORTED_EXTENSIONS.has(path.extname(file).toLowerCase())) throw new SmartTestError(configUnsupportedFile(given));
  const display = displayPath(file, cwd, root);
  const loaded = await loadFile(await createExplorer(), file, display);
  if (loaded) return loaded;
  const section = sectionOf(file);
  if (section !== null) throw new SmartTestError(configNoSection(display, section));
  throw new SmartTestError(configNotATable(describeConfigSource(display, null), 'null'));
}

/** The settings of one file, or null when it holds none (package.json / pyproject.toml without a section). */
async function loadFile(explorer: PublicExplorer, file: string, display: string): Promise<LoadedConfig | null> {
  let result: Awaited<ReturnType<PublicExplorer['load']>>;
  try {
    result = await explorer.load(file);
  } catch (error) {
    throw await loadError(error, file, display);
  }
  if (result === null) return null;
  const section = sectionOf(file);
  if (result.isEmpty) {
    if (section !== null) return null;
    return { config: defaultConfig(), source: file };
  }
  const { validateConfig } = await import('./schema.js');
  return { config: validateConfig(result.config, describeConfigSource(display, section)), source: file };
}

async function createExplorer(): Promise<PublicExplorer> {
  // cosmiconfig is CommonJS: Node gives its exports as named exports, the bundle under `default`.
  const mod = (await import('cosmiconfig')) as typeof import('cosmiconfig') & { default?: typeof import('cosmiconfig') };
  const cosmiconfig = mod.default?.cosmiconfig ?? mod.cosmiconfig;
  try {
    return cosmiconfig(MODULE_NAME, {
      searchPlaces: [...SEARCH_PLACES],
      loaders: { '.toml': loadToml },
      searchStrategy: 'none',
      cache: false,
    });
  } catch (error) {
    // cosmiconfig first reads its own settings from the current directory (package.json's
    // "cosmiconfig" key, .config/config.*): a broken file there fails here, before any of ours.
    const file = (error as { filepath?: unknown }).filepath;
    if (typeof file === 'string') throw await loadError(error, file, path.relative(process.cwd(), file) || file);
    throw new SmartTestError(configLoaderSettingsFailed(firstLine(error instanceof Error ? error.message : String(error))));
  }
}

/**
 * cosmiconfig loader for TOML: pyproject.toml yields its [tool.smarttest] table (null when it
 * has none, so the search goes on); any other .toml file (only reachable through --config) is
 * read whole.
 */
export async function loadToml(filepath: string, content: string): Promise<unknown> {
  const { parse } = await import('smol-toml');
  const doc = parse(content) as Record<string, unknown>;
  if (path.basename(filepath) !== 'pyproject.toml') return doc;
  const tool = doc.tool;
  if (typeof tool !== 'object' || tool === null || !Object.hasOwn(tool, MODULE_NAME)) return null;
  return (tool as Record<string, unknown>)[MODULE_NAME];
}

function firstLine(message: string): string {
  return message.split('\n').find((l) => l.trim() !== '')?.trim() ?? message;
}

async function loadError(error: unknown, file: string, display: string): Promise<SmartTestError> {
  if (error instanceof SmartTestError) return error;
  const err = error as Error & { code?: string; name?: string; mark?: { line: number; column: number }; reason?: string; line?: number; column?: number };
  const message = err instanceof Error ? err.message : String(error);
  if (err.code === 'EACCES' || err.code === 'EISDIR' || err.code === 'ENOENT') return new SmartTestError(configUnreadable(display, message));
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    const text = await readFile(file, 'utf8').catch(() => null);
    const located = text === null ? null : locateJsonError(text);
    if (located) return new SmartTestError(configSyntaxError(display, 'JSON', located.reason, located.line, located.column));
    return new SmartTestError(configSyntaxError(display, 'JSON', firstLine(message.replace(/^JSON Error in [^\n]*:\n/, '')), null, null));
  }
  if (ext === '' || ext === '.yaml' || ext === '.yml') {
    const format = ext === '' ? 'YAML (or JSON)' : 'YAML';
    if (err.name === 'YAMLException' && err.mark) {
      return new SmartTestError(configSyntaxError(display, format, err.reason ?? firstLine(message), err.mark.line + 1, err.mark.column + 1));
    }
    return new SmartTestError(configSyntaxError(display, format, firstLine(message.replace(/^YAML Error in [^\n]*:\n/, '')), null, null));
  }
  if (ext === '.toml') {
    const reason = firstLine(message).replace(/^Invalid TOML document:\s*/, '');
    const line = typeof err.line === 'number' ? err.line : null;
    const column = typeof err.column === 'number' ? err.column : null;
    return new SmartTestError(configSyntaxError(display, 'TOML', reason, line, column));
  }
  return new SmartTestError(configScriptFailed(display, firstLine(message)));
}

/** Relative to cwd for a file inside the repository, absolute otherwise. */
function displayPath(file: string, cwd: string, root: string): string {
  const inRepo = path.relative(root, file);
  if (inRepo.startsWith('..') || path.isAbsolute(inRepo)) return file;
  const rel = path.relative(cwd, file);
  return rel === '' ? file : rel.split(path.sep).join('/');
}

async function realpathOr(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return p;
  }
}

/** Where a JSON text first breaks, with the same locator that explains broken coverage reports. */
function locateJsonError(text: string): { reason: string; line: number; column: number } | null {
  const buf = Buffer.from(text, 'utf8');
  const brk = findFirstJsonError(buf);
  if (!brk) return null;
  return { reason: `expected ${brk.expected} but found ${describeByteAt(buf, brk.offset)}`, ...lineColumn(buf, brk.offset) };
}
