/**
 * The directed search, end to end: lines that only a boundary value reaches are reached by the
 * written tests with the search on, reported as not reached with it off; the same repository
 * gives byte-identical tests; the tests pass under pytest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

// No annotation, no literal the argument is compared with: the grades' boundaries lie behind a
// computation, so only the search (boundaries near the missed lines, then bisection) reaches them.
const GRADES = `def grade(score):
    value = int(score) * 2
    if value >= 180:
        return "A"
    if value >= 160:
        return "B"
    return "C"
`;

// The zone is set only by `at`, from its argument: no literal reaches describe's first branch.
const ALARM = `class Alarm:
    def __init__(self, hour: int):
        self.hour = hour
        self.zone = None

    def at(self, label: str, zone: str = None):
        self.label = label
        if zone is not None:
            self.zone = zone.upper()
        return self

    def describe(self):
        if self.zone is not None:
            return "%s %s" % (self.hour, self.zone)
        return str(self.hour)
`;

// A block behind two conditions at once (the receiver's state and the token's kind, a module
// object no literal stands for) and a word: only the kinds compared with, the state, and the two
// combined reach it.
const KINDS = `class Kind:
    def __init__(self, name):
        self.name = name


WORD = Kind("word")
SPACE = Kind("space")
`;
const SPLITTER = `import kinds as K


class Splitter:
    def __init__(self):
        self.depth = 0
        self.open = False

    def feed(self, kind, text):
        word = text.lower()
        if kind is K.SPACE:
            return 0
        if word == "begin":
            self.open = True
            self.depth += 1
            return 1
        if self.open and kind is K.WORD and word in ("end", "done"):
            self.open = False
            self.depth -= 1
            return -1
        return 0
`;

// The duplicate branch needs the receiver to hold the name already: only a first call of the
// method itself puts it there.
const REGISTRY = `class Registry:
    def __init__(self):
        self.names = set()

    def add(self, name):
        if name in self.names:
            raise KeyError("already registered: " + name)
        self.names.add(name)
        return len(self.names)
`;

// An iterator whose cache only its own `__next__` fills: `__getitem__` returns an item only
// after a `next(obj)`, and every index fails the same way before it.
const BUFFER = `class Buffer:
    """Items of an iterable, each kept once it is read."""

    def __init__(self, items):
        self._source = iter(items)
        self._cache = []

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._source)
        self._cache.append(item)
        return item

    def __getitem__(self, index):
        return self._cache[index]
`;

interface GenerateJson {
  generated: Array<{ qualname: string; status: string; detail: string; targetLines: number[]; unreachedLines: number[] }>;
}

describe('directed search', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  function generate(python: string, config: Record<string, unknown>): { out: GenerateJson; text: string } {
    repo.write('.smarttestrc.json', JSON.stringify({ python, ...config }));
    rmSync(path.join(repo.root, 'tests'), { recursive: true, force: true });
    const r = runCli(['generate', 'src/grades.py', '--all', '--format', 'json'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    return { out: JSON.parse(r.stdout) as GenerateJson, text: readFileSync(path.join(repo.root, 'tests/test_grades.py'), 'utf8') };
  }

  /** `generate --all` on `target` after writing `files` (under a pytest.ini putting src on the path): its report and the test file written. */
  function generateModule(files: Record<string, string>, target: string, testFile: string): { python: string; out: GenerateJson; text: string } {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    for (const [file, text] of Object.entries(files)) repo.write(file, text);
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    const r = runCli(['generate', target, '--all', '--format', 'json'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    return { python, out: JSON.parse(r.stdout) as GenerateJson, text: readFileSync(path.join(repo.root, testFile), 'utf8') };
  }

  it('reaches lines only a boundary value reaches; without it, says which lines no test reaches', () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write('src/grades.py', GRADES);

    const off = generate(python, { searchBudget: 0 });
    const offGrade = off.out.generated.find((g) => g.qualname === 'grade')!;
    expect(offGrade.targetLines).toEqual([2, 3, 4, 5, 6, 7]);
    expect(offGrade.unreachedLines.length).toBeGreaterThan(0);
    expect(offGrade.detail).toMatch(/lines? [\d, -]+ not reached$/);

    const on = generate(python, {});
    const onGrade = on.out.generated.find((g) => g.qualname === 'grade')!;
    expect(onGrade.unreachedLines).toEqual([]);
    expect(onGrade.detail).toMatch(/^\d+ tests written$/);
    for (const grade of ["'A'", "'B'", "'C'"]) expect(on.text).toContain(`assert result == ${grade}`);
    // Every test passes (runPython throws otherwise); besides one test per grade, `generate` keeps
    // the calls bisected closest to each computed boundary (search/boundary.ts).
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_grades.py'], repo.root)).toMatch(/\b([3-9]|1[01]) passed/);

    // The same repository state gives byte-identical tests.
    expect(generate(python, {}).text).toBe(on.text);
  });

  it('gives byte-identical tests for a function that draws random numbers, its values checked by type only', () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    // Which branch each call reaches depends on the random numbers: unseeded, the tests kept
    // changed from run to run (jinja2's generate_lorem_ipsum did).
    repo.write(
      'src/grades.py',
      'import random\n\n\ndef words(n: int = 3) -> str:\n    out = []\n    for _ in range(n):\n        if random.random() < 0.3:\n            out.append("rare")\n        elif random.random() < 0.5:\n            out.append("mid")\n        else:\n            out.append("common")\n    return " ".join(out)\n',
    );
    const texts = [0, 1, 2, 3].map(() => generate(python, {}).text);
    for (const text of texts) expect(text).toBe(texts[0]);
    expect(texts[0]).toMatch(/result = words\(\d+\)\n\s+assert isinstance\(result, str\)/);
    // The verification runs draw other numbers: no value that depends on them is asserted.
    expect(texts[0]).not.toMatch(/assert result == '\w/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_grades.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it("reaches a guard on the length of an argument's attribute, and an isinstance branch of a class the module imports", () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write(
      'src/grades.py',
      [
        'import ast',
        '',
        'MAX_ITEMS = 5000',
        '',
        '',
        'def count(batch, depth=0):',
        '    if len(batch.items) > MAX_ITEMS:',
        '        return -1',
        '    return len(batch.items) - depth',
        '',
        '',
        'def kind(node):',
        '    if isinstance(node, ast.If):',
        '        return "if %d" % len(node.body)',
        '    if isinstance(node, ast.While):',
        '        return "while %d" % len(node.orelse)',
        '    return "other"',
        '',
      ].join('\n'),
    );
    const { out, text } = generate(python, {});
    expect(out.generated.find((g) => g.qualname === 'count')!.unreachedLines).toEqual([]);
    expect(out.generated.find((g) => g.qualname === 'kind')!.unreachedLines).toEqual([]);
    expect(text).toContain('count(types.SimpleNamespace(items=[0] * 5001))');
    expect(text).toMatch(/kind\(ast\.If\([^)]*\)\)\n\s+assert result == 'if 0'/);
    expect(text).toMatch(/kind\(ast\.While\([^)]*\)\)\n\s+assert result == 'while 0'/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_grades.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it('puts the receiver in a state through the calls another tested method of its class kept', () => {
    const { python, out, text } = generateModule({ 'src/alarm.py': ALARM }, 'src/alarm.py', 'tests/test_alarm.py');
    expect(out.generated.find((g) => g.qualname === 'Alarm.describe')!.unreachedLines).toEqual([]);
    expect(text).toMatch(/obj\.at\([^)]*\)\n\s+result = obj\.describe\(\)/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_alarm.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it("reaches a block behind the receiver's state and an argument compared with a module's object, both at once", () => {
    const { python, out, text } = generateModule({ 'src/kinds.py': KINDS, 'src/splitter.py': SPLITTER }, 'src/splitter.py', 'tests/test_splitter.py');
    expect(out.generated.find((g) => g.qualname === 'Splitter.feed')!.unreachedLines).toEqual([]);
    expect(text).toMatch(/obj\.open = True\n\s+result = obj\.feed\(K\.WORD, (['"])(end|done)\1\)\n\s+assert result == -1/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_splitter.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it('reaches a branch that needs an earlier call of the same method on the receiver (a duplicate)', () => {
    const { python, out, text } = generateModule({ 'src/registry.py': REGISTRY }, 'src/registry.py', 'tests/test_registry.py');
    expect(out.generated.find((g) => g.qualname === 'Registry.add')!.unreachedLines).toEqual([]);
    expect(text).toMatch(/obj\.add\(('[^']*')\)\n\s+with pytest\.raises\(KeyError, match=[^\n]*\n\s+obj\.add\(\1\)/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_registry.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it("reaches a line that needs the receiver advanced by its own __next__, then an index that is in range", () => {
    const { python, out, text } = generateModule({ 'src/buffer.py': BUFFER }, 'src/buffer.py', 'tests/test_buffer.py');
    expect(out.generated.find((g) => g.qualname === 'Buffer.__getitem__')).toMatchObject({ status: 'written', unreachedLines: [] });
    expect(text).toMatch(/obj = Buffer\([^\n]*\)\n\s+next\(obj\)\n\s+result = obj\.__getitem__\((0|-1)\)\n\s+assert result == /);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_buffer.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it("reaches a branch that reads a program argument's shape, by editing the tests' program below its words", () => {
    // The tests' only program has a TypeVar with one argument; the constraints' branch needs two.
    const LINT = `import ast


def constrained(source):
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "TypeVar":
            if len(node.args) > 1:
                found.append(node.args[0].value)
    return found
`;
    const TESTS = 'from lint import constrained\n\n\ndef test_plain():\n    assert constrained("from typing import TypeVar\\nT = TypeVar(\'T\')\\n") == []\n';
    const { python, out, text } = generateModule({ 'src/lint.py': LINT, 'tests/test_usage.py': TESTS }, 'src/lint.py', 'tests/test_lint.py');
    expect(out.generated.find((g) => g.qualname === 'constrained')!.unreachedLines).toEqual([]);
    expect(text).toMatch(/constrained\([^\n]*TypeVar\(\\?'T\\?', [^\n]*\)\n\s+assert result == \['T'\]/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_lint.py'], repo.root)).toMatch(/\d+ passed/);
  });

  it('reaches a line guarded by membership in a table another module defines, with keys the probe reads from it', () => {
    const { python, out, text } = generateModule(
      {
        'src/kinds/__init__.py': '',
        'src/kinds/table.py': "NAMES = {'Makefile': 'make', 'Dockerfile': 'docker', 'Rakefile': 'ruby'}\n",
        'src/kinds/lookup.py': 'from kinds import table\n\n\ndef kind_of(filename: str) -> str:\n    base = filename.rsplit("/", 1)[-1]\n    if base in table.NAMES:\n        return table.NAMES[base]\n    return "text"\n',
      },
      'src/kinds/lookup.py',
      'tests/test_kinds_lookup.py',
    );
    expect(out.generated.find((g) => g.qualname === 'kind_of')!.unreachedLines).toEqual([]);
    expect(text).toMatch(/kind_of\([^)]*'(Dockerfile|Makefile|Rakefile)'[^)]*\)\n\s+assert result == '(docker|make|ruby)'/);
    // The value probe itself is never a test.
    expect(text).not.toContain('sorted(k for k in');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_kinds_lookup.py'], repo.root)).toMatch(/\d+ passed/);
  });
});
