/**
 * statementLines against coverage.py itself: for each function of a module with every kind of
 * statement, the lines found from the syntax tree are the statements coverage.py counts there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { statementLines, statementStarts } from '../../../src/python/statements.js';
import { parsePython } from '../../../src/python/structure.js';
import { requirePython } from '../../helpers/python.js';

const SOURCE = `import contextlib


def every_kind(x, y=2):
    """Doc
    string."""
    if x > 0:
        y = (x +
             1)
    elif x < -5:
        raise ValueError("neg")
    else:
        pass
    for i in range(3):
        y += i
    while y > 100:
        y //= 2
    try:
        z = 1 / x
    except ZeroDivisionError:
        z = 0
    finally:
        y -= 1
    with contextlib.suppress(KeyError):
        assert y, "never"
    def inner(a):
        return a

    @staticmethod
    def decorated():
        pass
    class Local:
        k = 1
    del i
    return inner(y) + z


class Box:
    def method(self, items):
        total = [
            item
            for item in items
            if item
        ]
        return sum(total)


def matcher(x):
    match x:
        case 1:
            return "one"
        case [a, b]:
            return a + b
        case _:
            return None
`;

/** Runs `script` with the module `name` (its text `source`) importable beside it, in a folder removed after the test; its stdout. */
function runBeside(name: string, source: string, script: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'smart-test-statements-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, `${name}.py`), source);
  const run = spawnSync(requirePython(), ['-c', script.join('\n')], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: dir } });
  expect(run.stderr).toBe('');
  return run.stdout;
}

describe('statementLines', () => {
  it('finds the statements coverage.py counts in each function body', async () => {
    const stdout = runBeside('mod', SOURCE, [
      'import json, coverage',
      'cov = coverage.Coverage(data_file=None)',
      'cov.start()',
      'import mod',
      'cov.stop()',
      '_, statements, _, _, _ = cov.analysis2("mod.py")',
      'print(json.dumps(statements))',
    ]);
    const covered = JSON.parse(stdout) as number[];
    const module = await parsePython(SOURCE);
    const found = await statementLines(SOURCE, module.functions);
    for (const fn of module.functions.filter((f) => f.kind !== 'nested')) {
      const own = (l: number) => l > fn.defLine && l <= fn.endLine && !fn.nestedRanges.some(([a, b]) => l > a && l <= b);
      expect({ fn: fn.qualname, lines: found.get(fn) }).toEqual({ fn: fn.qualname, lines: covered.filter(own) });
    }
  });

  it('gives no lines for a function with only a docstring', async () => {
    const text = 'def f():\n    """Only a docstring."""\n';
    const module = await parsePython(text);
    expect((await statementLines(text, module.functions)).get(module.functions[0]!)).toEqual([]);
  });
});

const SPREAD = `import contextlib


def spread(node, items):
    out = []
    if (
        len(items) > 1 and
        isinstance(items[1], list)
    ):
        out.append(
            len(items),
        )
    elif (
        node
        is None
    ):
        out += [
            x
            for x in items
        ]
    while (
        len(out) > 100
    ):
        out.pop()
    with contextlib.suppress(
        KeyError,
    ):
        total = {
            "n": len(out),
        }
    return (
        total,
        out,
    )
`;

describe('statementStarts', () => {
  it('reads the lines a line tracer sees inside statements spread over several lines as the lines coverage.py counts', async () => {
    const stdout = runBeside('spread', SPREAD, [
      'import json, sys, coverage',
      'cov = coverage.Coverage(data_file=None)',
      'cov.start()',
      'import spread',
      'for args in ((None, [1, [2]]), (None, [3]), (1, [4])): spread.spread(*args)',
      'cov.stop()',
      '_, statements, _, missing, _ = cov.analysis2(spread.__file__)',
      'covered = sorted(set(statements) - set(missing))',
      'traced = set()',
      'def tracer(frame, event, arg):',
      '    if frame.f_code.co_filename == spread.__file__:',
      '        traced.add(frame.f_lineno)',
      '        return tracer',
      'sys.settrace(tracer)',
      'for args in ((None, [1, [2]]), (None, [3]), (1, [4])): spread.spread(*args)',
      'sys.settrace(None)',
      'print(json.dumps([covered, sorted(traced)]))',
    ]);
    const [covered, traced] = JSON.parse(stdout) as [number[], number[]];
    const starts = await statementStarts(SPREAD);
    const mapped = [...new Set(traced.map((l) => starts.get(l) ?? l))].sort((a, b) => a - b);
    // The tracer sees lines coverage.py does not count (`len(items) > 1 and`, under `if (`).
    expect(traced.some((l) => !covered.includes(l))).toBe(true);
    // Read through the map, they are the function's lines coverage.py counts (its `def` line aside: run at import).
    expect(mapped.filter((l) => l > 4)).toEqual(covered.filter((l) => l > 4));
  });
});
