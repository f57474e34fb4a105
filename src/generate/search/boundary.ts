/**
 * Boundary calls. A comparison with a number in the function's body (`x < 3`, `n >= LIMIT`,
 * `len(s) <= 2`) takes one branch on one side of its constant and the other branch on the other;
 * a test whose argument sits exactly at the constant is what tells `<` from `<=` (and 3 from 4).
 * Calls reaching the comparison's line get variants with one argument set to c-1, c and c+1 (a
 * sequence or string argument to those lengths for `len(...)`), run in one probe round whether or
 * not the function's target lines are all reached; `boundaryChoice` then keeps, of each such
 * triple, the calls on both sides of a change of path or result.
 */
import type { Candidate } from '../infer/candidates.js';
import type { ProbeCandidateResult } from '../probe-model.js';
import type { PyFunction } from '../../python/model.js';
import { calleeName, callSites, withArgument, type Argument, type CallSite } from './call-sites.js';
import { kindOf, namedConstants, stripComment, topLevelItems } from './values.js';
import { ROUND_COST, callCost, candidateKey, replaced, runRound, usableResult, type RunRound, type SearchBudget, type SearchSubject } from './search.js';

/** A comparison of the body with a number: its line, the number, and whether it compares a length. */
export interface Comparison {
  line: number;
  value: number;
  length: boolean;
  /** `a < b` of two names (value 0): the first is set to the second's value, and one less and more. */
  names?: [string, string];
  /** `name or default`, `if not name`: the parameter is given a false value (None, 0, '', []). */
  falsy?: string;
}

/** Calls that differ only in one argument, set to c-1, c and c+1 of one comparison (by candidateKey). */
export type BoundaryGroup = readonly string[];

/** At most this many comparisons of a function are tried, the first in the body first. */
const MAX_COMPARISONS = 6;
/** Calls reaching a comparison's line whose arguments are varied, per comparison. */
const PARENTS = 2;
/** New calls per function at most. */
export const BOUNDARY_ROOM = 24;
const OP = '(?:<=|>=|==|!=|<|>)';
const NOT_NAMES = new Set(['and', 'or', 'not', 'in', 'is', 'None', 'True', 'False', 'if', 'else', 'lambda', 'self', 'cls', 'return', 'yield', 'await']);

/**
 * The comparisons with a number (or a module or class constant bound to one) on the lines
 * `first`..`last`, in order, without repeats; `len(...) op n` and `n op len(...)` are lengths.
 */
export function comparisonsIn(lines: readonly string[], first: number, last: number): Comparison[] {
  const constants = namedConstants(lines);
  const out: Comparison[] = [];
  const seen = new Set<string>();
  for (let l = first; l <= last; l++) {
    const text = stripComment(lines[l - 1] ?? '').replace(/\b(?:(?:self|cls)\.)?([A-Z][A-Z0-9_]*)\b/g, (whole, name: string) => constants.get(name) ?? whole);
    const code = text.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
    const add = (value: number, length: boolean) => {
      const k = `${l}\0${value}\0${length}`;
      if (!Number.isFinite(value) || seen.has(k)) return;
      seen.add(k);
      out.push({ line: l, value, length });
    };
    const taken: Array<[number, number]> = [];
    for (const m of code.matchAll(new RegExp(`len\\([^()]*(?:\\([^()]*\\)[^()]*)*\\)\\s*${OP}\\s*(-?\\d+)(?![\\w.])|(?<![\\w.])(-?\\d+)\\s*${OP}\\s*len\\(`, 'g'))) {
      taken.push([m.index, m.index + m[0].length]);
      add(Number(m[1] ?? m[2]), true);
    }
    for (const m of code.matchAll(new RegExp(`${OP}\\s*(-?\\d+(?:\\.\\d+)?)(?![\\w.])|(?<![\\w.])(-?\\d+(?:\\.\\d+)?)\\s*${OP}`, 'g'))) {
      // The number of a `len(...) op n` was taken as a length.
      if (taken.some(([a, b]) => m.index >= a && m.index < b)) continue;
      add(Number(m[1] ?? m[2]), false);
    }
    // A name taken for its truth (`token or "rc"`, `if not items:`): the call with it false.
    for (const m of code.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s+or\b|\bif\s+(?:not\s+)?([A-Za-z_]\w*)\s*:/g)) {
      const name = m[1] ?? m[2]!;
      const k = `${l}\0${name}\0falsy`;
      if (NOT_NAMES.has(name) || seen.has(k)) continue;
      seen.add(k);
      out.push({ line: l, value: 0, length: false, falsy: name });
    }
    // Two plain names ordered (`value < floor`): their boundary is where they are equal.
    for (const m of code.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*(?:<=|>=|<|>)\s*(?=([A-Za-z_]\w*)(?![\w.(\[]))/g)) {
      const [a, b] = [m[1]!, m[2]!];
      if (NOT_NAMES.has(a) || NOT_NAMES.has(b) || a === b) continue;
      const k = `${l}\0${a}\0${b}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ line: l, value: 0, length: false, names: [a, b] });
    }
  }
  return out.slice(0, MAX_COMPARISONS);
}

/** Values at a boundary for an argument of this kind, as Python source; [] when the kind does not fit. */
function boundaryValues(text: string, c: Comparison): string[] {
  const kind = kindOf(text);
  const around = [c.value - 1, c.value, c.value + 1];
  if (!c.length) {
    if (kind === 'int' && Number.isInteger(c.value)) return around.map(String);
    if (kind === 'float') return around.map((v) => (Number.isInteger(v) ? `${v}.0` : String(v)));
    // A number written as a string (`intword("100")`): converted in the body, then compared.
    const numeric = /^([rRuU]?)(['"])(-?\d+)\2$/.exec(text.trim());
    if (numeric && Number.isInteger(c.value)) return around.map((v) => `${numeric[1]}${numeric[2]}${v}${numeric[2]}`);
    return [];
  }
  const lengths = around.filter((n) => n >= 0 && n <= 64);
  if (kind === 'str') {
    const m = /^([rRuU]?)(['"])([^'"\\\n]*)\2$/.exec(text.trim());
    if (!m) return [];
    const chars = m[3]! === '' ? 'a' : m[3]!;
    return lengths.map((n) => `${m[1]}${m[2]}${chars.repeat(Math.ceil(n / chars.length)).slice(0, n)}${m[2]}`);
  }
  if (kind === 'list' || kind === 'tuple') {
    const items = topLevelItems(text.trim().slice(1, -1));
    const filler = items.length > 0 ? items : ['1'];
    return lengths.map((n) => {
      const xs = Array.from({ length: n }, (_, i) => filler[i % filler.length]!);
      return kind === 'list' ? `[${xs.join(', ')}]` : xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
    });
  }
  return [];
}

/**
 * New calls for a subject, at most `room`: for each comparison of its body, the first PARENTS
 * usable calls that ran the comparison's line, each argument of the target's call that fits
 * set to the boundary values in turn. Returns the calls not tried yet and every triple (calls
 * tried before included: a call already made counts as a member of the triple).
 */
export async function boundaryCandidates(subject: SearchSubject, room: number): Promise<{ candidates: Candidate[]; groups: BoundaryGroup[] }> {
  const { fn } = subject;
  const callee = calleeName(fn);
  const tried = new Set(subject.candidates.map(candidateKey));
  const candidates: Candidate[] = [];
  const groups: BoundaryGroup[] = [];
  const sitesOf = new Map<Candidate, CallSite[]>();
  // Adds a triple of the parent with one argument of a site set to each value; false when there is no room left.
  const addTriple = (parent: Candidate, site: CallSite, index: number, values: readonly string[]): boolean => {
    const triple = values.map((v) => replaced(parent, site, withArgument(site, index, v), subject.placeholder));
    const fresh = triple.filter((t) => !tried.has(candidateKey(t)));
    if (candidates.length + fresh.length > room) return false;
    for (const t of fresh) {
      tried.add(candidateKey(t));
      candidates.push(t);
    }
    groups.push(triple.map(candidateKey));
    return true;
  };
  for (const c of comparisonsIn(subject.lines, fn.bodyStartLine, fn.endLine)) {
    // The first PARENTS calls that ran the comparison's line and have an argument to set: of the
    // target's call, or (numbers and lengths) of the constructor that built its receiver.
    let parents = 0;
    for (const [i, r] of subject.results.entries()) {
      const parent = subject.candidates[i];
      if (parents >= PARENTS) break;
      if (!parent || parent.entry || !usableResult(r) || !r.lines.includes(c.line)) continue;
      if (!sitesOf.has(parent)) sitesOf.set(parent, (await callSites(parent.setup, parent.expr, callee)).filter((site) => !site.nested));
      const sites = sitesOf.get(parent)!;
      const call = sites.find((site) => site.where === 'expr');
      const pair = c.names && call ? namedPair(fn, call, c.names) : null;
      const falsy = c.falsy && call ? falseVariant(fn, call, c.falsy) : null;
      if (c.names ? !pair : c.falsy ? !falsy : !sites.some((site) => site.args.some((a) => boundaryValues(a.text, c).length > 0))) continue;
      parents++;
      if (falsy) {
        // A group of one: the call with the name false is kept when it can become a test.
        const child = replaced(parent, call!, falsy, subject.placeholder);
        if (!tried.has(candidateKey(child))) {
          if (candidates.length + 1 > room) return { candidates, groups };
          tried.add(candidateKey(child));
          candidates.push(child);
        }
        groups.push([candidateKey(child)]);
        continue;
      }
      if (pair) {
        const other = Number(pair.other.text);
        const values = kindOf(pair.other.text) === 'int' && kindOf(pair.arg.text) === 'int' ? [other - 1, other, other + 1].map(String) : [];
        if (values.length > 0 && !addTriple(parent, call!, pair.index, values)) return { candidates, groups };
        continue;
      }
      for (const site of sites) {
        for (const [index, arg] of site.args.entries()) {
          const values = boundaryValues(arg.text, c);
          if (values.length > 0 && !addTriple(parent, site, index, values)) return { candidates, groups };
        }
      }
    }
  }
  return { candidates, groups };
}

/** The call's snippet with the parameter `name` given a false value of its argument's kind (None when left to its default), or null. */
function falseVariant(fn: PyFunction, site: CallSite, name: string): string | null {
  const index = argumentIndex(fn, site, name);
  if (index >= 0) {
    const text = site.args[index]!.text;
    const value = FALSE_BY_KIND[kindOf(text)];
    return value === undefined || value === text.trim() ? null : withArgument(site, index, value);
  }
  const param = fn.parameters.find((p) => p.name === name);
  if (!param || param.default === null || param.default === 'None' || param.kind === 'var_positional' || param.kind === 'var_keyword' || param.kind === 'positional_only' || site.unpacks) return null;
  return withArgument(site, null, 'None', name);
}

const FALSE_BY_KIND: Partial<Record<ReturnType<typeof kindOf>, string>> = { int: '0', float: '0.0', str: "''", list: '[]', tuple: '()', dict: '{}', set: 'set()', bool: 'False', other: 'None' };

/** Index in the call's arguments of the parameter `name` (by keyword or position), or -1. */
function argumentIndex(fn: PyFunction, site: CallSite, name: string): number {
  const implicit = (fn.kind === 'method' || fn.kind === 'property' || fn.kind === 'classmethod' || ((fn.name === '__init__' || fn.name === '__new__') && fn.className !== null)) && fn.parameters.length > 0;
  const params = implicit ? fn.parameters.slice(1) : fn.parameters;
  const byKeyword = site.args.findIndex((a) => a.keyword === name);
  if (byKeyword >= 0) return byKeyword;
  const position = params.findIndex((p) => p.name === name);
  if (position < 0 || params.slice(0, position + 1).some((p) => p.kind === 'var_positional' || p.kind === 'keyword_only')) return -1;
  const positional = site.args.filter((a) => a.keyword === null);
  return position < positional.length ? site.args.indexOf(positional[position]!) : -1;
}

/** The arguments of a call that the two names of a comparison are (its parameters, by position or keyword), or null. */
function namedPair(fn: PyFunction, site: CallSite, names: readonly [string, string]): { index: number; arg: Argument; other: Argument } | null {
  const [i, j] = [argumentIndex(fn, site, names[0]), argumentIndex(fn, site, names[1])];
  return i >= 0 && j >= 0 ? { index: i, arg: site.args[i]!, other: site.args[j]! } : null;
}

/**
 * Of each boundary triple whose calls all can become tests, the calls on both sides of a change
 * (what the call ran or what it returned / raised differs from its neighbour's): the ones a
 * test needs to tell `<` from `<=` or a constant from the next. In triple order, without repeats.
 */
export function boundaryChoice<T>(groups: readonly BoundaryGroup[], byKey: ReadonlyMap<string, T>, signature: (item: T) => string): T[] {
  const out: T[] = [];
  for (const group of groups) {
    const items = group.map((k) => byKey.get(k));
    if (items.some((x) => x === undefined)) continue;
    if (items.length === 1 && !out.includes(items[0]!)) out.push(items[0]!);
    const sig = items.map((x) => signature(x!));
    for (let i = 0; i + 1 < items.length; i++) {
      if (sig[i] === sig[i + 1]) continue;
      for (const x of [items[i]!, items[i + 1]!]) if (!out.includes(x)) out.push(x);
    }
  }
  return out;
}

/** What tells two calls of a boundary triple apart: the lines they ran and their result. */
export function boundarySignature(r: ProbeCandidateResult): string {
  const lines = [...new Set(r.lines)].sort((a, b) => a - b).join(',');
  const result = r.outcome === 'return' ? `return ${r.repr}` : r.outcome === 'raise' ? `raise ${r.excType.module}.${r.excType.qualname} ${r.excMessage}` : r.outcome;
  return `${lines}\n${result}`;
}

/**
 * One probe round of boundary calls for every subject (whether or not its target lines are all
 * reached), within the budgets: each subject at most BOUNDARY_ROOM calls and its per-function
 * budget, all of them what is left of the run's (`spent`: what the search already used). The new
 * calls and results are added to the subjects; returns each subject's triples.
 */
export async function boundaryRound(subjects: readonly SearchSubject[], run: RunRound, budget: SearchBudget, spent: number): Promise<Map<SearchSubject, BoundaryGroup[]>> {
  const out = new Map<SearchSubject, BoundaryGroup[]>();
  let left = budget.perRun - spent - ROUND_COST;
  const batch: Array<{ subject: SearchSubject; candidates: Candidate[] }> = [];
  for (const subject of subjects) {
    if (subject.results.some((r) => r.outcome === 'timeout' || r.outcome === 'crash' || r.outcome === 'skipped')) continue;
    const cost = callCost(subject);
    const room = Math.min(BOUNDARY_ROOM, Math.floor(budget.perFunction / cost + 1e-9), Math.floor(left / cost + 1e-9));
    if (room <= 0) continue;
    const { candidates, groups } = await boundaryCandidates(subject, room);
    if (groups.length === 0) continue;
    out.set(subject, groups);
    if (candidates.length === 0) continue;
    left -= candidates.length * cost;
    batch.push({ subject, candidates });
  }
  if (batch.length === 0) return out;
  await runRound(batch, run);
  return out;
}

/** Rounds of bisection toward computed boundaries (see refineBoundaries), and new calls per subject in each. */
export const REFINE_ROUNDS = 6;
const REFINE_PER_ROUND = 9;

/**
 * Values to try between a and b (a + 1 < b): the midpoint; and when b is ten times a or more
 * (both positive), the power of ten halfway between them in digits and the number before it, as
 * a boundary computed from an argument's size (`log10`, a count of digits) lies at one.
 */
export function splits(a: bigint, b: bigint): bigint[] {
  const out = [a + (b - a) / 2n];
  if (a >= 1n && b >= 10n * a) {
    const p = 10n ** BigInt(Math.ceil((String(a).length - 1 + String(b).length - 1) / 2));
    for (const v of [p - 1n, p]) if (v > a && v < b && !out.includes(v)) out.push(v);
  }
  return out;
}

/** What tells two calls apart for bisection: how they ended and the lines they ran (not the value: it changes with any input). */
function pathOf(r: ProbeCandidateResult): string {
  return `${r.outcome}:${[...new Set(r.lines)].sort((a, b) => a - b).join(',')}`;
}

/**
 * Calls of the same shape that differ only in one integer argument, by group: the shape's key,
 * and the calls sorted by that integer (one call per value).
 */
async function integerLines(subject: SearchSubject, parsed: Map<Candidate, CallSite | null>): Promise<Array<Array<{ value: bigint; c: Candidate; site: CallSite; index: number; path: string }>>> {
  const { fn } = subject;
  const callee = calleeName(fn);
  const groups = new Map<string, Array<{ value: bigint; c: Candidate; site: CallSite; index: number; path: string }>>();
  for (const [i, r] of subject.results.entries()) {
    const c = subject.candidates[i];
    if (!c || c.entry || !usableResult(r)) continue;
    if (!parsed.has(c)) parsed.set(c, (await callSites([], c.expr, callee))[0] ?? null);
    const site = parsed.get(c);
    if (!site || site.nested) continue;
    site.args.forEach((arg, index) => {
      const text = arg.text.trim();
      if (kindOf(text) !== 'int') return;
      const shape = `${c.setup.join('\n')}\u0001${index}\u0001${site.args.map((a, j) => (j === index ? '?' : `${a.keyword ?? ''}=${a.text}`)).join('\u0000')}`;
      const list = groups.get(shape) ?? [];
      const value = BigInt(text);
      if (!list.some((x) => x.value === value)) list.push({ value, c, site, index, path: pathOf(r) });
      groups.set(shape, list);
    });
  }
  return [...groups.values()].map((list) => list.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)));
}

/**
 * Bisection toward boundaries the body computes (`exponent >= 27` of `exponent = log10(value)`):
 * two calls of the same shape whose integer argument differs and that take different paths get
 * the calls between them (see splits), round after round, until the two values are neighbours;
 * the closest such pairs (neighbours, or as close as the rounds got) become boundary groups. At most `rounds` probe rounds and `left`
 * nominal seconds; returns each subject's pairs.
 */
export async function refineBoundaries(subjects: readonly SearchSubject[], run: RunRound, rounds: number, left: number): Promise<Map<SearchSubject, BoundaryGroup[]>> {
  const parsed = new Map<Candidate, CallSite | null>();
  const stopped = (s: SearchSubject) => s.results.some((r) => r.outcome === 'timeout' || r.outcome === 'crash' || r.outcome === 'skipped');
  for (let round = 0; round < rounds; round++) {
    left -= ROUND_COST;
    const batch: Array<{ subject: SearchSubject; candidates: Candidate[] }> = [];
    for (const subject of subjects) {
      if (stopped(subject)) continue;
      const cost = callCost(subject);
      const tried = new Set(subject.candidates.map(candidateKey));
      const fresh: Candidate[] = [];
      for (const list of await integerLines(subject, parsed)) {
        for (let k = 0; k + 1 < list.length && fresh.length < REFINE_PER_ROUND; k++) {
          const [a, b] = [list[k]!, list[k + 1]!];
          if (a.path === b.path || b.value - a.value < 2n) continue;
          for (const v of splits(a.value, b.value)) {
            const child = replaced(a.c, a.site, withArgument(a.site, a.index, String(v)), subject.placeholder);
            if (tried.has(candidateKey(child)) || left < cost || fresh.length >= REFINE_PER_ROUND) continue;
            tried.add(candidateKey(child));
            left -= cost;
            fresh.push(child);
          }
        }
      }
      if (fresh.length > 0) batch.push({ subject, candidates: fresh });
    }
    if (batch.length === 0 || left <= 0) break;
    if (process.env.SMART_TEST_SEARCH_DEBUG) process.stderr.write(`boundary bisection round ${round}: ${batch.map((b) => `${b.subject.fn.qualname} +${b.candidates.length}`).join('; ')}\n`);
    await runRound(batch, run);
  }
  const out = new Map<SearchSubject, BoundaryGroup[]>();
  for (const subject of subjects) {
    const pairs: BoundaryGroup[] = [];
    for (const list of await integerLines(subject, parsed)) {
      for (let k = 0; k + 1 < list.length; k++) {
        const [a, b] = [list[k]!, list[k + 1]!];
        if (a.path !== b.path) pairs.push([candidateKey(a.c), candidateKey(b.c)]);
      }
    }
    if (process.env.SMART_TEST_SEARCH_DEBUG) process.stderr.write(`boundary bisection ${subject.fn.qualname}: ${(await integerLines(subject, parsed)).map((l) => l.map((x) => `${x.value}:${x.path}`).join(' ')).join(' | ')}\n`);
    if (pairs.length > 0) out.set(subject, pairs);
  }
  return out;
}
