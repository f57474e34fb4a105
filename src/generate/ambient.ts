/**
 * The ambient input a function reads besides its arguments: `sys.argv` and `os.environ`. Under
 * pytest, sys.argv is pytest's own command line and the environment is whoever runs the tests,
 * so a test of such a function sets them itself (monkeypatch), to the values the probe ran it
 * with: sys.argv = [the module's file name] (run without arguments), and every variable read by
 * a literal name removed. Removing rather than copying the probe's value keeps the tests the same
 * on every machine and keeps a developer's secrets (API keys) out of test files.
 *
 * Found statically, in the function's own source and, through calls by name, in the functions
 * of its module it calls (a `main()` that calls `parse_args()` that reads sys.argv).
 */
import type { PyFunction } from '../python/model.js';

export interface Ambient {
  /** The function reads sys.argv (directly, `from sys import argv`, or argparse's parse_args()). */
  argv: boolean;
  /** Environment variables read by literal name, sorted. */
  env: string[];
}

const ARGV = /\bsys\.argv\b|\.parse(?:_known)?_args\(\s*(?:(?:args\s*=\s*)?[A-Za-z_]\w*\s*)?\)|\bgetopt\.getopt\(\s*sys\.argv/;
const ENV_KEY = [
  /\b(?:os\.)?environ\.get\(\s*(['"])([^'"\\\s]+)\1/g,
  /\b(?:os\.)?environ\[\s*(['"])([^'"\\\s]+)\1\s*\]/g,
  /\b(?:os\.)?getenv\(\s*(['"])([^'"\\\s]+)\1/g,
  /(['"])([^'"\\\s]+)\1\s+(?:not\s+)?in\s+(?:os\.)?environ\b/g,
];

function direct(code: string, argvImported: boolean): Ambient {
  const env = new Set<string>();
  for (const pattern of ENV_KEY) for (const m of code.matchAll(pattern)) env.add(m[2]!);
  return { argv: ARGV.test(code) || (argvImported && /(?<![.\w])argv\b/.test(code)), env: [...env].sort() };
}

/** What each function of the module reads, by qualname. `text` is the module's source. */
export function ambientReads(text: string, functions: readonly PyFunction[]): Map<string, Ambient> {
  const lines = text.split('\n');
  const argvImported = /^\s*from\s+sys\s+import\s+[^\n]*\bargv\b/m.test(text);
  const own = new Map<PyFunction, { reads: Ambient; code: string }>();
  for (const fn of functions) {
    const code = lines.slice(fn.startLine - 1, fn.endLine).join('\n').replace(/#.*$/gm, '');
    own.set(fn, { reads: direct(code, argvImported), code });
  }
  // Through calls by name (`helper(`, `self.helper(`), until nothing changes.
  const byName = new Map<string, PyFunction[]>();
  for (const fn of functions) if (fn.kind !== 'nested') byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
  const callees = new Map<PyFunction, PyFunction[]>();
  for (const fn of functions) {
    const called = new Set([...own.get(fn)!.code.matchAll(/(?<![\w])([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!));
    callees.set(fn, [...called].flatMap((name) => byName.get(name) ?? []).filter((c) => c !== fn));
  }
  const total = new Map<PyFunction, { argv: boolean; env: Set<string> }>([...own].map(([fn, o]) => [fn, { argv: o.reads.argv, env: new Set(o.reads.env) }]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const fn of functions) {
      const mine = total.get(fn)!;
      for (const callee of callees.get(fn)!) {
        const theirs = total.get(callee)!;
        if (theirs.argv && !mine.argv) {
          mine.argv = true;
          changed = true;
        }
        for (const key of theirs.env) {
          if (!mine.env.has(key)) {
            mine.env.add(key);
            changed = true;
          }
        }
      }
    }
  }
  const out = new Map<string, Ambient>();
  for (const [fn, reads] of total) out.set(fn.qualname, { argv: reads.argv, env: [...reads.env].sort() });
  return out;
}

/** The monkeypatch lines of a test, and what the probe must use to run the target the same way. */
export interface AmbientSetting {
  /** sys.argv the test sets, or null to leave it alone. */
  argv: string[] | null;
  /** Variables the test removes. */
  unsetEnv: string[];
}

/** sys.argv a target that reads it runs with: its script's name, no arguments. */
export function argvFor(file: string): string[] {
  return [file.split('/').pop() ?? file];
}
