/**
 * Reading coverage.py's JSON report (`coverage json`) without parsing all of it.
 *
 * The file is read once, into WebAssembly memory when it can be (wasm-skip.ts: a SIMD skip
 * loop), else into a Buffer; `scanTopLevel` (json-scan.ts) walks its structure, parses
 * `meta`, and for `files` records each key with the byte range of its value. A file's value
 * is parsed (JSON.parse of its slice) and validated (zod) only when `report.file()` asks for
 * it, and then cached, so a malformed entry is reported when that file is needed, naming its key.
 *
 * Supported: reports without `meta.format` (coverage 5.x to 7.4.0), format 2 (7.4.1+) and
 * format 3 (7.6+, per-file `functions` / `classes` regions). Newer formats are read the same way.
 */
import { closeSync, fstatSync, openSync, readFileSync, realpathSync, type BigIntStats } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
// The zod schemas (schemas.ts) are imported when a report is read (loadCoverageSchemas), not
// at start-up, so their loading overlaps the hook's git work.
import type * as z from 'zod/mini';
import { SmartTestError } from '../errors.js';
import {
  coverageEmpty,
  coverageIsDirectory,
  coverageNoFiles,
  coverageNotFound,
  coverageNotJson,
  coverageUnreadable,
  coverageWrongShape,
  jsonExpected,
  jsonValue,
  notJsonKinds,
  shapeExpected,
  shapeProblem,
  topLevelKeysPhrase,
  topLevelNotObjectPhrase,
} from '../report/messages/coverage.js';
import {
  describeByteAt,
  findFirstJsonError,
  JsonSyntaxBreak,
  lineColumn,
  OutOfBytes,
  scanTopLevel,
  textBefore,
  type FilesIndex,
  type TopLevelScan,
} from './json-scan.js';
import type { CoverageReport, FileCoverage, RegionCoverage } from './model.js';
import { checkedFileEntry } from './entry-check.js';
import { fileIdentity, layoutCacheFile, readFully, readLayout, readRange, writeLayout } from './layout-cache.js';
import { CoverageKeyIndex } from './paths.js';
import { parseCoverageTimestamp } from './timestamp.js';
import { wasmBytes } from './wasm-skip.js';

// ---------------------------------------------------------------- schemas

type Schemas = typeof import('./schemas.js');
let schemas: Schemas | null = null;

/** Imports zod and builds the schemas; readCoverageReport and readCoverageMeta call it first. */
export async function loadCoverageSchemas(): Promise<void> {
  schemas ??= await import('./schemas.js');
}

function requireSchemas(): Schemas {
  if (!schemas) throw new Error('coverage schemas used before loadCoverageSchemas()');
  return schemas;
}

type FileEntry = z.infer<Schemas['fileSchema']>;
type Meta = z.infer<Schemas['metaSchema']>;

// ---------------------------------------------------------------- public types

export interface CoverageMeta {
  /** meta.format, or null (coverage.py 5.x to 7.4.0 wrote none). */
  format: number | null;
  version: string | null;
  timestampText: string | null;
  timestamp: Date | null;
  /** meta.timestamp in ms since the epoch, microseconds kept as a fraction; null when absent or unreadable. */
  timestampMs: number | null;
  branchCoverage: boolean | null;
}

export interface ReadOptions {
  /** Absolute repository root, for `file(repoPath)`. Default: the report's directory. */
  repoRoot?: string;
  /** Directory the report's relative keys are relative to. Default: the report's directory. */
  runDir?: string;
  /** How to name the file in messages. Default: its absolute path. */
  displayPath?: string;
  /** Directory to remember the file's layout in (layout-cache.ts); none: no cache. */
  cacheDir?: string;
}

/** The report as read.ts returns it: the model plus what the rest of smart-test may want. */
export interface LoadedCoverageReport extends CoverageReport, CoverageMeta {
  /** The report file's mtime (ms), the fallback when it has no timestamp. */
  mtimeMs: number;
  /** The keys of `files`, as written (decoded). */
  keys(): readonly string[];
  /** The key `file(repoPath)` uses for a path, or undefined. */
  keyFor(repoPath: string): string | undefined;
  /** Coverage of one file by its key as written. */
  entry(key: string): FileCoverage | undefined;
}

// ---------------------------------------------------------------- errors

function fsError(err: unknown, display: string): SmartTestError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return new SmartTestError(coverageNotFound([display], null));
  if (e.code === 'EISDIR') return new SmartTestError(coverageIsDirectory(display));
  return new SmartTestError(coverageUnreadable(display, e.message ?? String(err)));
}

/** What a non-JSON file looks like, from its first bytes. */
function sniffKind(buf: Uint8Array): string | null {
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, 512)).toString('latin1').replace(/^\ufeff|^\xef\xbb\xbf/, '');
  const t = head.trimStart();
  if (t.startsWith('SQLite format 3')) return notJsonKinds.sqlite;
  if (/^<!doctype html|^<html/i.test(t)) return notJsonKinds.html;
  if (t.startsWith('<')) return notJsonKinds.xml;
  if (/^(TN:|SF:)/.test(t)) return notJsonKinds.lcov;
  if (/^Name\s+Stmts\s+Miss/.test(t)) return notJsonKinds.textReport;
  return null;
}

/** The error for a JSON syntax problem: finds the first break in the whole file and says where it is. */
function notJsonError(buf: Uint8Array, display: string, fallback: JsonSyntaxBreak | null): SmartTestError {
  if (buf.length === 0 || /^[\s\ufeff]*$/.test(Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.byteLength, 4096)).toString('utf8')) && buf.length <= 4096) {
    return new SmartTestError(coverageEmpty(display));
  }
  const brk = findFirstJsonError(buf) ?? fallback ?? new JsonSyntaxBreak(0, jsonExpected.validJson);
  const { line, column } = lineColumn(buf, brk.offset);
  return new SmartTestError(
    coverageNotJson({
      path: display,
      line,
      column,
      expected: brk.expected,
      found: describeByteAt(buf, brk.offset),
      near: brk.offset > 0 ? textBefore(buf, brk.offset) : '',
      kind: brk.offset <= 8 ? sniffKind(buf) : null,
      truncated: brk.offset >= buf.length && buf.length > 0,
    }),
  );
}

/** Keys whose children are names (file names, qualnames, line numbers), not schema fields. */
const MAPS = new Set(['files', 'functions', 'classes', 'contexts']);

/** `files["src/a.py"].executed_lines[3]`, `files["a.py"].functions["Box.grow"].missing_lines` */
export function formatKeyPath(parts: ReadonlyArray<PropertyKey>): string {
  let out = '';
  let parent: PropertyKey | undefined;
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) && !(typeof parent === 'string' && MAPS.has(parent))) {
      out += out === '' ? p : `.${p}`;
    } else out += `[${JSON.stringify(String(p))}]`;
    parent = p;
  }
  return out;
}

function describeValue(v: unknown): string {
  if (v === undefined) return jsonValue.missing;
  if (v === null) return jsonValue.null;
  if (Array.isArray(v)) return jsonValue.list;
  if (typeof v === 'string') return jsonValue.string(JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v));
  if (typeof v === 'number') return jsonValue.number(v);
  if (typeof v === 'boolean') return jsonValue.boolean(v);
  return jsonValue.object;
}

function expectedFor(issue: z.core.$ZodIssue): string {
  const last = issue.path[issue.path.length - 1];
  const linesKey = issue.path.some((p) => typeof p === 'string' && p.endsWith('_lines'));
  if (issue.code === 'invalid_type') {
    const expected = String((issue as { expected?: unknown }).expected);
    if (expected === 'array') return typeof last === 'string' && last.endsWith('_lines') ? shapeExpected.lineList : shapeExpected.list;
    if (expected === 'int' || expected === 'number') return linesKey ? shapeExpected.lineNumber : shapeExpected.integer;
    if (expected === 'object' || expected === 'record') return shapeExpected.object;
    if (expected === 'string') return shapeExpected.string;
    if (expected === 'boolean') return shapeExpected.boolean;
    return expected;
  }
  if (issue.code === 'invalid_format' || issue.code === 'too_big' || issue.code === 'too_small') return linesKey ? shapeExpected.lineNumber : shapeExpected.integer;
  return issue.message;
}

function shapeError(display: string, prefix: ReadonlyArray<PropertyKey>, value: unknown, error: z.core.$ZodError): SmartTestError {
  const issue = error.issues[0]!;
  const at = [...issue.path];
  let found: unknown = value;
  for (const p of at) found = found !== null && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[p] : undefined;
  let expected: string;
  if (issue.code === 'custom') {
    // a list of line numbers: say which element is wrong
    const bad = Array.isArray(found) ? found.findIndex((x) => !Number.isSafeInteger(x)) : -1;
    if (bad >= 0) {
      at.push(bad);
      found = (found as unknown[])[bad];
      expected = shapeExpected.lineNumber;
    } else expected = shapeExpected.lineList;
  } else expected = expectedFor(issue);
  return new SmartTestError(coverageWrongShape(display, formatKeyPath([...prefix, ...at]), shapeProblem(expected, describeValue(found))));
}

// ---------------------------------------------------------------- scanning

function scanOrThrow(buf: Uint8Array, display: string, skipContainer?: (start: number) => number): TopLevelScan {
  let scan: ReturnType<typeof scanTopLevel>;
  try {
    scan = scanTopLevel(buf, skipContainer ? { skipContainer } : {});
  } catch (err) {
    if (err instanceof JsonSyntaxBreak) throw notJsonError(buf, display, err);
    throw err;
  }
  if ('topLevelNotObject' in scan) {
    throw new SmartTestError(coverageNoFiles(display, topLevelNotObjectPhrase(scan.topLevelNotObject)));
  }
  if (scan.filesNotObject !== null) {
    throw new SmartTestError(coverageWrongShape(display, 'files', shapeProblem(shapeExpected.filesObject, scan.filesNotObject)));
  }
  if (scan.files === null) throw new SmartTestError(coverageNoFiles(display, topLevelKeysPhrase(scan.topKeys)));
  return scan;
}

/**
 * Where a report's bytes come from: memory (the whole file was read to scan it), or the file
 * itself, read range by range (its layout was remembered: layout-cache.ts).
 */
interface ByteSource {
  /** Bytes [start, end) as text. */
  text(start: number, end: number): string;
  /** Every byte, for messages that locate a syntax error. */
  whole(): Uint8Array;
}

function memorySource(buf: Buffer): ByteSource {
  return { text: (start, end) => buf.toString('utf8', start, end), whole: () => buf };
}

function fileSource(absPath: string): ByteSource {
  return { text: (start, end) => readRange(absPath, start, end).toString('utf8'), whole: () => readFileSync(absPath) };
}

function parseSlice(source: ByteSource, start: number, end: number, display: string): unknown {
  try {
    return JSON.parse(source.text(start, end));
  } catch {
    throw notJsonError(source.whole(), display, new JsonSyntaxBreak(start, jsonExpected.value));
  }
}

function readMeta(source: ByteSource, scan: TopLevelScan, display: string): CoverageMeta {
  let meta: Meta = {};
  if (scan.meta) {
    const raw = parseSlice(source, scan.meta.start, scan.meta.end, display);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new SmartTestError(coverageWrongShape(display, 'meta', shapeProblem(shapeExpected.object, describeValue(raw))));
    }
    const parsed = requireSchemas().metaSchema.safeParse(raw);
    if (!parsed.success) throw shapeError(display, ['meta'], raw, parsed.error);
    meta = parsed.data;
  }
  const ts = meta.timestamp === undefined ? null : parseCoverageTimestamp(meta.timestamp);
  return {
    format: meta.format ?? null,
    version: meta.version ?? null,
    timestampText: meta.timestamp ?? null,
    timestamp: ts?.date ?? null,
    timestampMs: ts?.epochMs ?? null,
    branchCoverage: meta.branch_coverage ?? null,
  };
}

function toRegion(r: { executed_lines: number[]; missing_lines: number[]; excluded_lines?: number[] | undefined; missing_branches?: Array<[number, number]> | undefined }): RegionCoverage {
  const region: RegionCoverage = { executedLines: r.executed_lines, missingLines: r.missing_lines, excludedLines: r.excluded_lines ?? [] };
  if (r.missing_branches && r.missing_branches.length > 0) {
    region.partialLines = [...new Set(r.missing_branches.map(([from]) => from).filter((l) => l > 0))].sort((a, b) => a - b);
  }
  return region;
}

function toFileCoverage(e: FileEntry): FileCoverage {
  const functions = e.functions ? new Map(Object.entries(e.functions).map(([name, r]) => [name, toRegion(r)] as const)) : null;
  return { ...toRegion(e), functions };
}

// ---------------------------------------------------------------- the report

class LazyCoverageReport implements LoadedCoverageReport {
  readonly format: number | null;
  readonly version: string | null;
  readonly timestampText: string | null;
  readonly timestamp: Date | null;
  readonly timestampMs: number | null;
  readonly branchCoverage: boolean | null;
  readonly fileCount: number;
  private readonly files: FilesIndex;
  private readonly parsed = new Map<number, FileCoverage>();
  private byKey: Map<string, number> | null = null;
  private index: CoverageKeyIndex | null = null;

  constructor(
    readonly path: string,
    private readonly source: ByteSource,
    scan: TopLevelScan,
    meta: CoverageMeta,
    readonly mtimeMs: number,
    private readonly display: string,
    private readonly repoRoot: string,
    private readonly runDir: string,
  ) {
    this.files = scan.files!;
    this.format = meta.format;
    this.version = meta.version;
    this.timestampText = meta.timestampText;
    this.timestamp = meta.timestamp;
    this.timestampMs = meta.timestampMs;
    this.branchCoverage = meta.branchCoverage;
    this.fileCount = new Set(this.files.keys).size;
  }

  keys(): readonly string[] {
    return this.files.keys;
  }

  private at(i: number): FileCoverage {
    const done = this.parsed.get(i);
    if (done) return done;
    const key = this.files.keys[i]!;
    const raw = parseSlice(this.source, this.files.starts[i]!, this.files.ends[i]!, this.display);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new SmartTestError(coverageWrongShape(this.display, formatKeyPath(['files', key]), shapeProblem(shapeExpected.object, describeValue(raw))));
    }
    let entry: FileEntry | null = checkedFileEntry(raw);
    if (!entry) {
      const result = requireSchemas().fileSchema.safeParse(raw);
      if (!result.success) throw shapeError(this.display, ['files', key], raw, result.error);
      entry = result.data;
    }
    const cov = toFileCoverage(entry);
    this.parsed.set(i, cov);
    return cov;
  }

  entry(key: string): FileCoverage | undefined {
    if (!this.byKey) {
      this.byKey = new Map();
      this.files.keys.forEach((k, i) => this.byKey!.set(k, i)); // the last duplicate wins, as with JSON.parse
    }
    const i = this.byKey.get(key);
    return i === undefined ? undefined : this.at(i);
  }

  private keyIndex(): CoverageKeyIndex {
    if (!this.index) {
      const otherRoots: string[] = [];
      try {
        const real = realpathSync(this.repoRoot);
        if (real !== this.repoRoot) otherRoots.push(real);
      } catch {
        // the root may not exist (tests, reports read elsewhere): the given spelling is enough
      }
      this.index = new CoverageKeyIndex(this.files.keys, { repoRoot: this.repoRoot, runDir: this.runDir, otherRoots });
    }
    return this.index;
  }

  keyFor(repoPath: string): string | undefined {
    const i = this.keyIndex().lookup(repoPath);
    if (i === undefined) return undefined;
    // a later duplicate of the same key holds the value JSON.parse would keep
    return this.files.keys[i];
  }

  file(repoPath: string): FileCoverage | undefined {
    const key = this.keyFor(repoPath);
    return key === undefined ? undefined : this.entry(key);
  }
}

export interface ParseOptions extends ReadOptions {
  mtimeMs?: number;
  /** A faster skip over the bytes (wasm-skip.ts), when they live in WebAssembly memory. */
  skipContainer?: (start: number) => number;
}

/** Builds a report from the bytes of a coverage.json already in memory. */
export function parseCoverageReport(buf: Buffer, file: string, options: ParseOptions = {}): LoadedCoverageReport {
  const abs = path.resolve(file);
  const display = options.displayPath ?? abs;
  const scan = scanOrThrow(buf, display, options.skipContainer);
  return reportFrom(abs, memorySource(buf), scan, options);
}

function reportFrom(abs: string, source: ByteSource, scan: TopLevelScan, options: ParseOptions): LoadedCoverageReport {
  const display = options.displayPath ?? abs;
  const meta = readMeta(source, scan, display);
  const dir = path.dirname(abs);
  return new LazyCoverageReport(abs, source, scan, meta, options.mtimeMs ?? 0, display, options.repoRoot ?? dir, options.runDir ?? dir);
}

/** The whole file from an open descriptor, in WebAssembly memory when possible (for the fast skip), else in a Buffer. */
function readWhole(fd: number, size: number): { buf: Buffer; skipContainer?: (start: number) => number } {
  const fast = wasmBytes(size);
  const buf = fast ? fast.bytes : Buffer.allocUnsafe(size);
  const got = readFully(fd, buf, 0);
  if (got < size) return { buf: Buffer.from(buf.subarray(0, got)) }; // it shrank while read
  return fast ? { buf, skipContainer: fast.skip } : { buf };
}

/**
 * Reads a coverage.json: one read of the bytes, a scan of its structure, no parse of the file
 * entries. With `cacheDir`, the layout found by the scan is remembered there, and a later read
 * of the same unchanged file skips the read and the scan (layout-cache.ts).
 */
export async function readCoverageReport(file: string, options: ReadOptions = {}): Promise<LoadedCoverageReport> {
  const abs = path.resolve(file);
  const display = options.displayPath ?? abs;
  await loadCoverageSchemas();
  let fd: number;
  let st: BigIntStats;
  try {
    fd = openSync(abs, 'r');
  } catch (err) {
    throw fsError(err, display);
  }
  try {
    st = fstatSync(fd, { bigint: true });
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const mtimeMs = Number(st.mtimeNs) / 1e6;
    const identity = options.cacheDir ? fileIdentity(abs, st) : null;
    const cacheFile = options.cacheDir ? layoutCacheFile(options.cacheDir, abs) : null;
    const known = cacheFile && identity ? readLayout(cacheFile, identity) : null;
    if (known) return reportFrom(abs, fileSource(abs), known, { ...options, mtimeMs });
    const whole = readWhole(fd, Number(st.size));
    const scan = scanOrThrow(whole.buf, display, whole.skipContainer);
    if (cacheFile && identity && whole.buf.length === Number(st.size)) writeLayout(cacheFile, identity, scan);
    return reportFrom(abs, memorySource(whole.buf), scan, { ...options, mtimeMs });
  } catch (err) {
    // file system errors become messages; anything else is a fault of smart-test's own
    if (err instanceof SmartTestError || typeof (err as NodeJS.ErrnoException | null)?.code !== 'string') throw err;
    throw fsError(err, display);
  } finally {
    closeSync(fd);
  }
}

const META_PREFIX_BYTES = 64 * 1024;

/**
 * Reads only `meta` of a coverage.json: the first 64 KiB, scanned until `meta` ends. coverage.py
 * writes `meta` first; when it is not within the prefix (or comes after `files`), the whole file is read.
 */
export async function readCoverageMeta(file: string, options: { displayPath?: string } = {}): Promise<CoverageMeta & { mtimeMs: number }> {
  const abs = path.resolve(file);
  const display = options.displayPath ?? abs;
  await loadCoverageSchemas();
  let handle;
  try {
    handle = await open(abs, 'r');
  } catch (err) {
    throw fsError(err, display);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new SmartTestError(coverageIsDirectory(display));
    const size = st.size;
    const want = Math.min(size, META_PREFIX_BYTES);
    let buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(buf, got, want - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    buf = buf.subarray(0, got);
    let scan: ReturnType<typeof scanTopLevel> | null = null;
    const partial = got < size;
    try {
      scan = scanTopLevel(buf, { partial, stopAfterMeta: true });
    } catch (err) {
      if (err instanceof OutOfBytes) scan = null;
      else if (err instanceof JsonSyntaxBreak) {
        throw notJsonError(partial ? await readFile(abs).catch(() => buf) : buf, display, err);
      } else throw err;
    }
    if (scan === null) {
      buf = await readFile(abs);
      scan = scanOrThrow(buf, display);
    } else if ('topLevelNotObject' in scan) {
      throw new SmartTestError(coverageNoFiles(display, topLevelNotObjectPhrase(scan.topLevelNotObject)));
    } else if (scan.complete) {
      // meta missing or after files in a small file: the whole file was scanned, check it is a report
      scan = scanOrThrow(buf, display);
    }
    return { ...readMeta(memorySource(buf), scan, display), mtimeMs: st.mtimeMs };
  } catch (err) {
    if (err instanceof SmartTestError) throw err;
    throw fsError(err, display);
  } finally {
    await handle.close();
  }
}
