import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

/** Functions that take callables, decorators, closures, generators, iterators and formatted strings. */
const MODULE = `"""Higher-order helpers."""
import functools
import re

VERSION_RE = re.compile(r"^(?P<major>\\d+)\\.(?P<minor>\\d+)(?:\\.(?P<patch>\\d+))?$")


def apply_twice(fn, value):
    return fn(fn(value))


def retry(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValueError:
            return "recovered"
    return wrapper


def repeat(times):
    def outer(func):
        def inner(*args, **kwargs):
            return [func(*args, **kwargs) for _ in range(times)]
        return inner
    return outer


def make_scaler(factor):
    def scale(x):
        if x < 0:
            return -x * factor
        return x * factor
    return scale


def countdown(n):
    while n > 0:
        yield n
        n -= 1
    yield "liftoff"


def evens(items):
    return filter(lambda x: x % 2 == 0, items)


def parse_version(text):
    m = VERSION_RE.match(text)
    if not m:
        raise ValueError("bad version")
    return int(m.group("major")), int(m.group("minor"))
`;

interface GenerateJson {
  written: string[];
  generated: Array<{ qualname: string; status: string; tests: number; detail: string }>;
}

/** Line numbers (1-based) of MODULE lines that contain `text`. */
function linesOf(text: string): number[] {
  return MODULE.split('\n').flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
}

function setUp(repo: TempRepo, python: string) {
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  repo.write('src/helpers.py', MODULE);
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n');
  repo.write('.smarttestrc.json', JSON.stringify({ python }));
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
}

/** Runs the test file under coverage.py and returns the executed lines of src/helpers.py. */
function executedLines(python: string, repo: TempRepo, testFile: string): number[] {
  runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', testFile], repo.root);
  runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
  const data = JSON.parse(readFileSync(path.join(repo.root, 'coverage.json'), 'utf8')) as { files: Record<string, { executed_lines: number[] }> };
  return data.files['src/helpers.py']?.executed_lines ?? [];
}

describe('generate: callables, decorators, nested functions, generators', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('writes passing tests that pass sample callables, apply decorators, call closures and consume generators, byte-identical on a rerun', () => {
    const python = requirePython();
    setUp(repo, python);
    const result = runCli(['generate', 'src/helpers.py', '--all', '--format', 'json'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as GenerateJson;
    expect(out.written).toEqual(['tests/test_helpers.py']);
    const file = path.join(repo.root, 'tests/test_helpers.py');
    const text = readFileSync(file, 'utf8');

    // A higher-order function gets a sample function of the arity the body calls it with.
    expect(text).toContain('def sample_one_arg(x):');
    expect(text).toMatch(/result = apply_twice\(sample_one_arg, /);
    // A decorator is applied to a sample function and the result is called; one that fails is recovered.
    expect(text).toMatch(/decorated = retry\(sample_two_args\)\n\s+result = decorated\(1, 2\)\n\s+assert result == \(1, 2\)/);
    expect(text).toMatch(/decorated = retry\(sample_failing\)\n\s+result = decorated\(1, 2\)\n\s+assert result == 'recovered'/);
    // A decorator factory gets its argument first.
    expect(text).toMatch(/decorated = repeat\(\d+\)\(sample_two_args\)/);
    // A closure factory's result is called, through both branches of the closure.
    expect(text).toMatch(/returned = make_scaler\(.+\)\n\s+result = returned\(-1\)/);
    // A generator is consumed and its items asserted; an iterator result (filter) too.
    expect(text).toMatch(/result = list\(itertools\.islice\(countdown\(\d+\), 200\)\)\n\s+assert result == \[.*'liftoff'\]/);
    expect(text).toMatch(/result = list\(itertools\.islice\(evens\(.*\), 200\)\)\n\s+assert result == \[/);
    expect(text).not.toMatch(/__qualname__ == '(generator|filter)'/);
    // The pattern the parameter is matched against gives a matching string and a failing one.
    expect(text).toMatch(/result = parse_version\('\d+\.\d+(\.\d+)?'\)\n\s+assert result == \(\d+, \d+\)/);
    expect(text).toMatch(/with pytest\.raises\(ValueError, match='\^bad version\$'\)/);
    // Nested functions are tested through the function that defines them.
    const nested = out.generated.find((g) => g.qualname === 'retry.wrapper')!;
    expect(nested.detail).toMatch(/tests of retry, which defines it, reach its lines/);

    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_helpers.py'], repo.root)).toMatch(/\d+ passed/);
    // The lines reached: the wrapper's body, both of the closure's branches, the generator's body.
    const executed = executedLines(python, repo, 'tests/test_helpers.py');
    for (const line of [...linesOf('return func(*args, **kwargs)'), ...linesOf('return "recovered"'), ...linesOf('return [func(*args'), ...linesOf('return -x * factor'), ...linesOf('yield n'), ...linesOf('yield "liftoff"')]) {
      expect(executed).toContain(line);
    }

    // The same repository state gives the same file.
    rmSync(file);
    expect(runCli(['generate', 'src/helpers.py', '--all'], repo.root).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a nested function selected on its own is tested through its outer function, and its lines are reached', () => {
    const python = requirePython();
    setUp(repo, python);
    for (const target of ['retry.wrapper', 'repeat.outer.inner', 'make_scaler.scale']) {
      const result = runCli(['generate', 'src/helpers.py', '--all', '--function', target, '--format', 'json'], repo.root);
      expect(result.code, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout) as GenerateJson;
      expect(out.generated).toEqual([expect.objectContaining({ qualname: target, status: 'written' })]);
    }
    const text = readFileSync(path.join(repo.root, 'tests/test_helpers.py'), 'utf8');
    expect(text).toContain('# smart-test: target=retry.wrapper ');
    expect(text).toMatch(/def test_retry_wrapper\(\):\n\s+from helpers import retry\n/);
    expect(text).toContain('# smart-test: target=make_scaler.scale ');
    const executed = executedLines(python, repo, 'tests/test_helpers.py');
    for (const line of [...linesOf('return "recovered"'), ...linesOf('return [func(*args'), ...linesOf('return -x * factor'), ...linesOf('return x * factor')]) {
      expect(executed).toContain(line);
    }
  });
});

describe('generate: doctest examples that print', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('asserts the value the example prints, not the None print returns', () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    repo.write('src/greet.py', 'import datetime\n\n\ndef greet(name, day):\n    """Greets.\n\n    >>> print(greet("bo", datetime.date(2024, 1, 31)))\n    Hello, bo (2024-01-31)\n    >>> print(greet("al", datetime.date(2024, 2, 1)), end="")\n    Hello, al (2024-02-01)\n    """\n    return "Hello, %s (%s)" % (name, day.isoformat())\n');
    const r = runCli(['generate', 'src/greet.py', '--all'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(path.join(repo.root, 'tests/test_greet.py'), 'utf8');
    expect(text).toMatch(/result = greet\("bo", datetime\.date\(2024, 1, 31\)\)\n\s+assert result == 'Hello, bo \(2024-01-31\)'/);
    // With another argument than the value, print stays.
    expect(text).toContain('print(greet("al", datetime.date(2024, 2, 1)), end="")');
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_greet.py'], repo.root)).toMatch(/2 passed/);
  });
});

describe('generate: values that look different under pytest', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  /** `generate --all` on src/NAME.py holding `lines` (src on pytest's path): the project's Python and the test file written. */
  function generateAll(name: string, lines: string[]): { python: string; text: string } {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    repo.write(`src/${name}.py`, lines.join('\n'));
    const r = runCli(['generate', `src/${name}.py`, '--all'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    return { python, text: readFileSync(path.join(repo.root, `tests/test_${name}.py`), 'utf8') };
  }

  it('does not assert text holding an address or a name the test defines, and runs a coroutine a property gives', () => {
    const { python, text } = generateAll('shows', [
      'def shown(func):',
      '    """Text naming a callable."""',
      '    func(1)',
      '    return "calling %s" % (func,)',
      '',
      '',
      'def qualified(callback):',
      '    callback(1)',
      '    return callback.__qualname__',
      '',
      '',
      'def depth(n: int):',
      '    import inspect',
      '    return len(inspect.stack(0)) + n',
      '',
      '',
      'def module_of(kind):',
      '    kind()',
      '    return kind.__module__',
      '',
      '',
      'def caller(n: int):',
      '    import sys',
      '    return sys._getframe(1).f_code.co_filename + str(n)',
      '',
      '',
      'class Loop:',
      '    def __init__(self, items: list):',
      '        self.items = items',
      '',
      '    @property',
      '    async def length(self):',
      '        return len(self.items)',
      '',
    ]);
    expect(text).toMatch(/result = shown\(\w+\)\n\s+assert isinstance\(result, str\)/);
    expect(text).not.toMatch(/ at 0x/);
    expect(text).not.toContain('<locals>');
    expect(text).toMatch(/result = asyncio\.run\(obj\.length\)\n\s+assert result == \d+/);
    // The call stack's length, a module the test defines, the probe's own file name: type only.
    for (const fn of ['depth', 'module_of', 'caller']) {
      expect(text).toMatch(new RegExp(`result = ${fn}\\(`));
      expect(text).not.toMatch(new RegExp(`result = ${fn}\\([^\\n]*\\)\\n\\s+assert result ==`));
    }
    // runPython throws when a test fails.
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_shows.py'], repo.root)).toMatch(/passed/);
  });

  it("does not assert a value that shows the repository's own path, and declares global what a doctest's function makes global", () => {
    const { python, text } = generateAll('places', [
      'import os',
      '',
      '',
      'def here(name: str):',
      '    return os.path.join(os.path.dirname(os.path.abspath(__file__)), name)',
      '',
      '',
      'def once(func):',
      '    """Calls func the first time only.',
      '',
      '    >>> count = 0',
      '    >>> @once',
      '    ... def setup():',
      '    ...     global count',
      '    ...     count += 1',
      '    ...     return count',
      '    >>> setup()',
      '    1',
      '    """',
      '    done = []',
      '',
      '    def wrapper():',
      '        if not done:',
      '            done.append(func())',
      '        return done[0]',
      '    return wrapper',
      '',
    ]);
    // The repository's location differs in another clone: the type only.
    expect(text).toMatch(/result = here\([^\n]*\)\n\s+assert isinstance\(result, str\)/);
    expect(text).not.toContain(repo.root);
    expect(text).toMatch(/global count\n\s+count = 0\n/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_places.py'], repo.root)).toMatch(/passed/);
  });

  it('passes the keywords a function reads from its **kwargs, with the values its body compares them with', () => {
    const { python, text } = generateAll('walker', [
      'def walk(items, **kwargs):',
      "    trace = kwargs.pop('trace', ())",
      '    if trace is True:',
      "        trace = ('enter', 'exit')",
      '    elif isinstance(trace, str):',
      '        trace = (trace,)',
      '    if kwargs:',
      "        raise TypeError('unexpected keyword arguments: %r' % sorted(kwargs))",
      '    out = []',
      '    for item in items:',
      "        if 'enter' in trace:",
      "            out.append(('enter', item))",
      '        out.append(item)',
      '    return out',
      '',
    ]);
    // `trace=True` takes the first branch and then enters every item.
    expect(text).toMatch(/result = walk\(\[[^\n]*\], trace=True\)\n\s+assert result == \[\('enter', /);
    expect(text).toMatch(/walk\([^\n]*trace='[^']*'/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_walker.py'], repo.root)).toMatch(/passed/);
  });
});
