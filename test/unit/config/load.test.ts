import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/defaults.js';
import { loadConfig } from '../../../src/config/load.js';
import { SmartTestError } from '../../../src/errors.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fake repository root (loadConfig only needs the path) inside a scratch folder. */
function project(files: Record<string, string> = {}): string {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'smart-test-config-')));
  dirs.push(base);
  const root = path.join(base, 'repo');
  mkdirSync(root);
  put(root, files);
  return root;
}

function put(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

async function loadError(options: Parameters<typeof loadConfig>[0]): Promise<string> {
  const error = await loadConfig(options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SmartTestError);
  const message = (error as SmartTestError).message;
  expect(message).not.toContain('\n');
  expect((error as SmartTestError).exitCode).toBe(2);
  return message;
}

describe('loadConfig: sources', () => {
  it('uses the defaults when there is no configuration, as a fresh copy each time', async () => {
    const root = project({ 'pyproject.toml': '[tool.black]\nline-length = 100\n', 'package.json': '{"name": "x"}' });
    const first = await loadConfig({ cwd: root, repoRoot: root });
    expect(first).toEqual({ config: { ...DEFAULT_CONFIG }, source: null });
    first.config.threshold = 1;
    first.config.include.push('x');
    const second = await loadConfig({ cwd: root, repoRoot: root });
    expect(second.config.threshold).toBe(80);
    expect(second.config.include).toEqual(['**/*.py']);
  });

  const forms: [string, string][] = [
    ['package.json', JSON.stringify({ name: 'x', smarttest: { threshold: 61 } })],
    ['.smarttestrc', '{ "threshold": 61 }'],
    ['.smarttestrc', 'threshold: 61\n'],
    ['.smarttestrc.json', '{ "threshold": 61 }'],
    ['.smarttestrc.yaml', 'threshold: 61\n'],
    ['.smarttestrc.yml', 'threshold: 61\n'],
    ['.smarttestrc.js', 'module.exports = { threshold: 61 };\n'],
    ['.smarttestrc.cjs', 'module.exports = { threshold: 61 };\n'],
    ['.smarttestrc.mjs', 'export default { threshold: 61 };\n'],
    ['smarttest.config.js', 'module.exports = { threshold: 61 };\n'],
    ['smarttest.config.cjs', 'module.exports = { threshold: 61 };\n'],
    ['smarttest.config.mjs', 'export default { threshold: 61 };\n'],
    ['pyproject.toml', '[project]\nname = "x"\n\n[tool.smarttest]\nthreshold = 61\n'],
  ];
  it.each(forms)('reads %s (%#)', async (name, content) => {
    const root = project({ [name]: content });
    const loaded = await loadConfig({ cwd: root, repoRoot: root });
    expect(loaded.source).toBe(path.join(root, name));
    expect(loaded.config).toEqual({ ...DEFAULT_CONFIG, threshold: 61 });
  });

  it('reads every key, and accepts a single coverage path', async () => {
    const root = project({
      'pyproject.toml': [
        '[tool.smarttest]',
        'coverage = "build/cov.json"',
        'threshold = 92.5',
        'include = ["src/**/*.py"]',
        'exclude = ["src/legacy/**"]',
        'sourceRoots = ["lib"]',
        'testsDir = "qa"',
        'placeholder = "FILL_ME"',
        'maxFunctions = 3',
        'staleCoverage = "error"',
        'onGenerate = "stage"',
        'python = ".venv/bin/python"',
        'probeMemory = "512MiB"',
      ].join('\n'),
    });
    const { config } = await loadConfig({ cwd: root, repoRoot: root });
    expect(config).toEqual({
      coverage: ['build/cov.json'],
      threshold: 92.5,
      include: ['src/**/*.py'],
      exclude: ['src/legacy/**'],
      sourceRoots: ['lib'],
      testsDir: 'qa',
      placeholder: 'FILL_ME',
      maxFunctions: 3,
      staleCoverage: 'error',
      onGenerate: 'stage',
      python: '.venv/bin/python',
      belowThreshold: 'warn',
      allowSideEffects: false,
      coverageData: null,
      changedLines: 'cover',
      searchBudget: 0.5,
      searchRunBudget: 3,
      probeMemory: 512 * 2 ** 20,
      jobs: DEFAULT_CONFIG.jobs,
    });
  });

  it('takes the nearest directory, from cwd up to the root', async () => {
    const root = project({
      '.smarttestrc': 'threshold: 50\n',
      'pkg/pyproject.toml': '[tool.smarttest]\nthreshold = 60\n',
      'pkg/deeper/readme.txt': 'x',
    });
    expect((await loadConfig({ cwd: path.join(root, 'pkg', 'deeper'), repoRoot: root })).config.threshold).toBe(60);
    expect((await loadConfig({ cwd: path.join(root, 'pkg'), repoRoot: root })).source).toBe(path.join(root, 'pkg', 'pyproject.toml'));
    expect((await loadConfig({ cwd: root, repoRoot: root })).config.threshold).toBe(50);
  });

  it('within one directory, follows the documented order (package.json, .smarttestrc..., pyproject.toml last)', async () => {
    const root = project({ '.smarttestrc.yaml': 'threshold: 10\n', 'pyproject.toml': '[tool.smarttest]\nthreshold = 20\n' });
    expect((await loadConfig({ cwd: root, repoRoot: root })).config.threshold).toBe(10);
  });

  it('stops at the repository root', async () => {
    const root = project();
    put(path.dirname(root), { '.smarttestrc': 'threshold: 5\n' });
    const loaded = await loadConfig({ cwd: root, repoRoot: root });
    expect(loaded.source).toBeNull();
    expect(loaded.config.threshold).toBe(80);
  });

  it('skips a pyproject.toml without [tool.smarttest] (even one that mentions it) and a package.json without the key', async () => {
    const root = project({
      '.smarttestrc': 'threshold: 42\n',
      'a/pyproject.toml': '# configure smarttest later\n[tool.ruff]\nline-length = 100\n',
      'a/package.json': '{ "name": "smarttest-ui", "scripts": { "smarttest": "x" } }',
    });
    const loaded = await loadConfig({ cwd: path.join(root, 'a'), repoRoot: root });
    expect(loaded.source).toBe(path.join(root, '.smarttestrc'));
    expect(loaded.config.threshold).toBe(42);
  });

  it('an empty file or an empty [tool.smarttest] table counts and means the defaults', async () => {
    const root = project({ '.smarttestrc': 'threshold: 42\n', 'a/.smarttestrc': '', 'b/pyproject.toml': '[tool.smarttest]\n' });
    expect(await loadConfig({ cwd: path.join(root, 'a'), repoRoot: root })).toEqual({
      config: { ...DEFAULT_CONFIG },
      source: path.join(root, 'a', '.smarttestrc'),
    });
    expect((await loadConfig({ cwd: path.join(root, 'b'), repoRoot: root })).source).toBe(path.join(root, 'b', 'pyproject.toml'));
  });
});

describe('.smarttestrc.example', () => {
  it('is a valid .smarttestrc that lists every key with its default', async () => {
    const example = readFileSync(path.join(import.meta.dirname, '..', '..', '..', '.smarttestrc.example'), 'utf8');
    const root = project({ '.smarttestrc': example });
    const loaded = await loadConfig({ cwd: root, repoRoot: root });
    expect(loaded.config).toEqual({ ...DEFAULT_CONFIG });
    for (const key of Object.keys(DEFAULT_CONFIG)) expect(example).toMatch(new RegExp(`^${key}:`, 'm'));
  });
});

describe('loadConfig: --config', () => {
  it('loads exactly the given file, relative to cwd, whatever is nearer', async () => {
    const root = project({ '.smarttestrc': 'threshold: 1\n', 'ci/strict.yaml': 'threshold: 99\n' });
    const loaded = await loadConfig({ cwd: root, repoRoot: root, explicitPath: 'ci/strict.yaml' });
    expect(loaded).toEqual({ config: { ...DEFAULT_CONFIG, threshold: 99 }, source: path.join(root, 'ci', 'strict.yaml') });
  });

  it('reads a .toml other than pyproject.toml whole, and pyproject.toml by its table', async () => {
    const root = project({ 'st.toml': 'threshold = 33\n', 'other/pyproject.toml': '[tool.smarttest]\nthreshold = 44\n' });
    expect((await loadConfig({ cwd: root, repoRoot: root, explicitPath: 'st.toml' })).config.threshold).toBe(33);
    expect((await loadConfig({ cwd: root, repoRoot: root, explicitPath: 'other/pyproject.toml' })).config.threshold).toBe(44);
  });

  it('names a missing file', async () => {
    const root = project();
    const message = await loadError({ cwd: root, repoRoot: root, explicitPath: 'nope/.smarttestrc' });
    expect(message).toContain('"nope/.smarttestrc"');
    expect(message).toMatch(/does not exist/);
  });

  it('rejects a directory, an unsupported file type, and a file without smart-test settings', async () => {
    const root = project({ 'cfg/x': '', 'settings.ini': 'threshold=1', 'pyproject.toml': '[tool.black]\n', 'package.json': '{}' });
    expect(await loadError({ cwd: root, repoRoot: root, explicitPath: 'cfg' })).toMatch(/"cfg" given with --config is a directory/);
    expect(await loadError({ cwd: root, repoRoot: root, explicitPath: 'settings.ini' })).toMatch(/"settings.ini".*file type/);
    expect(await loadError({ cwd: root, repoRoot: root, explicitPath: 'pyproject.toml' })).toMatch(/"pyproject.toml" has no \[tool.smarttest\] table/);
    expect(await loadError({ cwd: root, repoRoot: root, explicitPath: 'package.json' })).toMatch(/"package.json" has no "smarttest" key/);
  });
});

describe('loadConfig: errors name the file and the key', () => {
  it('JSON syntax error, with line and column', async () => {
    const root = project({ 'sub/.smarttestrc.json': '{\n  "threshold": 80,\n  "include": ["a",]\n}\n', 'sub/deeper/x': '' });
    const message = await loadError({ cwd: path.join(root, 'sub', 'deeper'), repoRoot: root });
    // Paths in messages are relative to where smart-test was started.
    expect(message).toContain('"../.smarttestrc.json" is not valid JSON at line 3, column 19: expected a value but found \'\]\'');
  });

  it('package.json syntax error, with line and column', async () => {
    const root = project({ 'package.json': '{\n  "smarttest": { "threshold": 80 }\n  "name": "x"\n}\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('"package.json" is not valid JSON at line 3, column 3');
  });

  it('YAML syntax error, with line and column', async () => {
    const root = project({ '.smarttestrc': 'threshold: 80\ninclude: [a, b\nexclude: []\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toMatch(/"\.smarttestrc" is not valid YAML \(or JSON\) at line \d+, column \d+: /);
  });

  it('TOML syntax error, with line and column', async () => {
    const root = project({ 'pyproject.toml': '[tool.smarttest]\nthreshold = = 3\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('"pyproject.toml" is not valid TOML at line 2, column 13');
  });

  it('a JavaScript file that throws', async () => {
    const root = project({ '.smarttestrc.cjs': 'throw new Error("boom from config");\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('".smarttestrc.cjs"');
    expect(message).toContain('boom from config');
  });

  it('an unknown key, with the closest valid key and the list of valid keys', async () => {
    const root = project({ '.smarttestrc': 'treshold: 70\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('".smarttestrc"');
    expect(message).toContain('Unknown setting "treshold" (did you mean "threshold"?)');
    expect(message).toContain('"coverage", "threshold", "include", "exclude", "sourceRoots", "testsDir", "placeholder", "maxFunctions", "staleCoverage", "onGenerate", "python"');
  });

  it('suggests camelCase for snake_case keys in pyproject.toml, and nothing for unrelated keys', async () => {
    const root = project({ 'pyproject.toml': '[tool.smarttest]\nmax_functions = 3\nflavour = "x"\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('"pyproject.toml" ([tool.smarttest])');
    expect(message).toContain('Unknown setting "max_functions" (did you mean "maxFunctions"?)');
    expect(message).toContain('Unknown setting "flavour".');
  });

  it('a wrong type: names the key, what was expected and what was found', async () => {
    const root = project({ 'package.json': JSON.stringify({ smarttest: { threshold: '80' } }) });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('"package.json" (key "smarttest")');
    expect(message).toContain('"threshold" must be a number from 0 to 100 (percent), but it is the string "80"');
  });

  it('reports every problem of the file in the one paragraph', async () => {
    const root = project({
      '.smarttestrc.yaml': [
        'threshold: 150',
        'include: ["src/**", 3]',
        'coverage: []',
        'maxFunctions: 2.5',
        'staleCoverage: never',
        'python: ""',
        'colour: red',
      ].join('\n'),
    });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('".smarttestrc.yaml"');
    expect(message).toContain('Unknown setting "colour"');
    expect(message).toContain('"coverage" must be a path, or a non-empty list of paths, to coverage.py JSON reports, but it is an empty list');
    expect(message).toContain('"threshold" must be a number from 0 to 100 (percent), but it is the number 150');
    expect(message).toContain('"include" must be a list of glob patterns (strings), but item 2 of the list is the number 3');
    expect(message).toContain('"maxFunctions" must be a whole number of at least 1, but it is the number 2.5');
    expect(message).toContain('"staleCoverage" must be one of "warn" or "error", but it is the string "never"');
    expect(message).toContain('"python" must be the name or path of a Python interpreter (a non-empty string), or null to find one, but it is an empty string');
  });

  it('settings that are not a mapping', async () => {
    const root = project({ '.smarttestrc': '- threshold\n- 80\n' });
    const message = await loadError({ cwd: root, repoRoot: root });
    expect(message).toContain('".smarttestrc" must be a set of settings');
    expect(message).toContain('a list of 2 items');
  });
});
