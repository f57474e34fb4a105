import { describe, expect, it } from 'vitest';
import { callSites, withArgument } from '../../../src/generate/search/call-sites.js';
import { alternatives, guardLines, hintsNear, insertions, kindOf, moduleGlobals, namedConstants, swaps, topLevelItems } from '../../../src/generate/search/values.js';

describe('search values', () => {
  it('tells the kind of a literal by its text', () => {
    expect(['3', '-2.5', "'a'", "b'x'", 'True', 'None', '[1]', '(1,)', '(1, 2)', '{}', "{'a': 1}", '{1}', 'obj'].map(kindOf)).toEqual([
      'int', 'float', 'str', 'bytes', 'bool', 'none', 'list', 'tuple', 'tuple', 'dict', 'dict', 'set', 'other',
    ]);
    expect(topLevelItems("1, 'a,b', (2, 3)")).toEqual(['1', "'a,b'", '(2, 3)']);
  });

  it('takes numbers (with neighbours), strings and lengths from the lines above a missed line', () => {
    const lines = ['def f(xs, step):', '    # 99 in a comment', '    if step == 0 and len(xs) % 3:', '        raise ValueError("bad step")', '    return xs'];
    const hints = hintsNear(lines, [4], 1, 5);
    expect(hints.numbers).toEqual(['-1', '0', '1', '2', '3', '4']);
    expect(hints.strings).toEqual(['"bad step"']);
    expect(hints.lengths).toEqual([2, 4, 7]);
  });

  it('reads a constant a missed line is guarded by as its value', () => {
    const lines = ['MAX_DEPTH = 100  # limit', 'NAME: str = "x-"', '', 'def f(depth=0):', '    if depth > MAX_DEPTH or self.NAME == cls.OTHER:', '        return None', '    return depth'];
    expect(namedConstants(lines)).toEqual(new Map([['MAX_DEPTH', '100'], ['NAME', '"x-"']]));
    const hints = hintsNear(lines, [6], 4, 7);
    expect(hints.numbers).toEqual(['-1', '0', '1', '99', '100', '101']);
    expect(hints.strings).toEqual(['"x-"']);
  });

  it("takes the length an argument's attribute is compared with, a constant read as its value, without a cap", () => {
    const lines = ['MAX_TOKENS = 10000', '', 'def group(tlist, depth=0):', '    if 3 <= len(self.items) or len(tlist.tokens) > MAX_TOKENS:', '        return', '    return len(tlist)'];
    const hints = hintsNear(lines, [5], 3, 6);
    expect(hints.attributeLengths).toEqual(new Map([['tlist', new Map([['tokens', [10001, 10000, 9999]]])]]));
    // The receiver's attributes are the receiver-state search's business.
    expect(hintsNear(['def f(self):', '    if len(self.items) > 3:', '        return 1'], [3], 1, 3).attributeLengths.size).toBe(0);
  });

  it('takes the tests of the branches that guard a missed line from further up, nearest first', () => {
    const lines = [
      'def tokenize(self, text):',
      "    for ch in text:",
      "        if ch == '(':",
      "            yield 'open'",
      "        elif ch == '-':",
      '            start = 1',
      '            buff = self.more()',
      '            other = 2',
      '            if len(buff) > 1:',
      "                yield 'number'",
      '            else:',
      '                raise ValueError(buff)',
    ];
    expect(guardLines(lines, 12, 2)).toEqual([11, 9, 5, 3, 2]);
    const hints = hintsNear(lines, [12], 2, 12);
    expect(hints.strings).toEqual(["'number'", "'-'", "'('"]);
  });

  it('takes the module names a value is compared with, keyed by what is compared', () => {
    const lines = [
      'from sqlparse import sql, tokens as T',
      'from .enums import (Mode,',
      '    Kind as K)',
      'SENTINEL = object()',
      '',
      'def split(self, ttype, value, mode):',
      '    unified = value.upper()',
      '    if ttype is T.Keyword or T.Name == ttype:',
      "        if mode in (Mode.FAST, K.SLOW, 'x') and unified is not SENTINEL and value in T.Other:",
      '            return ttype is None or local.attr == other.attr',
      '    return 0',
    ];
    expect([...moduleGlobals(lines)]).toEqual(['sql', 'T', 'Mode', 'K', 'SENTINEL', 'split']);
    const hints = hintsNear(lines, [10], 7, 11);
    expect(hints.names).toEqual(new Map([['ttype', ['T.Keyword', 'T.Name']], ['mode', ['Mode.FAST', 'K.SLOW']], ['unified', ['SENTINEL']]]));
    const empty = { numbers: [], strings: ["'x'"], lengths: [], attributeLengths: new Map() };
    // Its own names first, whatever the kind; others after the kind's hints, a few.
    expect(alternatives("'text'", { ...empty, names: hints.names }, new Map(), 4, 'ttype')).toEqual(['T.Keyword', 'T.Name', "'x'", 'Mode.FAST']);
    expect(alternatives('obj', { ...empty, names: hints.names }, new Map(), 3, 'value')).toEqual(['T.Keyword', 'T.Name', 'Mode.FAST']);
  });

  it("tries an argument as an instance of the module's classes an isinstance near the missed lines tests it against", () => {
    const lines = [
      'from decimal import Decimal',
      'import fractions',
      'class Leaf: pass',
      '',
      'def fmt(val, fmt):',
      '    if isinstance(val, str) and "," in val:',
      '        val = val.replace(",", "")',
      '    if isinstance(val, (Decimal, fractions.Fraction, Leaf, dict)) or isinstance(self, Leaf):',
      '        return format(val, fmt)',
      '    return str(val)',
    ];
    const hints = hintsNear(lines, [9], 6, 10);
    // A name holding a type, compared with builtin types: those types are its values to try.
    const typed = ['def fmt(val, valtype):', '    if valtype is int:', '        return 1', '    elif valtype in (float, Fraction):', '        return 2', '    return 0'];
    expect(hintsNear(typed, [5], 2, 6).names).toEqual(new Map([['valtype', ['int', 'float']]]));
    // Not a builtin (the kinds' own variants cover those), not self.
    expect(hints.instances).toEqual(new Map([['val', ['Decimal', 'fractions.Fraction', 'Leaf']]]));
    const alts = alternatives('1.5', hints, new Map(), 16, 'val');
    expect(alts.slice(0, 6)).toEqual(['Decimal(1.5)', 'Decimal()', 'fractions.Fraction(1.5)', 'fractions.Fraction()', 'Leaf(1.5)', 'Leaf()']);
    expect(alternatives('None', hints, new Map(), 16, 'val')).toContain('Decimal()');
    expect(alternatives('None', hints, new Map(), 16, 'val')).not.toContain('Decimal(None)');
    expect(alternatives('1.5', hints, new Map(), 16, 'fmt')).not.toContain('Decimal(1.5)');
  });

  it('puts the characters the code compares with inside a string, escapes kept whole', () => {
    expect(insertions("'foo.bar'", ["'\\\\'", "'-'", "'['"])).toEqual(["'foo\\\\.bar'", "'foo.ba\\\\r'", "'foo-.bar'", "'foo.ba-r'"]);
    expect(insertions('"a\\nb"', ["'-'"])).toEqual(['"a-\\nb"', '"a\\n-b"']);
    expect(insertions("'ab'", ['"\'"', "'long string'"])).toEqual([]);
    expect(insertions('1', ["'-'"])).toEqual([]);
  });

  it("swaps a word of a string argument that the function compares with for a word near the missed lines, everywhere it stands alone", () => {
    const lines = [
      'def CALL(self, node):',
      "    if _is_typing(node.func, 'cast'):",
      ...Array<string>(4).fill('        handle(node)'),
      "    elif _is_typing(node.func, 'TypeVar'):",
      ...Array<string>(5).fill('        handle(node.args)'),
      '    elif _is_typing(node.func, "TypedDict"):',
      '        omit("args")',
      '    elif _is_typing(node.func, "NamedTuple"):',
      '        omit("keywords")',
    ];
    const hints = hintsNear(lines, [14, 16], 2, 16);
    // Each word -> the words near the missed lines written in the same place, the nearest first
    // (the headers of the chain above them are near too).
    expect(hints.words?.get('TypeVar')).toEqual(['TypedDict', 'NamedTuple', 'cast']);
    expect(hints.words?.get('args')).toEqual(['keywords']);
    expect(hints.words?.has('handle')).toBe(false);
    // A program as a test passes it: the import and the call both change; `TypeVarTuple` and a
    // word glued to an escape's letter are told apart.
    const program = "'\\nfrom typing import TypeVar\\nTypeVar(\"T\", bound=\"str\")  # TypeVarTuple\\n'";
    const out = swaps(program, hints.words!);
    expect(out).toContain("'\\nfrom typing import TypedDict\\nTypedDict(\"T\", bound=\"str\")  # TypeVarTuple\\n'");
    expect(out).toContain("'\\nfrom typing import NamedTuple\\nNamedTuple(\"T\", bound=\"str\")  # TypeVarTuple\\n'");
    expect(out.every((v) => v.includes('TypeVarTuple') && !/import TypeVar\\/.test(v))).toBe(true);
    // Through alternatives, before the other strings; nothing for a string holding none of the words.
    expect(alternatives(program, hints, new Map()).slice(0, 2)).toEqual(out.slice(0, 2));
    expect(out).toHaveLength(3);
    expect(swaps("'x = 1'", hints.words!)).toEqual([]);
    expect(swaps('42', hints.words!)).toEqual([]);
  });

  it('offers boundaries of the same kind, hints first, never the value itself', () => {
    const hints = { numbers: ['9', '10', '11'], strings: ["'x'"], lengths: [2], attributeLengths: new Map(), names: new Map() };
    expect(alternatives('10', hints, new Map())).toEqual(['9', '11', '0', '-10', '1', '-1', '2', '1000', '100000', '10000000', '1000000000', 'None', "'1'"]);
    // The same items as an iterator: the path of code that takes a sequence or an iterator and tries len() first.
    expect(alternatives('[1, 2, 3]', hints, new Map())).toEqual(['[]', 'iter([1, 2, 3])', '[1, 2]', '[1]', '[3, 2, 1]', '[1, 2, 3, 3]', '[None]', 'None']);
    expect(alternatives('(4, 5)', hints, new Map())).toContain('iter((4, 5))');
    expect(alternatives('[]', hints, new Map())).not.toContain('iter([])');
    expect(alternatives("'ab'", hints, new Map([['str', ["'seen'"]]]))).toEqual(["'x'", "''", "' '", "'axb'", "'AB'", "'ab' * 2", "'0'", "'a'", "'seen'", 'None', '1']);
    expect(alternatives('True', hints, new Map())).toEqual(['False']);
    // An object: None, then plain values for the branch that rejects other types.
    expect(alternatives('pytz.BaseTzInfo()', hints, new Map())).toEqual(['None', '1', "'a'"]);
    // A callable: plain functions in its place (a builtin type has no signature to read).
    expect(alternatives('str', hints, new Map())).toEqual(['None', 'lambda x: x', 'lambda *args, **kwargs: args', '1', "'a'"]);
    expect(alternatives('operator.add', hints, new Map())).toContain('lambda x: x');
    expect(alternatives('config', hints, new Map())).not.toContain('lambda x: x');
  });

  it('finds the call of the target and the receiver constructor, and replaces one argument', async () => {
    const sites = await callSites(['obj = Box(3, depth=2)'], 'list(obj.grow(1, key="k"))', 'grow');
    expect(sites.map((s) => [s.where, s.args.map((a) => [a.keyword, a.text])])).toEqual([
      ['expr', [[null, '1'], ['key', '"k"']]],
      [0, [[null, '3'], ['depth', '2']]],
    ]);
    expect(withArgument(sites[0]!, 0, '-1')).toBe('list(obj.grow(-1, key="k"))');
    expect(withArgument(sites[0]!, null, 'True', 'strict')).toBe('list(obj.grow(1, key="k", strict=True))');
    expect(withArgument(sites[1]!, 1, '0')).toBe('obj = Box(3, depth=0)');
    expect(await callSites([], 'other(1)', 'grow')).toEqual([]);
    // An object built for the call varies too: its own arguments are sites.
    const nested = await callSites([], 'cmd(types.SimpleNamespace(bump=None, version="1.2.3"))', 'cmd');
    expect(nested.map((s) => [s.nested ?? false, s.args.map((a) => a.keyword)])).toEqual([[false, [null]], [true, ['bump', 'version']]]);
    expect(withArgument(nested[1]!, 0, "'major'")).toBe('cmd(types.SimpleNamespace(bump=\'major\', version="1.2.3"))');
  });
});
