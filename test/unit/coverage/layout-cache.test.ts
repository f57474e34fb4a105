import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { layoutCacheFile } from '../../../src/coverage/layout-cache.js';
import { readCoverageReport } from '../../../src/coverage/read.js';
import { SmartTestError } from '../../../src/errors.js';
import { tempDir } from './helpers.js';

const keyOf = (m: number) => `src/mod_${m}.py`;

function reportText(n: number, shift = 0): string {
  const files: Record<string, unknown> = {};
  for (let m = 0; m < n; m++) {
    files[keyOf(m)] = { executed_lines: [1 + shift, 2 + shift, 3 + m], missing_lines: [40 + m], excluded_lines: [], summary: { covered_lines: 3 } };
  }
  return JSON.stringify({ meta: { format: 2, version: '7.5.0', timestamp: '2030-01-01T00:00:00.000000', branch_coverage: false, show_contexts: false }, files, totals: {} });
}

describe('the coverage layout remembered between runs', () => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  let cacheDir: string;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    file = path.join(dir, 'coverage.json');
    cacheDir = path.join(dir, 'git', 'smart-test');
    writeFileSync(file, reportText(200));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    cleanup();
  });

  it('the first read writes the layout; the next reads only the ranges it needs, with the same results', async () => {
    const first = await readCoverageReport(file, { repoRoot: dir, cacheDir });
    expect(readdirSync(cacheDir)).toEqual([path.basename(layoutCacheFile(cacheDir, file))]);
    const spy = vi.spyOn(JSON, 'parse');
    const second = await readCoverageReport(file, { repoRoot: dir, cacheDir });
    // the layout, then meta: the 200 entries are not read
    expect(spy.mock.calls.length).toBe(2);
    expect(String(spy.mock.calls[1]![0])).toMatch(/^\{"format":2/);
    expect(second.fileCount).toBe(200);
    expect(second.version).toBe('7.5.0');
    expect(second.timestampText).toBe(first.timestampText);
    expect(second.mtimeMs).toBe(first.mtimeMs);
    for (const m of [0, 77, 199]) expect(second.file(keyOf(m))).toEqual(first.file(keyOf(m)));
    expect(second.file(keyOf(77))!.executedLines).toEqual([1, 2, 80]);
    expect(second.file('src/nope.py')).toBeUndefined();
    // each entry read is one small slice
    expect(Math.max(...spy.mock.calls.slice(2).map((c) => String(c[0]).length))).toBeLessThan(200);
  });

  it('a changed report (same size, new mtime) is read whole again and its layout rewritten', async () => {
    await readCoverageReport(file, { repoRoot: dir, cacheDir });
    const cache = layoutCacheFile(cacheDir, file);
    const before = readFileSync(cache, 'utf8');
    // same length, other numbers: the old offsets would still point at valid-looking JSON
    const changed = reportText(200, 1);
    expect(changed.length).toBe(reportText(200).length);
    writeFileSync(file, changed);
    utimesSync(file, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    const report = await readCoverageReport(file, { repoRoot: dir, cacheDir });
    expect(report.file(keyOf(5))!.executedLines).toEqual([2, 3, 8]);
    expect(readFileSync(cache, 'utf8')).not.toBe(before);
  });

  it('a damaged or foreign layout file is ignored and replaced', async () => {
    const cache = layoutCacheFile(cacheDir, file);
    await readCoverageReport(file, { repoRoot: dir, cacheDir });
    for (const junk of ['{not json', '{"version":1,"file":{}}', JSON.stringify({ ...JSON.parse(readFileSync(cache, 'utf8')), starts: [1] })]) {
      writeFileSync(cache, junk);
      const report = await readCoverageReport(file, { repoRoot: dir, cacheDir });
      expect(report.file(keyOf(3))!.missingLines).toEqual([43]);
      expect(JSON.parse(readFileSync(cache, 'utf8')).keys).toHaveLength(200);
    }
  });

  it('a report with a syntax error is never remembered, and still fails every time', async () => {
    writeFileSync(file, reportText(20).replace('"src/mod_4.py"', '"src/mod_4.py" 1'));
    for (let i = 0; i < 2; i++) {
      await expect(readCoverageReport(file, { repoRoot: dir, cacheDir, displayPath: 'coverage.json' })).rejects.toThrow(SmartTestError);
    }
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('a cache directory that cannot be written is no error', async () => {
    writeFileSync(path.join(dir, 'git'), 'a file where the directory should be');
    const report = await readCoverageReport(file, { repoRoot: dir, cacheDir });
    expect(report.file(keyOf(1))!.executedLines).toEqual([1, 2, 4]);
  });
});
