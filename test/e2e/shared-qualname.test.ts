/**
 * A name defined more than once in a module (a nested function defined in each branch of its
 * outer function) is one target (src/generate/definitions.ts): one set of tests, aimed at every
 * definition's changed lines, kept as they are on the next run. Real git, coverage.py, pytest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, stagedChange, type TempRepo } from '../helpers/repo.js';

const BEFORE = `def split_words(text, sep=None, limit=None):
    if callable(sep):
        is_sep = sep
    elif sep is None:
        is_sep = lambda ch: ch.isspace()
    else:
        is_sep = lambda ch: ch == sep
    words, current = [], ''
    for ch in text:
        if limit is not None and len(words) >= limit:
            is_sep = lambda ch: False
        if is_sep(ch):
            words.append(current)
            current = ''
        else:
            current += ch
    words.append(current)
    return words
`;

// Lines 5, 7 and 11 become three definitions of split_words.is_sep.
const AFTER = BEFORE.replace('is_sep = lambda ch: ch.isspace()', 'def is_sep(ch): return ch.isspace()')
  .replace('is_sep = lambda ch: ch == sep', 'def is_sep(ch): return ch == sep')
  .replace('is_sep = lambda ch: False', 'def is_sep(ch): return False');

const TESTS = `from words import split_words


def test_callable_separator():
    assert split_words('a,b', sep=lambda ch: ch == ',') == ['a', 'b']
`;

interface RunJson {
  written: string[];
  generated: Array<{ qualname: string; status: string; targetLines: number[]; unreachedLines: number[]; tests: number }>;
}

describe('definitions sharing a qualname', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('make one target whose tests reach each definition, and a second run keeps them as they are', () => {
    const python = requirePython();
    stagedChange(repo, python, { base: { 'src/words.py': BEFORE, 'tests/test_words.py': TESTS }, changed: { 'src/words.py': AFTER }, config: { sourceRoots: ['src'] } });

    const plan = JSON.parse(runCli(['plan', '--format', 'json'], repo.root).stdout) as { functions: Array<{ qualname: string; selected: boolean; uncoveredChangedLines: number[] }> };
    expect(plan.functions.filter((f) => f.qualname === 'split_words.is_sep').map((f) => [f.selected, f.uncoveredChangedLines])).toEqual([
      [true, [5]],
      [true, [7]],
      [true, [11]],
    ]);

    const first = runCli(['run', '--format', 'json'], repo.root);
    const out = JSON.parse(first.stdout) as RunJson;
    const mine = out.generated.filter((g) => g.qualname === 'split_words.is_sep');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'written', targetLines: [5, 7, 11], unreachedLines: [] });
    // The module's test file, where the person's test stays beside the generated ones.
    const testFile = 'tests/test_words.py';
    expect(out.written).toEqual([testFile]);
    const written = readFileSync(path.join(repo.root, testFile), 'utf8');
    // Every block of the target carries the same code fingerprint (of the three definitions).
    const markers = [...written.matchAll(/^# smart-test: target=split_words\.is_sep code=(\w+)/gm)].map((m) => m[1]);
    expect(markers.length).toBe(mine[0]!.tests);
    expect(new Set(markers).size).toBe(1);

    // Nothing changed: the next run keeps the tests, byte for byte.
    repo.git('add', testFile);
    const second = JSON.parse(runCli(['run', '--format', 'json'], repo.root).stdout) as RunJson;
    expect(second.generated.find((g) => g.qualname === 'split_words.is_sep')).toMatchObject({ status: 'unchanged' });
    expect(readFileSync(path.join(repo.root, testFile), 'utf8')).toBe(written);

    // The generated tests pass and run each definition's line.
    runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q', testFile], repo.root);
    const report = JSON.parse(runPython(python, ['-m', 'coverage', 'json', '-o', '-'], repo.root)) as { files: Record<string, { executed_lines: number[] }> };
    expect(report.files['src/words.py']!.executed_lines).toEqual(expect.arrayContaining([5, 7, 11]));
  });
});
