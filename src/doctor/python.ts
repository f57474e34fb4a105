/**
 * `smart-test doctor`: the project's Python. Which interpreter runs the probe and the tests (the
 * one `run` would choose: generate/python-env.ts findProjectPython), its version; then one
 * Python process answers the rest: can it import pytest and coverage, can it find the project's
 * top-level packages from the source roots (as the probe runs them), and from the top of the
 * repository alone (as pytest would, unless a pytest configuration sets `pythonpath`:
 * pytestPythonpathFile, the rule modulesPytestMayMiss applies).
 *
 * The project's own packages are looked up with importlib.util.find_spec, never imported: doctor
 * runs none of the project's code (that happens only inside the probe's limits).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../config/model.js';
import { selectSources } from '../git/files-filter.js';
import type { Repo } from '../git/repo.js';
import { moduleNameFor } from '../generate/module-name.js';
import { PLACE_PY, findProjectPython, pytestPythonpathFile } from '../generate/python-env.js';
import { doctorText as t } from '../report/messages/doctor.js';
import { error, ok, warn, type Check } from './model.js';

export interface PythonContext {
  root: string;
  config: Config;
  repo: Repo | null;
  env: NodeJS.ProcessEnv;
}

interface Inspection {
  version: string;
  executable: string;
  fromRoot: string[];
  /** Of fromRoot, those found outside the repository (an installed copy), with where. */
  fromRootElsewhere: Array<[string, string]>;
  fromSources: string[];
  pytest: { ok: boolean; version?: string; error?: string };
  coverage: { ok: boolean; version?: string; error?: string };
}

export async function pythonChecks(ctx: PythonContext): Promise<Check[]> {
  const { root, config, env } = ctx;
  const packages = ctx.repo ? await topLevelPackages(ctx.repo, config) : new Map<string, string>();
  const names = [...packages.keys()];
  const sysPath = [...new Set(config.sourceRoots.map((r) => path.resolve(root, r)))];
  let found = await findProjectPython({ repoRoot: root, configured: config.python, env, module: names[0] ?? 'sys', sysPath });
  // None finds the project: the one that would run all the same (the first that runs) is the one to inspect.
  if (found.python === null && names.length > 0) found = await findProjectPython({ repoRoot: root, configured: config.python, env, module: 'sys', sysPath });
  const python = found.python;
  if (python === null) {
    if (config.python) return [error('python', t.pythonMissingConfigured(config.python), t.pythonMissingFix)];
    return [error('python', t.pythonMissing(found.tried), t.pythonMissingFix)];
  }

  let seen: Inspection;
  try {
    seen = await inspect(python, root, sysPath, names, env);
  } catch (err) {
    return [error('python', t.pythonBroken(python, err instanceof Error ? err.message : String(err)), t.pythonBrokenFix)];
  }
  const checks: Check[] = [];
  const [major = 0, minor = 0] = seen.version.split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 8)) checks.push(error('python', t.pythonTooOld(python, seen.version), t.pythonTooOldFix));
  else checks.push(ok('python', t.pythonOk(seen.executable || python, seen.version, whereFrom(python, config, env, root))));

  checks.push(
    seen.pytest.ok
      ? ok('pytest', t.pytestOk(seen.pytest.version ?? '?'))
      : error('pytest', t.pytestMissing(python, seen.pytest.error ?? 'not installed'), t.pytestMissingFix(python)),
  );
  checks.push(
    seen.coverage.ok
      ? ok('coverage-module', t.coverageModuleOk(seen.coverage.version ?? '?'))
      : warn('coverage-module', t.coverageModuleMissing(python, seen.coverage.error ?? 'not installed'), t.coverageModuleMissingFix(python)),
  );

  const roots = config.sourceRoots;
  if (names.length === 0) checks.push(ok('packages', t.packagesNone(roots)));
  else {
    const missing = names.filter((n) => !seen.fromSources.includes(n));
    checks.push(missing.length === 0 ? ok('packages', t.packagesOk(names, roots)) : warn('packages', t.packagesMissing(missing, roots, python), t.packagesMissingFix));
  }

  const configured = pytestPythonpathFile(root);
  if (configured !== null) checks.push(ok('pytest-path', t.pytestPathSet(configured)));
  else if (names.length === 0) checks.push(ok('pytest-path', t.pytestPathNone));
  else {
    const missing = names.filter((n) => !seen.fromRoot.includes(n));
    // Found, but an installed copy, where the repository has the package under a source root.
    const elsewhere = seen.fromRootElsewhere.filter(([n]) => seen.fromSources.includes(n));
    if (missing.length > 0) checks.push(warn('pytest-path', t.pytestPathMissing(missing), t.pytestPathMissingFix(packages.get(missing[0]!) ?? '.')));
    else if (elsewhere.length > 0) checks.push(warn('pytest-path', t.pytestPathElsewhere(elsewhere[0]![0], elsewhere[0]![1], packages.get(elsewhere[0]![0]) ?? '.'), t.pytestPathMissingFix(packages.get(elsewhere[0]![0]) ?? '.')));
    else checks.push(ok('pytest-path', t.pytestPathFound(names)));
  }
  return checks;
}

/** How findProjectPython came to `python`, for the message. */
function whereFrom(python: string, config: Config, env: NodeJS.ProcessEnv, root: string): string {
  if (config.python) return t.pythonFromConfig(config.python);
  if (env.VIRTUAL_ENV && python === path.join(env.VIRTUAL_ENV, 'bin', 'python')) return t.pythonFromVenv('$VIRTUAL_ENV');
  for (const dir of ['.venv', 'venv']) if (python === path.join(root, dir, 'bin', 'python')) return t.pythonFromVenv(dir);
  return t.pythonFromPath;
}

/**
 * The project's top-level import names, with the source root each is under: the first part of
 * the module name of each source file git knows (tracked, or untracked and not ignored), include
 * and exclude honoured, tests left out. Packages (folders) when there are any, else the modules
 * at the top of the source roots (a flat project such as `calc.py`).
 */
export async function topLevelPackages(repo: Repo, config: Config): Promise<Map<string, string>> {
  const listed = await repo.read(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.py']);
  const files = selectSources([...new Set(listed.split('\0').filter((p) => p !== ''))].sort(), config);
  const packages = new Map<string, string>();
  const modules = new Map<string, string>();
  for (const file of files) {
    const named = moduleNameFor(file, config.sourceRoots);
    if (!named) continue;
    const top = named.module.split('.')[0]!;
    const isPackage = named.module.includes('.') || file.endsWith('/__init__.py');
    const into = isPackage ? packages : modules;
    if (!into.has(top)) into.set(top, named.root);
  }
  return packages.size > 0 ? packages : modules;
}

const INSPECT = String.raw`
import importlib, importlib.util, json, os, sys
roots, names, top = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
here = os.getcwd()
base = [p for p in sys.path if p not in ("", here)]

${PLACE_PY}

def outside(path):
    inside = os.path.realpath(top) + os.sep
    return not os.path.realpath(path).startswith(inside)

def load(name):
    try:
        module = importlib.import_module(name)
        return {"ok": True, "version": str(getattr(module, "__version__", "?"))}
    except BaseException as e:
        text = str(e).strip().splitlines()
        return {"ok": False, "error": type(e).__name__ + (": " + text[0] if text else "")}

sys.path[:] = [top] + base
from_root = []
from_root_elsewhere = []
for n in names:
    p = place(n)
    if p is not None:
        from_root.append(n)
        where = p[0] or p[1]
        if where is not None and outside(where):
            from_root_elsewhere.append([n, where])
sys.path[:] = roots + base
from_sources = [n for n in names if place(n) is not None]
sys.path[:] = base
out = {"version": ".".join(str(v) for v in sys.version_info[:3]), "executable": sys.executable or "", "fromRoot": from_root, "fromRootElsewhere": from_root_elsewhere, "fromSources": from_sources, "pytest": load("pytest"), "coverage": load("coverage")}
sys.stdout.write(json.dumps(out) + "\n")
`;

/** One Python process for every import question (see INSPECT). Rejects with a one-line reason. */
function inspect(python: string, root: string, sysPath: string[], names: string[], env: NodeJS.ProcessEnv): Promise<Inspection> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-B', '-c', INSPECT, JSON.stringify(sysPath), JSON.stringify(names), root], {
      cwd: root,
      env: { ...env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8').trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(signal ? `stopped by ${signal}` : `exit status ${code}`);
        const parsed = JSON.parse(text) as Inspection;
        if (typeof parsed.version !== 'string' || !Array.isArray(parsed.fromRoot) || !Array.isArray(parsed.fromRootElsewhere) || !Array.isArray(parsed.fromSources)) throw new Error('unexpected output');
        resolve(parsed);
      } catch (e) {
        const last = Buffer.concat(err).toString('utf8').trim().split('\n').at(-1);
        reject(new Error(`${e instanceof Error ? e.message : String(e)}${last ? ` (${last})` : ''}`));
      }
    });
  });
}
