import { describe, expect, it } from 'vitest';
import { unescapePython } from '../../../src/python/literals.js';
import { parsePython } from '../../../src/python/structure.js';

describe('unescapePython', () => {
  it('resolves Python str escapes and keeps unknown ones', () => {
    expect(unescapePython('a\\nb\\tc\\\\d')).toBe('a\nb\tc\\d');
    expect(unescapePython("\\'q\\' \\\"dq\\\"")).toBe('\'q\' "dq"');
    expect(unescapePython('\\101\\x42\\u00e9\\U0001F600')).toBe('ABé😀');
    expect(unescapePython('line\\\ncontinued')).toBe('linecontinued');
    expect(unescapePython('\\d+\\.\\N{BULLET}')).toBe('\\d+\\.\\N{BULLET}');
    expect(unescapePython('\\\\n')).toBe('\\n');
  });
});

describe('raise messages as Python would evaluate them', () => {
  it('evaluates escapes in plain literals and rejects bytes and f-strings', async () => {
    const mod = await parsePython(
      [
        'def f():',
        "    raise ValueError('can\\'t parse\\n')",
        '    raise ValueError(b"bytes")',
        '    raise ValueError(F"{x}")',
        '    raise ValueError(U"unicode")',
        '    raise ValueError(Rb"raw bytes")',
        '    raise ValueError("""triple""")',
        '    raise ValueError(\'\'\'tri\nple\'\'\')',
        '',
      ].join('\n'),
    );
    expect(mod.functions[0]?.raises.map((r) => r.message)).toEqual([
      "can't parse\n",
      null,
      null,
      'unicode',
      null,
      'triple',
      'tri\nple',
    ]);
  });
});
