/**
 * The fuzz suite's workspace and contract.
 *
 * One workspace per test file (vitest runs each file in its own worker): a folder holding the
 * repository, a sibling sentinel folder and the temp folder smart-test is given (TMPDIR). Each
 * case resets the repository to its base commit, writes the damaged files, stages them, runs
 * one command, and checks the contract of the CLI:
 *
 * - the exit code is 0, 1 or 2;
 * - no stack trace and no "failed unexpectedly" on stdout or stderr;
 * - `--format json` prints JSON alone on stdout (nothing at all on an input error, exit 2);
 * - nothing is written outside the repository: the sentinel folder is unchanged, the temp
 *   folder is empty again, the workspace holds nothing new;
 * - no file the user had is lost: every file is byte-identical after the run, except test files
 *   smart-test writes into, which must still hold every line the user had outside smart-test's
 *   managed blocks and every block a person edited, unchanged.
 *
 * Most cases run in this process through the bundle's `main(argv, io)` (dist/cli.cjs, what
 * bin/smart-test.cjs runs): spawning Node for each of 2,000 cases would take many minutes. A
 * smaller set runs the real bin as a separate process (see cli.fuzz.test.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CLI, PROJECT_ROOT, cleanEnv } from '../helpers/repo.js';
import { findBlocks } from '../../src/generate/managed.js';

/** Seed and number of runs: fixed by default (reproducible), FUZZ_SEED / FUZZ_RUNS override. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261201;
const RUN_SCALE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) / 2000 : 1;

/** Runs for one property: its share of the 2,000 default cases, scaled by FUZZ_RUNS. */
export function runs(share: number): number {
  return Math.max(1, Math.round(share * RUN_SCALE));
}

/** fast-check parameters: the seed, the runs, no shrinking unless FUZZ_SHRINK=1 (shrinking a 2 MB input takes long). */
export function params(share: number) {
  return { seed: FUZZ_SEED, numRuns: runs(share), endOnFailure: process.env.FUZZ_SHRINK !== '1' };
}

/** A file of a case: repo-relative path and content (text or raw bytes). */
export type CaseFile = readonly [string, string | Uint8Array];

export interface FuzzCase {
  /** Files written and staged. */
  staged: CaseFile[];
  /** Files written after staging (working-copy edits the index does not hold, or untracked files such as coverage.json). */
  unstaged: CaseFile[];
  argv: string[];
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

type Main = (argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv; cwd?: string }) => Promise<number>;

let bundleMain: Main | null = null;
function loadBundle(): Main {
  const bundle = path.join(PROJECT_ROOT, 'dist', 'cli.cjs');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: the fuzz suite runs the built CLI; run \`npm run build\` first (npm test does).`);
  bundleMain ??= (createRequire(import.meta.url)(bundle) as { main: Main }).main;
  return bundleMain;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** The base project every case starts from: a package with a doctest (so --no-execute still writes a test) and a user's test. */
export const BASE_FILES: Record<string, string> = {
  '.gitignore': 'coverage.json\n.coverage\n__pycache__/\n',
  'pkg/__init__.py': '',
  'pkg/mod.py': `"""A module."""


def add(a, b):
    """Add two numbers.

    >>> add(1, 2)
    3
    """
    return a + b


def pick(items, first=False):
    if first:
        return items[0]
    return None


class Box:
    def size(self, n: int) -> int:
        if n > 3:
            return n
        return 0
`,
  'tests/test_user.py': `from pkg.mod import pick


def test_pick():
    assert pick([1], first=True) == 1
`,
};

export class Workspace {
  readonly base: string;
  readonly root: string;
  readonly sentinel: string;
  readonly tmp: string;
  private readonly sentinelSnapshot: Map<string, string>;
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    this.base = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-fuzz-')));
    this.root = path.join(this.base, 'repo');
    this.sentinel = path.join(this.base, 'sentinel');
    this.tmp = path.join(this.base, 'tmp');
    for (const dir of [this.root, this.sentinel, this.tmp]) mkdirSync(dir);
    // The sentinel: what a write that escapes the repository (../, an absolute path) would hit.
    writeFileSync(path.join(this.sentinel, 'keep.txt'), 'the user keeps this\n');
    mkdirSync(path.join(this.sentinel, 'tests'));
    writeFileSync(path.join(this.sentinel, 'tests', 'test_pkg_mod.py'), 'def test_mine():\n    assert True\n');
    writeFileSync(path.join(this.sentinel, 'coverage.json'), '{"meta": {}, "files": {}}');
    this.sentinelSnapshot = snapshotTree(this.sentinel, null);
    this.env = cleanEnv({ TMPDIR: this.tmp, TMP: this.tmp, TEMP: this.tmp, NO_COLOR: '1' });
    this.git('init', '-q', '-b', 'main');
    for (const [rel, content] of Object.entries(BASE_FILES)) this.write(rel, content);
    this.git('add', '-A');
    this.git('commit', '-qm', 'base');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, env: this.env, encoding: 'utf8' });
  }

  write(rel: string, content: string | Uint8Array): void {
    const full = path.join(this.root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Back to the base commit: index, working tree, untracked and ignored files (git reset --hard + clean -fdx). */
  reset(): void {
    this.git('reset', '-q', '--hard', 'HEAD');
    this.git('clean', '-fdxq');
  }

  /**
   * Resets, then writes and stages the case's files, then writes its unstaged files. The reset is
   * done on disk (the base files are known) and one `git add -A` then makes the index match the
   * working tree: one git process per case instead of three.
   */
  prepare(c: FuzzCase): void {
    this.restoreBaseFiles();
    for (const [rel, content] of c.staged) this.write(rel, content);
    this.git('add', '-A');
    for (const [rel, content] of c.unstaged) this.write(rel, content);
  }

  private restoreBaseFiles(): void {
    for (const name of readdirSync(this.root)) {
      if (name !== '.git') rmSync(path.join(this.root, name), { recursive: true, force: true });
    }
    for (const [rel, content] of Object.entries(BASE_FILES)) this.write(rel, content);
  }

  /** Runs the bundle's main in this process, with this workspace's environment and cwd. */
  async runInProcess(argv: string[]): Promise<Outcome> {
    const main = loadBundle();
    const out = sink();
    const err = sink();
    // os.tmpdir() reads TMPDIR on each call: smart-test's temporary files land in the watched folder.
    const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
    Object.assign(process.env, { TMPDIR: this.tmp, TMP: this.tmp, TEMP: this.tmp });
    // Libraries read process.cwd() too (cosmiconfig reads package.json there): run where a user would.
    const cwd = process.cwd();
    process.chdir(this.root);
    try {
      const code = await main(argv, { stdout: out.stream, stderr: err.stream, env: this.env, cwd: this.root });
      return { code, stdout: out.text(), stderr: err.text() };
    } finally {
      process.chdir(cwd);
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  }

  /** Runs the real bin/smart-test.cjs as a separate process. */
  runSpawned(argv: string[], timeoutMs = 60_000): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...argv], { cwd: this.root, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? `signal ${signal}` : -1) as number, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
  }

  /** The repository's files (not .git) and their bytes. */
  snapshotRepo(): Map<string, string> {
    return snapshotTree(this.root, '.git');
  }

  /** Checks the run against the contract; returns the violations (empty when there are none). */
  violations(c: FuzzCase, before: Map<string, string>, outcome: Outcome): string[] {
    const problems: string[] = [];
    problems.push(...outputViolations(c.argv, outcome));
    // Nothing outside the repository.
    const baseNames = readdirSync(this.base).sort().join(',');
    if (baseNames !== 'repo,sentinel,tmp') problems.push(`the workspace folder now holds ${baseNames}`);
    const sentinelNow = snapshotTree(this.sentinel, null);
    if (!sameTree(this.sentinelSnapshot, sentinelNow)) problems.push(`a file outside the repository changed: ${diffTree(this.sentinelSnapshot, sentinelNow)}`);
    const left = readdirSync(this.tmp);
    if (left.length > 0) {
      problems.push(`left in the temp folder: ${left.join(', ')}`);
      for (const name of left) rmSync(path.join(this.tmp, name), { recursive: true, force: true });
    }
    problems.push(...userFileViolations(before, this.snapshotRepo()));
    return problems;
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** Files under `dir` (relative POSIX path -> bytes as latin1 text, symlinks as "-> target"), skipping the top-level `skip` folder. */
function snapshotTree(dir: string, skip: string | null): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs)) {
      if (rel === '' && name === skip) continue;
      const full = path.join(abs, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const info = lstatSync(full);
      if (info.isDirectory()) walk(full, r);
      else files.set(r, info.isSymbolicLink() ? `-> ${full}` : readFileSync(full).toString('latin1'));
    }
  };
  walk(dir, '');
  return files;
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function diffTree(a: Map<string, string>, b: Map<string, string>): string {
  const changed = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
  return changed.join(', ');
}

const STACK_FRAME = /^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)\s*$/m;
/**
 * Signs of a crash rather than a message: Node's internals, smart-test's own "failed
 * unexpectedly", V8's fatal errors, and a JavaScript error name at the start of a line (a Python
 * exception named inside a message, "import failed: SyntaxError: ...", is fine).
 */
const CRASH = /node:internal|failed unexpectedly|Maximum call stack|FATAL ERROR|JavaScript heap out of memory|UnhandledPromiseRejection|Segmentation fault|Aborted \(core dumped\)|^(?:Uncaught )?(?:TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|AggregateError|Error)(?: \[\w+\])?: /m;

/** Exit code, stack traces, and JSON alone on stdout for --format json. */
export function outputViolations(argv: readonly string[], outcome: Outcome): string[] {
  const problems: string[] = [];
  if (outcome.code !== 0 && outcome.code !== 1 && outcome.code !== 2) problems.push(`exit code ${String(outcome.code)}`);
  for (const [name, text] of [['stdout', outcome.stdout], ['stderr', outcome.stderr]] as const) {
    if (STACK_FRAME.test(text)) problems.push(`a stack trace on ${name}`);
    const crash = CRASH.exec(text);
    if (crash) problems.push(`"${crash[0]}" on ${name}`);
  }
  const format = argv.indexOf('--format');
  if (format >= 0 && argv[format + 1] === 'json') {
    if (outcome.code === 2 && outcome.stdout === '') {
      // An input error: one paragraph on stderr, nothing on stdout.
    } else {
      try {
        JSON.parse(outcome.stdout);
      } catch (error) {
        problems.push(`--format json printed something other than JSON on stdout (${(error as Error).message}): ${JSON.stringify(outcome.stdout.slice(0, 200))}`);
      }
    }
  }
  if (outcome.code === 2 && outcome.stderr.trim() === '') problems.push('exit 2 without a message on stderr');
  return problems;
}

/**
 * Every file the user had is still there and byte-identical, except test files smart-test
 * writes into (named `test_*.py`; the configured tests folder may be anything): those must keep every line outside the
 * managed blocks, in order, and every block a person edited, unchanged. New files may only be
 * such test files.
 */
export function userFileViolations(before: Map<string, string>, after: Map<string, string>): string[] {
  const problems: string[] = [];
  const writable = (rel: string) => /(^|\/)test_[^/]*\.py$/.test(rel);
  for (const [rel, old] of before) {
    const now = after.get(rel);
    if (now === undefined) {
      problems.push(`${rel} was deleted`);
      continue;
    }
    if (now === old) continue;
    if (!writable(rel)) {
      problems.push(`${rel} changed`);
      continue;
    }
    const oldText = Buffer.from(old, 'latin1');
    if (!isUtf8(oldText)) {
      problems.push(`${rel} (not valid UTF-8) was rewritten`);
      continue;
    }
    problems.push(...testFileKept(rel, oldText.toString('utf8'), Buffer.from(now, 'latin1').toString('utf8')));
  }
  for (const rel of after.keys()) {
    if (!before.has(rel) && !writable(rel)) problems.push(`${rel} was created`);
  }
  return problems;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The user's lines outside managed blocks survive in order; edited blocks survive unchanged. */
function testFileKept(rel: string, old: string, now: string): string[] {
  const problems: string[] = [];
  const oldLines = old.split('\n');
  const nowLines = now.split('\n');
  const { userLines, editedBlocks } = splitManaged(oldLines);
  // Subsequence check (blank lines are layout, not content).
  let j = 0;
  for (const line of userLines) {
    if (line.trim() === '') continue;
    while (j < nowLines.length && nowLines[j] !== line) j++;
    if (j === nowLines.length) {
      problems.push(`${rel}: the user's line ${JSON.stringify(line.slice(0, 80))} was lost`);
      break;
    }
    j++;
  }
  const nowText = nowLines.join('\n');
  for (const block of editedBlocks) {
    if (!nowText.includes(block)) problems.push(`${rel}: an edited managed block was changed: ${JSON.stringify(block.slice(0, 120))}`);
  }
  return problems;
}

/** The lines outside managed blocks, and the text of each edited block (marker + body), found by smart-test's own reader. */
function splitManaged(lines: string[]): { userLines: string[]; editedBlocks: string[] } {
  const blocks = findBlocks(lines.join('\n'));
  const inBlock = new Set(blocks.flatMap((b) => Array.from({ length: b.end - b.start }, (_, k) => b.start + k)));
  return {
    userLines: lines.filter((_, i) => !inBlock.has(i)),
    editedBlocks: blocks.filter((b) => b.edited).map((b) => [lines[b.start]!, ...b.body].join('\n')),
  };
}

function show(content: string | Uint8Array): string {
  if (typeof content === 'string') return `${content.length} chars ${JSON.stringify(content.length > 300 ? `${content.slice(0, 240)}...${content.slice(-60)}` : content)}`;
  return `${content.length} bytes ${Buffer.from(content.slice(0, 80)).toString('hex')}${content.length > 80 ? '...' : ''}`;
}

/** A case in a few lines: the command, then each file with its size and head. */
export function summary(c: FuzzCase): string {
  return [`smart-test ${c.argv.join(' ')}`, ...c.staged.map(([rel, content]) => `  staged ${rel}: ${show(content)}`), ...c.unstaged.map(([rel, content]) => `  unstaged ${rel}: ${show(content)}`)].join('\n');
}

/** A readable account of a failing case (the seed is printed by fast-check). */
export function describeCase(c: FuzzCase, outcome: Outcome, problems: string[]): string {
  return [
    `contract violated (FUZZ_SEED=${FUZZ_SEED}): ${problems.join('; ')}`,
    summary(c),
    `exit ${String(outcome.code)}`,
    `stdout: ${JSON.stringify(outcome.stdout.slice(0, 600))}`,
    `stderr: ${JSON.stringify(outcome.stderr.slice(0, 600))}`,
  ].join('\n');
}

/** Runs one case (in this process, or as a separate process) and throws a readable account if it breaks the contract. */
export async function checkCase(ws: Workspace, c: FuzzCase, how: 'in-process' | 'spawned' = 'in-process'): Promise<void> {
  ws.prepare(c);
  const before = ws.snapshotRepo();
  const outcome = how === 'spawned' ? await ws.runSpawned(c.argv) : await ws.runInProcess(c.argv);
  const problems = ws.violations(c, before, outcome);
  if (problems.length > 0) throw new Error(describeCase(c, outcome, problems));
}
