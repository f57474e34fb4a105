/**
 * The values the search tries in place of one argument: literals and comparison operands near the
 * lines still missed (c-1, c, c+1 around numbers), the boundaries of the argument's kind (empty,
 * None, zero, negative, one more or one less element, a sequence's items as an iterator), and values of the same kind that other
 * calls of the run returned. All as Python source, most promising first, without repeats.
 */

import { topLevelItems } from '../infer/python-literal.js';

export { topLevelItems };

export type Kind = 'int' | 'float' | 'str' | 'bytes' | 'bool' | 'none' | 'list' | 'tuple' | 'dict' | 'set' | 'other';

/** What the source around the missed lines suggests. */
export interface Hints {
  /** Numbers (as source) near the missed lines, with their neighbours. */
  numbers: string[];
  /** Plain string literals near the missed lines, as written. */
  strings: string[];
  /** Lengths worth trying for sequences: around `len(x) < N`, `% N` and the like. */
  lengths: number[];
  /**
   * Lengths of a name's attribute compared with a number (`len(tlist.tokens) > MAX_TOKENS`):
   * name -> attribute -> N-1, N, N+1, without the cap of `lengths` (the value is built as
   * `[0] * N`, not written out).
   */
  attributeLengths: Map<string, Map<string, number[]>>;
  /**
   * Names of the module compared with near the missed lines (`ttype is T.Keyword`, `kind ==
   * Kind.FAST`, `mode in (MODE_A, MODE_B)`): what was compared with them (a parameter, a local)
   * -> the names, as written. Only names rooted in a module-level binding: an import, a class,
   * a constant (an enum member, a token type, a sentinel) that no literal stands for; and the
   * builtin types a name holding a type is compared with (`valtype is float`).
   */
  names: Map<string, string[]>;
  /**
   * Words of the function's string literals -> the words near the missed lines written in the same
   * place (`_is_typing(node.func, 'TypeVar')` -> `_is_typing(node.func, "TypedDict")`, `token ==
   * 'SELECT'` -> `token == 'INSERT'`): in a string argument (a program, a query), one swapped for
   * the other steers the same input into the sibling branch (see swaps).
   */
  words?: Map<string, string[]>;
  /**
   * Classes of the module (imported or defined) a name is tested against near the missed lines
   * (`isinstance(val, Decimal)`, `isinstance(x, (Node, Leaf))`): name -> the classes, as written.
   * The argument is tried as an instance built from its own value (`Decimal(1.5)`) and built
   * bare (`Decimal()`).
   */
  instances?: Map<string, string[]>;
}

const INT = /^-?\d+$/;
/** How much of a line before a word literal tells where it is written (see Hints.words). */
const WORD_CONTEXT = 12;
const FLOAT = /^-?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][-+]?\d+)$/;
const STRING = /^[rRuU]?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")$/;

/** Values of another kind worth one try in place of a value of this kind. */
const CROSS_KIND: Partial<Record<Kind, readonly string[]>> = {
  int: ['None', "'1'"],
  float: ['None', '1'],
  str: ['None', '1'],
  bytes: ['None', "'a'"],
  list: ['None'],
  tuple: ['None'],
  dict: ['None'],
  set: ['None'],
  // An object (`pytz.BaseTzInfo()`): a plain value reaches the `else` that rejects other types.
  other: ['1', "'a'"],
};

const MAX_OTHER_NAMES = 4;

const CALLABLE_TEXT = /^(?:lambda\b[\s\S]*|operator\.\w+|(?:str|int|float|bool|bytes|len|sum|sorted|reversed|list|tuple|dict|set|frozenset|abs|repr|min|max|map|filter|iter|next|type|callable|print|id|hash|round|ord|chr|any|all|zip|enumerate)(?:\.\w+)?)$/;
const SAMPLE_LAMBDAS = ['lambda x: x', 'lambda *args, **kwargs: args'];

const MAGNITUDES = ['100000', '10000000', '1000000000'];

/**
 * A value a call may take long over (a loop counting to it, a list of that many items): the
 * magnitudes, as integers or floats, and infinity. The search runs such variants last.
 */
export function slowValue(text: string): boolean {
  return MAGNITUDES.includes(text) || MAGNITUDES.some((d) => text === `${d}.0`) || text === "float('inf')";
}

/** The kind of a Python literal, by its text; `other` for any other expression. */
export function kindOf(text: string): Kind {
  const t = text.trim();
  if (INT.test(t)) return 'int';
  if (FLOAT.test(t)) return 'float';
  if (STRING.test(t)) return 'str';
  if (/^[bB][rR]?['"]/.test(t)) return 'bytes';
  if (t === 'True' || t === 'False') return 'bool';
  if (t === 'None') return 'none';
  if (t.startsWith('[') && t.endsWith(']')) return 'list';
  if (t.startsWith('(') && t.endsWith(')') && (t === '()' || /,\s*\)$/.test(t) || topLevelItems(t.slice(1, -1)).length > 1)) return 'tuple';
  if (t === '{}' || (t.startsWith('{') && t.endsWith('}') && /^\{[^{}]*:/.test(t))) return 'dict';
  if (t === 'set()' || (t.startsWith('{') && t.endsWith('}'))) return 'set';
  return 'other';
}


/**
 * Hints from the lines around each missed line (hintWindow: the few lines above it, then the
 * conditions that guard it further up), inside the function.
 */
export function hintsNear(lines: readonly string[], missed: readonly number[], first: number, last: number, window = hintWindow(lines, missed, first, last)): Hints {
  const constants = namedConstants(lines);
  const numbers: string[] = [];
  const strings: string[] = [];
  const lengths: number[] = [];
  const attributeLengths = new Map<string, Map<string, number[]>>();
  const addNumber = (n: string) => {
    if (!numbers.includes(n)) numbers.push(n);
  };
  for (const l of window) {
    // A constant compared with (`depth > MAX_DEPTH`) stands for its value.
    const text = stripComment(lines[l - 1] ?? '').replace(/\b(?:(?:self|cls)\.)?([A-Z][A-Z0-9_]*)\b/g, (whole, name: string) => constants.get(name) ?? whole);
    for (const m of text.matchAll(/(?<![\w.'"])[rRuU]?('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/g)) if (!strings.includes(m[0]) && m[0].length <= 80) strings.push(m[0]);
    const code = maskStrings(text);
    for (const m of code.matchAll(/(?<![\w.])(-?\d+(?:\.\d+)?)(?![\w.])/g)) {
      const n = m[1]!;
      if (INT.test(n)) {
        const v = BigInt(n);
        for (const d of [v - 1n, v, v + 1n]) addNumber(String(d));
      } else addNumber(n);
    }
    for (const m of code.matchAll(/len\([^)]*\)\s*(?:[<>]=?|==|!=)\s*(\d+)|(\d+)\s*(?:[<>]=?|==|!=)\s*len\(/g)) {
      const n = Number(m[1] ?? m[2]);
      for (const k of [n - 1, n, n + 1]) if (k >= 0 && k <= 64 && !lengths.includes(k)) lengths.push(k);
    }
    for (const m of code.matchAll(/len\(\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\)\s*(?:[<>]=?|==|!=)\s*(\d+)(?![\w.])|(?<![\w.])(\d+)\s*(?:[<>]=?|==|!=)\s*len\(\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\)/g)) {
      const [name, attr, n] = m[1] ? [m[1], m[2]!, Number(m[3])] : [m[5]!, m[6]!, Number(m[4])];
      if (name === 'self' || name === 'cls') continue;
      const byAttr = attributeLengths.get(name) ?? new Map<string, number[]>();
      const list = byAttr.get(attr) ?? [];
      for (const k of [n + 1, n, n - 1]) if (k >= 0 && !list.includes(k)) list.push(k);
      byAttr.set(attr, list);
      attributeLengths.set(name, byAttr);
    }
    for (const m of code.matchAll(/%\s*(\d+)/g)) {
      const n = Number(m[1]);
      for (const k of [n - 1, n + 1, 2 * n + 1]) if (k >= 0 && k <= 64 && !lengths.includes(k)) lengths.push(k);
    }
  }
  const globals = moduleGlobals(lines);
  const windowCode = window.map((l) => maskStrings(stripComment(lines[l - 1] ?? '')));
  const names = comparedNames(windowCode, globals);
  const instances = testedClasses(windowCode, globals);
  // Word literals by what is written before them on their line (`(node.func, `).
  const wordsAt = (l: number) => [...stripComment(lines[l - 1] ?? '').matchAll(/(?<![\w.'"])(['"])([A-Za-z_]\w{2,})\1/g)].map((m) => ({ word: m[2]!, before: m.input.slice(Math.max(0, m.index - WORD_CONTEXT), m.index).replace(/\s+/g, ' ') }));
  const nearLines = new Set(window);
  const byPlace = new Map<string, { all: string[]; near: string[] }>();
  // How far each word near the missed lines is from them: the nearest first (their own guard
  // before the headers of the chain above).
  const distance = new Map<string, number>();
  for (let l = first; l <= last; l++) {
    for (const { word, before } of wordsAt(l)) {
      if (nearLines.has(l)) distance.set(word, Math.min(distance.get(word) ?? Infinity, ...missed.map((m) => Math.abs(m - l))));
      if (before.trim() === '') continue;
      const place = byPlace.get(before) ?? { all: [], near: [] };
      if (!place.all.includes(word)) place.all.push(word);
      if (nearLines.has(l) && !place.near.includes(word)) place.near.push(word);
      byPlace.set(before, place);
    }
  }
  const words = new Map<string, string[]>();
  for (const { all, near } of byPlace.values()) {
    near.sort((a, b) => distance.get(a)! - distance.get(b)!);
    for (const word of all) {
      const into = near.filter((w) => w !== word);
      if (into.length > 0) words.set(word, [...(words.get(word) ?? []), ...into.filter((w) => !words.get(word)?.includes(w))]);
    }
  }
  return { numbers, strings, lengths, attributeLengths, names, words, instances };
}

const ISINSTANCE = /(?<![\w.])isinstance\(\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_][\w.]*|\([^()]*\))\s*\)/g;

/** The name -> the module's classes it is tested against with isinstance (see Hints.instances). */
function testedClasses(code: readonly string[], globals: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of code) {
    for (const m of line.matchAll(ISINSTANCE)) {
      const name = m[1]!;
      if (name === 'self' || name === 'cls') continue;
      const classes = m[2]!.startsWith('(') ? topLevelItems(m[2]!.slice(1, -1)).map((t) => t.trim()) : [m[2]!];
      for (const cls of classes) {
        if (!WHOLE_DOTTED.test(cls) || !globals.has(cls.split('.')[0]!)) continue;
        const list = out.get(name) ?? [];
        if (!list.includes(cls)) list.push(cls);
        out.set(name, list);
      }
    }
  }
  return out;
}

const DOTTED = '[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*';
// `x is A.B`, `x == B`, `x in (A, B)` (membership in one name is left out: its value is the container, not a member).
const COMPARE = new RegExp(`(?<![\\w.])(${DOTTED})(?:\\s+(?:is\\s+not|is)\\s+|\\s*(?:==|!=)\\s*)(${DOTTED})(?![\\w.(\\[])|(?<![\\w.])(${DOTTED})\\s+(?:not\\s+)?in\\s+(\\([^()]*\\))`, 'g');
const WHOLE_DOTTED = new RegExp(`^${DOTTED}$`);
/** Builtin types a parameter holding a type is compared with (`if valtype is float:`). */
const BUILTIN_TYPES = new Set(['int', 'float', 'str', 'bytes', 'bool', 'complex', 'list', 'tuple', 'dict', 'set', 'frozenset', 'bytearray', 'type', 'object']);
const NOT_NAMES = new Set(['None', 'True', 'False', 'not', 'and', 'or', 'if', 'elif', 'while', 'return', 'self', 'cls', 'lambda', 'in', 'is']);

/** `'...'` and `"..."` replaced by `''` (what code regexes read without being misled by text). */
function maskStrings(code: string): string {
  return code.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
}

/** The compared expression -> the module names it is compared with, in the order of the lines. */
function comparedNames(code: readonly string[], globals: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const isModuleName = (text: string) => {
    const root = text.split('.')[0]!;
    return globals.has(root) && !NOT_NAMES.has(root) && !NOT_NAMES.has(text);
  };
  const add = (key: string, name: string) => {
    const list = out.get(key) ?? [];
    if (!list.includes(name)) list.push(name);
    out.set(key, list);
  };
  for (const line of code) {
    for (const m of line.matchAll(COMPARE)) {
      const left = m[1] ?? m[3]!;
      const right = m[2] ?? m[4]!;
      const items = m[4] ? topLevelItems(right.slice(1, -1)).map((t) => t.trim()) : [right];
      if (!m[4] && isModuleName(left) && !isModuleName(right) && !NOT_NAMES.has(right)) add(right, left);
      else if (!isModuleName(left) && !NOT_NAMES.has(left)) for (const item of items) if (WHOLE_DOTTED.test(item) && (isModuleName(item) || BUILTIN_TYPES.has(item))) add(left, item);
    }
  }
  return out;
}

/**
 * The names bound at the top of a module: imports (`import a.b as c`, `from m import x as y`,
 * parenthesised lists too), classes, functions and assignments.
 */
export function moduleGlobals(lines: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(line))) out.add(m[1]!);
    else if ((m = /^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)/.exec(line))) out.add(m[1]!);
    else if ((m = /^import\s+(.*)$/.exec(line))) {
      for (const part of stripComment(m[1]!).split(',')) {
        const a = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
        if (a) out.add(a[2] ?? a[1]!.split('.')[0]!);
      }
    } else if ((m = /^from\s+[\w.]+\s+import\s+(.*)$/.exec(line))) {
      let list = stripComment(m[1]!);
      if (list.trimStart().startsWith('(')) {
        while (!list.includes(')') && i + 1 < lines.length) list += ` ${stripComment(lines[++i]!)}`;
        list = list.replace(/[()]/g, ' ');
      }
      for (const part of list.split(',')) {
        const a = /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
        if (a && a[1] !== '*') out.add(a[2] ?? a[1]!);
      }
    }
  }
  return out;
}

/**
 * The lines hints are read from, in that order: the missed lines and the few lines above each
 * (the condition that guards a block is usually just above its first line), inside the function,
 * in line order; then the conditions that guard each missed line from further up (an `elif`
 * chain's earlier tests, the `if` above a long block), nearest first.
 */
export function hintWindow(lines: readonly string[], missed: readonly number[], first: number, last: number): number[] {
  const near = new Set<number>();
  for (const m of missed) for (let l = Math.max(first, m - 4); l <= Math.min(last, m); l++) near.add(l);
  const guards = new Set<number>();
  for (const m of missed) for (const g of guardLines(lines, m, first)) if (!near.has(g)) guards.add(g);
  return [...[...near].sort((a, b) => a - b), ...guards];
}

/** How many columns a line is indented by. */
export function indentOf(text: string): number {
  return text.length - text.trimStart().length;
}

/**
 * The headers of the blocks around line `m`, innermost first (by indentation, from `first` on):
 * each `if`/`elif`/`while`/`for`/`with`/`try` that encloses it, and for an `elif` or `else`
 * branch the `if` and `elif` tests before it in the same chain.
 */
export function guardLines(lines: readonly string[], m: number, first: number): number[] {
  const out: number[] = [];
  let indent = indentOf(lines[m - 1] ?? '');
  let chainOpen = false;
  for (let l = m - 1; l >= first && indent > 0; l--) {
    const text = lines[l - 1] ?? '';
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const ind = indentOf(text);
    if (ind < indent) {
      if (!/^(if|elif|else|while|for|with|try|except|async\s+(for|with))\b/.test(trimmed)) break;
      out.push(l);
      indent = ind;
      chainOpen = /^(elif|else|except)\b/.test(trimmed);
    } else if (ind === indent && chainOpen && /^(if|elif|try|except)\b/.test(trimmed)) {
      out.push(l);
      chainOpen = !/^(if|try)\b/.test(trimmed);
    }
  }
  return out;
}

/**
 * Names bound to a plain number or string at the top of the module or a class body
 * (`MAX_DEPTH = 100`, `    PREFIX = "x-"`), all capitals as constants are written.
 */
export function namedConstants(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const m = /^(?: {4}|\t)?([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.[\], ]+)?=\s*(-?\d+(?:\.\d+)?|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*(?:#.*)?$/.exec(line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The line without its `#` comment (strings respected). */
export function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/**
 * Values to try in place of `text` (not including `text` itself), most promising first: the
 * hints that fit its kind, then its kind's boundaries, then `observed` values of its kind.
 */
export function alternatives(text: string, hints: Hints, observed: ReadonlyMap<Kind, readonly string[]>, max = 16, param?: string): string[] {
  const kind = kindOf(text);
  const out: string[] = [];
  const add = (v: string | null | undefined) => {
    if (v === null || v === undefined || v === text || out.includes(v)) return;
    out.push(v);
  };
  const ints = hints.numbers.filter((n) => INT.test(n));
  // The module names this parameter is compared with come first; those compared with something
  // else (a local computed from it) after the kind's own hints, a few.
  const own = param !== undefined ? hints.names.get(param) ?? [] : [];
  for (const n of own) add(n);
  // The classes it is tested against: an instance made from its value, then a bare one.
  for (const cls of param !== undefined ? hints.instances?.get(param) ?? [] : []) {
    if (kind !== 'none') add(`${cls}(${text})`);
    add(`${cls}()`);
  }
  const addOtherNames = () => {
    let n = 0;
    for (const [key, list] of hints.names) {
      if (key === param) continue;
      for (const name of list) if (n < MAX_OTHER_NAMES && !out.includes(name)) (add(name), n++);
    }
  };
  switch (kind) {
    case 'int': {
      for (const n of ints) add(n);
      addOtherNames();
      const v = BigInt(text);
      for (const d of [0n, -v, v - 1n, v + 1n, 1n, -1n, 2n, 1000n]) add(String(d));
      // Magnitudes: branches on size (a day of seconds, a gigabyte of bytes) lie far above the literals.
      for (const d of MAGNITUDES) add(d);
      break;
    }
    case 'float':
      for (const n of hints.numbers) add(INT.test(n) ? `${n}.0` : n);
      for (const d of ['0.0', text.startsWith('-') ? text.slice(1) : `-${text}`, '0.5', '1.0', '-1.0', "float('nan')", "float('inf')"]) add(d);
      for (const d of MAGNITUDES) add(`${d}.0`);
      break;
    case 'str':
      for (const v of swaps(text, hints.words ?? new Map())) add(v);
      for (const s of hints.strings) add(s);
      addOtherNames();
      add("''");
      add("' '");
      // The characters the code compares with, put inside the string (a lexer's `'\\'`, `'-'`).
      for (const v of insertions(text, hints.strings)) add(v);
      add(upper(text));
      add(`${text} * 2`);
      add("'0'");
      add("'a'");
      break;
    case 'bytes':
      add("b''");
      for (const s of hints.strings) add(`${s}.encode()`);
      break;
    case 'bool':
      add(text === 'True' ? 'False' : 'True');
      break;
    case 'none':
      addOtherNames();
      for (const n of ints.slice(0, 3)) add(n);
      for (const s of hints.strings.slice(0, 3)) add(s);
      for (const d of ['0', "''", '[]', '1', "'a'", 'True', '{}']) add(d);
      break;
    case 'list':
    case 'tuple':
    case 'set': {
      const [open, close] = kind === 'list' ? ['[', ']'] : kind === 'tuple' ? ['(', ')'] : ['{', '}'];
      const items = text === 'set()' ? [] : topLevelItems(text.slice(1, -1));
      const seq = (xs: string[]) => (xs.length === 0 ? (kind === 'set' ? 'set()' : `${open}${close}`) : kind === 'tuple' && xs.length === 1 ? `(${xs[0]},)` : `${open}${xs.join(', ')}${close}`);
      add(seq([]));
      // The same items without a length or an index (a generator's): code that takes either
      // often has a branch for each (`len(seq)` in a `try`, `except TypeError`).
      if (items.length > 0) add(`iter(${text})`);
      const filler = items.length > 0 ? items : ints.length > 0 ? ints.slice(0, 1) : ['1'];
      for (const n of hints.lengths) add(seq(Array.from({ length: n }, (_, i) => kind === 'set' ? String(i) : filler[i % filler.length]!)));
      if (items.length > 0) {
        add(seq(items.slice(0, 1)));
        add(seq([...items].reverse()));
        add(seq([...items, items[items.length - 1]!]));
        add(seq(items.slice(0, -1)));
      }
      add(seq(['None']));
      break;
    }
    case 'dict':
      add('{}');
      break;
    default:
      addOtherNames();
      add('None');
      // A callable (a builtin, an operator, a lambda): plain Python functions in its place, which
      // inspect.signature reads and which take any argument (a builtin type has no signature).
      if (CALLABLE_TEXT.test(text.trim())) for (const f of SAMPLE_LAMBDAS) add(f);
  }
  for (const v of observed.get(kind) ?? []) add(v);
  // Another kind last: the `else` of an isinstance check, the error for a wrong type.
  const other = CROSS_KIND[kind];
  if (other) for (const v of other) add(v);
  return out.slice(0, max);
}

const MAX_INSERTED = 2;

/**
 * `text` (a string literal) with each of the first few short hint strings inserted in its middle
 * and before its last character: the input a tokenizer needs to meet that character inside a
 * token rather than alone. Escapes are kept whole; a hint holding the other quote is skipped.
 */
export function insertions(text: string, strings: readonly string[]): string[] {
  const m = /^([uU]?)(['"])(.*)\2$/s.exec(text);
  if (!m) return [];
  const prefix = m[1]!;
  const quote = m[2]!;
  const units: string[] = m[3]!.match(/\\.|[^\\]/gs) ?? [];
  if (units.length < 2) return [];
  const out: string[] = [];
  let used = 0;
  for (const hint of strings) {
    if (used >= MAX_INSERTED) break;
    const h = /^([uU]?)(['"])(.*)\2$/s.exec(hint);
    if (!h || h[3]!.length === 0) continue;
    const hintUnits: string[] = h[3]!.match(/\\.|[^\\]/gs) ?? [];
    if (hintUnits.length > 3 || hintUnits.includes(quote)) continue;
    used++;
    for (const at of [Math.floor(units.length / 2), units.length - 1]) {
      const v = `${prefix}${quote}${[...units.slice(0, at), ...hintUnits, ...units.slice(at)].join('')}${quote}`;
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}

/** `word` as a word of `text`: not inside another, nor glued to an escape's letter (`\nTypeVar`). */
function alone(word: string, flags = ''): RegExp {
  return new RegExp(`(?<=^|[^\\w]|\\\\[ntr])${word}(?![\\w])`, flags);
}

/** The one-line string literals written in `code`, each once, in order. */
export function stringLiterals(code: string): string[] {
  return [...new Set(code.match(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g) ?? [])];
}

/** Whether a string literal in `code` holds one of `words` as a word (see swaps). */
export function holdsWord(code: string, words: Iterable<string>): boolean {
  const literals = stringLiterals(code);
  return [...words].some((w) => {
    const at = alone(w);
    return literals.some((l) => at.test(l));
  });
}

/** How many word swaps one string argument gets. */
const MAX_SWAPS = 6;

/**
 * The string `text` (a program, a query, a command line) with a word the function compares with
 * (a key of `words`: `TypeVar`) replaced, wherever it stands as a word, by one it compares with in
 * the same place near the missed lines (`TypedDict`): the same input, steered into the sibling branch
 * (`elif _is_typing(node.func, "TypedDict")`). The first MAX_SWAPS, in the order of the words.
 */
export function swaps(text: string, words: ReadonlyMap<string, readonly string[]>): string[] {
  const m = /^([rRuU]?)(['"])(.*)\2$/s.exec(text);
  if (!m) return [];
  const [, prefix, quote, body] = m as unknown as [string, string, string, string];
  const out: string[] = [];
  for (const [word, into] of words) {
    if (!alone(word).test(body)) continue;
    const at = alone(word, 'g');
    for (const other of into) {
      if (out.length >= MAX_SWAPS) return out;
      if (alone(other).test(body)) continue;
      const v = `${prefix}${quote}${body.replace(at, other)}${quote}`;
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}

function upper(text: string): string | null {
  const m = /^([rRuU]?)(['"])(.*)\2$/.exec(text);
  if (!m) return null;
  const up = m[3]!.replace(/\\.|./g, (c) => (c.length === 1 ? c.toUpperCase() : c));
  return up === m[3] ? null : `${m[1]}${m[2]}${up}${m[2]}`;
}
