/**
 * Program edits: a string argument that is itself a Python program (a checker's or a linter's
 * input: `Checker(ast.parse(textwrap.dedent('...')))`) varied below the level of words, by small
 * edits of its syntax tree, so that the program takes a branch of the function no test's program
 * takes:
 * - a name given as a value becomes a string of it (`List[int]` -> `List['int']`, `cast(int, x)`
 *   -> `cast('int', x)`): a forward reference;
 * - a call gets one more argument, a copy of its last (`TypeVar('T')` -> `TypeVar('T', 'T')`), and a
 *   subscript one more index (`Annotated[int]` -> `Annotated[int, int]`);
 * - an argument after the first becomes a mapping or a list of pairs of the first two
 *   (`TypedDict('T', 'str')` -> `TypedDict('T', {'T': 'str'})`);
 * - a call gets a keyword the function compares with (`keyword.arg == 'bound'`), valued as its
 *   first argument (`TypeVar('T', bound='T')`);
 * - a called or subscripted name the program imports is renamed, wherever it stands, to a name
 *   the function compares with (`Optional[int]` -> `Literal[int]`, the import included).
 * Edits touching the lines that name the function's words come first; the program is written
 * back as one plain string literal. Only ASCII programs that parse cleanly are edited.
 */
import type { Node } from 'web-tree-sitter';
import { withPythonTree } from '../../python/parser.js';
import { pyStr, strValue } from '../infer/python-literal.js';

/** How many edited programs one string gives. */
const MAX_EDITS = 24;

interface Edit {
  start: number;
  end: number;
  text: string;
  /** The edit touches a line naming one of the words (ranked first). */
  near: boolean;
}

/**
 * The literal `literal` (a program) edited in each way above (`only`: renamed only); `words` are
 * the identifiers the function compares with near its missed lines (from its string literals),
 * nearest first.
 */
export async function programEdits(literal: string, words: readonly string[], only?: 'renames'): Promise<string[]> {
  const value = strValue(literal);
  if (value === null || !/^[\x09\x0a\x20-\x7e]*$/.test(value) || !/[\n;]/.test(value.trim())) return [];
  const program = dedent(value);
  const edited = await withPythonTree(program, (tree) => {
    const root = tree.rootNode;
    if (root.hasError || root.namedChildren.length === 0) return [];
    const lines = program.split('\n');
    const named = (node: Node) => {
      const text = lines.slice(node.startPosition.row, node.endPosition.row + 1).join('\n');
      return words.some((w) => standing(w).test(text));
    };
    const edits: Edit[] = [];
    const imported = importedNames(root);
    for (const call of only ? [] : root.descendantsOfType('call')) {
      if (!call) continue;
      const list = call.childForFieldName('arguments');
      if (!list || list.type !== 'argument_list') continue;
      const args = list.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
      const near = named(call);
      const positional = args.filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
      const last = positional[positional.length - 1];
      if (last && positional.length === args.length) edits.push({ start: last.endIndex, end: last.endIndex, text: `, ${last.text}`, near });
      // Each positional argument after the first as a container of the call's first two (a
      // mapping, a list of pairs): what a function reading the call's shape looks for.
      const [a, b] = positional;
      if (a && b) {
        for (const arg of positional.slice(1)) {
          for (const text of [`{${a.text}: ${b.text}}`, `[(${a.text}, ${b.text})]`]) edits.push({ start: arg.startIndex, end: arg.endIndex, text, near });
        }
      } else if (a && positional.length === args.length) {
        for (const text of [`{${a.text}: ${a.text}}`, `[(${a.text}, ${a.text})]`]) edits.push({ start: a.endIndex, end: a.endIndex, text: `, ${text}`, near });
      }
      const first = positional[0];
      const given = new Set(args.filter((a) => a.type === 'keyword_argument').map((a) => a.childForFieldName('name')?.text));
      if (first && !args.some((a) => a.type === 'dictionary_splat')) {
        for (const w of words) if (/^[a-z_]\w*$/.test(w) && !given.has(w)) edits.push({ start: list.endIndex - 1, end: list.endIndex - 1, text: `, ${w}=${first.text}`, near });
      }
    }
    // A subscript's one index given a second, its copy (`Annotated[int]` -> `Annotated[int, int]`).
    for (const node of only ? [] : [...root.descendantsOfType('subscript'), ...root.descendantsOfType('type_parameter')]) {
      const index = node?.type === 'subscript' ? node.childrenForFieldName('subscript') : node?.namedChildren;
      const single = index?.length === 1 ? index[0] : null;
      if (node && single) edits.push({ start: single.endIndex, end: single.endIndex, text: `, ${single.text}`, near: named(node) });
    }
    for (const id of only ? [] : root.descendantsOfType('identifier')) {
      if (id && quotable(id)) edits.push({ start: id.startIndex, end: id.endIndex, text: pyStr(id.text), near: named(id) });
    }
    const out: string[] = [];
    const ranked = [...edits.filter((e) => e.near), ...edits.filter((e) => !e.near)];
    for (const e of ranked) out.push(program.slice(0, e.start) + e.text + program.slice(e.end));
    // Renames last: each imported name that is called or subscripted, to each word not in the program.
    for (const name of imported) {
      for (const w of words) {
        if (!/^[A-Za-z_]\w*$/.test(w) || w === name || standing(w).test(program)) continue;
        out.push(program.replace(standing(name, 'g'), w));
      }
    }
    return out;
  });
  const literals: string[] = [];
  for (const p of edited) {
    const l = pyStr(p);
    if (l !== literal && !literals.includes(l)) literals.push(l);
    if (literals.length >= MAX_EDITS) break;
  }
  return literals;
}

/** `name` standing alone in program text: not part of a longer name, nor an attribute (`typing.cast` holds no `cast`). */
function standing(name: string, flags = ''): RegExp {
  return new RegExp(`(?<![\\w.])${name}(?!\\w)`, flags);
}

/** The names a program imports (`from typing import List as L` gives `L`) that it calls or subscripts. */
function importedNames(root: Node): string[] {
  const names = new Set<string>();
  for (const stmt of root.descendantsOfType('import_from_statement')) {
    for (const n of stmt?.childrenForFieldName('name') ?? []) {
      const local = n?.type === 'aliased_import' ? n.childForFieldName('alias') : n;
      if (local && /^[A-Za-z_]\w*$/.test(local.text)) names.add(local.text);
    }
  }
  const used = new Set<string>();
  for (const node of [...root.descendantsOfType('call'), ...root.descendantsOfType('subscript'), ...root.descendantsOfType('generic_type')]) {
    // `List[int]` in an annotation is a generic type, its name the first child.
    const head = node?.type === 'call' ? node.childForFieldName('function') : node?.type === 'subscript' ? node.childForFieldName('value') : node?.namedChild(0);
    if (head?.type === 'identifier' && names.has(head.text)) used.add(head.text);
  }
  return [...used].sort();
}

/** An identifier used as a value inside a call's arguments, a subscript's index or an annotation (not a name being bound or called). */
function quotable(id: Node): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (parent.type === 'argument_list') return true;
  if (parent.type === 'subscript') return parent.childForFieldName('value')?.id !== id.id;
  if (parent.type === 'type') return true;
  return false;
}

/** textwrap.dedent: the whitespace every non-blank line starts with, removed. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0]);
  if (indents.length === 0) return text;
  let common = indents[0]!;
  for (const i of indents) while (!i.startsWith(common)) common = common.slice(0, -1);
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(common.length))).join('\n');
}
