import { afterAll, describe } from 'vitest';
import { test } from '@fast-check/vitest';
import { Workspace, checkCase, params } from './harness.js';
import { fuzzCase, makeSeeds } from './scenario.js';

// damaged staged test files and managed blocks: exit 0/1/2, no stack trace, JSON alone with --format json, nothing written outside the
// repository, no user file lost. Runs the bundle's main in this process (see harness.ts).
const ws = new Workspace();
const seeds = await makeSeeds(ws);
afterAll(() => ws.cleanup());

describe('fuzz: damaged staged test files and managed blocks', () => {
  test.prop([fuzzCase(seeds, 'tests')], params(400))('the CLI keeps its contract', (c) => checkCase(ws, c), 900_000);
});
