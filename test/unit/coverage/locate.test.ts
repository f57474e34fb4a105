import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCoverage } from '../../../src/coverage/locate.js';
import { SmartTestError } from '../../../src/errors.js';
import { tempDir } from './helpers.js';

function report(timestamp: string | null, lines: number[]): string {
  const meta = timestamp === null ? { version: '5.5' } : { version: '6.5.0', timestamp };
  return JSON.stringify({ meta, files: { 'pkg/mod.py': { executed_lines: lines, missing_lines: [] } } });
}

describe('loadCoverage', () => {
  let root: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir: root, cleanup } = tempDir());
    mkdirSync(path.join(root, 'build'));
    mkdirSync(path.join(root, 'sub'));
  });
  afterEach(() => cleanup());

  const write = (rel: string, text: string, mtime?: Date) => {
    const p = path.join(root, rel);
    writeFileSync(p, text);
    if (mtime) utimesSync(p, mtime, mtime);
    return p;
  };

  it('defaults to coverage.json at the repository root', async () => {
    const p = write('coverage.json', report('2024-01-01T10:00:00.000001', [1]));
    const { report: r, considered, tried } = await loadCoverage({ repoRoot: root, cwd: root, candidates: [] });
    expect(r.path).toBe(p);
    expect(r.file('pkg/mod.py')!.executedLines).toEqual([1]);
    expect(considered).toEqual([{ path: p, timestampText: '2024-01-01T10:00:00.000001', timeMs: new Date(2024, 0, 1, 10).getTime() + 0.001 }]);
    expect(tried).toEqual([p]);
  });

  it('of several, the newest by meta.timestamp, whatever the files\' mtimes say', async () => {
    const old = new Date(2020, 0, 1);
    const a = write('coverage.json', report('2024-05-01T12:00:00.000000', [1]), new Date(2025, 0, 1)); // newer mtime, older timestamp
    const b = write('build/coverage.json', report('2024-05-01T12:00:00.500000', [2]), old);
    const c = write('sub/cov.json', report('2023-12-31T23:59:59.999999', [3]), old);
    const { report: r, considered } = await loadCoverage({ repoRoot: root, cwd: root, candidates: ['coverage.json', 'build/coverage.json', c, 'missing.json'] });
    expect(r.path).toBe(b);
    expect(r.file('pkg/mod.py')!.executedLines).toEqual([2]);
    expect(considered.map((x) => [x.path, x.timestampText])).toEqual([
      [a, '2024-05-01T12:00:00.000000'],
      [b, '2024-05-01T12:00:00.500000'],
      [c, '2023-12-31T23:59:59.999999'],
    ]);
  });

  it('a report without timestamp competes by its mtime', async () => {
    write('coverage.json', report('2024-05-01T12:00:00', [1]));
    const b = write('build/coverage.json', report(null, [2]), new Date(2024, 4, 1, 12, 0, 1));
    const { report: r, considered } = await loadCoverage({ repoRoot: root, cwd: root, candidates: ['coverage.json', 'build/coverage.json'] });
    expect(r.path).toBe(b);
    expect(considered[1]).toEqual({ path: b, timestampText: null, timeMs: new Date(2024, 4, 1, 12, 0, 1).getTime() });
    utimesSync(b, new Date(2024, 4, 1, 11), new Date(2024, 4, 1, 11));
    expect((await loadCoverage({ repoRoot: root, cwd: root, candidates: ['coverage.json', 'build/coverage.json'] })).report.path).toBe(path.join(root, 'coverage.json'));
  });

  it('relative keys are relative to the chosen report\'s directory', async () => {
    write('sub/coverage.json', JSON.stringify({ files: { 'mod.py': { executed_lines: [4], missing_lines: [] } } }));
    const { report: r } = await loadCoverage({ repoRoot: root, cwd: root, candidates: ['sub/coverage.json'] });
    expect(r.file('sub/mod.py')!.executedLines).toEqual([4]);
  });

  it('none found: names every path tried (relative to the working directory) and how to make one', async () => {
    const err = await loadCoverage({ repoRoot: root, cwd: root, candidates: ['coverage.json', 'build/cov.json'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmartTestError);
    expect((err as Error).message).toBe(
      'No coverage report found: looked for "coverage.json", "build/cov.json". smart-test reads coverage.py\'s JSON report; make one with `coverage run -m pytest && coverage json` (or `pytest --cov=<src> --cov-report=json`), or set "coverage" in the smart-test configuration to where your report is written.',
    );
  });

  it('none found but a .coverage data file exists: says to run coverage json', async () => {
    write('.coverage', 'SQLite format 3\u0000');
    const err = (await loadCoverage({ repoRoot: root, cwd: path.join(root, 'sub'), candidates: [] }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/looked for "[^"]*coverage\.json", "coverage\.json"\./);
    expect(err.message).toMatch(/There is a coverage data file at "[^"]*\.coverage": run `coverage json` beside it/);
  });

  it('run from a subdirectory: relative candidates are tried there when none is at the root', async () => {
    const p = write('sub/coverage.json', report('2024-01-01T00:00:00', [7]));
    const { report: r, tried } = await loadCoverage({ repoRoot: root, cwd: path.join(root, 'sub'), candidates: ['coverage.json'] });
    expect(r.path).toBe(p);
    expect(tried).toEqual([path.join(root, 'coverage.json'), p]);
  });

  it('the chosen report is read in full and checked; the others only up to their meta', async () => {
    write('coverage.json', '{"meta": {"timestamp": "2024-01-01T00:00:00"}, "files": {"pkg/mod.py": BROKEN');
    write('build/coverage.json', report('2024-06-01T00:00:00', [2]));
    const { report: r } = await loadCoverage({ repoRoot: root, cwd: root, candidates: ['coverage.json', 'build/coverage.json'] });
    expect(r.file('pkg/mod.py')!.executedLines).toEqual([2]);
    write('build/coverage.json', report('2023-06-01T00:00:00', [2]));
    await expect(loadCoverage({ repoRoot: root, cwd: root, candidates: ['coverage.json', 'build/coverage.json'] })).rejects.toThrow(
      /^The coverage report "coverage\.json" is not valid JSON: at line 1, column 72, expected a value but found "BROKEN"/,
    );
  });
});
