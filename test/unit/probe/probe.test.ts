import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../helpers/repo.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeError, probeScriptPath, runProbe } from '../../../src/generate/probe.js';
import type {
  ProbeCandidate,
  ProbeCandidateResult,
  ProbeRequest,
  ProbeResponse,
  ProbeTarget,
} from '../../../src/generate/probe-model.js';
import { requirePython } from '../../helpers/python.js';

const FIXTURE_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/probe/src');
const SAMPLE = path.join(FIXTURE_SRC, 'probepkg', 'sample.py');
const SAMPLE_LINES = readFileSync(SAMPLE, 'utf8').split('\n');

/** 1-based line of the first line of sample.py containing `text` (after `after`, when given). */
function lineOf(text: string, after = 0): number {
  const index = SAMPLE_LINES.findIndex((line, i) => i >= after && line.includes(text));
  if (index < 0) throw new Error(`no line with ${JSON.stringify(text)} in sample.py`);
  return index + 1;
}

/** [first, last] lines of a function or method of sample.py ("f", "Class.method"), decorators included. */
function rangeOf(qualname: string): [number, number] {
  let from = 0;
  let def = -1;
  for (const part of qualname.split('.')) {
    def = SAMPLE_LINES.findIndex((line, i) => i >= from && new RegExp(`^\\s*(async def|def|class) ${part}\\b`).test(line));
    if (def < 0) throw new Error(`no ${qualname} in sample.py`);
    from = def + 1;
  }
  const indent = (SAMPLE_LINES[def] ?? '').search(/\S/);
  let first = def;
  while (first > 0 && /^\s*@/.test(SAMPLE_LINES[first - 1] ?? '')) first--;
  let last = def;
  for (let i = def + 1; i < SAMPLE_LINES.length; i++) {
    const line = SAMPLE_LINES[i] ?? '';
    if (line.trim() === '') continue;
    if (line.search(/\S/) <= indent) break;
    last = i;
  }
  return [first + 1, last + 1];
}

let candidateCounter = 0;
function target(qualname: string, calls: Array<string | Omit<ProbeCandidate, 'id'>>, module = 'probepkg.sample'): ProbeTarget {
  const [firstLine, lastLine] = rangeOf(qualname);
  const candidates: ProbeCandidate[] = calls.map((call) => ({
    id: `c${++candidateCounter}`,
    ...(typeof call === 'string' ? { setup: [], expr: call } : call),
  }));
  return { id: `${qualname}#${candidateCounter}`, module, file: SAMPLE, qualname, firstLine, lastLine, candidates };
}

let python: string;
let work: string;
const outsideFile = path.join(tmpdir(), `smart-test-probe-outside-${process.pid}.txt`);

function request(targets: ProbeTarget[], overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return {
    sysPath: [FIXTURE_SRC],
    cwd: work,
    timeoutSeconds: 1,
    allowSideEffects: false,
    tmpPath: path.join(work, 'tmp_path'),
    targets,
    ...overrides,
  };
}

// One probe process runs most candidates; the tests below look their results up by expression.
const TARGETS = (): ProbeTarget[] => [
  target('add', ['add(1, 2)', 'add(0.1, 0.2)', 'isinstance(add(1, 2), int)', 'y = add(1, 2)', 'print("hi") or add(2, 2)']),
  target('scale', ['scale([1, 2])']),
  target('greet', ["greet('')", "greet('bo')"]),
  target('pairs', ['pairs(3)']),
  target('parse_positive', [
    "parse_positive('-3')",
    "parse_positive('abc')",
    "parse_positive('1', 2)",
    'parse_positve("1")',
    { setup: ['x = 1 / 0'], expr: 'parse_positive(x)' },
    'parse_positive(',
    { setup: ['def noted(text):\n    try:\n        return parse_positive(text)\n    except ValueError as e:\n        e.add_note("while reading the input")\n        raise'], expr: "noted('-5')" },
  ]),
  target('lengths', ['lengths([1, 2])']),
  target('spin', ['spin()']),
  target('stubborn_spin', ['stubborn_spin()']),
  target('write_outside', [`write_outside(${JSON.stringify(outsideFile)})`]),
  target('write_in', ['write_in(tmp_path)', "tmp_path / 'a.txt'", "__import__('tempfile').mkstemp()[1]"]),
  target('run_tool', ['run_tool()']),
  target('set_env', ["set_env('x')", "os.environ.get('SMART_TEST_PROBE_FIXTURE')"]),
  target('swallow_env', [
    "swallow_env('x')",
    "os.environ._data[os.environ.encodekey('SMART_TEST_PROBE_RAW')] = os.environ.encodevalue('1')",
  ]),
  target('roll', ['roll()', "__import__('socket').getaddrinfo('example.com', 80)", "__import__('shutil').rmtree('/nonexistent-smart-test')"]),
  target('now', ['now()']),
  target('fetch', ['fetch(2)']),
  target('ordered', ['ordered()']),
  target('nan', ['nan()']),
  target('chatty', ['chatty(1000)']),
  target('leave', ['leave(3)', 'sys.exit(4)']),
  target('hijack_stdout', ['hijack_stdout()']),
  target('read_stdin', ['read_stdin()']),
  target('recurse', ['recurse(0)']),
  target('remember', ["remember('k')"]),
  target('Cart.add', [
    { setup: ['obj = Cart()'], expr: "obj.add('tea', 3.5, 2)" },
    { setup: ['obj = Cart()'], expr: "obj.add('tea', 3.5, 0)" },
  ]),
  target('Cart.total', [{ setup: ['obj = Cart()', "obj.add('a', 2.5, 2)"], expr: 'obj.total' }]),
  target('Cart.__init__', ['Cart()', 'RATE * 2']),
  target('make_hidden', ['make_hidden()', '_Hidden()']),
  target('add', ['add(1, 2)'], 'probepkg.broken'),
  target('add', ['add(1, 2)'], 'probepkg.missing'),
];

let sent: ProbeTarget[];
let response: ProbeResponse;
const byExpr = new Map<string, ProbeCandidateResult>();

function result(expr: string): ProbeCandidateResult {
  const found = byExpr.get(expr);
  if (!found) throw new Error(`no result for ${expr}`);
  return found;
}

function returned(expr: string) {
  const r = result(expr);
  if (r.outcome !== 'return') throw new Error(`${expr}: expected return, got ${JSON.stringify(r)}`);
  return r;
}

function raisedOrError(expr: string, outcome: 'raise' | 'error') {
  const r = result(expr);
  if (r.outcome !== outcome) throw new Error(`${expr}: expected ${outcome}, got ${JSON.stringify(r)}`);
  return r;
}

function blocked(expr: string) {
  const r = result(expr);
  if (r.outcome !== 'blocked') throw new Error(`${expr}: expected blocked, got ${JSON.stringify(r)}`);
  return r;
}

beforeAll(async () => {
  // SMART_TEST_PROBE_PYTHON runs these tests with another interpreter (the probe needs no pytest).
  python = process.env.SMART_TEST_PROBE_PYTHON || requirePython();
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-probe-')));
  rmSync(outsideFile, { force: true });
  const targets = (sent = TARGETS());
  response = await runProbe(python, request(targets), { timeoutMs: 30_000 });
  const exprs = new Map(targets.flatMap((t) => t.candidates.map((c) => [c.id, c.expr] as const)));
  for (const t of response.targets) {
    for (const c of t.candidates) byExpr.set(exprs.get(c.id) ?? '?', c);
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  rmSync(outsideFile, { force: true });
});

describe('runProbe: the response', () => {
  it('answers every target and candidate, in request order, within a few seconds', () => {
    expect(response.complete).toBe(true);
    expect(response.targets.map((t) => t.id)).toEqual(sent.map((t) => t.id));
    // stubborn_spin made the first process give up; the rest ran in a second one.
    expect(response.targets.map((t) => t.candidates.map((c) => c.id))).toEqual(
      sent.map((t) => (t.module.endsWith('sample') ? t.candidates.map((c) => c.id) : [])),
    );
    expect(response.python).toMatch(/^3\.\d+\.\d+/);
    expect(response.probeVersion).toBe(2);
  });

  it('reports import failures per target and skips their candidates', () => {
    const broken = response.targets.at(-2);
    const missing = response.targets.at(-1);
    expect(broken?.importError).toEqual({ type: 'RuntimeError', message: 'broken on purpose' });
    expect(broken?.candidates).toEqual([]);
    expect(missing?.importError?.type).toBe('ModuleNotFoundError');
    expect(missing?.importError?.message).toContain('probepkg.missing');
    expect(response.targets[0]?.importError).toBeNull();
  });
});

describe('runProbe: returned values', () => {
  it('an int: literal, deterministic, with the executed lines and the names to import', () => {
    const r = returned('add(1, 2)');
    expect(r).toMatchObject({
      repr: '3',
      reprTruncated: false,
      literal: true,
      type: { module: 'builtins', qualname: 'int' },
      hasFloat: false,
      isNone: false,
      isBool: false,
      deterministic: true,
      mentionsTmpPath: false,
      stdout: '',
      stderr: '',
    });
    expect(r.lines).toEqual([lineOf('return a + b')]);
    expect(r.names).toEqual([{ name: 'add', kind: 'module_attr' }]);
    expect(r.seconds).toBeGreaterThan(0);
  });

  it('floats anywhere set hasFloat; bools, None and statements are flagged', () => {
    expect(returned('add(0.1, 0.2)')).toMatchObject({ repr: '0.30000000000000004', literal: true, hasFloat: true });
    expect(returned('scale([1, 2])')).toMatchObject({ repr: '[1.5, 3.0]', literal: true, hasFloat: true });
    expect(returned('isinstance(add(1, 2), int)')).toMatchObject({ repr: 'True', isBool: true, literal: true });
    expect(returned('y = add(1, 2)')).toMatchObject({ repr: 'None', isNone: true, literal: true, lines: [lineOf('return a + b')] });
  });

  it('strings, containers, and the branch taken', () => {
    const empty = returned("greet('')");
    expect(empty).toMatchObject({ repr: "'hello, stranger'", literal: true, type: { qualname: 'str' } });
    expect(empty.lines).toEqual([lineOf('if not name'), lineOf('return "hello, stranger"')]);
    expect(returned("greet('bo')").lines).toEqual([lineOf('if not name'), lineOf('return "hello, " + name')]);
    const dict = returned('pairs(3)');
    expect(dict).toMatchObject({ repr: '{0: [], 1: [1], 2: [2, 2]}', literal: true, type: { qualname: 'dict' } });
    expect(dict.lines).toEqual([lineOf('out = {}'), lineOf('for i in range(n)'), lineOf('out[i] = [i] * i'), lineOf('return out')]);
  });

  it('objects: not literal, typed by module and qualname, deterministic despite their address', () => {
    const cart = returned('Cart()');
    expect(cart.repr).toMatch(/^<probepkg\.sample\.Cart object at 0x[0-9a-f]+>$/);
    expect(cart).toMatchObject({ literal: false, type: { module: 'probepkg.sample', qualname: 'Cart' }, deterministic: true });
    expect(cart.lines).toEqual([lineOf('self.items = []')]);
    expect(returned('ordered()')).toMatchObject({ literal: false, type: { module: 'collections', qualname: 'OrderedDict' } });
    expect(returned('nan()')).toMatchObject({ repr: 'nan', literal: false, hasFloat: true });
  });

  it('methods and properties run against setup state; private names are importable too', () => {
    const add = returned("obj.add('tea', 3.5, 2)");
    expect(add).toMatchObject({ repr: '1', literal: true, deterministic: true });
    expect(add.names).toEqual([{ name: 'Cart', kind: 'module_attr' }]);
    const addStart = rangeOf('Cart.add')[0];
    expect(add.lines).toEqual([lineOf('if qty <= 0', addStart), lineOf('self.items.append', addStart), lineOf('return len(self.items)', addStart)]);
    const total = returned('obj.total');
    expect(total).toMatchObject({ repr: '5.0', hasFloat: true, literal: true });
    expect(total.lines).toEqual([lineOf('return sum(price * qty')]);
    expect(returned('_Hidden()')).toMatchObject({ repr: '_Hidden()', literal: false, names: [{ name: '_Hidden', kind: 'module_attr' }] });
    expect(returned('RATE * 2')).toMatchObject({ repr: '0.4', names: [{ name: 'RATE', kind: 'module_attr' }] });
  });

  it('async functions are awaited', () => {
    const r = returned('fetch(2)');
    expect(r).toMatchObject({ repr: "{'x': 2, 'ok': True}", literal: true, deterministic: true });
    expect(r.lines).toEqual([lineOf('await asyncio.sleep(0)'), lineOf('return {"x": x')]);
  });

  it('detects nondeterminism: random, time, and module state mutated by the first run', () => {
    expect(returned('roll()')).toMatchObject({ deterministic: false, hasFloat: true });
    expect(returned('now()')).toMatchObject({ deterministic: false });
    expect(returned("remember('k')")).toMatchObject({ repr: '1', deterministic: false });
  });

  it('captures prints without corrupting the response; stdin reads fail as under pytest\'s capture', () => {
    const r = returned('chatty(1000)');
    expect(r.repr).toBe('1000');
    expect(r.stdout.startsWith('line 0\nline 1\n')).toBe(true);
    expect(r.stdout.length).toBeLessThanOrEqual(2000);
    expect(r.stderr).toBe('warned\n');
    expect(returned('print("hi") or add(2, 2)')).toMatchObject({ repr: '4', stdout: 'hi\n' });
    expect(returned('hijack_stdout()')).toMatchObject({ repr: '1' });
    // A test that reads stdin fails under pytest (OSError from its DontReadFromInput): so does the call here.
    const stdin = result('read_stdin()');
    expect(stdin.outcome === 'raise' || stdin.outcome === 'error').toBe(true);
    expect(JSON.stringify(stdin)).toContain('OSError');
  });
});

describe('runProbe: exceptions', () => {
  it("a raise statement in the target is a 'raise' with its message", () => {
    const r = raisedOrError("parse_positive('-3')", 'raise');
    expect(r).toMatchObject({
      phase: 'expr',
      excType: { module: 'builtins', qualname: 'ValueError' },
      excMessage: 'not positive: -3',
      raisedInTarget: true,
      raiseStatement: true,
      enteredTarget: true,
      deterministic: true,
    });
    expect(r.lines).toEqual([lineOf('value = int(text)'), lineOf('if value <= 0'), lineOf('raise ValueError("not positive')]);
    // Notes (add_note, Python 3.11+) are reported: pytest 8 searches them with the message.
    if (Number(/^3\.(\d+)/.exec(response.python)?.[1] ?? 0) >= 11) expect(raisedOrError("noted('-5')", 'raise')).toMatchObject({ excMessage: 'not positive: -5', hasNotes: true });
    expect(r).not.toHaveProperty('hasNotes');
    const cart = raisedOrError("obj.add('tea', 3.5, 0)", 'raise');
    expect(cart).toMatchObject({ excMessage: 'qty must be positive', raiseStatement: true });
  });

  it('an exception from an operation in the target is a raise, but not from a raise statement', () => {
    expect(raisedOrError("parse_positive('abc')", 'raise')).toMatchObject({
      excType: { qualname: 'ValueError' },
      raisedInTarget: true,
      raiseStatement: false,
    });
    expect(raisedOrError('lengths([1, 2])', 'raise')).toMatchObject({ excType: { qualname: 'TypeError' }, raiseStatement: false });
  });

  it("a bad call, a bad name, a failing setup and a syntax error are 'error's", () => {
    expect(raisedOrError("parse_positive('1', 2)", 'error')).toMatchObject({
      phase: 'expr',
      excType: { qualname: 'TypeError' },
      enteredTarget: false,
      raisedInTarget: false,
      lines: [],
    });
    expect(raisedOrError('parse_positve("1")', 'error')).toMatchObject({ excType: { qualname: 'NameError' }, names: [] });
    expect(raisedOrError('parse_positive(x)', 'error')).toMatchObject({ phase: 'setup', excType: { qualname: 'ZeroDivisionError' } });
    expect(raisedOrError('parse_positive(', 'error')).toMatchObject({ phase: 'compile', excType: { qualname: 'SyntaxError' } });
    expect(raisedOrError('recurse(0)', 'error')).toMatchObject({ excType: { qualname: 'RecursionError' }, enteredTarget: true });
  });

  it('sys.exit is a SystemExit raise when the target calls it, an error when the snippet does', () => {
    expect(raisedOrError('leave(3)', 'raise')).toMatchObject({
      excType: { module: 'builtins', qualname: 'SystemExit' },
      excMessage: '3',
      raisedInTarget: true,
    });
    expect(raisedOrError('sys.exit(4)', 'error')).toMatchObject({ excType: { qualname: 'SystemExit' }, excMessage: '4' });
  });

  it('runaway candidates time out, even when they swallow the interruption', () => {
    for (const expr of ['spin()', 'stubborn_spin()']) {
      const r = result(expr);
      expect(r).toMatchObject({ outcome: 'timeout', deterministic: null });
      // The phase is known when the call's own timer stops it, and when the probe kills the child
      // first (a loaded machine) once the child said the call had started.
      expect(['expr', null]).toContain((r as { phase?: string | null }).phase);
      expect(r.seconds).toBeGreaterThanOrEqual(0.9);
    }
    // The lines it ran are reported when its own timer stopped it (a child killed as stuck reports none).
    const spin = result('spin()') as { phase?: string | null; lines: number[] };
    if (spin.lines.length > 0) expect(spin.lines).toEqual(expect.arrayContaining([lineOf('n += 1')]));
  });
});

describe('runProbe: side effects', () => {
  it('blocks writing outside tmp_path, and nothing is written', () => {
    const r = blocked(`write_outside(${JSON.stringify(outsideFile)})`);
    expect(r.blockedBy).toBe('open');
    expect(r.blockedDetail).toContain(outsideFile);
    expect(r.deterministic).toBe(true);
    expect(existsSync(outsideFile)).toBe(false);
  });

  it('allows writing in tmp_path (a fresh directory per run) and tempfile goes there too', () => {
    expect(returned('write_in(tmp_path)')).toMatchObject({ repr: "'data'", literal: true, deterministic: true });
    const p = returned("tmp_path / 'a.txt'");
    expect(p.repr).toContain(path.join(work, 'tmp_path'));
    expect(p).toMatchObject({ mentionsTmpPath: true, deterministic: true, type: { qualname: 'PosixPath' } });
    expect(returned("__import__('tempfile').mkstemp()[1]")).toMatchObject({ mentionsTmpPath: true });
  });

  it('blocks processes, network and file removal outside tmp_path', () => {
    expect(blocked('run_tool()')).toMatchObject({ blockedBy: 'subprocess.Popen' });
    expect(blocked("__import__('socket').getaddrinfo('example.com', 80)")).toMatchObject({ blockedBy: 'socket.getaddrinfo' });
    expect(blocked("__import__('shutil').rmtree('/nonexistent-smart-test')")).toMatchObject({ blockedBy: 'shutil.rmtree' });
  });

  it('blocks environment changes, even swallowed ones, and restores os.environ', () => {
    expect(blocked("set_env('x')")).toMatchObject({ blockedBy: 'os.putenv' });
    expect(blocked("swallow_env('x')")).toMatchObject({ blockedBy: 'os.putenv' });
    expect(returned("os.environ.get('SMART_TEST_PROBE_FIXTURE')")).toMatchObject({ isNone: true, names: [{ name: 'os', kind: 'module_attr' }] });
    expect(
      blocked("os.environ._data[os.environ.encodekey('SMART_TEST_PROBE_RAW')] = os.environ.encodevalue('1')"),
    ).toMatchObject({ blockedBy: 'os.environ changed' });
  });

  it('reports the list, dict and set literals a call changed in place, and the watched names it changed', async () => {
    const res = await runProbe(
      python,
      request([
        {
          ...target('tag', []),
          candidates: [
            { id: 'inline', setup: [], expr: "tag(['a'], 'b')" },
            { id: 'untouched', setup: [], expr: "tag([], 'b') + len({'k': 1})" },
            { id: 'named', setup: ['xs = [1]', 'ys = [2]'], expr: 'tag(xs, 2)', watch: ['xs', 'ys'] },
          ],
        },
      ]),
      { timeoutMs: 20_000 },
    );
    const [inline, untouched, named] = res.targets[0]!.candidates;
    expect(inline).toMatchObject({ outcome: 'return', repr: '2', argChanges: [["['a']", "['a', 'b']", true]] });
    // The dict passed to len is not changed; the list passed to tag is.
    expect(untouched).toMatchObject({ argChanges: [['[]', "['b']", true]] });
    // Named arguments: only the one the call changed.
    expect(named).toMatchObject({ argState: [['xs', '[1, 2]', true]] });
    expect(named).not.toHaveProperty('argChanges');
  });

  it("a call's own, tighter time limit stops it sooner; the target's later calls are skipped", async () => {
    const calls = [{ setup: ['import time'], expr: 'time.sleep(0.05) or add(1, 2)', timeoutSeconds: 0.5 }, { setup: ['import time'], expr: 'time.sleep(5)', timeoutSeconds: 0.2 }, 'add(2, 2)'];
    const res = await runProbe(python, request([target('add', calls)], { timeoutSeconds: 10 }), { timeoutMs: 20_000 });
    const [fast, slow, after] = res.targets[0]!.candidates;
    expect(fast).toMatchObject({ outcome: 'return', repr: '3' });
    expect(slow).toMatchObject({ outcome: 'timeout' });
    // Stopped by its own limit, long before the request's 10 s.
    expect(slow!.seconds).toBeLessThan(3);
    expect(after).toMatchObject({ outcome: 'skipped', reason: 'timeout' });
  });

  it('stdoutFile makes fd 1 a regular file, emptied after each run, as under pytest; else it is /dev/null', async () => {
    const calls = [{ setup: ['import os'], expr: 'os.path.isfile(1)' }, { setup: ['import os'], expr: "os.write(1, b'x' * 1000) and os.fstat(1).st_size" }, { setup: ['import os'], expr: 'os.fstat(1).st_size' }];
    const run = async (stdoutFile: boolean) => (await runProbe(python, request([target('add', calls)], { stdoutFile }), { timeoutMs: 20_000 })).targets[0]!.candidates.map((c) => (c.outcome === 'return' ? c.repr : c.outcome));
    expect(await run(true)).toEqual(['True', '1000', '0']);
    expect(await run(false)).toEqual(['False', '0', '0']);
  });

  it('extraFrames runs each call deeper, and a verification run (stdoutFile) gives new files other numbers', async () => {
    const calls = [{ setup: ['import inspect'], expr: 'len(inspect.stack(0))' }, { setup: ['import os', 'fd = os.open(os.devnull, os.O_RDONLY)'], expr: 'os.close(fd) or fd' }];
    const run = async (extra: Partial<ProbeRequest>) => (await runProbe(python, request([target('add', calls)], extra), { timeoutMs: 20_000 })).targets[0]!.candidates.map((c) => (c.outcome === 'return' ? Number(c.repr) : NaN));
    const [plain, deeper] = [await run({}), await run({ extraFrames: 25, stdoutFile: true })];
    // Setup and expression both run deeper.
    expect(deeper[0]! - plain[0]!).toBe(25);
    expect(deeper[1]).toBeGreaterThan(plain[1]!);
  });

  it('reports the attributes an exception carries', async () => {
    const res = await runProbe(python, request([target('reject', ['reject(7)', "reject([])"])]), { timeoutMs: 20_000 });
    const [seven, list] = res.targets[0]!.candidates;
    expect(seven).toMatchObject({ outcome: 'raise', excType: { qualname: 'Rejected' }, excMessage: 'rejected', excAttrs: [['code', '7', true]] });
    expect(list).toMatchObject({ excAttrs: [['code', '[]', true]] });
    // A builtin exception keeps its data outside __dict__: nothing reported.
    const builtin = await runProbe(python, request([target('parse_positive', ["parse_positive('-3')"])]), { timeoutMs: 20_000 });
    expect(builtin.targets[0]!.candidates[0]).not.toHaveProperty('excAttrs');
  });

  it('randomSeed seeds random before each run: the same seed, the same value; the check run still sees the randomness', async () => {
    const once = async (randomSeed: number) => {
      const res = await runProbe(python, request([target('roll', ['roll()', 'roll()'])], { randomSeed }), { timeoutMs: 20_000 });
      return res.targets[0]!.candidates.map((c) => (c.outcome === 'return' ? { repr: c.repr, deterministic: c.deterministic } : c.outcome));
    };
    const [a, b, other] = [await once(0), await once(0), await once(7)];
    expect(a).toEqual(b);
    // Each candidate's run starts from the seed, whatever ran before it.
    expect(a[0]).toEqual(a[1]);
    expect(a[0]).toMatchObject({ deterministic: false });
    expect(other[0]).not.toEqual(a[0]);
  });

  it('with allowSideEffects, side effects happen, and os.environ is still restored', async () => {
    const file = path.join(work, 'allowed.txt');
    const res = await runProbe(
      python,
      request([
        target('write_outside', [`write_outside(${JSON.stringify(file)})`]),
        target('set_env', ["set_env('x')", "os.environ.get('SMART_TEST_PROBE_FIXTURE')"]),
      ], { allowSideEffects: true }),
      { timeoutMs: 20_000 },
    );
    const [write, env] = res.targets;
    expect(write?.candidates[0]).toMatchObject({ outcome: 'return', repr: 'True' });
    expect(readFileSync(file, 'utf8')).toBe('data');
    expect(env?.candidates.map((c) => (c.outcome === 'return' ? c.repr : c.outcome))).toEqual(["'x'", 'None']);
  });
});

describe('runProbe: failures', () => {
  it('kills the probe and rejects when the overall timeout expires', async () => {
    const run = runProbe(python, request([target('spin', ['spin()'])], { timeoutSeconds: 60 }), { timeoutMs: 1000 });
    await expect(run).rejects.toThrow(/did not finish within 1000 ms and was killed/);
  });

  it('rejects an invalid request before starting Python', async () => {
    await expect(runProbe(python, request([], { timeoutSeconds: -1 }), { timeoutMs: 5000 })).rejects.toThrow(
      /Invalid probe request: timeoutSeconds/,
    );
  });

  it("reports the probe's own stderr when it exits non-zero", async () => {
    const run = runProbe(python, request([], { tmpPath: 'relative/tmp' }), { timeoutMs: 10_000 });
    await expect(run).rejects.toThrow(ProbeError);
    await expect(run).rejects.toThrow(/exited with status 2; stderr:\n.*tmpPath must be absolute/);
  });

  it('rejects a missing interpreter and a non-JSON answer clearly', async () => {
    await expect(runProbe('/nonexistent/python3', request([]), { timeoutMs: 5000 })).rejects.toThrow(
      /Could not start Python for the execution probe \(\/nonexistent\/python3\): not found/,
    );
    await expect(runProbe('/bin/echo', request([]), { timeoutMs: 5000 })).rejects.toThrow(/printed ".*probe\.py\\n" instead of a JSON response/);
  });
});

describe('probeScriptPath', () => {
  it('finds probe.py beside the module in the sources, and in dist/ from the bundle (after npm run build)', () => {
    expect(existsSync(probeScriptPath())).toBe(true);
    expect(probeScriptPath().endsWith(path.join('src', 'generate', 'probe.py'))).toBe(true);
    const dist = path.join(PROJECT_ROOT, 'dist');
    expect(probeScriptPath(pathToFileURL(path.join(dist, 'cli.cjs')))).toBe(path.join(dist, 'probe.py'));
  });
});
