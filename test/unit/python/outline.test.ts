import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { leanModule, outlinePython } from '../../../src/python/outline.js';
import { parsePython } from '../../../src/python/structure.js';

/** Joins lines with LF; line N of the result is lines[N - 1]. */
const py = (...lines: string[]): string => lines.join('\n') + '\n';

/** The outline must be parsePython()'s result, field for field, for what it keeps. */
async function expectSameAsParsePython(source: string): Promise<void> {
  expect(await outlinePython(source)).toEqual(leanModule(await parsePython(source)));
}

const CASES: Record<string, string> = {
  'functions, methods of every kind, nesting through classes': py(
    'import functools',
    '',
    'def top(a, b=1):',
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
    '    async def am(self):',
    '        r"""raw \\n doc"""',
    '        pass',
    '    class Inner:',
    '        def m(self):',
    '            "escaped \\n docstring"',
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
    'except* ValueError:',
    '    def e(): pass',
    'finally:',
    '    def f(): pass',
    'for i in x:',
    '    def g(): pass',
    'else:',
    '    pass',
    'while y:',
    '    with open(p) as h:',
    '        def i(): pass',
    'match z:',
    '    case 1:',
    '        def j():',
    '            if q:',
    '                def k(): pass',
    '            return k',
  ),
  'comments and semicolons at the top level': py(
    'x = 1; y = 2  # comment',
    '   # indented comment',
    'def f():',
    '    return x;',
    '',
    '# the end',
  ),
  'docstrings that are not docstrings': py(
    'def a():',
    '    f"not {a} a docstring"',
    'def b():',
    '    b"bytes"',
    'def c():',
    '    "one" "two"',
    'def d():',
    '    "x", 1',
    'def e(): "same line"',
    'def g():',
    '    # comment first',
    '    """doc after a comment"""',
  ),
  'a syntax error (parsePython recovers)': py('def ok():', '    return 1', '', 'def broken(:', '    pass', '', 'class C:', '    def m(self): pass'),
  'an indented first statement': py('  def f():', '      pass', 'def g(): pass'),
  'CRLF line ends and a BOM': '\ufeffdef f():\r\n    """Doc\r\n    more"""\r\n    return 1\r\n\r\nclass K:\r\n    def m(self): pass\r\n',
  'non-ASCII text': py('def ünïcode(ä="ß"):', '    """Ça va? 😀', '    """', '    return "😀"'),
  'empty module': '',
  'only comments': py('# nothing', '   # here'),
};

describe('outlinePython', () => {
  for (const [name, source] of Object.entries(CASES)) {
    it(`gives parsePython's functions: ${name}`, async () => {
      await expectSameAsParsePython(source);
    });
  }

  it("gives parsePython's functions for every Python file of the project's tests and examples", async () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const files: string[] = [];
    for (const dir of ['test', 'examples', 'bench']) {
      for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
        if (entry.isFile() && entry.name.endsWith('.py')) files.push(path.join(entry.parentPath, entry.name));
      }
    }
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      expect(await outlinePython(source), file).toEqual(leanModule(await parsePython(source)));
    }
  });

  it('keeps what plan --all needs and nothing that only generation uses', async () => {
    const out = await outlinePython(py('class A:', '    @staticmethod', '    def s(x: int = 1) -> int:', '        """Doc."""', '        raise ValueError("no")'));
    expect(out.classes).toEqual([]);
    expect(out.functions).toEqual([
      expect.objectContaining({
        qualname: 'A.s',
        kind: 'staticmethod',
        className: 'A',
        startLine: 2,
        defLine: 3,
        endLine: 5,
        bodyStartLine: 4,
        docstring: 'Doc.',
        decorators: [],
        parameters: [],
        raises: [],
        returnAnnotation: null,
      }),
    ]);
  });
});
