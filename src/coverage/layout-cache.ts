/**
 * The layout of a coverage.json remembered between runs: where `meta` and each entry of `files`
 * lie (json-scan.ts's TopLevelScan), kept in the git directory.
 *
 * coverage.json changes when coverage runs; commits come far more often. The first run after a
 * coverage run reads and scans the whole file (17 MB: ~45 ms) and writes its layout here; every
 * later run reads the layout (~1 ms) and then only the byte ranges of the entries it needs.
 *
 * A layout is used only for the very same file: same path, device, inode, size, mtime and ctime
 * (in nanoseconds). Anything else and the file is read whole again and the layout rewritten.
 * This is a cache: failing to read or write it never fails a run, and deleting the directory is
 * always safe.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import type { TopLevelScan } from './json-scan.js';

/** Bump when the scan's meaning or this file's format changes: older layouts are then ignored. */
const LAYOUT_VERSION = 1;

/** What identifies one version of a coverage file. */
export interface FileIdentity {
  path: string;
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

export function fileIdentity(absPath: string, st: BigIntStats): FileIdentity {
  return {
    path: absPath,
    dev: String(st.dev),
    ino: String(st.ino),
    size: String(st.size),
    mtimeNs: String(st.mtimeNs),
    ctimeNs: String(st.ctimeNs),
  };
}

interface StoredLayout {
  version: number;
  file: FileIdentity;
  topKeys: string[];
  meta: [number, number] | null;
  keys: string[];
  starts: number[];
  ends: number[];
}

/** FNV-1a of the path: one cache file per coverage file, without loading node:crypto. */
function pathHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The cache file for a coverage file's layout inside `cacheDir`. */
export function layoutCacheFile(cacheDir: string, absPath: string): string {
  return path.join(cacheDir, `coverage-layout-${pathHash(absPath)}.json`);
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

function isNumberList(v: unknown, length: number): v is number[] {
  return Array.isArray(v) && v.length === length && v.every((x) => Number.isSafeInteger(x) && x >= 0);
}

/**
 * The remembered layout of `file`, or null when there is none for this very version of it (or
 * the cache file is unreadable or damaged: it is then ignored, and rewritten after the scan).
 */
export function readLayout(cacheFile: string, file: FileIdentity): TopLevelScan | null {
  let stored: Partial<StoredLayout>;
  try {
    stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as Partial<StoredLayout>;
  } catch {
    return null;
  }
  if (stored === null || typeof stored !== 'object' || stored.version !== LAYOUT_VERSION || !stored.file || !sameFile(stored.file, file)) return null;
  const { keys, starts, ends, topKeys, meta } = stored;
  const size = Number(file.size);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return null;
  if (!isNumberList(starts, keys.length) || !isNumberList(ends, keys.length) || ends.some((e) => e > size)) return null;
  if (!Array.isArray(topKeys) || !topKeys.every((k) => typeof k === 'string')) return null;
  if (meta !== null && !(isNumberList(meta, 2) && meta[1] <= size)) return null;
  return {
    topKeys,
    meta: meta ? { start: meta[0], end: meta[1] } : null,
    files: { keys, starts, ends },
    filesNotObject: null,
    complete: true,
  };
}

/**
 * Remembers the layout of `file` (a complete scan with a `files` object). Written to a temporary
 * file and renamed, so a reader never sees half of it; any failure is ignored.
 */
export function writeLayout(cacheFile: string, file: FileIdentity, scan: TopLevelScan): void {
  if (!scan.complete || !scan.files) return;
  const stored: StoredLayout = {
    version: LAYOUT_VERSION,
    file,
    topKeys: scan.topKeys,
    meta: scan.meta ? [scan.meta.start, scan.meta.end] : null,
    keys: scan.files.keys,
    starts: scan.files.starts,
    ends: scan.files.ends,
  };
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(temporary, JSON.stringify(stored));
    renameSync(temporary, cacheFile);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing more to do: the cache is only an optimisation
    }
  }
}

/** Bytes [start, end) of a file, read at their offset. */
export function readRange(absPath: string, start: number, end: number): Buffer {
  const buf = Buffer.allocUnsafe(end - start);
  const fd = openSync(absPath, 'r');
  try {
    const got = readFully(fd, buf, start);
    return got < buf.length ? buf.subarray(0, got) : buf;
  } finally {
    closeSync(fd);
  }
}

/** Fills `buf` from `fd` at `position`; the bytes read, fewer only when the file ends first. */
export function readFully(fd: number, buf: Uint8Array, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
