import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPythonParser, normaliseSource, pythonGrammarPath, withPythonTree } from '../../../src/python/parser.js';
import { parsePython } from '../../../src/python/structure.js';

describe('getPythonParser', () => {
  it('loads the grammar from the installed tree-sitter-python package', () => {
    const path = pythonGrammarPath();
    expect(path.endsWith(`node_modules${sep}tree-sitter-python${sep}tree-sitter-python.wasm`)).toBe(true);
    expect(existsSync(path)).toBe(true);
  });

  it('initialises once and returns the same parser to concurrent and later callers', async () => {
    const [a, b] = await Promise.all([getPythonParser(), getPythonParser()]);
    expect(a).toBe(b);
    expect(await getPythonParser()).toBe(a);
    expect(a.language?.name).toBe('python');
  });

  it('parses with the shared parser and frees the tree', async () => {
    const result = await withPythonTree('def f():\n    pass\n', (tree) => [tree.rootNode.type, tree.rootNode.namedChildren[0]?.type]);
    expect(result).toEqual(['module', 'function_definition']);
  });

  it('keeps the tree of a large text for the next call on it; texts read once (keep: false) push none out', async () => {
    const big = (name: string) => Array.from({ length: 400 }, (_, i) => `def ${name}${i}(x):\n    return x + ${i}\n`).join('');
    const module = big('module_fn');
    const first = await withPythonTree(module, (tree) => tree);
    for (let i = 0; i < 6; i++) {
      const once = big(`test_${i}_`);
      const seen = await withPythonTree(once, (tree) => tree.rootNode.namedChildren.length, { keep: false });
      expect(seen).toBe(400);
    }
    expect(await withPythonTree(module, (tree) => tree)).toBe(first);
    // Read once again while kept: the kept tree is used.
    expect(await withPythonTree(module, (tree) => tree, { keep: false })).toBe(first);
  });

  it('handles concurrent parsePython calls on the shared parser', async () => {
    const sources = Array.from({ length: 20 }, (_, i) => `def f${i}(x=${i}):\n    return x\n`);
    const results = await Promise.all(sources.map((s) => parsePython(s)));
    expect(results.map((r) => [r.functions[0]?.qualname, r.functions[0]?.parameters[0]?.default])).toEqual(
      sources.map((_, i) => [`f${i}`, String(i)]),
    );
  });
});

describe('normaliseSource', () => {
  it('drops a BOM and turns CRLF and lone CR into LF, keeping the line count', () => {
    expect(normaliseSource('\uFEFFa\r\nb\rc\n\r\n')).toBe('a\nb\nc\n\n');
    expect(normaliseSource('x = "\uFEFF"\n')).toBe('x = "\uFEFF"\n');
  });
});
