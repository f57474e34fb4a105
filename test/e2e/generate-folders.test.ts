import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

/** A module of `n` small functions with branches: enough targets that the probe work splits into groups. */
function moduleOf(name: string, n: number): string {
  const parts = [`"""Module ${name}."""\n`];
  for (let k = 0; k < n; k++) {
    parts.push(`\ndef ${name}_f${k}(x: int) -> int:\n    if x > ${k}:\n        return x - ${k}\n    return x * ${k + 2}\n`);
  }
  return parts.join('');
}

const MODULES = ['src/lib/alpha.py', 'src/lib/beta.py', 'src/lib/sub/gamma.py'];

function testFiles(root: string): Record<string, string> {
  const dir = path.join(root, 'tests');
  if (!existsSync(dir)) return {};
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

describe('smart-test generate on folders', () => {
  let repo: TempRepo;
  let python: string;
  beforeAll(() => {
    python = requirePython();
    repo = makeRepo();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
    repo.write('src/lib/__init__.py', '');
    repo.write('src/lib/alpha.py', moduleOf('alpha', 10));
    repo.write('src/lib/beta.py', moduleOf('beta', 10));
    repo.write('src/lib/sub/__init__.py', '');
    repo.write('src/lib/sub/gamma.py', moduleOf('gamma', 10));
    repo.write('src/lib/vendored/skip.py', moduleOf('skip', 2));
    repo.write('.gitignore', '__pycache__/\n.pytest_cache/\n');
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'base');
  });
  afterAll(() => repo.cleanup());

  const configure = (jobs: number) => repo.write('.smarttestrc.json', JSON.stringify({ sourceRoots: ['src'], exclude: ['src/lib/vendored'], python, jobs }));
  const clean = () => rmSync(path.join(repo.root, 'tests'), { recursive: true, force: true });

  it('writes tests for every module below the folder (include/exclude honoured), the same as naming the files, whatever jobs is', () => {
    configure(1);
    clean();
    const folder = runCli(['generate', 'src/lib', '--all', '--format', 'json'], repo.root);
    expect(folder.stderr).toBe('');
    expect(folder.code).toBe(0);
    const viaFolder = testFiles(repo.root);
    expect(Object.keys(viaFolder)).toEqual(['test_lib_alpha.py', 'test_lib_beta.py', 'test_lib_sub_gamma.py']);
    const json = JSON.parse(folder.stdout) as { functions: Array<{ file: string }>; generated: Array<{ status: string }> };
    expect(new Set(json.functions.map((f) => f.file))).toEqual(new Set([...MODULES, 'src/lib/__init__.py', 'src/lib/sub/__init__.py'].filter((f) => !f.endsWith('__init__.py'))));
    expect(json.generated.length).toBe(30);
    expect(json.generated.every((g) => g.status === 'written')).toBe(true);

    clean();
    const files = runCli(['generate', ...[...MODULES].reverse(), '--all'], repo.root);
    expect(files.code).toBe(0);
    expect(testFiles(repo.root)).toEqual(viaFolder);

    configure(2);
    clean();
    const parallel = runCli(['generate', 'src/lib', '--all'], repo.root);
    expect(parallel.code).toBe(0);
    expect(testFiles(repo.root)).toEqual(viaFolder);

    // The tests written pass.
    const out = runPython(python, ['-m', 'pytest', '-q', 'tests'], repo.root);
    expect(out).toMatch(/passed/);
    expect(out).not.toMatch(/failed|error/);
  });

  it('below the threshold without --all: every module of the folder, no cap (maxFunctions does not apply)', () => {
    configure(2);
    clean();
    repo.write('.smarttestrc.json', JSON.stringify({ sourceRoots: ['src'], exclude: ['src/lib/vendored'], python, maxFunctions: 2, coverage: 'coverage.json' }));
    // Coverage of an import only: every function below the threshold.
    repo.write('import_alpha.py', 'import sys\nsys.path.insert(0, "src")\nimport lib.alpha\n');
    runPython(python, ['-m', 'coverage', 'run', '--source=src', 'import_alpha.py'], repo.root);
    runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
    rmSync(path.join(repo.root, 'import_alpha.py'));
    const result = runCli(['generate', 'src/lib', '--format', 'json'], repo.root);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { functions: Array<{ decision: string }> };
    expect(json.functions.length).toBe(30);
    expect(json.functions.filter((f) => f.decision === 'selected').length).toBe(30);
    rmSync(path.join(repo.root, 'coverage.json'));
    rmSync(path.join(repo.root, '.coverage'), { force: true });
  });

  it('a folder with nothing to analyse, or a missing one, exits 2 naming it', () => {
    configure(1);
    const excluded = runCli(['generate', 'src/lib/vendored', '--all'], repo.root);
    expect(excluded.code).toBe(2);
    expect(excluded.stderr).toMatch(/"src\/lib\/vendored" holds no Python source file/);
    const missing = runCli(['generate', 'src/nope', '--all'], repo.root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/"src\/nope" does not exist/);
  });
});
