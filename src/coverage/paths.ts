/**
 * Turning the keys of coverage.py's `files` object into repo-relative POSIX paths.
 *
 * coverage.py names a measured file relative to the directory `coverage json` ran in when the
 * file is under it, else by its absolute path; on Windows with backslashes and a drive letter.
 * smart-test assumes that directory is the one holding the coverage.json. Resolution:
 *   1. the key, resolved against that directory (or absolute), lies inside the repository;
 *   2. (report outside the repository root) a relative key read as repo-relative;
 *   3. a key that does not resolve inside the repository (coverage ran in another checkout,
 *      or on another OS) matches a requested path it ends with, when exactly one key does.
 * Keys under site-packages / dist-packages never match by suffix. This module works on path
 * strings only (both POSIX and Windows forms, whatever the host OS); it touches no files.
 */
import path from 'node:path';

interface SplitPath {
  /** "" (relative), "/" (POSIX), "C:/" (drive, letter upper-cased), "//server/share/" (UNC). */
  root: string;
  segments: string[];
  /** A Windows path (drive or UNC): compared case-insensitively. */
  windows: boolean;
}

/** Backslashes to slashes. */
export function toSlashes(p: string): string {
  return p.replace(/\\/g, '/');
}

function splitPath(p: string): SplitPath {
  const s = toSlashes(p);
  let root = '';
  let rest = s;
  let windows = false;
  const drive = /^([A-Za-z]):(\/|$)/.exec(s);
  if (drive) {
    root = `${drive[1]!.toUpperCase()}:/`;
    rest = s.slice(drive[0].length);
    windows = true;
  } else if (/^\/\/[^/]+\/[^/]+/.test(s) && p.startsWith('\\\\')) {
    const m = /^\/\/([^/]+)\/([^/]+)\/?/.exec(s)!;
    root = `//${m[1]}/${m[2]}/`;
    rest = s.slice(m[0].length);
    windows = true;
  } else if (s.startsWith('/')) {
    root = '/';
    rest = s.replace(/^\/+/, '');
  }
  const segments: string[] = [];
  for (const seg of rest.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (segments.length > 0 && segments[segments.length - 1] !== '..') segments.pop();
      else if (root === '') segments.push('..');
      continue;
    }
    segments.push(seg);
  }
  return { root, segments, windows };
}

function join(base: SplitPath, rel: SplitPath): SplitPath {
  const segments = [...base.segments];
  for (const seg of rel.segments) {
    if (seg === '..') {
      if (segments.length > 0 && segments[segments.length - 1] !== '..') segments.pop();
      else if (base.root === '') segments.push('..');
    } else segments.push(seg);
  }
  return { root: base.root, segments, windows: base.windows };
}

/** The part of `p` under `root`, or null when `p` is not strictly inside `root`. */
function relativeInside(p: SplitPath, root: SplitPath): string | null {
  if (p.root === '' || root.root === '') return null;
  const insensitive = p.windows || root.windows;
  const same = (a: string, b: string): boolean => (insensitive ? a.toLowerCase() === b.toLowerCase() : a === b);
  if (!same(p.root, root.root)) return null;
  if (p.segments.length <= root.segments.length) return null;
  for (let i = 0; i < root.segments.length; i++) if (!same(p.segments[i]!, root.segments[i]!)) return null;
  return p.segments.slice(root.segments.length).join('/');
}

/** A repo-relative path as given by a caller ("./a/b.py", "a\\b.py") in canonical form ("a/b.py"). */
export function cleanRepoPath(repoPath: string): string {
  return splitPath(repoPath).segments.join('/');
}

export interface KeyContext {
  /** Absolute path of the repository root. */
  repoRoot: string;
  /** Absolute directory relative keys are relative to: the coverage.json's own directory. */
  runDir: string;
  /** Other spellings of the repository root (e.g. its realpath), tried after repoRoot. */
  otherRoots?: readonly string[];
}

/**
 * A coverage key as a repo-relative POSIX path, or null when it lies outside the repository
 * (or cannot be placed on this machine, like a Windows path against a POSIX root).
 */
export function normalizeCoverageKey(key: string, ctx: KeyContext): string | null {
  const k = splitPath(key);
  const abs = k.root === '' ? join(splitPath(ctx.runDir), k) : k;
  for (const root of [ctx.repoRoot, ...(ctx.otherRoots ?? [])]) {
    const rel = relativeInside(abs, splitPath(root));
    if (rel !== null) return rel;
  }
  return null;
}

const THIRD_PARTY = /(^|\/)(site-packages|dist-packages)\//i;

interface Loose {
  index: number;
  /** The key with slashes, `.` and `..` folded; lower-cased for Windows keys. */
  text: string;
  windows: boolean;
}

/** A relative key that needs no normalising: no backslash, drive, `.`/`..` segment, or empty segment. */
const PLAIN_RELATIVE = /^(?![A-Za-z]:|\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*\/\/)[^\\]*[^\\/]$/;

/**
 * Looks up keys by repo-relative path. Built lazily on the first lookup, from the keys only
 * (strings: nothing of the values is parsed); the fallbacks are built on the first miss.
 */
export class CoverageKeyIndex {
  private direct: Map<string, number> | null = null;
  /** Keys that did not resolve inside the repository. */
  private unresolved: number[] = [];
  private fallbacks: { rootRelative: Map<string, number[]>; loose: Loose[] } | null = null;

  constructor(
    private readonly keys: readonly string[],
    private readonly ctx: KeyContext,
  ) {}

  private build(): Map<string, number> {
    const direct = new Map<string, number>();
    // where relative keys land: "" when the report sits at the repository root
    const probe = normalizeCoverageKey('x', this.ctx);
    const prefix = probe === null ? null : probe.slice(0, -1);
    const keys = this.keys;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const rel = prefix !== null && PLAIN_RELATIVE.test(key) ? prefix + key : normalizeCoverageKey(key, this.ctx);
      if (rel === null) {
        this.unresolved.push(index);
        continue;
      }
      const prev = direct.get(rel);
      // the same key twice: the last one wins, as with JSON.parse; else the first key to claim a path keeps it
      if (prev === undefined || keys[prev] === key) direct.set(rel, index);
    }
    this.direct = direct;
    return direct;
  }

  private buildFallbacks(): NonNullable<CoverageKeyIndex['fallbacks']> {
    const rootRelative = new Map<string, number[]>();
    const loose: Loose[] = [];
    const runDirIsRoot = normalizeCoverageKey('x', this.ctx) === 'x';
    if (!runDirIsRoot) {
      this.keys.forEach((key, index) => {
        const k = splitPath(key);
        if (k.root !== '') return;
        const asRepoRelative = k.segments.join('/');
        const list = rootRelative.get(asRepoRelative) ?? [];
        list.push(index);
        rootRelative.set(asRepoRelative, list);
      });
    }
    for (const index of this.unresolved) {
      const k = splitPath(this.keys[index]!);
      const text = k.root + k.segments.join('/');
      if (!THIRD_PARTY.test(text)) loose.push({ index, text: k.windows ? text.toLowerCase() : text, windows: k.windows });
    }
    this.fallbacks = { rootRelative, loose };
    return this.fallbacks;
  }

  /** Index (into `keys`) of the key for a repo-relative path, or undefined. */
  lookup(repoPath: string): number | undefined {
    const direct = this.direct ?? this.build();
    const p = cleanRepoPath(repoPath);
    if (p === '' || p.startsWith('../') || p === '..') return undefined;
    const hit = direct.get(p);
    if (hit !== undefined) return hit;
    const { rootRelative, loose } = this.fallbacks ?? this.buildFallbacks();
    const rootRel = rootRelative.get(p);
    if (rootRel && new Set(rootRel.map((i) => this.keys[i])).size === 1) return rootRel[rootRel.length - 1];
    const suffix = '/' + p;
    const lowerSuffix = suffix.toLowerCase();
    let found: number | undefined;
    let foundKey: string | undefined;
    for (const l of loose) {
      const ok = l.windows ? l.text.endsWith(lowerSuffix) : l.text.endsWith(suffix);
      if (!ok) continue;
      if (found !== undefined && this.keys[l.index] !== foundKey) return undefined; // ambiguous
      found = l.index;
      foundKey = this.keys[l.index];
    }
    return found;
  }
}

/** A path for messages: relative to `cwd` when inside it, else absolute. */
export function displayPath(absPath: string, cwd: string): string {
  const rel = path.relative(cwd, absPath);
  if (rel === '') return path.basename(absPath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return absPath;
  return rel.split(path.sep).join('/');
}
