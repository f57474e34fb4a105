import { mkdir, readFile, realpath, rename, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config/model.js';
import type { Plan } from '../pipeline/plan.js';
import { functionFacts, moduleTypes } from '../python/facts.js';
import type { ParsedModule, PyFunction } from '../python/model.js';
import { withPythonTree } from '../python/parser.js';
import { parsePython } from '../python/structure.js';
import { TEST_FILE_HEADER, progressLine, status, warnings as warn } from '../report/messages/generate.js';
import { buildCandidates, uncallableReason, type Candidate } from './infer/candidates.js';
import { TestSeeds } from './infer/seeds.js';
import { codeFingerprint, findBlocks, markerLine, type ManagedBlock } from './managed.js';
import { moduleNameFor } from './module-name.js';
import type { ProbeCandidateResult, ProbeRaise, ProbeReturn, ProbeTarget } from './probe-model.js';
import { findProjectPython, modulesPytestMayMiss } from './python-env.js';
import { renderTest, type StaticOutcome, type TestCase } from './render.js';
import { sideEffectOf } from './side-effects.js';
import { testFileFor } from './test-file.js';

/** A source module and the functions of it that need tests. */
export interface GenerationSource {
  /** Repo-relative POSIX path. */
  file: string;
  /** The source text the tests are generated from (the staged content, or the file on disk). */
  text: string;
  module: ParsedModule;
  targets: PyFunction[];
}

/**
 * What generation takes from a plan: every analysed module, with its selected functions as
 * targets. Modules without targets only have the targets of their existing tests checked.
 */
export function sourcesFromPlan(plan: Plan): GenerationSource[] {
  return plan.sources.map((s) => ({
    file: s.file,
    text: s.text,
    module: s.module,
    targets: s.touched.filter((fn) => plan.functions.some((f) => f.selected && f.file === s.file && f.qualname === fn.qualname)),
  }));
}

export interface TargetReport {
  file: string;
  qualname: string;
  /** Repo-relative test file, or null when no test could be written. */
  testFile: string | null;
  status: 'written' | 'unchanged' | 'edited' | 'none';
  tests: number;
  placeholders: number;
  detail: string;
}

export interface GenerationResult {
  /** Repo-relative paths of test files created or changed. */
  written: string[];
  targets: TargetReport[];
  warnings: string[];
  /** Python used to run candidates, or null when nothing was run. */
  python: string | null;
}

export interface GenerationOptions {
  repoRoot: string;
  config: Config;
  /** Run candidate calls in the project's Python (default); false: static tests only. */
  execute: boolean;
  env: NodeJS.ProcessEnv;
  /** The plan's coverage.json, whose per-test contexts (when recorded) lead to entry points; null or absent when none. */
  coverageFile?: string | null;
  /** Called with a short line when generation is slow enough to show progress. */
  progress?: (line: string) => void;
}

const MAX_TESTS_PER_TARGET = 8;
const CALL_TIMEOUT_SECONDS = 2;

/** What the probe said about a job's candidates, or why it could not run them. */
type Observed = { results: ProbeCandidateResult[]; tmpRoot: string } | { importError: string };

interface Job {
  source: GenerationSource;
  fn: PyFunction;
  codeHash: string;
  candidates: Candidate[];
  report: TargetReport;
  /** Test cases chosen for this target. */
  cases: TestCase[];
  staticOnly: string | null;
}

/**
 * Generates or refreshes the tests of the given targets: infers candidate calls, runs them in the
 * project's Python (one process for the whole run), keeps the ones that reach new lines, renders
 * them into managed blocks, and writes each test file atomically, leaving every block a person
 * edited as it is.
 */
export async function generateTests(sources: GenerationSource[], options: GenerationOptions): Promise<GenerationResult> {
  const { config, repoRoot } = options;
  const result: GenerationResult = { written: [], targets: [], warnings: [], python: null };
  const files: Array<{ testFile: string; module: string; existing: string | null; jobs: Job[]; source: GenerationSource }> = [];
  const allJobs: Job[] = [];
  // The project's tests, read only when something is to be run, once for every target.
  let testSeeds: TestSeeds | null = null;

  for (const planned of sources) {
    const named = moduleNameFor(planned.file, config.sourceRoots);
    if (!named) {
      for (const fn of planned.targets) result.targets.push(report(planned.file, fn.qualname, null, 'none', status.noModule(planned.file)));
      continue;
    }
    const testFile = await testFileFor(repoRoot, config.testsDir, named.module);
    const existing = await readFile(path.join(repoRoot, testFile), 'utf8').catch(() => null);
    const blocks = existing ? findBlocks(existing) : [];
    // A module with no target is here only to have its tests' targets checked.
    if (planned.targets.length === 0 && blocks.length === 0) continue;
    const source = await completeModule(planned);
    const known = new Set(source.module.functions.map((f) => f.qualname));
    for (const gone of new Set(blocks.map((b) => b.target).filter((t) => !known.has(t)))) result.warnings.push(warn.targetGone(gone, testFile));
    if (source.targets.length === 0) continue;
    const entry = { testFile, module: named.module, existing, jobs: [] as Job[], source };
    files.push(entry);
    const facts = await functionFacts(source.text, source.module.functions);
    const types = await moduleTypes(source.text, source.module);
    for (const fn of source.targets) {
      const codeHash = codeFingerprint(source.text, fn.startLine, fn.endLine);
      const mine = blocks.filter((b) => b.target === fn.qualname);
      const rep = report(source.file, fn.qualname, testFile, 'none', '');
      result.targets.push(rep);
      if (mine.length > 0 && mine.every((b) => b.codeHash === codeHash)) {
        Object.assign(rep, { status: 'unchanged', tests: mine.length, detail: status.unchanged });
        continue;
      }
      const edited = mine.filter((b) => b.edited);
      if (edited.length > 0) {
        Object.assign(rep, { status: 'edited', tests: mine.length, detail: status.editedKept(edited.map(testName)) });
        continue;
      }
      const why = uncallableReason(fn);
      if (why) {
        rep.detail = status.noCandidates(why);
        continue;
      }
      const cls = fn.className ? source.module.classes.find((c) => c.qualname === fn.className) ?? null : null;
      testSeeds ??= options.execute ? new TestSeeds({ repoRoot, testsDir: config.testsDir, sourceRoots: config.sourceRoots, env: options.env, coverageFile: options.coverageFile ?? null }) : null;
      const seeds = testSeeds ? await testSeeds.seedsFor({ fn, cls, module: named.module, file: source.file, text: source.text, parsed: source.module }).catch(() => undefined) : undefined;
      const candidates = buildCandidates({ fn, cls, module: named.module, facts, types, functions: source.module.functions, placeholder: config.placeholder, source: source.text, ...(seeds ? { seeds } : {}) });
      const effect = config.allowSideEffects ? null : sideEffectOf(source.text.split('\n').slice(fn.startLine - 1, fn.endLine).join('\n'));
      const job: Job = { source, fn, codeHash, candidates, report: rep, cases: [], staticOnly: effect };
      if (effect) result.warnings.push(warn.sideEffects(`${source.file}:${fn.defLine}:1: ${fn.qualname}`, effect));
      entry.jobs.push(job);
      allJobs.push(job);
    }
  }

  // Run the candidates: one probe process for every target of the run.
  const toRun = options.execute ? allJobs.filter((j) => !j.staticOnly && j.candidates.length > 0) : [];
  let observed = new Map<Job, Observed>();
  if (toRun.length > 0) {
    const sysPath = sysPathFor(repoRoot, config.sourceRoots);
    const firstModule = files.find((f) => f.jobs.length > 0)!.module;
    const found = await findProjectPython({ repoRoot, configured: config.python, env: options.env, module: firstModule, sysPath });
    if (!found.python) {
      result.warnings.push(warn.noPython(found.tried));
    } else {
      result.python = found.python;
      const modules = [...new Set(files.filter((f) => f.jobs.length > 0).map((f) => f.module))];
      const missed = await modulesPytestMayMiss(found.python, modules, repoRoot);
      if (missed.length > 0) result.warnings.push(warn.notOnPytestPath(missed, config.sourceRoots));
      // A progress line only when running the candidates takes more than about a second.
      const calls = toRun.reduce((n, j) => n + j.candidates.length, 0);
      const slow = setTimeout(() => options.progress?.(progressLine(calls, toRun.length, found.python!)), 1000);
      try {
        observed = await probeAll(found.python, toRun, files, sysPath, repoRoot, config.allowSideEffects);
      } catch (error) {
        result.warnings.push(warn.probeFailed(error instanceof Error ? error.message.split('\n')[0]! : String(error)));
      } finally {
        clearTimeout(slow);
      }
    }
  }

  for (const job of allJobs) {
    const seen = observed.get(job);
    if (seen && 'importError' in seen) {
      job.report.detail = status.importFailed(files.find((f) => f.source === job.source)!.module, seen.importError);
      continue;
    }
    job.cases = seen ? chooseCases(job, seen.results, seen.tmpRoot) : staticCases(job);
    if (job.cases.length === 0) job.report.detail = seen ? status.noPassingCall : status.noStaticTest;
  }

  // Render and write each test file.
  for (const file of files) {
    const jobs = file.jobs.filter((j) => j.cases.length > 0);
    if (jobs.length === 0) continue;
    const next = mergeFile(file.existing, file.module, jobs, config.placeholder);
    if (next === file.existing) continue;
    const valid = await withPythonTree(next, (tree) => !tree.rootNode.hasError);
    if (!valid) {
      result.warnings.push(warn.invalidOutput(file.testFile));
      continue;
    }
    await writeAtomically(path.join(repoRoot, file.testFile), next);
    result.written.push(file.testFile);
    for (const job of jobs) {
      job.report.status = 'written';
      job.report.tests = job.cases.length;
      job.report.placeholders = job.cases.filter((c) => c.candidate.placeholder).length;
      job.report.detail = status.written(job.cases.length);
    }
  }
  return result;
}

/** Generation needs the whole module (constructors, enums, every function): parse it again when the plan parsed only the touched parts. */
async function completeModule(source: GenerationSource): Promise<GenerationSource> {
  if (!source.module.partial) return source;
  const module = await parsePython(source.text);
  const targets = source.targets.map((t) => module.functions.find((f) => f.qualname === t.qualname && f.defLine === t.defLine) ?? t);
  return { ...source, module, targets };
}

function report(file: string, qualname: string, testFile: string | null, st: TargetReport['status'], detail: string): TargetReport {
  return { file, qualname, testFile, status: st, tests: 0, placeholders: 0, detail };
}

function testName(block: ManagedBlock): string {
  const m = /def\s+(\w+)/.exec(block.body.find((l) => /^\s*(async\s+)?def\s/.test(l)) ?? '');
  return m ? m[1]! : block.target;
}

function sysPathFor(repoRoot: string, sourceRoots: readonly string[]): string[] {
  const dirs = sourceRoots.map((r) => path.resolve(repoRoot, r));
  return [...new Set(dirs)];
}

async function probeAll(python: string, jobs: Job[], files: Array<{ module: string; source: GenerationSource }>, sysPath: string[], repoRoot: string, allowSideEffects: boolean) {
  const work = await realpath(await mkdtemp(path.join(tmpdir(), 'smart-test-probe-')));
  try {
    const targets: ProbeTarget[] = jobs.map((job, i) => ({
      id: String(i),
      module: files.find((f) => f.source === job.source)!.module,
      file: path.join(repoRoot, job.source.file),
      qualname: job.fn.qualname,
      firstLine: job.fn.bodyStartLine,
      lastLine: job.fn.endLine,
      candidates: job.candidates.map((c, k) => ({ id: String(k), setup: c.setup, expr: c.expr })),
    }));
    // Loaded only when something is to be run: it builds the probe's zod schemas.
    const { runProbe } = await import('./probe.js');
    const response = await runProbe(python, { sysPath, cwd: work, timeoutSeconds: CALL_TIMEOUT_SECONDS, allowSideEffects, tmpPath: path.join(work, 'tmp'), targets }, { timeoutMs: 60_000 + jobs.length * 10_000 });
    const out = new Map<Job, Observed>();
    for (const target of response.targets) {
      const job = jobs[Number(target.id)]!;
      if (target.importError) out.set(job, { importError: `${target.importError.type}: ${target.importError.message}` });
      else out.set(job, { results: target.candidates, tmpRoot: work });
    }
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Coverage-guided choice: a candidate is kept only when it reaches lines of the target that the
 * kept ones did not (doctest examples first). Calls that failed for reasons other than the
 * target's own `raise`, timed out, were blocked, or rest on the placeholder while a real call
 * exists are dropped.
 */
function chooseCases(job: Job, results: ProbeCandidateResult[], tmpRoot: string): TestCase[] {
  const covered = new Set<number>();
  const kept: TestCase[] = [];
  const usable = results
    .map((r, i) => ({ r, c: job.candidates[i]! }))
    .filter(({ r }) => r.outcome === 'return' || (r.outcome === 'raise' && r.raisedInTarget && r.raiseStatement && r.deterministic !== false));
  const real = usable.filter(({ c }) => !c.placeholder);
  const pool = real.length > 0 ? real : usable.slice(0, 1);
  for (const { r, c } of pool) {
    if (kept.length >= MAX_TESTS_PER_TARGET) break;
    const fresh = r.lines.filter((l) => !covered.has(l));
    if ((kept.length > 0 || c.entry) && fresh.length === 0) continue;
    for (const l of r.lines) covered.add(l);
    const text = r.outcome === 'return' ? r.repr : r.outcome === 'raise' ? r.excMessage : '';
    kept.push({ candidate: c, outcome: r as ProbeReturn | ProbeRaise, names: r.names.map((n) => n.name), pathDependent: text.includes(tmpRoot) });
  }
  return kept;
}

/** Without running anything: doctest examples with literal expected values or exceptions, and return-type checks. */
function staticCases(job: Job): TestCase[] {
  const cases: TestCase[] = [];
  for (const c of job.candidates) {
    if (cases.length >= MAX_TESTS_PER_TARGET) break;
    if (c.origin !== 'doctest' || c.want === undefined) continue;
    const raised = /^Traceback \(most recent call last\)[\s\S]*\n(\w+(?:\.\w+)*)(?::|\s*$)/m.exec(c.want);
    let outcome: StaticOutcome | null = null;
    if (raised) outcome = { outcome: 'static-raise', excType: raised[1]!.includes('.') ? raised[1]!.split('.').pop()! : raised[1]! };
    else if (isPythonLiteral(c.want)) outcome = { outcome: 'static-value', value: c.want.trim() };
    if (outcome) cases.push({ candidate: c, outcome, names: namesIn(c, job) });
  }
  const ret = job.fn.returnAnnotation?.trim();
  const simple = ret && /^(int|float|str|bool|bytes|list|dict|tuple|set)$/.test(ret) ? ret : null;
  const call = job.candidates.find((c) => c.origin === 'inferred' && !c.placeholder);
  if (cases.length === 0 && simple && call && !job.staticOnly) cases.push({ candidate: call, outcome: { outcome: 'static-type', type: simple }, names: namesIn(call, job) });
  return cases;
}

function isPythonLiteral(want: string): boolean {
  const text = want.trim();
  if (text === '' || text.includes('\n')) return false;
  return /^(-?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?|True|False|None|'[^'\\]*'|"[^"\\]*"|\[.*\]|\(.*\)|\{.*\})$/.test(text) && !/<|\.\.\./.test(text);
}

/** Module names a snippet uses, found by name (the static path cannot ask Python). */
function namesIn(c: Candidate, job: Job): string[] {
  const defined = new Set([...job.source.module.functions.filter((f) => !f.className && f.kind !== 'nested').map((f) => f.name), ...job.source.module.classes.filter((k) => !k.parentQualname).map((k) => k.name)]);
  const used = new Set<string>();
  for (const m of [...c.setup, c.expr].join('\n').matchAll(/\b([A-Za-z_]\w*)\b/g)) if (defined.has(m[1]!)) used.add(m[1]!);
  return [...used];
}

function mergeFile(existing: string | null, module: string, jobs: Job[], placeholder: string): string {
  let lines = existing === null ? [...TEST_FILE_HEADER(module), '', 'import pytest'] : existing.replace(/\n$/, '').split('\n');
  if (existing !== null && !/^import pytest\b/m.test(existing)) lines = insertImport(lines, 'import pytest');
  const taken = new Set<string>();
  for (const m of (existing ?? '').matchAll(/^\s*(?:async\s+)?def\s+(test\w*)/gm)) taken.add(m[1]!);
  // Blocks being replaced give up their names.
  const replaced = new Set(jobs.map((j) => j.fn.qualname));
  // Blocks are found again: inserting `import pytest` may have moved them.
  const current = existing ? findBlocks(lines.join('\n')) : [];
  for (const b of current) if (replaced.has(b.target)) taken.delete(testName(b));

  const rendered = new Map<string, string[]>();
  for (const job of jobs) {
    const out: string[] = [];
    const base = `test_${snake(job.fn.qualname)}`;
    for (const test of job.cases) {
      const suffix = test.outcome.outcome === 'raise' ? `_raises_${snake(test.outcome.excType.qualname)}` : test.outcome.outcome === 'static-raise' ? `_raises_${snake(test.outcome.excType)}` : '';
      const name = unique(`${base}${suffix}`, taken);
      const body = renderTest(test, { testName: name, module, placeholder });
      out.push('', '', markerLine(job.fn.qualname, job.codeHash, body), ...body);
    }
    rendered.set(job.fn.qualname, out);
  }
  // Replace each target's old blocks where its first one stood; append new targets at the end.
  const result: string[] = [];
  let i = 0;
  const done = new Set<string>();
  for (const block of current) {
    if (!rendered.has(block.target)) continue;
    let start = block.start;
    while (start > i && lines[start - 1]!.trim() === '') start--;
    result.push(...lines.slice(i, start));
    if (!done.has(block.target)) {
      result.push(...rendered.get(block.target)!);
      done.add(block.target);
    }
    i = block.end;
  }
  result.push(...lines.slice(i));
  for (const [target, out] of rendered) if (!done.has(target)) result.push(...out);
  while (result.length > 0 && result[result.length - 1]!.trim() === '') result.pop();
  return `${result.join('\n')}\n`;
}

function insertImport(lines: string[], line: string): string[] {
  // After the module docstring and the first block of imports, or at the top.
  let at = 0;
  const lastImport = lines.reduce((last, l, i) => (/^(import|from)\s/.test(l) ? i : last), -1);
  if (lastImport >= 0) at = lastImport + 1;
  return [...lines.slice(0, at), line, ...lines.slice(at)];
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
  taken.add(candidate);
  return candidate;
}

export function snake(qualname: string): string {
  return qualname
    .replace(/\./g, '_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/__+/g, '_')
    .replace(/^_+|_+$/g, '');
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.smart-test-${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}
