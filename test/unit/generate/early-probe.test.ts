/**
 * The probe session started while the project's tests are read (engine.ts startProbe): it is the
 * one the first probe uses, the tests it leads to are the same as without it, and it never
 * outlives the run, whether or not anything was probed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/defaults.js';
import { generateTests, type GenerationSource } from '../../../src/generate/engine.js';
import { parsePython } from '../../../src/python/structure.js';
import { requirePython } from '../../helpers/python.js';
import { cleanEnv, makeRepo, runPython, type TempRepo } from '../../helpers/repo.js';

const MODULE = `import os


def area(width, height):
    if width < 0 or height < 0:
        raise ValueError("negative")
    return width * height


def wipe(pid):
    os.kill(pid, 9)
`;

async function sourceOf(repo: TempRepo, qualnames: string[]): Promise<GenerationSource> {
  const file = 'src/calc/shapes.py';
  const text = readFileSync(path.join(repo.root, file), 'utf8');
  const module = await parsePython(text);
  return { file, text, module, targets: module.functions.filter((f) => qualnames.includes(f.qualname)) };
}

describe('the probe session started early', () => {
  let repo: TempRepo;
  let temp: string;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
    repo.write('src/calc/__init__.py', '');
    repo.write('src/calc/shapes.py', MODULE);
    repo.write('tests/test_area.py', 'from calc.shapes import area\n\n\ndef test_area():\n    assert area(2, 3) == 6\n');
    repo.git('add', '-A');
    // The probe's folders go under TMPDIR: a fresh one shows what a run leaves behind.
    temp = mkdtempSync(path.join(tmpdir(), 'smart-test-early-'));
  });
  afterEach(() => {
    rmSync(temp, { recursive: true, force: true });
    repo.cleanup();
  });

  const generate = async (python: string, qualnames: string[]) => {
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      return await generateTests([await sourceOf(repo, qualnames)], { repoRoot: repo.root, config: { ...defaultConfig(), python, sourceRoots: ['src'] }, execute: true, env: cleanEnv() });
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
  };

  it('leads to tests that pass, and leaves no probe folder behind', async () => {
    const python = requirePython();
    const result = await generate(python, ['area']);
    expect(result.targets[0]!.status).toBe('written');
    expect(readdirSync(temp)).toEqual([]);
    const text = readFileSync(path.join(repo.root, 'tests/test_calc_shapes.py'), 'utf8');
    expect(text).toContain('assert result == 6');
    expect(runPython(python, ['-m', 'pytest', '-q', 'tests/test_calc_shapes.py'], repo.root)).toMatch(/^\d+ passed/m);
  });

  it('ends when nothing is probed after all (the function starts processes: its test is written without running it)', async () => {
    const python = requirePython();
    const result = await generate(python, ['wipe']);
    expect(result.python).toBeNull();
    expect(readdirSync(temp)).toEqual([]);
  });
});
