import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findProjectPython, modulesPytestMayMiss } from '../../../src/generate/python-env.js';
import { requirePython } from '../../helpers/python.js';

describe('modulesPytestMayMiss: what pytest run at the repository root may fail to import', () => {
  let root: string;
  const write = (rel: string, text = '') => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'smart-test-pyenv-'));
    write('src/shop/__init__.py');
    write('src/shop/pricing.py', 'X = 1\n');
    write('src/util/__init__.py');
    write('flat/__init__.py');
    write('flat/mod.py', 'Y = 2\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  /** The modules with their files in the repository, as the engine passes them. */
  const FILES: Record<string, string> = { 'flat.mod': 'flat/mod.py', 'shop.pricing': 'src/shop/pricing.py', util: 'src/util/__init__.py' };
  const mods = (...names: string[]) => names.map((module) => ({ module, file: FILES[module]! }));
  const missing = async (...args: Parameters<typeof modulesPytestMayMiss>) => (await modulesPytestMayMiss(...args)).missing;

  it('lists every module of a src layout, not only the first; a flat-layout module is found', async () => {
    const python = requirePython();
    expect(await missing(python, mods('flat.mod', 'shop.pricing', 'util'), root)).toEqual(['shop.pricing', 'util']);
    expect(await modulesPytestMayMiss(python, mods('flat.mod'), root)).toEqual({ missing: [], elsewhere: [] });
    expect(await missing(python, [], root)).toEqual([]);
  });

  it('none when a pytest configuration sets pythonpath', async () => {
    const python = requirePython();
    write('pyproject.toml', '[tool.pytest.ini_options]\npythonpath = ["src"]\n');
    expect(await missing(python, mods('shop.pricing', 'util'), root)).toEqual([]);
  });

  it('is answered by the process that found the Python, as a process of its own would answer it (what finding the module imported is forgotten)', async () => {
    const python = requirePython();
    // The module is found through src/, which imports the package `shop` from there: asked
    // next, from the root alone, `shop.pricing` is still not found.
    const found = await findProjectPython({ repoRoot: root, configured: python, env: process.env, module: 'shop.pricing', sysPath: [path.join(root, 'src'), root], fromRoot: ['flat.mod', 'shop.pricing'] });
    expect(found.python).toBe(python);
    expect(found.fromRoot).toEqual({ root, modules: ['flat.mod', 'shop.pricing'], found: new Map([['flat.mod', path.join(root, 'flat/mod.py')]]) });
    expect(await missing(python, mods('shop.pricing', 'flat.mod'), root, found.fromRoot)).toEqual(['shop.pricing']);
    // A module it was not asked about: asked again, in a process of its own.
    expect(await missing(python, mods('shop.pricing', 'util'), root, found.fromRoot)).toEqual(['shop.pricing', 'util']);
  });

  it('names a module pytest would import from another copy (the project installed, not editable)', async () => {
    const python = requirePython();
    // An installed release of `shop`, found through PYTHONPATH as site-packages would be.
    write('site/shop/__init__.py');
    write('site/shop/pricing.py', 'X = 0\n');
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = path.join(root, 'site');
    try {
      expect(await modulesPytestMayMiss(python, mods('shop.pricing', 'flat.mod', 'util'), root)).toEqual({ missing: ['util'], elsewhere: [{ module: 'shop.pricing', file: path.join(root, 'site/shop/pricing.py') }] });
      // With pytest's `pythonpath` set, pytest imports the repository's copy: nothing to say.
      write('pytest.ini', '[pytest]\npythonpath = src\n');
      expect(await modulesPytestMayMiss(python, mods('shop.pricing'), root)).toEqual({ missing: [], elsewhere: [] });
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
    }
  });

  it('a Python that cannot run finds nothing, so every module is listed', async () => {
    expect(await missing(path.join(root, 'no-such-python'), mods('flat.mod'), root)).toEqual(['flat.mod']);
  });
});
