/**
 * The functions a commit touched around a target (GenerationSource.alongside), end to end: real
 * git, coverage.py, smart-test run, and pytest on what it wrote. A function of the change whose
 * changed lines are all covered gets no test of its own; when it calls the target, its calls are
 * tried as the target's, and the target's tests then notice a change of it too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { expectEachCaught } from '../helpers/mutants.js';
import { makeRepo, runCli, runPython, stagedChange, type TempRepo } from '../helpers/repo.js';

const BASE = `def _discount(total):
    return total


def price(items, shipping=5):
    total = sum(items)
    return _discount(total) + shipping


def label(items):
    return "%d items" % len(items)
`;

// _discount gains a branch no test runs; price changes a line the tests run.
const CHANGED = `def _discount(total):
    if total >= 100:
        return total - 10
    return total


def price(items, shipping=5):
    total = sum(items) if items else 0
    return _discount(total) + shipping


def label(items):
    return "%d items" % len(items)
`;

// The tests call the target directly (so its seeds are its own calls, not an entry point's) and the caller.
const TESTS = `from shop import _discount, price


def test_discount():
    assert _discount(10) == 10
    assert _discount(20) == 20


def test_price():
    assert price([10, 20]) == 35
`;

interface RunJson {
  functions: Array<{ qualname: string; selected: boolean }>;
  written: string[];
}

describe('functions the change touched around a target', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it("tries a touched caller's calls as the target's: its tests also catch changes of the caller", () => {
    const python = requirePython();
    stagedChange(repo, python, { base: { 'src/shop.py': BASE, 'tests/test_pricing.py': TESTS }, changed: { 'src/shop.py': CHANGED } });
    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as RunJson;
    // Only the function with an uncovered changed line is selected.
    expect(out.functions.filter((f) => f.selected).map((f) => f.qualname)).toEqual(['_discount']);
    expect(out.written).toEqual(['tests/test_shop.py']);
    const text = readFileSync(path.join(repo.root, 'tests/test_shop.py'), 'utf8');
    // The target's own calls, and a call of the caller, which runs the target's lines.
    expect(text).toMatch(/_discount\(/);
    expect(text).toMatch(/price\(/);
    // A function that does not call the target is not called.
    expect(text).not.toMatch(/label\(/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_shop.py'], repo.root)).toMatch(/passed/);
    // Changes of the caller (not selected, no test of its own) make the target's tests fail.
    expectEachCaught(repo, python, 'shop', CHANGED, [
      ['_discount(total) + shipping', '_discount(total) - shipping'],
      ['shipping=5', 'shipping=6'],
    ], text);
  });

  it("does not run a touched caller whose code shows a side effect (a target's would not be run either)", () => {
    const python = requirePython();
    const notify = (text: string) => text.replace('def price(items, shipping=5):\n', 'def price(items, shipping=5, notify=False):\n    if notify:\n        subprocess.run(["true"])\n').replace('def _discount', 'import subprocess\n\n\ndef _discount');
    // The tests run every line of price (it is not selected).
    const tests = `${TESTS}\n\ndef test_notify():\n    assert price([1], notify=True) == 6\n`;
    stagedChange(repo, python, { base: { 'src/shop.py': notify(BASE), 'tests/test_pricing.py': tests }, changed: { 'src/shop.py': notify(CHANGED) } });
    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as RunJson).functions.filter((f) => f.selected).map((f) => f.qualname)).toEqual(['_discount']);
    const text = readFileSync(path.join(repo.root, 'tests/test_shop.py'), 'utf8');
    expect(text).toMatch(/_discount\(/);
    expect(text).not.toMatch(/price\(/);
  });
});
