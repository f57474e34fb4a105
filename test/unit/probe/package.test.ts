/**
 * probe.py runs its code from the smart_test_probe package beside it. The user's code runs in the
 * same interpreter: the package's folder must not stay on sys.path, no module of the project may
 * be shadowed by one of the probe's (or shadow it), the probe must recognise every one of its
 * files as its own, and the build must ship the whole package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeScriptPath, runProbe } from '../../../src/generate/probe.js';
import type { ProbeTarget } from '../../../src/generate/probe-model.js';
import { requirePython } from '../../helpers/python.js';
import { PROJECT_ROOT } from '../../helpers/repo.js';

const PACKAGE = path.join(PROJECT_ROOT, 'src', 'generate', 'smart_test_probe');

/** The probe's own module names, from the sources. */
function probeModules(): string[] {
  return readdirSync(PACKAGE)
    .filter((name) => name.endsWith('.py'))
    .sort();
}

let work: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-probe-package-')));
  // A project whose top-level modules are named like the probe's own.
  for (const name of probeModules()) {
    if (name !== '__init__.py') writeFileSync(path.join(work, name), `WHO = "project ${name}"\n`);
  }
  writeFileSync(
    path.join(work, 'proj.py'),
    ['import runner', 'import state', '', '', 'def who():', '    return runner.WHO + " / " + state.WHO', ''].join('\n'),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the probe package in the user\'s interpreter', () => {
  it('imports the project\'s own modules named like the probe\'s, and leaves its folder off sys.path', async () => {
    const file = path.join(work, 'proj.py');
    const target = (id: string, expr: string): ProbeTarget => ({ id, module: 'proj', file, qualname: 'who', firstLine: 5, lastLine: 6, candidates: [{ id: '0', setup: [], expr }] });
    const res = await runProbe(
      requirePython(),
      {
        sysPath: [work],
        cwd: work,
        timeoutSeconds: 5,
        allowSideEffects: false,
        tmpPath: path.join(work, 'tmp'),
        targets: [
          target('who', 'who()'),
          target('path', "(lambda s, o: [p for p in s.path if p == s.path[0] or o.path.isdir(o.path.join(p or '.', 'smart_test_probe'))])(__import__('sys'), __import__('os'))"),
          target('cwd', "__import__('os').getcwd()"),
        ],
      },
      { timeoutMs: 30_000 },
    );
    const repr = (i: number) => res.targets[i]?.candidates[0];
    expect(repr(0)).toMatchObject({ outcome: 'return', repr: "'project runner.py / project state.py'" });
    // sys.path starts with the request's entries; no entry holds the probe's package.
    expect(repr(1)).toMatchObject({ outcome: 'return', repr: JSON.stringify([work]).replaceAll('"', "'") });
    expect(repr(2)).toMatchObject({ outcome: 'return', repr: `'${work}'` });
  });

  it('counts every file of the package, and probe.py, as its own (timeouts and tracebacks skip their frames)', () => {
    const script = [
      'import sys, os, inspect',
      `sys.path.insert(0, ${JSON.stringify(path.dirname(probeScriptPath()))})`,
      'import smart_test_probe.request',
      'from smart_test_probe.state import PROBE_FILES, PROBE_FILE',
      'mods = [m for n, m in sorted(sys.modules.items()) if n.startswith("smart_test_probe")]',
      'codes = [f.__code__.co_filename for m in mods for f in vars(m).values() if inspect.isfunction(f) and f.__module__ == m.__name__]',
      'print(sorted(os.path.basename(m.__file__) for m in mods))',
      'print(all(m.__file__ in PROBE_FILES for m in mods), all(c in PROBE_FILES for c in codes), PROBE_FILE in PROBE_FILES, len(PROBE_FILES))',
    ].join('\n');
    const run = spawnSync(requirePython(), ['-B', '-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const modules = probeModules();
    expect(run.stdout.trim().split('\n')).toEqual([JSON.stringify(modules).replaceAll('"', "'").replaceAll(',', ', '), `True True True ${modules.length + 1}`]);
  });

  it('is shipped whole beside dist/probe.py by the build (after npm run build)', () => {
    const dist = path.join(PROJECT_ROOT, 'dist', 'smart_test_probe');
    expect(existsSync(path.join(PROJECT_ROOT, 'dist', 'probe.py'))).toBe(true);
    // Beside them, once a probe ran from dist: their bytecode (see the launcher's test below).
    expect(readdirSync(dist).filter((name) => name !== '__pycache__').sort()).toEqual(probeModules());
    for (const name of probeModules()) expect(readFileSync(path.join(dist, name), 'utf8')).toBe(readFileSync(path.join(PACKAGE, name), 'utf8'));
  });
});

describe('probe.py as a launcher', () => {
  /** A copy of the probe as installed, run (without the -B smart-test passes) on a target in a module of a project folder of its own. */
  const runInstalled = (name: string, extraEnv: Record<string, string>) => {
    const copy = path.join(work, name);
    mkdirSync(path.join(copy, 'smart_test_probe'), { recursive: true });
    writeFileSync(path.join(copy, 'probe.py'), readFileSync(probeScriptPath()));
    for (const file of probeModules()) writeFileSync(path.join(copy, 'smart_test_probe', file), readFileSync(path.join(PACKAGE, file)));
    const project = path.join(work, `${name}-project`);
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'userlib.py'), 'def double(x):\n    return 2 * x\n');
    const target: ProbeTarget = { id: '0', module: 'userlib', file: path.join(project, 'userlib.py'), qualname: 'double', firstLine: 2, lastLine: 2, candidates: [{ id: '0', setup: [], expr: 'double(21)' }] };
    const request = JSON.stringify({ sysPath: [project], cwd: work, timeoutSeconds: 5, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), targets: [target] });
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'PYTHONDONTWRITEBYTECODE' && key !== 'SMART_TEST_NO_CODE_CACHE')), ...extraEnv };
    const run = spawnSync(requirePython(), [path.join(copy, 'probe.py')], { cwd: tmpdir(), env, input: request, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const events = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(events.find((e) => e.event === 'candidate')?.result).toMatchObject({ outcome: 'return', repr: '42' });
    return { cache: path.join(copy, 'smart_test_probe', '__pycache__'), project };
  };

  it("starts from any current directory, from a copy with its package (as installed), and keeps the package's bytecode beside it, never the project's", () => {
    const { cache, project } = runInstalled('installed', {});
    const compiled = readdirSync(cache).map((name) => name.replace(/\.[^.]+\.pyc$/, '.py')).sort();
    expect(compiled).toEqual(probeModules());
    expect(existsSync(path.join(project, '__pycache__'))).toBe(false);
  });

  it('writes no bytecode at all with SMART_TEST_NO_CODE_CACHE=1', () => {
    const { cache, project } = runInstalled('installed-no-cache', { SMART_TEST_NO_CODE_CACHE: '1' });
    expect(existsSync(cache)).toBe(false);
    expect(existsSync(path.join(project, '__pycache__'))).toBe(false);
  });
});
