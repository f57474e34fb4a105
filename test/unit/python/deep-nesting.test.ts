import { describe, expect, it } from 'vitest';
import { functionFacts, moduleTypes } from '../../../src/python/facts.js';
import { parsePython } from '../../../src/python/structure.js';
import { statementLines } from '../../../src/python/statements.js';
import { callSites } from '../../../src/generate/search/call-sites.js';
import { classState } from '../../../src/generate/search/receiver-state.js';

// Found by the fuzz suite (test/fuzz): tree-sitter parses code nested tens of thousands of
// levels deep (`x + x + ... + x`, a syntax error at the end of it), and the walks over its
// tree ran out of call stack: "smart-test failed unexpectedly: Maximum call stack size exceeded".
const DEPTH = 50_000;

describe('code nested deeper than the call stack', () => {
  it('facts and types of a function whose body is one deep expression', async () => {
    const src = `def added(x):\n    if x > 10:\n        return x\n    return x\n\n\ndef long(x):\n    return ${'x + '.repeat(DEPTH)}"s"\n`;
    const mod = await parsePython(src);
    expect(mod.functions.map((f) => f.qualname)).toEqual(['added', 'long']);
    const facts = await functionFacts(src, mod.functions);
    expect(facts.get(mod.functions[0]!)!.params.get('x')!.boundaries).toContain('10');
    expect(facts.get(mod.functions[1]!)!.strings).toEqual(['"s"']);
    await expect(moduleTypes(src, mod)).resolves.toMatchObject({ enums: new Map() });
  });

  it('statement lines, call sites and receiver states of deep code (generation and the search)', async () => {
    const src = `class Box:\n    def long(self, x):\n        self.mode = 1\n        return ${'x + '.repeat(DEPTH)}1\n`;
    const mod = await parsePython(src);
    expect((await statementLines(src, mod.functions)).get(mod.functions[0]!)).toEqual([3, 4]);
    expect((await classState(src, 'Box')).literals.get('mode')).toEqual(['1']);
    const expr = `obj.long(${'1 + '.repeat(DEPTH)}1)`;
    expect((await callSites([], expr, 'long'))[0]!.args).toHaveLength(1);
  });

  it('a syntax error at the bottom of a deep expression: the function is skipped, the others analysed', async () => {
    for (const tail of ['x)', '(', 'def']) {
      const src = `def added(x):\n    return x\n\n\ndef long(x):\n    return ${'x + '.repeat(DEPTH)}${tail}\n\n\ndef after(y):\n    return y\n`;
      const mod = await parsePython(src);
      expect(mod.functions.map((f) => f.qualname), tail).toContain('added');
      expect(mod.skipped.map((s) => s.qualname), tail).toContain('long');
    }
  });
});
