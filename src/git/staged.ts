import type { StagedFile, StagedStatus } from './model.js';
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
