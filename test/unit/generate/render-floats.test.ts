/**
 * Results holding floats: pytest.approx for a float and a flat list or tuple of numbers, which it
 * takes; exact equality for anything else (nested data, strings among the numbers), which
 * pytest.approx rejects. The probe's results, rendered, run under real pytest.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeReturn } from '../../../src/generate/probe-model.js';
import { renderTest } from '../../../src/generate/render.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `def scalar():
    return 0.1 + 0.2

def flat():
    return [0.5, 1.25, 3]

def pair():
    return (1.5, -2.0)

def nested():
    return [['first\\nnumber', 123.456789, '123.45\\n6789']]

def mixed():
    return ['a', 1.5]

def with_none():
    return [None, 2.5]

def mapping():
    return {'x': 1.5, 'y': [2.5]}
`;

const NAMES = ['scalar', 'flat', 'pair', 'nested', 'mixed', 'with_none', 'mapping'];

let python: string;
const mod = probeModule('floatmod', MODULE);
beforeAll(() => {
  python = requirePython();
});

describe('assertions on results holding floats', () => {
  it('uses pytest.approx only where pytest takes it, and every test passes under pytest', async () => {
    const res = await runProbe(python, mod.request(NAMES.map((name) => mod.target(name, `${name}()`, { qualname: name }))), { timeoutMs: 60_000 });
    const tests = res.targets.map((t, i) => {
      const outcome = t.candidates[0] as ProbeReturn;
      expect(outcome).toMatchObject({ outcome: 'return', hasFloat: true });
      return renderTest({ candidate: { setup: [], expr: `${NAMES[i]}()`, origin: 'inferred', placeholder: false }, outcome, names: [NAMES[i]!] }, { testName: `test_${NAMES[i]}`, module: 'floatmod', placeholder: 'test_value' });
    });
    const asserted = tests.map((lines) => lines[lines.length - 1]!.trim());
    expect(asserted).toEqual([
      'assert result == pytest.approx(0.30000000000000004)',
      'assert result == pytest.approx([0.5, 1.25, 3])',
      'assert result == pytest.approx((1.5, -2.0))',
      "assert result == [['first\\nnumber', 123.456789, '123.45\\n6789']]",
      "assert result == ['a', 1.5]",
      'assert result == [None, 2.5]',
      "assert result == {'x': 1.5, 'y': [2.5]}",
    ]);
    const file = path.join(mod.dir, 'test_floats.py');
    writeFileSync(file, ['import pytest', '', ...tests.flatMap((lines) => ['', ...lines])].join('\n') + '\n');
    const run = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', file], { cwd: mod.dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: mod.dir, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(run.stdout).toMatch(/7 passed/);
  });
});
