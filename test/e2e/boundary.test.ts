/**
 * Tests that catch small changes, end to end: comparisons flipped between `<` and `<=` (or a
 * constant moved by one) and an error message changed are caught by the generated tests,
 * because a call at each comparison's boundary is kept and a raised message is matched whole.
 * Real Python, real pytest; the same repository gives byte-identical tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { expectEachCaught, expectGeneratedPass, generateAll, writeModule } from '../helpers/mutants.js';

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

  it('writes tests that fail on each boundary and message mutant, and pass on the code', () => {
    const python = requirePython();
    writeModule(repo, 'shipping', SHIPPING);
    const text = generateAll(repo, python, 'shipping');
    expect(text).toContain("match='^weight must be positive$'");
    expectGeneratedPass(repo, python, 'shipping');
    // A few tests per function, not dozens.
    expect((text.match(/^def test_/gm) ?? []).length).toBeLessThanOrEqual(2 * 11);
    expectEachCaught(repo, python, 'shipping', SHIPPING, MUTANTS, text);
    // The same repository state gives byte-identical tests.
    expect(generateAll(repo, python, 'shipping')).toBe(text);
  });
});
