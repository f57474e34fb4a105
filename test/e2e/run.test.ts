import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { CLI, cleanEnv, makeRepo, runCli, runPython, stagedChange, type TempRepo } from '../helpers/repo.js';

const SHAPES = `"""Shapes and prices."""
from dataclasses import dataclass
from enum import Enum


class Unit(Enum):
    CM = "cm"
    INCH = "inch"


def area(width: float, height: float) -> float:
    """Area of a rectangle.

    >>> area(2.0, 3.0)
    6.0
    """
    if width < 0 or height < 0:
        raise ValueError("sides must not be negative")
    return width * height


def label(name: str, unit: Unit = Unit.CM) -> str:
    if name.startswith("big"):
        return name.upper() + " " + unit.value
    return name + " " + unit.value


def covered(x: int) -> int:
    return x + 1


@dataclass
class Box:
    width: int
    depth: int = 1

    def volume(self, height: int) -> int:
        if height > 10:
            return -1
        return self.width * self.depth * height

    @property
    def footprint(self) -> int:
        return self.width * self.depth
`;

const TESTS = `from shapes import covered


def test_covered():
    assert covered(1) == 2
`;

interface RunJson {
  functions: Array<{ qualname: string; selected: boolean }>;
  written: string[];
  generated: Array<{ qualname: string; status: string; tests: number; detail: string }>;
  staged: boolean;
}

function setUp(repo: TempRepo, python: string) {
  stagedChange(repo, python, { base: { 'src/shapes.py': '"""Shapes and prices."""\n', 'tests/test_covered.py': TESTS }, changed: { 'src/shapes.py': SHAPES } });
}

describe('smart-test run: generates tests for the selected functions', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('writes passing tests for the selected functions only, exits 1, then writes nothing the second time', () => {
    const python = requirePython();
    setUp(repo, python);
    const first = runCli(['run', '--format', 'json'], repo.root);
    expect(first.code, first.stderr).toBe(1);
    const out = JSON.parse(first.stdout) as RunJson;
    expect(out.written).toEqual(['tests/test_shapes.py']);
    const selected = out.functions.filter((f) => f.selected).map((f) => f.qualname).sort();
    expect(selected).toEqual(['Box.footprint', 'Box.volume', 'area', 'label']);
    expect(out.functions.find((f) => f.qualname === 'covered')?.selected).toBe(false);
    const text = readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8');
    // Tests for the selected functions, none for the covered one.
    expect(text).not.toMatch(/target=covered /);
    for (const name of ['area', 'label', 'Box.volume', 'Box.footprint']) expect(text).toContain(`# smart-test: target=${name} `);
    // Real assertions: the doctest's value, the function's own raise, an exact string.
    expect(text).toMatch(/assert result == pytest\.approx\(6\.0\)/);
    expect(text).toMatch(/with pytest\.raises\(ValueError, match='\^sides must not be negative\$'\)/);
    expect(text).toMatch(/assert result == 'BIG/);
    expect(text).not.toContain('test_value');
    // The tests collect and pass under pytest.
    const pytest = runPython(python, ['-m', 'pytest', '-q', 'tests/test_shapes.py'], repo.root);
    expect(pytest).toMatch(/\d+ passed/);
    expect(pytest).not.toMatch(/failed|error/);

    const second = runCli(['run', '--format', 'json'], repo.root);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as RunJson).written).toEqual([]);
    expect(readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8')).toBe(text);
  });

  it('finishes its run (tests written, probe folders removed) when the reader of its output stops reading', async () => {
    const python = requirePython();
    setUp(repo, python);
    const temp = mkdtempSync(path.join(tmpdir(), 'smart-test-epipe-'));
    try {
      // `smart-test run 2>&1 | head -0`: both pipes closed before anything is written; the
      // candidates' debug lines are written while the probe's folders exist.
      const child = spawn(process.execPath, [CLI, 'run'], { cwd: repo.root, env: cleanEnv({ TMPDIR: temp, SMART_TEST_CANDIDATES_DEBUG: '1' }), stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      child.stderr.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8')).toContain('# smart-test: target=area ');
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('never overwrites a test a person edited; regenerates unedited ones when their target changes', () => {
    const python = requirePython();
    setUp(repo, python);
    expect(runCli(['run'], repo.root).code).toBe(1);
    const file = path.join(repo.root, 'tests/test_shapes.py');
    const original = readFileSync(file, 'utf8');
    // A person edits the test of `label`.
    const edited = original.replace(/(# smart-test: target=label [^\n]*\ndef \w+\(\):\n)/, '$1    # checked by hand\n');
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    // Both label and area change.
    const changed = SHAPES.replace('return name + " " + unit.value', 'return name + "-" + unit.value').replace('return width * height', 'return round(width * height, 2)');
    repo.write('src/shapes.py', changed);
    repo.git('add', 'src/shapes.py');
    const result = runCli(['run', '--format', 'json'], repo.root);
    const out = JSON.parse(result.stdout) as RunJson;
    const label = out.generated.find((g) => g.qualname === 'label')!;
    expect(label.status).toBe('edited');
    expect(label.detail).toMatch(/you edited test_label/);
    expect(out.generated.find((g) => g.qualname === 'area')!.status).toBe('written');
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('    # checked by hand\n');
    // area's tests were rewritten for its new code: a new code fingerprint in every area marker.
    const codeOf = (text: string) => [...text.matchAll(/target=area code=(\w+)/g)].map((m) => m[1]);
    expect(codeOf(after).length).toBeGreaterThan(0);
    for (const hash of codeOf(after)) expect(codeOf(original)).not.toContain(hash);
    // The regenerated tests pass; the kept, edited test of label is the person's to update.
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_shapes.py', '-k', 'area'], repo.root)).toMatch(/passed/);
  });

  it('--stage adds the written files to the index and exits 0', () => {
    const python = requirePython();
    setUp(repo, python);
    const result = runCli(['run', '--stage'], repo.root);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(repo.git('diff', '--cached', '--name-only')).toContain('tests/test_shapes.py');
  });

  it('the gate at the end sees the staged test files: staged content only, and tests it staged itself', () => {
    const python = requirePython();
    setUp(repo, python);
    // A person's test with the placeholder, staged; then fixed in the working tree only.
    repo.write('tests/test_manual.py', 'def test_manual():\n    assert "test_value"\n');
    repo.git('add', 'tests/test_manual.py');
    repo.write('tests/test_manual.py', 'def test_manual():\n    assert "fixed"\n');
    const blocked = runCli(['run', '--stage', '--format', 'json'], repo.root);
    expect(blocked.code, blocked.stderr).toBe(1);
    const out = JSON.parse(blocked.stdout) as RunJson & { placeholders: Array<{ file: string; line: number }> };
    expect(out.staged).toBe(true);
    expect(out.placeholders).toEqual([expect.objectContaining({ file: 'tests/test_manual.py', line: 2 })]);
    // Staged as fixed: the gate passes (the generated tests, staged by --stage, hold no placeholder).
    repo.git('add', 'tests/test_manual.py');
    const passed = runCli(['run', '--format', 'json'], repo.root);
    expect(passed.code, passed.stdout).toBe(0);
    expect(JSON.parse(passed.stdout).placeholders).toEqual([]);
  });

  it('--no-execute writes static tests from doctests without running the code', () => {
    const python = requirePython();
    setUp(repo, python);
    const result = runCli(['run', '--no-execute', '--format', 'json'], repo.root);
    expect(result.code).toBe(1);
    const text = readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8');
    expect(text).toMatch(/result = area\(2\.0, 3\.0\)\n\s+assert result == 6\.0/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_shapes.py'], repo.root)).toMatch(/passed/);
  });
});

describe('smart-test generate', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('--all writes tests for every function of the named files, whatever their coverage', () => {
    const python = requirePython();
    setUp(repo, python);
    const result = runCli(['generate', 'src/shapes.py', '--all', '--format', 'json'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as RunJson;
    expect(out.written).toEqual(['tests/test_shapes.py']);
    expect(out.functions.every((f) => f.selected)).toBe(true);
    const text = readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8');
    expect(text).toContain('# smart-test: target=covered ');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_shapes.py'], repo.root)).toMatch(/passed/);
  });

  it('--function NAME takes one function; a missing file is an input error', () => {
    const python = requirePython();
    setUp(repo, python);
    const one = runCli(['generate', 'src/shapes.py', '--all', '--function', 'area', '--format', 'json'], repo.root);
    expect(one.code, one.stderr).toBe(0);
    expect((JSON.parse(one.stdout) as RunJson).functions.map((f) => f.qualname)).toEqual(['area']);
    const missing = runCli(['generate', 'src/nope.py'], repo.root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/"src\/nope\.py" does not exist/);
  });
});

describe('smart-test run: tests whose target is gone', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('reports generated tests of a function that no longer exists, and leaves them', () => {
    const python = requirePython();
    setUp(repo, python);
    expect(runCli(['run', '--stage'], repo.root).code).toBe(0);
    repo.git('commit', '-qm', 'with tests');
    const before = readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8');
    // label is removed; area changes so that the module is analysed again.
    repo.write('src/shapes.py', SHAPES.replace(/\ndef label[\s\S]*?return name \+ " " \+ unit\.value\n/, '\n').replace('return width * height', 'return width * height * 1'));
    repo.git('add', 'src/shapes.py');
    const result = runCli(['run', '--format', 'json'], repo.root);
    const out = JSON.parse(result.stdout) as RunJson & { warnings: string[] };
    expect(out.warnings).toContainEqual(expect.stringMatching(/^tests\/test_shapes\.py:1:1: tests generated for label remain, but label no longer exists/));
    const after = readFileSync(path.join(repo.root, 'tests/test_shapes.py'), 'utf8');
    expect(after).toContain('# smart-test: target=label ');
    expect(after).not.toBe(before);
  });
});
