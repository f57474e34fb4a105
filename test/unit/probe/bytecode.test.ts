/**
 * The run's probe processes share the compiled code of the project's modules that have no
 * bytecode of their own (smart_test_probe/bytecode.py, shared-bytecode.ts): the first process
 * to import one keeps its code in the run's folder, the next ones load it from there, and
 * nothing is ever written into the project.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeTarget } from '../../../src/generate/probe-model.js';
import { SharedBytecode } from '../../../src/generate/shared-bytecode.js';
import { requirePython } from '../../helpers/python.js';

let work: string;
let project: string;
let shared: string;
beforeEach(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-bytecode-test-')));
  project = path.join(work, 'project');
  shared = path.join(work, 'shared');
  mkdirSync(path.join(project, 'pkg'), { recursive: true });
  mkdirSync(shared);
  writeFileSync(path.join(project, 'pkg', '__init__.py'), '');
  writeFileSync(path.join(project, 'pkg', 'calc.py'), 'def answer():\n    return 42\n');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** One probe process calling pkg.calc.answer(), with the shared folder; the repr it returned. */
async function answer(): Promise<string | undefined> {
  const target: ProbeTarget = { id: '0', module: 'pkg.calc', file: path.join(project, 'pkg', 'calc.py'), qualname: 'answer', firstLine: 2, lastLine: 2, candidates: [{ id: '0', setup: [], expr: 'answer()' }] };
  const res = await runProbe(requirePython(), { sysPath: [project], cwd: work, timeoutSeconds: 5, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), bytecodePath: shared, targets: [target] }, { timeoutMs: 30_000 });
  const result = res.targets[0]?.candidates[0];
  return result?.outcome === 'return' ? result.repr : undefined;
}

/** Replaces the kept code of pkg/calc.py with code compiled from `source`, under the kept stamp. */
function tamper(source: string): void {
  const [kept] = readdirSync(shared).filter((name) => name.endsWith('-calc.py.bin'));
  const script = ['import marshal, sys', 'f = sys.argv[1]', 'stamp, _ = marshal.load(open(f, "rb"))', 'marshal.dump((stamp, compile(sys.argv[2], stamp[0], "exec")), open(f, "wb"))'].join('\n');
  const run = spawnSync(requirePython(), ['-c', script, path.join(shared, kept!), source], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
}

describe('compiled code shared by the run\'s probe processes', () => {
  it("keeps each of the project's modules once, loads it from there in the next process, and writes nothing into the project", async () => {
    expect(await answer()).toBe('42');
    expect(readdirSync(shared).filter((name) => name.endsWith('.bin')).map((name) => name.replace(/^[0-9a-f]{8}-/, '')).sort()).toEqual(['__init__.py.bin', 'calc.py.bin']);
    expect(readdirSync(shared).some((name) => name.endsWith('.tmp'))).toBe(false);
    // The next process runs the kept code, not the source (here made to differ, to tell them apart).
    tamper('def answer():\n    return 7\n');
    expect(await answer()).toBe('7');
    expect(existsSync(path.join(project, 'pkg', '__pycache__'))).toBe(false);
  });

  it('compiles again a module changed since (another size or mtime), and leaves a module with bytecode of its own to Python', async () => {
    expect(await answer()).toBe('42');
    tamper('def answer():\n    return 7\n');
    writeFileSync(path.join(project, 'pkg', 'calc.py'), 'def answer():\n    return 43\n');
    utimesSync(path.join(project, 'pkg', 'calc.py'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(await answer()).toBe('43');
    // With a pyc beside it (Python's own cache), the module is loaded as Python loads it.
    const compiled = spawnSync(requirePython(), ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], doraise=True)', path.join(project, 'pkg', 'calc.py')], { encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    tamper('def answer():\n    return 7\n');
    expect(await answer()).toBe('43');
  });

  it('is one folder a run, made when first asked for and removed at the end', async () => {
    const bytecode = new SharedBytecode();
    const folder = await bytecode.path();
    expect(folder).not.toBeNull();
    expect(await bytecode.path()).toBe(folder);
    expect(existsSync(folder!)).toBe(true);
    await bytecode.dispose();
    expect(existsSync(folder!)).toBe(false);
  });
});
