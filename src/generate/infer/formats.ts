/**
 * Strings with a format. A parameter matched against a regular expression (`re.match(PATTERN, s)`,
 * `NAME_RE.fullmatch(s)` with `NAME_RE = re.compile(r"...")`) gets strings generated from the
 * pattern (randexp, loaded only when a pattern is found, with a seeded generator so the same
 * pattern always gives the same strings), plus one string that does not match. A parameter whose
 * name has a well-known format (a date, a uuid, an email address...) gets a valid example.
 */
import type { Node } from 'web-tree-sitter';
import type { ParamFacts } from '../../python/facts.js';
import type { Parameter, PyFunction } from '../../python/model.js';
import { withPythonTree } from '../../python/parser.js';
import { parseAnnotation, baseName } from './annotation.js';
import { pyStr, strValue } from './python-literal.js';
import type { Value } from './values.js';

/** A pattern as the Python code writes it, with the flags it is compiled with. */
export interface PyPattern {
  pattern: string;
  /** Python flag letters: i, m, s, x, a. */
  flags: string;
}

const MATCHERS = new Set(['match', 'fullmatch', 'search']);
const MAX_MATCHING = 2;

/**
 * For each function, the patterns each parameter is matched against: patterns written in the
 * call, module or class constants (strings or `re.compile(...)`), and local compiled patterns.
 */
export async function regexUses(source: string, functions: readonly PyFunction[]): Promise<Map<PyFunction, Map<string, PyPattern[]>>> {
  if (!/\bre\b|\bcompile\b|\bfullmatch\b/.test(source)) return new Map();
  const reNames = new Set(['re']);
  for (const m of source.matchAll(/^\s*import\s+re\s+as\s+(\w+)/gm)) reNames.add(m[1]!);
  const bare = new Set<string>();
  for (const m of source.matchAll(/^\s*from\s+re\s+import\s+\(?([\w\s,]+)\)?/gm)) for (const n of m[1]!.split(',')) bare.add(n.trim().split(/\s+/)[0]!);
  return withPythonTree(source, (tree) => {
    const constants = new Map<string, { pyPattern: PyPattern; compiled: boolean }>();
    const compiledPattern = (node: Node | null | undefined): PyPattern | null => {
      if (!node || node.type !== 'call') return null;
      const callee = node.childForFieldName('function');
      const isCompile = (callee?.type === 'attribute' && reNames.has(callee.childForFieldName('object')?.text ?? '') && callee.childForFieldName('attribute')?.text === 'compile') || (callee?.type === 'identifier' && callee.text === 'compile' && bare.has('compile'));
      if (!isCompile) return null;
      const args = positionalArgs(node);
      // re.compile(PATTERN) with a string constant defined before it.
      const named = args[0]?.type === 'identifier' ? constants.get(args[0].text) : undefined;
      const pattern = stringOf(args[0]) ?? (named && !named.compiled ? named.pyPattern.pattern : null);
      if (pattern === null) return null;
      return { pattern, flags: flagsOf(args[1] ?? keywordArg(node, 'flags')) };
    };
    const root = tree.rootNode;
    for (const node of root.descendantsOfType('assignment')) {
      if (!node) continue;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const name = left?.type === 'identifier' ? left.text : left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : undefined;
      if (!name || !right || constants.has(name)) continue;
      const compiled = compiledPattern(right);
      if (compiled) constants.set(name, { pyPattern: compiled, compiled: true });
      else {
        const text = stringOf(right);
        if (text !== null) constants.set(name, { pyPattern: { pattern: text, flags: '' }, compiled: false });
      }
    }

    const resolve = (node: Node | undefined, compiledOnly: boolean): PyPattern | null => {
      if (!node) return null;
      const direct = compiledPattern(node);
      if (direct) return direct;
      if (!compiledOnly) {
        const text = stringOf(node);
        if (text !== null) return { pattern: text, flags: '' };
      }
      const name = node.type === 'identifier' ? node.text : node.type === 'attribute' ? node.childForFieldName('attribute')?.text : undefined;
      const constant = name ? constants.get(name) : undefined;
      if (!constant || (compiledOnly && !constant.compiled)) return null;
      return constant.pyPattern;
    };

    const byLine = new Map(functions.map((f) => [f.defLine, f]));
    const out = new Map<PyFunction, Map<string, PyPattern[]>>();
    /** Records that `param` (a parameter of a function enclosing `node`) is matched against `p`. */
    const add = (node: Node, arg: Node | undefined, p: PyPattern | null) => {
      const param = matchedName(arg);
      if (!p || !param) return;
      for (let def = node.parent; def; def = def.parent) {
        if (def.type !== 'function_definition') continue;
        const fn = byLine.get(def.startPosition.row + 1);
        if (!fn || !fn.parameters.some((q) => q.name === param.text)) continue;
        const found = out.get(fn) ?? new Map<string, PyPattern[]>();
        const list = found.get(param.text) ?? [];
        if (!list.some((q) => q.pattern === p.pattern && q.flags === p.flags)) list.push(p);
        found.set(param.text, list);
        out.set(fn, found);
        return;
      }
    };
    for (const node of root.descendantsOfType('call')) {
      if (!node) continue;
      const callee = node.childForFieldName('function');
      if (callee?.type === 'attribute' && MATCHERS.has(callee.childForFieldName('attribute')?.text ?? '')) {
        const args = positionalArgs(node);
        const obj = callee.childForFieldName('object');
        if (obj && reNames.has(obj.text)) {
          // re.match(PATTERN, s, flags)
          const p = matchedName(args[1]) ? resolve(args[0], false) : null;
          add(node, args[1], p && { pattern: p.pattern, flags: p.flags + flagsOf(args[2] ?? keywordArg(node, 'flags')) });
        } else if (matchedName(args[0])) {
          // PATTERN.match(s)
          add(node, args[0], resolve(obj ?? undefined, true));
        }
      } else if (callee?.type === 'identifier' && MATCHERS.has(callee.text) && bare.has(callee.text)) {
        const args = positionalArgs(node);
        if (matchedName(args[1])) add(node, args[1], resolve(args[0], false));
      }
    }
    return out;
  });
}

/** The name a matched argument reads: `s`, `s.strip()`, `s.lower()`, `str(s)`. */
function matchedName(arg: Node | undefined): Node | null {
  if (!arg) return null;
  if (arg.type === 'identifier') return arg;
  if (arg.type !== 'call') return null;
  const callee = arg.childForFieldName('function');
  const args = positionalArgs(arg);
  if (callee?.type === 'attribute' && args.length === 0 && /^(strip|lstrip|rstrip|lower|upper|casefold)$/.test(callee.childForFieldName('attribute')?.text ?? '')) {
    const obj = callee.childForFieldName('object');
    return obj?.type === 'identifier' ? obj : null;
  }
  if (callee?.type === 'identifier' && callee.text === 'str' && args.length === 1 && args[0]!.type === 'identifier') return args[0]!;
  return null;
}

function positionalArgs(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment' && c.type !== 'keyword_argument') ?? [];
}

function keywordArg(call: Node, name: string): Node | undefined {
  const kw = call.childForFieldName('arguments')?.namedChildren.find((c) => c?.type === 'keyword_argument' && c.childForFieldName('name')?.text === name);
  return kw?.childForFieldName('value') ?? undefined;
}

/** The value of a plain string literal (or implicit concatenation of them); null for bytes, f-strings, anything else. */
function stringOf(node: Node | null | undefined, depth = 0): string | null {
  if (!node || depth > 64) return null;
  if (node.type === 'string') {
    if (/^[A-Za-z]*[bBfFtT]/.test(node.text) || node.namedChildren.some((c) => c?.type === 'interpolation')) return null;
    return strValue(node.text);
  }
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map((c) => stringOf(c, depth + 1));
    return parts.every((p): p is string => p !== null) ? parts.join('') : null;
  }
  if (node.type === 'parenthesized_expression') return stringOf(node.namedChildren[0], depth + 1);
  return null;
}

function flagsOf(node: Node | null | undefined): string {
  if (!node) return '';
  const text = node.text;
  let flags = '';
  if (/\b(IGNORECASE|I)\b/.test(text)) flags += 'i';
  if (/\b(MULTILINE|M)\b/.test(text)) flags += 'm';
  if (/\b(DOTALL|S)\b/.test(text)) flags += 's';
  if (/\b(VERBOSE|X)\b/.test(text)) flags += 'x';
  if (/\b(ASCII|A)\b/.test(text)) flags += 'a';
  return flags;
}

/**
 * A Python pattern in JavaScript's syntax, or null when it uses what JavaScript lacks (atomic
 * groups, possessive quantifiers, conditionals, `\N{...}`): named groups become numbered ones,
 * `(?P=name)` a numbered back-reference, `\A` / `\Z` anchors, inline flags are lifted out,
 * verbose patterns lose their whitespace and comments, `{,n}` becomes `{0,n}`.
 */
export function toJsRegex(py: PyPattern): { source: string; flags: string } | null {
  let p = py.pattern;
  const flags = new Set(py.flags.split(''));
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(p); m; m = /^\(\?([aiLmsux]+)\)/.exec(p)) {
    for (const f of m[1]!) flags.add(f);
    p = p.slice(m[0].length);
  }
  const verbose = flags.has('x');
  const names = new Map<string, number>();
  let groups = 0;
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; ) {
    const c = p[i]!;
    if (c === '\\') {
      const next = p[i + 1];
      if (next === undefined || next === 'N' || next === 'U') return null;
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && (next === 'Z' || next === 'z')) out += '$';
      else out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '[') out += '\\[';
      else out += c;
      i++;
      continue;
    }
    if (verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (verbose && c === '#') {
      while (i < p.length && p[i] !== '\n') i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      i++;
      if (p[i] === '^') {
        out += '^';
        i++;
      }
      if (p[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(') {
      const rest = p.slice(i);
      const named = /^\(\?P<(\w+)>/.exec(rest);
      const ref = /^\(\?P=(\w+)\)/.exec(rest);
      const scoped = /^\(\?([aiLmsux]*)(?:-([imsx]+))?:/.exec(rest);
      if (named) {
        names.set(named[1]!, ++groups);
        out += '(';
        i += named[0].length;
      } else if (ref) {
        const n = names.get(ref[1]!);
        if (n === undefined) return null;
        out += `(?:\\${n})`;
        i += ref[0].length;
      } else if (rest.startsWith('(?#')) {
        const end = p.indexOf(')', i);
        if (end < 0) return null;
        i = end + 1;
      } else if (rest.startsWith('(?>') || rest.startsWith('(?(')) {
        return null;
      } else if (scoped && !rest.startsWith('(?:')) {
        if (scoped[1]!.includes('x')) return null;
        out += '(?:';
        i += scoped[0].length;
      } else if (rest.startsWith('(?')) {
        if (!/^\(\?(:|=|!|<=|<!)/.test(rest)) return null;
        out += '(?';
        i += 2;
      } else {
        groups++;
        out += '(';
        i++;
      }
      continue;
    }
    if ('*+?}'.includes(c) && p[i + 1] === '+') return null;
    if (c === '{') {
      const q = /^\{,(\d+)\}/.exec(p.slice(i));
      if (q) {
        out += `{0,${q[1]}}`;
        i += q[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  if (inClass) return null;
  const jsFlags = ['i', 'm', 's'].filter((f) => flags.has(f)).join('');
  try {
    new RegExp(out, jsFlags);
  } catch {
    return null;
  }
  return { source: out, flags: jsFlags };
}

type RandExpClass = new (re: RegExp) => { max: number; randInt: (a: number, b: number) => number; gen(): string };
let randExpLoad: Promise<RandExpClass> | null = null;

/** randexp, loaded on first use only: the commit path never needs it unless a pattern is found. */
function loadRandExp(): Promise<RandExpClass> {
  randExpLoad ??= import('randexp').then((m) => {
    const mod = m as unknown as { default?: unknown };
    const candidate = (mod.default as { default?: unknown } | undefined)?.default ?? mod.default ?? mod;
    return candidate as RandExpClass;
  });
  return randExpLoad;
}

/** A small seeded generator (mulberry32): the same seed gives the same sequence on every platform. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Strings that fully match the pattern (checked with the translated pattern), the shortest
 * first, and one that does not; empty when the pattern cannot be translated.
 */
export async function stringsMatching(py: PyPattern): Promise<{ matching: string[]; other: string | null }> {
  const js = toJsRegex(py);
  if (!js) return { matching: [], other: null };
  const RandExp = await loadRandExp();
  const full = new RegExp(`^(?:${js.source})$`, js.flags.replace('m', ''));
  const matching: string[] = [];
  const base = hash(`${py.flags}/${py.pattern}`);
  for (let attempt = 0; attempt < 8 && matching.length < MAX_MATCHING; attempt++) {
    let text: string;
    try {
      const gen = new RandExp(new RegExp(js.source, js.flags));
      gen.max = 3;
      const random = seeded(base + attempt);
      // The first attempt takes every lower bound: fewest repetitions, first alternative, first character.
      gen.randInt = attempt === 0 ? (a: number) => a : (a: number, b: number) => a + Math.floor(random() * (1 + b - a));
      text = gen.gen();
    } catch {
      return { matching: [], other: null };
    }
    if (text.length <= 200 && full.test(text) && !matching.includes(text)) matching.push(text);
  }
  const other = ['', '!', 'not a match'].find((s) => !full.test(s)) ?? null;
  return { matching, other };
}

/** For each function and parameter, the strings generated from the patterns it is matched against. */
export async function formatExamples(source: string, functions: readonly PyFunction[]): Promise<Map<PyFunction, Map<string, Value[]>>> {
  const uses = await regexUses(source, functions);
  const out = new Map<PyFunction, Map<string, Value[]>>();
  for (const [fn, params] of uses) {
    const perParam = new Map<string, Value[]>();
    for (const [param, patterns] of params) {
      const values: Value[] = [];
      const others: Value[] = [];
      for (const p of patterns) {
        const { matching, other } = await stringsMatching(p);
        for (const s of matching) if (!values.some((v) => v.src === pyStr(s))) values.push({ src: pyStr(s), origin: 'body' });
        if (other !== null && others.length === 0) others.push({ src: pyStr(other), origin: 'body' });
      }
      if (values.length > 0) perParam.set(param, [...values, ...others]);
    }
    if (perParam.size > 0) out.set(fn, perParam);
  }
  return out;
}

/** Parameter names with a well-known string format, and valid examples (Python source). */
const NAME_FORMATS: Array<[RegExp, string[]]> = [
  [/^(uuid|guid|\w+_uuid|\w+_guid)$/, ["'12345678-1234-5678-1234-567812345678'"]],
  [/^(datetime|timestamp|ts|iso|\w+_at|\w+_datetime|\w+_timestamp|datetime_\w+)$/, ["'2024-01-31T12:30:00'"]],
  [/^(date|day|\w+_date|date_str|date_string)$/, ["'2024-01-31'"]],
  [/^(tz|tzname|tz_name|timezone|time_zone|zone|\w+_tz|\w+_timezone|\w+_time_zone)$/, ["'UTC'", "'Europe/Berlin'"]],
  [/^(time|\w+_time|time_str|time_string|clock)$/, ["'12:30:00'"]],
  [/^(duration|interval|period|elapsed|\w+_duration|\w+_interval)$/, ["'01:30:00'", "'PT1H30M'", "'90s'"]],
  [/^(e?mail|email_address|\w+_email|recipient|sender)$/, ["'user@example.com'"]],
  [/^(url|uri|href|link|endpoint|\w+_url|\w+_uri|url_\w+)$/, ["'https://example.com/path?q=1'"]],
  [/^(ipv6|\w+_ipv6|ip6)$/, ["'2001:db8::1'"]],
  [/^(ip|ipv4|ip4|ip_address|ip_addr|\w+_ip|addr)$/, ["'192.0.2.1'"]],
  [/^(host|hostname|domain|server|\w+_host|\w+_hostname|\w+_domain)$/, ["'example.com'"]],
  [/^(json|\w+_json|json_\w+|payload)$/, ['\'{"a": 1}\'']],
  [/^(version|ver|semver|\w+_version|version_\w+)$/, ["'1.2.3'", "'1.2.3-rc.1+build.5'"]],
];

/** Valid examples for a parameter whose name has a well-known format, as Python source. */
export function examplesForName(name: string): string[] {
  const lower = name.toLowerCase().replace(/^_+/, '');
  for (const [pattern, examples] of NAME_FORMATS) if (pattern.test(lower)) return examples;
  return [];
}

/** The parameter holds a string, as far as its annotation and use tell (unannotated counts). */
function stringLike(param: Parameter, facts: ParamFacts | undefined): boolean {
  if (param.kind === 'var_positional' || param.kind === 'var_keyword') return false;
  if (param.annotation) {
    const type = parseAnnotation(param.annotation);
    const names = type.kind === 'name' ? [type.name] : type.kind === 'union' ? type.options.flatMap((o) => (o.kind === 'name' ? [o.name] : [])) : [];
    return names.some((n) => ['str', 'AnyStr', 'LiteralString', 'Text'].includes(baseName(n)));
  }
  const uses = facts?.uses ?? new Set();
  return !['number', 'int', 'list', 'dict', 'bytes', 'callable', 'path', 'iterable'].some((u) => uses.has(u as never)) || uses.has('str');
}

/** The parameter's values with strings of its format first: generated from its patterns, then named formats. */
export function withFormats(param: Parameter, general: Value[], fromPatterns: Value[] | undefined, facts: ParamFacts | undefined): Value[] {
  const first: Value[] = [...(fromPatterns ?? [])];
  if (stringLike(param, facts)) for (const src of examplesForName(param.name)) first.push({ src, origin: 'name' });
  if (first.length === 0) return general;
  const out = [...first];
  for (const v of general) if (!out.some((o) => o.src === v.src)) out.push(v);
  return out;
}
