import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatKeyPath, loadCoverageSchemas, parseCoverageReport, readCoverageMeta, readCoverageReport } from '../../../src/coverage/read.js';
import { SmartTestError } from '../../../src/errors.js';
import { fixture, py65Dir, tempDir, v7Dir } from './helpers.js';

/** The SmartTestError thrown by `fn` (fails when none is). */
function errorOf(fn: () => unknown): SmartTestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SmartTestError);
    expect((err as SmartTestError).exitCode).toBe(2);
    expect((err as Error).message).not.toMatch(/\n/);
    return err as SmartTestError;
  }
  throw new Error('expected a SmartTestError');
}

async function asyncErrorOf(p: Promise<unknown>): Promise<SmartTestError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SmartTestError);
    expect((err as Error).message).not.toMatch(/\n/);
    return err as SmartTestError;
  }
  throw new Error('expected a SmartTestError');
}

// parseCoverageReport is synchronous: the schemas (zod, imported lazily) are loaded once here.
beforeAll(loadCoverageSchemas);

const parse = (text: string) => parseCoverageReport(Buffer.from(text), '/repo/coverage.json', { displayPath: 'coverage.json', repoRoot: '/repo' });

describe('reading real and faithful reports', () => {
  it('coverage.py 6.5: meta, and the lines of one file', async () => {
    const report = await readCoverageReport(fixture('py65', 'coverage.json'), { repoRoot: path.join(py65Dir, 'project'), runDir: path.join(py65Dir, 'project') });
    expect(report.format).toBeNull();
    expect(report.version).toBe('6.5.0');
    expect(report.timestampText).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(report.timestamp).toBeInstanceOf(Date);
    expect(report.branchCoverage).toBe(false);
    expect(report.fileCount).toBe(3);
    expect(report.mtimeMs).toBeGreaterThan(0);
    const shapes = report.file('pkg/shapes.py')!;
    expect(shapes.executedLines).toEqual([1, 3, 6, 11, 13, 16, 18, 19, 21, 23, 26, 27, 28, 29, 31, 34, 35, 36, 37, 40, 41, 43, 44, 46, 47, 50, 51, 52, 53, 54, 56, 61]);
    expect(shapes.missingLines).toEqual([12, 20, 48, 62, 64]);
    expect(shapes.excludedLines).toEqual([56, 57, 58]);
    expect(shapes.functions).toBeNull();
    // a key written with a \u escape by coverage.py
    expect(report.file('pkg/café.py')).toEqual({ executedLines: [1, 2, 4], missingLines: [3], excludedLines: [], functions: null });
    // 6.5 reports an empty module with executed line 0
    expect(report.file('pkg/__init__.py')!.executedLines).toEqual([0]);
    expect(report.file('pkg/missing.py')).toBeUndefined();
  });

  it('coverage.py 6.5 with branches and contexts: the extra fields pass through; a missing branch marks its line partial', async () => {
    const report = await readCoverageReport(fixture('py65', 'coverage-branch.json'), { repoRoot: path.join(py65Dir, 'project'), runDir: path.join(py65Dir, 'project') });
    expect(report.branchCoverage).toBe(true);
    expect(report.file('pkg/café.py')).toEqual({ executedLines: [1, 2, 4], missingLines: [3], excludedLines: [], partialLines: [2], functions: null });
  });

  it('format 2', async () => {
    const report = await readCoverageReport(path.join(v7Dir, 'format2.json'), { runDir: path.join(py65Dir, 'project'), repoRoot: path.join(py65Dir, 'project') });
    expect(report).toMatchObject({ format: 2, version: '7.4.1', timestampText: '2024-02-01T09:30:00.123456', fileCount: 3 });
    expect(report.timestamp!.getTime()).toBe(new Date(2024, 1, 1, 9, 30, 0, 123).getTime());
    expect(report.file('pkg/shapes.py')!.missingLines).toEqual([12, 20, 48, 62, 64]);
  });

  it('format 3: per-function regions keyed by qualname', async () => {
    const report = await readCoverageReport(path.join(v7Dir, 'format3.json'), { runDir: path.join(py65Dir, 'project'), repoRoot: path.join(py65Dir, 'project') });
    expect(report).toMatchObject({ format: 3, version: '7.6.1', timestampText: '2024-10-01T12:00:00.500000' });
    const shapes = report.file('pkg/shapes.py')!;
    expect([...shapes.functions!.keys()]).toEqual([
      'area', 'make_scaler', 'make_scaler.scale', 'trace', 'trace.wrapper', 'perimeter',
      'Box.__init__', 'Box.volume', 'Box.grow', 'Box.debug', 'untested', '',
    ]);
    expect(shapes.functions!.get('area')).toEqual({ executedLines: [11, 13], missingLines: [12], excludedLines: [] });
    expect(shapes.functions!.get('make_scaler.scale')).toEqual({ executedLines: [19, 21], missingLines: [20], excludedLines: [] });
    expect(shapes.functions!.get('Box.debug')).toEqual({ executedLines: [], missingLines: [], excludedLines: [57, 58] });
  });

  it('keys are relative to the report directory; read as repo-relative when that finds nothing', async () => {
    // the report sits in test/fixtures/coverage/py65/ of this repository, its keys are "pkg/..."
    const report = await readCoverageReport(fixture('py65', 'coverage.json'), { repoRoot: fixture('..', '..', '..') });
    expect(report.keyFor('test/fixtures/coverage/py65/pkg/shapes.py')).toBe('pkg/shapes.py');
    // (coverage ran at the repository root and wrote its report into a subdirectory)
    expect(report.keyFor('pkg/shapes.py')).toBe('pkg/shapes.py');
    expect(report.keyFor('shapes.py')).toBeUndefined();
  });
});

describe('only the files asked for are parsed', () => {
  let dir: string;
  let cleanup: () => void;
  const N = 2000;
  const keyOf = (m: number) => `src/pkg_${Math.floor(m / 50)}/mod_${m}.py`;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    const files: Record<string, unknown> = {};
    for (let m = 0; m < N; m++) {
      const executed = Array.from({ length: 40 }, (_, i) => 3 + i * 2 + (m % 2));
      const missing = Array.from({ length: 10 }, (_, i) => 100 + i * 3);
      files[keyOf(m)] = {
        executed_lines: executed,
        summary: { covered_lines: 40, num_statements: 50, percent_covered: 80.0, percent_covered_display: '80', missing_lines: 10, excluded_lines: 0 },
        missing_lines: missing,
        excluded_lines: [],
        functions: { [`f${m}`]: { executed_lines: executed.slice(0, 5), summary: {}, missing_lines: [], excluded_lines: [] }, '': { executed_lines: [1], summary: {}, missing_lines: [], excluded_lines: [] } },
        classes: { '': { executed_lines: executed, summary: {}, missing_lines: missing, excluded_lines: [] } },
      };
    }
    // an entry of the wrong shape, and one with a number JSON.parse rejects: harmless until asked for
    files['src/bad_shape.py'] = { executed_lines: 'oops', missing_lines: [] };
    const text = JSON.stringify({ meta: { format: 3, version: '7.6.1', timestamp: '2030-01-01T00:00:00.000000', branch_coverage: false, show_contexts: false }, files, totals: { covered_lines: 1 } })
      .replace('"src/bad_shape.py":', '"src/bad_number.py": {"executed_lines": [01], "missing_lines": []}, "src/bad_shape.py":');
    writeFileSync(path.join(dir, 'coverage.json'), text);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    cleanup();
  });

  it('reads ten entries of two thousand, parsing nothing else', async () => {
    const spy = vi.spyOn(JSON, 'parse');
    const report = await readCoverageReport(path.join(dir, 'coverage.json'), { repoRoot: dir });
    expect(report.fileCount).toBe(N + 2);
    const afterOpen = spy.mock.calls.length;
    expect(afterOpen).toBe(1); // meta only
    expect(String(spy.mock.calls[0]![0])).toMatch(/^\{"format": ?3/);
    for (let t = 0; t < 10; t++) {
      const m = t * 199;
      const cov = report.file(keyOf(m))!;
      expect(cov.executedLines).toHaveLength(40);
      expect(cov.executedLines[0]).toBe(3 + (m % 2));
      expect(cov.missingLines).toEqual([100, 103, 106, 109, 112, 115, 118, 121, 124, 127]);
      expect([...cov.functions!.keys()]).toEqual([`f${m}`, '']);
    }
    expect(report.file(keyOf(0))).toBe(report.file(keyOf(0))); // parsed once, then cached
    expect(spy.mock.calls.length - afterOpen).toBe(10);
    const largest = Math.max(...spy.mock.calls.map((c) => String(c[0]).length));
    expect(largest).toBeLessThan(5000); // slices, never the whole 2 MB
  });

  it('a malformed entry is an error naming its key, when (and only when) it is needed', async () => {
    const report = await readCoverageReport(path.join(dir, 'coverage.json'), { repoRoot: dir, displayPath: 'coverage.json' });
    expect(report.file(keyOf(5))!.missingLines).toHaveLength(10);
    expect(errorOf(() => report.file('src/bad_shape.py')).message).toBe(
      'The coverage report "coverage.json" has an unexpected shape: files["src/bad_shape.py"].executed_lines should be a list of line numbers but is the string "oops". It was probably not written by coverage.py\'s `coverage json`, or was edited by hand. Regenerate it with `coverage json` (after `coverage run -m pytest`, or `pytest --cov=<src> --cov-report=json`).',
    );
    expect(errorOf(() => report.file('src/bad_number.py')).message).toMatch(
      /^The coverage report "coverage\.json" is not valid JSON: at line 1, column \d+, expected ',' or '\]' but found '1' \(near `…[^`]*bad_number\.py": \{"executed_lines": \[01`\)\./,
    );
  });
});

describe('bad input: one paragraph that says what to do', () => {
  it('missing file: names the path and how to make one', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const err = await asyncErrorOf(readCoverageReport(path.join(dir, 'coverage.json'), { displayPath: 'coverage.json' }));
      expect(err.message).toBe(
        'No coverage report found: looked for "coverage.json". smart-test reads coverage.py\'s JSON report; make one with `coverage run -m pytest && coverage json` (or `pytest --cov=<src> --cov-report=json`), or set "coverage" in the smart-test configuration to where your report is written.',
      );
      const dirErr = await asyncErrorOf(readCoverageReport(dir, { displayPath: 'cov' }));
      expect(dirErr.message).toMatch(/^The coverage report "cov" is a directory, not a file\./);
    } finally {
      cleanup();
    }
  });

  it('not JSON: where it breaks (line and column) and what was found', () => {
    expect(errorOf(() => parse('{"meta": {"version": "6.5.0"}, "files": {"pkg/mod.py": {"executed_lines": [1, 2}}')).message).toBe(
      'The coverage report "coverage.json" is not valid JSON: at line 1, column 80, expected \',\' or \']\' but found \'}\' (near `…{"pkg/mod.py": {"executed_lines": [1, 2}`). Regenerate it with `coverage json` (after `coverage run -m pytest`, or `pytest --cov=<src> --cov-report=json`).',
    );
  });

  it('truncated pretty-printed report: the line and column of its end, and a hint', () => {
    const text = readFileSync(fixture('py65', 'coverage-branch.json'), 'utf8');
    const cut = text.slice(0, text.indexOf('"pkg/shapes.py"') + 200);
    const lines = cut.split('\n');
    const err = errorOf(() => parse(cut));
    expect(err.message).toContain(`at line ${lines.length}, column ${lines[lines.length - 1]!.length + 1}, expected`);
    expect(err.message).toContain('but found the end of the file');
    expect(err.message).toContain('The file seems cut short');
  });

  it('other formats are recognised', () => {
    expect(errorOf(() => parse('<?xml version="1.0" ?>\n<coverage line-rate="0.5"/>')).message).toMatch(/line 1, column 1, expected a value but found '<'\. It looks like XML \(a Cobertura report/);
    expect(errorOf(() => parse('TN:\nSF:src/a.py\nDA:1,1\n')).message).toMatch(/It looks like an lcov tracefile/);
    expect(errorOf(() => parse('SQLite format 3\u0000...')).message).toMatch(/It looks like coverage\.py's data file \(\.coverage\)/);
    expect(errorOf(() => parse('Name    Stmts   Miss  Cover\n---\n')).message).toMatch(/the text table printed by `coverage report`/);
    expect(errorOf(() => parse('')).message).toMatch(/^The coverage report "coverage\.json" is empty/);
    expect(errorOf(() => parse('  \n')).message).toMatch(/is empty/);
  });

  it('no top-level "files": a distinct message', () => {
    expect(errorOf(() => parse('{"meta": {"version": "6.5.0"}, "totals": {}}')).message).toBe(
      'The coverage report "coverage.json" does not look like a coverage.py JSON report: it has no top-level "files" object (its top-level keys are "meta", "totals"). It may be a report in another format (Cobertura XML, lcov, Istanbul\'s coverage-final.json, or the text of `coverage report`). smart-test needs the file that `coverage json` writes; make one with `coverage run -m pytest && coverage json` (or `pytest --cov=<src> --cov-report=json`).',
    );
    // Istanbul's coverage-final.json: keys are paths
    expect(errorOf(() => parse('{"/repo/src/a.js": {"path": "/repo/src/a.js", "s": {}}}')).message).toMatch(/does not look like a coverage\.py JSON report: it has no top-level "files" object \(its top-level keys are "\/repo\/src\/a\.js"\)/);
    expect(errorOf(() => parse('{}')).message).toMatch(/it is an empty JSON object/);
    expect(errorOf(() => parse('[{"files": {}}]')).message).toMatch(/does not look like a coverage\.py JSON report: its top level is a list/);
  });

  it('wrong shape: names the key path', () => {
    const cases: Array<[string, string]> = [
      ['{"files": {"pkg/mod.py": {"executed_lines": "1,2", "missing_lines": []}}}', 'files["pkg/mod.py"].executed_lines should be a list of line numbers but is the string "1,2"'],
      ['{"files": {"a.py": {"executed_lines": [1, 2.5], "missing_lines": []}}}', 'files["a.py"].executed_lines[1] should be an integer line number but is the number 2.5'],
      ['{"files": {"a.py": {"executed_lines": [1]}}}', 'files["a.py"].missing_lines is missing (expected a list of line numbers)'],
      ['{"files": {"a.py": {"executed_lines": [], "missing_lines": [], "excluded_lines": null}}}', 'files["a.py"].excluded_lines should be a list of line numbers but is null'],
      ['{"files": {"a.py": {"executed_lines": [], "missing_lines": [], "functions": {"f": {"executed_lines": [1]}}}}}', 'files["a.py"].functions["f"].missing_lines is missing (expected a list of line numbers)'],
      ['{"files": {"a.py": {"executed_lines": [], "missing_lines": [], "functions": {"Box.grow": {"executed_lines": ["3"], "missing_lines": []}}}}}', 'files["a.py"].functions["Box.grow"].executed_lines[0] should be an integer line number but is the string "3"'],
      ['{"files": {"a.py": {"executed_lines": [], "missing_lines": [], "functions": []}}}', 'files["a.py"].functions should be an object but is a list'],
      ['{"files": {"a.py": [1, 2]}}', 'files["a.py"] should be an object but is a list'],
    ];
    for (const [text, expected] of cases) {
      const report = parse(text);
      expect(errorOf(() => report.file('a.py') ?? report.file('pkg/mod.py')).message).toBe(
        `The coverage report "coverage.json" has an unexpected shape: ${expected}. It was probably not written by coverage.py's \`coverage json\`, or was edited by hand. Regenerate it with \`coverage json\` (after \`coverage run -m pytest\`, or \`pytest --cov=<src> --cov-report=json\`).`,
      );
    }
    expect(errorOf(() => parse('{"files": [1]}')).message).toMatch(/: files should be an object mapping file names to their coverage but is a list\./);
    expect(errorOf(() => parse('{"meta": [], "files": {}}')).message).toMatch(/: meta should be an object but is a list\./);
    expect(errorOf(() => parse('{"meta": {"format": "3"}, "files": {}}')).message).toMatch(/: meta\.format should be an integer but is the string "3"\./);
  });

  it('unknown fields are accepted, and a report without meta reads as format null', () => {
    const report = parse('{"files": {"a.py": {"executed_lines": [2], "missing_lines": [3], "future_field": {"x": 1}, "classes": "anything"}}, "extra": 1}');
    expect(report).toMatchObject({ format: null, version: null, timestampText: null, timestamp: null, fileCount: 1 });
    expect(report.file('a.py')).toEqual({ executedLines: [2], missingLines: [3], excludedLines: [], functions: null });
  });

  it('formatKeyPath', () => {
    expect(formatKeyPath(['files', 'src/a.py', 'executed_lines', 3])).toBe('files["src/a.py"].executed_lines[3]');
    expect(formatKeyPath(['files', 'a', 'functions', '', 'missing_lines'])).toBe('files["a"].functions[""].missing_lines');
    expect(formatKeyPath(['meta', 'timestamp'])).toBe('meta.timestamp');
  });
});

describe('readCoverageMeta reads the start of the file only', () => {
  it('stops at meta when it comes first, even when the rest is broken', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'coverage.json');
      const filler = 'x'.repeat(200_000);
      writeFileSync(file, `{"meta": {"format": 2, "version": "7.5.0", "timestamp": "2024-03-04T05:06:07.891011"}, "files": {"a.py": {"pad": "${filler}", "executed_lines": [1, 2 BROKEN`);
      const meta = await readCoverageMeta(file);
      expect(meta).toMatchObject({ format: 2, version: '7.5.0', timestampText: '2024-03-04T05:06:07.891011' });
      expect(meta.timestampMs).toBeCloseTo(new Date(2024, 2, 4, 5, 6, 7, 891).getTime() + 0.011, 6);
      // reading the report finds the break
      await expect(readCoverageReport(file)).rejects.toThrow(/is not valid JSON: at line 1, column \d+, expected ',' or '\]' but found "BROKEN"/);
    } finally {
      cleanup();
    }
  });

  it('reads the whole file when meta comes after files, or is missing', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = path.join(dir, 'late.json');
      const files = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}.py`, { executed_lines: [1, 2, 3], missing_lines: [] }]));
      writeFileSync(file, JSON.stringify({ files, meta: { version: '5.5', timestamp: '2021-01-01T00:00:00' } }));
      expect(readFileSync(file).length).toBeGreaterThan(64 * 1024);
      expect(await readCoverageMeta(file)).toMatchObject({ format: null, version: '5.5', timestampText: '2021-01-01T00:00:00' });
      const none = path.join(dir, 'none.json');
      writeFileSync(none, '{"files": {}}');
      expect(await readCoverageMeta(none)).toMatchObject({ format: null, version: null, timestampText: null, timestampMs: null });
      const notCov = path.join(dir, 'other.json');
      writeFileSync(notCov, '{"coverage": {}}');
      await expect(readCoverageMeta(notCov)).rejects.toThrow(/does not look like a coverage\.py JSON report/);
      mkdirSync(path.join(dir, 'sub'));
      await expect(readCoverageMeta(path.join(dir, 'sub'))).rejects.toThrow(/is a directory/);
    } finally {
      cleanup();
    }
  });
});
