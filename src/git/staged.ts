import path from 'node:path';
import { gitEnvironment } from './client.js';
import { hunksByNewPath, PATCH_OPTIONS } from './hunks.js';
import type { Hunk, StagedFile, StagedStatus } from './model.js';
import { spawnGit } from './process.js';
import type { Repo } from './repo.js';

const KEPT_STATUSES: ReadonlySet<string> = new Set<StagedStatus>(['A', 'M', 'R', 'C', 'T']);
/** Gitlinks (submodules) and symbolic links carry no Python source. */
const IGNORED_MODES: ReadonlySet<string> = new Set(['160000', '120000']);

/**
 * The files the commit adds or changes, from the index git is committing (GIT_INDEX_FILE
 * inside hooks). One process: `git diff-index --cached --raw -z -M --no-abbrev <base>`, where
 * base is HEAD or, before the first commit, the empty tree. The plumbing command is used rather
 * than `git diff` so that no diff.* setting of the user changes the output.
 *
 * Deleted files, submodules and symbolic links are left out; a rename or copy is reported at
 * its new path with `oldPath` set.
 */
export async function stagedFiles(repo: Repo): Promise<StagedFile[]> {
  const out = await repo.read(['diff-index', '--cached', '--raw', '-z', '-M', '--no-abbrev', repo.baseTree, '--']);
  return parseRawZ(out);
}

/** The files and their hunks, as stagedDiff() reads them. */
export interface StagedDiff {
  files: StagedFile[];
  hunks: Map<string, Hunk[]>;
}

const stagedDiffArgs = (base: string) => ['diff-index', '--cached', '--raw', '-z', '--no-abbrev', ...PATCH_OPTIONS, '-M', base, '--'];

/**
 * stagedFiles() and stagedHunks() from ONE process (a commit hook pays for every process it
 * starts): `git diff-index --cached --raw -z -p -U0 -M <base>`. Git prints the raw records
 * (NUL-terminated), an empty record, then the patch.
 */
export async function stagedDiff(repo: Repo): Promise<StagedDiff> {
  return parseStagedDiff(await repo.read(stagedDiffArgs(repo.baseTree)));
}

function parseStagedDiff(out: string): StagedDiff {
  const [raw, patch] = splitRawAndPatch(out);
  return { files: parseRawZ(raw), hunks: hunksByNewPath(patch, null) };
}

/**
 * The same diff against HEAD, started before the repository is opened, so that it runs beside
 * `git rev-parse` rather than after it. Git runs in `cwd` with the git variables the other
 * commands get; it finds the repository and resolves a relative GIT_INDEX_FILE itself (against
 * the top of the working tree), as it does for the rev-parse. Resolves with null when it
 * cannot answer for HEAD (no commit yet, not a repository): stagedChanges() then runs the diff
 * after openRepo, which also says what is wrong.
 */
export function startStagedDiff(cwd: string, baseEnv: NodeJS.ProcessEnv): Promise<StagedDiff | null> {
  const absCwd = path.resolve(cwd);
  const env = gitEnvironment(baseEnv, absCwd, null);
  const index = baseEnv.GIT_INDEX_FILE;
  if (index !== undefined && index !== '') env.GIT_INDEX_FILE = index;
  return spawnGit(stagedDiffArgs('HEAD'), { cwd: absCwd, env }).then(
    (result) => (result.code === 0 ? parseStagedDiff(result.stdout.toString('utf8')) : null),
    () => null,
  );
}

/** Splits `--raw -z -p` output at the empty record between the raw part and the patch. */
export function splitRawAndPatch(out: string): [raw: string, patch: string] {
  const at = out.indexOf('\0\0');
  return at < 0 ? [out, ''] : [out.slice(0, at + 1), out.slice(at + 2)];
}

/**
 * Parses `--raw -z` output: `:<srcmode> <dstmode> <srcoid> <dstoid> <status>[score]\0<path>\0`,
 * with a second path (`<src>\0<dst>\0`) for renames and copies.
 */
export function parseRawZ(out: string): StagedFile[] {
  const tokens = out.split('\0');
  const files: StagedFile[] = [];
  let i = 0;
  while (i < tokens.length) {
    const header = tokens[i++]!;
    if (header === '' || !header.startsWith(':')) continue;
    const fields = header.slice(1).split(' ');
    const dstMode = fields[1] ?? '';
    const dstOid = fields[3] ?? '';
    const status = (fields[4] ?? '').charAt(0);
    const twoPaths = status === 'R' || status === 'C';
    const first = tokens[i++];
    const second = twoPaths ? tokens[i++] : undefined;
    if (first === undefined || (twoPaths && second === undefined)) break;
    if (!KEPT_STATUSES.has(status) || IGNORED_MODES.has(dstMode)) continue;
    files.push({
      path: twoPaths ? second! : first,
      status: status as StagedStatus,
      oldPath: twoPaths ? first : null,
      blob: dstOid,
    });
  }
  return files;
}
