/**
 * Generated tests against small changes of the module they test (mutants), end to end: the
 * tests `generate --all` writes for one module of a temp repository, and a pytest run of them
 * against each change of its source.
 */
import { readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { cleanEnv, runCli, runPython, type TempRepo } from './repo.js';

/** `source` as `src/<module>.py` of a repository whose pytest imports from src/ (`pythonpath = src`). */
export function writeModule(repo: TempRepo, module: string, source: string): void {
  repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
  repo.write(`src/${module}.py`, source);
}

/** The generated tests of `module` pass under pytest (runPython throws, with pytest's output, when they do not). */
export function expectGeneratedPass(repo: TempRepo, python: string, module: string): void {
  expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', `tests/test_${module}.py`], repo.root)).toMatch(/passed/);
}

/** The text of `tests/test_<module>.py` as `generate src/<module>.py --all` writes it in a fresh tests folder. */
export function generateAll(repo: TempRepo, python: string, module: string): string {
  repo.write('.smarttestrc.json', JSON.stringify({ python }));
  rmSync(path.join(repo.root, 'tests'), { recursive: true, force: true });
  const r = runCli(['generate', `src/${module}.py`, '--all'], repo.root);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(path.join(repo.root, `tests/test_${module}.py`), 'utf8');
}

/**
 * Each change of `source` ([from, to]: the first `from` replaced by `to`) makes the module's
 * generated tests (`text`) fail under pytest; the source is written back as it was after.
 */
export function expectEachCaught(repo: TempRepo, python: string, module: string, source: string, mutants: ReadonlyArray<readonly [string, string]>, text: string): void {
  const file = `src/${module}.py`;
  try {
    for (const [from, to] of mutants) {
      repo.write(file, source.replace(from, to));
      const r = spawnSync(python, ['-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', `tests/test_${module}.py`], { cwd: repo.root, env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1' }), encoding: 'utf8' });
      expect(r.status, `the change to ${to} was not caught:\n${r.stdout}\n${text}`).toBe(1);
    }
  } finally {
    repo.write(file, source);
  }
}
