import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

interface ReportJson {
  totals: Record<string, number>;
  packages: unknown[];
  functions: Array<{ file: string; qualname: string; line: number; coverage: number | null }>;
  warnings: string[];
}

/**
 * A module of the test repository. `last` is its last line: with an f-string interpolation, the
 * scanner (src/python/outline-scan.ts) leaves the module to tree-sitter; with a plain string of
 * the same length, it outlines the module itself. The functions are the same either way.
 */
function moduleText(m: number, last: string): string {
  const body = [`"""Module ${m}."""\n\n\ndef decorate(f):\n    return f\n`];
  for (let k = 0; k < 3; k++) body.push(`\n@decorate\ndef f${k}(x, *, y=(1,\n                   2)):\n    """Doc\n    string."""\n    if x > ${k}:  # comment\n        return x\n    return -x\n`);
  body.push(`\nclass C${m}:\n    @property\n    def get(self):\n        def inner():\n            return 1\n        return inner()\n\n    async def run(self): return 2\n`);
  body.push(`\n\n${last}\n`);
  return body.join('');
}

describe('smart-test plan --all: modules outlined by the scanner or parsed by tree-sitter', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('gives the same report either way, the tree-sitter modules parsed in worker threads', () => {
    const python = requirePython();
    repo.write('.smarttestrc.json', JSON.stringify({ sourceRoots: ['src'], python }));
    repo.write('src/p0/__init__.py', '');
    repo.write('run_some.py', 'import sys\nsys.path.insert(0, "src")\nfrom p0 import m0\nm0.f0(5)\nm0.C0().get\n');
    repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\nrun_some.py\n');
    const report = (last: string): { json: ReportJson; stderr: string } => {
      for (let m = 0; m < 240; m++) repo.write(`src/p${m % 4}/m${m}.py`, moduleText(m, last));
      runPython(python, ['-m', 'coverage', 'run', '--source=src', 'run_some.py'], repo.root);
      runPython(python, ['-m', 'coverage', 'json', '-o', 'coverage.json'], repo.root);
      const run = runCli(['plan', '--all', '--format', 'json'], repo.root, { SMART_TEST_TIMING: '1' });
      expect(run.code).toBe(0);
      return { json: JSON.parse(run.stdout) as ReportJson, stderr: run.stderr };
    };
    const parsed = report('LABEL = f"{__name__}"');
    if (availableParallelism() >= 2) expect(parsed.stderr).toMatch(/workers (\d+)\/\1\b/);
    const scanned = report('LABEL = "{__name__}"');
    expect(scanned.stderr).not.toMatch(/workers \d+\/\d+/);

    expect(scanned.json.totals).toEqual(parsed.json.totals);
    expect(scanned.json.functions).toEqual(parsed.json.functions);
    expect(scanned.json.packages).toEqual(parsed.json.packages);
    expect(scanned.json.totals.functions).toBe(240 * 7);
    const m0 = scanned.json.functions.filter((f) => f.file === 'src/p0/m0.py');
    expect(Object.fromEntries(m0.map((f) => [f.qualname, [f.line, f.coverage]]))).toEqual({
      decorate: [4, 100],
      f0: [8, 66.67],
      f1: [17, 0],
      f2: [26, 0],
      'C0.get': [36, 100],
      'C0.get.inner': [37, 100],
      'C0.run': [41, 100],
    });
  });
});
