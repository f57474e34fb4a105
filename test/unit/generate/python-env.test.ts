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

  it('lists every module of a src layout, not only the first; a flat-layout module is found', async () => {
    const python = requirePython();
    expect(await modulesPytestMayMiss(python, ['flat.mod', 'shop.pricing', 'util'], root)).toEqual(['shop.pricing', 'util']);
    expect(await modulesPytestMayMiss(python, ['flat.mod'], root)).toEqual([]);
    expect(await modulesPytestMayMiss(python, [], root)).toEqual([]);
  });

  it('none when a pytest configuration sets pythonpath', async () => {
    const python = requirePython();
    write('pyproject.toml', '[tool.pytest.ini_options]\npythonpath = ["src"]\n');
    expect(await modulesPytestMayMiss(python, ['shop.pricing', 'util'], root)).toEqual([]);
  });

  it('is answered by the process that found the Python, as a process of its own would answer it (what finding the module imported is forgotten)', async () => {
    const python = requirePython();
    // The module is found through src/, which imports the package `shop` from there: asked
    // next, from the root alone, `shop.pricing` is still not found.
    const found = await findProjectPython({ repoRoot: root, configured: python, env: process.env, module: 'shop.pricing', sysPath: [path.join(root, 'src'), root], fromRoot: ['flat.mod', 'shop.pricing'] });
    expect(found.python).toBe(python);
    expect(found.fromRoot).toEqual({ root, modules: ['flat.mod', 'shop.pricing'], found: new Set(['flat.mod']) });
    expect(await modulesPytestMayMiss(python, ['shop.pricing', 'flat.mod'], root, found.fromRoot)).toEqual(['shop.pricing']);
    // A module it was not asked about: asked again, in a process of its own.
    expect(await modulesPytestMayMiss(python, ['shop.pricing', 'util'], root, found.fromRoot)).toEqual(['shop.pricing', 'util']);
  });

  it('a Python that cannot run finds nothing, so every module is listed', async () => {
    expect(await modulesPytestMayMiss(path.join(root, 'no-such-python'), ['flat.mod'], root)).toEqual(['flat.mod']);
  });
});
