/**
 * What `plan --all` remembers between runs about each module's structure: its functions with
 * the lines coverage needs, keyed by the SHA-1 of the module's text, kept in the git directory
 * (`<gitDir>/smart-test/structure.json`); with each module, its join with the coverage report.
 *
 * Parsing every module of a repository is most of a `plan --all` run (2,000 modules: seconds),
 * while between two runs only a few change. A module is parsed again when its text differs from
 * the remembered one, or when smart-test itself changed (another bundle: another size or mtime).
 * This is a cache: failing to read or write it never fails a run, and deleting it is always safe.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedModule, PyFunction } from '../python/model.js';

/** Bump when what is stored, or what parsing produces, changes meaning. */
const STRUCTURE_VERSION = 3;
const FILE_NAME = 'structure.json';

/**
 * A module as `plan --all` keeps it: every function with where it is, its kind and the lines that
 * are its own; what only generation uses (parameters, decorators, raises, classes) is left empty.
 * Stored whole, so that a remembered module is used as read, without copying 44,000 objects.
 */
export type LeanModule = ParsedModule;

export { leanModule } from '../python/outline.js';

/**
 * A function as stored: its fields in a fixed order, numbers and strings only (compact, and
 * quick to read back: a repository of 44,000 functions is a few MB). The docstring is kept as its
 * number of lines (0: none), the only thing the coverage of a function needs from it.
 */
export type StoredFunction = [
  name: string,
  qualname: string,
  kind: PyFunction['kind'],
  isAsync: 0 | 1,
  className: string | null,
  parentQualname: string | null,
  startLine: number,
  defLine: number,
  endLine: number,
  bodyStartLine: number,
  bodyEndLine: number,
  nestedRanges: number[],
  docstringLines: number,
];

export interface StoredModule {
  functions: StoredFunction[];
  skipped: ParsedModule['skipped'];
  hasSyntaxErrors: boolean;
  firstError: ParsedModule['firstError'];
}

/**
 * A module's functions joined with a coverage report: per function (in the module's order) its
 * coverage, why it is unknown and its statements, and the warnings the join gave. `key` names
 * everything else the join depends on (the report, the file's mtime, staleCoverage, the time zone).
 */
export interface StoredJoin {
  key: string;
  verdicts: Array<[coverage: number | null, unknownReason: string | null, statements: number | null]>;
  warnings: string[];
}

interface Stored {
  version: number;
  tool: string;
  entries: Record<string, { hash: string; module: StoredModule; join?: StoredJoin }>;
}

export function toStored(module: LeanModule): StoredModule {
  return {
    functions: module.functions.map((f) => [
      f.name,
      f.qualname,
      f.kind,
      f.isAsync ? 1 : 0,
      f.className,
      f.parentQualname,
      f.startLine,
      f.defLine,
      f.endLine,
      f.bodyStartLine,
      f.bodyEndLine,
      f.nestedRanges.flat(),
      f.docstring === null ? 0 : f.docstring.split('\n').length,
    ]),
    skipped: module.skipped,
    hasSyntaxErrors: module.hasSyntaxErrors,
    firstError: module.firstError,
  };
}

export function fromStored(stored: StoredModule): LeanModule {
  return {
    functions: stored.functions.map((f): PyFunction => {
      const ranges: Array<[number, number]> = [];
      for (let i = 0; i + 1 < f[11].length; i += 2) ranges.push([f[11][i]!, f[11][i + 1]!]);
      return {
        name: f[0],
        qualname: f[1],
        kind: f[2],
        isAsync: f[3] === 1,
        className: f[4],
        parentQualname: f[5],
        startLine: f[6],
        defLine: f[7],
        endLine: f[8],
        bodyStartLine: f[9],
        bodyEndLine: f[10],
        decorators: [],
        parameters: [],
        returnAnnotation: null,
        // Only the docstring's line count is kept: a text of that many lines stands for it.
        docstring: f[12] === 0 ? null : '\n'.repeat(f[12] - 1),
        raises: [],
        nestedRanges: ranges,
      };
    }),
    classes: [],
    skipped: stored.skipped,
    hasSyntaxErrors: stored.hasSyntaxErrors,
    firstError: stored.firstError,
  };
}

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Which smart-test wrote a cache: the file this code was loaded from (the bundle), by size and mtime. */
function toolIdentity(): string {
  try {
    const self = fileURLToPath(import.meta.url);
    const st = statSync(self);
    return `${st.size}-${Math.floor(st.mtimeMs)}`;
  } catch {
    return 'unknown';
  }
}

export class StructureCache {
  private readonly file: string;
  private readonly tool = toolIdentity();
  private entries: Stored['entries'] = {};
  private changed = false;

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, FILE_NAME);
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Stored;
      if (stored && stored.version === STRUCTURE_VERSION && stored.tool === this.tool && stored.entries && typeof stored.entries === 'object') this.entries = stored.entries;
    } catch {
      // none yet, or unreadable: start empty
    }
  }

  /** How many modules are remembered. */
  get size(): number {
    return Object.keys(this.entries).length;
  }

  /** The remembered structure of `file` when its text hashes to `hash`, else undefined. */
  get(file: string, hash: string): LeanModule | undefined {
    const entry = this.entries[file];
    return entry && entry.hash === hash ? fromStored(entry.module) : undefined;
  }

  set(file: string, hash: string, module: LeanModule | StoredModule): void {
    this.entries[file] = { hash, module: 'classes' in module ? toStored(module) : module };
    this.changed = true;
  }

  /** The remembered join of `file` when its text hashes to `hash` and the join's other inputs are `key`. */
  getJoin(file: string, hash: string, key: string): StoredJoin | undefined {
    const entry = this.entries[file];
    return entry && entry.hash === hash && entry.join?.key === key ? entry.join : undefined;
  }

  /** Remembers the join of a file whose structure is remembered with this hash. */
  setJoin(file: string, hash: string, join: StoredJoin): void {
    const entry = this.entries[file];
    if (!entry || entry.hash !== hash) return;
    entry.join = join;
    this.changed = true;
  }

  /** Forgets the files not in `keep` (call after a run over the whole repository). */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const file of Object.keys(this.entries)) {
      if (!keep.has(file)) {
        delete this.entries[file];
        this.changed = true;
      }
    }
  }

  /** Writes the cache when it changed; best effort, atomically (a temporary file renamed). */
  save(): void {
    if (!this.changed) return;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temp, JSON.stringify({ version: STRUCTURE_VERSION, tool: this.tool, entries: this.entries } satisfies Stored));
      renameSync(temp, this.file);
      this.changed = false;
    } catch {
      rmSync(temp, { force: true });
    }
  }
}
