import { describe, expect, it } from 'vitest';
import { scanSource } from '../../../src/gate/placeholders.js';
import { LineTable, countCodePoints } from '../../../src/gate/positions.js';

const P = 'test_value';

async function found(source: string, placeholder = P) {
  const { findings } = await scanSource(source, placeholder);
  return findings.map((f) => [f.line, f.column, f.function]);
}

describe('scanSource: string kinds', () => {
  it.each([
    ['plain double', 'x = "test_value"\n', 6],
    ['plain single', "x = 'test_value'\n", 6],
    ['raw', 'x = r"test_value"\n', 7],
    ['raw upper', 'x = R"test_value"\n', 7],
    ['bytes', 'x = b"test_value"\n', 7],
    ['raw bytes', "x = rb'test_value'\n", 8],
    ['bytes raw', "x = Br'test_value'\n", 8],
    ['unicode', 'x = u"test_value"\n', 7],
    ['f-string', 'x = f"test_value"\n', 7],
    ['raw f-string', 'x = rf"test_value"\n', 8],
    ['f-string after an interpolation', 'x = f"{y} test_value"\n', 11],
    ['triple double', 'x = """test_value"""\n', 8],
    ['triple single', "x = '''test_value'''\n", 8],
    ['triple f', 'x = f"""a {y} test_value"""\n', 15],
    ['escapes before', 'x = "\\n\\ttest_value"\n', 10],
    ['escaped braces in f-string', 'x = f"{{test_value}}"\n', 9],
    ['implicit concatenation, second part', 'x = "a" "test_value"\n', 10],
  ])('%s', async (_name, source, column) => {
    expect(await found(source)).toEqual([[1, column, null]]);
  });

  it('inside a multi-line triple-quoted string: the line and column of the placeholder itself', async () => {
    expect(await found('x = """\nfirst\n  test_value\n"""\n')).toEqual([[3, 3, null]]);
  });

  it('several in one string and one line', async () => {
    expect(await found('x = ["test_value", "test_value test_value"]\n')).toEqual([
      [1, 7, null],
      [1, 21, null],
      [1, 32, null],
    ]);
  });

  it('the placeholder as part of a longer word still counts (it is still unfinished text)', async () => {
    expect(await found('x = "my_test_value_2"\n')).toEqual([[1, 9, null]]);
  });
});

describe('scanSource: f-string interpolations', () => {
  it('a string nested in an interpolation (other quotes)', async () => {
    expect(await found('x = f"{d[\'test_value\']}"\n')).toEqual([[1, 11, null]]);
  });

  it('a string nested with the same quotes (PEP 701)', async () => {
    expect(await found('x = f"{"test_value"}"\n')).toEqual([[1, 9, null]]);
  });

  it('a nested f-string inside an interpolation, and a format specifier', async () => {
    expect(await found('x = f"{f\'{y:>test_value}\'}"\n')).toEqual([[1, 14, null]]);
  });

  it('the expression itself is code: a name equal to the placeholder is not a finding', async () => {
    expect(await found('test_value = 1\nx = f"{test_value}"\ny = f"{test_value!r:>10}"\n')).toEqual([]);
  });

  it('text on both sides of an interpolation is split: no match across it', async () => {
    expect(await found('x = f"test_{y}value"\n')).toEqual([]);
  });
});

describe('scanSource: what is not a finding', () => {
  it('comments, names, attributes, function names', async () => {
    const source = [
      '# test_value in a comment',
      'def test_value(test_value=1):  # test_value',
      '    return obj.test_value',
      '',
    ].join('\n');
    expect(await found(source)).toEqual([]);
  });

  it('a different configured placeholder', async () => {
    expect(await found('x = "test_value"\ny = "TODO_VALUE"\n', 'TODO_VALUE')).toEqual([[2, 6, null]]);
  });

  it('an empty placeholder finds nothing', async () => {
    expect(await found('x = "a"\n', '')).toEqual([]);
  });
});

describe('scanSource: the allow comment', () => {
  it('a line ending with # smart-test: allow-placeholder is allowed; other lines are not', async () => {
    const source = [
      'a = "test_value"  # smart-test: allow-placeholder',
      'b = "test_value"',
      'c = "test_value"  # noqa: E501  # smart-test: allow-placeholder',
      'd = "test_value"  # smart-test: allow-placeholder, please',
      'e = "# smart-test: allow-placeholder test_value"',
      '',
    ].join('\n');
    expect(await found(source)).toEqual([
      [2, 6, null],
      [4, 6, null],
      [5, 38, null],
    ]);
  });

  it('for a multi-line string, the comment may end the line the string ends on', async () => {
    const source = 'x = """\ntest_value\n"""  # smart-test: allow-placeholder\ny = """\ntest_value\n"""\n';
    expect(await found(source)).toEqual([[5, 1, null]]);
  });

  it('a string nested in a multi-line f-string is allowed by the comment after the f-string', async () => {
    const source = 'x = f"""\n{"test_value"}\n"""  # smart-test: allow-placeholder\n';
    expect(await found(source)).toEqual([]);
  });
});

describe('scanSource: enclosing definition', () => {
  it('names the test function, class.method, nested functions, decorators and module level', async () => {
    const source = [
      'import pytest',
      'X = "test_value"',
      '',
      'def test_add():',
      '    assert add("test_value") == 3',
      '',
      'class TestCart:',
      '    label = "test_value"',
      '',
      '    @pytest.mark.parametrize("v", ["test_value"])',
      '    def test_total(self, v):',
      '        def helper(x="test_value"):',
      '            return x',
      '        assert helper() == v',
      '',
      '@pytest.fixture(params=["test_value"])',
      'def item(request):',
      '    return request.param',
      '',
    ].join('\n');
    expect(await found(source)).toEqual([
      [2, 6, null],
      [5, 17, 'test_add'],
      [8, 14, 'TestCart'],
      [10, 37, 'TestCart.test_total'],
      [12, 23, 'TestCart.test_total.helper'],
      [16, 26, 'item'],
    ]);
  });

  it('async functions', async () => {
    expect(await found('async def test_a():\n    await f("test_value")\n')).toEqual([[2, 14, 'test_a']]);
  });
});

describe('scanSource: columns count code points', () => {
  it('non-ASCII before the placeholder: é and 😀 are one column each', async () => {
    expect(await found('x = "é😀 test_value"\n')).toEqual([[1, 9, null]]);
    expect(await found('ñ = 1; y = "日本語test_value"\n')).toEqual([[1, 16, null]]);
  });

  it('wide characters earlier on the line do not shift which token holds the placeholder', async () => {
    expect(await found('x = "日本語日本語日本語😀😀"; y = 1  # test_value\n')).toEqual([]);
    expect(await found('x = "日本語日本語日本語😀😀"; test_value = 1\n')).toEqual([]);
    expect(await found('x = "日本語😀"; y = f"{test_value} test_value"  # smart-test: allow\n')).toEqual([[1, 32, null]]);
  });

  it('a tab is one column; CRLF and lone CR end lines', async () => {
    expect(await found('def test_a():\r\n\tx = "test_value"\r\n')).toEqual([[2, 7, 'test_a']]);
    expect(await found('a = 1\rb = "test_value"\r')).toEqual([[2, 6, null]]);
  });

  it('the JSON text is the trimmed source line', async () => {
    const { findings } = await scanSource('def test_a():\n    assert f("test_value") == 1  \n', P);
    expect(findings[0]?.text).toBe('assert f("test_value") == 1');
  });
});

describe('scanSource: syntax errors', () => {
  it('reports the first syntax error and still finds placeholders in the readable strings', async () => {
    const source = 'def test_a(:\n    x = "test_value"\n\ndef test_b():\n    y = ("test_value"\n';
    const result = await scanSource(source, P);
    expect(result.syntaxError).toEqual({ line: 1, column: 12 });
    expect(result.findings.map((f) => [f.line, f.column])).toEqual([
      [2, 10],
      [5, 11],
    ]);
  });

  it('an unterminated string is read up to the end of its line', async () => {
    const result = await scanSource('x = 1\ny = "test_value\nz = "ok"\n', P);
    expect(result.syntaxError).not.toBeNull();
    expect(result.findings.map((f) => [f.line, f.column])).toEqual([[2, 6]]);
  });

  it('an unterminated triple-quoted string is read to the end of the file', async () => {
    const result = await scanSource('x = 1\ny = """\n\ntest_value\n', P);
    expect(result.syntaxError).not.toBeNull();
    expect(result.findings.map((f) => [f.line, f.column])).toEqual([[4, 1]]);
  });

  it('a clean file has no syntax error', async () => {
    expect((await scanSource('x = 1\n', P)).syntaxError).toBeNull();
  });
});

describe('LineTable', () => {
  it('maps UTF-16 offsets to 1-based line and code-point column', () => {
    const text = 'ab\n😀x\r\ny\rz';
    const t = new LineTable(text);
    expect(t.position(0)).toEqual({ line: 1, column: 1 });
    expect(t.position(text.indexOf('x'))).toEqual({ line: 2, column: 2 });
    expect(t.position(text.indexOf('y'))).toEqual({ line: 3, column: 1 });
    expect(t.position(text.indexOf('z'))).toEqual({ line: 4, column: 1 });
    expect(t.lineText(1)).toBe('😀x');
    expect(countCodePoints('a😀b', 0, 4)).toBe(3);
  });
});
