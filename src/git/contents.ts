import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readBlobs } from './blobs.js';
import type { StagedFile } from './model.js';
import type { Repo } from './repo.js';

/** The object id git gives `bytes` as a blob, in a `sha1` or `sha256` repository. */
export function blobId(bytes: Buffer, objectFormat: string): string {
  return createHash(objectFormat === 'sha256' ? 'sha256' : 'sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}

export interface AnalysedContents {
  /** The content of each file's blob, by object id (absent: git does not have it). */
  blobs: Map<string, Buffer>;
  /** Paths whose working-tree file holds exactly that blob: nothing to map to the working tree. */
  sameInWorktree: Set<string>;
}

/**
 * The content of each file's `blob` (the staged version, or the commit's in a range). Usually
 * the working tree holds those very bytes: a file whose bytes hash to the blob's object id is
 * read from disk, and git is asked (one `cat-file --batch` process) only for the others. A
 * hook pays ~4 ms for every process it forks, and the working tree is also what coverage
 * measured, so such a file needs no index -> working tree diff either. Files whose working
 * copy differs only by git's filters (line endings, smudge) hash differently and are read
 * from git, as before.
 */
export async function readAnalysedContents(repo: Repo, files: readonly StagedFile[]): Promise<AnalysedContents> {
  const blobs = new Map<string, Buffer>();
  const sameInWorktree = new Set<string>();
  await Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(path.join(repo.root, file.path)).catch(() => null);
      if (bytes !== null && blobId(bytes, repo.objectFormat) === file.blob.toLowerCase()) {
        blobs.set(file.blob, bytes);
        sameInWorktree.add(file.path);
      }
    }),
  );
  const missing = files.filter((f) => !blobs.has(f.blob)).map((f) => f.blob);
  if (missing.length > 0) for (const [id, bytes] of await readBlobs(repo, missing)) blobs.set(id, bytes);
  return { blobs, sameInWorktree };
}
