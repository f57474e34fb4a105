import { mkdirSync, mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coverageDataSetting } from '../../../src/coverage/coverage-config.js';
import { findDataToConvert } from '../../../src/coverage/data-file.js';
import { pythonLocalIso, withTimestamp } from '../../../src/coverage/convert.js';
import { parseCoverageTimestamp } from '../../../src/coverage/timestamp.js';

const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-datafile-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

function project(files: Record<string, string | [string, number]>): string {
  const root = path.join(base, `p${n++}`);
  for (const [rel, value] of Object.entries(files)) {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    const [text, ageSeconds] = typeof value === 'string' ? [value, 0] : value;
    writeFileSync(full, text);
    const when = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(full, when, when);
  }
  return root;
}

describe('coverageDataSetting: where coverage.py keeps its data', () => {
  it('defaults to .coverage at the root', async () => {
    const root = project({ 'pyproject.toml': '[project]\nname = "x"\n' });
    expect(await coverageDataSetting(root, {})).toEqual({ dataFile: path.join(root, '.coverage'), from: null });
  });

  it('reads [run] data_file from .coveragerc, [coverage:run] from setup.cfg and tox.ini, [tool.coverage.run] from pyproject.toml', async () => {
    expect((await coverageDataSetting(project({ '.coveragerc': '[run]\nbranch = True\ndata_file = out/.cov\n' }), {})).dataFile).toMatch(/out\/\.cov$/);
    expect((await coverageDataSetting(project({ 'setup.cfg': '[metadata]\nname = x\n[coverage:run]\ndata_file: build/.c\n' }), {})).dataFile).toMatch(/build\/\.c$/);
    expect((await coverageDataSetting(project({ 'tox.ini': '[tox]\n[coverage:run]\ndata_file = t/.d\n' }), {})).dataFile).toMatch(/t\/\.d$/);
    const toml = await coverageDataSetting(project({ 'pyproject.toml': '[tool.coverage.run]\ndata_file = "reports/.coverage"\n' }), {});
    expect(toml).toMatchObject({ from: 'pyproject.toml' });
    expect(toml.dataFile).toMatch(/reports\/\.coverage$/);
  });

  it('takes the first file with coverage settings, as coverage.py does; a run section elsewhere does not count', async () => {
    // setup.cfg has coverage settings (no data_file): pyproject.toml is not read for it.
    const root = project({ 'setup.cfg': '[coverage:report]\nfail_under = 50\n', 'pyproject.toml': '[tool.coverage.run]\ndata_file = "x/.cov"\n' });
    expect((await coverageDataSetting(root, {})).dataFile).toBe(path.join(root, '.coverage'));
    // [run] in setup.cfg is not coverage.py's section.
    const other = project({ 'setup.cfg': '[run]\ndata_file = no\n', 'tox.ini': '[coverage:run]\ndata_file = yes/.cov\n' });
    expect((await coverageDataSetting(other, {})).dataFile).toBe(path.join(other, 'yes', '.cov'));
  });

  it('honours $COVERAGE_FILE, $COVERAGE_RCFILE and environment variables in the value', async () => {
    const root = project({ '.coveragerc': '[run]\ndata_file = ${OUT}/.cov\n', 'ci.rc': '[run]\ndata_file = ci/.cov\n' });
    expect((await coverageDataSetting(root, { OUT: 'o' })).dataFile).toBe(path.join(root, 'o', '.cov'));
    expect((await coverageDataSetting(root, { COVERAGE_RCFILE: 'ci.rc' })).dataFile).toBe(path.join(root, 'ci', '.cov'));
    expect(await coverageDataSetting(root, { COVERAGE_FILE: 'env/.cov' })).toEqual({ dataFile: path.join(root, 'env', '.cov'), from: '$COVERAGE_FILE' });
  });
});

describe('findDataToConvert: only when the data is newer than every coverage.json', () => {
  const config = (extra: Partial<{ coverage: string[]; coverageData: string | false | null }> = {}) => ({ coverage: ['coverage.json'], coverageData: null, ...extra });

  it('converts when there is no coverage.json, or when .coverage is newer', async () => {
    const none = project({ '.coverage': 'x' });
    expect(await findDataToConvert({ repoRoot: none, config: config(), env: {} })).toMatchObject({ dataFile: path.join(none, '.coverage'), parallel: [], target: path.join(none, 'coverage.json') });
    const older = project({ '.coverage': ['x', 10], 'coverage.json': ['{}', 60] });
    expect(await findDataToConvert({ repoRoot: older, config: config(), env: {} })).not.toBeNull();
  });

  it('does nothing when coverage.json is newer, when there is no data file, or when turned off', async () => {
    const newer = project({ '.coverage': ['x', 60], 'coverage.json': ['{}', 10] });
    expect(await findDataToConvert({ repoRoot: newer, config: config(), env: {} })).toBeNull();
    expect(await findDataToConvert({ repoRoot: project({ 'coverage.json': '{}' }), config: config(), env: {} })).toBeNull();
    expect(await findDataToConvert({ repoRoot: project({ '.coverage': 'x' }), config: config({ coverageData: false }), env: {} })).toBeNull();
    // Any configured report newer than the data counts.
    const second = project({ '.coverage': ['x', 30], 'coverage.json': ['{}', 60], 'build/cov.json': ['{}', 5] });
    expect(await findDataToConvert({ repoRoot: second, config: config({ coverage: ['coverage.json', 'build/cov.json'] }), env: {} })).toBeNull();
  });

  it('never writes a report outside the repository', async () => {
    const root = project({ '.coverage': 'x' });
    expect(await findDataToConvert({ repoRoot: root, config: config({ coverage: [path.join(base, 'elsewhere.json')] }), env: {} })).toBeNull();
  });

  it('uses parallel data files newer than .coverage, and ignores leftovers older than it', async () => {
    const fresh = project({ '.coverage': ['x', 60], '.coverage.host.1.a': ['x', 20], '.coverage.host.2.b': ['x', 10] });
    const data = await findDataToConvert({ repoRoot: fresh, config: config(), env: {} });
    expect(data?.parallel.map((p) => path.basename(p))).toEqual(['.coverage.host.1.a', '.coverage.host.2.b']);
    const leftovers = project({ '.coverage': ['x', 5], '.coverage.host.1.a': ['x', 50] });
    expect((await findDataToConvert({ repoRoot: leftovers, config: config(), env: {} }))?.parallel).toEqual([]);
    const onlyParallel = project({ '.coverage.host.1.a': 'x' });
    expect((await findDataToConvert({ repoRoot: onlyParallel, config: config(), env: {} }))?.parallel).toHaveLength(1);
  });

  it('takes the data file from coverageData when it is a path', async () => {
    const root = project({ 'out/data': 'x', '.coverage': ['x', 100] });
    expect((await findDataToConvert({ repoRoot: root, config: config({ coverageData: 'out/data' }), env: {} }))?.dataFile).toBe(path.join(root, 'out', 'data'));
  });
});

describe('the written report is dated by the data file', () => {
  it("formats a local time as Python's isoformat does, which the timestamp parser reads back", () => {
    const ms = new Date(2026, 0, 2, 3, 4, 5, 678).getTime() + 0.901;
    expect(pythonLocalIso(ms)).toBe('2026-01-02T03:04:05.678901');
    expect(pythonLocalIso(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('2026-01-02T03:04:05');
    expect(parseCoverageTimestamp(pythonLocalIso(ms))!.epochMs).toBeCloseTo(ms, 2);
  });

  it('replaces only meta.timestamp', () => {
    const json = '{"meta": {"version": "6.5.0", "timestamp": "2026-12-01T10:00:00.1", "branch_coverage": false}, "files": {"timestamp": {}}}';
    expect(withTimestamp(json, '2020-01-01T00:00:00')).toBe(json.replace('2026-12-01T10:00:00.1', '2020-01-01T00:00:00'));
    expect(withTimestamp('{"files": {}}', 'x')).toBe('{"files": {}}');
  });
});
