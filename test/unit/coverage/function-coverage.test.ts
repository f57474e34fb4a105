import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { docstringLines, fileNotMeasuredReason, functionCoverage, isCodeLine } from '../../../src/coverage/function-coverage.js';
import { buildLineMap, identityLineMap } from '../../../src/coverage/line-map.js';
import type { FileCoverage } from '../../../src/coverage/model.js';
import { readCoverageReport } from '../../../src/coverage/read.js';
import type { PyFunction } from '../../../src/python/model.js';
import { py65Dir, pyFunction, v7Dir } from './helpers.js';

const project = path.join(py65Dir, 'project');
const source = readFileSync(path.join(project, 'pkg', 'shapes.py'), 'utf8');
const lines = source.split('\n');

/** The functions of pkg/shapes.py as the Python parser describes them. */
const fns: Record<string, PyFunction> = {
  area: pyFunction({ qualname: 'area', defLine: 6, bodyStartLine: 7, bodyEndLine: 13, docstring: 'Return the area of a rectangle.\n\n    Negative sizes are rejected.\n    ' }),
  make_scaler: pyFunction({ qualname: 'make_scaler', defLine: 16, bodyStartLine: 17, bodyEndLine: 23, nestedRanges: [[18, 21]] }),
  scale: pyFunction({ qualname: 'make_scaler.scale', kind: 'nested', defLine: 18, bodyStartLine: 19, bodyEndLine: 21 }),
  trace: pyFunction({ qualname: 'trace', defLine: 26, bodyStartLine: 27, bodyEndLine: 31, nestedRanges: [[27, 29]] }),
  wrapper: pyFunction({ qualname: 'trace.wrapper', kind: 'nested', startLine: 27, defLine: 28, bodyStartLine: 29, bodyEndLine: 29, decorators: ['functools.wraps(fn)'] }),
  perimeter: pyFunction({ qualname: 'perimeter', startLine: 34, defLine: 35, bodyStartLine: 36, bodyEndLine: 37, decorators: ['trace'] }),
  init: pyFunction({ qualname: 'Box.__init__', kind: 'method', defLine: 43, bodyStartLine: 44, bodyEndLine: 44 }),
  volume: pyFunction({ qualname: 'Box.volume', kind: 'property', startLine: 46, defLine: 47, bodyStartLine: 48, bodyEndLine: 48 }),
  grow: pyFunction({ qualname: 'Box.grow', kind: 'method', defLine: 50, bodyStartLine: 51, bodyEndLine: 54 }),
  debug: pyFunction({ qualname: 'Box.debug', kind: 'method', defLine: 56, bodyStartLine: 57, bodyEndLine: 58 }),
  untested: pyFunction({ qualname: 'untested', defLine: 61, bodyStartLine: 62, bodyEndLine: 64 }),
};

let v65: FileCoverage;
let v3: FileCoverage;
beforeAll(async () => {
  v65 = (await readCoverageReport(path.join(py65Dir, 'coverage.json'), { repoRoot: project, runDir: project })).file('pkg/shapes.py')!;
  v3 = (await readCoverageReport(path.join(v7Dir, 'format3.json'), { repoRoot: project, runDir: project })).file('pkg/shapes.py')!;
});

const pick = (c: ReturnType<typeof functionCoverage>) => [c.executed, c.statements, c.percent === null ? null : Math.round(c.percent * 100) / 100, c.source];

describe('functionCoverage from file-level lines (coverage.py 5.x to 7.5)', () => {
  it('the real 6.5 report: statements per function', () => {
    const got = Object.fromEntries(Object.entries(fns).map(([k, fn]) => [k, pick(functionCoverage(fn, v65, identityLineMap, lines))]));
    expect(got).toEqual({
      area: [2, 3, 66.67, 'lines'],
      make_scaler: [1, 1, 100, 'lines'], // line 23 only: the nested scale() (18-21) is not make_scaler's
      scale: [2, 3, 66.67, 'lines'],
      trace: [1, 1, 100, 'lines'],
      wrapper: [1, 1, 100, 'lines'],
      perimeter: [2, 2, 100, 'lines'], // the decorator (34) and def (35) lines are not the function's
      init: [1, 1, 100, 'lines'],
      volume: [0, 1, 0, 'lines'],
      grow: [4, 4, 100, 'lines'],
      debug: [0, 0, null, 'lines'], // all excluded by "# pragma: no cover"
      untested: [0, 2, 0, 'lines'],
    });
    const area = functionCoverage(fns.area!, v65, identityLineMap, lines);
    expect(area).toMatchObject({ executedLines: [11, 13], missingLines: [12], unmeasuredLines: [], reason: null });
    expect(functionCoverage(fns.debug!, v65, identityLineMap, lines)).toMatchObject({ percent: null, reason: 'coverage.py recorded no statements in this function' });
  });

  it('docstring lines are not statements even when coverage.py lists them as executed', () => {
    const withDoc: FileCoverage = { ...v65, executedLines: [...v65.executedLines, 7, 8, 9, 10].sort((a, b) => a - b) };
    expect(pick(functionCoverage(fns.area!, withDoc, identityLineMap, lines))).toEqual([2, 3, 66.67, 'lines']);
    expect([...docstringLines(fns.area!, lines)]).toEqual([7, 8, 9, 10]);
    expect([...docstringLines(pyFunction({ qualname: 'f', bodyStartLine: 2, bodyEndLine: 3, docstring: 'One line.' }), ['def f():', '    """One line."""', '    return 1'])]).toEqual([2]);
    expect([...docstringLines(pyFunction({ qualname: 'f', bodyStartLine: 2, bodyEndLine: 5, docstring: 'a \\""" b\n' }), ['def f():', "    r'''a \\''' b", "    '''", '    x = 1', '    return x'])]).toEqual([2, 3]);
  });
});

describe('functionCoverage from format 3 regions', () => {
  it('uses coverage.py\'s own region: nested def lines count for the outer function', () => {
    expect(pick(functionCoverage(fns.make_scaler!, v3, identityLineMap, lines))).toEqual([2, 2, 100, 'region']);
    expect(functionCoverage(fns.make_scaler!, v3, identityLineMap, lines).executedLines).toEqual([18, 23]);
    expect(pick(functionCoverage(fns.trace!, v3, identityLineMap, lines))).toEqual([2, 2, 100, 'region']);
    expect(pick(functionCoverage(fns.area!, v3, identityLineMap, lines))).toEqual([2, 3, 66.67, 'region']);
    expect(pick(functionCoverage(fns.scale!, v3, identityLineMap, lines))).toEqual([2, 3, 66.67, 'region']);
    expect(pick(functionCoverage(fns.debug!, v3, identityLineMap, lines))).toEqual([0, 0, null, 'region']);
    expect(pick(functionCoverage(fns.untested!, v3, identityLineMap, lines))).toEqual([0, 2, 0, 'region']);
  });

  it('a region that lies elsewhere (a redefinition under the same qualname) is not used', () => {
    const other: FileCoverage = { ...v3, functions: new Map([['Box.volume', { executedLines: [62], missingLines: [64], excludedLines: [] }]]) };
    expect(pick(functionCoverage(fns.volume!, other, identityLineMap, lines))).toEqual([0, 1, 0, 'lines']);
  });

  it('a function the region map does not know falls back to the lines', () => {
    const fn = pyFunction({ qualname: 'nowhere', bodyStartLine: 62, bodyEndLine: 64 });
    expect(pick(functionCoverage(fn, v3, identityLineMap, lines))).toEqual([0, 2, 0, 'lines']);
  });
});

describe('the staged version differs from the measured working tree', () => {
  it('lines shifted by an unstaged insertion above are mapped back', () => {
    // the working tree has two extra lines after line 4; coverage measured that
    const shift = (ls: number[]) => ls.map((l) => (l > 4 ? l + 2 : l));
    const measured: FileCoverage = { executedLines: shift(v65.executedLines), missingLines: shift(v65.missingLines), excludedLines: shift(v65.excludedLines), functions: null };
    const map = buildLineMap([{ oldStart: 4, oldCount: 0, newStart: 5, newCount: 2 }]);
    expect(pick(functionCoverage(fns.area!, measured, map, lines))).toEqual([2, 3, 66.67, 'lines']);
    expect(pick(functionCoverage(fns.grow!, measured, map, lines))).toEqual([4, 4, 100, 'lines']);
  });

  it('a staged code line that is not in the working tree: unmeasured, percent unknown', () => {
    // line 12 ("raise ValueError") was edited in the working tree after staging
    const map = buildLineMap([{ oldStart: 12, oldCount: 1, newStart: 12, newCount: 1 }]);
    const c = functionCoverage(fns.area!, v65, map, lines);
    expect(c).toMatchObject({ percent: null, executed: 2, statements: 2, unmeasuredLines: [12] });
    expect(c.reason).toBe(
      'the version of this function being checked (staged, or committed with --base) differs from the working tree that coverage measured (line 12 of the analysed file is not in the working tree); stage the whole file or re-run coverage on that version',
    );
  });

  it('changed blank, comment and docstring lines do not make a function unmeasured', () => {
    const map = buildLineMap([
      { oldStart: 8, oldCount: 2, newStart: 8, newCount: 2 }, // docstring body of area()
      { oldStart: 63, oldCount: 1, newStart: 63, newCount: 1 }, // the comment in untested()
    ]);
    expect(functionCoverage(fns.area!, v65, map, lines)).toMatchObject({ unmeasuredLines: [], reason: null, executed: 2, statements: 3 });
    expect(functionCoverage(fns.untested!, v65, map, lines)).toMatchObject({ unmeasuredLines: [], percent: 0, statements: 2 });
  });

  it('lines of a nested function do not count against the outer one', () => {
    const map = buildLineMap([{ oldStart: 20, oldCount: 1, newStart: 20, newCount: 1 }]);
    expect(functionCoverage(fns.make_scaler!, v65, map, lines)).toMatchObject({ unmeasuredLines: [], percent: 100 });
    expect(functionCoverage(fns.scale!, v65, map, lines)).toMatchObject({ unmeasuredLines: [20], percent: null });
  });

  it('a function coverage.py measured nothing of after mapping', () => {
    // the whole body of grow() was replaced in the working tree: nothing maps back, every line is unmeasured
    const map = buildLineMap([{ oldStart: 51, oldCount: 4, newStart: 51, newCount: 3 }]);
    expect(functionCoverage(fns.grow!, v65, map, lines)).toMatchObject({ percent: null, statements: 0, unmeasuredLines: [51, 52, 53, 54] });
  });
});

describe('helpers', () => {
  it('isCodeLine', () => {
    expect(isCodeLine('    x = 1  # c')).toBe(true);
    expect(isCodeLine('   # only a comment')).toBe(false);
    expect(isCodeLine(' \t\f')).toBe(false);
    expect(isCodeLine(undefined)).toBe(false);
  });
  it('fileNotMeasuredReason names the file and the likely causes', () => {
    expect(fileNotMeasuredReason('src/a.py')).toBe(
      'coverage.py did not measure src/a.py: no test imported it, or it is outside the measured source (`--source` / `--cov`)',
    );
  });
});
