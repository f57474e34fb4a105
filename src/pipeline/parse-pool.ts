/**
 * Parsing many modules at once for `plan --all`: tree-sitter parses one text at a time on one
 * thread, and a repository of 2,000 modules takes seconds. With many modules to parse, they are
 * split between worker threads (one per core), each loading its own parser; with few, or where
 * the worker script is not there (running from the sources), they are parsed here. A worker that
 * fails leaves its share to be parsed here: the result is the same either way.
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

/** dist/parse-worker.cjs beside the bundle, or null when running from the sources. */
function workerScript(): string | null {
  try {
    const file = fileURLToPath(new URL('./parse-worker.cjs', import.meta.url));
    return file.endsWith('.cjs') && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

function inWorker(script: string, texts: string[]): Promise<StoredModule[] | null> {
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: { texts } });
    let settled = false;
    const done = (value: StoredModule[] | null) => {
      if (settled) return;
      settled = true;
      resolve(value);
      void worker.terminate();
    };
    worker.once('message', (m: { ok: boolean; modules?: StoredModule[] }) => done(m.ok && m.modules ? m.modules : null));
    worker.once('error', () => done(null));
    worker.once('exit', () => done(null));
  });
}

/** The structure of each text, in order. */
export async function parseMany(texts: string[], minForWorkers = WORKER_MIN_MODULES): Promise<LeanModule[]> {
  const script = texts.length >= minForWorkers ? workerScript() : null;
  const cores = Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
  const workers = script ? Math.min(cores, Math.ceil(texts.length / 100)) : 1;
  if (!script || workers < 2) {
    const out: LeanModule[] = [];
    for (const text of texts) out.push(await outlinePython(text));
    return out;
  }
  // Contiguous shares of about the same size in characters.
  const total = texts.reduce((n, t) => n + t.length, 0);
  const shares: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const text of texts) {
    current.push(text);
    size += text.length;
    if (size >= total / workers && shares.length < workers - 1) {
      shares.push(current);
      current = [];
      size = 0;
    }
  }
  shares.push(current);
  const answers = await Promise.all(shares.map((share) => inWorker(script, share)));
  mark(`workers ${answers.filter((a) => a !== null).length}/${shares.length}`);
  const out: LeanModule[] = [];
  for (let i = 0; i < shares.length; i++) {
    const answer = answers[i];
    if (answer && answer.length === shares[i]!.length) out.push(...answer.map(fromStored));
    else for (const text of shares[i]!) out.push(await outlinePython(text));
  }
  return out;
}
