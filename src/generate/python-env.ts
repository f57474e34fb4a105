import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
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
  /**
   * Modules to ask the same process about for modulesPytestMayMiss: which of them it finds with
   * only the repository's root in front of its sys.path (answered in `fromRoot`).
   */
  fromRoot?: readonly string[];
}): Promise<FoundPython> {
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
    const rootModules = opts.fromRoot && opts.fromRoot.length > 0 ? opts.fromRoot : null;
    const [withPath, fromRoot] = await findable(python, [{ modules: [opts.module], sysPath: opts.sysPath }, ...(rootModules ? [{ modules: rootModules, sysPath: [opts.repoRoot] }] : [])]);
    if (withPath!.has(opts.module)) return { python, tried, ...(rootModules ? { fromRoot: { root: opts.repoRoot, modules: rootModules, found: fromRoot! } } : {}) };
  }
  return { python: null, tried };
}

export interface FoundPython {
  python: string | null;
  tried: string[];
  /** For modulesPytestMayMiss: of `modules`, those the found Python finds from the repository's root. */
  fromRoot?: { root: string; modules: readonly string[]; found: Found };
}

/** The modules a question found, each with the file it would be imported from (null: none, a namespace package). */
export type Found = ReadonlyMap<string, string | null>;

/** What pytest started at the repository root would import of the modules the generated tests import. */
export interface PytestImports {
  /** Not importable from the root (a src layout not installed, no `pythonpath` set). */
  missing: string[];
  /** Importable, but from another copy than the repository's (an installed release of the project). */
  elsewhere: Array<{ module: string; file: string }>;
}

/**
 * Of `modules` (each with its file in the repository), those pytest started at the repository
 * root is unlikely to import as smart-test ran them: not importable from the root as they are,
 * or imported from another copy (the project installed, not in editable mode), while no pytest
 * configuration file sets `pythonpath`. The probe puts the source roots on sys.path itself; the
 * generated tests rely on the project's own pytest setup. One Python process for all.
 */
export async function modulesPytestMayMiss(python: string, modules: ReadonlyArray<{ module: string; file: string }>, repoRoot: string, known?: FoundPython['fromRoot']): Promise<PytestImports> {
  const none: PytestImports = { missing: [], elsewhere: [] };
  if (modules.length === 0 || pytestPythonpathFile(repoRoot) !== null) return none;
  const names = modules.map((m) => m.module);
  // Answered already by the process that found the Python (findProjectPython's `fromRoot`).
  const found = known && known.root === repoRoot && names.every((m) => known.modules.includes(m)) ? known.found : (await findable(python, [{ modules: names, sysPath: [repoRoot] }]))[0]!;
  for (const { module, file } of modules) {
    if (!found.has(module)) none.missing.push(module);
    else {
      const origin = found.get(module);
      if (origin && realOrSame(origin) !== realOrSame(path.resolve(repoRoot, file))) none.elsewhere.push({ module, file: origin });
    }
  }
  return none;
}

function realOrSame(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
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

/**
 * For each question, which of its `modules` `python` can find with its `sysPath` in front of its
 * own (none when it cannot run), in one process. What a question imported to find them (the
 * parent packages of dotted names) is forgotten before the next, so each answer is the one a
 * process of its own would give.
 */
/**
 * Python source of `place(name)`: None when `name` is not found, else (the file it would be
 * imported from or None, the first folder of a package without one or None). Needs importlib.util.
 * Shared with doctor's inspection (doctor/python.ts).
 */
export const PLACE_PY = [
  'def place(name):',
  '    try:',
  '        spec = importlib.util.find_spec(name)',
  '    except BaseException:',
  '        return None',
  '    if spec is None:',
  '        return None',
  '    if spec.has_location and isinstance(spec.origin, str):',
  '        return (spec.origin, None)',
  '    folders = list(spec.submodule_search_locations or [])',
  '    return (None, folders[0] if folders else None)',
].join('\n');

function findable(python: string, questions: ReadonlyArray<{ modules: readonly string[]; sysPath: readonly string[] }>): Promise<Found[]> {
  const code = [
    'import importlib, importlib.util, sys, json',
    'base = list(sys.path)',
    'before = set(sys.modules)',
    PLACE_PY,
    'def ask(front, names):',
    '    sys.path[:] = front + base',
    '    out = [[n, p[0]] for n, p in ((n, place(n)) for n in names) if p is not None]',
    '    for name in set(sys.modules) - before:',
    '        del sys.modules[name]',
    '    importlib.invalidate_caches()',
    '    return out',
    'print(json.dumps([ask(q["sysPath"], q["modules"]) for q in json.loads(sys.argv[1])]))',
  ].join('\n');
  return new Promise((resolve) => {
    const none = () => questions.map((): Found => new Map());
    const child = spawn(python, ['-c', code, JSON.stringify(questions)], { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(none());
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let answers: unknown = [];
      try {
        answers = code === 0 ? JSON.parse(Buffer.concat(out).toString('utf8')) : [];
      } catch {
        answers = [];
      }
      if (!Array.isArray(answers) || answers.length !== questions.length) return resolve(none());
      const pair = (p: unknown): p is [string, string | null] => Array.isArray(p) && typeof p[0] === 'string' && (typeof p[1] === 'string' || p[1] === null);
      resolve(answers.map((pairs): Found => new Map(Array.isArray(pairs) ? pairs.filter(pair) : [])));
    });
  });
}
