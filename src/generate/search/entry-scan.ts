/**
 * The entry scan: a function reached only through entry points (a checker's method run by
 * `Checker(ast.parse(source))`, a lexer's by `format(sql)`) gets a few of the tests' calls of
 * them as candidates, chosen before anything ran (seeds.ts). The tests usually make many more,
 * with other inputs, and which of them run the function (which source has an annotated
 * assignment) only running them tells. The scan runs the others in one probe call, each in turn
 * under the probe's tracer, and returns the indexes of those that ran a line of the function no
 * call before them had run, then of those that ran a set of its lines none before had (another
 * path through it); the next round tries those as candidates of their own, so each is run,
 * checked and asserted alone like any other call.
 *
 * The scan is a value probe: never a test. It runs once per function, only for one whose own
 * calls (not an entry point's) all failed or ran none of it, and stops after a fixed amount of
 * work; one that runs out of time (a test's stress input among the calls) only finds nothing.
 */
import type { Candidate } from '../infer/candidates.js';
import type { ProbeCandidateResult } from '../probe-model.js';

/** The name of the probe's scanning function in a candidate's namespace (smart_test_probe/candidate.py). */
export const SCAN_FUNCTION = '__smart_test_scan__';
/** The scan's own time limit: many calls, each an entry point's, stopped far sooner by SCAN_MAX_WORK; a test's stress input among them costs at most this. */
export const SCAN_TIMEOUT_SECONDS = 0.5;
/**
 * The scan stops after its calls made this many Python calls (counted by the probe's tracer: the
 * same on any machine), about 0.1 to 0.2 s: 60 constructions of a checker, 10 `format(sql)`.
 */
const SCAN_MAX_WORK = 100_000;
/** What the scan counts in the search's budget (nominal seconds, see search.ts). */
export const SCAN_COST = 0.1;
/** How many of the calls the scan found are tried. */
export const MAX_SCANNED = 8;

/**
 * The pool in the order a scan should run it: the calls of the tests whose file or name says what
 * the missed lines are about first (the words of their code: `if self._in_annotation` has a
 * checker's STR missed behind a program with annotations, and test_type_annotations.py holds
 * them), each by how many such words it names; the rest as they were. A scan stops after a fixed
 * amount of work, so which calls come first decides what it can find.
 */
export function byAffinity(pool: readonly Candidate[], code: string): Candidate[] {
  const words = new Set(nameWords(code).filter((w) => !COMMON_WORDS.has(w)));
  if (words.size === 0) return [...pool];
  const score = (c: Candidate) => {
    if (!c.from) return 0;
    const named = nameWords(`${c.from.file.split('/').pop()!.replace(/\.py$/, '')} ${c.from.test}`);
    let n = 0;
    for (const w of words) if (named.some((x) => x.startsWith(w) || w.startsWith(x))) n++;
    return n;
  };
  return pool.map((c, i) => ({ c, i, s: score(c) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.c);
}

/** Words too common in code or in test names to say what either is about. */
const COMMON_WORDS = new Set(['self', 'none', 'true', 'false', 'return', 'elif', 'else', 'with', 'pass', 'raise', 'isinstance', 'value', 'values', 'test', 'tests', 'args', 'kwargs', 'node', 'name', 'names', 'item', 'items', 'data', 'result', 'orig', 'func', 'function', 'list', 'dict', 'type', 'error']);

/** The words of identifiers in code or a name, lower-cased: `_in_annotation` and `handleStringAnnotation` give `annotation`, `handle`, `string`, ... (4 letters or more). */
function nameWords(text: string): string[] {
  const out: string[] = [];
  for (const id of text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    for (const part of id.split('_')) {
      for (const w of part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? []) if (w.length >= 4) out.push(w.toLowerCase());
    }
  }
  return out;
}

/** One candidate that runs every call of the pool in turn (their setups are imports only). */
export function entryScan(pool: readonly Candidate[]): Candidate | null {
  const calls = pool.filter((c) => c.setup.every((l) => /^(import|from)\s/.test(l)));
  if (calls.length === 0) return null;
  const setup = [...new Set(calls.flatMap((c) => c.setup))].sort();
  const expr = `${SCAN_FUNCTION}([${calls.map((c) => `lambda: ${c.expr}`).join(', ')}], ${SCAN_MAX_WORK})`;
  return { setup, expr, origin: 'seed', placeholder: false, entry: true, valueProbe: true, scan: calls, timeoutSeconds: SCAN_TIMEOUT_SECONDS };
}

/** The calls a scan that ran found to run new lines (then new paths) of the function, in its order (at most MAX_SCANNED). */
export function scannedEntries(candidates: readonly Candidate[], results: readonly ProbeCandidateResult[]): Candidate[] {
  return scannedCalls(candidates, results, 0, MAX_SCANNED);
}

/** How many of the calls scans found for the other functions a change touched (scannedAlongside) are tried. */
export const MAX_SCANNED_ALONGSIDE = 6;

/**
 * The calls scans traced with the other functions a change touched (the probe's `alsoRanges`)
 * found to run the function and new lines (then new paths) of those, in their order (at most
 * MAX_SCANNED_ALONGSIDE).
 */
export function scannedAlongside(candidates: readonly Candidate[], results: readonly ProbeCandidateResult[]): Candidate[] {
  return scannedCalls(candidates, results, 1, MAX_SCANNED_ALONGSIDE);
}

/**
 * The calls of the `part`th list of indexes the scans returned (a scan traced with other spans
 * returns two lists, `[[...], [...]]`; one without them, one), at most `max`.
 */
function scannedCalls(candidates: readonly Candidate[], results: readonly ProbeCandidateResult[], part: number, max: number): Candidate[] {
  const out: Candidate[] = [];
  candidates.forEach((c, i) => {
    const r = results[i];
    if (!c.scan || !r || r.outcome !== 'return' || !r.literal) return;
    const lists = /^\[[\d, ]*\]$/.test(r.repr) ? [r.repr] : /^\[\[[\d, ]*\], \[[\d, ]*\]\]$/.test(r.repr) ? (r.repr.slice(1, -1).match(/\[[\d, ]*\]/g) ?? []) : [];
    const list = lists[part];
    if (!list) return;
    for (const index of list.slice(1, -1).split(',').filter((x) => x.trim() !== '').map(Number)) {
      const found = c.scan[index];
      if (found && out.length < max) out.push({ ...found });
    }
  });
  return out;
}
