/**
 * The outline of a module (outline.ts) found without tree-sitter, for `plan --all` on thousands
 * of modules: a tokenizer and a recursive-descent check of ordinary Python 3, in plain
 * JavaScript, about twenty times faster than a tree-sitter parse.
 *
 * It answers only where it is certain that tree-sitter parses the module without an error and
 * that its outline is outlinePython()'s, field for field: it accepts a strict subset of Python
 * (spaces-only indentation, ASCII outside strings and comments; no f-string interpolations,
 * `match`/`type` statements, walrus, `except*`, type parameters, async comprehensions,
 * print/exec statements, ...), and checks every statement and expression against the grammar
 * (assignment targets included). Anything else, and any syntax error, gives null: the caller
 * then parses the module with tree-sitter. test/unit/python/outline-scan.test.ts compares both on
 * real packages, on the benchmark's repository and on generated and hostile sources.
 */
import type { FunctionKind, ParsedModule, PyFunction } from './model.js';
import { plainStringText } from './literals.js';
import { normaliseSource } from './parser.js';
import { methodKind, qualify } from './structure.js';

const NAME: number = 1;
const NUMBER: number = 2;
const STRING: number = 3;
const OP: number = 4;
const NEWLINE: number = 5;
const INDENT: number = 6;
const DEDENT: number = 7;
const END: number = 8;

/** Thrown (and caught in scanOutline) when the module is not one this scanner is sure of. */
class Unsure extends Error {}
const UNSURE = new Unsure('unsure');
function unsure(): never {
  throw UNSURE;
}

/** Deeper than this (expressions, blocks), tree-sitter decides. */
const MAX_DEPTH = 100;

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

/** Names that start statements tree-sitter's grammar reads in its own way (soft keywords, Python 2's statements). */
const SOFT_STATEMENT_STARTS = new Set(['match', 'case', 'type', 'print', 'exec']);

const STRING_PREFIXES = new Set(['', 'r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf']);

/** The one-character operators and delimiters, by character code. */
const OPS1: Array<string | undefined> = [];
for (const op of '+-*/%@&|^~<>()[]{},:;.=') OPS1[op.charCodeAt(0)] = op;
/** Characters that take a `=` after them as one operator (`+=`, `==`, `!=`, ...). */
const BEFORE_EQUALS = new Set([...'+-*/%@&|^<>=!'].map((c) => c.charCodeAt(0)));
/** Characters that double as one operator (`**`, `//`, `>>`, `<<`), and then may take a `=`. */
const DOUBLING = new Set([...'*/><'].map((c) => c.charCodeAt(0)));

/** The operator or delimiter at `pos`, whose first character is `c`; Unsure for anything else (`!`, `:=`, `$`, ...). */
function operatorAt(text: string, pos: number, c: number): string {
  const next = text.charCodeAt(pos + 1);
  if (DOUBLING.has(c) && next === c) return text.slice(pos, text.charCodeAt(pos + 2) === 61 ? pos + 3 : pos + 2);
  if (next === 61 && BEFORE_EQUALS.has(c)) return text.slice(pos, pos + 2);
  if (c === 45 && next === 62) return '->';
  if (c === 46 && next === 46 && text.charCodeAt(pos + 2) === 46) return '...';
  return OPS1[c] ?? unsure();
}
const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '@=', '&=', '|=', '^=', '>>=', '<<=', '**=']);
const COMPARISONS = new Set(['<', '>', '==', '>=', '<=', '!=']);
const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

const NUMBER_RE =
  /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:[1-9](?:_?\d)*|0(?:_?0)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/y;
/** What a number may not be followed by (`1if`, `0x1g`, `1.__add__`, `07`): tree-sitter decides those. */
const AFTER_NUMBER = /[A-Za-z0-9_.]/;

/**
 * The tokens of a module, column by column. One set of arrays is reused from module to module
 * (scanOutline() runs to completion, never twice at once): thousands of modules in a row
 * otherwise allocate and collect a few hundred thousand small arrays.
 */
class Tokens {
  count = 0;
  kind = new Int32Array(4096);
  text: string[] = [];
  start = new Int32Array(4096);
  end = new Int32Array(4096);
  /** 0-based rows where the token starts and ends. */
  row = new Int32Array(4096);
  endRow = new Int32Array(4096);

  reset(): void {
    this.count = 0;
    this.text.length = 0;
  }

  push(kind: number, value: string, start: number, end: number, row: number, endRow: number): void {
    const i = this.count++;
    if (i === this.kind.length) this.grow();
    this.kind[i] = kind;
    this.text[i] = value;
    this.start[i] = start;
    this.end[i] = end;
    this.row[i] = row;
    this.endRow[i] = endRow;
  }

  private grow(): void {
    const more = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.kind = more(this.kind);
    this.start = more(this.start);
    this.end = more(this.end);
    this.row = more(this.row);
    this.endRow = more(this.endRow);
  }
}

const shared = new Tokens();

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** Python's tokens of `text` (LF line ends), with INDENT/DEDENT/NEWLINE; throws Unsure on anything out of the subset. */
function tokenize(text: string): Tokens {
  const t = shared;
  t.reset();
  const n = text.length;
  const indents = [0];
  const brackets: string[] = [];
  let pos = 0;
  let row = 0;
  let lineStart = true;
  while (pos < n) {
    if (lineStart && brackets.length === 0) {
      let col = 0;
      while (pos < n && text.charCodeAt(pos) === 32) {
        pos++;
        col++;
      }
      if (pos >= n) break;
      const c = text.charCodeAt(pos);
      if (c === 10) {
        pos++;
        row++;
        continue;
      }
      if (c === 35) {
        const nl = text.indexOf('\n', pos);
        pos = nl < 0 ? n : nl;
        continue;
      }
      if (c !== 32 && c < 33) unsure(); // a tab, form feed or other control in the indentation
      if (c === 92) unsure(); // a line continuation before the first token
      const top = indents[indents.length - 1]!;
      if (col > top) {
        indents.push(col);
        t.push(INDENT, '', pos, pos, row, row);
      } else if (col < top) {
        while (col < indents[indents.length - 1]!) {
          indents.pop();
          t.push(DEDENT, '', pos, pos, row, row);
        }
        if (col !== indents[indents.length - 1]) unsure();
      }
      lineStart = false;
    }
    const c = text.charCodeAt(pos);
    if (c === 32 || c === 9) {
      pos++;
      continue;
    }
    if (c === 35) {
      const nl = text.indexOf('\n', pos);
      pos = nl < 0 ? n : nl;
      continue;
    }
    if (c === 10) {
      if (brackets.length === 0) {
        t.push(NEWLINE, '', pos, pos + 1, row, row);
        lineStart = true;
      }
      pos++;
      row++;
      continue;
    }
    if (c === 92) {
      if (text.charCodeAt(pos + 1) !== 10) unsure();
      pos += 2;
      row++;
      // A continuation into a blank or comment line, or the end of the file: tree-sitter decides.
      let p = pos;
      while (p < n && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
      if (p >= n || text.charCodeAt(p) === 10 || text.charCodeAt(p) === 35 || text.charCodeAt(p) === 92) unsure();
      continue;
    }
    if (isNameStart(c)) {
      const from = pos;
      pos++;
      while (pos < n && isNameChar(text.charCodeAt(pos))) pos++;
      const next = text.charCodeAt(pos);
      if (next === 34 || next === 39) {
        const prefix = text.slice(from, pos).toLowerCase();
        if (!STRING_PREFIXES.has(prefix)) unsure();
        const to = scanString(text, pos, prefix);
        const endRow = row + countNewlines(text, from, to);
        t.push(STRING, '', from, to, row, endRow);
        row = endRow;
        pos = to;
        continue;
      }
      if (next >= 128) unsure();
      t.push(NAME, text.slice(from, pos), from, pos, row, row);
      continue;
    }
    if (c === 34 || c === 39) {
      const to = scanString(text, pos, '');
      const endRow = row + countNewlines(text, pos, to);
      t.push(STRING, '', pos, to, row, endRow);
      row = endRow;
      pos = to;
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && text.charCodeAt(pos + 1) >= 48 && text.charCodeAt(pos + 1) <= 57)) {
      NUMBER_RE.lastIndex = pos;
      const m = NUMBER_RE.exec(text);
      if (!m) unsure();
      const to = pos + m[0].length;
      if (to < n && (AFTER_NUMBER.test(text[to]!) || text.charCodeAt(to) >= 128)) unsure();
      t.push(NUMBER, m[0], pos, to, row, row);
      pos = to;
      continue;
    }
    const op = operatorAt(text, pos, c);
    if (op === '(' || op === '[' || op === '{') brackets.push(CLOSING[op]!);
    else if (op === ')' || op === ']' || op === '}') {
      if (brackets.pop() !== op) unsure();
    }
    t.push(OP, op, pos, pos + op.length, row, row);
    pos += op.length;
  }
  if (brackets.length > 0) unsure();
  if (!lineStart) t.push(NEWLINE, '', n, n, row, row);
  for (let i = 1; i < indents.length; i++) t.push(DEDENT, '', n, n, row, row);
  t.push(END, '', n, n, row, row);
  return t;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * The end of the string literal whose quote is at `pos`. Single-quoted strings stay on their
 * line (a backslash-newline inside one: tree-sitter decides); an f-string may hold no
 * interpolation, bytes only ASCII.
 */
function scanString(text: string, pos: number, prefix: string): number {
  const quote = text.charCodeAt(pos);
  const triple = text.charCodeAt(pos + 1) === quote && text.charCodeAt(pos + 2) === quote;
  const n = text.length;
  const bodyStart = pos + (triple ? 3 : 1);
  const formatted = prefix.includes('f');
  const bytes = prefix.includes('b');
  let i = bodyStart;
  for (;;) {
    if (i >= n) unsure();
    const c = text.charCodeAt(i);
    if (c === 92) {
      const next = text.charCodeAt(i + 1);
      if (next === 10 && !triple) unsure();
      if (bytes && next >= 128) unsure();
      if (formatted && (next === 123 || next === 125)) unsure();
      i += 2;
      continue;
    }
    if (c === quote) {
      if (!triple) return i + 1;
      if (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) return i + 3;
    } else if (c === 10 && !triple) unsure();
    else if (bytes && c >= 128) unsure();
    else if (formatted && (c === 123 || c === 125)) {
      if (text.charCodeAt(i + 1) !== c) unsure();
      i += 2;
      continue;
    }
    i++;
  }
}

/** An open definition while its body is read. */
interface Scope {
  qualname: string;
  kind: 'class' | 'function';
  fn: PyFunction | null;
}

/** What an expression can stand for on the left of `=`: used to accept only the targets tree-sitter reads as such. */
const T_OTHER = 0;
/** A name, attribute or subscript: a target anywhere. */
const T_SIMPLE = 1;
/** A parenthesised or bracketed sequence of targets with a comma, or a starred target. */
const T_SEQUENCE = 2;
/** An unparenthesised comma sequence of targets. */
const T_BARE_SEQUENCE = 3;

class Parser {
  private i = 0;
  private depth = 0;
  /** Row where the last real token (not NEWLINE/INDENT/DEDENT) ends. */
  private lastRow = 0;
  readonly functions: PyFunction[] = [];
  private readonly open: Scope[] = [];

  constructor(
    private readonly t: Tokens,
    private readonly source: string,
  ) {}

  private get kind(): number {
    return this.t.kind[this.i]!;
  }

  private get value(): string {
    return this.t.text[this.i]!;
  }

  private is(value: string): boolean {
    const k = this.t.kind[this.i];
    return (k === OP || k === NAME) && this.t.text[this.i] === value;
  }

  private isOp(value: string): boolean {
    return this.t.kind[this.i] === OP && this.t.text[this.i] === value;
  }

  private isKw(value: string): boolean {
    return this.t.kind[this.i] === NAME && this.t.text[this.i] === value;
  }

  private advance(): void {
    const k = this.t.kind[this.i]!;
    if (k === END) unsure();
    if (k !== NEWLINE && k !== INDENT && k !== DEDENT) this.lastRow = this.t.endRow[this.i]!;
    this.i++;
  }

  private expect(value: string): void {
    if (!this.is(value)) unsure();
    this.advance();
  }

  private expectKind(kind: number): void {
    if (this.kind !== kind) unsure();
    this.advance();
  }

  private name(): string {
    if (this.kind !== NAME || KEYWORDS.has(this.value)) unsure();
    const v = this.value;
    this.advance();
    return v;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) unsure();
  }

  // ---- statements ----

  file(): void {
    while (this.kind !== END) this.statement();
  }

  private statement(): void {
    const v = this.value;
    if (this.kind === NAME) {
      switch (v) {
        case 'def':
        case 'class':
        case 'async':
          if (v !== 'async' || this.t.text[this.i + 1] === 'def') return this.definition(this.i);
          this.advance();
          if (this.isKw('for')) return this.forStatement();
          if (this.isKw('with')) return this.withStatement();
          return unsure();
        case 'if':
          return this.ifStatement();
        case 'while':
          this.advance();
          this.test();
          this.suite();
          if (this.isKw('else')) this.elseClause();
          return;
        case 'for':
          return this.forStatement();
        case 'try':
          return this.tryStatement();
        case 'with':
          return this.withStatement();
      }
    } else if (this.isOp('@')) {
      return this.definition(this.i);
    }
    this.simpleStatements();
  }

  private elseClause(): void {
    this.advance();
    this.suite();
  }

  private ifStatement(): void {
    this.advance();
    this.test();
    this.suite();
    while (this.isKw('elif')) {
      this.advance();
      this.test();
      this.suite();
    }
    if (this.isKw('else')) this.elseClause();
  }

  private forStatement(): void {
    this.advance();
    this.targetList();
    this.expect('in');
    this.testList();
    this.suite();
    if (this.isKw('else')) this.elseClause();
  }

  private tryStatement(): void {
    this.advance();
    this.suite();
    let handlers = 0;
    while (this.isKw('except')) {
      this.advance();
      if (this.isOp('*')) unsure();
      if (!this.isOp(':')) {
        this.test();
        if (this.isKw('as')) {
          this.advance();
          this.name();
        }
      }
      this.suite();
      handlers++;
    }
    if (handlers > 0 && this.isKw('else')) this.elseClause();
    if (this.isKw('finally')) this.elseClause();
    else if (handlers === 0) unsure();
  }

  private withStatement(): void {
    this.advance();
    do {
      this.test();
      if (this.isKw('as')) {
        this.advance();
        this.target();
      }
    } while (this.comma());
    this.suite();
  }

  /** Consumes a comma when there is one. */
  private comma(): boolean {
    if (!this.isOp(',')) return false;
    this.advance();
    return true;
  }

  /** `:` then a block, or simple statements on the same line. */
  private suite(): void {
    this.expect(':');
    this.enter();
    if (this.kind === NEWLINE) {
      this.advance();
      this.expectKind(INDENT);
      do this.statement();
      while (this.kind !== DEDENT);
      this.advance();
    } else {
      this.simpleStatements();
    }
    this.depth--;
  }

  private simpleStatements(): void {
    for (;;) {
      this.smallStatement();
      if (!this.isOp(';')) break;
      this.advance();
      if (this.kind === NEWLINE) break;
    }
    this.expectKind(NEWLINE);
  }

  private smallStatement(): void {
    if (this.kind === NAME) {
      switch (this.value) {
        case 'pass':
        case 'break':
        case 'continue':
          return this.advance();
        case 'return':
          this.advance();
          if (!this.endOfSmall()) this.starredList();
          return;
        case 'raise':
          this.advance();
          if (!this.endOfSmall()) {
            this.test();
            if (this.isKw('from')) {
              this.advance();
              this.test();
            }
          }
          return;
        case 'global':
        case 'nonlocal':
          this.advance();
          do this.name();
          while (this.comma());
          return;
        case 'del':
          this.advance();
          this.targetList();
          return;
        case 'assert':
          this.advance();
          this.test();
          if (this.comma()) this.test();
          return;
        case 'import':
          this.advance();
          do {
            this.dottedName();
            if (this.isKw('as')) {
              this.advance();
              this.name();
            }
          } while (this.comma());
          return;
        case 'from':
          return this.fromImport();
        default:
          if (SOFT_STATEMENT_STARTS.has(this.value) && this.t.kind[this.i + 1] !== OP) unsure();
      }
    }
    this.expressionStatement();
  }

  private endOfSmall(): boolean {
    return this.kind === NEWLINE || this.isOp(';');
  }

  private dottedName(): void {
    this.name();
    while (this.isOp('.')) {
      this.advance();
      this.name();
    }
  }

  private fromImport(): void {
    this.advance();
    let dots = 0;
    while (this.isOp('.') || this.isOp('...')) {
      dots++;
      this.advance();
    }
    const future = dots === 0 && this.isKw('__future__');
    if (!this.isKw('import')) this.dottedName();
    else if (dots === 0) unsure();
    this.expect('import');
    if (this.isOp('*')) {
      // tree-sitter's grammar has no `from __future__ import *` (Python rejects it too).
      if (future) unsure();
      return this.advance();
    }
    const parenthesised = this.isOp('(');
    if (parenthesised) this.advance();
    do {
      if (parenthesised && this.isOp(')')) break;
      this.name();
      if (this.isKw('as')) {
        this.advance();
        this.name();
      }
    } while (this.comma());
    if (parenthesised) this.expect(')');
  }

  private expressionStatement(): void {
    if (this.isKw('yield')) {
      this.yieldExpression();
      return;
    }
    // A statement that starts with a star and assigns nothing (`*a, b`): Python takes it,
    // tree-sitter's grammar does not; tree-sitter decides.
    const starred = this.isOp('*');
    const first = this.starredList();
    if (starred && !this.isOp('=')) unsure();
    if (this.isOp('=')) {
      let target = first;
      while (this.isOp('=')) {
        if (target === T_OTHER) unsure();
        this.advance();
        target = this.isKw('yield') ? (this.yieldExpression(), T_OTHER) : this.starredList();
      }
    } else if (this.kind === OP && AUGMENTED.has(this.value)) {
      if (first !== T_SIMPLE) unsure();
      this.advance();
      if (this.isKw('yield')) this.yieldExpression();
      else this.testList();
    } else if (this.isOp(':')) {
      if (first !== T_SIMPLE) unsure();
      this.advance();
      this.test();
      if (this.isOp('=')) {
        this.advance();
        if (this.isKw('yield')) this.yieldExpression();
        else this.starredList();
      }
    }
  }

  private yieldExpression(): void {
    this.advance();
    if (this.isKw('from')) {
      this.advance();
      this.test();
    } else if (!this.endOfSmall() && !this.isOp(')') && !this.isOp('=')) {
      this.starredList();
    }
  }

  /** Targets of `for`, `del`: a comma list of targets. */
  private targetList(): void {
    const shape = this.exprList();
    if (shape === T_OTHER) unsure();
  }

  private target(): void {
    const shape = this.exprList(true);
    if (shape === T_OTHER || shape === T_BARE_SEQUENCE) unsure();
  }

  /** `expr (, expr)*` with stars (targets of `for`, `del`), as a target shape. */
  private exprList(single = false): number {
    let shape = this.starOr(() => this.orExpr());
    if (this.lastWasStar && (single || !this.isOp(','))) unsure();
    if (single || !this.isOp(',')) return shape;
    while (this.comma()) {
      if (this.isKw('in') || this.isOp('=') || this.isOp(':') || this.kind === NEWLINE || this.isOp(';')) break;
      if (this.starOr(() => this.orExpr()) === T_OTHER) shape = T_OTHER;
    }
    return shape === T_OTHER ? T_OTHER : T_BARE_SEQUENCE;
  }

  private lastWasStar = false;

  /** `*expr` or what `parse` reads, as a target shape. */
  private starOr(parse: () => number): number {
    if (this.isOp('*')) {
      this.advance();
      const inner = this.orExpr();
      this.lastWasStar = true;
      return inner === T_SIMPLE ? T_SEQUENCE : T_OTHER;
    }
    const shape = parse();
    this.lastWasStar = false;
    return shape;
  }

  /** `test|star (, test|star)* [,]` (the right and left sides of `=`, `return`), as a target shape. */
  private starredList(): number {
    let shape = this.starOr(() => this.test());
    if (!this.isOp(',')) {
      if (this.lastWasStar) unsure();
      return shape;
    }
    while (this.comma()) {
      if (this.atListEnd()) break;
      if (this.starOr(() => this.test()) === T_OTHER) shape = T_OTHER;
    }
    return shape === T_OTHER ? T_OTHER : T_BARE_SEQUENCE;
  }

  private atListEnd(): boolean {
    const k = this.kind;
    if (k === NEWLINE) return true;
    if (k !== OP) return false;
    const v = this.value;
    return v === ';' || v === '=' || v === ')' || v === ']' || v === '}' || v === ':' || AUGMENTED.has(v);
  }

  private testList(): void {
    do {
      if (this.atListEnd()) break;
      this.test();
    } while (this.comma());
  }

  // ---- definitions ----

  private definition(startToken: number): void {
    const t = this.t;
    const decorators: string[] = [];
    while (this.isOp('@')) {
      this.advance();
      const from = t.start[this.i]!;
      this.test();
      decorators.push(this.source.slice(from, t.end[this.i - 1]!));
      this.expectKind(NEWLINE);
    }
    const defToken = this.i;
    const isAsync = this.isKw('async');
    if (isAsync) this.advance();
    const isClass = this.isKw('class');
    if (!isClass && !this.isKw('def')) unsure();
    if (isAsync && isClass) unsure();
    this.advance();
    const name = this.name();
    const scope = this.open[this.open.length - 1] ?? null;
    const qualname = qualify(scope?.qualname ?? null, name);
    const startLine = t.row[startToken]! + 1;
    if (isClass) {
      if (this.isOp('(')) {
        this.advance();
        if (!this.isOp(')')) this.argumentList();
        this.expect(')');
      }
      this.open.push({ qualname, kind: 'class', fn: null });
      this.suite();
      this.open.pop();
      this.closeNested(startLine);
      return;
    }
    this.expect('(');
    this.parameters(')', true);
    this.expect(')');
    if (this.isOp('->')) {
      this.advance();
      this.test();
    }
    let kind: FunctionKind = 'function';
    if (scope?.kind === 'function') kind = 'nested';
    else if (scope?.kind === 'class') kind = methodKind(decorators);
    const fn: PyFunction = {
      name,
      qualname,
      kind,
      isAsync,
      className: scope?.kind === 'class' ? scope.qualname : null,
      parentQualname: scope?.qualname ?? null,
      startLine,
      defLine: t.row[defToken]! + 1,
      endLine: 0,
      bodyStartLine: 0,
      bodyEndLine: 0,
      decorators: [],
      parameters: [],
      returnAnnotation: null,
      docstring: null,
      raises: [],
      nestedRanges: [],
    };
    this.functions.push(fn);
    // The body's first statement: after `:` (and NEWLINE INDENT for a block).
    let first = this.i + 1;
    if (t.kind[first] === NEWLINE) first += 2;
    fn.bodyStartLine = t.row[first]! + 1;
    if (t.kind[first] === STRING && (t.kind[first + 1] === NEWLINE || (t.kind[first + 1] === OP && t.text[first + 1] === ';'))) {
      fn.docstring = plainStringText(this.source.slice(t.start[first], t.end[first]));
    }
    this.open.push({ qualname, kind: 'function', fn });
    this.suite();
    this.open.pop();
    fn.endLine = this.lastRow + 1;
    fn.bodyEndLine = fn.endLine;
    this.closeNested(startLine);
    fn.nestedRanges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  /** The definition that started on `startLine` has just ended: the functions around it hold its lines. */
  private closeNested(startLine: number): void {
    const endLine = this.lastRow + 1;
    for (const s of this.open) s.fn?.nestedRanges.push([startLine, endLine]);
  }

  /** Parameters of a `def` (annotated) or a lambda, up to `close`. */
  private parameters(close: string, annotated: boolean): void {
    while (!this.isOp(close)) {
      if (this.isOp('/')) this.advance();
      else if (this.isOp('*') || this.isOp('**')) {
        const double = this.isOp('**');
        this.advance();
        if (double || !(this.isOp(',') || this.isOp(close))) {
          this.name();
          if (annotated && this.isOp(':')) {
            this.advance();
            this.test();
          }
        }
      } else {
        this.name();
        if (annotated && this.isOp(':')) {
          this.advance();
          this.test();
        }
        if (this.isOp('=')) {
          this.advance();
          this.test();
        }
      }
      if (!this.comma()) break;
    }
  }

  // ---- expressions ----

  /** A conditional expression or lambda; its target shape. */
  private test(): number {
    // Most expressions are one name, number or string before a delimiter: read at once.
    const k = this.kind;
    if ((k === NAME || k === NUMBER || k === STRING) && this.endsExpression(this.i + 1)) {
      if (k !== NAME) {
        this.advance();
        return T_OTHER;
      }
      const v = this.value;
      if (!KEYWORDS.has(v)) {
        this.advance();
        return T_SIMPLE;
      }
      if (v === 'None' || v === 'True' || v === 'False') {
        this.advance();
        return T_OTHER;
      }
    }
    if (this.isKw('lambda')) {
      this.lambda();
      return T_OTHER;
    }
    const shape = this.orTest();
    if (this.isKw('if')) {
      this.advance();
      this.orTest();
      this.expect('else');
      this.test();
      return T_OTHER;
    }
    return shape;
  }

  /** Whether token `j` ends any expression before it: a line end or a delimiter no operator starts with. */
  private endsExpression(j: number): boolean {
    const k = this.t.kind[j];
    if (k === NEWLINE) return true;
    if (k !== OP) return false;
    const v = this.t.text[j];
    return v === ',' || v === ')' || v === ']' || v === '}' || v === ':' || v === '=' || v === ';';
  }

  private lambda(): void {
    this.advance();
    this.parameters(':', false);
    this.expect(':');
    this.test();
  }

  private orTest(): number {
    let shape = this.andTest();
    while (this.isKw('or')) {
      this.advance();
      this.andTest();
      shape = T_OTHER;
    }
    return shape;
  }

  private andTest(): number {
    let shape = this.notTest();
    while (this.isKw('and')) {
      this.advance();
      this.notTest();
      shape = T_OTHER;
    }
    return shape;
  }

  private notTest(): number {
    if (this.isKw('not')) {
      this.enter();
      this.advance();
      this.notTest();
      this.depth--;
      return T_OTHER;
    }
    return this.comparison();
  }

  private comparison(): number {
    let shape = this.orExpr();
    for (;;) {
      if (this.kind === OP && COMPARISONS.has(this.value)) this.advance();
      else if (this.isKw('in')) this.advance();
      else if (this.isKw('not') && this.t.kind[this.i + 1] === NAME && this.t.text[this.i + 1] === 'in') {
        this.advance();
        this.advance();
      } else if (this.isKw('is')) {
        this.advance();
        if (this.isKw('not')) this.advance();
      } else return shape;
      this.orExpr();
      shape = T_OTHER;
    }
  }

  /** Binary operators from `|` down to `**`, unary `+ - ~`, `await`. */
  private orExpr(): number {
    let shape = this.unary();
    for (;;) {
      if (this.kind !== OP) return shape;
      const v = this.value;
      if (v === '|' || v === '^' || v === '&' || v === '<<' || v === '>>' || v === '+' || v === '-' || v === '*' || v === '@' || v === '/' || v === '%' || v === '//') {
        this.advance();
        this.unary();
        shape = T_OTHER;
      } else return shape;
    }
  }

  private unary(): number {
    if (this.isOp('+') || this.isOp('-') || this.isOp('~')) {
      this.enter();
      this.advance();
      this.unary();
      this.depth--;
      return T_OTHER;
    }
    let shape: number;
    if (this.isKw('await')) {
      this.advance();
      this.primary();
      shape = T_OTHER;
    } else {
      shape = this.primary();
    }
    if (this.isOp('**')) {
      this.advance();
      this.unary();
      return T_OTHER;
    }
    return shape;
  }

  private primary(): number {
    let shape = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.advance();
        this.name();
        shape = T_SIMPLE;
      } else if (this.isOp('(')) {
        this.advance();
        if (!this.isOp(')')) this.argumentList();
        this.expect(')');
        shape = T_OTHER;
      } else if (this.isOp('[')) {
        this.advance();
        this.subscripts();
        this.expect(']');
        shape = T_SIMPLE;
      } else return shape;
    }
  }

  private atom(): number {
    const k = this.kind;
    if (k === NAME) {
      const v = this.value;
      if (v === 'None' || v === 'True' || v === 'False') {
        this.advance();
        return T_OTHER;
      }
      this.name();
      return T_SIMPLE;
    }
    if (k === NUMBER) {
      this.advance();
      return T_OTHER;
    }
    if (k === STRING) {
      while (this.kind === STRING) this.advance();
      return T_OTHER;
    }
    if (k !== OP) return unsure();
    const v = this.value;
    if (v === '...') {
      this.advance();
      return T_OTHER;
    }
    if (v !== '(' && v !== '[' && v !== '{') return unsure();
    this.enter();
    this.advance();
    let shape = T_OTHER;
    if (v === '(') {
      if (this.isKw('yield')) this.yieldExpression();
      else if (!this.isOp(')')) shape = this.sequence(')', true);
    } else if (v === '[') {
      if (!this.isOp(']')) shape = this.sequence(']', false);
    } else if (!this.isOp('}')) this.dictOrSet();
    this.expect(CLOSING[v]!);
    this.depth--;
    return shape;
  }

  /** The inside of `( )` or `[ ]`: one element with a comprehension, or a comma list; its target shape. */
  private sequence(close: string, parenthesised: boolean): number {
    let shape = this.starOr(() => this.test());
    const starred = this.lastWasStar;
    if (this.isKw('for') || this.isKw('async')) {
      if (starred) unsure();
      this.comprehension();
      return T_OTHER;
    }
    let commas = 0;
    while (this.comma()) {
      commas++;
      if (this.isOp(close)) break;
      if (this.starOr(() => this.test()) === T_OTHER) shape = T_OTHER;
    }
    if (parenthesised && commas === 0 && starred) unsure();
    if (shape === T_OTHER) return T_OTHER;
    // `(a)` is an expression in parentheses; tree-sitter reads it as a target only in some places.
    if (parenthesised && commas === 0) return T_OTHER;
    return T_SEQUENCE;
  }

  private comprehension(): void {
    while (this.isKw('for') || this.isKw('async')) {
      if (this.isKw('async')) unsure();
      this.advance();
      if (this.exprList() === T_OTHER) unsure();
      this.expect('in');
      this.orTest();
      while (this.isKw('if')) {
        this.advance();
        if (this.isKw('lambda')) unsure();
        this.orTest();
      }
    }
  }

  private dictOrSet(): void {
    let dict: boolean;
    let unpacked = false;
    if (this.isOp('**') || this.isOp('*')) {
      dict = this.isOp('**');
      unpacked = true;
      this.advance();
      this.orExpr();
    } else {
      this.test();
      dict = this.isOp(':');
      if (dict) {
        this.advance();
        this.test();
      }
    }
    if (this.isKw('for') || this.isKw('async')) {
      // `{**a for ...}` is not Python, nor tree-sitter's; `{*a for ...}` neither Python's.
      if (unpacked) unsure();
      this.comprehension();
      return;
    }
    while (this.comma()) {
      if (this.isOp('}')) break;
      if (dict) {
        if (this.isOp('**')) {
          this.advance();
          this.orExpr();
        } else {
          this.test();
          this.expect(':');
          this.test();
        }
      } else if (this.isOp('*')) {
        this.advance();
        this.orExpr();
      } else {
        this.test();
      }
    }
  }

  private argumentList(): void {
    let first = true;
    do {
      if (this.isOp(')')) break;
      if (this.isOp('*') || this.isOp('**')) {
        this.advance();
        this.test();
      } else if (this.kind === NAME && this.t.kind[this.i + 1] === OP && this.t.text[this.i + 1] === '=') {
        this.name();
        this.advance();
        this.test();
      } else {
        this.test();
        if (this.isKw('for') || this.isKw('async')) {
          // A generator as the only argument.
          if (!first) unsure();
          this.comprehension();
          if (!this.isOp(')')) unsure();
          return;
        }
      }
      first = false;
    } while (this.comma());
  }

  private subscripts(): void {
    do {
      if (this.isOp(']')) break;
      if (this.isOp('*')) unsure();
      if (!this.isOp(':')) this.test();
      if (this.isOp(':')) {
        this.advance();
        if (!this.isOp(':') && !this.isOp(',') && !this.isOp(']')) this.test();
        if (this.isOp(':')) {
          this.advance();
          if (!this.isOp(',') && !this.isOp(']')) this.test();
        }
      }
    } while (this.comma());
  }
}

/**
 * The outline of `source`, the same as outlinePython()'s, or null when this scanner is not sure
 * of it (see the top of this file).
 */
export function scanOutline(source: string): ParsedModule | null {
  const text = normaliseSource(source);
  if (text.includes('\0')) return null;
  try {
    const parser = new Parser(tokenize(text), text);
    parser.file();
    return { functions: parser.functions, classes: [], skipped: [], hasSyntaxErrors: false, firstError: null };
  } catch (error) {
    if (error === UNSURE || error instanceof RangeError) return null;
    throw error;
  }
}
