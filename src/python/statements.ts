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
    for (const def of tree.rootNode.descendantsOfType('function_definition')) if (def) byLine.set(def.startPosition.row + 1, def);
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
      walk(isDocstring ? statements.slice(1) : statements, lines);
      out.set(fn, [...lines].sort((a, b) => a - b));
    }
    return out;
  });
}

/** Clauses whose header line is a statement of its own (a test or a match is evaluated there). */
const COUNTED_CLAUSES = new Set(['elif_clause', 'except_clause', 'except_group_clause', 'case_clause']);
/** Definitions: their first line counts, their body belongs to them. */
const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);

/**
 * The statement lines of `statements` and of the blocks inside them, with an explicit stack (code
 * nested thousands of levels deep must not overflow the call stack). Only blocks and clauses are
 * entered: expressions hold no statements.
 */
function walk(statements: readonly Node[], lines: Set<number>): void {
  const stack = [...statements].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'comment') continue;
    const line = node.startPosition.row + 1;
    if (DEFINITIONS.has(node.type)) {
      lines.add(line);
      continue;
    }
    if (node.type.endsWith('_statement') || COUNTED_CLAUSES.has(node.type)) lines.add(line);
    // Blocks hold statements; clauses (elif, except, case: counted; else, finally: not) hold blocks.
    const inner: Node[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'block') inner.push(...child.namedChildren.filter((n): n is Node => n !== null));
      else if (COUNTED_CLAUSES.has(child.type)) inner.push(child);
      else if (child.type.endsWith('_clause')) for (const b of child.namedChildren) if (b?.type === 'block') inner.push(...b.namedChildren.filter((n): n is Node => n !== null));
    }
    for (let i = inner.length - 1; i >= 0; i--) stack.push(inner[i]!);
  }
}

/**
 * For each line inside a statement that spans several (a condition wrapped in parentheses, a call
 * over many lines), the statement's first line: what coverage.py counts it as. A line tracer sees
 * the lines the code runs on (`len(node.args) > 1 and` below `if (`), coverage.py and the target
 * lines the first line; the probe's lines are read through this map. Lines of a compound
 * statement's body are statements of their own.
 */
export async function statementStarts(source: string): Promise<Map<number, number>> {
  return withPythonTree(source, (tree) => {
    const out = new Map<number, number>();
    const stack: Node[] = tree.rootNode.namedChildren.filter((n): n is Node => n !== null).reverse();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'comment') continue;
      const start = node.startPosition.row + 1;
      const blocks: Node[] = [];
      const clauses: Node[] = [];
      for (const child of node.namedChildren) {
        if (child?.type === 'block') blocks.push(child);
        else if (child && (child.type.endsWith('_clause') || DEFINITIONS.has(child.type))) clauses.push(child);
      }
      // A simple statement: all of it; a compound one: its header, up to its first block.
      const end = blocks.length === 0 && clauses.length === 0 ? node.endPosition.row + 1 : (blocks[0] ?? clauses[0])!.startPosition.row;
      for (let line = start + 1; line <= end; line++) out.set(line, start);
      const inner: Node[] = [...clauses];
      for (const b of blocks) inner.push(...b.namedChildren.filter((n): n is Node => n !== null));
      for (let i = inner.length - 1; i >= 0; i--) stack.push(inner[i]!);
    }
    return out;
  });
}
