/**
 * One Python module in a fresh temp folder, for the tests that run the probe on it: the folder
 * is made before the file's (or the describe block's) tests and removed after them.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ProbeRequest, ProbeTarget } from '../../src/generate/probe-model.js';

export interface ProbeModule {
  /** The folder (valid once the tests run): the request's sys.path and cwd. */
  readonly dir: string;
  /** The module file's absolute path. */
  readonly file: string;
  /** A target of the module running `exprs` (one candidate each, ids '0', '1', ...), over lines 1-40 unless `extra` says. */
  target(id: string, exprs: string | readonly string[], extra?: Partial<ProbeTarget>): ProbeTarget;
  /** A request for `targets` run in the folder, with a 2 s limit unless `extra` says. */
  request(targets: ProbeTarget[], extra?: Partial<ProbeRequest>): ProbeRequest;
}

export function probeModule(name: string, source: string): ProbeModule {
  let dir = '';
  beforeAll(() => {
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), `smart-test-${name}-`)));
    writeFileSync(path.join(dir, `${name}.py`), source);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    get dir() {
      return dir;
    },
    get file() {
      return path.join(dir, `${name}.py`);
    },
    target(id, exprs, extra = {}) {
      const list = typeof exprs === 'string' ? [exprs] : exprs;
      return { id, module: name, file: path.join(dir, `${name}.py`), qualname: id, firstLine: 1, lastLine: 40, candidates: list.map((expr, i) => ({ id: String(i), setup: [], expr })), ...extra };
    },
    request(targets, extra = {}) {
      return { sysPath: [dir], cwd: dir, timeoutSeconds: 2, allowSideEffects: false, tmpPath: path.join(dir, 'tmp'), argv: ['pytest'], targets, ...extra };
    },
  };
}
