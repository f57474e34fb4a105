import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hookCommandNow, runningCli, shellQuote, withInstalledCli } from '../../../src/gate/hook-cli.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SCRIPT = readFileSync(path.join(ROOT, 'hooks', 'pre-commit'), 'utf8');
const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-hookcli-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tool(name: string): string {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
}

describe('recording the installing smart-test in the hook', () => {
  it('finds the CLI of this package', async () => {
    expect(await runningCli()).toBe(realpathSync(path.join(ROOT, 'bin', 'smart-test.cjs')));
  });

  it('quotes any path for sh, and the hook runs the recorded CLI last, with the recorded node when node is not on the PATH', () => {
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
    const weird = path.join(dir, "a dir's $HOME `x`");
    mkdirSync(weird, { recursive: true });
    const cli = path.join(weird, 'smart-test.cjs');
    writeFileSync(cli, 'console.log("recorded cli: " + process.argv.slice(2).join(" ")); process.exit(4);\n');
    const hook = path.join(dir, 'pre-commit');
    writeFileSync(hook, withInstalledCli(SCRIPT, { cli, node: process.execPath }), { mode: 0o755 });
    expect(spawnSync('sh', ['-n', hook]).status).toBe(0);
    // A PATH with neither smart-test nor npx; with node, then without it.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const name of ['dirname', 'tr']) symlinkSync(tool(name), path.join(bin, name));
    const run = () => spawnSync('/bin/sh', [hook], { cwd: dir, env: { PATH: bin }, encoding: 'utf8' });
    const withoutNode = run();
    expect(withoutNode.status).toBe(4);
    expect(withoutNode.stdout.trim()).toBe('recorded cli: run');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    expect(run().stdout.trim()).toBe('recorded cli: run');
  });

  it('leaves the script alone when there is nothing to record', () => {
    expect(withInstalledCli(SCRIPT, { cli: null, node: process.execPath })).toBe(SCRIPT);
    expect(SCRIPT).toMatch(/^installed_cli=''$/m);
    expect(SCRIPT).toMatch(/^installed_node=''$/m);
  });

  it('tells which command the hook would run now, in the hook order', async () => {
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, 'node_modules', '.bin'), { recursive: true });
    const installed = { cli: '/x/bin/smart-test.cjs', node: '/usr/bin/node' };
    expect(await hookCommandNow(repo, { PATH: '' }, installed)).toEqual({ command: 'node /x/bin/smart-test.cjs', source: 'installed' });
    expect(await hookCommandNow(repo, { PATH: '' }, { cli: '/a b/smart-test.cjs', node: null })).toEqual({ command: "node '/a b/smart-test.cjs'", source: 'installed' });
    const onPath = path.join(dir, 'onpath');
    mkdirSync(onPath);
    writeFileSync(path.join(onPath, 'smart-test'), '#!/bin/sh\n', { mode: 0o755 });
    expect(await hookCommandNow(repo, { PATH: onPath }, installed)).toEqual({ command: path.join(onPath, 'smart-test'), source: 'path' });
    writeFileSync(path.join(repo, 'node_modules', '.bin', 'smart-test'), '#!/bin/sh\n', { mode: 0o755 });
    expect((await hookCommandNow(repo, { PATH: onPath }, installed)).source).toBe('node_modules');
    expect(await hookCommandNow(repo, { PATH: onPath, SMART_TEST_BIN: '/y/st' }, installed)).toEqual({ command: '/y/st', source: 'env' });
  });
});
