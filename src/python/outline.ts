/**
 * The outline of a module for `plan --all`: its functions and methods with their qualnames,
 * kinds, lines, nested ranges and docstrings: what coverage needs, nothing of what only
 * generation uses (parameters, decorators, return annotations, raises, classes are left empty).
 *
 * The result is the same as parsePython()'s for those fields (test/unit/python/outline.test.ts
 * compares them); it is found faster. parsePython() walks every statement of every body from
 * JavaScript, each step a call into the wasm parser; here one tree-sitter query finds every
 * `def` and `class` inside the parser, and only those are read. Nesting follows from their
 * ranges: a query match is inside the definitions that contain it, and nowhere else can a
 * definition sit in a tree without errors (every statement container holds a `block`).
 *
 * A module tree-sitter could not parse cleanly (syntax errors, or a top-level statement that does
 * not start at column 0, which only error recovery or a stray indent gives) is handed to
 * parsePython(), whose recovery this does not repeat.
 */
import type { Node, Parser, Query } from 'web-tree-sitter';
import type { FunctionKind, ParsedModule, PyFunction } from './model.js';
import { getPythonParser, normaliseSource, withPythonTree } from './parser.js';
import { decoratorTexts, docstringOf, firstCodeChild, lastCodeRow, line, methodKind, parsePython, qualify } from './structure.js';

const DEFINITIONS_QUERY = '[(function_definition) (class_definition) (decorated_definition)] @definition';

let query: { parser: Parser; query: Query } | null = null;

async function definitionsQuery(parser: Parser): Promise<Query> {
  if (query?.parser !== parser) {
    const { Query } = await import('web-tree-sitter');
    query = { parser, query: new Query(parser.language!, DEFINITIONS_QUERY) };
  }
  return query.query;
}

/** An open definition while the ones inside it are read: its end (an index in the text), qualname, and its function when it is one. */
interface Scope {
  end: number;
  qualname: string;
  kind: 'class' | 'function';
  fn: PyFunction | null;
}

/** The outline of `source` (see the top of this file). */
export async function outlinePython(source: string): Promise<ParsedModule> {
  const text = normaliseSource(source);
  const definitions = await definitionsQuery(await getPythonParser());
  const functions = await withPythonTree(text, (tree) => (cleanTopLevel(tree.rootNode) ? outline(tree.rootNode, definitions) : null));
  if (functions === null) return leanModule(await parsePython(source));
  for (const fn of functions) fn.nestedRanges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  functions.sort((a, b) => a.startLine - b.startLine);
  return { functions, classes: [], skipped: [], hasSyntaxErrors: false, firstError: null };
}

/** No syntax error, and every top-level statement (comments aside) starts at column 0: the only trees outline() reads. */
function cleanTopLevel(root: Node): boolean {
  if (root.type !== 'module' || root.hasError) return false;
  const cursor = root.walk();
  try {
    if (!cursor.gotoFirstChild()) return true;
    do {
      if (cursor.nodeIsNamed && cursor.nodeType !== 'comment' && cursor.startPosition.column > 0) return false;
    } while (cursor.gotoNextSibling());
    return true;
  } finally {
    cursor.delete();
  }
}

/** The functions of a clean tree, in document order; null when one has no name (parsePython then says why) or the tree is not as expected. */
function outline(root: Node, definitions: Query): PyFunction[] | null {
  const functions: PyFunction[] = [];
  const open: Scope[] = [];
  // A decorated definition comes just before its `def` or `class` (its decorators hold none).
  let decorated: Node | null = null;
  for (const { node: def } of definitions.captures(root)) {
    if (def.type === 'decorated_definition') {
      decorated = def;
      continue;
    }
    // Node.parent would be simpler, but tree-sitter finds a parent by searching from the root.
    const outer = decorated ?? def;
    decorated = null;
    if (outer.endIndex !== def.endIndex) return null;
    while (open.length > 0 && open[open.length - 1]!.end <= outer.startIndex) open.pop();
    const scope = open[open.length - 1] ?? null;
    const nameNode = def.childForFieldName('name');
    if (!nameNode || nameNode.isMissing) return null;
    const qualname = qualify(scope?.qualname ?? null, nameNode.text);
    const startLine = line(outer.startPosition.row);
    const endLine = line(lastCodeRow(outer));
    for (const s of open) s.fn?.nestedRanges.push([startLine, endLine]);
    if (def.type === 'class_definition') {
      open.push({ end: outer.endIndex, qualname, kind: 'class', fn: null });
      continue;
    }
    const body = def.childForFieldName('body');
    const firstStatement = body ? firstCodeChild(body) : null;
    const defRow = def.startPosition.row;
    let kind: FunctionKind = 'function';
    if (scope?.kind === 'function') kind = 'nested';
    else if (scope?.kind === 'class') {
      const decorators = outer === def ? [] : outer.namedChildren.filter((c): c is Node => c?.type === 'decorator');
      kind = methodKind(decoratorTexts(decorators));
    }
    const fn: PyFunction = {
      name: nameNode.text,
      qualname,
      kind,
      isAsync: def.child(0)?.type === 'async',
      className: scope?.kind === 'class' ? scope.qualname : null,
      parentQualname: scope?.qualname ?? null,
      startLine,
      defLine: line(defRow),
      endLine,
      bodyStartLine: line(firstStatement ? firstStatement.startPosition.row : (body?.startPosition.row ?? defRow)),
      bodyEndLine: endLine,
      decorators: [],
      parameters: [],
      returnAnnotation: null,
      docstring: docstringOf(firstStatement),
      raises: [],
      nestedRanges: [],
    };
    functions.push(fn);
    open.push({ end: outer.endIndex, qualname, kind: 'function', fn });
  }
  return functions;
}

/** parsePython()'s result with only what an outline holds (and what `plan --all` keeps). */
export function leanModule(module: ParsedModule): ParsedModule {
  return {
    functions: module.functions.map((f) => ({
      name: f.name,
      qualname: f.qualname,
      kind: f.kind,
      isAsync: f.isAsync,
      className: f.className,
      parentQualname: f.parentQualname,
      startLine: f.startLine,
      defLine: f.defLine,
      endLine: f.endLine,
      bodyStartLine: f.bodyStartLine,
      bodyEndLine: f.bodyEndLine,
      decorators: [],
      parameters: [],
      returnAnnotation: null,
      docstring: f.docstring,
      raises: [],
      nestedRanges: f.nestedRanges,
    })),
    classes: [],
    skipped: module.skipped,
    hasSyntaxErrors: module.hasSyntaxErrors,
    firstError: module.firstError,
  };
}
