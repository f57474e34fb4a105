import { afterAll, describe } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { requirePython } from '../helpers/python.js';
import { Workspace, checkCase, params } from './harness.js';
import { fuzzCase, makeSeeds } from './scenario.js';

// The same contract through the real bin/smart-test.cjs, one process per case: what the
// in-process cases cannot see (the exit code Node ends with, an unhandled rejection, output
// written after main returned, the code cache). A few cases run the candidates in Python.
const ws = new Workspace();
const seeds = await makeSeeds(ws);
afterAll(() => ws.cleanup());

const python = requirePython();
/** Commands that run the user's code in the probe (the base project is harmless). */
const executing = fc.constantFrom<string[]>(['run', '--format', 'json'], ['generate', 'pkg/mod.py', '--all'], ['generate', 'pkg/new.py', '--format', 'json']);

describe('fuzz: the built CLI as a separate process', () => {
  test.prop([fc.constantFrom('coverage', 'config', 'source', 'tests', 'mixed' as const).chain((focus) => fuzzCase(seeds, focus))], params(90))('keeps its contract', (c) => checkCase(ws, c, 'spawned'), 900_000);

  test.prop([fuzzCase(seeds, 'source', executing).map((c) => ({ ...c, staged: [...c.staged, ['.smarttestrc.json', JSON.stringify({ python })] as const] }))], params(10))(
    'keeps its contract when it runs the candidates in Python',
    (c) => checkCase(ws, c, 'spawned'),
    900_000,
  );
});
