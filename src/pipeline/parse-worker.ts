/**
 * A worker thread of `plan --all` (built to dist/parse-worker.cjs): parses the module texts it is
 * given and answers with their structure in the cache's compact form (structure-cache.ts), in
 * the same order. See parse-pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { outlinePython } from '../python/outline.js';
import { toStored, type StoredModule } from './structure-cache.js';

async function run(texts: string[]): Promise<StoredModule[]> {
  const out: StoredModule[] = [];
  for (const text of texts) out.push(toStored(await outlinePython(text)));
  return out;
}

run((workerData as { texts: string[] }).texts).then(
  (modules) => parentPort!.postMessage({ ok: true, modules }),
  (error: unknown) => parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
);
