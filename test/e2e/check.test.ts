/**
 * `smart-test check` through the built CLI, in real git repositories: staged content versus
 * files on disk, the output formats, and bad input.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

const CLEAN = 'from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n';
const WITH_PLACEHOLDER = 'from calc import add\n\n\ndef test_add():\n    assert add("test_value", 2) == 3\n';

describe('smart-test check: staged test files', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('calc.py', 'def add(a, b):\n    return a + b\n');
    repo.write('tests/test_calc.py', CLEAN);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'init');
  });
  afterEach(() => repo.cleanup());

  it('nothing staged: exit 0 and no output at all', () => {
    expect(runCli(['check'], repo.root)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a staged placeholder: one line per finding with path:line:col and the test, a summary, exit 1', () => {
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const r = runCli(['check'], repo.root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('tests/test_calc.py:5:17: placeholder "test_value" left in test_add: replace it with a real value before committing');
    expect(lines[1]).toMatch(/^smart-test: 1 placeholder "test_value" left in 1 of 1 staged test file checked; commit blocked\./);
  });

  it('reads the index, not the working tree', () => {
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    repo.write('tests/test_calc.py', CLEAN); // fixed on disk only
    expect(runCli(['check'], repo.root).code).toBe(1);
    repo.write('tests/test_calc.py', `${CLEAN}\n\ndef test_more():\n    assert add(0, 0) == 0\n`);
    repo.git('add', '-A');
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER); // broken on disk only
    expect(runCli(['check'], repo.root)).toMatchObject({ code: 0, stdout: '' });
  });

  it('only test files count: a placeholder in a staged source file or a comment does not block', () => {
    repo.write('calc.py', 'DEFAULT = "test_value"\n\ndef add(a, b):\n    return a + b\n');
    repo.write('tests/test_calc.py', `${CLEAN}# test_value: fill in later\n`);
    repo.write('tests/helpers.txt', 'test_value\n');
    repo.git('add', '-A');
    expect(runCli(['check'], repo.root)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('test files anywhere (test_*.py, *_test.py, conftest.py) and under testsDir; renamed files too', () => {
    repo.write('pkg/test_a.py', 'X = "test_value"\n');
    repo.write('pkg/b_test.py', 'X = "test_value"\n');
    repo.write('conftest.py', 'X = "test_value"\n');
    repo.write('tests/helpers.py', 'X = "test_value"\n');
    repo.git('mv', 'tests/test_calc.py', 'tests/test_renamed.py');
    repo.write('tests/test_renamed.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const r = runCli(['check', '--format', 'json'], repo.root);
    expect(r.code).toBe(1);
    const files = (JSON.parse(r.stdout) as { placeholders: { file: string }[] }).placeholders.map((p) => p.file).sort();
    expect(files).toEqual(['conftest.py', 'pkg/b_test.py', 'pkg/test_a.py', 'tests/helpers.py', 'tests/test_renamed.py']);
  });

  it('the configured placeholder and testsDir are used', () => {
    repo.write('.smarttestrc.json', JSON.stringify({ placeholder: 'FILL_ME', testsDir: 'spec' }));
    repo.write('spec/helpers.py', 'A = "FILL_ME"\nB = "test_value"\n');
    repo.git('add', '-A');
    const r = runCli(['check', '--format', 'json'], repo.root);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      placeholders: [{ file: 'spec/helpers.py', line: 1, column: 6, function: null, text: 'A = "FILL_ME"' }],
      filesChecked: 1,
      warnings: [],
    });
  });

  it('from a subdirectory, paths are relative to where you stand', () => {
    repo.write('tests/test_calc.py', WITH_PLACEHOLDER);
    repo.git('add', '-A');
    const r = runCli(['check'], path.join(repo.root, 'tests'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^test_calc\.py:5:17: /);
  });

  it('--format json: only JSON on stdout, also when clean', () => {
    repo.write('tests/test_calc.py', 'class TestCalc:\n    def test_add(self):\n        assert add("é test_value") == 1\n');
    repo.git('add', '-A');
    const r = runCli(['check', '--format', 'json'], repo.root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      placeholders: [{ file: 'tests/test_calc.py', line: 3, column: 23, function: 'TestCalc.test_add', text: 'assert add("é test_value") == 1' }],
      filesChecked: 1,
      warnings: [],
    });
    repo.write('tests/test_calc.py', `${CLEAN}# test_value only in a comment\n`);
    repo.git('add', '-A');
    const clean = runCli(['check', '--format', 'json'], repo.root);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual({ placeholders: [], filesChecked: 1, warnings: [] });
  });

  it('a staged file that is not UTF-8 is skipped with a warning; a syntax error is a warning and the rest is checked', () => {
    writeFileSync(path.join(repo.root, 'tests', 'test_latin1.py'), Buffer.from('X = "caf\xe9 test_value"\n', 'latin1'));
    repo.write('tests/test_broken.py', 'def test_a(:\n    x = "test_value"\n');
    repo.git('add', '-A');
    const r = runCli(['check'], repo.root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('warning: tests/test_latin1.py:1:1: skipped: not UTF-8 text');
    expect(r.stderr).toContain('warning: tests/test_broken.py:1:12: not valid Python');
    expect(r.stdout).toContain('tests/test_broken.py:2:10: placeholder "test_value" left in test_a');
    const json = JSON.parse(runCli(['check', '--format', 'json'], repo.root).stdout) as { warnings: string[]; filesChecked: number };
    expect(json.filesChecked).toBe(1);
    expect(json.warnings).toHaveLength(2);
  });

  it('outside a git repository without files: exit 2, one paragraph', () => {
    const r = runCli(['check'], path.dirname(repo.root));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('smart-test check FILE...: files on disk (pre-commit, lint-staged)', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('tests/test_a.py', WITH_PLACEHOLDER);
    repo.write('tests/test_b.py', CLEAN);
  });
  afterEach(() => repo.cleanup());

  it('checks the files as they are on disk, staged or not, paths as given', () => {
    const r = runCli(['check', 'tests/test_a.py', 'tests/test_b.py'], repo.root);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('tests/test_a.py:5:17: placeholder "test_value" left in test_add: replace it with a real value before committing');
    expect(r.stdout).toMatch(/1 placeholder "test_value" left in 1 of 2 files checked/);
    expect(runCli(['check', 'tests/test_b.py'], repo.root)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('absolute paths (as lint-staged passes them) are shown relative to the current directory', () => {
    const r = runCli(['check', path.join(repo.root, 'tests', 'test_a.py')], repo.root);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^tests\/test_a\.py:5:17: /);
    const fromTests = runCli(['check', 'test_a.py', '--format', 'json'], path.join(repo.root, 'tests'));
    expect((JSON.parse(fromTests.stdout) as { placeholders: { file: string }[] }).placeholders[0]?.file).toBe('test_a.py');
  });

  it('works outside a git repository too (no git needed with files)', () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-nogit-')));
    try {
      writeFileSync(path.join(dir, 'test_x.py'), 'X = "test_value"\n');
      const r = runCli(['check', 'test_x.py'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^test_x\.py:1:6: placeholder "test_value" left at module level/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a path that does not exist: exit 2, one paragraph naming it, nothing on stdout', () => {
    const r = runCli(['check', 'tests/test_b.py', 'tests/test_missing.py'], repo.root);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^smart-test: .*"tests\/test_missing\.py"/);
  });

  it('a directory is a usage error', () => {
    const r = runCli(['check', 'tests'], repo.root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"tests" is a directory/);
  });

  it('binary and non-Python files are skipped with a warning, the others still checked', () => {
    writeFileSync(path.join(repo.root, 'tests', 'test_bin.py'), Buffer.from([0x00, 0x01, 0x02, 0x74]));
    repo.write('notes.txt', 'test_value\n');
    const r = runCli(['check', 'tests/test_bin.py', 'notes.txt', 'tests/test_b.py'], repo.root);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('warning: tests/test_bin.py:1:1: skipped: binary file');
    expect(r.stderr).toContain('warning: notes.txt: skipped: not a Python file');
  });

  it('the allow comment keeps a placeholder on purpose', () => {
    repo.write('tests/test_c.py', 'def test_c():\n    assert parse("test_value") == "test_value"  # smart-test: allow-placeholder\n');
    expect(runCli(['check', 'tests/test_c.py'], repo.root).code).toBe(0);
  });

  it('colour only when asked for (FORCE_COLOR), never with NO_COLOR', () => {
    expect(runCli(['check', 'tests/test_a.py'], repo.root).stdout).not.toContain('\u001b[');
    expect(runCli(['check', 'tests/test_a.py'], repo.root, { FORCE_COLOR: '1' }).stdout).toContain('\u001b[');
  });
});
