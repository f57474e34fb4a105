/**
 * The py65 fixture is a real coverage.py 6.5 report of test/fixtures/coverage/py65/project.
 * This test regenerates it (test/fixtures/coverage/py65/regenerate.sh) into a temporary
 * directory and checks that the committed one still says the same; it is skipped where
 * Debian's python3-coverage and python3-pytest are not installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCoverageReport } from '../../../src/coverage/read.js';
import { py65Dir, tempDir } from './helpers.js';

const python = '/usr/bin/python3';
const available =
  existsSync(python) &&
  spawnSync(python, ['-c', 'import coverage, pytest; assert coverage.version_info[0] == 6'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!available)('the real coverage.py 6.5 fixture', () => {
  it('regenerates to the same lines', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = spawnSync('sh', [path.join(py65Dir, 'regenerate.sh'), dir], { encoding: 'utf8', env: { ...process.env, PYTHON: python } });
      expect(run.status, run.stderr).toBe(0);
      for (const name of ['coverage.json', 'coverage-branch.json']) {
        const fresh = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { meta: Record<string, unknown>; files: Record<string, unknown> };
        const committed = JSON.parse(readFileSync(path.join(py65Dir, name), 'utf8')) as typeof fresh;
        expect(fresh.files).toEqual(committed.files);
        expect({ ...fresh.meta, timestamp: null }).toEqual({ ...committed.meta, timestamp: null });
        // and smart-test reads the fresh one
        const report = await readCoverageReport(path.join(dir, name), { runDir: path.join(py65Dir, 'project'), repoRoot: path.join(py65Dir, 'project') });
        expect(report.file('pkg/shapes.py')!.missingLines).toEqual([12, 20, 48, 62, 64]);
      }
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!existsSync(python))('the format 2 and 3 fixtures', () => {
  it('are what make_fixtures.py builds from the 6.5 report', () => {
    const { dir, cleanup } = tempDir();
    try {
      const v7 = path.join(py65Dir, '..', 'v7');
      const run = spawnSync(python, [path.join(v7, 'make_fixtures.py'), dir], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      for (const name of ['format2.json', 'format3.json']) {
        expect(readFileSync(path.join(dir, name), 'utf8')).toBe(readFileSync(path.join(v7, name), 'utf8'));
      }
    } finally {
      cleanup();
    }
  });
});
