import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { cleanEnv, makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

const TOOL = `"""Tools with ambient input and side effects."""
import os
import subprocess
import sys


def main():
    args = sys.argv[1:]
    if args:
        return "args: " + " ".join(args)
    return "no args"


def letters(n: int) -> list:
    return list({"alpha", "beta", "gamma", "delta", "epsilon"})[:n]


def shown(n: int) -> str:
    return repr({"alpha", "beta", "gamma", "delta", "epsilon"}) * n


def greeting(name: str) -> str:
    return os.environ.get("TOOL_GREETING", "hello") + " " + name


def run_tool(name: str) -> int:
    return subprocess.call(["echo", name])


def _spawn(cmd):
    return os.system(cmd)


def hidden(name: str) -> int:
    return _spawn("echo " + name)


def save(text: str) -> None:
    with open("notes.txt", "w") as f:
        f.write(text)


def add(a: int, b: int) -> int:
    """Add.

    >>> add(1, 2)
    3
    """
    return a + b


def double(x: int) -> int:
    return x * 2
`;

const ROUTES = `"""Handlers registered by pattern."""
_HANDLERS = []


def register(pattern):
    r"""Register a handler for a pattern.

    >>> @register(r"\\d+")
    ... def handler(text):
    ...     return text
    >>> register("x")(len)("abc")
    3
    """
    def wrap(fn):
        _HANDLERS.append((pattern, fn))
        return fn
    return wrap


def size(x: int) -> int:
    if x > 10:
        return -1
    return x + 1


def name_of(pattern: str) -> str:
    return "pattern " + pattern
`;

const HOSTILE = `"""A function that ends the process."""
import os


def boom(code: int = 4) -> int:
    """Ends the process.

    >>> boom(0)
    0
    """
    os._exit(code)
`;

const SEEDED = `"""A call whose behaviour depends on the process it runs in."""
import os
import sys


def ends_elsewhere(x: int) -> int:
    if sys.flags.hash_randomization:
        os._exit(3)
    return x + 1


def triple(x: int) -> int:
    return x * 3


def halve(x: int) -> float:
    return x / 2
`;

const STUCK = `"""A call that gets stuck, where no signal handler runs, in the stability check only."""
import signal
import sys
import time


def deaf_elsewhere(x: int) -> int:
    if sys.flags.hash_randomization:
        # As a call stuck in C code: the probe's timer signal is blocked.
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
        time.sleep(120)
    return x + 1


def triple(x: int) -> int:
    return x * 3
`;

interface Json {
  written: string[];
  warnings: string[];
  generated: Array<{ qualname: string; status: string; tests: number; detail: string }>;
}

function setUp(repo: TempRepo, python: string, files: Record<string, string>) {
  repo.write('pytest.ini', '[pytest]\npythonpath = src\ntestpaths = tests\n');
  repo.write('.gitignore', '.coverage\ncoverage.json\n__pycache__/\n');
  repo.write('.smarttestrc.json', JSON.stringify({ python }));
  for (const [file, text] of Object.entries(files)) repo.write(file, text);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'base');
}

function generate(repo: TempRepo, file: string, extra: string[] = []): Json {
  const result = runCli(['generate', file, '--all', '--format', 'json', ...extra], repo.root);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Json;
}

/** pytest as a user runs it (with arguments of its own), under a given hash seed. */
function pytest(python: string, repo: TempRepo, file: string, seed: string) {
  const result = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', file], {
    cwd: repo.root,
    env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: seed, TZ: 'America/New_York' }),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, out: `${result.stdout}\n${result.stderr}` };
}

function blockOf(text: string, target: string): string {
  const start = text.indexOf(`# smart-test: target=${target} `);
  if (start < 0) return '';
  const next = text.indexOf('# smart-test: target=', start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

const detail = (out: Json, name: string) => out.generated.find((g) => g.qualname === name)?.detail ?? '';

describe('generate: never a test of code that did not run, stable tests only', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('--no-execute writes only doctest examples; no call of the other functions, and says why', () => {
    const python = requirePython();
    setUp(repo, python, { 'src/tool.py': TOOL });
    const out = generate(repo, 'src/tool.py', ['--no-execute']);
    expect(out.written).toEqual(['tests/test_tool.py']);
    const text = readFileSync(path.join(repo.root, 'tests/test_tool.py'), 'utf8');
    expect(text.match(/# smart-test: target=(\S+)/g)).toEqual(['# smart-test: target=add']);
    expect(text).toMatch(/result = add\(1, 2\)\n\s+assert result == 3/);
    // No call made up just to check a type.
    expect(text).not.toMatch(/double\(|isinstance/);
    expect(detail(out, 'double')).toMatch(/^no test written: without running the code only doctest examples become tests/);
    expect(detail(out, 'run_tool')).toBe('not run: it starts processes (allowSideEffects: true runs it); no test written: write one by hand with the process call mocked');
    expect(pytest(python, repo, 'tests/test_tool.py', '0').out).toMatch(/1 passed/);
  });

  it('side effects get no call and a note; sys.argv and os.environ are set by the test; hash order is not asserted', () => {
    const python = requirePython();
    setUp(repo, python, { 'src/tool.py': TOOL });
    const out = generate(repo, 'src/tool.py');
    const text = readFileSync(path.join(repo.root, 'tests/test_tool.py'), 'utf8');
    // Blocked for side effects: seen in the source (run_tool, _spawn) or by the probe (hidden).
    for (const name of ['run_tool', 'hidden', '_spawn']) {
      expect(text).not.toMatch(new RegExp(`\\b${name}\\(`));
      expect(detail(out, name)).toBe(
        name === 'hidden'
          ? 'its calls were stopped: it starts processes (allowSideEffects: true lets it); no test written: write one by hand with the process call mocked'
          : 'not run: it starts processes (allowSideEffects: true runs it); no test written: write one by hand with the process call mocked',
      );
    }
    expect(text).not.toMatch(/\bsave\(/);
    expect(detail(out, 'save')).toMatch(/^its calls were stopped: it writes outside its temporary folder \(open \S*notes\.txt mode=w\) \(allowSideEffects: true lets it\); no test written: write one by hand that passes it a path under tmp_path$/);
    // main() reads sys.argv: its test sets it, as the probe ran it.
    const main = blockOf(text, 'main');
    expect(main).toMatch(/def test_main\(monkeypatch\):/);
    expect(main).toContain("monkeypatch.setattr(sys, 'argv', ['tool.py'])");
    expect(main).toContain("assert result == 'no args'");
    const greeting = blockOf(text, 'greeting');
    expect(greeting).toContain("monkeypatch.delenv('TOOL_GREETING', raising=False)");
    // Results in string-hash order: only their type is asserted, and a list's length.
    expect(blockOf(text, 'letters')).toMatch(/assert isinstance\(result, list\)\n {4}assert len\(result\) == \d+\s*$/);
    expect(blockOf(text, 'letters')).not.toMatch(/assert result ==/);
    expect(blockOf(text, 'shown')).toMatch(/assert isinstance\(result, str\)\s*$/);
    expect(blockOf(text, 'shown')).not.toMatch(/assert result ==|alpha/);
    expect(text).toContain('result = double(');
    // Under real pytest, with its own sys.argv, other hash seeds, a time zone and a variable set.
    for (const seed of ['0', '1', '7', '12345']) {
      const run = pytest(python, repo, 'tests/test_tool.py', seed);
      expect(run.code, run.out).toBe(0);
    }
    const withVar = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_tool.py', '-k', 'greeting or main'], {
      cwd: repo.root,
      env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1', TOOL_GREETING: 'hi' }),
      encoding: 'utf8',
    });
    expect(withVar.status, withVar.stdout).toBe(0);
  });

  it('a doctest with a decorated definition gives a parseable file with every other test intact', () => {
    const python = requirePython();
    setUp(repo, python, { 'src/routes.py': ROUTES });
    const out = generate(repo, 'src/routes.py');
    expect(out.written).toEqual(['tests/test_routes.py']);
    const text = readFileSync(path.join(repo.root, 'tests/test_routes.py'), 'utf8');
    expect(text).not.toMatch(/result = @/);
    expect(text).toMatch(/\n {4}@register\(r"\\d\+"\)\n {4}def handler\(text\):/);
    for (const name of ['register', 'size', 'name_of']) expect(blockOf(text, name)).not.toBe('');
    expect(out.warnings.filter((w) => /left out|did not parse/.test(w))).toEqual([]);
    const run = pytest(python, repo, 'tests/test_routes.py', '3');
    expect(run.code, run.out).toBe(0);
  });

  // Each call ran to completion in the first probe only (hash seed 0, no randomization): in the
  // stability check it ends its process, or is stuck where no signal handler runs (ended when
  // silent too long). Its function gets no test; the functions after it are checked in a new
  // process and asserted exactly.
  it.each([
    ['ends a verification process', 'seeded', SEEDED, 'ends_elsewhere', ['triple', 'halve']],
    ['is stuck in a verification process where no signal handler runs', 'stuck', STUCK, 'deaf_elsewhere', ['triple']],
  ])('a call that %s costs its own function only: the others are still checked and kept', (_what, module, text, hazard, others) => {
    const python = requirePython();
    setUp(repo, python, { [`src/${module}.py`]: text });
    const out = generate(repo, `src/${module}.py`);
    const written = readFileSync(path.join(repo.root, `tests/test_${module}.py`), 'utf8');
    expect(blockOf(written, hazard)).toBe('');
    expect(detail(out, hazard)).toMatch(/^no test written/);
    for (const name of others) expect(blockOf(written, name)).toMatch(/assert result == /);
    expect(out.warnings.filter((w) => /stab/i.test(w))).toEqual([]);
    const run = pytest(python, repo, `tests/test_${module}.py`, '5');
    expect(run.code, run.out).toBe(0);
  });

  it('leaves no temporary folder behind, whether calls were checked for stability or none was', () => {
    const python = requirePython();
    setUp(repo, python, { 'src/tool.py': TOOL });
    for (const args of [['src/tool.py', '--all'], ['src/tool.py', '--all', '--function', 'run_tool']]) {
      const tmp = mkdtempSync(path.join(tmpdir(), 'smart-test-e2e-tmp-'));
      try {
        const result = runCli(['generate', ...args, '--format', 'json'], repo.root, { TMPDIR: tmp });
        expect(result.code, result.stderr).toBe(0);
        const written = (JSON.parse(result.stdout) as Json).written;
        expect(written).toEqual(args.includes('--function') ? [] : ['tests/test_tool.py']);
        expect(readdirSync(tmp)).toEqual([]);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  });

  it('a target whose probe run did not complete (the process ended) gets no test, not even its doctest', () => {
    const python = requirePython();
    setUp(repo, python, { 'src/hostile.py': HOSTILE });
    const out = runCli(['generate', 'src/hostile.py', '--all', '--format', 'json'], repo.root);
    expect([0, 1]).toContain(out.code);
    const json = JSON.parse(out.stdout) as Json;
    const file = path.join(repo.root, 'tests/test_hostile.py');
    if (existsSync(file)) expect(readFileSync(file, 'utf8')).not.toMatch(/boom\(/);
    expect(detail(json, 'boom')).toMatch(/^no test written/);
  });
});
