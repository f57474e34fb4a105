/**
 * Functions a test writes for the code under test to call: a lambda (`do(lambda: 1)`,
 * `sorted_by(rows, key=lambda r: r[1])`) or a small function defined in the test itself
 * (`def job_fun(): pass`, then `every().minute.do(job_fun, "foo")`). Such a function is readable
 * when it stands alone: it uses only its own parameters and locals, literals and builtins, so
 * the very source the test wrote can be copied into a generated test and means the same there.
 * Anything else (a closure over the test's locals, a mock, a decorator, an import) is not read.
 */
import type { Node } from 'web-tree-sitter';
import { parametersOf } from '../../python/structure.js';
import { targetNames } from '../../python/walk.js';

/** Builtins a function written in a test may use and still stand alone: they compute, they do not act. */
const PURE_BUILTINS = new Set([
  'int', 'float', 'str', 'bytes', 'bool', 'complex', 'list', 'dict', 'tuple', 'set', 'frozenset', 'range', 'len',
  'sorted', 'reversed', 'min', 'max', 'sum', 'abs', 'round', 'enumerate', 'zip', 'chr', 'ord', 'repr', 'divmod', 'pow',
  'any', 'all', 'iter', 'next', 'map', 'filter', 'isinstance', 'issubclass', 'callable', 'hasattr', 'getattr', 'type',
  'hash', 'format', 'object', 'NotImplemented', 'Ellipsis',
]);
const EXCEPTION = /^[A-Z]\w*(Error|Exception|Warning)$|^StopIteration$/;
/** Statements that reach outside the function or define more than it: never in a readable one. */
const OUTSIDE = new Set(['import_statement', 'import_from_statement', 'future_import_statement', 'global_statement', 'nonlocal_statement', 'class_definition', 'function_definition', 'decorated_definition', 'await', 'lambda']);
const MAX_SOURCE = 1000;
const MAX_LINES = 12;

/** A lambda's source when it stands alone and fits on one line, else null. */
export function standaloneLambda(node: Node): string | null {
  if (node.type !== 'lambda' || node.text.includes('\n') || node.text.length > MAX_SOURCE) return null;
  const body = node.childForFieldName('body');
  const bound = new Set([...parametersOf(node.childForFieldName('parameters')).map((p) => p.name), ...(body ? assignedIn(body) : [])]);
  return body && usesOnly(body, bound) && defaultsStandAlone(node.childForFieldName('parameters')) ? node.text : null;
}

/** A function definition's name and source (dedented) when it stands alone, else null. */
export function standaloneDef(node: Node): { name: string; source: string } | null {
  if (node.type !== 'function_definition' || node.text.length > MAX_SOURCE) return null;
  // An `async def` stays out: calling it gives a coroutine nothing awaits.
  if (node.children.some((c) => c?.type === 'async')) return null;
  const name = node.childForFieldName('name')?.text;
  const params = node.childForFieldName('parameters');
  const body = node.childForFieldName('body');
  if (!name || !body || !defaultsStandAlone(params)) return null;
  const lines = node.text.split('\n');
  if (lines.length > MAX_LINES) return null;
  const bound = new Set([name, ...parametersOf(params).map((p) => p.name), ...assignedIn(body)]);
  if (!usesOnly(body, bound)) return null;
  // The body's lines keep their indentation relative to the `def`.
  const column = node.startPosition.column;
  const dedented = lines.map((line, i) => (i === 0 ? line : line.slice(Math.min(column, line.length - line.trimStart().length))));
  return { name, source: dedented.join('\n') };
}

/** Whether every name `node` reads is in `bound` or a builtin, and it holds no statement that reaches outside. */
function usesOnly(node: Node, bound: ReadonlySet<string>): boolean {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (OUTSIDE.has(n.type)) return false;
    if (n.type === 'identifier') {
      const parent = n.parent;
      const field = parent ? fieldOf(parent, n) : null;
      const member = (parent?.type === 'attribute' && field === 'attribute') || (parent?.type === 'keyword_argument' && field === 'name');
      if (!member && !bound.has(n.text) && !PURE_BUILTINS.has(n.text) && !EXCEPTION.test(n.text)) return false;
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return true;
}

function fieldOf(parent: Node, child: Node): string | null {
  for (const field of ['attribute', 'name', 'object', 'value']) if (parent.childForFieldName(field)?.id === child.id) return field;
  return null;
}

/** Whether the parameters' default values (and annotations) stand alone: literals and builtins only. */
function defaultsStandAlone(params: Node | null): boolean {
  for (const p of params?.namedChildren ?? []) {
    if (!p || (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter' && p.type !== 'typed_parameter')) continue;
    for (const field of ['value', 'type']) {
      const v = p.childForFieldName(field);
      if (v && !usesOnly(v, new Set())) return false;
    }
  }
  return true;
}

/** Names the body binds itself (assignments, loop and `with` targets, comprehension variables). */
function assignedIn(body: Node): string[] {
  const out: string[] = [];
  const stack: Node[] = [body];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const target = n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement' || n.type === 'for_in_clause' ? n.childForFieldName('left') : n.type === 'named_expression' ? n.childForFieldName('name') : n.type === 'as_pattern_target' ? n.namedChildren[0] ?? null : null;
    if (target) out.push(...targetNames(target));
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}
