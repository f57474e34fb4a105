/**
 * Assertions on state, end to end: a method call that changes its receiver asserts the
 * receiver's attributes after the call; an object returned with a repr that says nothing stable
 * asserts its attributes; attributes that are not plain literals, or differ between runs, are
 * not asserted whole: the ones the call changed that every run saw alike are asserted one by one.
 * Real Python, real pytest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { cleanEnv, makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

const COUNTER = `class Counter:
    def __init__(self, start=0):
        self.count = start
        self.history = []

    def add(self, n):
        self.count += n
        self.history.append(n)


class Holder:
    def __init__(self):
        self.inner = object()

    def touch(self):
        self.inner = object()
        return 1


class Ticket:
    def __init__(self):
        self.serial = 0

    def issue(self):
        self.serial = id(self)
        return 2
`;

const ALARM = `import datetime
import time


class Alarm:
    def __init__(self):
        self.at = None
        self.label = ''
        self.armed_at = None

    def set(self, hour: int):
        self.at = datetime.time(hour % 24, 0)
        self.label = 'alarm %d' % hour
        self.armed_at = time.time()
        self.handler = object()
        return self


class Snooze:
    def __init__(self, minutes: int):
        self.minutes = minutes
        self.until = datetime.time(0, minutes % 60)
        self._seen = 0

    def __repr__(self):
        return 'Snooze(%d)' % self.minutes


def make(hour: int):
    alarm = Alarm()
    alarm.at = datetime.time(hour % 24, 30)
    alarm.handler = object()
    return alarm
`;

const FILL = `def fill(dct, key='a'):
    dct.setdefault(key, 1)
    dct['n'] = len(dct)


def peek(items):
    return len(items)


class Rejected(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def check(code: int):
    if code > 3:
        raise Rejected('too high', code)
    return code
`;

const LINT = `class Message:
    pass


class Unused(Message):
    pass


class Redefined(Message):
    pass


class Linter:
    """
    >>> Linter(['a', 'a', '_b'])  # doctest: +ELLIPSIS
    <...>
    """

    def __init__(self, names):
        self.messages = []
        seen = set()
        for name in names:
            if name in seen:
                self.messages.append(Redefined())
            elif name.startswith('_'):
                self.messages.append(Unused())
            seen.add(name)
`;

describe('assertions on state', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  /** Writes `source` as src/<name>.py and runs `generate --all` on it: the Python used and the test file written. */
  function generated(name: string, source: string): { python: string; text: string } {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write(`src/${name}.py`, source);
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    const r = runCli(['generate', `src/${name}.py`, '--all'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    return { python, text: readFileSync(path.join(repo.root, `tests/test_${name}.py`), 'utf8') };
  }

  /** Each change of `source` (written to `file`) makes the generated tests in `testFile` fail. */
  function expectCaught(python: string, file: string, source: string, testFile: string, changes: ReadonlyArray<readonly [string, string]>): void {
    for (const [from, to] of changes) {
      repo.write(file, source.replace(from, to));
      const run = spawnSync(python, ['-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', testFile], { cwd: repo.root, env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1' }), encoding: 'utf8' });
      expect(run.status, `the change ${to} was not caught:\n${run.stdout}`).toBe(1);
    }
  }

  it('asserts what a method did to its receiver and what an object returned holds; catches a change in either', () => {
    const { python, text } = generated('counter', COUNTER);
    expect(text).toMatch(/obj = Counter\((\d*)\)\n {4}result = obj\.add\((-?\d+)\)\n {4}assert result is None\n {4}assert vars\(obj\) == \{'count': -?\d+, 'history': \[-?\d+\]\}/);
    expect(text).toMatch(/result = Counter\(\)\n {4}assert isinstance\(result, Counter\)\n {4}assert vars\(result\) == \{'count': 0, 'history': \[\]\}/);
    // Not plain literals (an object), or not the same in every run (an id): not asserted.
    const tests = text.split('# smart-test:');
    for (const t of tests.filter((b) => /obj\.(touch|issue)\(/.test(b))) expect(t).not.toContain('vars(obj)');
    expect(text).toContain('obj.touch()');
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_counter.py'], repo.root)).toMatch(/passed/);
    expectCaught(python, 'src/counter.py', COUNTER, 'tests/test_counter.py', [['self.count += n', 'self.count -= n'], ['self.history = []', 'self.history = [0]']]);
  });

  it('asserts one by one the attributes a call changed (or an object returned holds) when not all are plain literals; not those from the clock or with an address', () => {
    const { python, text } = generated('alarm', ALARM);
    expect(text).toMatch(/result = obj\.set\((\d+)\)\n {4}assert isinstance\(result, Alarm\)\n {4}assert repr\(obj\.at\) == 'datetime\.time\(\d+, 0\)'\n {4}assert obj\.label == 'alarm \1'\n/);
    expect(text).not.toMatch(/obj\.(armed_at|handler)/);
    expect(text).not.toContain('vars(obj)');
    // An object whose repr hides some of its public attributes: those too.
    expect(text).toMatch(/result = Snooze\((\d+)\)\n {4}assert isinstance\(result, Snooze\)\n {4}assert repr\(result\) == 'Snooze\(\1\)'\n {4}assert repr\(result\.until\) == 'datetime\.time\(0, \d+\)'\n\n/);
    // An object returned whose repr has an address: its attributes every run saw alike.
    expect(text).toMatch(/result = make\(\d+\)\n {4}assert isinstance\(result, Alarm\)\n {4}assert result\.armed_at is None\n {4}assert repr\(result\.at\) == 'datetime\.time\(\d+, 30\)'\n {4}assert result\.label == ''\n/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_alarm.py'], repo.root)).toMatch(/passed/);
    expectCaught(python, 'src/alarm.py', ALARM, 'tests/test_alarm.py', [['datetime.time(hour % 24, 0)', 'datetime.time(hour % 24, 1)'], ["'alarm %d' % hour", "'alarm %d' % (hour + 1)"], ['datetime.time(hour % 24, 30)', 'datetime.time(hour % 24, 31)'], ['datetime.time(0, minutes % 60)', 'datetime.time(1, minutes % 60)']]);
  });

  it('asserts a list of objects whose reprs show nothing stable by their types, and catches a change of one', () => {
    const { python, text } = generated('lint', LINT);
    expect(text).toMatch(/result = Linter\(\['a', 'a', '_b'\]\)[^\n]*\n {4}assert isinstance\(result, Linter\)\n {4}assert \[type\(item\)\.__name__ for item in result\.messages\] == \['Redefined', 'Unused'\]\n/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_lint.py'], repo.root)).toMatch(/passed/);
    expectCaught(python, 'src/lint.py', LINT, 'tests/test_lint.py', [['self.messages.append(Redefined())', 'self.messages.append(Unused())'], ["name.startswith('_')", "name.startswith('-')"]]);
  });

  it('asserts what a call did to a list or dict it was passed, bound to a name, not one it left alone; and the data an exception carries', () => {
    const { python, text } = generated('fill', FILL);
    expect(text).toMatch(/dct = (\{[^\n]*\})\n {4}result = fill\(dct[^\n]*\)\n {4}assert result is None\n {4}assert dct == \{[^\n]*'n': \d+\}/);
    // An exception's data beyond its message.
    expect(text).toMatch(/with pytest\.raises\(Rejected, match='\^too high\$'\) as excinfo:\n {8}check\((\d+)\)\n {4}assert excinfo\.value\.code == \1\n/);
    // A list the call only reads stays inline.
    expect(text).toMatch(/result = peek\(\[/);
    expect(text).not.toMatch(/assert items ==/);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_fill.py'], repo.root)).toMatch(/passed/);
    expectCaught(python, 'src/fill.py', FILL, 'tests/test_fill.py', [['dct.setdefault(key, 1)', 'dct.setdefault(key, 2)'], ["dct['n'] = len(dct)", "dct['n'] = len(dct) + 1"], ["Rejected('too high', code)", "Rejected('too high', code + 1)"]]);
  });
});
