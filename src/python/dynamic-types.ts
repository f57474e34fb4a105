/**
 * Classes and methods a module builds at run time, read statically: namedtuple factories
 * (`Point = collections.namedtuple('Point', 'x y')`, `typing.NamedTuple('Point', [('x', int)])`,
 * a class deriving from such a call) and module functions attached to a class by assignment
 * (`Required.check = _check_required`, whose `self` is then a `Required`).
 */
import type { Node } from 'web-tree-sitter';
import type { Parameter } from './model.js';
import { assignmentsIn } from './walk.js';

const FACTORY = /(^|\.)(namedtuple|NamedTuple)$/;

/** The constructor parameters of a namedtuple factory call, or null when `call` is not one (or its fields are not literal). */
export function namedtupleFields(call: Node | null | undefined): Parameter[] | null {
  if (!call || call.type !== 'call') return null;
  const fn = call.childForFieldName('function');
  if (!fn || !FACTORY.test(fn.text)) return null;
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  const spec = positional[1] ?? keyword(args, 'field_names') ?? keyword(args, 'fields');
  if (!spec) return null;
  const fields: Parameter[] = [];
  if (spec.type === 'string') {
    const text = stringValue(spec);
    if (text === null) return null;
    for (const name of text.split(/[\s,]+/).filter((n) => n !== '')) fields.push(field(name, null));
  } else if (spec.type === 'list' || spec.type === 'tuple') {
    for (const item of spec.namedChildren) {
      if (!item || item.type === 'comment') continue;
      if (item.type === 'string') {
        const name = stringValue(item);
        if (name === null) return null;
        fields.push(field(name, null));
      } else if (item.type === 'tuple' || item.type === 'list') {
        // typing.NamedTuple('P', [('x', int), ('y', str)])
        const [name, type] = item.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
        const text = name?.type === 'string' ? stringValue(name) : null;
        if (text === null) return null;
        fields.push(field(text, type?.text ?? null));
      } else return null;
    }
  } else return null;
  if (fields.some((f) => !/^[A-Za-z_]\w*$/.test(f.name))) return null;
  const defaults = keyword(args, 'defaults');
  if (defaults && (defaults.type === 'tuple' || defaults.type === 'list')) {
    const values = defaults.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
    values.forEach((v, i) => {
      const f = fields[fields.length - values.length + i];
      if (f) f.default = v.text;
    });
  }
  return fields;
}

/** `Name = <namedtuple factory call>` at the top of the module: Name -> its fields. */
export function namedtupleFactories(root: Node): Map<string, Parameter[]> {
  const out = new Map<string, Parameter[]>();
  for (const assign of assignmentsIn(root)) {
    const left = assign.childForFieldName('left');
    const fields = namedtupleFields(assign.childForFieldName('right'));
    if (left?.type === 'identifier' && fields && !out.has(left.text)) out.set(left.text, fields);
  }
  return out;
}

/** `Cls.attr = func` at the top of the module, `func` a name: func -> the classes it is attached to, in order. */
export function attachedFunctions(root: Node): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const assign of assignmentsIn(root)) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    const object = left?.type === 'attribute' ? left.childForFieldName('object') : null;
    if (object?.type !== 'identifier' || right?.type !== 'identifier') continue;
    const list = out.get(right.text) ?? [];
    if (!list.includes(object.text)) list.push(object.text);
    out.set(right.text, list);
  }
  return out;
}

function field(name: string, annotation: string | null): Parameter {
  return { name, kind: 'positional_or_keyword', annotation, default: null };
}

function keyword(args: readonly Node[], name: string): Node | null {
  for (const a of args) if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name) return a.childForFieldName('value');
  return null;
}

/** The value of a plain string literal (no f-string, no escapes that matter for names), or null. */
function stringValue(node: Node): string | null {
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return null;
  const m = /^[rRuU]?(['"]{1,3})([\s\S]*)\1$/.exec(node.text);
  return m ? m[2]! : null;
}
