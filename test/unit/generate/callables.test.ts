import { beforeAll, describe, expect, it } from 'vitest';
import { callableEvidence, callableFacts, samplePool } from '../../../src/generate/infer/callables.js';
import { buildCandidates, type Candidate } from '../../../src/generate/infer/candidates.js';
import { iteratorReruns, moduleExtras, raisedBySample, shapedCandidates } from '../../../src/generate/infer/extras.js';
import { generatorFunctions, iteratorKind } from '../../../src/generate/infer/iterators.js';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';
import { functionFacts, moduleTypes } from '../../../src/python/facts.js';
import type { PyFunction } from '../../../src/python/model.js';
import { parsePython } from '../../../src/python/structure.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const SOURCE = `import contextlib
import functools


def apply(fn, a, b):
    return fn(a, b)


def keyed(items, key=None):
    return sorted(items, key=key)


def lookup(d, key):
    return d[key].upper()


def pipeline(steps, value):
    for step in steps:
        value = step(value)
    return value


def describe(func):
    return func.__name__


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        return ("logged", result)
    return wrapper


def tagged(label):
    def decorate(func):
        def inner(*args, **kwargs):
            return label, func(*args, **kwargs)
        return inner
    return decorate


@logged
def doubled(x):
    return 2 * x


def numbers(limit):
    n = 0
    while n < limit:
        yield n
        n += 1


def forever():
    n = 0
    while True:
        yield n
        n += 1


def maker():
    def gen():
        yield 1
    return gen


def squares(items):
    return map(lambda x: x * x, items)


@contextlib.contextmanager
def opened(name):
    state = {"name": name, "open": True}
    yield state
    state["open"] = False
`;

const lineOf = (text: string) => SOURCE.split('\n').findIndex((l) => l.includes(text)) + 1;

async function setup() {
  const module = await parsePython(SOURCE);
  const facts = await functionFacts(SOURCE, module.functions);
  const types = await moduleTypes(SOURCE, module);
  const extras = await moduleExtras(SOURCE, module.functions);
  const fn = (q: string) => module.functions.find((f) => f.qualname === q)!;
  const candidates = (f: PyFunction, targets: PyFunction[] = [f]): Candidate[] => {
    const shaped = shapedCandidates({ fn: f, cls: null, module: 'hof', facts, types, functions: module.functions, placeholder: 'test_value' }, extras, module.classes, targets, (o) => `through ${o}`);
    if ('reason' in shaped) throw new Error(shaped.reason);
    return shaped.candidates;
  };
  return { module, facts, extras, fn, candidates };
}

describe('sample callables', () => {
  it('are ordered by how the body calls the parameter', async () => {
    const { module, facts, fn } = await setup();
    const uses = (await callableFacts(SOURCE, module.functions)).uses;
    expect(uses.get(fn('apply'))!.get('fn')).toMatchObject({ arities: [2], keywords: false, spread: false });
    expect(samplePool(uses.get(fn('apply'))!.get('fn'))[0]!.src).toBe('sample_two_args');
    expect(uses.get(fn('keyed'))!.get('key')).toMatchObject({ higherOrder: 1 });
    expect(samplePool(uses.get(fn('keyed'))!.get('key')).map((s) => s.src).slice(0, 2)).toEqual(['sample_one_arg', 'sample_failing']);
    expect(samplePool(uses.get(fn('logged.wrapper'))?.get('func')).map((s) => s.src)).toContain('sample_keyword_only');
    expect(uses.get(fn('logged'))!.get('func')).toMatchObject({ spread: true });
    expect(samplePool(uses.get(fn('logged'))!.get('func'))[0]!.src).toBe('sample_kwargs');
    // Inspected: one of each kind of signature, a builtin and a class among them.
    const inspected = samplePool(uses.get(fn('describe'))!.get('func')).map((s) => s.src);
    expect(inspected).toEqual(expect.arrayContaining(['sample_two_args', 'sample_with_default', 'sample_varargs', 'sample_keyword_only', 'sample_kwargs', 'lambda x: x', 'len', 'str.upper', 'SampleClass']));
    // hasattr / getattr of a plain attribute reads an object (`hasattr(node, 'id')`); of a dunder, inspects a callable.
    const [plain, dunder] = await parsePython("def name_of(node):\n    if hasattr(node, 'id'):\n        return node.id\n\n\ndef wrapped_of(f):\n    return getattr(f, '__wrapped__', f)\n").then((m) => m.functions);
    const own = (await callableFacts("def name_of(node):\n    if hasattr(node, 'id'):\n        return node.id\n\n\ndef wrapped_of(f):\n    return getattr(f, '__wrapped__', f)\n", [plain!, dunder!])).uses;
    expect(callableEvidence(plain!.parameters[0]!, own.get(plain!)?.get('node'), undefined)).toBe(null);
    expect(callableEvidence(dunder!.parameters[0]!, own.get(dunder!)?.get('f'), undefined)).toBe('strong');
    // A `key` used as a dictionary key is no callable.
    const lookup = fn('lookup');
    expect(callableEvidence(lookup.parameters[1]!, uses.get(lookup)?.get('key'), facts.get(lookup))).toBe(null);
    expect(callableEvidence({ name: 'cb', kind: 'positional_or_keyword', annotation: 'Callable[[int], str]', default: null }, undefined, undefined)).toBe('strong');
    expect(callableEvidence({ name: 'callback', kind: 'positional_or_keyword', annotation: null, default: null }, undefined, undefined)).toBe('name');
  });

  it('are defined in the candidate itself, so the test stands alone; a list of callables gets lists of samples', async () => {
    const { fn, candidates } = await setup();
    expect(candidates(fn('pipeline'))[0]).toMatchObject({ setup: ['def sample_one_arg(x):\n    return x'], expr: expect.stringMatching(/^pipeline\(\[sample_one_arg\], /) });
    const apply = candidates(fn('apply'));
    expect(apply[0]).toMatchObject({ setup: ['def sample_two_args(a, b):\n    return (a, b)'], expr: expect.stringMatching(/^apply\(sample_two_args, /) });
  });
});

describe('decorators, closures and nested functions', () => {
  it('apply a decorator to a sample function and call the result; a factory gets its arguments first', async () => {
    const { fn, candidates } = await setup();
    const logged = candidates(fn('logged'));
    expect(logged[0]).toEqual({ setup: ['def sample_two_args(a, b):\n    return (a, b)', 'decorated = logged(sample_two_args)'], expr: 'decorated(1, 2)', origin: 'inferred', placeholder: false });
    const tagged = candidates(fn('tagged'));
    expect(tagged[0]!.setup[tagged[0]!.setup.length - 1]).toMatch(/^decorated = tagged\(.+\)\(sample_two_args\)$/);
  });

  it('test a nested function through its outermost function, or leave it to that function when it is a target too', async () => {
    const { fn, candidates, extras, module } = await setup();
    expect(candidates(fn('tagged.decorate.inner'))[0]!.setup.join('\n')).toMatch(/decorated = tagged\(/);
    const shaped = shapedCandidates({ fn: fn('logged.wrapper'), cls: null, module: 'hof', facts: await functionFacts(SOURCE, module.functions), types: { enums: new Map(), constructors: new Map() }, functions: module.functions, placeholder: 'test_value' }, extras, [], [fn('logged'), fn('logged.wrapper')], (o) => `through ${o}`);
    expect(shaped).toEqual({ reason: 'through logged' });
  });
});

describe('doctest examples of decorators', () => {
  it('take a decorated definition for a statement, and calls of what it defines for examples of the decorator', async () => {
    const src = [
      'def cached(cache):',
      '    """',
      '    >>> store = {}',
      '    >>> @cached(store)',
      '    ... def lower(x):',
      '    ...     return x.lower()',
      '    >>> lower("A")',
      "    'a'",
      '    """',
      '    def deco(f):',
      '        return f',
      '    return deco',
      '',
    ].join('\n');
    const module = await parsePython(src);
    const fn = module.functions.find((f) => f.qualname === 'cached')!;
    const c = buildCandidates({ fn, cls: null, module: 'm', facts: await functionFacts(src, module.functions), types: { enums: new Map(), constructors: new Map() }, functions: module.functions, placeholder: 'test_value' });
    expect(c[0]).toEqual({ setup: ['store = {}', '@cached(store)\ndef lower(x):\n    return x.lower()'], expr: 'lower("A")', origin: 'doctest', placeholder: false, want: "'a'" });
  });
});

describe('generators', () => {
  it('are known by a yield in their own body, and their calls consume them, bounded', async () => {
    const { module, fn, candidates } = await setup();
    const kinds = await generatorFunctions(SOURCE, module.functions);
    expect([...kinds.keys()].map((f) => f.qualname).sort()).toEqual(['forever', 'maker.gen', 'numbers', 'opened']);
    expect(candidates(fn('numbers'))[0]).toMatchObject({ setup: ['import itertools'], expr: 'list(itertools.islice(numbers(3), 200))' });
    expect(candidates(fn('opened'))[0]).toMatchObject({ setup: ['def entered(manager):\n    with manager as value:\n        return value'], expr: expect.stringMatching(/^entered\(opened\(.+\)\)$/) });
    expect(iteratorKind({ module: 'builtins', qualname: 'map' })).toBe('sync');
    expect(iteratorKind({ module: 'builtins', qualname: 'list_iterator' })).toBe('sync');
    expect(iteratorKind({ module: 'itertools', qualname: 'count' })).toBe('sync');
    expect(iteratorKind({ module: 'builtins', qualname: 'list' })).toBe(null);
  });
});

describe('with the probe', () => {
  let python: string;
  const mod = probeModule('hof', SOURCE);
  beforeAll(() => {
    python = requirePython();
  });

  async function probe(f: PyFunction, candidates: Candidate[], range?: [number, number]): Promise<ProbeCandidateResult[]> {
    const target = mod.target('t', [], { qualname: f.qualname, firstLine: range?.[0] ?? f.bodyStartLine, lastLine: range?.[1] ?? f.endLine, candidates: candidates.map((c, i) => ({ id: String(i), setup: c.setup, expr: c.expr })) });
    const response = await runProbe(python, mod.request([target]), { timeoutMs: 60_000 });
    return response.targets[0]!.candidates;
  }

  it('runs the generator body while consuming it, and bounds an endless one', async () => {
    const { fn, candidates } = await setup();
    const [numbers] = await probe(fn('numbers'), candidates(fn('numbers')).slice(0, 1));
    expect(numbers).toMatchObject({ outcome: 'return', repr: '[0, 1, 2]', literal: true });
    expect(numbers!.lines).toEqual(expect.arrayContaining([lineOf('yield n'), lineOf('n += 1')]));
    const [forever] = await probe(fn('forever'), candidates(fn('forever')).slice(0, 1));
    expect(forever).toMatchObject({ outcome: 'return', literal: true });
    expect(forever!.outcome === 'return' && JSON.parse(forever!.repr).length).toBe(200);
  });

  it('enters and exits a context manager made from a generator', async () => {
    const { fn, candidates } = await setup();
    const [opened] = await probe(fn('opened'), candidates(fn('opened')).slice(0, 1));
    expect(opened).toMatchObject({ outcome: 'return', literal: true });
    expect(opened!.outcome === 'return' && opened!.repr).toMatch(/'open': False/);
    expect(opened!.lines).toContain(lineOf('state["open"] = False'));
  });

  it('consumes iterators seen only at run time when their candidates run again', async () => {
    const { fn, candidates } = await setup();
    const first = candidates(fn('squares')).slice(0, 2);
    const results = await probe(fn('squares'), first);
    expect(results[0]).toMatchObject({ outcome: 'return', type: { module: 'builtins', qualname: 'map' } });
    const reruns = iteratorReruns(first, results);
    expect([...reruns.keys()]).toContain(0);
    const again = await probe(fn('squares'), [reruns.get(0)!]);
    expect(again[0]).toMatchObject({ outcome: 'return', literal: true });
    expect(reruns.get(0)!.expr).toMatch(/^list\(itertools\.islice\(squares\(.*\), 200\)\)$/);
  });

  it('reaches a decorator\'s wrapper and a nested function\'s lines through the outer call', async () => {
    const { fn, candidates } = await setup();
    const wrapper = fn('logged.wrapper');
    const results = await probe(wrapper, candidates(wrapper).slice(0, 1), [wrapper.bodyStartLine, wrapper.endLine]);
    expect(results[0]).toMatchObject({ outcome: 'return', repr: "('logged', (1, 2))" });
    expect(results[0]!.lines).toEqual(expect.arrayContaining([lineOf('result = func(*args, **kwargs)'), lineOf('return ("logged", result)')]));
    // A failing sample's exception, let through by the wrapper, is an outcome to assert.
    const failing = candidates(wrapper).find((c) => c.setup.includes('decorated = logged(sample_failing)'))!;
    expect(failing.sampleRaises).toBe(true);
    const [raised] = await probe(wrapper, [failing], [wrapper.bodyStartLine, wrapper.endLine]);
    expect(raised).toMatchObject({ outcome: 'raise', raisedInTarget: false, enteredTarget: true });
    expect(raisedBySample(failing, raised!)).toBe(true);
    expect(raisedBySample({ ...failing, sampleRaises: false }, raised!)).toBe(false);
    const inner = fn('tagged.decorate.inner');
    const tagged = await probe(inner, candidates(inner).slice(0, 1), [inner.bodyStartLine, inner.endLine]);
    expect(tagged[0]!.lines).toContain(lineOf('return label, func(*args, **kwargs)'));
  });
});
