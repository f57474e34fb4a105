import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

// Found by the fuzz suite (test/fuzz): a test file smart-test writes into that held bytes that
// are not UTF-8 (a Latin-1 comment of the user's) was read with replacement characters and
// written back, so the user's bytes became U+FFFD.
const source = (op: string) => `def add(a, b):\n    """Add.\n\n    >>> add(1, 2)\n    3\n    """\n    return ${op}\n`;

describe('the encoding of a test file smart-test writes into', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('pkg/__init__.py', '');
    repo.write('pkg/mod.py', source('a + b'));
    repo.git('add', '-A');
    const first = runCli(['generate', 'pkg/mod.py', '--no-execute', '--all'], repo.root);
    expect(first.code, first.stderr).toBe(0);
    repo.write('pkg/mod.py', source('b + a'));
  });
  afterEach(() => repo.cleanup());

  const testFile = () => path.join(repo.root, 'tests', 'test_pkg_mod.py');

  it('not UTF-8: left byte for byte as it was, and the target says why no test was written', () => {
    const bytes = Buffer.concat([readFileSync(testFile()), Buffer.from('\n# caf\xe9, written in Latin-1\n', 'latin1')]);
    writeFileSync(testFile(), bytes);
    const result = runCli(['generate', 'pkg/mod.py', '--no-execute', '--all', '--format', 'json'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(testFile()).equals(bytes)).toBe(true);
    const out = JSON.parse(result.stdout) as { written: string[]; generated: Array<{ qualname: string; detail: string }> };
    expect(out.written).toEqual([]);
    expect(out.generated.find((g) => g.qualname === 'add')?.detail).toMatch(/tests\/test_pkg_mod\.py is not UTF-8 text/);
  });

  it('UTF-8 with a BOM: refreshed, and the BOM and the user\'s lines are kept', () => {
    const text = `\ufeff${readFileSync(testFile(), 'utf8')}\n# café, the user's\n`;
    writeFileSync(testFile(), text);
    const result = runCli(['generate', 'pkg/mod.py', '--no-execute', '--all'], repo.root);
    expect(result.code, result.stderr).toBe(0);
    const after = readFileSync(testFile(), 'utf8');
    expect(after.startsWith('\ufeff"""Tests for pkg.mod')).toBe(true);
    expect(after).toContain("# café, the user's");
    expect(after).not.toContain('\ufffd');
  });
});
