/**
 * A call that changes its module's state (appends to a global list, rebinds a global) is reported
 * with the names it changed: a test making that call would change what the tests after it see.
 */
import { describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import { probeModule } from '../../helpers/probe-module.js';
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

const mod = probeModule('statemod', MODULE);

describe('calls that change their module', () => {
  it('names the globals a call resized or rebound, and nothing for a pure call', async () => {
    const python = requirePython();
    const res = await runProbe(python, mod.request([mod.target('register', "register('x')"), mod.target('bump', 'bump()'), mod.target('pure', 'pure(2)')]), { timeoutMs: 30_000 });
    expect(res.targets.map((t) => t.candidates[0]?.changesModule)).toEqual([['RULES'], ['COUNT'], undefined]);
  });
});
