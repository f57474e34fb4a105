import { describe, expect, it } from 'vitest';
import { parseDoctest } from '../../../src/generate/infer/doctest.js';
import { parseAnnotation } from '../../../src/generate/infer/annotation.js';
import { parameterValues, fromName } from '../../../src/generate/infer/values.js';
import { buildCandidates, printedExpression, renderArgs } from '../../../src/generate/infer/candidates.js';
import { pyStr, strValue } from '../../../src/generate/infer/python-literal.js';
import { functionFacts, moduleTypes } from '../../../src/python/facts.js';
import { parsePython } from '../../../src/python/structure.js';
import type { Parameter } from '../../../src/python/model.js';

const param = (name: string, annotation: string | null = null, def: string | null = null): Parameter => ({ name, kind: 'positional_or_keyword', annotation, default: def });
const noTypes = { enums: new Map(), constructors: new Map() };
const ctx = { placeholder: 'test_value', types: noTypes };

/** The values (as source) of the parameter `name` of the first function of `src`, as its body's facts make them. */
async function firstParameterValues(src: string, name: string): Promise<string[]> {
  const mod = await parsePython(src);
  const facts = await functionFacts(src, mod.functions);
  const fn = mod.functions[0]!;
  return parameterValues(fn.parameters.find((p) => p.name === name)!, facts.get(fn)!.params.get(name), ctx).map((v) => v.src);
}

describe('doctest examples', () => {
  it('reads sources, continuations and expected output', () => {
    const examples = parseDoctest('Add.\n\n    >>> add(1,\n    ...     2)\n    3\n    >>> x = 5\n    >>> add(x, 1)\n    6\n');
    expect(examples).toEqual([
      { source: 'add(1,\n    2)', want: '3' },
      { source: 'x = 5', want: '' },
      { source: 'add(x, 1)', want: '6' },
    ]);
    expect(parseDoctest('no examples here')).toEqual([]);
  });
});

describe('doctest examples that print', () => {
  it('call what print shows, so the test asserts its value rather than the None print returns', () => {
    expect(printedExpression("print(default_tzinfo(parse('2014-01-01 12:30'), tz))")).toBe("default_tzinfo(parse('2014-01-01 12:30'), tz)");
    expect(printedExpression("print(f(')'))")).toBe("f(')')");
    // Not one positional argument, not print's own parentheses, not a print at all.
    for (const source of ['print(a, b)', "print(a, end='')", 'print(*xs)', 'print(a), print(b)', 'print(a)(b)', 'print()', 'pprint(a)', 'print(a,\n b)']) expect(printedExpression(source)).toBeNull();
  });
});

describe('annotations', () => {
  it('reads Optional, unions, generics, Literal and quoted names', () => {
    expect(parseAnnotation('Optional[int]')).toEqual({ kind: 'union', options: [{ kind: 'name', name: 'int', args: [] }, { kind: 'name', name: 'None', args: [] }] });
    expect(parseAnnotation('dict[str, "Widget"]')).toEqual({ kind: 'name', name: 'dict', args: [{ kind: 'name', name: 'str', args: [] }, { kind: 'name', name: 'Widget', args: [] }] });
    expect(parseAnnotation("Literal['a', 'b']")).toEqual({ kind: 'literal', values: ["'a'", "'b'"] });
    expect(parseAnnotation('int | None')).toMatchObject({ kind: 'union' });
    expect(parseAnnotation('typing.Tuple[int, ...]')).toMatchObject({ kind: 'name', name: 'typing.Tuple', args: [{ kind: 'name' }, { kind: 'ellipsis' }] });
  });
});

describe('parameter values', () => {
  it('gives an object read only through its attributes a namespace with them (not the methods it calls)', async () => {
    const src = 'def cmd(args):\n    if args.verbose:\n        args.log.write("x")\n    return args.version\n';
    const mod = await parsePython(src);
    const facts = await functionFacts(src, mod.functions);
    const fn = mod.functions[0]!;
    const values = parameterValues(fn.parameters[0]!, facts.get(fn)!.params.get('args'), ctx);
    expect(values[0]).toMatchObject({ src: "types.SimpleNamespace(verbose=True, log=None, version='1.2.3')", setup: ['import types'] });
    // Read unconditionally: no object with one attribute alone.
    expect(values.filter((v) => v.src.startsWith('types.SimpleNamespace('))).toHaveLength(1);
  });

  it('gives an argument the body asks getattr/hasattr about a value lacking the attribute: a list as an iterator', async () => {
    const src = "def find(iterable, value, start=0):\n    seq_index = getattr(iterable, 'index', None)\n    if seq_index is None and start < 0:\n        iterable = tuple(iterable)\n    return list(iterable)\n";
    const values = await firstParameterValues(src, 'iterable');
    expect(values.slice(0, 2)).toEqual(['[3, 1, 2]', 'iter([3, 1, 2])']);
  });

  it('gives hasattr-guarded branches an object with each attribute alone, beyond the usual number of values', async () => {
    const src = "def name_of(node):\n    if hasattr(node, 'id'):\n        return node.id\n    if hasattr(node, 'name'):\n        return node.name\n    if hasattr(node, 'rest'):\n        return node.rest\n";
    const values = await firstParameterValues(src, 'node');
    expect(values).toEqual(expect.arrayContaining(["types.SimpleNamespace(id='item-1', name='Alice', rest=None)", "types.SimpleNamespace(id='item-1')", "types.SimpleNamespace(name='Alice')", "types.SimpleNamespace(rest='rest')"]));
  });

  it('builds a class an isinstance check names and nothing describes: with the attributes read, then bare; one of each type first', async () => {
    const src = 'def alternatives(n):\n    if isinstance(n, ast.If):\n        return [n.body]\n    elif isinstance(n, (ast.Try, Hashable)):\n        return [n.body + n.orelse]\n    elif isinstance(n, ast.Match):\n        return [c.body for c in n.cases]\n';
    const values = await firstParameterValues(src, 'n');
    // Abstract types (Hashable) are not built; a name's hint (body: a text) is the third try.
    expect(values.slice(0, 6)).toEqual([
      'ast.If(body=[], orelse=[], cases=[])',
      'ast.Try(body=[], orelse=[], cases=[])',
      'ast.Match(body=[], orelse=[], cases=[])',
      'ast.If()',
      'ast.Try()',
      'ast.Match()',
    ]);
    expect(values).toContain("ast.If(body='Hello world', orelse=[], cases=[])");
  });

  it('imports the module of an isinstance type the function imports itself', async () => {
    const src = 'def at(when, tz=None):\n    import pytz\n    if isinstance(tz, pytz.BaseTzInfo):\n        return tz\n    if isinstance(when, other.Kind):\n        return when\n';
    const mod = await parsePython(src);
    const facts = await functionFacts(src, mod.functions);
    const fn = mod.functions[0]!;
    expect(parameterValues(fn.parameters[1]!, facts.get(fn)!.params.get('tz'), ctx)[0]).toEqual({ src: 'pytz.BaseTzInfo()', origin: 'body', setup: ['import pytz'] });
    // `other` is the module's own name (imported at its top, or not at all): no import added.
    expect(parameterValues(fn.parameters[0]!, facts.get(fn)!.params.get('when'), ctx)[0]).toEqual({ src: 'other.Kind()', origin: 'body' });
  });

  it('gives a parameter the body decodes bytes, valid UTF-8 and not, before what its name suggests', async () => {
    const src = 'def guess(text):\n    try:\n        return text.decode("utf-8")\n    except UnicodeDecodeError:\n        return text.decode("latin1")\n';
    const values = await firstParameterValues(src, 'text');
    expect(values.slice(0, 2)).toEqual(["b'hello world'", "b'caf\\xe9 \\xff'"]);
  });

  it('gives a format specification, a strftime format, and a number\'s text holding a checked substring', async () => {
    const src = 'def f(val, kind, spec, width, when, fmt, text, pattern):\n    if kind is float and "," in val:\n        val = float(val.replace(",", ""))\n    a = format(val, spec) + f"{val:{spec}}" + f"{val:>{width}}"\n    return when.strftime(fmt), datetime.strptime(text, pattern)\n';
    const specs = await firstParameterValues(src, 'spec');
    expect(specs.slice(0, 4)).toEqual(["'.2f'", "','", "'>8'", "''"]);
    // A width inside a specification is no specification.
    expect(await firstParameterValues(src, 'width')).not.toContain("'.2f'");
    for (const name of ['fmt', 'pattern']) expect((await firstParameterValues(src, name))[0]).toBe("'%Y-%m-%d'");
    // Converted with float() after `',' in val`: the text of a number holding a comma, after the plain one.
    expect((await firstParameterValues(src, 'val')).slice(0, 2)).toEqual(["'a,b'", "'1,000'"]);
    // Compared with builtin types: each, then one none of them is.
    expect((await firstParameterValues(src, 'kind')).slice(0, 2)).toEqual(['float', 'object']);
  });

  it('puts the body\'s literals and branch boundaries first', async () => {
    const src = 'def f(x, mode):\n    if x > 10:\n        return 1\n    if mode in ("fast", "slow"):\n        return 2\n    return 0\n';
    const mod = await parsePython(src);
    const facts = await functionFacts(src, mod.functions);
    const fn = mod.functions[0]!;
    const xs = parameterValues(fn.parameters[0]!, facts.get(fn)!.params.get('x'), ctx).map((v) => v.src);
    expect(xs.slice(0, 3)).toEqual(['10', '11', '9']);
    const modes = parameterValues(fn.parameters[1]!, facts.get(fn)!.params.get('mode'), ctx).map((v) => v.src);
    expect(modes.slice(0, 2)).toEqual(['"fast"', '"slow"']);
  });

  it('uses annotations, prefixes, names, and the placeholder only for a string nothing describes', async () => {
    const src = 'def g(s: str):\n    if s.startswith("ab"):\n        return 1\n';
    const mod = await parsePython(src);
    const facts = await functionFacts(src, mod.functions);
    const fn = mod.functions[0]!;
    expect(parameterValues(fn.parameters[0]!, facts.get(fn)!.params.get('s'), ctx)[0]!.src).toBe("'abHello world'");
    expect(parameterValues(param('email', 'str'), undefined, ctx).map((v) => v.src)).toEqual(["'user@example.com'"]);
    expect(parameterValues(param('zorp', 'str'), undefined, ctx)).toEqual([{ src: "'test_value'", origin: 'placeholder', placeholder: true }]);
    expect(parameterValues(param('n', 'int'), undefined, ctx)[0]!.src).toBe('3');
    expect(parameterValues(param('items', 'list[int]'), undefined, ctx)[0]!.src).toBe('[3, 0]');
    expect(parameterValues(param('flag', 'bool'), undefined, ctx).map((v) => v.src)).toEqual(['True', 'False']);
    expect(fromName('path').values).toEqual(["tmp_path / 'example.txt'"]);
    // An open file, by its name: lines of text, the last without its newline, with its import.
    expect(parameterValues(param('file_obj', null), undefined, ctx)[0]).toEqual({ src: 'io.StringIO(\'{"a": 1}\\n{"b": 2}\')', origin: 'name', setup: ['import io'] });
    expect(fromName('config_file').values).toEqual(["tmp_path / 'example.txt'"]);
  });

  it('builds an instance plain, wired to another class of the module, and through its fluent properties', async () => {
    const src = [
      'class Scheduler:',
      '    def __init__(self):',
      '        self.jobs = []',
      '',
      'class Job:',
      '    def __init__(self, interval: int, scheduler=None):',
      '        self.interval = interval',
      '        self.scheduler = scheduler',
      '',
      '    @property',
      '    def seconds(self):',
      '        self.unit = "seconds"',
      '        return self',
      '',
      '    @property',
      '    def next(self):',
      '        return self.interval + 1',
      '',
      '    @property',
      '    def minutes(self):',
      '        # a comment',
      '        self.unit = "minutes"',
      '        return self',
      '',
      '    @property',
      '    def hours(self):',
      '        self.unit = "hours"',
      '        return self',
      '',
    ].join('\n');
    const mod = await parsePython(src);
    const types = await moduleTypes(src, mod);
    // `next` returns something else: not fluent.
    expect(types.fluent).toEqual(new Map([['Job', ['seconds', 'minutes', 'hours']]]));
    const values = parameterValues(param('job', 'Job'), undefined, { placeholder: 'test_value', types }).map((v) => v.src);
    expect(values).toEqual(['Job(3)', 'Job(3, scheduler=Scheduler()).seconds', 'Job(3, scheduler=Scheduler())', 'Job(3, scheduler=Scheduler()).minutes']);
  });

  it('builds enum members and dataclass instances from the module', async () => {
    const src = 'import enum\nfrom dataclasses import dataclass\n\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\n\n@dataclass\nclass Point:\n    x: int\n    y: int = 0\n\ndef paint(c: Color, p: Point):\n    return c, p\n';
    const mod = await parsePython(src);
    const types = await moduleTypes(src, mod);
    expect(types.enums.get('Color')).toEqual(['RED', 'BLUE']);
    const fn = mod.functions.find((f) => f.name === 'paint')!;
    const withTypes = { placeholder: 'test_value', types };
    expect(parameterValues(fn.parameters[0]!, undefined, withTypes).map((v) => v.src)).toEqual(['Color.RED', 'Color.BLUE']);
    expect(parameterValues(fn.parameters[1]!, undefined, withTypes)[0]!.src).toBe('Point(3)');
  });
});

describe('candidates', () => {
  it('takes doctest examples first, then calls of methods on built instances, properties as attributes', async () => {
    const src = 'class Cart:\n    def __init__(self, owner: str):\n        self.owner = owner\n\n    def add(self, qty: int) -> int:\n        """\n        >>> Cart("ann").add(2)\n        2\n        """\n        return qty\n\n    @property\n    def size(self) -> int:\n        return 0\n';
    const mod = await parsePython(src);
    const facts = await functionFacts(src, mod.functions);
    const types = await moduleTypes(src, mod);
    const base = { cls: mod.classes[0]!, module: 'shop', facts, types, functions: mod.functions, placeholder: 'test_value' };
    const add = buildCandidates({ ...base, fn: mod.functions.find((f) => f.name === 'add')! });
    expect(add[0]).toMatchObject({ origin: 'doctest', expr: 'Cart("ann").add(2)', want: '2' });
    expect(add[1]).toMatchObject({ origin: 'inferred', setup: ["obj = Cart('Alice')"], expr: 'obj.add(3)' });
    const size = buildCandidates({ ...base, fn: mod.functions.find((f) => f.name === 'size')! });
    expect(size.map((c) => c.expr)).toContain('obj.size');
  });

  it('renders positional arguments until one is skipped, keywords after', () => {
    const params = [param('a'), param('b', null, '1'), param('c', null, '2'), { ...param('d'), kind: 'keyword_only' as const }];
    const v = (src: string) => ({ src, origin: 'body' as const });
    expect(renderArgs(params, [v('x'), null, v('y'), v('z')])).toBe('x, c=y, d=z');
    expect(renderArgs(params, [v('x'), v('w'), null, null])).toBe('x, w');
  });
});

describe('Python literals', () => {
  it('writes and reads str literals as Python does', () => {
    expect(pyStr("it's")).toBe('"it\'s"');
    expect(pyStr('a\nb\\')).toBe("'a\\nb\\\\'");
    expect(strValue("'a\\tb'")).toBe('a\tb');
    expect(strValue("r'a\\tb'")).toBe('a\\tb');
    expect(strValue("f'x'")).toBeNull();
  });
});

describe('doctest statements', () => {
  it('tells assignments from expressions', async () => {
    const { isAssignment } = await import('../../../src/generate/infer/candidates.js');
    expect(isAssignment('a, b = partition(x)')).toBe(true);
    expect(isAssignment('total += 1')).toBe(true);
    expect(isAssignment('x[0] = 1')).toBe(true);
    expect(isAssignment('f(key=1)')).toBe(false);
    expect(isAssignment('a == b')).toBe(false);
    expect(isAssignment('a <= b')).toBe(false);
    expect(isAssignment("f('=')")).toBe(false);
    expect(isAssignment('(y := 2)')).toBe(false);
  });
});

describe('doctest sessions', () => {
  it('examples that use a value the target returned are examples of the target', async () => {
    const src = 'def parse(v):\n    """\n    >>> ver = parse("1.2.3")\n    >>> ver["major"]\n    1\n    >>> other = 5\n    >>> other + 1\n    6\n    """\n    return {"major": 1}\n';
    const mod = await parsePython(src);
    const fn = mod.functions[0]!;
    const c = buildCandidates({ fn, cls: null, module: 'semver', facts: await functionFacts(src, mod.functions), types: noTypes, functions: mod.functions, placeholder: 'test_value' });
    const doctests = c.filter((x) => x.origin === 'doctest');
    expect(doctests).toEqual([{ setup: ['ver = parse("1.2.3")'], expr: 'ver["major"]', origin: 'doctest', placeholder: false, want: '1' }]);
  });

  it("calls in a target's own examples that do not name it are tried as entry points (a method wired up at run time)", async () => {
    const src = 'class Stats:\n    def _calc_mode(self):\n        """\n        >>> mode([2, 1, 3, 1])\n        1\n        >>> print(mode(["a"]))\n        a\n        >>> 3 + 4\n        7\n        """\n        return 1\n';
    const mod = await parsePython(src);
    const fn = mod.functions.find((f) => f.name === '_calc_mode')!;
    const c = buildCandidates({ fn, cls: mod.classes[0]!, module: 'stats', facts: await functionFacts(src, mod.functions), types: noTypes, functions: mod.functions, placeholder: 'test_value' });
    expect(c.filter((x) => x.origin === 'doctest')).toEqual([
      { setup: [], expr: 'mode([2, 1, 3, 1])', origin: 'doctest', placeholder: false, entry: true },
      { setup: [], expr: 'mode(["a"])', origin: 'doctest', placeholder: false, entry: true },
    ]);
  });
});

describe('placeholder values', () => {
  it('a container built around the placeholder is a placeholder value too', () => {
    const values = parameterValues(param('zorps', 'tuple[str, ...]'), undefined, ctx);
    expect(values[0]).toMatchObject({ src: "('test_value',)", placeholder: true });
  });

  it('dates and times get real values, with their import', () => {
    expect(parameterValues(param('when', 'dt.date | dt.datetime'), undefined, ctx).slice(0, 2)).toEqual([
      { src: 'datetime.date(2024, 1, 31)', origin: 'annotation', setup: ['import datetime'] },
      { src: 'datetime.datetime(2024, 1, 31, 12, 30)', origin: 'annotation', setup: ['import datetime'] },
    ]);
  });
});
