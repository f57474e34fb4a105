/**
 * What `plan --all` remembers between runs about each module's structure: its functions with
 * the lines coverage needs, keyed by the SHA-1 of the module's text, kept in the git directory
 * (`<gitDir>/smart-test/structure-v1.bin`).
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
import { deserialize, serialize } from 'node:v8';
import type { ParsedModule } from '../python/model.js';

/** Bump when what is stored, or what parsing produces, changes meaning. */
const STRUCTURE_VERSION = 1;
const FILE_NAME = `structure-v${STRUCTURE_VERSION}.bin`;

/**
 * A module as `plan --all` keeps it: every function with where it is, its kind and the lines that
 * are its own; what only generation uses (parameters, decorators, raises, classes) is left empty.
 * Stored whole, so that a remembered module is used as read, without copying 44,000 objects.
 */
export type LeanModule = ParsedModule;

export function leanModule(module: ParsedModule): LeanModule {
  return {
    functions: module.functions.map((f) => ({
      name: f.name,
      qualname: f.qualname,
      kind: f.kind,
      isAsync: f.isAsync,
      className: f.className,
      parentQualname: f.parentQualname,
      startLine: f.startLine,
      defLine: f.defLine,
      endLine: f.endLine,
      bodyStartLine: f.bodyStartLine,
      bodyEndLine: f.bodyEndLine,
      decorators: [],
      parameters: [],
      returnAnnotation: null,
      docstring: f.docstring,
      raises: [],
      nestedRanges: f.nestedRanges,
    })),
    classes: [],
    skipped: module.skipped,
    hasSyntaxErrors: module.hasSyntaxErrors,
    firstError: module.firstError,
  };
}

interface Stored {
  version: number;
  tool: string;
  entries: Record<string, { hash: string; module: LeanModule }>;
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
      const stored = deserialize(readFileSync(this.file)) as Stored;
      if (stored && stored.version === STRUCTURE_VERSION && stored.tool === this.tool && stored.entries && typeof stored.entries === 'object') this.entries = stored.entries;
    } catch {
      // none yet, or unreadable: start empty
    }
  }

  /** The remembered structure of `file` when its text hashes to `hash`, else undefined. */
  get(file: string, hash: string): LeanModule | undefined {
    const entry = this.entries[file];
    return entry && entry.hash === hash ? entry.module : undefined;
  }

  set(file: string, hash: string, module: LeanModule): void {
    this.entries[file] = { hash, module };
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
      writeFileSync(temp, serialize({ version: STRUCTURE_VERSION, tool: this.tool, entries: this.entries } satisfies Stored));
      renameSync(temp, this.file);
      this.changed = false;
    } catch {
      rmSync(temp, { force: true });
    }
  }
}
