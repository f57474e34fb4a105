/**
 * A worker thread of `plan --all` (built to dist/parse-worker.cjs): parses the module texts it is
 * given and answers with their structure in the cache's compact form (structure-cache.ts), in
 * the same order, a batch at a time so that the caller can use the first ones while the rest are
 * parsed. See parse-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { outlinePython } from '../python/outline.js';
import { toStored, type StoredModule } from './structure-cache.js';

/** Modules per message: small enough to let the caller start early, large enough to cost little. */
const BATCH = 50;

async function run(texts: string[]): Promise<void> {
  let batch: StoredModule[] = [];
  for (const text of texts) {
    batch.push(toStored(await outlinePython(text)));
    if (batch.length === BATCH) {
      parentPort!.postMessage({ ok: true, modules: batch });
      batch = [];
    }
  }
  parentPort!.postMessage({ ok: true, modules: batch, done: true });
}

run((workerData as { texts: string[] }).texts).catch((error: unknown) =>
  parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
);
