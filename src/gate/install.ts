import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SmartTestError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import { backupInTheWay, foreignHook, foreignHookRefused, hookScriptMissing, hookTargetIsDirectory } from '../report/messages/install.js';

/**
 * `smart-test install` / `uninstall`: puts smart-test's pre-commit hook where git (or husky)
 * runs it, and takes it away again. Only hooks carrying HOOK_MARKER are treated as ours.
 *
 * Where:
 * - husky (core.hooksPath is `.husky/_` or `.husky`, or the repository has a `.husky/` folder):
 *   one line, HUSKY_LINE, in `.husky/pre-commit` (created, or appended to what is there).
 * - otherwise: the file `pre-commit` in `git rev-parse --git-path hooks`, which honours
 *   core.hooksPath (relative to the top of the working tree) and the shared hooks folder of
 *   linked worktrees. The hook is a copy of hooks/pre-commit.
 *
 * Every write is atomic: a temp file in the same folder, chmod, rename.
 */

export const HOOK_MARKER = '# installed by smart-test';
export const HOOK_BACKUP_SUFFIX = '.smart-test-backup';
/** The script the husky line runs: where npm puts smart-test's package in the repository. */
export const HUSKY_SCRIPT = 'node_modules/smart-test/hooks/pre-commit';
export const HUSKY_LINE = `sh ${HUSKY_SCRIPT}  ${HOOK_MARKER}`;

export function isOurs(content: string): boolean {
  return content.split(/\r?\n/).some((line) => line.includes(HOOK_MARKER));
}

export type HookKind = 'plain' | 'husky';

export interface HookTarget {
  kind: HookKind;
  /** The file written: `<hooks dir>/pre-commit` or `<root>/.husky/pre-commit`. */
  file: string;
  /** husky only: false when core.hooksPath does not point at husky yet (husky not set up in this clone). */
  active: boolean;
}

/** Where the hook goes for `repo` (one `git rev-parse --git-path hooks --git-common-dir`). */
export async function resolveHookTarget(repo: Repo): Promise<HookTarget> {
  const [hooksOut = '', commonOut = '.git'] = (await repo.raw(['rev-parse', '--git-path', 'hooks', '--git-common-dir'])).split('\n');
  const hooksDir = path.resolve(repo.root, hooksOut.trim());
  const husky = path.join(repo.root, '.husky');
  const huskyFile = path.join(husky, 'pre-commit');
  if (hooksDir === path.join(husky, '_') || hooksDir === husky) return { kind: 'husky', file: huskyFile, active: true };
  const defaultDir = path.resolve(repo.root, commonOut.trim(), 'hooks');
  if (hooksDir === defaultDir && (await isDirectory(husky))) return { kind: 'husky', file: huskyFile, active: false };
  return { kind: 'plain', file: path.join(hooksDir, 'pre-commit'), active: true };
}

export type InstallOutcome =
  | { action: 'installed'; target: HookTarget; backup: string | null }
  | { action: 'updated'; target: HookTarget }
  | { action: 'unchanged'; target: HookTarget }
  | { action: 'appended'; target: HookTarget };

export type UninstallOutcome =
  | { action: 'removed'; target: HookTarget; restored: string | null; deleted: boolean }
  | { action: 'absent'; target: HookTarget };

/** Installs the hook at `target`. A foreign plain hook is replaced only with `force` (kept as a backup). */
export async function installHook(target: HookTarget, force: boolean): Promise<InstallOutcome> {
  const existing = await readHook(target.file);
  if (target.kind === 'husky') {
    if (existing === null) {
      await writeAtomic(target.file, `${HUSKY_LINE}\n`, 0o755);
      return { action: 'installed', target, backup: null };
    }
    const next = huskyWithLine(existing.content);
    if (next === existing.content) return { action: 'unchanged', target };
    await writeAtomic(target.file, next, existing.mode);
    return isOurs(existing.content) ? { action: 'updated', target } : { action: 'appended', target };
  }

  const script = await hookScript();
  if (existing === null) {
    await writeAtomic(target.file, script, 0o755);
    return { action: 'installed', target, backup: null };
  }
  if (isOurs(existing.content)) {
    if (existing.content === script && (existing.mode & 0o111) !== 0) return { action: 'unchanged', target };
    await writeAtomic(target.file, script, 0o755);
    return { action: 'updated', target };
  }
  const backup = `${target.file}${HOOK_BACKUP_SUFFIX}`;
  if (!force) throw new SmartTestError(foreignHookRefused(target.file, describeHook(existing.content), backup));
  if ((await readHook(backup)) !== null) throw new SmartTestError(backupInTheWay(target.file, backup));
  const tmp = await writeTemp(target.file, script, 0o755);
  try {
    await rename(target.file, backup);
    await rename(tmp, target.file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return { action: 'installed', target, backup };
}

/** Removes our hook (restoring a backup made by `install --force`); a foreign hook is left alone (error). */
export async function uninstallHook(target: HookTarget): Promise<UninstallOutcome> {
  const existing = await readHook(target.file);
  if (existing === null) return { action: 'absent', target };
  if (target.kind === 'husky') {
    if (!isOurs(existing.content)) return { action: 'absent', target };
    const rest = huskyWithoutLine(existing.content);
    if (rest === null) {
      await rm(target.file, { force: true });
      return { action: 'removed', target, restored: null, deleted: true };
    }
    await writeAtomic(target.file, rest, existing.mode);
    return { action: 'removed', target, restored: null, deleted: false };
  }
  if (!isOurs(existing.content)) throw new SmartTestError(foreignHook(target.file, describeHook(existing.content)));
  const backup = `${target.file}${HOOK_BACKUP_SUFFIX}`;
  if ((await readHook(backup)) !== null) {
    await rename(backup, target.file);
    return { action: 'removed', target, restored: backup, deleted: true };
  }
  await rm(target.file, { force: true });
  return { action: 'removed', target, restored: null, deleted: true };
}

/** `.husky/pre-commit` with our line in it: an old line of ours is replaced, else the line is appended. */
export function huskyWithLine(content: string): string {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const lines = content.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.some((l) => l.includes(HOOK_MARKER))) {
    let seen = false;
    const kept: string[] = [];
    for (const l of lines) {
      if (!l.includes(HOOK_MARKER)) kept.push(l);
      else if (!seen) {
        seen = true;
        kept.push(HUSKY_LINE);
      }
    }
    return `${kept.join(eol)}${eol}`;
  }
  lines.push(HUSKY_LINE);
  return `${lines.join(eol)}${eol}`;
}

/** `.husky/pre-commit` without our line; null when nothing but blank lines, comments or a shebang is left. */
export function huskyWithoutLine(content: string): string | null {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const kept = content.split(/\r?\n/).filter((l) => !l.includes(HOOK_MARKER));
  if (kept.every((l) => l.trim() === '' || l.trim().startsWith('#'))) return null;
  while (kept.length > 1 && kept.at(-1) === '' && kept.at(-2) === '') kept.pop();
  return kept.join(eol);
}

/** What a foreign hook looks like, for the refusal message. */
export function describeHook(content: string): string {
  const lines = content.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0]?.trim() ?? '';
  if (/File generated by pre-commit|pre-commit\.com/.test(content)) return 'the hook of the pre-commit framework';
  if (/husky/i.test(content)) return 'a husky hook';
  if (/lefthook/i.test(content)) return 'a lefthook hook';
  if (lines.length === 0) return 'an empty file';
  const shown = first.length > 60 ? `${first.slice(0, 57)}...` : first;
  return `${lines.length} line${lines.length === 1 ? '' : 's'}, starting "${shown}"`;
}

/**
 * The hook script shipped in the package: `hooks/pre-commit` at the package root, found by
 * walking up from this module (src/gate/, dist/ or dist/chunks/ depending on the build).
 */
export async function hookScript(): Promise<string> {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  const first = path.resolve(dir, '..', 'hooks', 'pre-commit');
  for (let i = 0; i < 4; i++) {
    const text = await readFile(path.join(dir, 'hooks', 'pre-commit'), 'utf8').catch(() => null);
    if (text !== null && isOurs(text)) return text;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new SmartTestError(hookScriptMissing(first));
}

async function readHook(file: string): Promise<{ content: string; mode: number } | null> {
  const info = await lstat(file).catch(() => null);
  if (info === null) return null;
  const real = info.isSymbolicLink() ? await stat(file).catch(() => null) : info;
  if (real?.isDirectory()) throw new SmartTestError(hookTargetIsDirectory(file));
  // A dangling symbolic link counts as a (foreign, empty) hook: it is in the way all the same.
  const content = real === null ? '' : await readFile(file, 'utf8');
  return { content, mode: (real ?? info).mode & 0o777 };
}

async function writeTemp(file: string, content: string, mode: number): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.smart-test-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { mode });
    await chmod(tmp, mode);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  return tmp;
}

/** Writes `file` through a temp file in the same folder and a rename, so no reader sees half a hook. */
export async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = await writeTemp(file, content, mode);
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}
