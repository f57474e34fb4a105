import type { Node } from 'web-tree-sitter';
import { containsSyntaxError, insideSyntaxErrorRegion } from '../report/messages/python.js';
import { constantStringValue, plainStringValue } from './literals.js';
import type {
  FunctionKind,
  Parameter,
  ParsedModule,
  PyClass,
  PyFunction,
  RaiseSite,
  SkippedDefinition,
} from './model.js';
import { focusedText } from './focus-text.js';
import { normaliseSource, parseWith, withPythonTree } from './parser.js';
import { forEachChildNode } from './walk.js';

/**
 * Statement containers: nodes whose children may be definitions or raise statements. Anything
 * else (simple statements, expressions) cannot hold a `def`, `class` or `raise`, unless it
 * holds an ERROR node, which is searched separately.
 */
const CONTAINERS = new Set([
  'module',
  'block',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'match_statement',
  'case_clause',
]);

const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);

/** Node types Walker.visit() does something with, whatever their error state. */
const WALKED = new Set([...CONTAINERS, ...DEFINITIONS, 'ERROR', 'raise_statement']);

const STATICMETHOD = new Set(['staticmethod', 'builtins.staticmethod']);
const CLASSMETHOD = new Set(['classmethod', 'builtins.classmethod']);
const PROPERTY = new Set(['property', 'builtins.property']);
const PROPERTY_ACCESSOR = /^[^\s()[\]]+\.(?:setter|getter|deleter)$/u;
/**
 * The other property descriptors, read as attributes too: `functools.cached_property`,
 * `abc.abstractproperty`, other libraries' and projects' own (`cachedproperty` (boltons),
 * `cached_property` (werkzeug, django), `instanceproperty` (toolz), `classproperty`,
 * `lazy_property`), and pyramid's `reify`: a bare or dotted name ending so, not a call.
 */
const PROPERTY_LIKE = /^(?:[A-Za-z_]\w*\.)*(?:[A-Za-z_]\w*_?property|reify)$/iu;

/** Lines at column 0 where a top-level definition may start: split points of a broken region. */
const TOP_LEVEL_DEF_START = /^(?:@|(?:async[ \t]+)?def[ \t]|class[ \t(:])/;

interface FunctionAcc {
  fn: PyFunction;
}

interface Context {
  /** Qualname of the enclosing function or class, null at module level. */
  scope: string | null;
  scopeKind: 'module' | 'function' | 'class';
  /** Function whose own body is being walked (receives raise sites), null otherwise. */
  current: FunctionAcc | null;
  /** All enclosing functions (receive nestedRanges). */
  enclosing: FunctionAcc[];
  /** 1-based line of the ERROR region the walk is inside, or null. */
  errorLine: number | null;
  /** Enclosing definitions with their column, outermost first (nesting guesses in ERROR regions). */
  chain: Array<{ column: number; qualname: string }>;
}

interface Collected {
  functions: PyFunction[];
  classes: PyClass[];
  skipped: SkippedDefinition[];
  /** Broken top-level regions to parse again piecewise: [firstRow, lastRow], 0-based. */
  segments: Array<[number, number]>;
}

export const line = (row: number): number => row + 1;

export function qualify(scope: string | null, name: string): string {
  return scope ? `${scope}.${name}` : name;
}

function isComment(node: Node): boolean {
  return node.type === 'comment';
}

/** Row of the last token of `node` that is not a comment (tree-sitter keeps trailing comments in blocks). */
export function lastCodeRow(node: Node): number {
  // Fast path (a few wasm calls): the node's last character belongs to a token that is not a comment.
  const endIndex = node.endIndex;
  if (endIndex > node.startIndex && !node.hasError) {
    const leaf = node.descendantForIndex(endIndex - 1, endIndex);
    if (leaf && leaf.type !== 'comment') return endRow(node);
  }
  let current = node;
  for (;;) {
    let next: Node | null = null;
    for (let i = current.childCount - 1; i >= 0; i--) {
      const child = current.child(i);
      if (!child || isComment(child) || child.startIndex === child.endIndex) continue;
      next = child;
      break;
    }
    if (!next) break;
    current = next;
  }
  return endRow(current);
}

/** The row a node ends on, not counting a final line break. */
function endRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

export function firstCodeChild(node: Node): Node | null {
  let child = node.firstNamedChild;
  while (child && isComment(child)) child = child.nextNamedSibling;
  return child;
}

/** The first ERROR or MISSING node in document order, or null. */
function firstErrorNode(node: Node): Node | null {
  return ownErrorNode(node, null);
}

/**
 * The first ERROR or MISSING node in a definition's own part: decorators, header and body, but
 * not inside definitions nested in it (those are judged on their own). `selfId` null: anywhere.
 * Iterative (the error may sit thousands of levels deep in an expression).
 */
function ownErrorNode(root: Node, selfId: number | null): Node | null {
  const pending: Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.isError || node.isMissing) return node;
    if (!node.hasError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (!child) continue;
      if (selfId !== null && DEFINITIONS.has(child.type) && child.id !== selfId) continue;
      pending.push(child);
    }
  }
  return null;
}

/** The name of a (possibly decorated) function or class node, or null. */
function definitionName(node: Node): string | null {
  const def = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
  if (!def || (def.type !== 'function_definition' && def.type !== 'class_definition')) return null;
  const name = def.childForFieldName('name');
  return name && !name.isMissing ? name.text : null;
}

/** The docstring, given the first statement of a body. */
export function docstringOf(first: Node | null): string | null {
  if (!first || first.type !== 'expression_statement') return null;
  const expr = firstCodeChild(first);
  if (!expr || expr.type !== 'string' || first.namedChildCount !== 1) return null;
  return plainStringValue(expr);
}

export function decoratorTexts(decorators: Node[]): string[] {
  return decorators.map((d) => {
    const expr = firstCodeChild(d);
    return expr ? expr.text : d.text.replace(/^@\s*/, '');
  });
}

export function methodKind(decorators: string[]): FunctionKind {
  for (const raw of decorators) {
    const d = raw.replace(/\s+/g, '');
    if (STATICMETHOD.has(d)) return 'staticmethod';
    if (CLASSMETHOD.has(d)) return 'classmethod';
    if (PROPERTY.has(d) || PROPERTY_ACCESSOR.test(d) || PROPERTY_LIKE.test(d)) return 'property';
  }
  return 'method';
}

/** The parameters a `parameters` (or `lambda_parameters`) node declares, in order, with their kinds. */
export function parametersOf(node: Node | null): Parameter[] {
  const params: Parameter[] = [];
  if (!node) return params;
  let keywordOnly = false;
  for (const p of node.namedChildren) {
    if (!p || isComment(p)) continue;
    const kind = keywordOnly ? 'keyword_only' : 'positional_or_keyword';
    switch (p.type) {
      case 'positional_separator':
        for (const prev of params) if (prev.kind === 'positional_or_keyword') prev.kind = 'positional_only';
        break;
      case 'keyword_separator':
        keywordOnly = true;
        break;
      case 'list_splat_pattern':
        params.push({ name: splatName(p), kind: 'var_positional', annotation: null, default: null });
        keywordOnly = true;
        break;
      case 'dictionary_splat_pattern':
        params.push({ name: splatName(p), kind: 'var_keyword', annotation: null, default: null });
        break;
      case 'typed_parameter': {
        const target = firstCodeChild(p);
        const annotation = p.childForFieldName('type')?.text ?? null;
        if (target?.type === 'list_splat_pattern') {
          params.push({ name: splatName(target), kind: 'var_positional', annotation, default: null });
          keywordOnly = true;
        } else if (target?.type === 'dictionary_splat_pattern') {
          params.push({ name: splatName(target), kind: 'var_keyword', annotation, default: null });
        } else {
          params.push({ name: target?.text ?? '', kind, annotation, default: null });
        }
        break;
      }
      case 'default_parameter':
      case 'typed_default_parameter':
        params.push({
          name: p.childForFieldName('name')?.text ?? '',
          kind,
          annotation: p.childForFieldName('type')?.text ?? null,
          default: p.childForFieldName('value')?.text ?? null,
        });
        break;
      default:
        // identifier, or a Python 2 tuple pattern: keep the text as the name.
        params.push({ name: p.text, kind, annotation: null, default: null });
    }
  }
  return params;
}

function splatName(node: Node): string {
  const inner = firstCodeChild(node);
  return inner ? inner.text : node.text.replace(/^\*+/, '');
}

function raiseSite(node: Node): RaiseSite {
  const cause = node.childForFieldName('cause');
  let exc: Node | null = null;
  for (const child of node.namedChildren) {
    if (!child || isComment(child) || (cause && child.id === cause.id)) continue;
    exc = child;
    break;
  }
  const site: RaiseSite = { type: null, message: null, line: line(node.startPosition.row) };
  if (!exc) return site;
  if (exc.type === 'call') {
    site.type = exc.childForFieldName('function')?.text ?? exc.text;
    const args = exc.childForFieldName('arguments');
    const first = args?.type === 'argument_list' ? firstCodeChild(args) : null;
    if (first) site.message = constantStringValue(first);
  } else {
    site.type = exc.text;
  }
  return site;
}

class Walker {
  /** With a focus, definitions that do not meet it are neither recorded nor walked. */
  constructor(
    private readonly out: Collected,
    private readonly focus: ((first: number, last: number) => boolean) | null = null,
  ) {}

  /**
   * Visits the statements under `node` (a container). A cursor reads each child's type without
   * building a Node for it: only definitions, containers, raises and broken statements are built.
   */
  visitChildren(node: Node, ctx: Context): void {
    const checkErrors = node.hasError;
    const cursor = node.walk();
    try {
      if (!cursor.gotoFirstChild()) return;
      do {
        if (!cursor.nodeIsNamed) continue;
        if (WALKED.has(cursor.nodeType)) {
          this.visit(cursor.currentNode, ctx);
        } else if (checkErrors) {
          const child = cursor.currentNode;
          if (child.hasError) this.searchErrors(child, ctx);
        }
      } while (cursor.gotoNextSibling());
    } finally {
      cursor.delete();
    }
  }

  visit(node: Node, ctx: Context): void {
    const type = node.type;
    if (type === 'comment') return;
    if (type === 'function_definition' || type === 'class_definition') {
      this.definition(node, node, [], ctx);
    } else if (type === 'decorated_definition') {
      const def = node.childForFieldName('definition');
      if (def && (def.type === 'function_definition' || def.type === 'class_definition')) {
        const decorators = node.namedChildren.filter((c): c is Node => c?.type === 'decorator');
        this.definition(node, def, decorators, ctx);
      } else {
        this.searchErrors(node, ctx);
      }
    } else if (type === 'ERROR') {
      this.errorRegion(node, ctx);
    } else if (type === 'raise_statement') {
      if (ctx.current && ctx.errorLine === null) ctx.current.fn.raises.push(raiseSite(node));
      if (node.hasError) this.searchErrors(node, ctx);
    } else if (CONTAINERS.has(type)) {
      this.visitChildren(node, ctx);
    } else if (node.hasError) {
      this.searchErrors(node, ctx);
    }
  }

  /** Finds ERROR nodes below a node that cannot otherwise hold definitions (in document order, without recursion). */
  private searchErrors(node: Node, ctx: Context): void {
    forEachChildNode(node, (child) => {
      if (!(child.hasError || child.isError)) return false;
      if (child.isError) this.errorRegion(child, ctx);
      else if (DEFINITIONS.has(child.type)) this.visit(child, ctx);
      else return true;
      return false;
    });
  }

  /**
   * A region tree-sitter could not parse. Well-formed definition nodes inside it are walked (and
   * skipped); loose `def`/`class` keywords are reported by name, nesting guessed by indentation.
   */
  private errorRegion(node: Node, ctx: Context): void {
    const errorLine = ctx.errorLine ?? line(node.startPosition.row);
    const inner: Context = { ...ctx, errorLine };
    const stack = [...ctx.chain];
    let pending: { row: number; column: number } | null = null;
    const scopeAt = (column: number): string | null => {
      while (stack.length > 0 && (stack[stack.length - 1]?.column ?? -1) >= column) stack.pop();
      return stack[stack.length - 1]?.qualname ?? null;
    };
    const emit = (name: string | null, row: number, column: number): void => {
      const scope = scopeAt(column);
      const qualname = name === null ? null : qualify(scope, name);
      this.out.skipped.push({ qualname, line: line(row), reason: insideSyntaxErrorRegion(errorLine) });
      if (qualname !== null) stack.push({ column, qualname });
    };
    // The tokens of the region in document order, with an explicit stack: the region may be nested thousands of levels deep.
    forEachChildNode(node, (child) => {
      if (DEFINITIONS.has(child.type)) {
        if (pending) emit(null, pending.row, pending.column);
        pending = null;
        const column = child.startPosition.column;
        const scope = scopeAt(column);
        this.visit(child, { ...inner, scope, chain: [...stack] });
        const name = definitionName(child);
        if (name !== null) stack.push({ column, qualname: qualify(scope, name) });
        return false;
      }
      if (child.childCount > 0) return true;
      if (isComment(child) || child.startIndex === child.endIndex) return false;
      const text = child.type === 'identifier' ? child.text : child.type;
      if (pending) {
        const p: { row: number; column: number } = pending;
        pending = null;
        if (child.type === 'identifier' && child.startPosition.row === p.row) {
          emit(child.text, p.row, p.column);
          return false;
        }
        emit(null, p.row, p.column);
      }
      if (text === 'def' || text === 'class') pending = { row: child.startPosition.row, column: child.startPosition.column };
      return false;
    });
    if (pending) {
      const p: { row: number; column: number } = pending;
      emit(null, p.row, p.column);
    }
  }

  private definition(outer: Node, def: Node, decorators: Node[], ctx: Context): void {
    const isClass = def.type === 'class_definition';
    const nameNode = def.childForFieldName('name');
    const name = nameNode && !nameNode.isMissing ? nameNode.text : null;
    const qualname = name === null ? null : qualify(ctx.scope, name);
    const startRow = outer.startPosition.row;
    const defRow = def.startPosition.row;
    const lastRow = lastCodeRow(outer);
    for (const acc of ctx.enclosing) acc.fn.nestedRanges.push([line(startRow), line(lastRow)]);
    if (this.focus && ctx.errorLine === null && !this.focus(line(startRow), line(lastRow))) return;

    let reason: string | null = null;
    if (ctx.errorLine !== null) {
      reason = insideSyntaxErrorRegion(ctx.errorLine);
    } else {
      const err = ownErrorNode(outer, def.id);
      if (err) reason = containsSyntaxError(line(err.startPosition.row));
      else if (name === null) reason = containsSyntaxError(line(defRow));
    }

    const body = def.childForFieldName('body');
    const decoratorList = decoratorTexts(decorators);
    const childScope = qualname ?? qualify(ctx.scope, '?');
    const chain = [...ctx.chain, { column: outer.startPosition.column, qualname: childScope }];

    if (reason !== null) {
      this.out.skipped.push({ qualname, line: line(defRow), reason });
      // Nested definitions are judged on their own; ERROR nodes tree-sitter hung on the
      // definition itself (outside its block) may hold further definitions.
      const inner: Context = { ...ctx, scope: childScope, scopeKind: isClass ? 'class' : 'function', current: null, chain };
      for (const child of def.children) {
        if (!child) continue;
        if (body && child.id === body.id) this.visitChildren(child, inner);
        else if (child.isError) this.errorRegion(child, inner);
        else if (child.hasError) this.searchErrors(child, inner);
      }
      return;
    }

    const firstStatement = body ? firstCodeChild(body) : null;
    const docstring = docstringOf(firstStatement);
    if (isClass) {
      const superclasses = def.childForFieldName('superclasses');
      const bases = (superclasses?.namedChildren ?? [])
        .filter((c): c is Node => !!c && !isComment(c) && c.type !== 'keyword_argument' && c.type !== 'dictionary_splat')
        .map((c) => c.text);
      this.out.classes.push({
        name: name ?? '',
        qualname: childScope,
        parentQualname: ctx.scope,
        startLine: line(startRow),
        defLine: line(defRow),
        endLine: line(lastRow),
        decorators: decoratorList,
        bases,
        docstring,
      });
      if (body) {
        this.visitChildren(body, { ...ctx, scope: childScope, scopeKind: 'class', current: null, chain });
      }
      return;
    }

    const kind: FunctionKind =
      ctx.scopeKind === 'class' ? methodKind(decoratorList) : ctx.scopeKind === 'function' ? 'nested' : 'function';
    const fn: PyFunction = {
      name: name ?? '',
      qualname: childScope,
      kind,
      isAsync: def.child(0)?.type === 'async',
      className: ctx.scopeKind === 'class' ? ctx.scope : null,
      parentQualname: ctx.scope,
      startLine: line(startRow),
      defLine: line(defRow),
      endLine: line(lastRow),
      bodyStartLine: line(firstStatement ? firstStatement.startPosition.row : (body?.startPosition.row ?? defRow)),
      // A def's last token is in its body (an analysed def has a non-empty body).
      bodyEndLine: line(lastRow),
      decorators: decoratorList,
      parameters: parametersOf(def.childForFieldName('parameters')),
      returnAnnotation: def.childForFieldName('return_type')?.text ?? null,
      docstring,
      raises: [],
      nestedRanges: [],
    };
    this.out.functions.push(fn);
    if (body) {
      const acc: FunctionAcc = { fn };
      this.visitChildren(body, {
        ...ctx,
        scope: childScope,
        scopeKind: 'function',
        current: acc,
        enclosing: [...ctx.enclosing, acc],
        chain,
      });
    }
  }
}

/**
 * Splits a broken top-level region (0-based rows, inclusive) at lines where a top-level
 * definition starts, so each piece can be parsed alone: tree-sitter's recovery often swallows
 * every definition after an unclosed bracket into one ERROR node.
 */
function splitRegion(lines: string[], first: number, last: number): Array<[number, number]> {
  const pieces: Array<[number, number]> = [];
  let start = first;
  for (let row = first + 1; row <= last; row++) {
    const text = lines[row] ?? '';
    // A decorator run belongs to the definition below it: split before its first line only.
    if (!TOP_LEVEL_DEF_START.test(text) || (lines[row - 1] ?? '').startsWith('@')) continue;
    pieces.push([start, row - 1]);
    start = row;
  }
  pieces.push([start, last]);
  return pieces;
}

function emptyContext(): Context {
  return { scope: null, scopeKind: 'module', current: null, enclosing: [], errorLine: null, chain: [] };
}

/**
 * Walks a module root. Broken top-level statements, and indented ones (only error recovery puts
 * those at module level), form runs; a run spanning several column-0 definitions becomes a
 * segment to parse again piecewise. Other runs are walked here, indented definitions in them
 * counting as inside the syntax error region.
 */
function walkModule(root: Node, lines: string[], out: Collected, walker: Walker, allowSegments: boolean): void {
  const ctx = emptyContext();
  if (root.type === 'ERROR') {
    const first = root.startPosition.row;
    const last = lastCodeRow(root);
    if (allowSegments && splitRegion(lines, first, last).length > 1) out.segments.push([first, last]);
    else walker.visit(root, ctx);
    return;
  }
  let run: Node[] = [];
  let prevEnd = -1;
  const flush = (nextStart: number | null): void => {
    const head = run[0];
    if (!head) return;
    let first = head.startPosition.row;
    let last = Math.max(...run.map(lastCodeRow));
    if (prevEnd >= first && first < last) first++;
    if (nextStart !== null && nextStart <= last && last > first) last--;
    if (allowSegments && splitRegion(lines, first, last).length > 1) {
      out.segments.push([first, last]);
    } else {
      let errorNode: Node | null = null;
      for (const n of run) errorNode ??= firstErrorNode(n);
      const errorLine = line((errorNode ?? head).startPosition.row);
      // Indented definitions belong (by indentation) to the run's earlier definitions.
      const stack: Array<{ column: number; qualname: string }> = [];
      for (const n of run) {
        const column = n.startPosition.column;
        while (stack.length > 0 && (stack[stack.length - 1]?.column ?? -1) >= column) stack.pop();
        const scope = stack[stack.length - 1]?.qualname ?? null;
        walker.visit(n, column > 0 && !n.isError ? { ...ctx, errorLine, scope, chain: [...stack] } : ctx);
        const name = definitionName(n);
        if (name !== null) stack.push({ column, qualname: qualify(scope, name) });
      }
    }
    run = [];
  };
  for (const child of root.namedChildren) {
    if (!child || isComment(child)) continue;
    if (child.isError || child.hasError || child.startPosition.column > 0) {
      run.push(child);
      continue;
    }
    flush(child.startPosition.row);
    walker.visit(child, ctx);
    prevEnd = lastCodeRow(child);
  }
  flush(null);
}

function byLine<T>(key: (x: T) => number): (a: T, b: T) => number {
  return (a, b) => key(a) - key(b);
}

export interface ParseOptions {
  /**
   * Only the definitions that meet these lines (1-based, inclusive), with everything inside
   * them: the others are not walked. The commit path needs only the touched functions, and
   * walking every body of a large file costs more than parsing it. The result is `partial`.
   */
  focus?: ReadonlyArray<{ start: number; end: number }>;
  /**
   * With a focus, parse the whole module all the same rather than only the top-level
   * statements holding the focus (focus-text.ts). The results are the same; tests compare them.
   */
  parseWhole?: boolean;
}

/** Parses Python source and lists its functions, methods and classes (see model.ts). */
export async function parsePython(source: string, options: ParseOptions = {}): Promise<ParsedModule> {
  const text = normaliseSource(source);
  const lines = text.split('\n');
  const ranges = options.focus;
  if (ranges && !options.parseWhole) {
    // Only the top-level statements holding the focus are parsed (focus-text.ts). When that
    // text has a syntax error, the whole module is parsed instead: error recovery and the
    // first error's position depend on everything around it.
    const focused = focusedText(lines, ranges);
    if (focused !== null) {
      const parsed = await analyse(focused, lines, ranges, true);
      if (parsed) return parsed;
    }
  }
  return (await analyse(text, lines, ranges ?? null, false))!;
}

/** Parses `text` (the module, or its focused part) and walks it; null when `cleanOnly` and the text has a syntax error. */
async function analyse(
  text: string,
  lines: string[],
  ranges: ReadonlyArray<{ start: number; end: number }> | null,
  cleanOnly: boolean,
): Promise<ParsedModule | null> {
  const out: Collected = { functions: [], classes: [], skipped: [], segments: [] };
  const walker = new Walker(out, ranges ? (first, last) => ranges.some((r) => r.start <= last && r.end >= first) : null);

  const result = await withPythonTree(text, (tree, parser) => {
    const root = tree.rootNode;
    const hasErrors = root.hasError;
    if (hasErrors && cleanOnly) return null;
    let first: ParsedModule['firstError'] = null;
    if (hasErrors) {
      const err = firstErrorNode(root);
      if (err) {
        const { row, column } = err.startPosition;
        // tree-sitter columns count UTF-16 units here; Python counts characters.
        first = { line: line(row), column: [...(lines[row] ?? '').slice(0, column)].length + 1 };
      }
    }
    walkModule(root, lines, out, walker, hasErrors);
    for (const [from, to] of out.segments) {
      for (const [a, b] of splitRegion(lines, from, to)) {
        const piece = '\n'.repeat(a) + lines.slice(a, b + 1).join('\n') + '\n';
        const sub = parseWith(parser, piece);
        try {
          walkModule(sub.rootNode, lines, out, walker, false);
        } finally {
          sub.delete();
        }
      }
    }
    return { hasSyntaxErrors: hasErrors, firstError: first };
  });
  if (result === null) return null;
  const { hasSyntaxErrors, firstError } = result;

  for (const fn of out.functions) {
    fn.nestedRanges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
  out.functions.sort(byLine((f) => f.startLine));
  out.classes.sort(byLine((c) => c.startLine));
  out.skipped.sort(byLine((s) => s.line));
  const parsed: ParsedModule = { functions: out.functions, classes: out.classes, skipped: out.skipped, hasSyntaxErrors, firstError };
  if (ranges) parsed.partial = true;
  return parsed;
}
