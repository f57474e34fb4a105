import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/model.js';
import { SmartTestError } from '../errors.js';
import { isTestFile } from '../git/files-filter.js';
import type { StagedFile } from '../git/model.js';
import type { ResolvedRange } from '../git/range.js';
import type { Repo } from '../git/repo.js';
import { decodeSource } from '../python/decode.js';
import { checkPathIsDirectory, checkPathUnreadable, checkPathsMissing, gateWarnings } from '../report/messages/gate.js';
import { readStagedIndex } from './index-reader.js';
import type { PlaceholderFinding } from './placeholders.js';

/** One file to check: how to name it to the user, and its bytes. */
export interface CheckInput {
  /** Path shown to the user: relative to the current directory, POSIX separators. */
  file: string;
  content: Uint8Array;
}

export interface FileFinding extends PlaceholderFinding {
  file: string;
}

export interface CheckResult {
  placeholder: string;
  /** True when the index was checked (no files given, no --base). */
  staged: boolean;
  /** The branch range whose test files were checked (at HEAD) with --base, else null. */
  range: ResolvedRange | null;
  /** Top of the working tree (found on disk with files), to turn the displayed paths into repo-relative ones. */
  root: string;
  /** Absolute directory the displayed paths are relative to. */
  cwd: string;
  findings: FileFinding[];
  /** Files scanned (skipped files are not counted). */
  filesChecked: number;
  /** Files with at least one finding. */
  filesWithFindings: number;
  warnings: string[];
}

export interface CheckOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --config */
  configPath?: string;
  /** Files given on the command line (relative to cwd, or absolute); empty for the staged test files. */
  files: readonly string[];
  /**
   * --base: check the test files added or changed between the merge base of this ref and HEAD,
   * as committed at HEAD (range mode; no files may be given). A resolved range is reused as is.
   */
  base?: string | ResolvedRange;
  /** An already opened repository to reuse (staged and range modes): saves the `git rev-parse`. */
  repo?: Repo;
  /** Already loaded settings to reuse: no configuration search. */
  config?: Config;
  /** With `repo`: the staged files, when the caller listed them and has staged nothing since. */
  staged?: readonly StagedFile[];
}

/**
 * `smart-test check`: gathers the files (the staged test files from the index, or the given
 * files from disk), then scans each once. Costs `git rev-parse` and `git diff-index` side by
 * side then one `git cat-file --batch` in staged mode (see index-reader.ts), no git process
 * with files, and at most one parse per file: a file that does not contain the placeholder
 * text at all is not parsed (so its syntax errors, if any, are not reported: there is nothing
 * in it to miss), and when no file contains it the Python grammar is never loaded.
 */
export async function runPlaceholderCheck(options: CheckOptions): Promise<CheckResult> {
  const ranged = options.base !== undefined;
  const staged = !ranged && options.files.length === 0;
  const { placeholder, inputs, warnings, root, range } = ranged ? await rangeInputs(options) : staged ? await stagedInputs(options) : await fileInputs(options);
  const result: CheckResult = { placeholder, staged, range, root, cwd: path.resolve(options.cwd), findings: [], filesChecked: 0, filesWithFindings: 0, warnings };
  for (const input of inputs) {
    const decoded = decodeSource(input.content);
    if (!decoded.ok) {
      warnings.push(gateWarnings.undecodable(input.file, decoded.reason));
      continue;
    }
    result.filesChecked++;
    // Nothing to find: the file is not parsed (and the grammar never loaded when no file holds the text).
    if (placeholder === '' || !decoded.text.includes(placeholder)) continue;
    const { parseWith, scanTree, parser } = await loadScanner();
    const tree = parseWith(parser, decoded.text);
    try {
      const scan = scanTree(tree, decoded.text, placeholder);
      if (scan.syntaxError) warnings.push(gateWarnings.syntaxError(input.file, scan.syntaxError.line, scan.syntaxError.column));
      if (scan.findings.length > 0) result.filesWithFindings++;
      for (const f of scan.findings) result.findings.push({ file: input.file, ...f });
    } finally {
      tree.delete();
    }
  }
  return result;
}

/**
 * The parser and the scanner, imported on first use: web-tree-sitter and the Python grammar
 * cost ~80 ms to load, which a commit whose tests hold no placeholder text never pays.
 */
async function loadScanner() {
  const [{ getPythonParser, parseWith }, { scanTree }] = await Promise.all([import('../python/parser.js'), import('./placeholders.js')]);
  return { parser: await getPythonParser(), parseWith, scanTree };
}

interface Gathered {
  placeholder: string;
  inputs: CheckInput[];
  warnings: string[];
  root: string;
  range: ResolvedRange | null;
}

/**
 * Range mode (--base): the test files the branch adds or changes between the merge base and
 * HEAD, read at HEAD (committed content: what the pull request holds), whatever the index or
 * the working tree hold. A placeholder a later commit of the branch removed is not found.
 */
async function rangeInputs(options: CheckOptions): Promise<Gathered> {
  const cwd = path.resolve(options.cwd);
  const [{ openRepo }, { resolveRange, rangeFiles }, { readBlobs }] = await Promise.all([import('../git/repo.js'), import('../git/range.js'), import('../git/blobs.js')]);
  const repo = options.repo ?? (await openRepo(cwd, { env: options.env }));
  const base = options.base!;
  const [config, range] = await Promise.all([
    options.config ?? loadConfig({ cwd, repoRoot: repo.root, explicitPath: options.configPath }).then((l) => l.config),
    typeof base === 'string' ? resolveRange(repo, base) : Promise.resolve(base),
  ]);
  const files = await rangeFiles(repo, range);
  const tests = files.filter((f) => f.path.endsWith('.py') && isTestFile(f.path, config.testsDir));
  const blobs = await readBlobs(repo, tests.map((f) => f.blob));
  const inputs: CheckInput[] = [];
  for (const f of tests) {
    const content = blobs.get(f.blob);
    if (content) inputs.push({ file: toPosix(path.relative(cwd, path.join(repo.root, f.path))), content });
  }
  return { placeholder: config.placeholder, inputs, warnings: [], root: repo.root, range };
}

/** Staged test files (added, modified, renamed, copied) ending in .py, read from the index git commits. */
async function stagedInputs(options: CheckOptions): Promise<Gathered> {
  const cwd = path.resolve(options.cwd);
  let root: string;
  let staged: StagedFile[];
  let read: (ids: string[]) => Promise<Map<string, Buffer>>;
  if (options.repo) {
    // A caller that already opened the repository (and so loaded simple-git) reuses it.
    const repo = options.repo;
    const [{ stagedFiles }, { readAnalysedContents }] = await Promise.all([import('../git/staged.js'), import('../git/contents.js')]);
    root = repo.root;
    staged = options.staged ? [...options.staged] : await stagedFiles(repo);
    const byBlob = new Map(staged.map((f) => [f.blob, f]));
    read = async (ids) => (await readAnalysedContents(repo, ids.map((id) => byBlob.get(id)!))).blobs;
  } else {
    const index = await readStagedIndex(cwd, options.env);
    root = index.root;
    staged = index.files;
    const { readBlobsAt } = await import('../git/blobs.js');
    read = (ids) => readBlobsAt(cwd, options.env, ids);
  }
  const config = options.config ?? (await loadConfig({ cwd, repoRoot: root, explicitPath: options.configPath })).config;
  const tests = staged.filter((f) => f.path.endsWith('.py') && isTestFile(f.path, config.testsDir));
  const blobs = await read(tests.map((f) => f.blob));
  const inputs: CheckInput[] = [];
  for (const f of tests) {
    const content = blobs.get(f.blob);
    if (content) inputs.push({ file: toPosix(path.relative(cwd, path.join(root, f.path))), content });
  }
  return { placeholder: config.placeholder, inputs, warnings: [], root, range: null };
}

/** The given files as they are on disk. A missing path or a directory is an input error (exit 2). */
async function fileInputs(options: CheckOptions): Promise<Gathered> {
  const cwd = path.resolve(options.cwd);
  const seen = new Set<string>();
  const wanted: { given: string; abs: string }[] = [];
  for (const given of options.files) {
    const abs = path.resolve(cwd, given);
    if (seen.has(abs)) continue;
    seen.add(abs);
    wanted.push({ given, abs });
  }
  const infos = await Promise.all(wanted.map((w) => stat(w.abs).catch((error: NodeJS.ErrnoException) => error)));
  const missing: string[] = [];
  for (const [i, info] of infos.entries()) {
    const w = wanted[i]!;
    if (info instanceof Error) {
      if (info.code === 'ENOENT' || info.code === 'ENOTDIR') missing.push(w.given);
      else throw new SmartTestError(checkPathUnreadable(w.given, info.message));
    } else if (info.isDirectory()) throw new SmartTestError(checkPathIsDirectory(w.given));
  }
  if (missing.length > 0) throw new SmartTestError(checkPathsMissing(missing, cwd));

  const root = await findRootOnDisk(cwd);
  const [config, contents] = await Promise.all([
    options.config ?? loadConfig({ cwd, repoRoot: root, explicitPath: options.configPath }).then((l) => l.config),
    Promise.all(
      wanted.map((w) =>
        w.abs.endsWith('.py') ? readFile(w.abs).catch((error: NodeJS.ErrnoException) => error) : null,
      ),
    ),
  ]);
  const warnings: string[] = [];
  const inputs: CheckInput[] = [];
  for (const [i, content] of contents.entries()) {
    const w = wanted[i]!;
    const file = displayPath(cwd, w.abs, w.given);
    if (content === null) warnings.push(gateWarnings.notPython(file));
    else if (content instanceof Error) throw new SmartTestError(checkPathUnreadable(w.given, content.message));
    else inputs.push({ file, content });
  }
  return { placeholder: config.placeholder, inputs, warnings, root, range: null };
}

/**
 * The top of the working tree holding `cwd`, found on disk (the nearest folder with a `.git`
 * entry), or `cwd` itself outside a repository. Bounds the configuration search and anchors the
 * repo-relative paths of the review formats (SARIF, GitHub annotations); checking files on disk
 * needs no git process.
 */
async function findRootOnDisk(cwd: string): Promise<string> {
  for (let dir = cwd; ; ) {
    if (await stat(path.join(dir, '.git')).then(() => true, () => false)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return cwd;
    dir = parent;
  }
}

/** Relative to cwd when the file is below it; otherwise as the user wrote it. */
function displayPath(cwd: string, abs: string, given: string): string {
  const rel = path.relative(cwd, abs);
  if (rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) return toPosix(rel);
  return toPosix(given);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
