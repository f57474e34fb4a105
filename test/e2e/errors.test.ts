import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

/** An input problem: exit 2 and one paragraph on stderr, no stack trace, nothing on stdout. */
function expectInputError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const text = result.stderr.trimEnd();
  expect(text.split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).toMatch(/^smart-test: /);
  expect(text).toMatch(pattern);
}

describe('bad input: exit 2 and one clear paragraph', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('pkg/mod.py', 'def f(x):\n    return x\n');
    repo.git('add', '-A');
  });
  afterEach(() => repo.cleanup());

  it('coverage file missing: names the path tried and how to make one', () => {
    expectInputError(runCli(['plan'], repo.root), /coverage\.json.*coverage run -m pytest && coverage json/);
  });

  it('coverage file that is not JSON: says where it breaks', () => {
    repo.write('coverage.json', '{"meta": {"version": "6.5.0"}, "files": {"pkg/mod.py": {"executed_lines": [1, 2}}');
    expectInputError(runCli(['plan'], repo.root), /coverage\.json.*line 1, column \d+/);
  });

  it('JSON without "files": a distinct message', () => {
    repo.write('coverage.json', '{"meta": {"version": "6.5.0"}, "totals": {}}');
    expectInputError(runCli(['plan'], repo.root), /"files"/);
  });

  it('JSON of the wrong shape: names the key', () => {
    repo.write('coverage.json', '{"meta": {"version": "6.5.0"}, "files": {"pkg/mod.py": {"executed_lines": "1,2", "missing_lines": []}}}');
    expectInputError(runCli(['plan'], repo.root), /executed_lines/);
  });

  it('a configuration with an unknown key names the file and the key', () => {
    repo.write('coverage.json', '{"meta": {"version": "6.5.0"}, "files": {}}');
    repo.write('.smarttestrc.json', '{"treshold": 50}');
    expectInputError(runCli(['plan'], repo.root), /\.smarttestrc\.json.*treshold.*threshold/);
  });

  it('a configuration value of the wrong type names the key and what was expected', () => {
    repo.write('pyproject.toml', '[tool.smarttest]\nthreshold = "high"\n');
    expectInputError(runCli(['plan'], repo.root), /pyproject\.toml.*threshold/);
  });

  it('usage errors', () => {
    expectInputError(runCli(['plann'], repo.root), /Unknown command "plann"/);
    expectInputError(runCli(['plan', '--format', 'xml'], repo.root), /--format "xml"/);
    expectInputError(runCli(['plan', '--threshold', 'lots'], repo.root), /--threshold "lots"/);
    expectInputError(runCli(['plan', '--bogus'], repo.root), /bogus/);
    expectInputError(runCli([], repo.root), /No command given/);
  });

  it('outside a git repository', () => {
    expectInputError(runCli(['plan'], '/'), /git repository/);
  });

  it('no Python change staged: nothing to do, and no coverage file needed', () => {
    repo.git('reset', '-q');
    const result = runCli(['plan', '--format', 'json'], repo.root);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ coverageFile: null, functions: [], warnings: [] });
  });
});

describe('help and version', () => {
  it('--help lists the commands and exit codes; --version prints the version', () => {
    const help = runCli(['--help'], process.cwd());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/smart-test <command>/);
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 1 commit blocked, 2/);
    const version = runCli(['--version'], process.cwd());
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
