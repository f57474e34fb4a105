import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../../src/python/decode.js';
import { outlinePython } from '../../../src/python/outline.js';
import { scanOutline } from '../../../src/python/outline-scan.js';
import { requirePython } from '../../helpers/python.js';

/** Joins lines with LF; line N of the result is lines[N - 1]. */
const py = (...lines: string[]): string => lines.join('\n') + '\n';

/** Where the scanner answers, its outline is tree-sitter's (outlinePython()), field for field. Returns whether it answered. */
async function expectNullOrSame(source: string): Promise<boolean> {
  const fast = scanOutline(source);
  if (fast === null) return false;
  expect(fast).toEqual(await outlinePython(source));
  return true;
}

/** Ordinary code: the scanner must answer, with tree-sitter's outline. */
const ORDINARY: Record<string, string> = {
  'functions, methods of every kind, nesting through classes': py(
    'import functools',
    '',
    'def top(a, b=1, *args, c: int = 2, **kw) -> "int":',
    '    """Doc',
    '    on two lines."""',
    '    def inner():',
    '        class Local:',
    '            def method(self):',
    '                def deepest():',
    '                    return 1',
    '                return deepest',
    '        return Local',
    '    return inner',
    '',
    '@functools.lru_cache',
    'async def cached(x):  # trailing comment',
    '    await x',
    '    # a comment ending the body',
    '',
    'class A(Base, metaclass=M):',
    '    "class doc"',
    '    @staticmethod',
    '    def s(): ...',
    '    @ classmethod',
    '    def c(cls): pass',
    '    @property',
    '    def p(self): return 1',
    '    @p.setter',
    '    def p(self, v): pass',
    '    @functools.cached_property',
    '    def cp(self): return 2',
    '    @builtins.staticmethod',
    '    def bs(): pass',
    '    async def am(self):',
    '        r"""raw \\n doc"""',
    '        pass',
    '    class Inner:',
    '        def m(self):',
    '            "escaped \\n docstring \\x41 \\u00e9 \\N{BULLET}"',
    '            return [lambda: 1]',
  ),
  'definitions inside statements': py(
    'if X:',
    '    def a(): pass',
    'elif Y:',
    '    def b(): pass',
    'else:',
    '    def c(): pass',
    'try:',
    '    def d(): pass',
    'except (ValueError, KeyError) as e:',
    '    def e(): pass',
    'except Exception:',
    '    pass',
    'else:',
    '    pass',
    'finally:',
    '    def f(): pass',
    'for i, (j, *k) in x:',
    '    def g(): pass',
    'else:',
    '    pass',
    'while y:',
    '    with open(p) as h, q() as (r, s):',
    '        async def i():',
    '            async with a as b:',
    '                async for c in d:',
    '                    def j(): pass',
  ),
  'docstrings of every form': py(
    'def plain():',
    '    """plain"""',
    'def single(): \'single\'',
    'def raw():',
    '    R"""\\d+"""',
    'def unicode():',
    '    u"u prefix"',
    'def fstring():',
    '    f"not a docstring"',
    'def fstring_braces():',
    '    f"{{doubled}}"',
    'def bytes_():',
    '    b"not a docstring"',
    'def concatenated():',
    '    "a" "b"',
    'def called():',
    '    "a".strip()',
    'def commented():',
    '    """doc"""  # a comment after it',
    'def semicolon():',
    '    "doc"; x = 1',
    'def parenthesised():',
    '    ("not a docstring")',
    'def after_comment():',
    '    # a comment first',
    '    """still the docstring"""',
    'def escapes():',
    '    """quotes \\" \\\' and \\\\ and a continued \\',
    '    line"""',
    'def no_doc():',
    '    x = "x"',
  ),
  'multi-line statements, strings and continuations': py(
    'x = (1 +',
    '     2)',
    'def f(a,',
    '      b,  # a comment inside the brackets',
    '      c):',
    '    s = """a',
    'def not_a_def():',
    '    pass',
    '"""',
    '    t = [',
    '        1,',
    '    ]',
    '    u = 1 + \\',
    '        2',
    '    return {"k": [v for v in t if v],',
    '            **extra}',
    '',
    '@decorate(',
    '    1,  # why',
    '    two=2,',
    ')',
    'def g(): return (',
    '    1)',
  ),
  'comments and blank lines at any indentation': py(
    'def f():',
    '    x = 1',
    '# a comment at column 0 inside the body',
    '    y = 2',
    '            # a deeper one',
    '    ',
    '        ',
    '    return y',
    '    # trailing, inside',
    '  # trailing, odd indent',
    '',
    '# between',
    'class C:',
    '',
    '    # before the method',
    '    def m(self):',
    '        pass',
    '',
    '',
    '    # after it',
  ),
  'expressions of every kind': py(
    'def f(a, /, b, *, c):',
    '    x = a if b else c',
    '    y = lambda p, q=1, *r, s, **t: p',
    '    z = not a or b and c',
    '    w = a < b <= c != d is not e not in f in g is h',
    '    v = -a ** -b // ~c % d @ e | f ^ g & h << i >> j',
    '    u = a[1:2, ::3, :, ...][b](*c, **d, e=1)[-1].g',
    '    t = {**a, "b": 1}, {1, *b}, [*c], (*d,), ()',
    '    s = [i for i in a if i for j in b], {k: v for k, v in c}, {e for e in d}, (g for g in h)',
    '    r = f(x for x in y)',
    '    q = 0x1F, 0o17, 0b101, 1_000, 1.5e-3, .5, 5., 3j, 1e10J, 0, 00',
    '    p, *o = n = m[0] = l.k = (j, i) = [h, g] = yield',
    '    a += 1; b -= 2; c *= 3; d /= 4; e //= 5; f %= 6; g @= 7; h &= 8; i |= 9; j ^= 10; k >>= 11; l <<= 12; m **= 13',
    '    n: int = 1',
    '    o.p: "str"',
    '    q[0]: int',
    '    yield from r',
    '    await s',
    '    del t, u[0], v.w',
    '    global G',
    '    nonlocal N',
    '    assert x, "message"',
    '    raise E from None',
    '    raise',
    '    return',
    '    print(x, file=sys.stderr)',
    '    exec(code)',
    '    match = 1',
    '    type(x)',
    '    from . import (a, b,)',
    '    from ..pkg.mod import c as d, e',
    '    from ...up import *',
    '    from __future__ import annotations',
    '    import os.path as p, sys',
    '    if (x): pass',
    '    with (a, b): pass',
    '    for (a, b) in c: pass',
    '    [a, b] = c',
  ),
  'line endings, BOM and an unterminated last line': '\ufeffdef f():\r\n    """doc\r\n    two"""\r\n    return 1\rdef g(): pass',
  'an empty module and one with only comments': '',
};

/** Inputs the scanner leaves to tree-sitter: beyond its subset, or not valid Python. */
const LEFT_TO_TREE_SITTER: Record<string, string> = {
  'a tab in the indentation': 'def f():\n\treturn 1\n',
  'a form feed': 'x = 1\n\fdef f(): pass\n',
  'a non-ASCII name': 'def café(): pass\n',
  'an f-string with an interpolation': 'def f(x):\n    return f"{x}"\n',
  'a t-string': 'x = t"{y}"\n',
  'a match statement': 'match x:\n    case 1:\n        pass\n',
  'a type alias': 'type X = int\n',
  'a walrus': 'if (n := 1): pass\n',
  'except*': 'try:\n    pass\nexcept* E:\n    pass\n',
  'type parameters': 'def f[T](x: T) -> T: return x\n',
  'an async comprehension': 'async def f():\n    return [x async for x in y]\n',
  'a print statement': 'print "x"\n',
  'a starred expression statement (Python takes it, tree-sitter does not)': '*[0], b.c\n',
  'an exec statement': 'exec "x = 1"\n',
  'Python 2 backticks': 'x = `y`\n',
  'a syntax error in a body': 'def f():\n    x = = 1\n',
  'an unclosed bracket': 'def f(:\n    pass\n',
  'a def without a name': 'def (): pass\n',
  'an unterminated string': 'x = "abc\ndef f(): pass\n',
  'an unterminated triple-quoted string': 'x = """abc\ndef f(): pass\n',
  'an unexpected indent': 'x = 1\n    y = 2\n',
  'an inconsistent dedent': 'def f():\n        x = 1\n    y = 2\n',
  'a missing body': 'def f():\nx = 1\n',
  'a stray continuation': 'x = 1 \\ y\n',
  'a continuation at the end': 'x = 1 \\\n',
  'a continuation into a blank line': 'x = 1 \\\n\ny = 2\n',
  'a NUL character': 'x = "a\0b"\ndef f(): pass\n',
  'an assignment to a call': 'f() = 1\n',
  'an assignment to a literal': '1 = x\n',
  'an assignment to one name in parentheses': '(a) = 1\n',
  'an augmented assignment to a tuple': 'a, b += 1\n',
  'a lone starred assignment': '*a = b\n',
  'a lone starred expression': 'x = *a\n',
  'a leading-zero number': 'x = 07\n',
  'a Python 2 long': 'x = 1L\n',
  'a Python 2 except': 'try:\n    pass\nexcept E, e:\n    pass\n',
  'an ur prefix': 'x = ur"a"\n',
  'bytes with non-ASCII characters': 'x = b"é"\n',
  'a backslash-newline in a single-quoted string': 'x = "a\\\nb"\n',
  'a decorator without a definition': '@dec\nx = 1\n',
  'async class': 'async class C: pass\n',
  'a try without handlers': 'try:\n    pass\nx = 1\n',
  'an else without an if': 'else:\n    pass\n',
  'mismatched brackets': 'x = (1, 2]\n',
  'a generator beside other arguments': 'f(a, x for x in y)\n',
  'a starred subscript': 'x = a[*b]\n',
  'a lambda in a comprehension condition': 'x = [a for a in b if lambda: c]\n',
  'a dollar sign': 'x = $y\n',
  'a dict comprehension of an unpacking': 'x = {**a for a in b}\n',
  'a set comprehension of a starred element': 'x = {*a for a in b}\n',
  'from __future__ import *': 'from __future__ import *\ndef f(): pass\n',
  'not equal as <>': 'x = a <> b\n',
};

describe('scanOutline', () => {
  it.each(Object.entries(ORDINARY))('answers ordinary code with tree-sitter\'s outline: %s', async (_name, source) => {
    expect(scanOutline(source), 'the scanner answers').not.toBeNull();
    expect(await expectNullOrSame(source)).toBe(true);
  });

  it.each(Object.entries(LEFT_TO_TREE_SITTER))('leaves to tree-sitter %s', async (_name, source) => {
    expect(scanOutline(source)).toBeNull();
  });

  it('on deep nesting, gives up or answers with tree-sitter\'s outline, without throwing', async () => {
    for (const source of [
      `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
      `x = ${'-'.repeat(5000)}1\n`,
      `x = ${'not '.repeat(5000)}1\n`,
      `x = ${'lambda: '.repeat(5000)}1\n`,
      `x = 1${' ** 1'.repeat(20000)}\n`,
      `x = ${'a if b else '.repeat(5000)}c\n`,
      Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}if x:\n`).join('') + `${' '.repeat(150)}def f(): pass\n`,
    ]) {
      await expectNullOrSame(source);
    }
  });

  it('keeps no state from one module to the next (a module it gave up on, then an ordinary one)', async () => {
    expect(scanOutline('def f(:\n')).toBeNull();
    await expectNullOrSame(ORDINARY['functions, methods of every kind, nesting through classes']!);
    expect(scanOutline(`${'x = 1\n'.repeat(20000)}def f():\n    pass\n`)?.functions.map((f) => [f.qualname, f.startLine, f.endLine])).toEqual([['f', 20001, 20002]]);
  });

  it('answers on a module of the benchmark\'s synthetic repository', async () => {
    expect(await expectNullOrSame(syntheticModule(7, 20))).toBe(true);
  });
});

/** A module as ../shared/bench/synth_repo.py writes them: `count` functions and one class. */
function syntheticModule(m: number, count: number): string {
  const parts = [`"""Synthetic module ${m}."""\n\n`];
  for (let k = 0; k < count; k++) {
    parts.push(
      `def func_${k}(value: int, label: str = "x") -> int:\n    """Return a number derived from value."""\n    total = value\n    if total > ${k}:\n        total -= ${k}\n    else:\n        total += ${k}\n    for i in range(3):\n        total += i\n    if label == "skip":\n        return 0\n    return total\n\n`,
    );
  }
  parts.push(`class Widget${m}:\n    def __init__(self, size: int) -> None:\n        self.size = size\n\n    def grow(self, by: int = 1) -> int:\n        self.size += by\n        return self.size\n\n`);
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Generated modules: ordinary ones (the scanner must answer), and the same damaged (it answers
// with tree-sitter's outline or not at all).

const SIMPLE = [
  'x = 1',
  'return x',
  'pass',
  'y = [i for i in range(3) if i]',
  'print(a, b, sep="")',
  'a, *b = c',
  'self.v += 1',
  'd = {"k": v, **e}',
  'raise ValueError("m") from None',
  'assert x, "why"',
  'import os.path as p',
  'from . import (a, b,)',
  'f(*args, **kw)',
  'z = lambda q=1: q * 2',
  'w = a if b else c',
  'del a[0], b.c',
  's = x[1:2, ::3]',
  'v = yield x',
  'await g()',
  '"""just a string"""',
  "t = ('a'\n     'b')",
  'u = (1 +\n  2)',
  'k = 1 + \\\n    2',
  'm = """two\nlines"""',
  'n = not x or y and z',
  'o = a < b <= c is not d not in e',
  '...',
  'p: int = 3',
  'x = 1; y = 2',
  'r = -x ** -y // ~z',
  'q = f"{{literal}}"',
  'e = b"bytes" + rb"\\d"',
];
const DOCSTRINGS = ['"""Doc."""', "'single'", 'r"""raw \\n"""', '"esc\\tx"', '"""multi\nline"""', 'b"bytes"', 'f"no interp"', '"a" "b"', '"""doc"""  # comment', '"doc"; x = 1'];
const NAMES = ['f', 'g', 'run', 'Thing', 'f'];
const DECORATORS = ['@property', '@staticmethod', '@classmethod', '@x.setter', '@functools.lru_cache(maxsize=2)', '@a.b(\n    c,  # why\n)'];

type Stmt = { lines: string[] } | { header: string; decorators: string[]; doc: string | null; body: Stmt[]; oneLine: boolean };

const stmt: fc.Arbitrary<Stmt> = fc.letrec<{ stmt: Stmt; body: Stmt[] }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...SIMPLE).map((s) => ({ lines: s.split('\n') })),
    fc
      .record({
        kind: fc.constantFrom('def', 'async def', 'class', 'if x:', 'for i, j in items:', 'while True:', 'with open(p) as h, q:', 'try:'),
        name: fc.constantFrom(...NAMES),
        decorators: fc.array(fc.constantFrom(...DECORATORS), { maxLength: 2 }),
        doc: fc.option(fc.constantFrom(...DOCSTRINGS)),
        body: tie('body'),
        oneLine: fc.boolean(),
      })
      .map(({ kind, name, decorators, doc, body, oneLine }): Stmt => {
        const isDef = kind === 'def' || kind === 'async def' || kind === 'class';
        const header = kind === 'class' ? `class ${name}(Base):` : isDef ? `${kind} ${name}(self, a, b=1, *c, d: int = 2, **e) -> int:` : kind;
        return { header, decorators: isDef ? decorators : [], doc: isDef ? doc : null, body, oneLine: oneLine && kind !== 'try:' };
      }),
  ),
  body: fc.array(tie('stmt'), { minLength: 1, maxLength: 4 }),
}) ).stmt;

/** Blank and comment lines at any indentation, between statements. */
const filler = fc.array(fc.constantFrom('', '   ', '# c', '    # c', '  # odd', '            # deep'), { maxLength: 2 });

function render(stmts: Stmt[], indent: string, fill: string[][], out: string[]): void {
  stmts.forEach((s, i) => {
    out.push(...(fill[(out.length + i) % fill.length] ?? []));
    if ('lines' in s) {
      out.push(`${indent}${s.lines[0]}`, ...s.lines.slice(1).map((l) => (l.startsWith(' ') ? `${indent}${l}` : l)));
      return;
    }
    for (const d of s.decorators) out.push(...d.split('\n').map((l) => `${indent}${l}`));
    const simpleBody = s.body.every((b) => 'lines' in b && b.lines.length === 1) && s.doc === null;
    if (s.oneLine && simpleBody) {
      out.push(`${indent}${s.header} ${s.body.map((b) => ('lines' in b ? b.lines[0] : '')).join('; ')}`);
    } else {
      out.push(`${indent}${s.header}`);
      if (s.doc !== null) out.push(...s.doc.split('\n').map((l, k) => (k === 0 ? `${indent}    ${l}` : l)));
      render(s.body, `${indent}    `, fill, out);
    }
    if (s.header === 'try:') out.push(`${indent}except E as e:`, `${indent}    pass`, `${indent}finally:`, `${indent}    pass`);
  });
}

const ordinaryModule = fc.tuple(fc.array(stmt, { minLength: 1, maxLength: 6 }), fc.array(filler, { minLength: 1, maxLength: 4 })).map(([stmts, fill]) => {
  const out: string[] = [];
  render(stmts, '', fill, out);
  return out.join('\n') + '\n';
});

const DAMAGE = ['(', ')', '[', '"', "'", '"""', '\\', '\\\n', '\t', ' ', '    ', '\n', ':', '#', '@', 'é', '\0', '\f', '{', '}', 'def ', 'class ', 'lambda', '=', ',', '*', 'async ', 'f"{', ';', '\r', '\ufeff'];

const damagedModule = fc
  .tuple(ordinaryModule, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 4 }), fc.constantFrom(...DAMAGE)), { minLength: 1, maxLength: 3 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [where, cut, insert] of edits) {
      const at = Math.floor(where * out.length);
      out = out.slice(0, at) + insert + out.slice(at + cut);
    }
    return out;
  });

describe('scanOutline on generated modules', () => {
  propTest.prop([ordinaryModule], { numRuns: 300 })('answers every ordinary module, with tree-sitter\'s outline', async (source) => {
    expect(scanOutline(source), source).not.toBeNull();
    expect(await expectNullOrSame(source)).toBe(true);
  });

  propTest.prop([damagedModule], { numRuns: 600 })('on a damaged module, answers with tree-sitter\'s outline or not at all', async (source) => {
    await expectNullOrSame(source);
  });
});

// ---------------------------------------------------------------------------------------------
// Real code: a sample of Python's standard library.

function stdlibFiles(): string[] {
  const python = requirePython();
  const result = spawnSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' });
  const root = result.stdout.trim();
  if (result.status !== 0 || !root) throw new Error(`${python} did not say where its standard library is: ${result.stderr}`);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.isSymbolicLink() && e.name !== 'site-packages' && e.name !== 'dist-packages') walk(p);
      else if (e.isFile() && e.name.endsWith('.py')) files.push(p);
    }
  };
  walk(root);
  return files;
}

describe('scanOutline on real code', () => {
  it('answers most of a sample of the standard library, always with tree-sitter\'s outline', async () => {
    const files = stdlibFiles();
    const sample = files.filter((_, i) => i % Math.max(1, Math.floor(files.length / 200)) === 0);
    let answered = 0;
    for (const file of sample) {
      const decoded = decodeSource(readFileSync(file));
      if (!decoded.ok) continue;
      if (await expectNullOrSame(decoded.text)) answered++;
    }
    expect(sample.length).toBeGreaterThan(100);
    // Most real modules are within the subset (about 2 in 3 of the standard library's).
    expect(answered / sample.length).toBeGreaterThan(0.4);
  }, 120_000);
});
