import { SmartTestError } from '../errors.js';
import { batchOutputMalformed } from '../report/messages/git.js';
import { gitOutput } from './process.js';
import type { Repo } from './repo.js';

const OBJECT_ID = /^[0-9a-fA-F]{4,64}$/;

/**
 * Reads blobs by object id with ONE `git cat-file --batch --buffer` process (spawned directly,
 * see process.ts, at the repository root and with the same environment as every other git
 * command). Contents stay Buffers: staged files need not be UTF-8. Ids git does not have (or
 * that are not valid ids) are absent from the result.
 */
export function readBlobs(repo: Repo, blobIds: readonly string[]): Promise<Map<string, Buffer>> {
  return readBlobsAt(repo.root, repo.env, blobIds);
}

/** readBlobs() for a caller without an opened repository: git runs in `cwd` with exactly `env`. */
export async function readBlobsAt(cwd: string, env: NodeJS.ProcessEnv, blobIds: readonly string[]): Promise<Map<string, Buffer>> {
  const ids = [...new Set(blobIds.filter((id) => OBJECT_ID.test(id)))];
  if (ids.length === 0) return new Map();
  const output = await gitOutput(['cat-file', '--batch', '--buffer'], { cwd, env, input: `${ids.join('\n')}\n` });
  return parseBatchOutput(output, ids);
}

/**
 * Parses `git cat-file --batch` output for `ids`, in the order they were sent: per id either
 * `<oid> <type> <size>\n<size bytes>\n` or `<id> missing\n` (also `ambiguous`). Exported for tests.
 */
export function parseBatchOutput(output: Buffer, ids: readonly string[]): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  let pos = 0;
  for (const id of ids) {
    const eol = output.indexOf(0x0a, pos);
    if (eol < 0) throw new SmartTestError(batchOutputMalformed(`no header for ${id}`));
    const header = output.subarray(pos, eol).toString('latin1');
    pos = eol + 1;
    const parts = header.split(' ');
    if (parts.length === 2 && (parts[1] === 'missing' || parts[1] === 'ambiguous')) continue;
    const size = parts.length === 3 ? Number(parts[2]) : NaN;
    if (!Number.isSafeInteger(size) || size < 0) throw new SmartTestError(batchOutputMalformed(`unexpected header "${header}"`));
    if (pos + size > output.length) throw new SmartTestError(batchOutputMalformed(`${id} is cut short`));
    result.set(id, output.subarray(pos, pos + size));
    pos += size;
    if (output[pos] !== 0x0a) throw new SmartTestError(batchOutputMalformed(`no newline after ${id}`));
    pos += 1;
  }
  return result;
}
