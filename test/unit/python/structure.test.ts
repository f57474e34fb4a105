import { describe, expect, it } from 'vitest';
import type { PyFunction, ParsedModule } from '../../../src/python/model.js';
import { methodKind, parsePython } from '../../../src/python/structure.js';

/** Joins lines with LF; line N of the result is lines[N - 1]. */
const py = (...lines: string[]): string => lines.join('\n') + '\n';

function fn(mod: ParsedModule, qualname: string): PyFunction {
  const found = mod.functions.filter((f) => f.qualname === qualname);
  expect(found, `function ${qualname}`).toHaveLength(1);
  return found[0] as PyFunction;
}

describe('parsePython: parameters', () => {
  it('reads every parameter kind, defaults and annotations as source text', async () => {
    const mod = await parsePython(
      py(
        'def f(a, b: int = 1, /, c=[1, 2], d: "Optional[str]" = None, *args: str, e, f: int = 3, **kw: Any) -> dict[str, int]:',
        '    pass',
      ),
    );
    const f = fn(mod, 'f');
    expect(f.parameters).toEqual([
      { name: 'a', kind: 'positional_only', annotation: null, default: null },
      { name: 'b', kind: 'positional_only', annotation: 'int', default: '1' },
      { name: 'c', kind: 'positional_or_keyword', annotation: null, default: '[1, 2]' },
      { name: 'd', kind: 'positional_or_keyword', annotation: '"Optional[str]"', default: 'None' },
      { name: 'args', kind: 'var_positional', annotation: 'str', default: null },
      { name: 'e', kind: 'keyword_only', annotation: null, default: null },
      { name: 'f', kind: 'keyword_only', annotation: 'int', default: '3' },
      { name: 'kw', kind: 'var_keyword', annotation: 'Any', default: null },
    ]);
    expect(f.returnAnnotation).toBe('dict[str, int]');
  });

  it('treats parameters after a bare * as keyword-only', async () => {
    const mod = await parsePython(py('def g(x, *, y=2, z, **rest):', '    return x'));
    expect(fn(mod, 'g').parameters.map((p) => [p.name, p.kind, p.default])).toEqual([
      ['x', 'positional_or_keyword', null],
      ['y', 'keyword_only', '2'],
      ['z', 'keyword_only', null],
      ['rest', 'var_keyword', null],
    ]);
  });

  it('handles no parameters, untyped *args/**kwargs and multi-line signatures', async () => {
    const mod = await parsePython(
      py(
        'def none():',
        '    pass',
        'def splat(*args, **kwargs):',
        '    pass',
        'def multi(',
        '    a,  # the first',
        '    b=(1,',
        '       2),',
        ') -> None:',
        '    pass',
      ),
    );
    expect(fn(mod, 'none').parameters).toEqual([]);
    expect(fn(mod, 'none').returnAnnotation).toBeNull();
    expect(fn(mod, 'splat').parameters).toEqual([
      { name: 'args', kind: 'var_positional', annotation: null, default: null },
      { name: 'kwargs', kind: 'var_keyword', annotation: null, default: null },
    ]);
    const multi = fn(mod, 'multi');
    expect(multi.parameters).toEqual([
      { name: 'a', kind: 'positional_or_keyword', annotation: null, default: null },
      { name: 'b', kind: 'positional_or_keyword', annotation: null, default: '(1,\n       2)' },
    ]);
    expect([multi.defLine, multi.bodyStartLine, multi.endLine]).toEqual([5, 10, 10]);
    expect(multi.returnAnnotation).toBe('None');
  });
});

describe('parsePython: methods and classes', () => {
  const source = py(
    'import functools',
    '',
    'class Shape(Base, metaclass=ABCMeta):',
    '    """A shape."""',
    '',
    '    def __init__(self, size):',
    '        self.size = size',
    '',
    '    @classmethod',
    '    def unit(cls):',
    '        return cls(1)',
    '',
    '    @staticmethod',
    '    def helper(x):',
    '        return x',
    '',
    '    @property',
    '    def area(self):',
    '        return self.size ** 2',
    '',
    '    @area.setter',
    '    def area(self, value):',
    '        self.size = value ** 0.5',
    '',
    '    @functools.cached_property',
    '    def perimeter(self):',
    '        return 4 * self.size',
    '',
    '    @cached_property',
    '    def diagonal(self):',
    '        return self.size * 1.41',
    '',
    '    @functools.lru_cache(maxsize=2)',
    '    def cached(self):',
    '        return 1',
    '',
    '    async def load(self):',
    '        await self.fetch()',
    '',
    '    class Inner:',
    '        def method(self):',
    '            pass',
  );

  it('gives each method its kind, qualname and class', async () => {
    const mod = await parsePython(source);
    expect(mod.functions.map((f) => [f.qualname, f.kind, f.className])).toEqual([
      ['Shape.__init__', 'method', 'Shape'],
      ['Shape.unit', 'classmethod', 'Shape'],
      ['Shape.helper', 'staticmethod', 'Shape'],
      ['Shape.area', 'property', 'Shape'],
      ['Shape.area', 'property', 'Shape'],
      ['Shape.perimeter', 'property', 'Shape'],
      ['Shape.diagonal', 'property', 'Shape'],
      ['Shape.cached', 'method', 'Shape'],
      ['Shape.load', 'method', 'Shape'],
      ['Shape.Inner.method', 'method', 'Shape.Inner'],
    ]);
    expect(mod.functions.map((f) => f.parentQualname)).toEqual([...Array(9).fill('Shape'), 'Shape.Inner']);
    expect(mod.hasSyntaxErrors).toBe(false);
    expect(mod.firstError).toBeNull();
    expect(mod.skipped).toEqual([]);
  });

  it("reads other libraries' and projects' property descriptors as properties, not calls or decorators that only look alike", () => {
    for (const d of ['property', 'builtins.property', 'functools.cached_property', 'abc.abstractproperty', 'instanceproperty', 'cacheutils.cachedproperty', 'werkzeug.utils.cached_property', 'classproperty', 'lazy_property', 'reify']) expect(methodKind([d])).toBe('property');
    for (const d of ['make_property(1)', 'property_cache', 'properties', 'lru_cache']) expect(methodKind([d])).toBe('method');
  });

  it('keeps decorator text without the @ and puts startLine on the first decorator', async () => {
    const mod = await parsePython(source);
    const setter = mod.functions.filter((f) => f.qualname === 'Shape.area')[1] as PyFunction;
    expect(setter.decorators).toEqual(['area.setter']);
    expect([setter.startLine, setter.defLine, setter.endLine]).toEqual([21, 22, 23]);
    const cached = fn(mod, 'Shape.cached');
    expect(cached.decorators).toEqual(['functools.lru_cache(maxsize=2)']);
    expect([cached.startLine, cached.defLine]).toEqual([33, 34]);
    const load = fn(mod, 'Shape.load');
    expect(load.isAsync).toBe(true);
    expect(fn(mod, 'Shape.__init__').isAsync).toBe(false);
  });

  it('lists classes with bases, docstring and nesting', async () => {
    const mod = await parsePython(source);
    expect(mod.classes).toEqual([
      {
        name: 'Shape',
        qualname: 'Shape',
        parentQualname: null,
        startLine: 3,
        defLine: 3,
        endLine: 42,
        decorators: [],
        bases: ['Base'],
        docstring: 'A shape.',
      },
      {
        name: 'Inner',
        qualname: 'Shape.Inner',
        parentQualname: 'Shape',
        startLine: 40,
        defLine: 40,
        endLine: 42,
        decorators: [],
        bases: [],
        docstring: null,
      },
    ]);
  });

  it('records class decorators, startLine and positional bases only', async () => {
    const mod = await parsePython(
      py('@dataclass(frozen=True)', '@total_ordering', 'class P(Generic[T], *mixins, **options):', '    x: int = 0'),
    );
    expect(mod.classes[0]).toMatchObject({
      decorators: ['dataclass(frozen=True)', 'total_ordering'],
      bases: ['Generic[T]', '*mixins'],
      startLine: 1,
      defLine: 3,
      endLine: 4,
    });
  });

  it('uses the outermost recognised decorator for the kind, and ignores them outside classes', async () => {
    const mod = await parsePython(
      py(
        'class A:',
        '    @classmethod',
        '    @property',
        '    def both(cls):',
        '        return 1',
        '    @property',
        '    @abstractmethod',
        '    def abstract(self):',
        '        ...',
        '@staticmethod',
        'def loose():',
        '    pass',
      ),
    );
    expect(fn(mod, 'A.both').kind).toBe('classmethod');
    expect(fn(mod, 'A.abstract').kind).toBe('property');
    expect(fn(mod, 'loose').kind).toBe('function');
    expect(fn(mod, 'loose').className).toBeNull();
  });
});

describe('parsePython: nesting', () => {
  const source = py(
    'def outer(x):', // 1
    '    def inner(y):', // 2
    '        def deepest():', // 3
    '            return y', // 4
    '        return deepest()', // 5
    '', // 6
    '    class Local:', // 7
    '        def method(self):', // 8
    '            return 1', // 9
    '', // 10
    '    @decorate', // 11
    '    def decorated():', // 12
    '        pass', // 13
    '    return inner(x) + Local().method()', // 14
    '', // 15
    'class C:', // 16
    '    def method(self):', // 17
    '        def helper():', // 18
    '            return 2', // 19
    '        f = lambda: 3', // 20
    '        return helper() + f()', // 21
  );

  it('builds coverage.py-style qualnames without <locals>', async () => {
    const mod = await parsePython(source);
    expect(mod.functions.map((f) => [f.qualname, f.kind, f.parentQualname, f.className])).toEqual([
      ['outer', 'function', null, null],
      ['outer.inner', 'nested', 'outer', null],
      ['outer.inner.deepest', 'nested', 'outer.inner', null],
      ['outer.Local.method', 'method', 'outer.Local', 'outer.Local'],
      ['outer.decorated', 'nested', 'outer', null],
      ['C.method', 'method', 'C', 'C'],
      ['C.method.helper', 'nested', 'C.method', null],
    ]);
    expect(mod.classes.map((c) => [c.qualname, c.parentQualname])).toEqual([
      ['outer.Local', 'outer'],
      ['C', null],
    ]);
  });

  it('lists every nested definition range, decorators included', async () => {
    const mod = await parsePython(source);
    expect(fn(mod, 'outer').nestedRanges).toEqual([
      [2, 5],
      [3, 4],
      [7, 9],
      [8, 9],
      [11, 13],
    ]);
    expect(fn(mod, 'outer.inner').nestedRanges).toEqual([[3, 4]]);
    expect(fn(mod, 'outer.inner.deepest').nestedRanges).toEqual([]);
    expect(fn(mod, 'C.method').nestedRanges).toEqual([[18, 19]]);
    const outer = fn(mod, 'outer');
    expect([outer.startLine, outer.endLine, outer.bodyStartLine, outer.bodyEndLine]).toEqual([1, 14, 2, 14]);
  });

  it('does not count lambdas as functions', async () => {
    const mod = await parsePython(py('square = lambda x: x * x', 'def f():', '    return (lambda: 1)()'));
    expect(mod.functions.map((f) => f.qualname)).toEqual(['f']);
    expect(fn(mod, 'f').nestedRanges).toEqual([]);
  });

  it('finds definitions under module-level if / try / with / else blocks with plain qualnames', async () => {
    const mod = await parsePython(
      py(
        'from typing import TYPE_CHECKING',
        'if TYPE_CHECKING:',
        '    def typed() -> int: ...',
        'else:',
        '    def typed() -> int:',
        '        return 0',
        'try:',
        '    import fast',
        'except ImportError:',
        '    def fallback():',
        '        return None',
        'finally:',
        '    def cleanup():',
        '        pass',
        'with ctx():',
        '    class InWith:',
        '        def m(self):',
        '            pass',
        'for i in range(2):',
        '    def looped():',
        '        pass',
      ),
    );
    expect(mod.functions.map((f) => [f.qualname, f.kind, f.defLine])).toEqual([
      ['typed', 'function', 3],
      ['typed', 'function', 5],
      ['fallback', 'function', 10],
      ['cleanup', 'function', 13],
      ['InWith.m', 'method', 17],
      ['looped', 'function', 20],
    ]);
    const stub = mod.functions[0] as PyFunction;
    expect([stub.bodyStartLine, stub.bodyEndLine, stub.endLine]).toEqual([3, 3, 3]);
  });

  it('treats a def under an if inside a class body as a method', async () => {
    const mod = await parsePython(
      py('class K:', '    if sys.version_info >= (3, 12):', '        @staticmethod', '        def new(): pass'),
    );
    expect(fn(mod, 'K.new')).toMatchObject({ kind: 'staticmethod', className: 'K', startLine: 3, defLine: 4 });
  });
});

describe('parsePython: line ranges', () => {
  it('ends a function at its last statement, not at trailing comments or blank lines', async () => {
    const mod = await parsePython(
      py(
        'def f():', // 1
        '    # leading comment', // 2
        '    x = 1', // 3
        '    if x:', // 4
        '        y = """a', // 5
        'b"""', // 6
        '        # inner trailing', // 7
        '    # trailing', // 8
        '', // 9
        '    # more', // 10
        'def g(): return 1', // 11
      ),
    );
    expect(fn(mod, 'f')).toMatchObject({ startLine: 1, defLine: 1, endLine: 6, bodyStartLine: 3, bodyEndLine: 6 });
    expect(fn(mod, 'g')).toMatchObject({ startLine: 11, endLine: 11, bodyStartLine: 11, bodyEndLine: 11 });
  });

  it('keeps line numbers right with CRLF and CR line endings', async () => {
    const lf = py('"""Module."""', 'def f(a):', '    """Doc', '    more."""', '    raise KeyError(a)', '', 'class C:', '    def m(self): pass');
    const crlf = lf.replace(/\n/g, '\r\n');
    const cr = lf.replace(/\n/g, '\r');
    const expected = await parsePython(lf);
    expect(fn(expected, 'f')).toMatchObject({ defLine: 2, endLine: 5, bodyStartLine: 3, docstring: 'Doc\n    more.' });
    expect(fn(expected, 'f').raises).toEqual([{ type: 'KeyError', message: null, line: 5 }]);
    expect(fn(expected, 'C.m').defLine).toBe(8);
    for (const variant of [crlf, cr]) {
      const mod = await parsePython(variant);
      expect(mod).toEqual(expected);
    }
  });

  it('keeps line numbers right with non-ASCII identifiers, strings and a BOM', async () => {
    const mod = await parsePython(
      '\uFEFF' +
        py(
          '# -*- coding: utf-8 -*-',
          'GRÜSSE = "héllo 😀 — ünïcödé"',
          'def größe(maß: float = 1.5) -> "Maß":',
          '    """Berechnet die Größe 😀."""',
          '    raise ValueError("ungültig: 😀")',
          '',
          'class Café:',
          '    def naïve(self, ñ):',
          '        return "日本語"',
          'z = {"😀": 1 2}',
        ),
    );
    expect(fn(mod, 'größe')).toMatchObject({
      defLine: 3,
      endLine: 5,
      docstring: 'Berechnet die Größe 😀.',
      parameters: [{ name: 'maß', kind: 'positional_or_keyword', annotation: 'float', default: '1.5' }],
      raises: [{ type: 'ValueError', message: 'ungültig: 😀', line: 5 }],
    });
    expect(fn(mod, 'Café.naïve')).toMatchObject({ defLine: 8, endLine: 9, className: 'Café' });
    // Columns count characters (code points), like Python: the stray `2` is the 13th.
    expect(mod.firstError).toEqual({ line: 10, column: 13 });
  });
});

describe('parsePython: docstrings', () => {
  it('reads single, double, triple-quoted, raw and unicode-prefixed docstrings', async () => {
    const mod = await parsePython(
      py(
        "def single(): 'single'",
        'def double():',
        '    "double"',
        'def triple():',
        '    """Line one.',
        '',
        '    Line two.',
        '    """',
        'def triple_single():',
        "    '''ts'''",
        'def raw():',
        '    r"""C:\\path\\n"""',
        'def escaped():',
        '    "tab\\there \\"q\\" \\x41\\u00e9 \\N{BULLET}\\q"',
        'def unicode():',
        '    u"ü"',
      ),
    );
    expect(mod.functions.map((f) => [f.qualname, f.docstring])).toEqual([
      ['single', 'single'],
      ['double', 'double'],
      ['triple', 'Line one.\n\n    Line two.\n    '],
      ['triple_single', 'ts'],
      ['raw', 'C:\\path\\n'],
      ['escaped', 'tab\there "q" Aé \\N{BULLET}\\q'],
      ['unicode', 'ü'],
    ]);
  });

  it('gives null for no docstring, a later string, f-strings, bytes and concatenations', async () => {
    const mod = await parsePython(
      py(
        'def none():',
        '    return 1',
        'def later():',
        '    x = 1',
        '    "not a docstring"',
        'def fstring():',
        '    f"hello {name}"',
        'def concatenated():',
        '    "a" "b"',
        'def bytes_doc():',
        '    b"bytes"',
        'def assigned():',
        '    doc = "x"',
        'def commented():',
        '    # comment first',
        '    """Still the docstring."""',
      ),
    );
    expect(mod.functions.map((f) => [f.qualname, f.docstring])).toEqual([
      ['none', null],
      ['later', null],
      ['fstring', null],
      ['concatenated', null],
      ['bytes_doc', null],
      ['assigned', null],
      ['commented', 'Still the docstring.'],
    ]);
    expect(fn(mod, 'commented').bodyStartLine).toBe(16);
  });
});

describe('parsePython: raise sites', () => {
  it('reads exception types and literal messages in the function’s own body only', async () => {
    const mod = await parsePython(
      py(
        'def f(x):', // 1
        '    if x < 0:', // 2
        '        raise ValueError("negative")', // 3
        '    try:', // 4
        '        g()', // 5
        '    except KeyError as e:', // 6
        '        raise errors.Bad from e', // 7
        '    except Exception:', // 8
        '        raise', // 9
        '    def inner():', // 10
        '        raise RuntimeError("inner only")', // 11
        '    class Local:', // 12
        '        raise TypeError("class body")', // 13
        '    raise errors.Bad(f"bad {x}")', // 14
        '    raise MyError(\'single \' "joined", code=3)', // 15
        '    raise MyError(msg="kw")', // 16
        '    raise exc_factory()("x")', // 17
        '    raise r"raw?"', // 18
        '    raise TypeError(r"a\\d+")', // 19
      ),
    );
    expect(fn(mod, 'f').raises).toEqual([
      { type: 'ValueError', message: 'negative', line: 3 },
      { type: 'errors.Bad', message: null, line: 7 },
      { type: null, message: null, line: 9 },
      { type: 'errors.Bad', message: null, line: 14 },
      { type: 'MyError', message: 'single joined', line: 15 },
      { type: 'MyError', message: null, line: 16 },
      { type: 'exc_factory()', message: 'x', line: 17 },
      { type: 'r"raw?"', message: null, line: 18 },
      { type: 'TypeError', message: 'a\\d+', line: 19 },
    ]);
    expect(fn(mod, 'f.inner').raises).toEqual([{ type: 'RuntimeError', message: 'inner only', line: 11 }]);
    expect(fn(mod, 'f').nestedRanges).toEqual([
      [10, 11],
      [12, 13],
    ]);
  });

  it('finds raises inside with / for / while / match blocks', async () => {
    const mod = await parsePython(
      py(
        'def f(cmd):',
        '    with open(cmd) as fh:',
        '        raise OSError("with")',
        '    for _ in fh:',
        '        while True:',
        '            raise StopIteration',
        '    match cmd:',
        '        case "x":',
        '            raise NotImplementedError("match")',
      ),
    );
    expect(fn(mod, 'f').raises.map((r) => [r.type, r.message, r.line])).toEqual([
      ['OSError', 'with', 3],
      ['StopIteration', null, 6],
      ['NotImplementedError', 'match', 9],
    ]);
  });
});

describe('parsePython: syntax errors', () => {
  it('skips the broken function and analyses the others', async () => {
    const mod = await parsePython(
      py(
        'def ok1():', // 1
        '    return 1', // 2
        '', // 3
        'def broken(x):', // 4
        '    return (x +', // 5
        '', // 6
        'def ok2():', // 7
        '    raise ValueError("still read")', // 8
        '', // 9
        'class K:', // 10
        '    def fine(self):', // 11
        '        return 1', // 12
        '    def bad(self):', // 13
        '        if x', // 14
        '            y = 2', // 15
        '    def after(self):', // 16
        '        pass', // 17
      ),
    );
    expect(mod.hasSyntaxErrors).toBe(true);
    expect(mod.firstError).toEqual({ line: 5, column: 5 });
    expect(mod.functions.map((f) => f.qualname)).toEqual(['ok1', 'ok2', 'K.fine', 'K.after']);
    expect(fn(mod, 'ok2').raises).toEqual([{ type: 'ValueError', message: 'still read', line: 8 }]);
    expect(mod.classes.map((c) => c.qualname)).toEqual(['K']);
    expect(mod.skipped).toEqual([
      { qualname: 'broken', line: 4, reason: 'contains a syntax error (line 5)' },
      { qualname: 'K.bad', line: 13, reason: 'contains a syntax error (line 14)' },
    ]);
  });

  it('recovers definitions after an unclosed bracket that swallows the rest of the file', async () => {
    const mod = await parsePython(
      py(
        'def ok1():', // 1
        '    return 1', // 2
        '', // 3
        'def broken(a, b:', // 4
        '    return a', // 5
        '', // 6
        'def ok2():', // 7
        '    return 2', // 8
        '', // 9
        '@decorator', // 10
        'class K:', // 11
        '    def m(self):', // 12
        '        return [1, 2', // 13
        '    def after(self):', // 14
        '        pass', // 15
        '', // 16
        'def last():', // 17
        '    pass', // 18
      ),
    );
    expect(mod.hasSyntaxErrors).toBe(true);
    expect(mod.firstError?.line).toBe(4);
    expect(mod.functions.map((f) => [f.qualname, f.startLine, f.endLine])).toEqual([
      ['ok1', 1, 2],
      ['ok2', 7, 8],
      ['last', 17, 18],
    ]);
    expect(mod.classes.map((c) => [c.qualname, c.startLine, c.decorators])).toEqual([['K', 10, ['decorator']]]);
    expect(mod.skipped).toEqual([
      { qualname: 'broken', line: 4, reason: 'inside a syntax error region (line 4)' },
      { qualname: 'K.m', line: 12, reason: 'contains a syntax error (line 13)' },
      { qualname: 'K.after', line: 14, reason: 'inside a syntax error region (line 13)' },
    ]);
  });

  it('skips a nested function with an error but keeps its parent and its range', async () => {
    const mod = await parsePython(
      py(
        'def outer():', // 1
        '    def inner(:', // 2
        '        pass', // 3
        '    return 1', // 4
      ),
    );
    expect(mod.hasSyntaxErrors).toBe(true);
    expect(mod.firstError).toEqual({ line: 2, column: 15 }); // the missing `)`
    expect(mod.skipped).toEqual([{ qualname: 'outer.inner', line: 2, reason: 'contains a syntax error (line 2)' }]);
    expect(mod.functions.map((f) => f.qualname)).toEqual(['outer']);
    expect(fn(mod, 'outer').nestedRanges).toEqual([[2, 3]]);
  });

  it('splits a broken function from the definitions its unclosed bracket swallowed', async () => {
    const mod = await parsePython(py('def f():', '    x = foo(1, 2', '', 'def g():', '    pass'));
    expect(mod.hasSyntaxErrors).toBe(true);
    expect(mod.firstError).toEqual({ line: 2, column: 5 });
    expect(mod.skipped).toEqual([{ qualname: 'f', line: 1, reason: 'contains a syntax error (line 2)' }]);
    expect(mod.functions.map((f) => [f.qualname, f.startLine, f.endLine])).toEqual([['g', 4, 5]]);
  });

  it('handles an empty file and a file without definitions', async () => {
    expect(await parsePython('')).toEqual({ functions: [], classes: [], skipped: [], hasSyntaxErrors: false, firstError: null });
    const mod = await parsePython(py('import os', 'X = 1'));
    expect(mod.functions).toEqual([]);
    expect(mod.hasSyntaxErrors).toBe(false);
  });
});

describe('parsePython: unreadable definitions', () => {
  it('lists a def whose name is lost with qualname null, and keeps later definitions', async () => {
    const mod = await parsePython(py('def (x):', '    return x', '', 'def ok():', '    return 1'));
    expect(mod.hasSyntaxErrors).toBe(true);
    expect(mod.functions.map((f) => f.qualname)).toEqual(['ok']);
    expect(mod.skipped).toEqual([{ qualname: null, line: 1, reason: 'inside a syntax error region (line 1)' }]);
  });
});

describe('parsePython with a focus', () => {
  const src = [
    'def a():', //            1
    '    return 1', //        2
    '', //                    3
    '', //                    4
    'def b():', //            5
    '    x = 1', //           6
    '    def inner():', //    7
    '        return 2', //    8
    '    return x', //        9
    '', //                    10
    '', //                    11
    'class C:', //            12
    '    def m(self):', //    13
    '        return 3', //    14
    '', //                    15
    '    def n(self):', //    16
    '        return 4', //    17
  ].join('\n');

  it('lists only the definitions that meet the lines, keeping nested ranges of the ones it lists', async () => {
    const full = await parsePython(src);
    const focused = await parsePython(src, { focus: [{ start: 6, end: 6 }, { start: 17, end: 17 }] });
    expect(full.partial).toBeUndefined();
    expect(focused.partial).toBe(true);
    expect(focused.functions.map((f) => f.qualname)).toEqual(['b', 'C.n']);
    expect(focused.classes.map((c) => c.qualname)).toEqual(['C']);
    const b = focused.functions[0]!;
    expect(b.nestedRanges).toEqual([[7, 8]]);
    expect(b).toEqual(full.functions.find((f) => f.qualname === 'b'));
  });
});
