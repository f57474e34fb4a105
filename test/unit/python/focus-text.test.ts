import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { focusedText, topLevelStarts } from '../../../src/python/focus-text.js';
import { parsePython } from '../../../src/python/structure.js';
import { requirePython } from '../../helpers/python.js';
import { PROJECT_ROOT } from '../../helpers/repo.js';

const starts = (source: string) => topLevelStarts(source.split('\n'));

describe('top-level statement starts', () => {
  it('column-0 logical lines, not comments, blank or indented lines', () => {
    expect(starts('import os\n\n# note\ndef f():\n    return 1\n\nx = 1\n')).toEqual([0, 3, 6]);
  });

  it('not inside triple-quoted strings, whatever they hold', () => {
    const src = 'X = """\ndef fake():\n    pass\n"""\nY = \'\'\'\nclass Fake: \'\' \'\n\'\'\'\ndef real():\n    pass\n';
    expect(starts(src)).toEqual([0, 4, 7]);
  });

  it('not inside brackets or after a backslash continuation', () => {
    expect(starts('x = (\n1,\n)\ny = [1,\n2]\nz = 1 + \\\n2\nw = {\n}\n')).toEqual([0, 3, 5, 7]);
  });

  it('quotes and brackets inside strings and comments do not count', () => {
    expect(starts('a = "(["  # ) ]\nb = \'\\\'(\'\nc = r"\\"("\nd = 1\n')).toEqual([0, 1, 2, 3]);
  });

  it('a one-quote string may continue after a backslash at the end of its line', () => {
    expect(starts('s = "abc\\\ndef"\nt = 1\n')).toEqual([0, 2]);
  });

  it('f-strings that reuse their quote inside a replacement field (Python 3.12)', () => {
    expect(starts('s = f"{d["k"]} {x!r:>{w}}"\nt = f"""{"""x"""}"""\nu = 1\n')).toEqual([0, 1, 2]);
  });

  it('gives up on what it cannot vouch for: unterminated strings and brackets, a bracket too many', () => {
    expect(starts('s = "abc\nt = 1\n')).toBeNull();
    expect(starts('s = """abc\nt = 1\n')).toBeNull();
    expect(starts('x = (1,\ny = 2\n')).toBeNull();
    expect(starts('x = 1)\ny = 2\n')).toBeNull();
    expect(starts('x = 1 + \\')).toBeNull();
  });
});

describe('the focused text', () => {
  const lines = [
    'import os', // 1
    '', // 2
    '@decorator', // 3
    '# between', // 4
    '@other(', // 5
    '    1)', // 6
    'def f():', // 7
    '    return 1', // 8
    '', // 9
    'class C:', // 10
    '    def m(self):', // 11
    '        return 2', // 12
    '# trailing', // 13
    'x = 1', // 14
  ];

  it('keeps whole top-level statements, decorators with their definition, rows and columns in place', () => {
    const text = focusedText(lines, [{ start: 8, end: 8 }])!;
    expect(text.split('\n')).toEqual(['', '', '@decorator', '# between', '@other(', '    1)', 'def f():', '    return 1', '', '', '', '', '', '']);
    expect(focusedText(lines, [{ start: 12, end: 12 }])!.split('\n')).toEqual(['', '', '', '', '', '', '', '', '', 'class C:', '    def m(self):', '        return 2', '# trailing', '']);
  });

  it('several ranges keep several statements; a range covering everything leaves nothing to drop', () => {
    const text = focusedText(lines, [{ start: 1, end: 1 }, { start: 14, end: 14 }])!;
    expect(text.split('\n').filter((l) => l !== '')).toEqual(['import os', 'x = 1']);
    expect(focusedText(lines, [{ start: 1, end: 14 }])).toBeNull();
  });

  it('a range past the end of the file keeps nothing, or the last statement when it starts in the file', () => {
    expect(focusedText(lines, [{ start: 40, end: 41 }])).toBe('\n'.repeat(13));
    expect(focusedText(lines, [{ start: 14, end: 41 }])!.split('\n').filter((l) => l !== '')).toEqual(['x = 1']);
  });
});

/** The functions, classes and skipped definitions of a parse, as plain data. */
function shape(module: Awaited<ReturnType<typeof parsePython>>): unknown {
  return { functions: module.functions, classes: module.classes, skipped: module.skipped, hasSyntaxErrors: module.hasSyntaxErrors };
}

/**
 * Real modules full of what a light tokenizer can get wrong: the standard library of the
 * Python the end-to-end tests use, and smart-test's own probe (probe.py and its package).
 */
function realModules(): Array<{ name: string; text: string }> {
  const python = requirePython();
  const stdlib = spawnSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).stdout.trim();
  const names = ['argparse.py', 'dataclasses.py', 'typing.py', 'tokenize.py', 'textwrap.py', 'string.py', 'difflib.py', 'enum.py', 'json/decoder.py', 'email/_header_value_parser.py', 'doctest.py'];
  const modules = names.map((name) => ({ name, text: readFileSync(path.join(stdlib, name), 'utf8') }));
  modules.push({ name: 'probe.py', text: readFileSync(path.join(PROJECT_ROOT, 'src', 'generate', 'probe.py'), 'utf8') });
  const probePackage = path.join(PROJECT_ROOT, 'src', 'generate', 'smart_test_probe');
  for (const name of readdirSync(probePackage).filter((file) => file.endsWith('.py')).sort()) {
    modules.push({ name: `smart_test_probe/${name}`, text: readFileSync(path.join(probePackage, name), 'utf8') });
  }
  return modules;
}

describe('a focused parse finds what a parse of the whole module finds', () => {
  it('on real modules, at focus lines spread through each file', async () => {
    let compared = 0;
    let narrowed = 0;
    let withFunctions = 0;
    for (const { name, text } of realModules()) {
      const lineCount = text.split('\n').length;
      const step = Math.max(7, Math.floor(lineCount / 25));
      for (let line = 1; line <= lineCount; line += step) {
        const focus = [{ start: line, end: line + (line % 3) }];
        const focused = await parsePython(text, { focus });
        const whole = await parsePython(text, { focus, parseWhole: true });
        expect(shape(focused), `${name} at line ${line}`).toEqual(shape(whole));
        compared++;
        if (whole.functions.length > 0) withFunctions++;
        if (focusedText(text.split('\n'), focus) !== null) narrowed++;
      }
    }
    expect(compared).toBeGreaterThan(250);
    // the comparison is only worth something if the narrowing happened almost everywhere
    expect(narrowed / compared).toBeGreaterThan(0.9);
    expect(withFunctions / compared).toBeGreaterThan(0.5);
  });

  it('a syntax error in the focused statements: the whole module is parsed, as before', async () => {
    const text = 'def ok():\n    return 1\n\ndef broken(:\n    return 2\n\ndef later():\n    return 3\n';
    const focus = [{ start: 5, end: 5 }];
    const focused = await parsePython(text, { focus });
    expect(focused.hasSyntaxErrors).toBe(true);
    expect(shape(focused)).toEqual(shape(await parsePython(text, { focus, parseWhole: true })));
  });
});
