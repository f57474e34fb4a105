/**
 * Seeds: candidate calls taken from the project's own tests. The tests are listed once per run
 * (git's tracked and untracked, not ignored, `test_*.py`, `*_test.py`, `conftest.py` and the
 * files under testsDir), and a file is parsed only when its text mentions the module and a
 * name a target needs, once per run whatever the number of targets.
 *
 * For a target the seeds are, in order: the tests' calls of the target itself (its class's
 * constructor for `__init__`, its method on an instance the test built, its property read),
 * then calls of other names of the module made by tests that reach the target through them:
 * the tests coverage.json's contexts say ran the target's lines, or without contexts the tests
 * of files named after the module. Instances the tests build (the class, its factories, module
 * functions that return it) become receivers for every method of the class (objects.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PyClass, PyFunction, ParsedModule } from '../../python/model.js';
import { isConstructor } from '../../python/model.js';
import { gitEnvironment } from '../../git/client.js';
import { spawnGit } from '../../git/process.js';
import { parseWith, withPythonTree } from '../../python/parser.js';
import type { Tree } from 'web-tree-sitter';
import type { Candidate } from './candidates.js';
import { buildsClass } from './objects.js';
import { contextFile, contextNames, readCoverageContexts, type CoverageContexts } from './coverage-contexts.js';
import { localName, renderSnippet, sameProject, type Ref, type Snippet } from './snippet.js';
import { conftestDirs, readFixtures, readTestCalls, type Receiver, type TestCall, type TestFileCalls } from './test-calls.js';
import { packageDirOf, ProjectReach, wordsOf, type Reachers } from './reach.js';
import { hintWindow, stripComment } from '../search/values.js';

/** What the project's tests offer one target. */
export interface SeedSet {
  /** Calls of the target itself, as the tests make them. */
  direct: Candidate[];
  /** Calls of other names of the module that lead into the target. */
  entries: Candidate[];
  /**
   * More such calls than the entries hold (the tests' other inputs to the entry points, in the
   * same order, at most MAX_ENTRY_POOL): the search runs them all at once to find those that run
   * the target (search/entry-scan.ts). Only calls whose setup is imports.
   */
  entryPool?: Candidate[];
  /** Statements building `obj`, an instance of the target's class, as the tests build it. */
  receivers: string[][];
  /** Argument lists the tests pass the target method on instances built in ways not readable: tried on other receivers. */
  methodArgs: Array<{ setup: string[]; args: string }>;
}

export interface SeedTarget {
  fn: PyFunction;
  cls: PyClass | null;
  /** Dotted module name, and the module's repo-relative file, source and structure. */
  module: string;
  file: string;
  text: string;
  parsed: ParsedModule;
  /** The lines the tests should reach (the uncovered changed lines): the words of the literals near them weigh more. */
  targetLines?: readonly number[];
}

export interface SeedOptions {
  repoRoot: string;
  testsDir: string;
  sourceRoots: readonly string[];
  env: NodeJS.ProcessEnv;
  /** coverage.json (absolute or repo-relative), for its contexts; null when there is none. */
  coverageFile: string | null;
  /** Bytes of test files a run reads for seeds (default MAX_READ_BYTES). */
  maxReadBytes?: number;
}

export const MAX_SEEDS = 16;
const MAX_ENTRIES = 8;
/** Entry points found by reading the source (no contexts) are a guess: fewer of them. */
const MAX_REACH_ENTRIES = 4;
/** How many more of the tests' calls into the target are kept for the search's scan. */
const MAX_ENTRY_POOL = 128;
const MAX_RECEIVERS = 6;
const MAX_RECEIVER_POOL = 256;
const MAX_FILES = 4000;
const MAX_FILE_BYTES = 1_000_000;
/**
 * Bytes of test files one run reads for seeds, the files nearest each target first (see
 * seedsFor): reading costs about 2.5 ms a KB on a two-core machine (parsing, then following each
 * test's calls), so a project with megabytes of tests would hold every commit for seconds.
 */
export const MAX_READ_BYTES = 256 * 1024;

const TEST_NAME = /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

/** Reads the project's tests lazily, once per run, for any number of targets. */
export class TestSeeds {
  private files: Promise<string[]> | null = null;
  private texts = new Map<string, Promise<string | null>>();
  private calls = new Map<string, Promise<TestFileCalls | null>>();
  private fixtures = new Map<string, Promise<Map<string, Snippet>>>();
  private contexts: Promise<CoverageContexts | null> | null = null;
  private readonly reach: ProjectReach;

  private python: Promise<string[]> | null = null;

  constructor(private readonly options: SeedOptions) {
    this.reach = new ProjectReach(options.repoRoot, () => this.pythonFiles());
  }

  /**
   * Starts listing the test files and reading them, while the caller reads the module under
   * test: the reads run beside it, and seedsFor() finds them done.
   */
  prefetch(): void {
    void this.listFiles().then((files) => {
      for (const file of files) void this.text(file);
    });
  }

  /** The seeds of one target. */
  async seedsFor(target: SeedTarget): Promise<SeedSet> {
    const { fn, cls, module } = target;
    const files = await this.listFiles();
    const last = module.split('.').pop()!;
    const top = module.split('.')[0]!;
    const mentionsModule = new RegExp(`\\b(${escape(last)}|${escape(top)})\\b`);
    const names = [fn.name, ...(cls ? [cls.name] : []), ...factoryNames(target)];
    const mentionsName = new RegExp(`\\b(${names.map(escape).join('|')})\\b`);
    const contexts = await this.coverageContexts();
    const labels = contexts ? contexts.labels(target.file, fn.bodyStartLine, fn.endLine) : new Set<string>();
    const entryFile = (file: string) => new RegExp(`(^|[/_])${escape(last)}([_.]|$)`).test(path.posix.basename(file).replace(/^test_/, '_').replace(/_test\.py$/, '_.py'));
    // The files nearest the target first, while the run's budget of bytes lasts: those whose
    // tests ran it (contexts) or named after its module, then those naming it, then the rest.
    const near: Array<{ file: string; text: string; rank: number }> = [];
    for (const file of files) {
      if (path.posix.basename(file) === 'conftest.py') continue;
      const text = await this.text(file);
      if (text === null || !mentionsModule.test(text)) continue;
      const named = mentionsName.test(text);
      const entry = entryFile(file);
      if (!named && !entry && labels.size === 0 && !(await this.basesMention(file, text, mentionsName))) continue;
      const ran = [...labels].some((label) => contextFile(label, file));
      near.push({ file, text, rank: ran || entry ? 0 : named ? 1 : 2 });
    }
    const wanted: TestFileCalls[] = [];
    for (const { file, text } of near.sort((a, b) => a.rank - b.rank)) {
      const calls = await this.parse(file, text);
      if (calls) wanted.push(calls);
    }
    const byPlace = (a: TestCall, b: TestCall) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column);
    const records = wanted.flatMap((f) => f.calls).sort(byPlace);
    const isModule = (dotted: string) => this.isModule(dotted);
    // No contexts, few calls of the target: the tests' calls of the functions that lead into it.
    const direct = buildSeeds(target, records, labels, entryFile, undefined, isModule, true).direct.length;
    if (labels.size > 0 || direct >= 2) return buildSeeds(target, records, labels, entryFile, undefined, isModule);
    const reach = await this.reach.reachers(cls ? [fn.name, cls.name] : [fn.name], target.file, packageDirOf(target.file, module));
    if (reach.names.length === 0) return buildSeeds(target, records, labels, entryFile, undefined, isModule);
    const read = new Set(wanted.map((w) => w.file));
    const mentionsReacher = new RegExp(`\\b(${reach.names.map(escape).join('|')})\\b`);
    const more: TestFileCalls[] = [];
    for (const file of files) {
      if (path.posix.basename(file) === 'conftest.py' || read.has(file)) continue;
      const text = await this.text(file);
      if (text === null || !mentionsModule.test(text) || !(mentionsReacher.test(text) || (await this.basesMention(file, text, mentionsReacher)))) continue;
      const calls = await this.parse(file, text);
      if (calls) more.push(calls);
    }
    return buildSeeds(target, [...records, ...more.flatMap((f) => f.calls)].sort(byPlace), labels, entryFile, reach, isModule);
  }

  private modules = new Map<string, boolean>();

  /** Whether a dotted name is a module or package of the project (a file under a source root). */
  private isModule(dotted: string): boolean {
    let known = this.modules.get(dotted);
    if (known === undefined) {
      const rel = dotted.split('.').join('/');
      known = this.options.sourceRoots.some((root) => [`${rel}.py`, `${rel}/__init__.py`].some((f) => existsSync(path.join(this.options.repoRoot, root, f))));
      this.modules.set(dotted, known);
    }
    return known;
  }

  /** Every Python file git knows of (tracked, and untracked not ignored), sorted: read once per run. */
  private pythonFiles(): Promise<string[]> {
    this.python ??= (async () => {
      const { repoRoot, env } = this.options;
      const result = await spawnGit(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.py'], { cwd: repoRoot, env: gitEnvironment(env, repoRoot, repoRoot) }).catch(() => null);
      if (!result || result.code !== 0) return [];
      return [...new Set(result.stdout.toString('utf8').split('\0').filter((f) => f.endsWith('.py')))].sort();
    })();
    return this.python;
  }

  private listFiles(): Promise<string[]> {
    this.files ??= (async () => {
      const dir = path.posix.normalize(this.options.testsDir.replace(/\\/g, '/')).replace(/\/+$/, '');
      const inTests = (f: string) => dir !== '.' && dir !== '' && f.startsWith(`${dir}/`);
      return (await this.pythonFiles()).filter((f) => TEST_NAME.test(f) || inTests(f)).slice(0, MAX_FILES);
    })();
    return this.files;
  }

  private text(file: string): Promise<string | null> {
    let p = this.texts.get(file);
    if (!p) {
      p = readFile(path.join(this.options.repoRoot, file), 'utf8').then((t) => (t.length > MAX_FILE_BYTES ? null : t), () => null);
      this.texts.set(file, p);
    }
    return p;
  }

  /** Bytes of test files parsed so far in this run (see MAX_READ_BYTES). */
  private readBytes = 0;

  /** A test file's calls: parsed once per run, and only while the run's budget of bytes lasts (null after). */
  private parse(file: string, text: string): Promise<TestFileCalls | null> {
    let p = this.calls.get(file);
    if (!p) {
      if (this.readBytes + text.length > (this.options.maxReadBytes ?? MAX_READ_BYTES)) return Promise.resolve(null);
      this.readBytes += text.length;
      p = (async () => {
        const fixtures: Array<Map<string, Snippet>> = [];
        for (const dir of conftestDirs(file)) fixtures.push(await this.conftest(dir));
        const bases = await this.baseModules(file, text);
        return withPythonTree(text, (tree, parser) => {
          const trees = new Map<string, Tree>();
          const moduleTree = (module: string) => {
            const source = bases.get(module);
            if (source === undefined) return null;
            let t = trees.get(module);
            if (!t) trees.set(module, (t = parseWith(parser, source)));
            return t.rootNode;
          };
          try {
            return readTestCalls(file, text, tree.rootNode, this.options.sourceRoots, fixtures, moduleTree);
          } finally {
            for (const t of trees.values()) t.delete();
          }
        }, { keep: false }).catch(() => null);
      })();
      this.calls.set(file, p);
    }
    return p;
  }

  /**
   * The texts of the project's test-support modules a test file imports from (`from
   * pkg.test.harness import TestCase`): where its classes' base classes and their helpers are.
   */
  private baseModules(file: string, text: string): Promise<Map<string, string>> {
    let p = this.bases.get(file);
    if (!p) this.bases.set(file, (p = this.readBaseModules(text)));
    return p;
  }

  private bases = new Map<string, Promise<Map<string, string>>>();

  private async readBaseModules(text: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!/^class\s+\w+\s*\(/m.test(text)) return out;
    const files = new Set(await this.pythonFiles());
    for (const m of text.matchAll(/^from\s+([\w.]+)\s+import\b/gm)) {
      const module = m[1]!;
      if (out.has(module) || !/test/i.test(module)) continue;
      const rel = module.split('.').join('/');
      for (const root of this.options.sourceRoots) {
        const file = path.posix.join(root, `${rel}.py`);
        if (!files.has(file)) continue;
        const source = await this.text(file);
        if (source !== null) out.set(module, source);
        break;
      }
    }
    return out;
  }

  /** Whether a test-support module the test file imports from mentions the name (its helpers may call it for the tests). */
  private async basesMention(file: string, text: string, name: RegExp): Promise<boolean> {
    for (const source of (await this.baseModules(file, text)).values()) if (name.test(source)) return true;
    return false;
  }

  private conftest(dir: string): Promise<Map<string, Snippet>> {
    let p = this.fixtures.get(dir);
    if (!p) {
      p = (async () => {
        const file = dir === '.' ? 'conftest.py' : `${dir}/conftest.py`;
        if (!(await this.listFiles()).includes(file)) return new Map();
        const text = await this.text(file);
        if (text === null) return new Map();
        return withPythonTree(text, (tree) => readFixtures(file, tree.rootNode, this.options.sourceRoots), { keep: false }).catch(() => new Map<string, Snippet>());
      })();
      this.fixtures.set(dir, p);
    }
    return p;
  }

  private coverageContexts(): Promise<CoverageContexts | null> {
    const { coverageFile, repoRoot } = this.options;
    this.contexts ??= coverageFile ? readCoverageContexts(path.resolve(repoRoot, coverageFile), repoRoot) : Promise.resolve(null);
    return this.contexts;
  }
}

/** Names of the module's functions and of the class's methods that build the target's class. */
function factoryNames(target: SeedTarget): string[] {
  const cls = target.cls;
  if (!cls) return [];
  return target.parsed.functions.filter((f) => buildsClass(f, cls, target.text)).map((f) => f.name);
}

/** The seeds of `target` from the tests' `records`; `directOnly`: its direct calls only (the rest left empty). */
function buildSeeds(target: SeedTarget, records: TestCall[], labels: Set<string>, entryFile: (file: string) => boolean, reach?: Reachers, isModule?: (dotted: string) => boolean, directOnly = false): SeedSet {
  const { fn, cls, module, parsed } = target;
  const defined = new Set([...parsed.functions.filter((f) => f.kind === 'function').map((f) => f.name), ...parsed.classes.filter((c) => !c.parentQualname).map((c) => c.name)]);
  const out: SeedSet = { direct: [], entries: [], receivers: [], methodArgs: [] };
  const seen = new Set<string>();
  const local = (ref: Ref | null) => (ref ? localName(ref, module, defined) : null);
  const wrap = (call: string) => (fn.isAsync ? `asyncio.run(${call})` : call);
  // The builtin that consumed the result in the test (a generator's body runs only when it is iterated).
  const consumed = (rec: TestCall, expr: string) => (rec.consumer && !fn.isAsync ? `${rec.consumer}(${expr})` : expr);

  // Which names build an instance of the class (its constructor, a subclass's, its factories).
  const builders = new Set<string>();
  if (cls) {
    builders.add(cls.qualname);
    for (const sub of parsed.classes) if (sub.bases.some((b) => b === cls.name || b.endsWith(`.${cls.name}`))) builders.add(sub.qualname);
    for (const f of parsed.functions) if (buildsClass(f, cls, target.text)) builders.add(f.className ? `${f.className}.${f.name}` : f.name);
  }
  const ownsMethod = cls ? parsed.classes.filter((c) => parsed.functions.some((f) => f.className === c.qualname && f.name === fn.name)).length === 1 : false;
  const isReceiver = (r: Receiver) => {
    const name = local(r.ctor);
    if (name === null) return false;
    if (builders.has(name)) return true;
    // A module function with no annotation that builds the instance the test calls this method on.
    const f = parsed.functions.find((g) => g.kind === 'function' && g.name === name);
    return !!f && !f.returnAnnotation && ownsMethod;
  };
  const render = (s: Snippet, imports: Set<string>) => renderSnippet(s, module, defined, imports, isModule);
  const receiverSetup = (r: Receiver, imports: Set<string>): string[] | null => {
    const build = render(r.build, imports);
    if (build === null) return null;
    const steps: string[] = [];
    for (const step of r.steps) {
      const s = render(step, imports);
      if (s !== null) steps.push(`obj${s}`);
    }
    return [`obj = ${build}`, ...steps];
  };
  const add = (list: Candidate[], imports: Set<string>, setup: string[], expr: string, from?: Candidate['from']) => {
    const c: Candidate = { setup: [...[...imports].sort(), ...setup], expr, origin: 'seed', placeholder: false, ...(from ? { from } : {}) };
    // An entry point's call (of the entries or the scan's pool) is worth a test only when it reaches the target.
    if (list !== out.direct) c.entry = true;
    const key = `${c.setup.join('\n')}\n${c.expr}`;
    if (seen.has(key)) return;
    seen.add(key);
    list.push(c);
  };

  const isMethod = fn.kind === 'method' || fn.kind === 'property';
  const qual = fn.kind === 'function' ? fn.name : fn.kind === 'classmethod' || fn.kind === 'staticmethod' ? `${fn.className}.${fn.name}` : null;
  for (const rec of records) {
    if (out.direct.length >= MAX_SEEDS) break;
    if (rec.receiverOnly) continue;
    const imports = new Set<string>();
    if (qual !== null && rec.callee && rec.args && local(rec.callee) === qual) {
      const args = render(rec.args, imports);
      if (args !== null) add(out.direct, imports, [], consumed(rec, wrap(`${qual}(${args})`)));
    } else if (isConstructor(fn) && cls && rec.callee && rec.args && local(rec.callee) === cls.qualname) {
      const args = render(rec.args, imports);
      if (args !== null) add(out.direct, imports, [], `${cls.qualname}(${args})`);
    } else if (isMethod && rec.member === fn.name && (rec.args === null) === (fn.kind === 'property')) {
      if (rec.receiver && isReceiver(rec.receiver)) {
        const setup = receiverSetup(rec.receiver, imports);
        const args = rec.args ? render(rec.args, imports) : '';
        if (setup && args !== null) add(out.direct, imports, setup, fn.kind === 'property' ? `obj.${fn.name}` : consumed(rec, wrap(`obj.${fn.name}(${args})`)));
      } else if (!rec.receiver && rec.args && out.methodArgs.length < MAX_RECEIVERS) {
        const args = render(rec.args, imports);
        if (args !== null && !out.methodArgs.some((m) => m.args === args)) out.methodArgs.push({ setup: [...imports].sort(), args });
      }
    }
  }

  if (directOnly) return out;

  // Instances of the class as the tests build them: the most varied first (each adds the most
  // words and values the ones before did not have), then in file and line order.
  if (cls) {
    const setups = new Map<string, string[]>();
    const addReceiver = (setup: string[] | null, imports: Set<string>) => {
      if (!setup || setups.size >= MAX_RECEIVER_POOL) return;
      const full = [...[...imports].sort(), ...setup];
      const key = full.join('\n');
      if (!setups.has(key)) setups.set(key, full);
    };
    for (const rec of records) {
      const imports = new Set<string>();
      if (rec.callee && rec.args && builders.has(local(rec.callee) ?? '')) {
        const build = render([rec.callee, '(', ...rec.args, ')'], imports);
        if (build !== null) addReceiver([`obj = ${build}`], imports);
      } else if (rec.receiver && isReceiver(rec.receiver)) {
        addReceiver(receiverSetup(rec.receiver, imports), imports);
      }
    }
    out.receivers = mostVaried([...setups.values()], MAX_RECEIVERS);
  }

  // Entry points: what the tests that reach the target call.
  const byContext = labels.size > 0;
  if (byContext || out.direct.length < 2) {
    // Without contexts: the tests of files named after the module, and the calls of the functions
    // that lead into the target (reach.ts), those passing the words on the way first.
    const reachers = new Set(reach?.names ?? []);
    const callsReacher = (rec: TestCall) => (rec.callee ? reachers.has(rec.callee.path.split('.').pop()!) : rec.member !== null && reachers.has(rec.member));
    // Building the method's own class may run it (a checker whose constructor walks the tree it is given).
    const buildsOwnClass = (rec: TestCall) => !!cls && !isConstructor(fn) && !!rec.callee && local(rec.callee) === cls.qualname;
    const runsTarget = (rec: TestCall) => (byContext ? [...labels].some((l) => contextNames(l, rec.file, rec.test)) : entryFile(rec.file) || callsReacher(rec) || buildsOwnClass(rec));
    // The words on the way in, and the words the target itself compares with (a lexer's keywords:
    // an input holding `BEGIN` and `END` takes more of its branches than one holding neither).
    const literals = literalWords(target);
    const score = (rec: TestCall) => {
      if (!rec.args) return 0;
      const code = rec.args.filter((p): p is string => typeof p === 'string');
      const onTheWay = reach ? new Set(code.flatMap((p) => wordsOf(p)).filter((w) => reach.words.has(w))).size : 0;
      let compared = 0;
      if (literals.size > 0) for (const w of new Set(code.flatMap((p) => p.toUpperCase().match(/[A-Z_][A-Z0-9_]*/g) ?? []))) compared += literals.get(w) ?? 0;
      return onTheWay + compared;
    };
    // A call the test expects to raise stops early: the others first; then one call of each
    // function in turn (`split`, `parse`, `format`), so that no single one fills the entries.
    // An instance the test only says the type of (`isinstance(x, C)`) is no call: not an entry.
    const calls = records.filter((rec) => rec.callee !== null || rec.member !== null);
    const ordered = reach ? roundRobin(calls.map((rec, i) => ({ rec, i, s: score(rec), r: rec.expectsRaise ? 1 : 0 })).sort((a, b) => a.r - b.r || b.s - a.s || a.i - b.i).map((x) => x.rec), (rec) => (rec.callee ? rec.callee.path : `.${rec.member ?? ''}`)) : calls;
    // The module's own names, or the project's public API (`sqlparse.format(...)` for a filter's method).
    const ours = (ref: Ref) => local(ref) !== null || sameProject(ref, module);
    const entryCall = (rec: TestCall, imports: Set<string>): string | null => {
      if (!rec.callee || !rec.args) return null;
      const name = local(rec.callee);
      if (!ours(rec.callee) || (name !== null && name === qual) || (!byContext && rec.callee.path.split('.').some((p) => p.startsWith('_')))) return null;
      const callee = render([rec.callee], imports);
      const args = render(rec.args, imports);
      return callee === null || args === null ? null : consumed(rec, `${callee}(${args})`);
    };
    for (const rec of ordered) {
      if (out.entries.length >= (byContext || !reach ? MAX_ENTRIES : MAX_REACH_ENTRIES)) break;
      if (rec.receiverOnly || !runsTarget(rec)) continue;
      const imports = new Set<string>();
      if (rec.callee && rec.args) {
        const expr = entryCall(rec, imports);
        if (expr !== null) add(out.entries, imports, [], expr);
      } else if (rec.receiver && rec.member && (byContext || !rec.member.startsWith('_'))) {
        // A method or property of the module (not a plain attribute, which runs nothing).
        const member = parsed.functions.find((f) => f.className !== null && f.name === rec.member);
        if (!ours(rec.receiver.ctor) || !member || (member.kind === 'property') !== (rec.args === null)) continue;
        const setup = receiverSetup(rec.receiver, imports);
        const args = rec.args ? render(rec.args, imports) : '';
        if (setup && args !== null) add(out.entries, imports, setup, rec.args ? consumed(rec, `obj.${rec.member}(${args})`) : `obj.${rec.member}`);
      }
    }
    // The tests' other calls of the entry points, for the search's scan: the first of each test
    // file in turn (each file tests something else: a parser's annotations, its imports, ...).
    const pool: Candidate[] = [];
    for (const rec of roundRobin(ordered, (r) => r.file)) {
      if (pool.length >= MAX_ENTRY_POOL) break;
      if (rec.receiverOnly || !runsTarget(rec)) continue;
      const imports = new Set<string>();
      const expr = entryCall(rec, imports);
      if (expr !== null) add(pool, imports, [], expr, { file: rec.file, test: rec.test });
    }
    if (pool.length > 0) out.entryPool = pool;
  }
  return out;
}

/**
 * The words of the target's string literals, upper-cased (tests write `select`, the code compares
 * `value.upper()` with `'SELECT'`), each worth 1, or 2 on and near the lines to reach and the
 * conditions guarding them. Docstrings are left out.
 */
export function literalWords(target: Pick<SeedTarget, 'fn' | 'text' | 'targetLines'>): Map<string, number> {
  const { fn } = target;
  const lines = target.text.split('\n');
  const out = new Map<string, number>();
  const near = new Set(target.targetLines && target.targetLines.length > 0 ? hintWindow(lines, target.targetLines, fn.bodyStartLine, fn.endLine) : []);
  const body = lines.slice(fn.bodyStartLine - 1, fn.endLine).join('\n').replace(/("""|''')[\s\S]*?\1/g, (m) => m.replace(/[^\n]/g, ' '));
  body.split('\n').forEach((line, i) => {
    const weight = near.has(fn.bodyStartLine + i) ? 2 : 1;
    for (const m of stripComment(line).matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"/g)) {
      for (const w of (m[1] ?? m[2]!).toUpperCase().match(/[A-Z_][A-Z0-9_]*/g) ?? []) if (w.length >= 2) out.set(w, Math.max(out.get(w) ?? 0, weight));
    }
  });
  return out;
}

/** The items, the first of each group in turn (groups in the order of their first item), then the second of each, and so on. */
function roundRobin<T>(items: readonly T[], group: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = group(item);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  const out: T[] = [];
  for (let i = 0; out.length < items.length; i++) for (const list of groups.values()) if (i < list.length) out.push(list[i]!);
  return out;
}

/** Up to `n` setups, greedily: each time the one with the most words and values not yet seen per statement (the earliest on a tie). */
function mostVaried(setups: string[][], n: number): string[][] {
  const tokens = setups.map((s) => new Set(s.join('\n').match(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[\w.]+/g) ?? []));
  const seen = new Set<string>();
  const chosen: number[] = [];
  while (chosen.length < Math.min(n, setups.length)) {
    let best = -1;
    let bestScore = -1;
    tokens.forEach((t, i) => {
      if (chosen.includes(i)) return;
      let fresh = 0;
      for (const tok of t) if (!seen.has(tok)) fresh++;
      // Per statement: a long replay of steps is worth less than a rich constructor call.
      const score = fresh / setups[i]!.filter((l) => !/^(import|from)\s/.test(l)).length;
      if (score > bestScore) [best, bestScore] = [i, score];
    });
    chosen.push(best);
    for (const tok of tokens[best]!) seen.add(tok);
  }
  return chosen.map((i) => setups[i]!);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
