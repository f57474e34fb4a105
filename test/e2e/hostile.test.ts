/**
 * `smart-test generate --all` on a module of functions that attack the machine running them
 * (test/fixtures/hostile/hostile.py): the run finishes, nothing outside the repository changes,
 * nothing is left running, the harmless functions get tests, and the written tests pass under a
 * real pytest without hanging.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { cleanEnv, makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

const HOSTILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/hostile/hostile.py');

interface GenerateJson {
  written: string[];
  generated: Array<{ qualname: string; status: string; tests: number; detail: string }>;
}

/** Every file and folder under `dir` with its size, mode, mtime and content: what must not change. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    const st = statSync(full);
    out[name] = `${st.mode} ${st.size} ${st.mtimeMs} ${st.isFile() ? readFileSync(full, 'utf8') : 'dir'}`;
  }
  return out;
}

/** Processes (of this user) whose environment carries `marker`: what the run started and left. */
function processesWith(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) {
        found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ')}`);
      }
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

describe('smart-test generate --all on a hostile module', () => {
  let repo: TempRepo;
  let outside: string;
  let python: string;
  const marker = `SMART_TEST_HOSTILE_RUN=${process.pid}-${Date.now()}`;
  let before: Record<string, string>;
  let result: { code: number; stdout: string; stderr: string };
  let out: GenerateJson;
  let seconds: number;

  beforeAll(() => {
    python = requirePython();
    repo = makeRepo();
    // The folder every default path of the module points at: outside the repository.
    outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-outside-')));
    writeFileSync(path.join(outside, 'report.txt'), 'keep me\n');
    writeFileSync(path.join(outside, 'data.txt'), 'data\n');
    mkdirSync(path.join(outside, 'cache'));
    writeFileSync(path.join(outside, 'cache', 'entry'), 'cached\n');
    before = snapshot(outside);
    repo.write('hostile.py', readFileSync(HOSTILE, 'utf8').replaceAll('__OUTSIDE__', outside));
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    repo.git('add', '-A');
    const [key, value] = marker.split('=') as [string, string];
    const started = process.hrtime.bigint();
    result = runCli(['generate', 'hostile.py', '--all', '--format', 'json'], repo.root, { [key]: value });
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`generate --all on hostile.py took ${seconds.toFixed(1)} s`);
    out = JSON.parse(result.stdout) as GenerateJson;
  }, 120_000);

  afterAll(() => {
    repo?.cleanup();
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  const detail = (qualname: string) => out.generated.find((g) => g.qualname === qualname)?.detail ?? '';

  it('exits 0 and leaves every file outside the repository as it was, and no process running', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(snapshot(outside)).toEqual(before);
    expect(processesWith(marker)).toEqual([]);
  });

  it('writes tests for the ordinary functions', () => {
    for (const name of ['add', 'slugify', 'clamp']) expect(out.generated.find((g) => g.qualname === name)).toMatchObject({ status: 'written' });
    expect(out.written).toEqual(['tests/test_hostile.py']);
  });

  it('says what happened to the others, and writes no test for a call that crashed, hung or ate memory', () => {
    expect(detail('hard_exit')).toContain('the call ended the Python process (os._exit(4))');
    expect(detail('crash')).toContain('the call ended the Python process (killed by SIGSEGV)');
    expect(detail('spin')).toContain('ran past the 2 s limit');
    expect(detail('spin')).toMatch(/not run: an earlier call ran past the 2 s limit|: spin\(\)$/);
    expect(detail('hoard')).toMatch(/ran past the 2 s limit|ran out of memory \(probeMemory: 1 GiB\)/);
    expect(detail('run_tool')).toBe('not run: it starts processes (allowSideEffects: true runs it); no test written: write one by hand with the process call mocked');
    expect(detail('run_shell')).toBe('not run: it starts processes (allowSideEffects: true runs it); no test written: write one by hand with the process call mocked');
    expect(detail('stop_parent')).toBe('not run: it starts processes (allowSideEffects: true runs it); no test written: write one by hand with the process call mocked');
    expect(detail('ping')).toBe('not run: it uses the network (allowSideEffects: true runs it); no test written: write one by hand with the network call mocked');
    expect(detail('close_stdout')).toBe("its calls were stopped: it closes its process's fd 1 (allowSideEffects: true lets it); no test written: write one by hand that gives it a stream of its own (io.StringIO, capsys)");
    expect(detail('set_mode')).toBe('not run: it changes os.environ (allowSideEffects: true runs it); no test written: write one by hand that sets the variables with monkeypatch.setenv');
    const text = readFileSync(path.join(repo.root, 'tests/test_hostile.py'), 'utf8');
    for (const name of ['hard_exit', 'crash', 'spin', 'hoard', 'stop_parent', 'run_tool', 'run_shell', 'close_stdout']) {
      expect(text).not.toMatch(new RegExp(`target=${name} `));
    }
  });

  it('the written tests pass under pytest, within a time limit, and change nothing outside the repository', () => {
    const run = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_hostile.py'], {
      cwd: repo.root,
      env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: repo.root }),
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    expect(run.error, 'pytest did not finish within 60 s').toBeUndefined();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/\d+ passed/);
    expect(snapshot(outside)).toEqual(before);
  });
});
