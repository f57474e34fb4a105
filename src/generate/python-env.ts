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
 * Of `modules`, those pytest started at the repository root is unlikely to import: not
 * importable from the root as they are (installed, or a flat layout), while no pytest
 * configuration file sets `pythonpath`. The probe puts the source roots on sys.path itself;
 * the generated tests rely on the project's own pytest setup. One Python process for all.
 */
export async function modulesPytestMayMiss(python: string, modules: readonly string[], repoRoot: string): Promise<string[]> {
  if (modules.length === 0 || pytestPythonpathFile(repoRoot) !== null) return [];
  const found = await findable(python, modules, [repoRoot]);
  return modules.filter((m) => !found.has(m));
}

/** The pytest configuration file at the repository root that sets `pythonpath`, or null when none does. */
export function pytestPythonpathFile(repoRoot: string): string | null {
  for (const name of PYTEST_CONFIG_FILES) {
    const text = (() => {
      try {
        return readFileSync(path.join(repoRoot, name), 'utf8');
      } catch {
        return '';
      }
    })();
    if (/^\s*pythonpath\s*=/m.test(text)) return name;
  }
  return null;
}

/** Where pytest reads its settings, at the top of the repository. */
export const PYTEST_CONFIG_FILES = ['pytest.ini', 'pyproject.toml', 'setup.cfg', 'tox.ini'] as const;

async function canFind(python: string, module: string, sysPath: string[]): Promise<boolean> {
  return (await findable(python, [module], sysPath)).has(module);
}

/** Which of `modules` `python` can find with `sysPath` in front of its own (none when it cannot run). */
function findable(python: string, modules: readonly string[], sysPath: string[]): Promise<Set<string>> {
  const code = [
    'import importlib.util, sys, json',
    'sys.path[:0] = json.loads(sys.argv[1])',
    'def found(name):',
    '    try:',
    '        return importlib.util.find_spec(name) is not None',
    '    except Exception:',
    '        return False',
    'print(json.dumps([m for m in json.loads(sys.argv[2]) if found(m)]))',
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', code, JSON.stringify(sysPath), JSON.stringify(modules)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(new Set());
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let names: unknown = [];
      try {
        names = code === 0 ? JSON.parse(Buffer.concat(out).toString('utf8')) : [];
      } catch {
        names = [];
      }
      resolve(new Set(Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []));
    });
  });
}
