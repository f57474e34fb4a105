import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatches, ProjectReach, wordsOf } from '../../../src/generate/infer/reach.js';

describe('what leads into a function, read from the package source', () => {
  let root: string;
  const files: Record<string, string> = {
    'pkg/__init__.py': 'from pkg import api\n',
    'pkg/filters.py': 'class Strip:\n    def process(self, text):\n        return self._strip(text)\n\n    def _strip(self, text):\n        return text.strip()\n',
    // A signature over several lines; a comment naming the class does not count.
    'pkg/stack.py': 'from pkg.filters import Strip\n\n\ndef build(\n    options,\n) -> list:\n    stack = []\n    # Strip is added below\n    if options.get("strip_spaces"):\n        stack.append(Strip())\n    return stack\n',
    'pkg/api.py': 'from pkg.stack import build\n\n\ndef render(text, **options):\n    for f in build(options):\n        text = f.process(text)\n    return text\n\n\ndef split(text):\n    return render(text).split()\n',
    // Tests are not the package's source.
    'tests/test_api.py': 'from pkg.filters import Strip\n\n\ndef test_strip():\n    assert Strip().process(" a ") == "a"\n',
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'smart-test-reach-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('follows the references up three steps, with the words of the referencing lines and their guards', async () => {
    const reach = new ProjectReach(root, async () => Object.keys(files).sort());
    const got = await reach.reachers(['_strip', 'Strip'], 'pkg/filters.py', 'pkg');
    // _strip <- process (its class), Strip <- build <- render <- split (split is a builtin type's
    // method name: an entry point, not followed further).
    expect(got.names).toEqual(['process', 'build', 'render', 'split']);
    expect(got.words.has('strip_spaces')).toBe(true);
    expect(got.words.has('Strip')).toBe(true);
    // Memoised: the same answer for the same question.
    expect(await reach.reachers(['_strip', 'Strip'], 'pkg/filters.py', 'pkg')).toBe(got);
  });

  it('follows a method looked up by a name built from a prefix (a visitor) to the function that dispatches it', async () => {
    const visitor = {
      'pkg/visitor.py': [
        'def _comparable(x):',
        '    return isinstance(x, (int, str))',
        '',
        '',
        'class Interpreter:',
        '    def visit(self, node, value):',
        "        method = getattr(self, 'visit_' + node['type'], None)",
        '        return method(node, value)',
        '',
        '    def visit_comparator(self, node, value):',
        '        return _comparable(value)',
        '',
      ].join('\n'),
      'pkg/api.py': 'from pkg.visitor import Interpreter\n\n\ndef search(expression, data):\n    return Interpreter().visit(expression, data)\n',
    };
    for (const [file, text] of Object.entries(visitor)) writeFileSync(path.join(root, file), text);
    const reach = new ProjectReach(root, async () => [...Object.keys(files), ...Object.keys(visitor)].sort());
    expect((await reach.reachers(['_comparable'], 'pkg/visitor.py', 'pkg')).names).toEqual(['visit_comparator', 'visit', 'search']);
  });

  it('tells a lookup by a built name from a plain reference', () => {
    expect(dispatches("method = getattr(self, 'visit_' + node['type'], self.default)", 'visit_comparator')).toBe(true);
    expect(dispatches("handler = getattr(self, f'do_{command}')", 'do_quit')).toBe(true);
    expect(dispatches('fn = getattr(obj, "handle_%s" % kind)', 'handle_close')).toBe(true);
    // Not a prefix of the name; no getattr; a prefix too short to say anything; the whole name.
    expect(dispatches("method = getattr(self, 'visit_' + kind)", 'handle_close')).toBe(false);
    expect(dispatches("name = 'visit_' + kind", 'visit_comparator')).toBe(false);
    expect(dispatches("getattr(self, 'v_' + kind)", 'v_x')).toBe(false);
    expect(dispatches("getattr(self, 'visit_comparator')", 'visit_comparator')).toBe(false);
  });

  it('takes identifiers and the contents of strings of three characters or more', () => {
    expect(wordsOf('if options.get("strip_spaces") or x == \'ab\':')).toEqual(['options', 'get', 'strip_spaces']);
  });
});
