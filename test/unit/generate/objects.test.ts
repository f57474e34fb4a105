import { describe, expect, it } from 'vitest';
import { buildCandidates, type TargetContext } from '../../../src/generate/infer/candidates.js';
import { receiversFor } from '../../../src/generate/infer/objects.js';
import { documentedType, withInferredType } from '../../../src/generate/infer/param-types.js';
import type { SeedSet } from '../../../src/generate/infer/seeds.js';
import { functionFacts, moduleTypes } from '../../../src/python/facts.js';
import { parsePython } from '../../../src/python/structure.js';

/** The target context of `qualname` in `src`, as the engine builds it. */
async function target(src: string, qualname: string, seeds?: SeedSet): Promise<TargetContext> {
  const mod = await parsePython(src);
  const facts = await functionFacts(src, mod.functions);
  const types = await moduleTypes(src, mod);
  const fn = mod.functions.find((f) => f.qualname === qualname)!;
  const cls = fn.className ? mod.classes.find((c) => c.qualname === fn.className) ?? null : null;
  return { fn, cls, module: 'pkg.shapes', facts, types, functions: mod.functions, placeholder: 'test_value', source: src, ...(seeds ? { seeds } : {}) };
}

const last = (setups: string[][]) => setups.map((s) => s[s.length - 1]);

describe('objects: receivers for methods, by route and in order', () => {
  it('takes the instances the project\'s tests build first', async () => {
    const src = 'class Span:\n    def __init__(self, spec):\n        self.lo, self.hi = map(int, spec.split(":"))\n\n    def width(self):\n        return self.hi - self.lo\n';
    const seeds: SeedSet = { direct: [], entries: [], methodArgs: [], receivers: [["obj = Span('3:7')", 'obj.grow(1)']] };
    const t = await target(src, 'Span.width', seeds);
    const setups = receiversFor(t, 'Span');
    expect(setups[0]).toEqual(["obj = Span('3:7')", 'obj.grow(1)']);
    // then __init__ with inferred values
    expect(last(setups.slice(1))[0]).toMatch(/^obj = Span\(/);
  });

  it('builds the instance the class\'s doctests build', async () => {
    const src = [
      'class Span:',
      '    """A span.',
      '',
      '    >>> import math',
      '    >>> s = Span.parse("3:7")',
      '    >>> s.width()',
      '    4',
      '    """',
      '    def __init__(self, lo, hi):',
      '        self.lo, self.hi = lo, hi',
      '',
      '    @classmethod',
      '    def parse(cls, spec: str):',
      '        lo, hi = spec.split(":")',
      '        return cls(int(lo), int(hi))',
      '',
      '    def width(self):',
      '        return self.hi - self.lo',
    ].join('\n');
    const setups = receiversFor(await target(src, 'Span.width'), 'Span');
    expect(setups[0]).toEqual(['import math', 's = Span.parse("3:7")', 'obj = s']);
    // __init__ with inferred values, then the classmethod factory
    expect(last(setups)).toContain('obj = Span(1, 1)');
    expect(setups.some((s) => s.some((l) => l.startsWith('obj = Span.parse(')))).toBe(true);
  });

  it('takes from a doctest only what a call of the class gives, never what a method of it returns', async () => {
    const src = [
      'class Span:',
      '    """A span.',
      '',
      '    >>> w = Span("1:2").width()',
      '    >>> Span("3:7").width()',
      '    4',
      '    >>> Span.parse("5:9")',
      '    Span(5, 9)',
      '    """',
      '    def __init__(self, spec):',
      '        self.lo, self.hi = map(int, spec.split(":"))',
      '',
      '    @classmethod',
      '    def parse(cls, spec):',
      '        return cls(spec)',
      '',
      '    def width(self):',
      '        return self.hi - self.lo',
    ].join('\n');
    const setups = receiversFor(await target(src, 'Span.width'), 'Span');
    // `w` is an int: not a receiver. The expression's leading call is; the factory's call too.
    expect(setups.slice(0, 2)).toEqual([
      ['w = Span("1:2").width()', 'obj = Span("3:7")'],
      ['w = Span("1:2").width()', 'obj = Span.parse("5:9")'],
    ]);
  });

  it('builds dataclasses, attrs classes and NamedTuples from their fields', async () => {
    const src = [
      'from dataclasses import dataclass, field',
      'from typing import NamedTuple',
      'import attr',
      '',
      '@dataclass',
      'class Point:',
      '    x: int',
      '    label: str = "p"',
      '    tags: list = field(default_factory=list)',
      '    def norm(self):',
      '        return abs(self.x)',
      '',
      'class Pair(NamedTuple):',
      '    left: float',
      '    right: float',
      '    def total(self):',
      '        return self.left + self.right',
      '',
      '@attr.s(auto_attribs=True)',
      'class Item:',
      '    name: str',
      '    count: int = 0',
      '    def twice(self):',
      '        return self.count * 2',
    ].join('\n');
    expect(last(receiversFor(await target(src, 'Point.norm'), 'Point'))[0]).toBe('obj = Point(3)');
    expect(last(receiversFor(await target(src, 'Pair.total'), 'Pair'))[0]).toBe('obj = Pair(1.5, 1.5)');
    expect(last(receiversFor(await target(src, 'Item.twice'), 'Item'))[0]).toBe("obj = Item('Alice')");
  });

  it('uses __init__ with inferred values, then classmethod and module factories', async () => {
    const src = [
      'from __future__ import annotations',
      'class Temp:',
      '    def __init__(self, degrees: float, scale: str = "C"):',
      '        self.degrees = degrees',
      '',
      '    @classmethod',
      '    def freezing(cls) -> "Temp":',
      '        return cls(0.0)',
      '',
      '    @staticmethod',
      '    def helper(x: int) -> int:',
      '        return x',
      '',
      '    def kelvin(self):',
      '        return self.degrees + 273.15',
      '',
      '    @property',
      '    def hot(self):',
      '        return self.degrees > 30',
      '',
      'def make_temp(text: str) -> Temp:',
      '    return Temp(float(text))',
      '',
      'def other(n: int) -> int:',
      '    return n',
    ].join('\n');
    const setups = last(receiversFor(await target(src, 'Temp.kelvin'), 'Temp'));
    expect(setups).toEqual(['obj = Temp(1.5)', 'obj = Temp(0.0)', 'obj = Temp.freezing()', "obj = make_temp('Hello world')"]);
    // A property is tested by reading it, on each receiver.
    const reads = buildCandidates(await target(src, 'Temp.hot')).map((c) => `${c.setup.at(-1)} -> ${c.expr}`);
    expect(reads).toEqual(['obj = Temp(1.5) -> obj.hot', 'obj = Temp(0.0) -> obj.hot', 'obj = Temp.freezing() -> obj.hot', "obj = make_temp('Hello world') -> obj.hot"]);
  });

  it('puts seeds after doctests and before inferred calls; tries the tests\' arguments on other receivers', async () => {
    const src = 'class Acc:\n    def __init__(self, start: int):\n        self.n = start\n\n    def add(self, k):\n        """Add.\n\n        >>> Acc(1).add(2)\n        3\n        """\n        return self.n + k\n';
    const seeds: SeedSet = {
      direct: [{ setup: ['obj = Acc(5)'], expr: 'obj.add(7)', origin: 'seed', placeholder: false }],
      entries: [{ setup: [], expr: 'total([1])', origin: 'seed', placeholder: false, entry: true }],
      receivers: [],
      methodArgs: [{ setup: [], args: '40' }],
    };
    const list = buildCandidates(await target(src, 'Acc.add', seeds));
    expect(list.slice(0, 5).map((c) => [c.origin, c.expr])).toEqual([
      ['doctest', 'Acc(1).add(2)'],
      ['seed', 'obj.add(7)'],
      ['seed', 'obj.add(40)'],
      ['seed', 'obj.add(40)'],
      ['seed', 'total([1])'],
    ]);
    // The tests' arguments on the first two receivers of the other routes.
    expect([list[2]!.setup, list[3]!.setup]).toEqual([['obj = Acc(3)'], ['obj = Acc(0)']]);
    expect(list[5]!.origin).toBe('inferred');
  });

  it('passes the receiver itself, an equal instance and a different one where a method takes another instance of its class', async () => {
    const src = 'class Money:\n    def __init__(self, cents: int):\n        self.cents = cents\n\n    def __lt__(self, other):\n        return self.cents < other.cents\n\n    def add(self, amount: "Money", note: str = ""):\n        return Money(self.cents + amount.cents)\n';
    for (const [name, method] of [['Money.__lt__', '__lt__'], ['Money.add', 'add']] as const) {
      const candidates = buildCandidates(await target(src, name));
      expect(candidates.map((c) => c.expr), name).toContain(`obj.${method}(obj)`);
      const withOther = candidates.filter((c) => c.expr === `obj.${method}(other)`).map((c) => c.setup.join('; '));
      // Built as the receiver is (equal to it), and as the other receiver is (different).
      const pairs = withOther.map((setup) => /^other = (Money\(\d+\)); obj = (Money\(\d+\))$/.exec(setup)?.slice(1) ?? []);
      expect(pairs.some(([a, b]) => a === b), name).toBe(true);
      expect(pairs.some(([a, b]) => a !== b), name).toBe(true);
    }
  });

  it('builds no other instance from a receiver whose state later statements set', async () => {
    const src = 'class Tally:\n    def __init__(self):\n        self.n = 0\n\n    def __eq__(self, other):\n        return self.n == other.n\n';
    const seeds: SeedSet = { direct: [], entries: [], methodArgs: [], receivers: [['obj = Tally()', 'obj.n = 3']] };
    const candidates = buildCandidates(await target(src, 'Tally.__eq__', seeds));
    // The seed's receiver (state set after it is built) is not copied: `other` is always built as the plain constructor's.
    expect(candidates.filter((c) => c.expr === 'obj.__eq__(other)').map((c) => c.setup)).toEqual([
      ['other = Tally()', 'obj = Tally()', 'obj.n = 3'],
      ['other = Tally()', 'obj = Tally()'],
    ]);
  });
  it('builds a class without its own __init__ as its base in the module is built', async () => {
    const src = [
      'class ParseError(ValueError):',
      '    pass',
      '',
      'class ArityError(ParseError):',
      '    def __init__(self, expected: int, actual: int, name: str):',
      '        self.expected, self.actual, self.name = expected, actual, name',
      '',
      'class VariadicArityError(ArityError):',
      '    def __str__(self):',
      '        return "at least %s for %s" % (self.expected, self.name)',
    ].join('\n');
    expect(last(receiversFor(await target(src, 'VariadicArityError.__str__'), 'VariadicArityError'))[0]).toBe("obj = VariadicArityError(3, 3, 'Alice')");
  });

  it('builds an argument of a class the docstring names or the parameter is named after', async () => {
    const src = [
      'class Job:',
      '    def __init__(self, interval: int):',
      '        self.interval = interval',
      '',
      'class TokenList:',
      '    def __init__(self, tokens: list):',
      '        self.tokens = tokens',
      '',
      'def repeat(job, *args):',
      '    """Schedules it.',
      '',
      '    :param job: a :class:`Jobs <Job>`',
      '    """',
      '    return job.interval',
      '',
      'def first(token_list):',
      '    return token_list.tokens[0]',
      '',
      'def google(item, count):',
      '    """Google style.',
      '',
      '    Args:',
      '        item (Job): the job.',
      '        count (int): how many.',
      '    """',
      '    return item.interval * count',
    ].join('\n');
    const exprs = async (name: string) => buildCandidates(await target(src, name)).map((c) => c.expr);
    expect((await exprs('repeat'))[0]).toBe('repeat(Job(3))');
    expect((await exprs('first'))[0]).toBe('first(TokenList([1, 2]))');
    expect((await exprs('google'))[0]).toBe('google(Job(3), 3)');
  });
  it('builds a class its __new__ builds (a namedtuple subclass) and tests __new__ by calling the class', async () => {
    const src = [
      'import collections',
      '',
      "class Span(collections.namedtuple('Span', ('name', 'items'))):",
      '    __slots__ = ()',
      '',
      '    def __new__(cls, name: str, *items):',
      '        return super().__new__(cls, name, items)',
      '',
      '    def size(self):',
      '        return len(self.items)',
    ].join('\n');
    expect(last(receiversFor(await target(src, 'Span.size'), 'Span'))[0]).toBe("obj = Span('Alice')");
    expect(buildCandidates(await target(src, 'Span.__new__')).map((c) => c.expr)[0]).toBe("Span('Alice')");
  });

  it('builds a class whose instances come from __new__ (no __init__), with one value for *items', async () => {
    const src = [
      'import collections',
      '',
      "class Bag(collections.namedtuple('Bag', ('name', 'items'))):",
      '    def __new__(cls, name, *items):',
      '        return super().__new__(cls, name, items)',
      '',
      '    def size(self):',
      '        return len(self.items)',
      '',
    ].join('\n');
    const setups = receiversFor(await target(src, 'Bag.size'), 'Bag');
    expect(last(setups)[0]).toMatch(/^obj = Bag\([^,()]+\)$/);
    expect(last(setups)[1]).toMatch(/^obj = Bag\([^,()]+, [^()]+\)$/);
    // __new__ itself is tested by calling the class.
    expect(buildCandidates(await target(src, 'Bag.__new__')).every((c) => /^Bag\(/.test(c.expr))).toBe(true);
  });
});

describe('param-types: the type a docstring gives a parameter', () => {
  it('reads Sphinx, Google and NumPy styles', () => {
    expect(documentedType(':param x: the x\n:type x: pkg.Job\n', 'x')).toBe('pkg.Job');
    expect(documentedType(':param Job x: the x\n', 'x')).toBe('Job');
    expect(documentedType(':param x: the :class:`~pkg.Job` to run\n', 'x')).toBe('pkg.Job');
    expect(documentedType(':param x: a :class:`~pkg.Job`\n', 'x')).toBe('pkg.Job');
    expect(documentedType('Args:\n    x (int, optional): how many\n', 'x')).toBe('int');
    expect(documentedType('Parameters\n----------\nx : float\n    the x\n', 'x')).toBe('float');
    expect(documentedType(':param xy: a :class:`Job`\n', 'x')).toBe(null);
    // A documented `str` is left to the name and the body (an annotated `str` with a name that
    // says nothing would get the placeholder).
    const types = { enums: new Map(), constructors: new Map() };
    const margin = { name: 'margin', kind: 'positional_or_keyword' as const, annotation: null, default: null };
    expect(withInferredType(margin, { docstring: 'Args:\n    margin (str): the margin\n' }, types).annotation).toBe(null);
    expect(withInferredType({ ...margin, name: 'n' }, { docstring: ':type n: int\n' }, types).annotation).toBe('int');
    expect(withInferredType({ ...margin, name: 'start' }, { docstring: 'Args:\n    start (datetime.date): the first day\n' }, types).annotation).toBe('datetime.date');
    expect(withInferredType({ ...margin, name: 'x' }, { docstring: ':type x: other.Thing\n' }, types).annotation).toBe(null);
    expect(withInferredType({ ...margin, name: 'dt' }, { docstring: null }, types).annotation).toBe('datetime');
  });
});

