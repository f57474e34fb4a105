/**
 * Parsing many modules at once for `plan --all`: tree-sitter parses one text at a time on one
 * thread, and a repository of 2,000 modules takes seconds. With many modules to parse, they are
 * handed in small batches to worker threads (one per core), each loading its own parser: a worker
 * gets its next batch when it answers one, so a worker slowed down (the cores are shared) takes
 * fewer and none waits for another at the end. With few modules, or where the worker script is
 * not there (running from the sources), they are parsed here. What a failed worker did not
 * parse is parsed here: the result is the same either way.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { outlinePython } from '../python/outline.js';
import { fromStored, type LeanModule, type StoredModule } from './structure-cache.js';
import { mark } from '../report/timing.js';

/** Below this many modules, starting workers (each loads the parser) costs more than it saves. */
export const WORKER_MIN_MODULES = 200;

/** Modules per batch: small enough to share the work evenly, large enough that messages cost little. */
const BATCH = 25;

/** Called with each module as soon as it is parsed, in no particular order. */
export type OnParsed = (index: number, module: LeanModule) => void;

/** dist/parse-worker.cjs beside the bundle, or null when running from the sources. */
function workerScript(): string | null {
  try {
    const file = fileURLToPath(new URL('./parse-worker.cjs', import.meta.url));
    return file.endsWith('.cjs') && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/**
 * Runs one worker until the batches run out or it fails, storing what it parses in `out`.
 * Two batches are in flight, so the worker does not wait for the next one between them.
 */
function runWorker(started: StartedWorker, texts: string[], batches: Array<[number, number]>, out: LeanModule[], onParsed: OnParsed): Promise<boolean> {
  return new Promise((resolve) => {
    const { worker } = started;
    const inFlight = new Map<number, [number, number]>();
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      // A failed worker's batches go back for the others (or for parseMany to parse here).
      batches.push(...inFlight.values());
      inFlight.clear();
      resolve(ok);
      void worker.terminate();
    };
    const send = () => {
      const batch = batches.shift();
      if (!batch) return;
      const id = batch[0];
      inFlight.set(id, batch);
      worker.postMessage({ id, texts: texts.slice(batch[0], batch[1]) });
    };
    worker.on('message', (m: { id: number; ok: boolean; modules?: StoredModule[] }) => {
      const batch = inFlight.get(m.id);
      if (settled || !batch) return;
      const [from, to] = batch;
      if (!m.ok || !m.modules || m.modules.length !== to - from) return finish(false);
      inFlight.delete(m.id);
      m.modules.forEach((stored, k) => {
        const module = fromStored(stored);
        out[from + k] = module;
        onParsed(from + k, module);
      });
      send();
      if (inFlight.size === 0) finish(true);
    });
    worker.once('error', () => finish(false));
    worker.once('exit', () => finish(false));
    if (started.failed) return finish(false);
    worker.ref();
    send();
    send();
    if (inFlight.size === 0) finish(true);
  });
}

/** A worker started ahead of the work; `failed` once it stopped before being given any. */
export interface StartedWorker {
  worker: Worker;
  failed: boolean;
}

function cores(): number {
  return Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
}

/**
 * Starts the workers for about `expected` modules (none when too few are expected, or where the
 * worker script is not there), so that they load the parser while the caller reads the files.
 * Hand them to parseMany(), which stops them; unused, they do not keep the process alive.
 */
export function startWorkers(expected: number): StartedWorker[] {
  const script = expected >= WORKER_MIN_MODULES ? workerScript() : null;
  const count = Math.min(cores(), Math.ceil(expected / 100));
  if (!script || count < 2) return [];
  return Array.from({ length: count }, () => {
    const started: StartedWorker = { worker: new Worker(script), failed: false };
    const failed = () => {
      started.failed = true;
    };
    started.worker.on('error', failed);
    started.worker.on('exit', failed);
    // Until parseMany() uses it, a worker does not keep the process alive (the caller may stop on an error first).
    started.worker.unref();
    return started;
  });
}

/**
 * The structure of each text, in order; `onParsed` sees each one as soon as it is there.
 * `workers`: from startWorkers() (by default, started here for these texts); none: parsed here.
 */
export async function parseMany(texts: string[], onParsed: OnParsed = () => undefined, workers: StartedWorker[] = startWorkers(texts.length)): Promise<LeanModule[]> {
  const out: LeanModule[] = new Array<LeanModule>(texts.length);
  const batches: Array<[number, number]> = [];
  if (workers.length > 0) {
    for (let from = 0; from < texts.length; from += BATCH) batches.push([from, Math.min(texts.length, from + BATCH)]);
    const ok = await Promise.all(workers.map((worker) => runWorker(worker, texts, batches, out, onParsed)));
    mark(`workers ${ok.filter(Boolean).length}/${workers.length}`);
  } else {
    batches.push([0, texts.length]);
  }
  for (const [from, to] of batches) {
    for (let i = from; i < to; i++) {
      out[i] = await outlinePython(texts[i]!);
      onParsed(i, out[i]!);
    }
  }
  return out;
}
