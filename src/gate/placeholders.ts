import type { Node, Tree } from 'web-tree-sitter';
import { withPythonTree } from '../python/parser.js';
import { ALLOW_COMMENT } from './allow-comment.js';
import { LineTable } from './positions.js';

/**
 * The placeholder gate's core: where the placeholder text is left inside Python string
 * literals of one source file. Pure (text in, findings out) apart from the shared parser.
 *
 * What counts is the literal text of every string literal tree-sitter finds: plain, raw,
 * byte, f- and t-strings, single or triple quoted, including strings nested in f-string
 * interpolations and the literal part of format specifiers (`f"{x:test_value}"`). The
 * expressions inside `{...}` are code, not literal text; strings inside them are scanned on
 * their own. Comments, identifiers and other code never count.
 *
 * A finding is allowed (left out) when the line it is on, or the line its string literal ends
 * on, ends with the comment `# smart-test: allow-placeholder`.
 *
 * A file with syntax errors is scanned where tree-sitter could still read string literals; a
 * string whose closing quote is missing (tree-sitter leaves an ERROR node holding only the
 * opening quote) is scanned up to the end of its line (or, for a triple-quoted one, up to the
 * next triple quote of the same kind or the end of the file), as Python's tokenizer would
 * have read it.
 */

export { ALLOW_COMMENT_TEXT } from './allow-comment.js';

export interface PlaceholderFinding {
  /** 1-based line of the placeholder text. */
  line: number;
  /** 1-based column of the placeholder's first character, counted in code points. */
  column: number;
  /** Qualified name of the enclosing definition (`test_add`, `TestCart.test_total`), or null at module level. */
  function: string | null;
  /** The source line holding the placeholder, without surrounding whitespace. */
  text: string;
}

export interface ScanResult {
  findings: PlaceholderFinding[];
  /** Position (1-based line, code-point column) of the first syntax error, or null when the file parses cleanly. */
  syntaxError: { line: number; column: number } | null;
}

/** Scans `text` (a whole Python file) for `placeholder` inside string literals. */
export async function scanSource(text: string, placeholder: string): Promise<ScanResult> {
  return withPythonTree(text, (tree) => scanTree(tree, text, placeholder));
}

/**
 * Scans an already parsed tree of `text`. The tree must be of exactly `text`.
 *
 * Works per occurrence of the placeholder text (found with indexOf), asking the tree only what
 * holds each one: cheap even for large files, since crossing into the wasm tree is what costs.
 */
export function scanTree(tree: Tree, text: string, placeholder: string): ScanResult {
  const root = tree.rootNode;
  const lines = new LineTable(text);
  const syntaxError = root.hasError ? lines.position(firstErrorNode(root).startIndex) : null;
  const findings: PlaceholderFinding[] = [];
  if (placeholder === '') return { findings, syntaxError };
  let unterminated: Segment[] | null = null;
  const allowCache = new Map<number, boolean>();
  const allowed = (row: number) => {
    let ok = allowCache.get(row);
    if (ok === undefined) allowCache.set(row, (ok = rowHasAllowComment(root, lines, row)));
    return ok;
  };

  for (let at = text.indexOf(placeholder); at >= 0; at = text.indexOf(placeholder, at + placeholder.length)) {
    const end = at + placeholder.length;
    let owner = literalHolding(root, at, end);
    let endRow: number;
    if (owner) endRow = lines.row(Math.max(owner.startIndex, outermostLiteral(owner).endIndex - 1));
    else {
      if (!root.hasError) continue;
      unterminated ??= unterminatedStrings(root, text, lines);
      const segment = unterminated.find((s) => s.start <= at && end <= s.end);
      if (!segment) continue;
      owner = segment.owner;
      endRow = segment.endRow;
    }
    const row = lines.row(at);
    if (allowed(row) || allowed(endRow)) continue;
    const { line, column } = lines.position(at);
    findings.push({ line, column, function: enclosingDefinition(owner), text: lines.lineText(row).trim() });
  }
  return { findings, syntaxError };
}

/**
 * The string literal (or f-string format specifier) whose literal text holds [start, end), or
 * null when that text is code (a name, an interpolation's expression), a comment, or spans
 * several tokens (`"test_" "value"`).
 */
function literalHolding(root: Node, start: number, end: number): Node | null {
  for (let n = root.descendantForIndex(start, end); n; n = n.parent) {
    switch (n.type) {
      case 'string': {
        const open = n.firstChild;
        const close = n.lastChild;
        const bodyStart = open?.type === 'string_start' ? open.endIndex : n.startIndex;
        const bodyEnd = close?.type === 'string_end' && !close.isMissing ? close.startIndex : n.endIndex;
        return bodyStart <= start && end <= bodyEnd ? n : null;
      }
      case 'format_specifier':
        return n;
      case 'interpolation':
      case 'comment':
      case 'concatenated_string':
      case 'module':
        return null;
    }
  }
  return null;
}

/** The outermost string holding `node` (a string nested in an f-string ends where its host does). */
function outermostLiteral(node: Node): Node {
  let outer = node;
  for (let p = node.parent; p; p = p.parent) if (p.type === 'string' || p.type === 'concatenated_string') outer = p;
  return outer;
}

/** True when line `row` ends with the allow comment, and that is a real comment (not text in a string). */
function rowHasAllowComment(root: Node, lines: LineTable, row: number): boolean {
  const line = lines.lineText(row);
  const m = ALLOW_COMMENT.exec(line);
  if (!m) return false;
  // The comment starts at the first "#" before the match that tree-sitter calls a comment.
  const at = lines.start(row) + m.index;
  const node = root.descendantForIndex(at, at + 1);
  return node?.type === 'comment';
}

interface Segment {
  start: number;
  end: number;
  owner: Node;
  endRow: number;
}

/**
 * Strings whose closing quote is missing: tree-sitter leaves an ERROR node holding only the
 * opening quote (`string_start`). Their text runs to the end of the line, or for a
 * triple-quoted one to the next triple quote of the same kind or the end of the file.
 */
function unterminatedStrings(root: Node, text: string, lines: LineTable): Segment[] {
  const segments: Segment[] = [];
  for (const node of root.descendantsOfType('string_start')) {
    if (!node || node.parent?.type === 'string') continue;
    const quote = /('''|"""|'|")$/.exec(node.text)?.[1];
    if (!quote) continue;
    const start = node.endIndex;
    let end: number;
    if (quote.length === 3) {
      const close = text.indexOf(quote, start);
      end = close < 0 ? text.length : close;
    } else {
      const nl = text.slice(start).search(/[\r\n]/);
      end = nl < 0 ? text.length : start + nl;
    }
    segments.push({ start, end, owner: node, endRow: lines.row(Math.max(start, end - 1)) });
  }
  return segments;
}

/**
 * Qualified name of the functions and classes around `node`, outermost first, joined with
 * dots (`TestCart.test_total`, `test_outer.helper`). A string in a decorator belongs to the
 * decorated definition. Null at module level.
 */
export function enclosingDefinition(node: Node): string | null {
  const names: string[] = [];
  let prev: Node = node;
  for (let p = node.parent; p; prev = p, p = p.parent) {
    if (p.type === 'function_definition' || p.type === 'class_definition') {
      const name = p.childForFieldName('name')?.text;
      if (name) names.push(name);
    } else if (p.type === 'decorated_definition' && prev.type === 'decorator') {
      const name = p.childForFieldName('definition')?.childForFieldName('name')?.text;
      if (name) names.push(name);
    }
  }
  return names.length === 0 ? null : names.reverse().join('.');
}

/** The first ERROR or MISSING node in source order (the root when none is found below it). */
function firstErrorNode(root: Node): Node {
  let node = root;
  for (;;) {
    if (node !== root && (node.isError || node.isMissing)) return node;
    let next: Node | null = null;
    for (const child of node.children) {
      if (child && (child.hasError || child.isMissing || child.isError)) {
        next = child;
        break;
      }
    }
    if (!next) return node;
    node = next;
  }
}
