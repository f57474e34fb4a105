import { describe, expect, it } from 'vitest';
import { buildCandidates } from '../../../src/generate/infer/candidates.js';
import { functionFacts, moduleTypes } from '../../../src/python/facts.js';
import { parsePython } from '../../../src/python/structure.js';

const SOURCE = [
  'import collections',
  'import typing',
  'from collections import namedtuple',
  '',
  "Point = collections.namedtuple('Point', 'x y')",
  "Pair = namedtuple('Pair', ['left', 'right'], defaults=(0,))",
  "Typed = typing.NamedTuple('Typed', [('name', str), ('size', int)])",
  "Bad = namedtuple('Bad', make_fields())",
  '',
  "class Span(collections.namedtuple('Span', ('lo', 'hi'))):",
  '    def width(self):',
  '        return self.hi - self.lo',
  '',
  'def _norm(self, scale):',
  '    return (self.x * scale, self.y * scale)',
  '',
  'Point.norm = _norm',
].join('\n');

describe('dynamic types: namedtuple factories and attached functions', () => {
  it('reads the fields of namedtuple factories, typed or not, with defaults, and of classes deriving from one', async () => {
    const mod = await parsePython(SOURCE);
    const types = await moduleTypes(SOURCE, mod);
    const sig = (name: string) => types.constructors.get(name)?.map((p) => `${p.name}${p.annotation ? `: ${p.annotation}` : ''}${p.default ? ` = ${p.default}` : ''}`);
    expect(sig('Point')).toEqual(['x', 'y']);
    expect(sig('Pair')).toEqual(['left', 'right = 0']);
    expect(sig('Typed')).toEqual(['name: str', 'size: int']);
    expect(sig('Span')).toEqual(['lo', 'hi']);
    expect(types.constructors.has('Bad')).toBe(false);
    expect(types.attached).toEqual(new Map([['_norm', ['Point']]]));
  });

  it("passes an instance of the class a module function is attached to as its self", async () => {
    const mod = await parsePython(SOURCE);
    const fn = mod.functions.find((f) => f.qualname === '_norm')!;
    const target = { fn, cls: null, module: 'pkg.geo', facts: await functionFacts(SOURCE, mod.functions), types: await moduleTypes(SOURCE, mod), functions: mod.functions, placeholder: 'test_value', source: SOURCE };
    expect(buildCandidates(target)[0]!.expr).toMatch(/^_norm\(Point\([^)]*\), /);
  });
});
