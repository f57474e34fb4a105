/**
 * A worker thread of `plan --all` (built to dist/parse-worker.cjs): parses the batches of module
 * texts it is sent, one message each, and answers each with their structure in the cache's
 * compact form (structure-cache.ts), in the same order. See parse-pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { outlinePython } from '../python/outline.js';
import { getPythonParser } from '../python/parser.js';
import { toStored, type StoredModule } from './structure-cache.js';

async function parse(texts: string[]): Promise<StoredModule[]> {
  const out: StoredModule[] = [];
  for (const text of texts) out.push(toStored(await outlinePython(text)));
  return out;
}

// The parser is loaded at once, while the caller still reads the files (a failure shows on the first batch).
getPythonParser().catch(() => undefined);

// One batch at a time, in the order sent.
let queue = Promise.resolve();
parentPort!.on('message', ({ id, texts }: { id: number; texts: string[] }) => {
  queue = queue.then(() =>
    parse(texts).then(
      (modules) => parentPort!.postMessage({ id, ok: true, modules }),
      (error: unknown) => parentPort!.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    ),
  );
});
