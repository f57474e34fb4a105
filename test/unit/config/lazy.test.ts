/** cosmiconfig (~30 ms) and zod (~100 ms) are imported only when a configuration file exists. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const imported = vi.hoisted(() => ({ cosmiconfig: 0, schema: 0 }));

vi.mock('cosmiconfig', async (original) => {
  imported.cosmiconfig++;
  return original();
});
vi.mock('../../../src/config/schema.js', async (original) => {
  imported.schema++;
  return original();
});

const { loadConfig } = await import('../../../src/config/load.js');

const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-lazy-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('lazy loading', () => {
  it('does not import cosmiconfig or the zod schema when no configuration file exists', async () => {
    const root = path.join(base, 'plain');
    mkdirSync(path.join(root, 'pkg'), { recursive: true });
    writeFileSync(path.join(root, 'pyproject.toml'), '[project]\nname = "demo"\n');
    writeFileSync(path.join(root, 'package.json'), '{"name": "demo"}');
    const loaded = await loadConfig({ cwd: path.join(root, 'pkg'), repoRoot: root });
    expect(loaded.source).toBeNull();
    expect(imported).toEqual({ cosmiconfig: 0, schema: 0 });
  });

  it('imports them once a configuration file is found', async () => {
    const root = path.join(base, 'configured');
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, '.smarttestrc'), 'threshold: 70\n');
    expect((await loadConfig({ cwd: root, repoRoot: root })).config.threshold).toBe(70);
    expect(imported).toEqual({ cosmiconfig: 1, schema: 1 });
  });
});
