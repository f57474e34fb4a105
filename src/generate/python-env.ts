import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The project's Python: config `python`; else `$VIRTUAL_ENV`, `.venv`, `venv`; then `python3` on
 * PATH. The first that can find the module is used. Returns null (and what was tried) when none can.
 */
export async function findProjectPython(opts: {
  repoRoot: string;
  configured: string | null;
  env: NodeJS.ProcessEnv;
  module: string;
  sysPath: string[];
}): Promise<{ python: string | null; tried: string[] }> {
  const candidates: string[] = [];
  if (opts.configured) {
    candidates.push(opts.configured.includes('/') ? path.resolve(opts.repoRoot, opts.configured) : opts.configured);
  } else {
    if (opts.env.VIRTUAL_ENV) candidates.push(path.join(opts.env.VIRTUAL_ENV, 'bin', 'python'));
    for (const dir of ['.venv', 'venv']) candidates.push(path.join(opts.repoRoot, dir, 'bin', 'python'));
    candidates.push('python3');
  }
  const tried: string[] = [];
  for (const python of candidates) {
    if (python.includes('/') && !existsSync(python)) continue;
    tried.push(python);
    if (await canFind(python, opts.module, opts.sysPath)) return { python, tried };
  }
  return { python: null, tried };
}

/**
 * Whether pytest, started at the repository root, is likely to import `module`: the module is
 * importable from the root as it is (installed, or a flat layout), or a pytest configuration
 * file sets `pythonpath`. The probe puts the source roots on sys.path itself; the generated
 * tests rely on the project's own pytest setup.
 */
export async function pytestCanImport(python: string, module: string, repoRoot: string): Promise<boolean> {
  for (const name of ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini']) {
    const text = (() => {
      try {
        return readFileSync(path.join(repoRoot, name), 'utf8');
      } catch {
        return '';
      }
    })();
    if (/^\s*pythonpath\s*=/m.test(text)) return true;
  }
  return canFind(python, module, [repoRoot]);
}

function canFind(python: string, module: string, sysPath: string[]): Promise<boolean> {
  const code = 'import importlib.util, sys, json\nsys.path[:0] = json.loads(sys.argv[1])\nsys.exit(0 if importlib.util.find_spec(sys.argv[2]) else 1)';
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', code, JSON.stringify(sysPath), module], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
