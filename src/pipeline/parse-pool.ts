/**
 * Parsing many modules at once for `plan --all`: tree-sitter parses one text at a time on one
 * thread, and a repository of 2,000 modules takes seconds. With many modules to parse, they are
 * split between worker threads (one per core), each loading its own parser and answering a batch
 * of modules at a time; with few, or where the worker script is not there (running from the
 * sources), they are parsed here. A worker that fails leaves the rest of its share to be parsed
 * here: the result is the same either way.
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
 * Parses texts[from..to) in a worker, storing each module in `out` as its batch arrives.
 * Resolves with how many it parsed: all of them, or fewer when the worker failed.
 */
function inWorker(script: string, texts: string[], from: number, to: number, out: LeanModule[], onParsed: OnParsed): Promise<number> {
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: { texts: texts.slice(from, to) } });
    let received = 0;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      resolve(received);
      void worker.terminate();
    };
    worker.on('message', (m: { ok: boolean; modules?: StoredModule[]; done?: boolean }) => {
      if (settled) return;
      if (!m.ok || !m.modules || received + m.modules.length > to - from) return done();
      for (const stored of m.modules) {
        const module = fromStored(stored);
        out[from + received] = module;
        onParsed(from + received, module);
        received++;
      }
      if (m.done) done();
    });
    worker.once('error', done);
    worker.once('exit', done);
  });
}

/** The structure of each text, in order; `onParsed` sees each one as soon as it is there. */
export async function parseMany(texts: string[], onParsed: OnParsed = () => undefined, minForWorkers = WORKER_MIN_MODULES): Promise<LeanModule[]> {
  const script = texts.length >= minForWorkers ? workerScript() : null;
  const cores = Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length);
  const workers = script ? Math.min(cores, Math.ceil(texts.length / 100)) : 1;
  const out: LeanModule[] = new Array<LeanModule>(texts.length);
  const here = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      out[i] = await outlinePython(texts[i]!);
      onParsed(i, out[i]!);
    }
  };
  if (!script || workers < 2) {
    await here(0, texts.length);
    return out;
  }
  // Contiguous shares of about the same size in characters: [start, end) each.
  const total = texts.reduce((n, t) => n + t.length, 0);
  const shares: Array<[number, number]> = [];
  let start = 0;
  let size = 0;
  texts.forEach((text, i) => {
    size += text.length;
    if (size >= total / workers && shares.length < workers - 1) {
      shares.push([start, i + 1]);
      start = i + 1;
      size = 0;
    }
  });
  shares.push([start, texts.length]);
  const parsed = await Promise.all(shares.map(([from, to]) => inWorker(script, texts, from, to, out, onParsed)));
  mark(`workers ${parsed.filter((n, i) => n === shares[i]![1] - shares[i]![0]).length}/${shares.length}`);
  for (let i = 0; i < shares.length; i++) await here(shares[i]![0] + parsed[i]!, shares[i]![1]);
  return out;
}
