/**
 * A call that changes its module's state (appends to a global list, rebinds a global) is reported
 * with the names it changed: a test making that call would change what the tests after it see.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `RULES = []
COUNT = 0
LIMIT = 10


def register(rule):
    RULES.insert(0, rule)
    return len(RULES)


def bump():
    global COUNT
    COUNT += 1
    return COUNT


def pure(x):
    return x * LIMIT
`;

let work: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-state-')));
  writeFileSync(path.join(work, 'statemod.py'), MODULE);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('calls that change their module', () => {
  it('names the globals a call resized or rebound, and nothing for a pure call', async () => {
    const python = requirePython();
    const file = path.join(work, 'statemod.py');
    const target = (qualname: string, expr: string) => ({ id: qualname, module: 'statemod', file, qualname, firstLine: 1, lastLine: 20, candidates: [{ id: '0', setup: [], expr }] });
    const res = await runProbe(
      python,
      { sysPath: [work], cwd: work, timeoutSeconds: 2, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), targets: [target('register', "register('x')"), target('bump', 'bump()'), target('pure', 'pure(2)')] },
      { timeoutMs: 30_000 },
    );
    expect(res.targets.map((t) => t.candidates[0]?.changesModule)).toEqual([['RULES'], ['COUNT'], undefined]);
  });
});
