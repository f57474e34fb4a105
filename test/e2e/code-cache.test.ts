/**
 * bin/smart-test.cjs keeps V8's compiled code of the bundle in dist/code-cache/ between runs.
 * Each test runs a copy of the built package (bin, dist, package.json; node_modules linked), so
 * the cache it looks at is its own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, makeRepo, PROJECT_ROOT, type TempRepo } from '../helpers/repo.js';

describe('the code cache of the bundle', () => {
  let pkg: string;
  let repo: TempRepo;

  beforeEach(() => {
    pkg = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-pkg-')));
    for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(PROJECT_ROOT, part), path.join(pkg, part), { recursive: true });
    rmSync(path.join(pkg, 'dist', 'code-cache'), { recursive: true, force: true });
    symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
    repo = makeRepo();
    repo.write('pkg/mod.py', 'def f(x):\n    return x + 1\n');
    repo.git('add', '.');
    repo.write('coverage.json', JSON.stringify({ meta: { format: 2, version: '7.5.0', timestamp: '2099-01-01T00:00:00.000000' }, files: { 'pkg/mod.py': { executed_lines: [1], missing_lines: [2], excluded_lines: [] } } }));
  });
  afterEach(() => {
    rmSync(pkg, { recursive: true, force: true });
    repo.cleanup();
  });

  const run = (env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'smart-test.cjs'), 'plan', '--format', 'json'], {
      cwd: repo.root,
      env: cleanEnv({ SMART_TEST_TIMING: '1', ...env }),
      encoding: 'utf8',
    });
    const status = /smart-test code cache: (.*)/.exec(r.stderr)?.[1] ?? null;
    return { code: r.status, stdout: r.stdout, status };
  };
  const cacheFiles = () => readdirSync(path.join(pkg, 'dist', 'code-cache'));

  it('is written by the first run of a command and used by the next, with the same results', () => {
    const first = run();
    expect(first.code).toBe(0);
    expect(first.status).toBe('written');
    expect(cacheFiles()).toEqual([expect.stringMatching(new RegExp(`^plan-node${process.version.replace(/\./g, '\\.')}-${process.arch}-\\d+-\\d+\\.bin$`))]);
    const second = run();
    expect(second.status).toBe('used');
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(second.stdout).functions.map((f: { qualname: string }) => f.qualname)).toEqual(['f']);
  });

  it('a damaged cache is rejected by V8 and rewritten; the run is unaffected', () => {
    const first = run();
    const file = path.join(pkg, 'dist', 'code-cache', cacheFiles()[0]!);
    writeFileSync(file, Buffer.alloc(4096, 7));
    const damaged = run();
    expect(damaged.status).toBe('rejected, rewritten');
    expect(damaged.stdout).toBe(first.stdout);
    expect(run().status).toBe('used');
  });

  it('a missing bundle (never built) is one clear paragraph and exit 2', () => {
    rmSync(path.join(pkg, 'dist'), { recursive: true });
    const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'smart-test.cjs'), 'plan'], { cwd: repo.root, env: cleanEnv(), encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^smart-test: .*dist\/cli\.cjs is missing, so smart-test cannot run\. It is built by `npm run build`.*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  it('an installation where the cache cannot be written still runs; SMART_TEST_NO_CODE_CACHE=1 turns it off', () => {
    writeFileSync(path.join(pkg, 'dist', 'code-cache'), 'a file where the directory would go');
    const blocked = run();
    expect(blocked.code).toBe(0);
    expect(blocked.status).toMatch(/^not written \(E[A-Z]+\)$/);
    expect(run().status).toBe(blocked.status);
    rmSync(path.join(pkg, 'dist', 'code-cache'));
    const off = run({ SMART_TEST_NO_CODE_CACHE: '1' });
    expect(off.status).toBe('off');
    expect(off.stdout).toBe(blocked.stdout);
    expect(readdirSync(path.join(pkg, 'dist'))).not.toContain('code-cache');
  });
});
