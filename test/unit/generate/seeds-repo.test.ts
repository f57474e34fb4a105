/**
 * Seeds on a real repository: git lists the tests, the probe runs the candidates in real
 * Python, and the tests written pass under pytest.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/defaults.js';
import { generateTests, type GenerationSource } from '../../../src/generate/engine.js';
import { literalWords, TestSeeds } from '../../../src/generate/infer/seeds.js';
import { packageDirOf } from '../../../src/generate/infer/reach.js';
import { parsePython } from '../../../src/python/structure.js';
import { requirePython } from '../../helpers/python.js';
import { cleanEnv, makeRepo, runPython, type TempRepo } from '../../helpers/repo.js';

const LEXER = `import re


class Token:
    def __init__(self, kind, text):
        self.kind = kind
        self.text = text


class Lexer:
    def __init__(self, source):
        if not re.match(r"^[0-9. +]+;$", source):
            raise ValueError("not an expression")
        self.source = source

    def tokens(self):
        out = []
        i = 0
        while i < len(self.source):
            if self.source[i].isdigit():
                i = self._consume_number(i, out)
            else:
                i += 1
        return out

    def _consume_number(self, i, out):
        start = i
        while i < len(self.source) and (self.source[i].isdigit() or self.source[i] == "."):
            i += 1
        text = self.source[start:i]
        if text.count(".") > 1:
            raise ValueError("bad number " + text)
        out.append(Token("float" if "." in text else "int", text))
        return i

    @property
    def size(self):
        return len(self.source)
`;

async function sourceOf(repo: TempRepo, file: string, qualnames: string[]): Promise<GenerationSource> {
  const text = readFileSync(path.join(repo.root, file), 'utf8');
  const module = await parsePython(text);
  return { file, text, module, targets: module.functions.filter((f) => qualnames.includes(f.qualname)) };
}

function config(python: string) {
  return { ...defaultConfig(), python, sourceRoots: ['src'] };
}

/** Generates the tests of `source`'s targets, with no warning, and reads the test file written. */
async function generatedText(repo: TempRepo, python: string, source: GenerationSource, testFile: string): Promise<string> {
  const result = await generateTests([source], { repoRoot: repo.root, config: config(python), execute: true, env: cleanEnv() });
  expect(result.warnings).toEqual([]);
  return readFileSync(path.join(repo.root, testFile), 'utf8');
}

describe('the package a module belongs to', () => {
  it('is the top-level package folder, below any source root; a lone module searches its folder', () => {
    expect(packageDirOf('sqlparse/filters/others.py', 'sqlparse.filters.others')).toBe('sqlparse');
    expect(packageDirOf('src/pkg/sub/mod.py', 'pkg.sub.mod')).toBe('src/pkg');
    expect(packageDirOf('src/pkg/__init__.py', 'pkg')).toBe('src/pkg');
    expect(packageDirOf('schedule/__init__.py', 'schedule')).toBe('schedule');
    expect(packageDirOf('src/lonely.py', 'lonely')).toBe('src');
    expect(packageDirOf('lonely.py', 'lonely')).toBe('');
  });
});

describe('seeds on a real repository', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
    repo.write('src/calc/__init__.py', '');
    repo.write('src/calc/lexer.py', LEXER);
    repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n');
  });
  afterEach(() => repo.cleanup());

  /**
   * A checker whose ANNOTATED handler (its lines after the unpacking: `annotated`) is found by name
   * at run time, as a checker dispatches on node types: no call of it to read, and its own
   * inferred calls fail on the line they are given. Its tests: 12 that never reach it, then `tests`.
   */
  const writeChecker = (annotated: string[], tests: string[]) => {
    repo.write('src/calc/checker.py', [
      'class Checker:',
      '    def __init__(self, source):',
      '        self.messages = []',
      '        for line in source.splitlines():',
      '            handler = getattr(self, line.split(" ")[0].upper(), None)',
      '            if handler is not None:',
      '                handler(line)',
      '',
      '    def ANNOTATED(self, line):',
      '        name, kind = line[len("annotated "):].split(": ")',
      ...annotated,
      '',
    ].join('\n'));
    const plain = Array.from({ length: 12 }, (_, i) => `def test_plain_${i}():\n    assert Checker("x${i} = ${i}").messages == []\n`);
    repo.write('tests/test_checker.py', ['from calc.checker import Checker', '', ...plain, ...tests].join('\n\n'));
    repo.git('add', '-A');
  };

  it('builds the receiver as the tests do, reaches an internal method through the public one the tests call, and reads a property', async () => {
    const python = requirePython();
    repo.write('tests/test_lexer.py', 'import calc.lexer as lx\nfrom calc.lexer import Lexer as L\n\n\ndef test_tokens():\n    lexer = L("1 + 2.5;")\n    toks = lexer.tokens()\n    assert [t.text for t in toks] == ["1", "2.5"]\n\n\ndef test_bad():\n    assert lx.Lexer("7;").size == 2\n');
    repo.git('add', '-A');
    const source = await sourceOf(repo, 'src/calc/lexer.py', ['Lexer.tokens', 'Lexer._consume_number', 'Lexer.size']);
    const text = await generatedText(repo, python, source, 'tests/test_calc_lexer.py');
    // The receiver the test builds (no inferred string passes the constructor's check).
    expect(text).toContain("obj = Lexer(\"1 + 2.5;\")\n    result = obj.tokens()");
    // The internal method, reached through tokens() with the test's value, or the search's
    // variation of it (a second "." put inside the number reaches its `raise`).
    expect(text).toMatch(/# smart-test: target=Lexer\._consume_number [^\n]*\ndef test_lexer_consume_number[_\w]*\(\):\n(.*\n)*?\s+obj = Lexer\("1 \+ 2\.5[.]?;"\)\n\s+(with pytest\.raises\(ValueError[^\n]*\n\s+|result = )obj\.tokens\(\)/);
    expect(text).toMatch(/obj = Lexer\("7;"\)\n\s+result = obj\.size\n\s+assert result == 2/);
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_lexer.py'], repo.root)).toMatch(/passed/);

    // Byte-identical on a second run from the same state.
    rmSync(path.join(repo.root, 'tests/test_calc_lexer.py'));
    await generateTests([source], { repoRoot: repo.root, config: config(python), execute: true, env: cleanEnv() });
    expect(readFileSync(path.join(repo.root, 'tests/test_calc_lexer.py'), 'utf8')).toBe(text);
  });

  it("reads the tests nearest the target first while the run's budget of bytes lasts: the file named after its module before one that only names it", async () => {
    const near = 'from calc.lexer import Lexer\n\n\ndef test_near():\n    assert Lexer("1;").size == 1\n';
    // Sorted first: read in path order, it would take the budget, which holds either file but not both.
    const far = `from calc.lexer import Lexer\n\n\ndef test_far():\n    assert Lexer("22;").size == 1\n${'# padding\n'.repeat(3)}`;
    repo.write('tests/test_aaa_uses.py', far);
    repo.write('tests/test_lexer.py', near);
    repo.git('add', '-A');
    const source = await sourceOf(repo, 'src/calc/lexer.py', ['Lexer.size']);
    const fn = source.targets[0]!;
    const cls = source.module.classes.find((c) => c.name === 'Lexer')!;
    const read = async (maxReadBytes?: number) => {
      const seeds = new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: null, ...(maxReadBytes ? { maxReadBytes } : {}) });
      const set = await seeds.seedsFor({ fn, cls, module: 'calc.lexer', file: source.file, text: source.text, parsed: source.module });
      return [...set.direct, ...set.entries].map((c) => [...c.setup, c.expr].join('; ')).join('\n') + '\n' + set.receivers.map((r) => r.join('; ')).join('\n');
    };
    const both = await read();
    expect(both).toContain('Lexer("1;")');
    expect(both).toContain('Lexer("22;")');
    const budgeted = await read(Math.max(near.length, far.length) + 10);
    expect(budgeted).toContain('Lexer("1;")');
    expect(budgeted).not.toContain('Lexer("22;")');
  });

  it('with per-test contexts in coverage.json, the tests that ran a function lead to it, whatever their file is called', async () => {
    const python = requirePython();
    repo.write('.coveragerc', '[run]\ndynamic_context = test_function\n');
    repo.write('tests/test_numbers.py', 'from calc import lexer\n\n\ndef test_floats():\n    assert len(lexer.Lexer("3.25 + 4;").tokens()) == 2\n\n\ndef test_other():\n    assert lexer.Token("int", "1").text == "1"\n');
    repo.git('add', '-A');
    runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q'], repo.root);
    runPython(python, ['-m', 'coverage', 'json', '--show-contexts', '-o', 'coverage.json'], repo.root);
    const source = await sourceOf(repo, 'src/calc/lexer.py', ['Lexer._consume_number']);
    const fn = source.targets[0]!;
    const seeds = new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: 'coverage.json' });
    const set = await seeds.seedsFor({ fn, cls: source.module.classes.find((c) => c.name === 'Lexer')!, module: 'calc.lexer', file: source.file, text: source.text, parsed: source.module });
    // test_floats ran it (test_other did not): its calls, the constructor alone included (the probe drops what reaches nothing).
    expect(set.entries.map((c) => [...c.setup, c.expr])).toEqual([['obj = Lexer("3.25 + 4;")', 'len(obj.tokens())'], ['Lexer("3.25 + 4;")']]);
    expect(set.entries.every((c) => c.entry)).toBe(true);
    // Without the contexts, the file is not named after the module: the calls of the method that
    // calls it (read from the source) lead there.
    const blind = new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: null });
    expect((await blind.seedsFor({ fn, cls: null, module: 'calc.lexer', file: source.file, text: source.text, parsed: source.module })).entries.map((c) => [...c.setup, c.expr])).toEqual([['obj = Lexer("3.25 + 4;")', 'len(obj.tokens())']]);
  });

  it("an entry point's call that runs past its tighter limit is dropped; the calls that reached the method make its tests", async () => {
    const python = requirePython();
    repo.write('src/calc/filters.py', 'class Upper:\n    def process(self, text):\n        if text.startswith("#"):\n            return ""\n        return text.upper()\n');
    repo.write('src/calc/api.py', 'from calc.filters import Upper\n\n\ndef render(text):\n    while text == "forever":\n        pass\n    return Upper().process(text)\n');
    repo.write('tests/test_render.py', 'from calc import api\n\n\ndef test_plain():\n    assert api.render("ab") == "AB"\n\n\ndef test_comment():\n    assert api.render("# x") == ""\n\n\ndef test_slow():\n    assert api.render("forever")\n');
    repo.git('add', '-A');
    const source = await sourceOf(repo, 'src/calc/filters.py', ['Upper.process']);
    const text = await generatedText(repo, python, source, 'tests/test_calc_filters.py');
    // The method's own calls, and the test's call that reaches it through render().
    expect(text).toContain("result = obj.process('Hello world')");
    expect(text).toContain('result = calc.api.render("ab")');
    expect(text).not.toContain('forever');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_filters.py'], repo.root)).toMatch(/passed/);
  });

  it('finds, among the many calls the tests make of an entry point, the one that runs the method, by running them all at once (the entry scan)', async () => {
    const python = requirePython();
    writeChecker(
      ['        if kind == "alias":', '            self.messages.append("alias " + name)', '        else:', '            self.messages.append("annotated " + name)'],
      ['def test_annotated():\n    assert Checker("annotated x: int").messages == ["annotated x"]\n'],
    );
    const source = await sourceOf(repo, 'src/calc/checker.py', ['Checker.ANNOTATED']);
    const text = await generatedText(repo, python, source, 'tests/test_calc_checker.py');
    expect(text).toContain('result = Checker("annotated x: int")');
    expect(text).toContain("assert vars(result) == {'messages': ['annotated x']}");
    // The scan itself is never a test.
    expect(text).not.toContain('__smart_test_scan__');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_checker.py'], repo.root)).toMatch(/passed/);
  });

  /**
   * A class whose constructor misbehaves for each of `hazards` (its action and the lines it runs)
   * and whose `note` method the tests call on one receiver per action, "plain" last: the method's
   * tests are built on the plain receiver only, and pass.
   */
  async function expectOnlyPlainReceiver(module: string, cls: string, imports: string[], hazards: Record<string, string[]>): Promise<void> {
    const python = requirePython();
    repo.write(`src/calc/${module}.py`, [
      ...imports,
      '',
      '',
      `class ${cls}:`,
      '    def __init__(self, action):',
      '        self.done = []',
      ...Object.entries(hazards).flatMap(([action, lines]) => [`        if action == "${action}":`, ...lines.map((l) => `            ${l}`)]),
      '',
      '    def note(self, action):',
      '        self.done.append(action if action == "note" else "other")',
      '        return len(self.done)',
      '',
    ].join('\n'));
    const actions = [...Object.keys(hazards), 'plain'];
    repo.write(`tests/test_${module}.py`, [`from calc.${module} import ${cls}`, '', ...actions.map((a, i) => `def test_${i}():\n    ${cls}("${a}").note("note")\n`)].join('\n\n'));
    repo.git('add', '-A');
    const source = await sourceOf(repo, `src/calc/${module}.py`, [`${cls}.note`]);
    const result = await generateTests([source], { repoRoot: repo.root, config: config(python), execute: true, env: cleanEnv() });
    expect(result.targets.find((r) => r.qualname === `${cls}.note`)?.status).toBe('written');
    const text = readFileSync(path.join(repo.root, `tests/test_calc_${module}.py`), 'utf8');
    expect(text).toContain(`obj = ${cls}("plain")`);
    for (const action of Object.keys(hazards)) expect(text).not.toContain(action);
    expect(runPython(python, ['-m', 'pytest', '-q', `tests/test_calc_${module}.py`], repo.root)).toMatch(/^\d+ passed/m);
  }

  it("a receiver from the tests whose construction loops, ends the process or eats memory is dropped with the calls built on it; the method's other calls still make its tests", async () => {
    await expectOnlyPlainReceiver('runner', 'Runner', ['import os'], {
      loop: ['while True:', '    pass'],
      exit: ['os._exit(3)'],
      // One allocation past any memory limit: MemoryError at once, however loaded the machine is.
      hog: ['hog = " " * 10**13'],
    });
  });

  it("a receiver from the tests whose construction is stuck where no signal handler runs (killed by the probe) is dropped too; the method's other calls still make its tests", async () => {
    await expectOnlyPlainReceiver('waiter', 'Waiter', ['import signal', 'import time'], {
      // Stuck as in C code: the probe's timer signal is blocked, so only its watchdog ends it.
      deaf: ['signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])', 'time.sleep(30)'],
    });
  });

  it('the entry scan also finds the calls that take another path through lines all run before, and each such path gets a test', async () => {
    const python = requirePython();
    writeChecker(
      ['        if kind == "alias":', '            self.messages.append("alias " + name)', '        if name.startswith("_"):', '            self.messages.append("private " + name)'],
      ['_x: alias', 'y: int', 'z: alias'].map((a, i) => `def test_annotated_${i}():\n    assert Checker("annotated ${a}").messages\n`),
    );
    const source = await sourceOf(repo, 'src/calc/checker.py', ['Checker.ANNOTATED']);
    const text = await generatedText(repo, python, source, 'tests/test_calc_checker.py');
    // The first runs every line; the second skips both branches, the third takes the first only.
    expect(text).toContain("assert vars(result) == {'messages': ['alias _x', 'private _x']}");
    expect(text).toContain("assert vars(result) == {'messages': []}");
    expect(text).toContain("assert vars(result) == {'messages': ['alias z']}");
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_checker.py'], repo.root)).toMatch(/^\d+ passed/m);
  });

  it('without contexts, the tests of the public function a class is built in lead to its method, those passing the words on the way first', async () => {
    repo.write('src/calc/filters.py', 'class StripFilter:\n    @staticmethod\n    def _process(tokens):\n        return [t for t in tokens if not t.startswith("--")]\n\n    def process(self, tokens):\n        return self._process(tokens)\n');
    repo.write('src/calc/stack.py', 'from calc.filters import StripFilter\n\n\ndef build_stack(options):\n    stack = []\n    # a comment naming StripFilter does not count\n    if options.get("strip_comments"):\n        stack.append(StripFilter())\n    return stack\n');
    repo.write('src/calc/api.py', 'from calc.stack import build_stack\n\n\ndef render(text, **options):\n    tokens = text.split()\n    for f in build_stack(options):\n        tokens = f.process(tokens)\n    return " ".join(tokens)\n');
    repo.write('tests/test_render.py', 'import pytest\nfrom calc import api\n\n\ndef test_bad():\n    with pytest.raises(TypeError):\n        api.render(None, strip_comments=True)\n\n\ndef test_upper():\n    assert api.render("a --b", upper=True) == "a --b"\n\n\ndef test_strip():\n    text = "a --b c"\n    assert api.render(text, strip_comments=True) == "a c"\n');
    repo.git('add', '-A');
    const text = readFileSync(path.join(repo.root, 'src/calc/filters.py'), 'utf8');
    const module = await parsePython(text);
    const fn = module.functions.find((f) => f.qualname === 'StripFilter._process')!;
    const seeds = new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: null });
    const set = await seeds.seedsFor({ fn, cls: module.classes[0]!, module: 'calc.filters', file: 'src/calc/filters.py', text, parsed: module });
    expect(set.entries.map((c) => [...c.setup, c.expr])).toEqual([
      ['import calc.api', 'calc.api.render("a --b c", strip_comments=True)'],
      ['import calc.api', 'calc.api.render("a --b", upper=True)'],
      // A call the test expects to raise stops early: last.
      ['import calc.api', 'calc.api.render(None, strip_comments=True)'],
    ]);
  });

  it('asserts a list of objects whose reprs show nothing stable by its items\' types and, when they are plain literals, their attributes', async () => {
    const python = requirePython();
    repo.write(
      'src/calc/report.py',
      [
        'class Message:',
        '    def __init__(self, line, name):',
        '        self.line = line',
        '        self.args = (name,)',
        '',
        '',
        'class Unused(Message):',
        '    pass',
        '',
        '',
        'class Opaque:',
        '    def __init__(self):',
        '        self.handle = object()',
        '',
        '',
        'class Report:',
        '    def __init__(self, names):',
        '        self.messages = [Unused(i + 1, n) for i, n in enumerate(names) if n.startswith("_")]',
        '        self.others = [Opaque()]',
        '        self.token = object()',
        '',
        '',
        'def check(names):',
        '    return Report(names)',
        '',
      ].join('\n'),
    );
    repo.write('tests/test_report.py', 'from calc.report import check\n\n\ndef test_check():\n    assert check(["b", "_a"]).messages\n');
    repo.git('add', '-A');
    const text = await generatedText(repo, python, await sourceOf(repo, 'src/calc/report.py', ['check']), 'tests/test_calc_report.py');
    expect(text).toContain("assert [type(item).__name__ for item in result.messages] == ['Unused']");
    expect(text).toContain("assert [vars(item) for item in result.messages] == [{'line': 2, 'args': ('_a',)}]");
    // Items whose attributes are not plain literals: their types only.
    expect(text).toContain("assert [type(item).__name__ for item in result.others] == ['Opaque']");
    expect(text).not.toContain('for item in result.others] == [{');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_report.py'], repo.root)).toMatch(/^\d+ passed/m);
  });

  it('keeps a call whose object result differs from the kept ones only in the attributes asserted one by one', async () => {
    const python = requirePython();
    repo.write(
      'src/calc/summary.py',
      ['class Summary:', '    def __init__(self, total):', '        self.total = total', '        self.lock = object()', '', '', 'def summarize(values):', '    return Summary(sum(values))', ''].join('\n'),
    );
    repo.write('tests/test_summary.py', 'from calc.summary import summarize\n\n\ndef test_sums():\n    assert summarize([1, 2]).total == 3\n    assert summarize([5, 6, 7]).total == 18\n');
    repo.git('add', '-A');
    const text = await generatedText(repo, python, await sourceOf(repo, 'src/calc/summary.py', ['summarize']), 'tests/test_calc_summary.py');
    // Both calls run the same lines; each result says something the other does not.
    expect(text).toContain('assert result.total == 3');
    expect(text).toContain('assert result.total == 18');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_summary.py'], repo.root)).toMatch(/^\d+ passed/m);
  });

  it('without contexts, the entry calls whose strings hold the words the function compares with come first, those near the lines to reach counting twice', async () => {
    const splitter = [
      'class Splitter:',
      '    def __init__(self):',
      '        self.depth = 0',
      '',
      '    def _level(self, word):',
      '        """Compare SELECT and FROM: the docstring does not count."""',
      '        unified = word.upper()',
      '        if unified == "BEGIN":',
      '            self.depth += 1',
      '        elif unified == "END":',
      '            self.depth -= 1',
      '        self.seen = unified',
      '        self.count = len(unified)',
      '        self.last = word',
      '        if unified == "COMMIT":',
      '            return -1',
      '        return self.depth',
      '',
      '    def run(self, text):',
      '        return [self._level(w) for w in text.split()]',
      '',
    ].join('\n');
    repo.write('src/calc/splitter.py', splitter);
    repo.write('src/calc/api.py', 'from calc.splitter import Splitter\n\n\ndef split(text):\n    return Splitter().run(text)\n');
    repo.write('tests/test_api.py', ['from calc import api', '', '', 'def test_plain():', '    assert api.split("select a from b")', '', '', 'def test_commit():', '    assert api.split("x commit")', '', '', 'def test_block():', '    assert api.split("begin select end")', ''].join('\n'));
    repo.git('add', '-A');
    const text = readFileSync(path.join(repo.root, 'src/calc/splitter.py'), 'utf8');
    const module = await parsePython(text);
    const fn = module.functions.find((f) => f.qualname === 'Splitter._level')!;
    const seeds = new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: null });
    const target = { fn, cls: module.classes[0]!, module: 'calc.splitter', file: 'src/calc/splitter.py', text, parsed: module };
    // The whole function's words: `begin` and `end` (two words) before `commit` (one); the
    // docstring's `select` does not count, so the plain query comes last.
    const plain = await seeds.seedsFor(target);
    expect(plain.entries.map((c) => c.expr)).toEqual(['calc.api.split("begin select end")', 'calc.api.split("x commit")', 'calc.api.split("select a from b")']);
    // The line to reach is the `return -1` under `COMMIT`, far from the other tests: its guard's
    // word counts twice, as much as `begin` and `end` together; on a tie, the tests' order.
    const aimed = await seeds.seedsFor({ ...target, targetLines: [16] });
    expect(aimed.entries.map((c) => c.expr)).toEqual(['calc.api.split("x commit")', 'calc.api.split("begin select end")', 'calc.api.split("select a from b")']);
    expect(literalWords({ ...target, targetLines: [16] })).toEqual(new Map([['BEGIN', 1], ['END', 1], ['COMMIT', 2]]));
  });
});
