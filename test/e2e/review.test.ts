/**
 * Code-review mode through the built CLI: `--base REF` on real repositories with a main branch
 * and a feature branch of several commits, real coverage.json files from `coverage run -m
 * pytest` + `coverage json`, shallow clones, and the reviewer formats (GitHub workflow commands,
 * SARIF, Markdown) parsed and validated.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';
import { parseTables, validateSarif, workflowCommands } from '../unit/review/validators.js';

const OPS_BASE = `def f(x):
    if x > 10:
        return "big"
    if x > 5:
        return "medium"
    return "small"


def g(x):
    return x * 2


def k(x):
    return x - 1
`;

const TEST_OPS = `from calc.ops import f, g


def test_f():
    assert f(1) == "small"


def test_g():
    assert g(2) == 4
`;

const MORE = `def h(x):
    return x * 2


def j(x):
    if x:
        return 1
    return 2
`;

// The placeholder of the branch: added by the second commit, still there at HEAD (line 5).
const TEST_MORE = `from calc.more import h


def test_h():
    assert isinstance(h("test_value"), str)
`;

// A placeholder the second commit adds and the third removes.
const TEST_TMP_WITH = 'from calc.ops import g\n\n\ndef test_tmp():\n    assert g("test_value")\n';
const TEST_TMP_FIXED = 'from calc.ops import g\n\n\ndef test_tmp():\n    assert g("real")\n';

interface PlanJson {
  functions: Array<{ file: string; qualname: string; line: number; coverage: number | null; decision: string }>;
  range?: { base: string; mergeBase: string; head: string };
  warnings: string[];
}

/**
 * main: ops.py (f, g, k) and its tests. feature, four commits: more.py; the tests for it with a
 * placeholder and a temporary test with another; f changed and the temporary placeholder
 * removed; g changed. main moves on afterwards (k changed, a file added), which the range must
 * not include. Then the tests run under coverage at HEAD, as a CI job does.
 */
function branchRepo(python: string): TempRepo {
  const repo = makeRepo('smart-test-review-');
  repo.git('config', 'commit.gpgsign', 'false');
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  repo.write('src/calc/__init__.py', '');
  repo.write('src/calc/ops.py', OPS_BASE);
  repo.write('tests/test_ops.py', TEST_OPS);
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n.pytest_cache/\n');
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
  repo.git('checkout', '-qb', 'feature');
  repo.write('src/calc/more.py', MORE);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'feature 1: more.py');
  repo.write('tests/test_more.py', TEST_MORE);
  repo.write('tests/test_tmp.py', TEST_TMP_WITH);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'feature 2: tests with placeholders');
  repo.write('src/calc/ops.py', OPS_BASE.replace('return "medium"', 'return "mid"'));
  repo.write('tests/test_tmp.py', TEST_TMP_FIXED);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'feature 3: f, and one placeholder replaced');
  repo.write('src/calc/ops.py', OPS_BASE.replace('return "medium"', 'return "mid"').replace('    return x * 2\n', '    y = x * 2\n    return y\n'));
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'feature 4: g');
  repo.git('checkout', '-q', 'main');
  repo.write('src/calc/ops.py', OPS_BASE.replace('return x - 1', 'return x - 2'));
  repo.write('src/calc/main_only.py', 'def m():\n    return 0\n');
  repo.write('tests/test_main_only.py', 'def test_m():\n    assert "test_value"\n');
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'main moves on');
  repo.git('checkout', '-q', 'feature');
  runPython(python, ['-m', 'coverage', 'run', '--source=src', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'], repo.root);
  runPython(python, ['-m', 'coverage', 'json', '-q', '-o', 'coverage.json'], repo.root);
  return repo;
}

/** Env for runs that must not touch a real step summary of the CI running these tests. */
const NO_SUMMARY = { GITHUB_STEP_SUMMARY: '' };

describe('--base on a feature branch (real coverage)', () => {
  let repo: TempRepo;
  let scratch: string;
  beforeAll(() => {
    repo = branchRepo(requirePython());
    scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-review-out-')));
  });
  afterAll(() => {
    repo?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('check --base main: finds the placeholder added two commits back, not the one a later commit removed, nor main\'s', () => {
    const r = runCli(['check', '--base', 'main'], repo.root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('tests/test_more.py:5:26: placeholder "test_value" left in test_h: replace it with the value the test needs');
    expect(lines[1]).toMatch(/^smart-test: 1 placeholder "test_value" left in 1 of 2 test files changed in main\.\.\.HEAD \(merge base [0-9a-f]{7}\); blocked\./);
    expect(r.stdout).not.toMatch(/staged|commit blocked/);
  });

  it('check --base reads HEAD, not the index or the working tree', () => {
    const onDisk = readFileSync(path.join(repo.root, 'tests/test_more.py'), 'utf8');
    try {
      repo.write('tests/test_more.py', onDisk.replace('"test_value"', '"fixed"'));
      repo.git('add', 'tests/test_more.py');
      expect(runCli(['check', '--base', 'main'], repo.root).code).toBe(1);
      expect(runCli(['check'], repo.root).code).toBe(0); // the staged gate sees the fix
    } finally {
      repo.git('reset', '-q', 'HEAD', '--', 'tests/test_more.py');
      repo.write('tests/test_more.py', onDisk);
    }
  });

  it('check --base --format json carries the range', () => {
    const r = runCli(['check', '--base', 'main', '--format', 'json'], repo.root);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { placeholders: Array<{ file: string; line: number }>; filesChecked: number; range: { base: string; mergeBase: string; head: string } };
    expect(json.placeholders.map((p) => `${p.file}:${p.line}`)).toEqual(['tests/test_more.py:5']);
    expect(json.filesChecked).toBe(2);
    expect(json.range.base).toBe('main');
    expect(json.range.mergeBase).toBe(repo.git('merge-base', 'main', 'HEAD').trim());
    expect(json.range.head).toBe(repo.git('rev-parse', 'HEAD').trim());
  });

  it('plan --base main: the functions touched anywhere on the branch, with coverage from coverage.json', () => {
    const r = runCli(['plan', '--base', 'main', '--format', 'json'], repo.root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    const byName = Object.fromEntries(plan.functions.map((f) => [f.qualname, f]));
    expect(Object.keys(byName).sort()).toEqual(['f', 'g', 'h', 'j']);
    expect(byName.f).toMatchObject({ file: 'src/calc/ops.py', line: 1, coverage: 60, decision: 'selected' });
    expect(byName.g).toMatchObject({ file: 'src/calc/ops.py', line: 9, coverage: 100, decision: 'covered' });
    expect(byName.h).toMatchObject({ file: 'src/calc/more.py', line: 1, coverage: 100, decision: 'covered' });
    expect(byName.j).toMatchObject({ file: 'src/calc/more.py', line: 5, coverage: 0, decision: 'selected' });
    expect(plan.warnings).toEqual([]);
    expect(plan.range?.base).toBe('main');
  });

  it('plan --base main in text: "changed in the range", never "staged"', () => {
    const r = runCli(['plan', '--base', 'main'], repo.root);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('src/calc/ops.py:1:1:'))).toBe('src/calc/ops.py:1:1: f (60.0%) needs tests: coverage 60.0% is below the threshold 80%; line 5 changed and not covered');
    expect(lines.at(-1)).toMatch(/^smart-test: 2 changed Python files checked in main\.\.\.HEAD \(merge base [0-9a-f]{7}\), 4 touched functions, 2 selected for tests \(coverage from coverage\.json/);
    expect(r.stdout).not.toContain('staged');
  });

  it('--format github: one annotation per finding with file, line, col, title, message; the step summary is appended', () => {
    const summary = path.join(scratch, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const plan = runCli(['plan', '--base', 'main', '--format', 'github'], repo.root, { GITHUB_STEP_SUMMARY: summary });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toBe('');
    const annotations = workflowCommands(plan.stdout);
    expect(annotations.map((a) => [a.command, a.properties.file, a.properties.line, a.properties.col, a.properties.title])).toEqual([
      ['warning', 'src/calc/more.py', '5', '1', 'smart-test: coverage below threshold'],
      ['warning', 'src/calc/ops.py', '1', '1', 'smart-test: coverage below threshold'],
    ]);
    expect(annotations[0]!.message).toBe('j (0.0%): coverage 0.0% is below the threshold 80%; lines 6-8 changed and not covered');
    expect(plan.stdout.trimEnd().split('\n').at(-1)).toMatch(/^smart-test: 2 changed Python files checked in main\.\.\.HEAD/);

    // From a subdirectory, annotation paths stay repo-relative (GitHub resolves them from the checkout).
    const check = runCli(['check', '--base', 'main', '--format', 'github'], path.join(repo.root, 'tests'), { GITHUB_STEP_SUMMARY: summary });
    expect(check.code).toBe(1);
    const errors = workflowCommands(check.stdout);
    expect(errors).toEqual([{ command: 'error', properties: { file: 'tests/test_more.py', line: '5', col: '26', title: 'smart-test: placeholder left' }, message: 'placeholder "test_value" left in test_h: replace it with the value the test needs' }]);

    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## smart-test plan\n')).toBe(true);
    expect(md).toContain('## smart-test check');
    const tables = parseTables(md);
    expect(tables.map((t) => t.header[0])).toEqual(['Function', 'Location']);
    expect(tables[0]!.rows.map((row) => row[0])).toEqual(['`h`', '`j`', '`f`', '`g`']);
    expect(tables[1]!.rows).toEqual([['`tests/test_more.py:5`', '`test_h`', '`assert isinstance(h("test_value"), str)`']]);
  });

  it('--format sarif: valid SARIF 2.1.0 with a located result per finding', () => {
    const check = runCli(['check', '--base', 'main', '--format', 'sarif'], repo.root, NO_SUMMARY);
    expect(check.code).toBe(1);
    const log = validateSarif(JSON.parse(check.stdout));
    const run = log.runs[0]!;
    expect(run.tool.driver.version).toBe((JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version);
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine, r.locations[0]!.physicalLocation.region.startColumn])).toEqual([
      ['smart-test/placeholder-left', 'error', 'tests/test_more.py', 5, 26],
    ]);
    const plan = runCli(['plan', '--base', 'main', '--format', 'sarif'], repo.root, NO_SUMMARY);
    expect(plan.code).toBe(0);
    const results = validateSarif(JSON.parse(plan.stdout)).runs[0]!.results;
    expect(results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['smart-test/below-threshold', 'warning', 'src/calc/more.py', 5],
      ['smart-test/below-threshold', 'warning', 'src/calc/ops.py', 1],
    ]);
    expect(results.every((r) => r.message.text.length > 0)).toBe(true);
  });

  it('--format markdown: tables that parse, for plan and check', () => {
    const plan = runCli(['plan', '--base', 'main', '--format', 'markdown'], repo.root);
    expect(plan.code).toBe(0);
    const [functions] = parseTables(plan.stdout);
    expect(functions!.header).toEqual(['Function', 'File', 'Coverage', 'Decision', 'Why']);
    expect(functions!.rows).toContainEqual(['`j`', '`src/calc/more.py:5`', '0.0%', 'needs tests', 'coverage 0.0% is below the threshold 80%; lines 6-8 changed and not covered']);
    expect(plan.stdout).toMatch(/^## smart-test plan\n\n\*\*Result: passed\.\*\*/);
    const check = runCli(['check', '--base', 'main', '--format', 'markdown'], repo.root);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('**Result: failed.**');
    expect(parseTables(check.stdout)[0]!.rows.map((r) => r[0])).toEqual(['`tests/test_more.py:5`']);
  });

  it('belowThreshold "error": plan exits 1 in every format, and reports errors', () => {
    const rc = path.join(repo.root, '.smarttestrc.json');
    writeFileSync(rc, JSON.stringify({ belowThreshold: 'error' }));
    try {
      for (const format of ['text', 'json', 'github', 'sarif', 'markdown']) {
        expect(runCli(['plan', '--base', 'main', '--format', format], repo.root, NO_SUMMARY).code, format).toBe(1);
      }
      const text = runCli(['plan', '--base', 'main'], repo.root);
      expect(text.stdout.trimEnd().split('\n').at(-1)).toMatch(/^smart-test: 2 touched functions below the threshold 80% or with unknown coverage; failing because belowThreshold is "error"/);
      const github = workflowCommands(runCli(['plan', '--base', 'main', '--format', 'github'], repo.root, NO_SUMMARY).stdout);
      expect(github.map((c) => c.command)).toEqual(['error', 'error']);
      const sarif = validateSarif(JSON.parse(runCli(['plan', '--base', 'main', '--format', 'sarif'], repo.root).stdout));
      expect(sarif.runs[0]!.results.map((r) => r.level)).toEqual(['error', 'error']);
      // Every touched function meets the threshold, but f's changed line 5 is not covered.
      const changed = runCli(['plan', '--base', 'main', '--threshold', '0', '--format', 'sarif'], repo.root);
      expect(changed.code).toBe(1);
      expect(validateSarif(JSON.parse(changed.stdout)).runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
        ['smart-test/changed-lines-not-covered', 'src/calc/more.py'],
        ['smart-test/changed-lines-not-covered', 'src/calc/ops.py'],
      ]);
      // With changedLines: ignore, only the threshold counts: exit 0 even so.
      writeFileSync(rc, JSON.stringify({ belowThreshold: 'error', changedLines: 'ignore' }));
      expect(runCli(['plan', '--base', 'main', '--threshold', '0'], repo.root).code).toBe(0);
      writeFileSync(rc, JSON.stringify({ belowThreshold: 'fail' }));
      const bad = runCli(['plan', '--base', 'main'], repo.root);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('"belowThreshold" must be one of "warn" or "error"');
    } finally {
      rmSync(rc, { force: true });
    }
  });

  it('usage errors: exit 2, one paragraph', () => {
    const cases: Array<[string[], RegExp]> = [
      [['check', '--base', 'main', 'tests/test_more.py'], /takes either files or --base/],
      [['run', '--base', 'main', '--stage'], /--stage goes with "run" on staged changes/],
      [['generate', 'src/calc/ops.py', '--format', 'sarif'], /--format sarif goes with "plan", "check", "run", not "generate"/],
      [['generate', 'src/calc/ops.py', '--base', 'main'], /--base goes with "plan" and "check" and "run"/],
      [['plan', '--format', 'xml'], /--format "xml" is not a format/],
      [['plan', '--base', 'no-such-branch'], /"no-such-branch" \(given with --base\) is not a commit/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, repo.root);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('run --base', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = branchRepo(requirePython());
  });
  afterAll(() => repo?.cleanup());

  it('writes tests for the range, stages nothing, gates the committed test files, exit 1', () => {
    const python = requirePython();
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    const index = repo.git('write-tree');
    const r = runCli(['run', '--base', 'main', '--format', 'json'], repo.root);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { written: string[]; staged: boolean; placeholders: Array<{ file: string; line: number }>; range: { base: string } };
    expect(json.written.sort()).toEqual(['tests/test_calc_more.py', 'tests/test_calc_ops.py']);
    expect(json.staged).toBe(false);
    expect(json.placeholders.map((p) => `${p.file}:${p.line}`)).toEqual(['tests/test_more.py:5']);
    expect(json.range.base).toBe('main');
    expect(repo.git('write-tree')).toBe(index); // nothing staged
    for (const f of json.written) expect(existsSync(path.join(repo.root, f))).toBe(true);

    // A second run writes nothing; the committed placeholder still fails, and markdown shows it all.
    const md = runCli(['run', '--base', 'main', '--format', 'markdown'], repo.root);
    expect(md.code).toBe(1);
    const tables = parseTables(md.stdout);
    expect(tables.map((t) => t.header[0])).toEqual(['Function', 'Location']);
    expect(md.stdout).toContain('No test written.');

    const text = runCli(['run', '--base', 'main'], repo.root);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('tests/test_more.py:5:26: placeholder "test_value" left in test_h');
    expect(text.stdout).toMatch(/1 placeholder "test_value" left in 1 of 2 test files changed in main\.\.\.HEAD/);
  });
});

describe('--base in a shallow clone', () => {
  let origin: TempRepo;
  let dir: string;
  beforeAll(() => {
    origin = branchRepo(requirePython());
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-shallow-')));
  });
  afterAll(() => {
    origin?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exit 2 naming the fetch to run: the base ref first, then more history; works once fetched', () => {
    const clone = path.join(dir, 'clone');
    origin.git('clone', '-q', '--depth', '1', `file://${origin.root}`, clone);
    const git = (...args: string[]) => origin.git('-C', clone, ...args);
    expect(git('rev-parse', '--is-shallow-repository').trim()).toBe('true');

    for (const command of ['check', 'plan']) {
      const missing = runCli([command, '--base', 'origin/main'], clone);
      expect(missing.code, command).toBe(2);
      expect(missing.stdout).toBe('');
      expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(missing.stderr).toContain('`git fetch origin main:refs/remotes/origin/main`');
    }

    git('fetch', '-q', 'origin', 'main:refs/remotes/origin/main');
    const shallow = runCli(['check', '--base', 'origin/main', '--format', 'github'], clone, NO_SUMMARY);
    expect(shallow.code).toBe(2);
    expect(shallow.stdout).toBe('');
    expect(shallow.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(shallow.stderr).toMatch(/shallow and does not hold the merge base of origin\/main and HEAD/);
    expect(shallow.stderr).toContain('`git fetch --deepen=50 origin`');
    expect(shallow.stderr).toContain('`git fetch --unshallow origin`');
    expect(shallow.stderr).not.toMatch(/\n\s+at /); // no stack trace

    git('fetch', '-q', '--deepen=50', 'origin');
    const found = runCli(['check', '--base', 'origin/main', '--format', 'json'], clone);
    expect(found.code).toBe(1);
    expect((JSON.parse(found.stdout) as { placeholders: Array<{ file: string }> }).placeholders.map((p) => p.file)).toEqual(['tests/test_more.py']);
  });
});

describe('reviewer formats on staged changes', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = makeRepo('smart-test-review-staged-');
    repo.write('tests/test_a.py', 'def test_a():\n    assert 1\n');
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'init');
  });
  afterAll(() => repo?.cleanup());

  it('check --format github|sarif|markdown without --base reads the index', () => {
    repo.write('tests/test_a.py', 'def test_a():\n    assert f("test_value", "50%, a: b")\n');
    repo.git('add', '-A');
    const github = runCli(['check', '--format', 'github'], repo.root, NO_SUMMARY);
    expect(github.code).toBe(1);
    expect(workflowCommands(github.stdout)).toEqual([{ command: 'error', properties: { file: 'tests/test_a.py', line: '2', col: '15', title: 'smart-test: placeholder left' }, message: 'placeholder "test_value" left in test_a: replace it with the value the test needs' }]);
    expect(validateSarif(JSON.parse(runCli(['check', '--format', 'sarif'], repo.root).stdout)).runs[0]!.results).toHaveLength(1);
    const md = runCli(['check', '--format', 'markdown'], repo.root);
    expect(md.stdout).toContain('Changes: the staged changes.');
    expect(parseTables(md.stdout)[0]!.rows[0]).toEqual(['`tests/test_a.py:2`', '`test_a`', '`assert f("test_value", "50%, a: b")`']);
    repo.git('reset', '-q', '--hard');
    const clean = runCli(['check', '--format', 'github'], repo.root, NO_SUMMARY);
    expect(clean).toEqual({ code: 0, stdout: 'smart-test: no placeholder "test_value" left in 0 staged test files checked.\n', stderr: '' });
  });
});

describe('the CI examples', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = branchRepo(requirePython());
  });
  afterAll(() => repo?.cleanup());

  it('every `npx smart-test` command of examples/ci runs (no usage error) with its base', () => {
    const root = path.join(__dirname, '..', '..');
    for (const file of ['examples/ci/github-actions.yml', 'examples/ci/gitlab-ci.yml']) {
      const text = readFileSync(path.join(root, file), 'utf8');
      const commands = [...text.matchAll(/^\s*(?:#\s*)?(?:-\s+|run:\s+)?npx smart-test ([^>|;\n]+)/gm)].map((m) => m[1]!.trim());
      expect(commands.length, file).toBeGreaterThanOrEqual(2);
      for (const command of commands) {
        const args = command.split(/\s+/).map((a) => a.replace(/^"|"$/g, '').replace('$BASE', 'main'));
        const r = runCli(args, repo.root, NO_SUMMARY);
        expect([0, 1], `${file}: smart-test ${args.join(' ')}: ${r.stderr}`).toContain(r.code);
      }
    }
  });
});
