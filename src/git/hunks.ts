import type { Hunk, LineRange, StagedFile } from './model.js';
import type { Repo } from './repo.js';
import { decodeGitPath, unquoteCStyleAt } from './quote.js';

export type PatchStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';

/** One file of a unified diff. */
export interface FilePatch {
  /** Path on the old side, or null for an added file. */
  oldPath: string | null;
  /** Path on the new side, or null for a deleted file. */
  newPath: string | null;
  status: PatchStatus;
  binary: boolean;
  hunks: Hunk[];
}

/**
 * Above this many paths the diff runs without a pathspec and the output is filtered instead,
 * so that a huge commit cannot overflow the command line.
 */
export const PATHSPEC_LIMIT = 200;

/** Options that make a patch the same whatever the user's diff.* settings are. */
export const PATCH_OPTIONS = ['-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'];

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** `:(literal)` pathspecs: no glob or magic interpretation of `*`, `?`, `[` or a leading `:`. */
export function literalPathspecs(paths: Iterable<string>): string[] {
  return [...paths].map((p) => `:(literal)${p}`);
}

function stripPrefix(pathText: string, prefix: string): string | null {
  if (pathText === '/dev/null') return null;
  const decoded = decodeGitPath(pathText);
  return decoded.startsWith(prefix) ? decoded.slice(prefix.length) : decoded;
}

/** `--- a/x y\t` has a tab after an unquoted name that holds a space; the tab is not part of the name. */
function fileLinePath(rest: string): string {
  return !rest.startsWith('"') && rest.endsWith('\t') ? rest.slice(0, -1) : rest;
}

/** The two paths of `diff --git <a> <b>` (prefixes kept), or null when they cannot be told apart. */
function parseDiffGitPaths(rest: string): [string, string] | null {
  let first: string;
  let afterFirst: number;
  if (rest.startsWith('"')) {
    const q = unquoteCStyleAt(rest, 0);
    if (!q) return null;
    first = q.value;
    afterFirst = q.end;
  } else {
    const quotedSecond = rest.indexOf(' "');
    if (quotedSecond >= 0 && rest.endsWith('"')) {
      first = rest.slice(0, quotedSecond);
      afterFirst = quotedSecond;
    } else {
      // Both unquoted: `a/P b/P` is symmetric when the path did not change.
      if (rest.length % 2 === 1) {
        const half = (rest.length - 1) / 2;
        const a = rest.slice(0, half);
        const b = rest.slice(half + 1);
        if (rest[half] === ' ' && a.slice(2) === b.slice(2)) return [a, b];
      }
      const split = rest.indexOf(' b/');
      if (split < 0) return null;
      return [rest.slice(0, split), rest.slice(split + 1)];
    }
  }
  if (rest[afterFirst] !== ' ') return null;
  const secondText = rest.slice(afterFirst + 1);
  const second = secondText.startsWith('"') ? unquoteCStyleAt(secondText, 0)?.value : secondText;
  return second === undefined ? null : [first, second];
}

interface PatchBuilder {
  headerOld: string | null;
  headerNew: string | null;
  oldPath: string | null | undefined;
  newPath: string | null | undefined;
  status: PatchStatus;
  binary: boolean;
  hunks: Hunk[];
}

function finish(b: PatchBuilder): FilePatch {
  const oldPath = b.status === 'added' ? null : b.oldPath !== undefined ? b.oldPath : b.headerOld;
  const newPath = b.status === 'deleted' ? null : b.newPath !== undefined ? b.newPath : b.headerNew;
  let status = b.status;
  if (status === 'modified' && oldPath === null && newPath !== null) status = 'added';
  if (status === 'modified' && newPath === null && oldPath !== null) status = 'deleted';
  return { oldPath, newPath, status, binary: b.binary, hunks: b.hunks };
}

/**
 * Parses a git unified diff (any context size, made for `-U0`) into its files and hunks. Hunk
 * bodies are skipped by counting the lines the `@@` header announces, so body lines that look
 * like headers (`--- x`, `diff --git ...`) are never mistaken for them. Paths are taken from
 * the `---`/`+++`, `rename`/`copy` lines, and from the `diff --git` line only when those are
 * absent (mode-only changes, pure renames, binary files); quoted paths are decoded. Expects
 * the `a/` and `b/` prefixes.
 */
export function parseUnifiedDiff(diffText: string): FilePatch[] {
  const patches: FilePatch[] = [];
  let current: PatchBuilder | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = diffText.split('\n');
  for (const line of lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const c = line.charAt(0);
      if (c === '-') oldLeft--;
      else if (c === '+') newLeft--;
      else if (c === ' ' || line === '') {
        oldLeft--;
        newLeft--;
      } else if (c !== '\\') {
        // Malformed body: give up counting and read the line as a header.
        oldLeft = 0;
        newLeft = 0;
      } else continue;
      if (oldLeft > 0 || newLeft > 0 || c === '-' || c === '+' || c === ' ' || line === '') continue;
    }
    if (line.startsWith('diff --git ')) {
      if (current) patches.push(finish(current));
      const paths = parseDiffGitPaths(line.slice('diff --git '.length));
      current = {
        headerOld: paths ? stripPrefixDecoded(paths[0], 'a/') : null,
        headerNew: paths ? stripPrefixDecoded(paths[1], 'b/') : null,
        oldPath: undefined,
        newPath: undefined,
        status: 'modified',
        binary: false,
        hunks: [],
      };
      continue;
    }
    if (!current) continue;
    const hunk = HUNK_HEADER.exec(line);
    if (hunk) {
      const h: Hunk = {
        oldStart: Number(hunk[1]),
        oldCount: hunk[2] === undefined ? 1 : Number(hunk[2]),
        newStart: Number(hunk[3]),
        newCount: hunk[4] === undefined ? 1 : Number(hunk[4]),
      };
      current.hunks.push(h);
      oldLeft = h.oldCount;
      newLeft = h.newCount;
      continue;
    }
    if (current.hunks.length > 0) continue;
    if (line.startsWith('--- ')) current.oldPath = stripPrefix(fileLinePath(line.slice(4)), 'a/');
    else if (line.startsWith('+++ ')) current.newPath = stripPrefix(fileLinePath(line.slice(4)), 'b/');
    else if (line.startsWith('new file mode ')) current.status = 'added';
    else if (line.startsWith('deleted file mode ')) current.status = 'deleted';
    else if (line.startsWith('rename from ')) {
      current.status = 'renamed';
      current.oldPath = decodeGitPath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) current.newPath = decodeGitPath(line.slice('rename to '.length));
    else if (line.startsWith('copy from ')) {
      current.status = 'copied';
      current.oldPath = decodeGitPath(line.slice('copy from '.length));
    } else if (line.startsWith('copy to ')) current.newPath = decodeGitPath(line.slice('copy to '.length));
    else if (line.startsWith('Binary files ') || line === 'GIT binary patch') current.binary = true;
  }
  if (current) patches.push(finish(current));
  return patches;
}

function stripPrefixDecoded(decoded: string, prefix: string): string {
  return decoded.startsWith(prefix) ? decoded.slice(prefix.length) : decoded;
}

/**
 * Hunks per file of a unified diff, keyed by the new path (the old path for a deleted file).
 * Files with no hunks (pure renames, mode changes, binary files) map to an empty list.
 */
export function parseUnifiedZeroHunks(diffText: string): Map<string, Hunk[]> {
  const result = new Map<string, Hunk[]>();
  for (const patch of parseUnifiedDiff(diffText)) {
    const key = patch.newPath ?? patch.oldPath;
    if (key === null) continue;
    const existing = result.get(key);
    if (existing) existing.push(...patch.hunks);
    else result.set(key, [...patch.hunks]);
  }
  return result;
}

/**
 * Staged hunks per file (old side = HEAD or the empty tree, new side = the index git is
 * committing), keyed by the staged path. One process:
 * `git diff-index --cached -p -U0 -M <base> -- <paths>`. An added file is one hunk covering its
 * whole content. With `files`, only those files are diffed (a rename's old path is included so
 * that git still pairs it) and every one of them has an entry; without, every staged file is,
 * which lets a caller run this side by side with stagedFiles().
 */
export async function stagedHunks(repo: Repo, files?: readonly StagedFile[]): Promise<Map<string, Hunk[]>> {
  if (files && files.length === 0) return new Map();
  const wanted = files ? new Set(files.map((f) => f.path)) : null;
  const args = ['diff-index', '--cached', ...PATCH_OPTIONS, '-M', repo.baseTree, '--'];
  if (files) {
    const paths = new Set<string>();
    for (const f of files) {
      paths.add(f.path);
      if (f.oldPath !== null) paths.add(f.oldPath);
    }
    if (paths.size <= PATHSPEC_LIMIT) args.push(...literalPathspecs(paths));
  }
  return hunksByNewPath(await repo.read(args), wanted);
}

/** Hunks per new path of a staged patch; with `wanted`, only those paths, each with an entry. */
export function hunksByNewPath(patchText: string, wanted: ReadonlySet<string> | null): Map<string, Hunk[]> {
  const result = new Map<string, Hunk[]>();
  for (const patch of parseUnifiedDiff(patchText)) {
    if (patch.newPath === null) continue;
    if (wanted && !wanted.has(patch.newPath)) continue;
    result.set(patch.newPath, patch.hunks);
  }
  if (wanted) for (const p of wanted) if (!result.has(p)) result.set(p, []);
  return result;
}

/**
 * Index -> working tree hunks per requested path (old side = index, new side = working tree).
 * Every requested path has an entry: an empty list when the working tree matches the index.
 * A path deleted from the working tree is listed in `deleted` (its entry holds the hunk that
 * removes every line).
 */
export class WorktreeHunks extends Map<string, Hunk[]> {
  readonly deleted = new Set<string>();
}

/** One process: `git diff-files -p -U0 -- <paths>` (reads the same index as stagedHunks). */
export function worktreeHunks(repo: Repo, paths: readonly string[]): Promise<WorktreeHunks> {
  return hunksToWorktree(repo, ['diff-files'], paths);
}

/**
 * Hunks from some content to the working tree, per requested path, in one process:
 * `git <command> -p -U0 --no-renames -- <paths>` (diff-files: from the index; diff-index <commit>:
 * from a commit). Every requested path gets an entry; deleted ones are also listed in `deleted`.
 */
export async function hunksToWorktree(repo: Repo, command: string[], paths: readonly string[]): Promise<WorktreeHunks> {
  const result = new WorktreeHunks();
  if (paths.length === 0) return result;
  const wanted = new Set(paths);
  const args = [command[0]!, ...PATCH_OPTIONS, '--no-renames', ...command.slice(1), '--'];
  if (wanted.size <= PATHSPEC_LIMIT) args.push(...literalPathspecs(wanted));
  const out = await repo.read(args);
  for (const patch of parseUnifiedDiff(out)) {
    const key = patch.oldPath ?? patch.newPath;
    if (key === null || !wanted.has(key)) continue;
    result.set(key, patch.hunks);
    if (patch.status === 'deleted') result.deleted.add(key);
  }
  for (const p of wanted) if (!result.has(p)) result.set(p, []);
  return result;
}

/**
 * The new-side lines the hunks touch, sorted and merged.
 *
 * A hunk that adds or changes lines touches `newStart .. newStart + newCount - 1`. A pure
 * deletion (`newCount` 0) leaves no line behind; it sits between new lines `newStart` and
 * `newStart + 1`, and both neighbours are marked touched: the line before catches lines deleted
 * at the end of a function body (the line after would already be outside the function), the
 * line after catches a deleted decorator or lines deleted at the start of a block. Between two
 * functions those neighbours are usually blank lines that belong to neither. A deletion at the
 * top of the file marks line 1.
 */
export function changedLines(hunks: readonly Hunk[]): LineRange[] {
  const ranges: LineRange[] = [];
  for (const h of hunks) {
    if (h.newCount > 0) ranges.push({ start: h.newStart, end: h.newStart + h.newCount - 1 });
    else ranges.push({ start: Math.max(1, h.newStart), end: h.newStart + 1 });
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: LineRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}
