/**
 * Tests that catch small changes, end to end: comparisons flipped between `<` and `<=` (or a
 * constant moved by one) and an error message changed are caught by the generated tests,
 * because a call at each comparison's boundary is kept and a raised message is matched whole.
 * Real Python, real pytest; the same repository gives byte-identical tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { cleanEnv, makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

const SHIPPING = `def shipping(weight, express=False):
    if weight <= 0:
        raise ValueError("weight must be positive")
    if weight > 20:
        return 50
    return 25 if express else 10


def abbreviate(word):
    if len(word) <= 4:
        return word
    return word[:3] + "."
`;

/** Small changes of SHIPPING (mutants) that a good test of it catches. */
const MUTANTS: Array<[string, string]> = [
  ['if weight <= 0:', 'if weight < 0:'],
  ['if weight > 20:', 'if weight >= 20:'],
  ['if weight > 20:', 'if weight > 21:'],
  ['if len(word) <= 4:', 'if len(word) < 4:'],
  ['if len(word) <= 4:', 'if len(word) <= 5:'],
  ['"weight must be positive"', '"weight must be positive!"'],
];

describe('boundary calls and whole messages', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  function generate(python: string): string {
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    rmSync(path.join(repo.root, 'tests'), { recursive: true, force: true });
    const r = runCli(['generate', 'src/shipping.py', '--all'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(path.join(repo.root, 'tests/test_shipping.py'), 'utf8');
  }

  it('writes tests that fail on each boundary and message mutant, and pass on the code', () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write('src/shipping.py', SHIPPING);
    const text = generate(python);
    expect(text).toContain("match='^weight must be positive$'");
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_shipping.py'], repo.root)).toMatch(/passed/);
    // A few tests per function, not dozens.
    expect((text.match(/^def test_/gm) ?? []).length).toBeLessThanOrEqual(2 * 11);
    for (const [from, to] of MUTANTS) {
      repo.write('src/shipping.py', SHIPPING.replace(from, to));
      const r = spawnSync(python, ['-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', 'tests/test_shipping.py'], { cwd: repo.root, env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1' }), encoding: 'utf8' });
      expect(r.status, `the mutant ${to} was not caught:\n${r.stdout}`).toBe(1);
    }
    repo.write('src/shipping.py', SHIPPING);
    // The same repository state gives byte-identical tests.
    expect(generate(python)).toBe(text);
  });
});
