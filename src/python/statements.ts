import type { Node } from 'web-tree-sitter';
import { withPythonTree } from './parser.js';
import type { PyFunction } from './model.js';

/**
 * The executable lines of each function, as coverage.py counts them, without a coverage report:
 * the first line of every statement in the body (an `if`, `elif`, `while`, `for`, `with`, `try`,
 * `except` or `case` counts at its header), leaving out the docstring and the bodies of nested
 * functions and classes (their `def` / `class` line, or first decorator, counts).
 * Used as the target lines of `generate --all`, where every line is a target.
 */
export async function statementLines(source: string, functions: readonly PyFunction[]): Promise<Map<PyFunction, number[]>> {
  return withPythonTree(source, (tree) => {
    const byLine = new Map<number, Node>();
    collect(tree.rootNode, byLine);
    const out = new Map<PyFunction, number[]>();
    for (const fn of functions) {
      const def = byLine.get(fn.defLine);
      const body = def?.childForFieldName('body');
      if (!body) {
        out.set(fn, []);
        continue;
      }
      const lines = new Set<number>();
      const statements = body.namedChildren.filter((n): n is Node => n !== null);
      const first = statements[0];
      const isDocstring = first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string';
      for (const [i, statement] of statements.entries()) {
        if (i === 0 && isDocstring) continue;
        walk(statement, lines);
      }
      out.set(fn, [...lines].sort((a, b) => a - b));
    }
    return out;
  });
}

function collect(node: Node, byLine: Map<number, Node>): void {
  if (node.type === 'function_definition') byLine.set(node.startPosition.row + 1, node);
  for (const child of node.namedChildren) if (child) collect(child, byLine);
}

/** Clauses whose header line is a statement of its own (a test or a match is evaluated there). */
const COUNTED_CLAUSES = new Set(['elif_clause', 'except_clause', 'except_group_clause', 'case_clause']);
/** Definitions: their first line counts, their body belongs to them. */
const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);

function walk(node: Node, lines: Set<number>): void {
  if (node.type === 'comment') return;
  const line = node.startPosition.row + 1;
  if (DEFINITIONS.has(node.type)) {
    lines.add(line);
    return;
  }
  if (node.type.endsWith('_statement') || COUNTED_CLAUSES.has(node.type)) lines.add(line);
  // Blocks hold statements; clauses (else, finally, elif, except, case) hold blocks.
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'block' || child.type.endsWith('_clause') || child.type === 'case_clause') {
      for (const inner of child.type === 'block' ? child.namedChildren : [child]) if (inner) walkClauseOrStatement(inner, lines);
    }
  }
}

function walkClauseOrStatement(node: Node, lines: Set<number>): void {
  if (node.type.endsWith('_clause') && !COUNTED_CLAUSES.has(node.type)) {
    // else / finally / with-items: only their blocks hold statements
    for (const child of node.namedChildren) if (child?.type === 'block') for (const s of child.namedChildren) if (s) walk(s, lines);
    return;
  }
  walk(node, lines);
}
