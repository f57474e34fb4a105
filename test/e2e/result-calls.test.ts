/**
 * Calls on what a target returned (search/result-calls.ts), end to end: real git, coverage.py,
 * smart-test run, and pytest on what it wrote. A commit changes a factory and a method of the
 * class it builds; the method's changed lines are all covered, so it gets no test of its own, and
 * the factory's tests call it on the objects they build: a change of the method fails them too.
 * The objects a factory builds from the test's own function are asserted by their attributes,
 * those that name the test's module (which the probe cannot know) left out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { expectEachCaught } from '../helpers/mutants.js';
import { makeRepo, runCli, runPython, stagedChange, type TempRepo } from '../helpers/repo.js';

const BASE = `class Signature:
    def __init__(self, names, defaults=(), module=None):
        self.names = list(names)
        self.defaults = tuple(defaults)
        self.module = module

    @classmethod
    def of(cls, func):
        code = func.__code__
        names = code.co_varnames[:code.co_argcount]
        return cls(names, func.__defaults__ or (), func.__module__)

    def call_text(self):
        return ", ".join(self.names)
`;

// of() gains a check no test runs; call_text() forwards defaults by keyword, every line of it
// run by the tests.
const CHANGED = BASE.replace('        code = func.__code__\n', '        if not callable(func):\n            raise TypeError("expected a function")\n        code = func.__code__\n').replace(
  '        return ", ".join(self.names)\n',
  `        n_required = len(self.names) - len(self.defaults)
        parts = []
        for i, name in enumerate(self.names):
            parts.append(name if i < n_required else name + "=" + name)
        return ", ".join(parts)
`,
);

const TESTS = `from sig import Signature


def test_of():
    def f(a, b=1):
        return a

    assert Signature.of(f).names == ["a", "b"]


def test_call_text():
    assert Signature(["a", "b"], (1,)).call_text() == "a, b=b"
    assert Signature(["a"]).call_text() == "a"
`;

interface RunJson {
  functions: Array<{ qualname: string; selected: boolean }>;
  written: string[];
}

describe('calls on what a target returned', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it("calls a touched method of the class a factory returns on the factory's results", () => {
    const python = requirePython();
    stagedChange(repo, python, { base: { 'src/sig.py': BASE, 'tests/test_signature.py': TESTS }, changed: { 'src/sig.py': CHANGED } });
    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as RunJson;
    expect(out.functions.filter((f) => f.selected).map((f) => f.qualname)).toEqual(['Signature.of']);
    const text = readFileSync(path.join(repo.root, 'tests/test_sig.py'), 'utf8');
    // The method called on what the factory built, and its text asserted.
    expect(text).toMatch(/^ {4}result = Signature\.of\(\w+\)\.call_text\(\)\n {4}assert result == '[^']*=[^']*'$/m);
    // A built object is asserted by the attributes the test sees alike (its module is the test's, not asserted).
    expect(text).toMatch(/^ {4}assert result\.names == \[/m);
    expect(text).not.toMatch(/result\.module/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_sig.py'], repo.root)).toMatch(/passed/);
    // Changes of the method (not selected, no test of its own) make the factory's tests fail.
    expectEachCaught(repo, python, 'sig', CHANGED, [
      ['i < n_required', 'i <= n_required'],
      ['name + "=" + name', 'name + "==" + name'],
    ], text);
  });

  it('does not call a touched method whose code shows a side effect (a target\'s would not be run either)', () => {
    const python = requirePython();
    // call_text() now also starts a process when asked to; the tests run every line of it.
    const spawning = (text: string) =>
      `import subprocess\n\n\n${text.replace('    def call_text(self):\n', '    def call_text(self, echo=False):\n        if echo:\n            subprocess.run(["true"])\n')}`;
    const tests = `${TESTS}\n\ndef test_echo():\n    assert Signature(["a"]).call_text(echo=True) == "a"\n`;
    stagedChange(repo, python, { base: { 'src/sig.py': spawning(BASE), 'tests/test_signature.py': tests }, changed: { 'src/sig.py': spawning(CHANGED) } });
    const run = runCli(['run', '--format', 'json'], repo.root);
    expect(run.code, run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as RunJson).functions.filter((f) => f.selected).map((f) => f.qualname)).toEqual(['Signature.of']);
    const text = readFileSync(path.join(repo.root, 'tests/test_sig.py'), 'utf8');
    expect(text).toMatch(/Signature\.of\(/);
    expect(text).not.toMatch(/call_text/);
  });
});
