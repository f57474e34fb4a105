import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTestCalls, type TestCall } from '../../../src/generate/infer/test-calls.js';
import { renderSnippet, oneLineString, type Snippet } from '../../../src/generate/infer/snippet.js';
import { TestSeeds } from '../../../src/generate/infer/seeds.js';
import { withPythonTree } from '../../../src/python/parser.js';
import { parsePython } from '../../../src/python/structure.js';
import { makeRepo, cleanEnv, type TempRepo } from '../../helpers/repo.js';

async function calls(file: string, text: string, fixtures: Array<Map<string, Snippet>> = []): Promise<TestCall[]> {
  return withPythonTree(text, (tree) => readTestCalls(file, text, tree.rootNode, ['src', '.'], fixtures).calls);
}

const render = (s: Snippet | null, module = 'pkg.stats', defined: string[] = ['Stats', 'mean', 'make']) => {
  const imports = new Set<string>();
  const src = s ? renderSnippet(s, module, new Set(defined), imports) : null;
  return src === null ? null : [...[...imports].sort(), src].join('; ');
};

describe('test-calls: calls the tests make, with readable arguments', () => {
  it('resolves callees through `import x as y`, `from m import C`, `from m import C as D`, `from pkg import mod`, `import pkg.mod`', async () => {
    const text = [
      'import pkg.stats',
      'import pkg.stats as st',
      'from pkg.stats import Stats, mean as average',
      'from pkg import stats',
      'import datetime',
      'from decimal import Decimal',
      '',
      'def test_a():',
      '    assert st.mean([1, 2]) == 1.5',
      '    assert average((1, 2.5), key=None) == 1.75',
      '    assert stats.mean([4]) == 4',
      '    assert pkg.stats.mean([-1, +2]) == 0.5',
      '    Stats(datetime.date(2020, 1, 2), Decimal("1.5"))',
    ].join('\n');
    const found = await calls('tests/test_stats.py', text);
    const mine = found.filter((c) => c.callee && render([c.callee]) !== null && !render([c.callee])!.startsWith('import'));
    expect(mine.map((c) => render([c.callee!, '(', ...c.args!, ')']))).toEqual([
      'mean([1, 2])',
      'mean((1, 2.5), key=None)',
      'mean([4])',
      'mean([-1, +2])',
      'import datetime; import decimal; Stats(datetime.date(2020, 1, 2), decimal.Decimal("1.5"))',
    ]);
    expect(mine.every((c) => c.test === 'test_a')).toBe(true);
  });

  it('skips calls whose arguments are not readable: mocks, fixtures with logic, locals assigned again under a condition, unknown names', async () => {
    const text = [
      'from unittest import mock',
      'import pytest',
      'from pkg.stats import mean',
      '',
      '@pytest.fixture',
      'def numbers(tmp_path):',
      '    return [1, 2]',
      '',
      'def test_b(numbers):',
      '    x = [1]',
      '    if numbers:',
      '        x = [2]',
      '    mean(mock.Mock())',
      '    mean(numbers)',
      '    mean(x)',
      '    mean(unknown)',
      '    mean([i for i in range(3)])',
      '    mean(f"{x}")',
    ].join('\n');
    const found = await calls('tests/test_stats.py', text);
    // The mock is read as a name of unittest, which no seed may use.
    expect(found.filter((c) => c.callee?.path === 'mean').map((c) => render(c.args))).toEqual([null]);
  });

  it('reads locals assigned once, parametrize rows, literal fixtures of conftest files, and steps on a built instance', async () => {
    const text = [
      'import pytest',
      'from pkg.stats import Stats, mean',
      '',
      'DATA = [3, 4]',
      '',
      '@pytest.fixture',
      'def small():',
      '    """A small list."""',
      '    return [1]',
      '',
      '@pytest.mark.parametrize("xs, want", [([1, 2], 1.5), pytest.param([2], 2, id="one")])',
      'def test_p(xs, want, small, big):',
      '    assert mean(xs) == want',
      '    mean(small)',
      '    mean(big)',
      '    mean(DATA)',
      '',
      'class TestStats:',
      '    def test_m(self):',
      '        s = Stats([1, 2, 3])',
      '        s.add(4)',
      '        s.scale = 2',
      '        assert s.mean() == 2.5',
      '        assert s.total == 10',
    ].join('\n');
    const conftest = new Map<string, Snippet>([['big', ['[10, 20]']]]);
    const found = await calls('tests/test_stats.py', text, [conftest]);
    const means = found.filter((c) => c.callee?.path === 'mean').map((c) => render(c.args));
    expect(means).toEqual(['[1, 2]', '[1]', '[10, 20]', '[3, 4]', '[2]', '[1]', '[10, 20]', '[3, 4]']);
    const method = found.find((c) => c.member === 'mean')!;
    expect(method.test).toBe('TestStats.test_m');
    expect(render(method.receiver!.build)).toBe('Stats([1, 2, 3])');
    expect(method.receiver!.steps.map((s) => render(s))).toEqual(['.add(4)', '.scale = 2']);
    const prop = found.find((c) => c.member === 'total')!;
    expect(prop.args).toBeNull();
  });

  it('reads the instance a unittest class\'s setUp stores on self', async () => {
    const text = [
      'import unittest',
      'from pkg import stats',
      '',
      'class TestStats(unittest.TestCase):',
      '    def setUp(self):',
      '        data = [1, 2]',
      '        self.s = stats.Stats(data)',
      '        self.other = object()',
      '',
      '    def test_mean(self):',
      '        self.assertEqual(self.s.mean(3), 1.5)',
      '        self.assertEqual(self.s.total, 3)',
      '        self.other.mean(4)',
      '        assert list(self.s.pairs(2)) == [(1, 2)]',
    ].join('\n');
    const found = await calls('tests/test_stats.py', text);
    const mean = found.filter((c) => c.member === 'mean');
    expect(mean.map((c) => [render(c.receiver!.build), render(c.args)])).toEqual([['Stats([1, 2])', '3']]);
    expect(found.filter((c) => c.member === 'total').map((c) => c.args)).toEqual([null]);
    // The builtin that consumes the result is kept: a generator's body runs only when iterated.
    expect(found.filter((c) => c.member === 'pairs').map((c) => c.consumer)).toEqual(['list']);
  });

  it('reads the calls a test makes through a helper, its parameters bound to the test\'s arguments', async () => {
    const text = [
      'import ast',
      'import textwrap',
      'import unittest',
      'from pkg import stats',
      '',
      'def check(source, *expected, scale=2, **options):',
      '    tree = ast.parse(textwrap.dedent(source))',
      '    if options.get("segment"):',
      '        tree = tree.body[0]',
      '    result = stats.Checker(tree, scale=scale, **options)',
      '    assert [type(m) for m in result.messages] == list(expected)',
      '',
      'def test_plain():',
      '    check("x = 1", stats.Unused)',
      '    check("y = 2", strict=True)',
      '    with pytest.raises(ValueError):',
      '        check(source="(")',
      '',
      'def again(values, depth=0):',
      '    if depth < 3:',
      '        again(values, depth + 1)',
      '    return stats.mean(values)',
      '',
      'def test_recursive():',
      '    again([5])',
      '',
      'class TestMore(unittest.TestCase):',
      '    scale = 10',
      '',
      '    def flakes(self, source, **kw):',
      '        return stats.Checker(ast.parse(source), scale=self.scale, **kw)',
      '',
      '    def test_method(self):',
      '        self.flakes("import os")',
      '        data = [1]',
      '        data = [2]',
      '        self.flakes(data)',
      '        check(*data)',
    ].join('\n');
    const found = await calls('tests/test_stats.py', text);
    // A helper that calls itself is read once: its own call reads as making no call.
    expect(found.filter((c) => c.callee?.path.endsWith('mean')).map((c) => [c.test, render(c.args)])).toEqual([['test_recursive', '[5]']]);
    const built = found.filter((c) => c.callee?.path.endsWith('Checker'));
    expect(built.map((c) => [c.test, render(c.args, 'pkg.stats', ['Checker']), c.line, !!c.expectsRaise])).toEqual([
      // The local assigned again only under an `if` reads as its first value; `**options` as the extra keywords.
      ['test_plain', 'import ast; import textwrap; ast.parse(textwrap.dedent("x = 1")), scale=2', 14, false],
      ['test_plain', "import ast; import textwrap; ast.parse(textwrap.dedent(\"y = 2\")), scale=2, **{'strict': True}", 15, false],
      ['test_plain', 'import ast; import textwrap; ast.parse(textwrap.dedent("(")), scale=2', 17, true],
      // A method of the test class, with its class attribute read through self.
      ['TestMore.test_method', 'import ast; ast.parse("import os"), scale=10', 34, false],
      // A local assigned again by the test's own statements reads as its last value before the call.
      ['TestMore.test_method', 'import ast; ast.parse([2]), scale=10', 37, false],
    ]);
  });

  it('reads a local assigned in turn by the test\'s statements as its value at each use, and a lambda bound to a local as a helper', async () => {
    const text = [
      'import pytest',
      'from pkg import stats',
      '',
      'def test_in_turn():',
      '    f = lambda values, scale=2: stats.mean(values, scale=scale)',
      '    s = [1, 2]',
      '    assert f(s) == 1.5',
      '    assert stats.mean(s) == 1.5',
      '    s = [3]',
      '    with pytest.raises(ValueError):',
      '        f(s, scale=0)',
      '    assert stats.mean(s) == 3',
      '',
      'def test_not_in_turn(flag):',
      '    t = [1]',
      '    if flag:',
      '        t = [2]',
      '    stats.mean(t)',
      '    for u in range(3):',
      '        v = [u]',
      '    v = [9]',
      '    stats.mean(v)',
      '    g = lambda x: stats.mean(x)',
      '    g = None',
      '    g([7])',
    ].join('\n');
    const found = await calls('tests/test_stats.py', text);
    const means = found.filter((c) => c.callee?.path.endsWith('mean'));
    expect(means.map((c) => [c.test, render(c.args), c.line, !!c.expectsRaise])).toEqual([
      // Through the lambda: its parameters bound, its default kept; the call's place stands for it.
      ['test_in_turn', '[1, 2], scale=2', 7, false],
      ['test_in_turn', '[1, 2]', 8, false],
      ['test_in_turn', '[3], scale=0', 11, true],
      ['test_in_turn', '[3]', 12, false],
    ]);
  });

  it('follows attribute and method chains back to the call that builds the instance', async () => {
    const text = 'from pkg.stats import every\n\ndef test_chain(mocker):\n    every(10).minutes.at(":30").do(mocker.stub())\n';
    const found = await calls('tests/test_stats.py', text);
    const at = found.find((c) => c.member === 'at')!;
    expect([render(at.receiver!.build, 'pkg.stats', ['every']), render(at.args)]).toEqual(['every(10).minutes', '":30"']);
    // `mocker` is a fixture not readable here: the call that passes it is not a seed, its instance still a receiver.
    const call = found.find((c) => c.member === 'do')!;
    expect([call.args, call.receiverOnly, render(call.receiver!.build, 'pkg.stats', ['every'])]).toEqual([null, true, 'every(10).minutes.at(":30")']);
  });

  it('reads `isinstance(x, C)` and `assertIsInstance` as an instance of C built as the test builds x, through locals and subscripts', async () => {
    const text = [
      'import pkg.stats as st',
      'import unittest',
      '',
      'def test_typed():',
      "    p = st.make('a b')[0]",
      '    assert isinstance(p.items[1], st.Stats)',
      '    assert isinstance(p, int)',
      '',
      'class T(unittest.TestCase):',
      '    def test_case(self):',
      "        self.assertIsInstance(st.make('c')[2], st.Stats)",
      '',
    ].join('\n');
    const found = (await calls('tests/test_stats.py', text)).filter((c) => c.member === null && c.receiver);
    // The builtin `int` names no class of the module: no receiver.
    expect(found.map((c) => [c.test, c.receiver!.ctor, render(c.receiver!.build)])).toEqual([
      ['test_typed', { module: 'pkg.stats', path: 'Stats' }, "make('a b')[0].items[1]"],
      ['T.test_case', { module: 'pkg.stats', path: 'Stats' }, "make('c')[2]"],
    ]);
  });

  it('reads the lambdas and small functions a test writes for the code to call, when they stand alone; `repr(x)` as a call of `x.__repr__`', async () => {
    const text = [
      'from pkg.stats import every, apply',
      '',
      'class TestJobs:',
      '    def test_repr(self):',
      '        def job_fun(arg, *rest, scale=2):',
      '            total = arg * scale',
      '            return [total for _ in rest]',
      '',
      '        s = repr(every().minute.do(job_fun, "foo", bar=23))',
      '        apply(lambda x: x + 1, [1])',
      '',
      '    def test_not_standalone(self):',
      '        offset = 3',
      '        def shifted(x):',
      '            return x + offset',
      '        apply(shifted, [1])',
      '        apply(lambda x: x + offset, [1])',
      '        def printed(x):',
      '            import os',
      '            return os.getcwd()',
      '        apply(printed, [1])',
      '        def twice(x):',
      '            return x',
      '        twice = 4',
      '        apply(twice, [1])',
    ].join('\n');
    const found = await calls('tests/test_stats.py', text);
    const repr = found.find((c) => c.member === '__repr__')!;
    const imports = new Set<string>();
    expect([renderSnippet(repr.receiver!.build, 'pkg.stats', new Set(['every']), imports), render(repr.args)]).toEqual(['every().minute.do(job_fun, "foo", bar=23)', '']);
    // The definition goes into the setup, dedented to the test's own level.
    expect([...imports]).toEqual(['def job_fun(arg, *rest, scale=2):\n    total = arg * scale\n    return [total for _ in rest]']);
    const applied = found.filter((c) => c.callee?.path === 'apply');
    expect(applied.map((c) => [c.test, render(c.args)])).toEqual([['TestJobs.test_repr', 'lambda x: x + 1, [1]']]);
    // A name of the module under test is never shadowed by a definition copied from a test.
    expect(renderSnippet(repr.receiver!.build, 'pkg.stats', new Set(['every', 'job_fun']), new Set())).toBeNull();
  });

  it('writes multi-line strings on one line, and leaves tests in smart-test\'s managed blocks out', async () => {
    expect(oneLineString('"""a\nb\'c"""')).toBe("'a\\nb\\'c'");
    expect(oneLineString("r'''x\\d\n'''")).toBe("'x\\\\d\\n'");
    expect(oneLineString('f"{x}"')).toBeNull();
    const text = [
      'from pkg.stats import mean',
      '',
      '# smart-test: target=mean code=0123456789ab test=0123456789ab',
      'def test_mean():',
      '    assert mean([9]) == 9',
      '',
      'def test_mine():',
      '    assert mean([8]) == 8',
    ].join('\n');
    expect((await calls('tests/test_stats.py', text)).map((c) => render(c.args))).toEqual(['[8]']);
  });
});

describe('seeds: what the tests offer one target', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  const MODULE = [
    'class Temp:',
    '    def __init__(self, degrees, scale):',
    '        self.degrees = degrees',
    '',
    '    @classmethod',
    '    def parse(cls, text):',
    '        return cls(float(text[:-1]), text[-1])',
    '',
    '    def kelvin(self):',
    '        return self.degrees + 273.15',
    '',
    'def warmest(temps):',
    '    return max(t.degrees for t in temps)',
    '',
    'def boiling():',
    '    return Temp(100.0, "C")',
  ].join('\n');

  async function seedsOf(qualname: string) {
    const parsed = await parsePython(MODULE);
    const fn = parsed.functions.find((f) => f.qualname === qualname)!;
    const cls = fn.className ? parsed.classes.find((c) => c.qualname === fn.className)! : null;
    const seeds = new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: null });
    return seeds.seedsFor({ fn, cls, module: 'weather.temp', file: 'src/weather/temp.py', text: MODULE, parsed });
  }

  it('finds calls of the function, the class\'s factory and a module factory, in git\'s test files only', async () => {
    repo.write('src/weather/temp.py', MODULE);
    repo.write('tests/test_weather.py', [
      'import weather.temp as wt',
      'from weather.temp import Temp as T, boiling',
      '',
      'def test_warmest():',
      '    assert wt.warmest([T(1.0, "C"), T.parse("3C")]) == 3.0',
      '',
      'def test_kelvin():',
      '    assert boiling().kelvin() == 373.15',
      '    t = T.parse("10C")',
      '    assert t.kelvin() == 283.15',
    ].join('\n'));
    repo.write('tests/helpers.py', 'from weather.temp import warmest\n\ndef test_not_a_test_file():\n    warmest([9])\n');
    repo.write('other/test_ignored.py', 'from weather.temp import warmest\n\ndef test_x():\n    warmest([7])\n');
    repo.write('.gitignore', 'other/\n');
    repo.git('add', '-A');
    const fn = await seedsOf('warmest');
    // tests/helpers.py is under testsDir; other/ is ignored by git. In file path order.
    expect(fn.direct.map((c) => c.expr)).toEqual(['warmest([9])', 'warmest([Temp(1.0, "C"), Temp.parse("3C")])']);
    const method = await seedsOf('Temp.kelvin');
    expect(method.direct.map((c) => [...c.setup, c.expr])).toEqual([['obj = boiling()', 'obj.kelvin()'], ['obj = Temp.parse("10C")', 'obj.kelvin()']]);
    // Instances for every method of the class: the constructor, the classmethod factory, the module factory.
    expect(method.receivers).toEqual([['obj = Temp(1.0, "C")'], ['obj = Temp.parse("3C")'], ['obj = boiling()'], ['obj = Temp.parse("10C")']]);
    const init = await seedsOf('Temp.__init__');
    expect(init.direct.map((c) => c.expr)).toEqual(['Temp(1.0, "C")']);
  });
});


describe('seeds through a test base class of another module', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('reads the helper a test class inherits from the project\'s test harness', async () => {
    const MODULE = ['class Checker:', '    def __init__(self, tree, strict=False):', '        self.messages = []', '', '    def report(self, message):', '        self.messages.append(message)'].join('\n');
    repo.write('src/lint/checker.py', MODULE);
    repo.write('src/lint/test/harness.py', [
      'import ast',
      'import unittest',
      'from lint import checker',
      '',
      'class TestCase(unittest.TestCase):',
      '    strict = False',
      '',
      '    def flakes(self, source, *expected):',
      '        w = checker.Checker(ast.parse(source), strict=self.strict)',
      '        self.assertEqual(len(w.messages), len(expected))',
    ].join('\n'));
    repo.write('src/lint/test/test_other.py', ['from lint.test.harness import TestCase', '', 'class TestStrict(TestCase):', '    strict = True', '', '    def test_import(self):', '        self.flakes("import os", "unused")'].join('\n'));
    repo.git('add', '-A');
    const parsed = await parsePython(MODULE);
    const fn = parsed.functions.find((f) => f.qualname === 'Checker.report')!;
    const cls = parsed.classes.find((c) => c.qualname === 'Checker')!;
    const seeds = await new TestSeeds({ repoRoot: repo.root, testsDir: 'tests', sourceRoots: ['src'], env: cleanEnv(), coverageFile: null }).seedsFor({ fn, cls, module: 'lint.checker', file: 'src/lint/checker.py', text: MODULE, parsed });
    // The subclass's own class attribute wins over the base's.
    expect(seeds.receivers).toEqual([['import ast', 'obj = Checker(ast.parse("import os"), strict=True)']]);
    // Building the method's own class may run it: the construction is an entry point too.
    expect(seeds.entries.map((c) => [...c.setup, c.expr])).toEqual([['import ast', 'Checker(ast.parse("import os"), strict=True)']]);
  });
});

describe('coverage contexts', () => {
  it('names a test function in pytest-cov\'s and coverage.py\'s own forms', async () => {
    const { contextNames } = await import('../../../src/generate/infer/coverage-contexts.js');
    expect(contextNames('tests/test_lexer.py::TestLexer::test_number[1-2]|run', 'tests/test_lexer.py', 'TestLexer.test_number')).toBe(true);
    expect(contextNames('tests/test_lexer.py::test_number|setup', 'tests/test_lexer.py', 'test_number')).toBe(true);
    expect(contextNames('tests/test_lexer.py::test_number|run', 'tests/test_other.py', 'test_number')).toBe(false);
    expect(contextNames('test_lexer.TestLexer.test_number', 'tests/test_lexer.py', 'TestLexer.test_number')).toBe(true);
    expect(contextNames('tests.test_lexer.test_number', 'tests/test_lexer.py', 'test_number')).toBe(true);
    expect(contextNames('test_lexer.test_numbers', 'tests/test_lexer.py', 'test_number')).toBe(false);
  });

  it('names the test file of a label, whatever test of it the label names', async () => {
    const { contextFile } = await import('../../../src/generate/infer/coverage-contexts.js');
    expect(contextFile('tests/test_lexer.py::TestLexer::test_number[1-2]|run', 'tests/test_lexer.py')).toBe(true);
    expect(contextFile('test_lexer.py::test_number', 'tests/test_lexer.py')).toBe(true);
    expect(contextFile('tests/test_lexer.py::test_number|run', 'tests/test_other.py')).toBe(false);
    expect(contextFile('test_lexer.TestLexer.test_number', 'tests/test_lexer.py')).toBe(true);
    expect(contextFile('tests.test_lexer.test_number|run', 'tests/test_lexer.py')).toBe(true);
    expect(contextFile('test_lexer_more.test_number', 'tests/test_lexer.py')).toBe(false);
  });
});
