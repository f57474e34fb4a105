import { hiddenKeywords, type HiddenKeyword } from './hidden-keywords.js';
import type { Node } from 'web-tree-sitter';
import { attachedFunctions, namedtupleFactories, namedtupleFields } from './dynamic-types.js';
import { withPythonTree } from './parser.js';
import type { PyFunction } from './model.js';
import { assignmentsIn, forEachNamedNode } from './walk.js';

/**
 * What a function's body reveals about each parameter: the literals it is compared with, the
 * prefixes it is tested for, the keys read from it, the types `isinstance` checks, and how it is
 * used (string methods, arithmetic, iteration). Input inference builds candidate values from these.
 * Literal values are kept as Python source text.
 */
export interface ParamFacts {
  /** Literals compared with the parameter (`==`, `!=`, `in (...)`, `is`), as source. */
  literals: string[];
  /** Numbers on both sides of ordering comparisons (`x > 10` gives 10 and 11). */
  boundaries: string[];
  prefixes: string[];
  suffixes: string[];
  /** Substrings tested with `"lit" in param`. */
  contains: string[];
  /** Type names from `isinstance(param, T)`. */
  isinstanceTypes: string[];
  /**
   * Modules the function imports in its own body (`import pytz`), set when an isinstance type is
   * read from one (`isinstance(tz, pytz.BaseTzInfo)`): a value of it needs the import too.
   */
  localImports?: string[];
  /** Literal keys read with `param["k"]` or `param.get("k")`, as source. */
  keys: string[];
  /** Usage hints. */
  uses: Set<UseHint>;
  /** Smallest length a comparison with `len(param)` asks for, or null. */
  minLength: number | null;
  /** Plain attributes read from the parameter (`args.verbose`; not method calls), in order, unique. */
  attributes?: string[];
  /** Attributes the body asks the parameter whether it has (`hasattr(node, 'id')`, `getattr(node, 'id', None)`), in order, unique. */
  probedAttributes?: string[];
}

/**
 * `format-spec`: the parameter is a format specification (`format(x, spec)`, `f"{x:{spec}}"`);
 * `time-format`: a strftime format (`when.strftime(fmt)`); `to-number`: it is converted with
 * `int()` or `float()` (a number, or a number's text).
 */
export type UseHint = 'str' | 'number' | 'int' | 'list' | 'dict' | 'iterable' | 'bytes' | 'none' | 'attribute' | 'callable' | 'path' | 'format-spec' | 'time-format' | 'to-number';

export interface BodyFacts {
  params: Map<string, ParamFacts>;
  /** Plain string literals in the body (not docstrings), in order of appearance, unique. */
  strings: string[];
  /** The keywords the body reads from its `**kwargs` (hidden-keywords.ts); their facts are in `params`. */
  hidden?: HiddenKeyword[];
}

const STR_METHODS = new Set(['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'split', 'rsplit', 'splitlines', 'replace', 'startswith', 'endswith', 'find', 'rfind', 'format', 'encode', 'isdigit', 'isalpha', 'isalnum', 'isspace', 'isupper', 'islower', 'title', 'capitalize', 'casefold', 'partition', 'rpartition', 'zfill', 'center', 'ljust', 'rjust', 'expandtabs', 'swapcase', 'isdecimal', 'isnumeric', 'isidentifier']);
const LIST_METHODS = new Set(['append', 'extend', 'insert', 'pop', 'sort', 'reverse', 'index', 'count', 'remove']);
const DICT_METHODS = new Set(['items', 'keys', 'values', 'get', 'setdefault', 'update']);
const BYTES_METHODS = new Set(['decode', 'hex']);
const PATH_METHODS = new Set(['exists', 'is_file', 'is_dir', 'read_text', 'read_bytes', 'open', 'iterdir', 'glob', 'rglob', 'resolve', 'stat', 'suffix', 'stem', 'parent', 'with_suffix', 'joinpath']);
const LITERAL_TYPES = new Set(['integer', 'float', 'string', 'true', 'false', 'none', 'concatenated_string']);

export function emptyFacts(): ParamFacts {
  return { literals: [], boundaries: [], prefixes: [], suffixes: [], contains: [], isinstanceTypes: [], keys: [], uses: new Set(), minLength: null };
}

/** Facts for each function, from one parse of the module source. */
export async function functionFacts(source: string, functions: readonly PyFunction[]): Promise<Map<PyFunction, BodyFacts>> {
  return withPythonTree(source, (tree) => {
    const byLine = new Map<number, Node>();
    collectDefinitions(tree.rootNode, byLine);
    const out = new Map<PyFunction, BodyFacts>();
    for (const fn of functions) {
      const node = byLine.get(fn.defLine);
      out.set(fn, node ? analyse(node, fn, hiddenKeywords(fn, source)) : { params: new Map(), strings: [] });
    }
    return out;
  });
}

function collectDefinitions(root: Node, byLine: Map<number, Node>): void {
  forEachNamedNode(root, (node) => {
    if (node.type === 'function_definition') byLine.set(node.startPosition.row + 1, node);
  });
}

function analyse(def: Node, fn: PyFunction, hidden: readonly HiddenKeyword[]): BodyFacts {
  // The names the body reads a parameter by: its own, and the locals a hidden keyword is read into (hidden-keywords.ts).
  const names = new Map(fn.parameters.map((p) => [p.name, p.name]));
  for (const h of hidden) for (const local of h.locals) if (!names.has(local)) names.set(local, h.name);
  const params = new Map<string, ParamFacts>();
  for (const name of new Set(names.values())) params.set(name, emptyFacts());
  for (const h of hidden) if (!params.has(h.name)) params.set(h.name, emptyFacts());
  const strings: string[] = [];
  const body = def.childForFieldName('body');
  if (!body) return { params, strings, hidden: [...hidden] };
  const firstStatement = body.namedChildren[0];
  const docstring = firstStatement?.type === 'expression_statement' && firstStatement.namedChildren[0]?.type === 'string' ? firstStatement.namedChildren[0] : null;
  const factsFor = (node: Node | null | undefined): ParamFacts | undefined =>
    node && node.type === 'identifier' && names.has(node.text) ? params.get(names.get(node.text)!) : undefined;

  const visit = (node: Node): void => {
    switch (node.type) {
      case 'comparison_operator':
        comparison(node, factsFor);
        break;
      case 'call':
        call(node, factsFor);
        break;
      case 'subscript': {
        const facts = factsFor(node.childForFieldName('value'));
        const key = node.childForFieldName('subscript');
        if (facts && key) {
          if (key.type === 'string' && !hasInterpolation(key)) push(facts.keys, key.text), facts.uses.add('dict');
          else if (key.type === 'integer' || key.type === 'slice') facts.uses.add('list');
        }
        break;
      }
      case 'attribute': {
        const facts = factsFor(node.childForFieldName('object'));
        const attr = node.childForFieldName('attribute')?.text ?? '';
        if (facts) {
          if (STR_METHODS.has(attr)) facts.uses.add('str');
          else if (LIST_METHODS.has(attr)) facts.uses.add('list');
          else if (DICT_METHODS.has(attr)) facts.uses.add('dict');
          else if (PATH_METHODS.has(attr)) facts.uses.add('path');
          else if (BYTES_METHODS.has(attr)) facts.uses.add('bytes');
          else {
            facts.uses.add('attribute');
            const parent = node.parent;
            const called = parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id;
            if (!called && /^[A-Za-z_]\w*$/.test(attr)) {
              facts.attributes ??= [];
              if (!facts.attributes.includes(attr) && facts.attributes.length < 12) facts.attributes.push(attr);
            }
          }
        }
        break;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const facts = factsFor(node.childForFieldName('right'));
        if (facts) facts.uses.add('iterable');
        break;
      }
      case 'binary_operator': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text ?? '';
        for (const [side, other] of [[left, right], [right, left]] as const) {
          const facts = factsFor(side);
          if (!facts || !other) continue;
          if (other.type === 'integer' || other.type === 'float') facts.uses.add(op === '%' && side === left ? 'number' : 'number');
          else if (other.type === 'string' && op === '+') facts.uses.add('str');
          else if (other.type === 'string' && op === '%' && side === right) facts.uses.add('none');
        }
        break;
      }
      case 'format_specifier': {
        // `f"{x:{spec}}"`: the whole specification is the parameter (not `{x:>{width}}`).
        const whole = /^:\s*\{\s*([A-Za-z_]\w*)\s*\}$/.exec(node.text);
        const expr = whole ? node.namedChildren.find((c) => c?.type === 'format_expression')?.namedChildren.find((c) => c?.type === 'identifier') : null;
        if (expr) factsFor(expr)?.uses.add('format-spec');
        break;
      }
      case 'string':
        if (node !== docstring && !hasInterpolation(node) && !node.text.match(/^[A-Za-z]*[bB]/)) push(strings, node.text);
        break;
      case 'import_statement':
        // `import a.b` (not `import a.b as c`): binds `a` in the function.
        for (const name of node.namedChildren) if (name?.type === 'dotted_name') push(imports, name.text.split('.')[0]!);
        break;
    }
  };
  const imports: string[] = [];
  forEachNamedNode(body, visit);
  for (const facts of params.values()) {
    const local = imports.filter((m) => facts.isinstanceTypes.some((t) => t.startsWith(`${m}.`)));
    if (local.length > 0) facts.localImports = local;
  }
  return { params, strings, hidden: [...hidden] };
}

function comparison(node: Node, factsFor: (n: Node | null | undefined) => ParamFacts | undefined): void {
  const operands = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const operators = node.children.filter((c): c is Node => !!c && !c.isNamed).map((c) => c.text);
  // `not in` and `is not` come as two tokens; join them back.
  const ops: string[] = [];
  for (let i = 0; i < operators.length; i++) {
    const op = operators[i]!;
    if ((op === 'not' && operators[i + 1] === 'in') || (op === 'is' && operators[i + 1] === 'not')) {
      ops.push(`${op} ${operators[i + 1]}`);
      i++;
    } else ops.push(op);
  }
  for (let i = 0; i + 1 < operands.length; i++) {
    const left = operands[i]!;
    const right = operands[i + 1]!;
    const op = ops[i] ?? '';
    for (const [side, other, mine] of [[left, right, true], [right, left, false]] as const) {
      const facts = factsFor(side);
      if (facts) {
        compareWith(facts, other, op, mine);
        continue;
      }
      // len(param) > n
      if (side.type === 'call' && side.childForFieldName('function')?.text === 'len') {
        const arg = side.childForFieldName('arguments')?.namedChildren[0];
        const lenFacts = factsFor(arg);
        const n = other.type === 'integer' ? Number(other.text) : NaN;
        if (lenFacts && Number.isFinite(n)) {
          const wanted = /[>]/.test(op) ? n + 1 : n;
          lenFacts.minLength = Math.max(lenFacts.minLength ?? 0, wanted);
          lenFacts.uses.add('iterable');
        }
      }
    }
    // "lit" in param
    if ((op === 'in' || op === 'not in') && right.type === 'identifier') {
      const facts = factsFor(right);
      if (facts && left.type === 'string' && !hasInterpolation(left)) {
        push(facts.contains, left.text);
        facts.uses.add('str');
      }
    }
  }
}

function compareWith(facts: ParamFacts, other: Node, op: string, paramOnLeft: boolean): void {
  if (op === 'in' || op === 'not in') {
    if (!paramOnLeft) return;
    if (['tuple', 'list', 'set'].includes(other.type)) {
      for (const el of other.namedChildren) if (el && (isLiteral(el) || isBuiltinType(el))) push(facts.literals, el.text);
    } else if (other.type === 'string' && !hasInterpolation(other)) {
      facts.uses.add('str');
    }
    return;
  }
  // `valtype is float`: the parameter holds a type, and that one is a value of it.
  if (isBuiltinType(other) && ['is', 'is not', '==', '!='].includes(op)) {
    push(facts.literals, other.text);
    return;
  }
  if (op === 'is' || op === 'is not') {
    if (other.type === 'none') facts.uses.add('none');
    else if (isLiteral(other)) push(facts.literals, other.text);
    return;
  }
  if (!isLiteral(other)) return;
  if (op === '==' || op === '!=') {
    push(facts.literals, other.text);
    return;
  }
  const n = numericValue(other);
  if (n === null) {
    if (other.type === 'string') push(facts.literals, other.text);
    return;
  }
  const isInt = other.type === 'integer' || (other.type === 'unary_operator' && other.namedChildren[0]?.type === 'integer');
  const step = isInt ? 1 : 0.5;
  facts.uses.add(isInt ? 'int' : 'number');
  for (const v of [n, n + step, n - step]) push(facts.boundaries, formatNumber(v, isInt));
}

function call(node: Node, factsFor: (n: Node | null | undefined) => ParamFacts | undefined): void {
  const fn = node.childForFieldName('function');
  const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
  if (!fn) return;
  if (fn.type === 'identifier' && fn.text === 'isinstance' && args.length === 2) {
    const facts = factsFor(args[0]);
    if (!facts) return;
    const types = args[1]!.type === 'tuple' ? args[1]!.namedChildren.filter((c): c is Node => !!c) : [args[1]!];
    for (const t of types) push(facts.isinstanceTypes, t.text);
    return;
  }
  // `hasattr(node, 'id')`, `getattr(node, 'id', None)`: the body branches on which attributes the object has.
  if (fn.type === 'identifier' && (fn.text === 'hasattr' || (fn.text === 'getattr' && args.length === 3)) && args.length >= 2 && args[1]!.type === 'string' && !hasInterpolation(args[1]!)) {
    const facts = factsFor(args[0]);
    const attr = /^[rRuU]?['"]([A-Za-z_]\w*)['"]$/.exec(args[1]!.text)?.[1];
    if (facts && attr && !attr.startsWith('__')) {
      facts.probedAttributes ??= [];
      if (!facts.probedAttributes.includes(attr)) facts.probedAttributes.push(attr);
    }
    return;
  }
  // `float(val)`, `int(text.strip())`: converted to a number, itself or a string method's result of it.
  if (fn.type === 'identifier' && (fn.text === 'int' || fn.text === 'float') && args.length >= 1) factsFor(methodChainRoot(args[0]!))?.uses.add('to-number');
  if (fn.type === 'identifier' && ['int', 'float', 'str', 'len', 'list', 'dict', 'bytes', 'callable', 'iter', 'sorted'].includes(fn.text) && args.length >= 1) {
    const facts = factsFor(args[0]);
    if (!facts) return;
    if (fn.text === 'len' || fn.text === 'sorted' || fn.text === 'iter' || fn.text === 'list') facts.uses.add('iterable');
    if (fn.text === 'callable') facts.uses.add('callable');
    return;
  }
  // `format(value, spec)`: a format specification; `when.strftime(fmt)`, `datetime.strptime(text, fmt)`: a time format.
  if (fn.type === 'identifier' && fn.text === 'format' && args.length === 2) {
    factsFor(args[1])?.uses.add('format-spec');
    return;
  }
  const called = fn.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (called === 'strftime' && args.length >= 1) factsFor(args[0])?.uses.add('time-format');
  if (called === 'strptime' && args.length >= 2) factsFor(args[1])?.uses.add('time-format');
  if (fn.type === 'attribute') {
    const facts = factsFor(fn.childForFieldName('object'));
    const method = fn.childForFieldName('attribute')?.text;
    if (!facts || !method) return;
    const first = args[0];
    const strings = !first ? [] : first.type === 'tuple' ? first.namedChildren.filter((c): c is Node => !!c && c.type === 'string') : first.type === 'string' ? [first] : [];
    if (method === 'startswith') for (const s of strings) push(facts.prefixes, s.text);
    if (method === 'endswith') for (const s of strings) push(facts.suffixes, s.text);
    if (method === 'get' && first && (first.type === 'string' || first.type === 'integer') && !hasInterpolation(first)) push(facts.keys, first.text);
  }
  // A parameter called like a function.
  const facts = factsFor(fn);
  if (facts) facts.uses.add('callable');
}

/** The name a chain of method calls starts from (`val` of `val.replace(',', '').strip()`), or the node itself. */
function methodChainRoot(node: Node): Node {
  let current = node;
  while (current.type === 'call') {
    const fn = current.childForFieldName('function');
    const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (!object) break;
    current = object;
  }
  return current;
}

/** Builtin types a parameter holding a type is compared with. */
export const BUILTIN_TYPES = new Set(['str', 'int', 'float', 'bytes', 'bool', 'list', 'dict', 'tuple', 'set', 'frozenset', 'complex', 'bytearray']);

function isBuiltinType(node: Node): boolean {
  return node.type === 'identifier' && BUILTIN_TYPES.has(node.text);
}

function isLiteral(node: Node): boolean {
  if (node.type === 'string') return !hasInterpolation(node);
  if (LITERAL_TYPES.has(node.type)) return true;
  if (node.type === 'unary_operator') return ['integer', 'float'].includes(node.namedChildren[0]?.type ?? '');
  return false;
}

function numericValue(node: Node): number | null {
  if (node.type === 'integer' || node.type === 'float') {
    const n = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(n) ? n : null;
  }
  if (node.type === 'unary_operator' && node.namedChildren[0]) {
    const inner = numericValue(node.namedChildren[0]);
    return inner === null ? null : node.text.trim().startsWith('-') ? -inner : inner;
  }
  return null;
}

function formatNumber(v: number, isInt: boolean): string {
  if (isInt) return String(Math.round(v));
  const text = String(v);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

function hasInterpolation(node: Node): boolean {
  return node.namedChildren.some((c) => c?.type === 'interpolation') || /^[A-Za-z]*[fFtT]/.test(node.text);
}

function push(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** Classes of a module that inference can build values of. */
export interface ModuleTypes {
  /** Enum classes and their member names. */
  enums: Map<string, string[]>;
  /** How to construct a class: the parameters of its __init__ (self left out), or its dataclass / NamedTuple fields. */
  constructors: Map<string, import('./model.js').Parameter[]>;
  /** The class whose `__init__` a class without its own inherits (a base defined in the same module), by class qualname. */
  initFrom?: Map<string, string>;
  /** Module functions attached to classes by assignment (`Required.check = _check_required`): function name -> class names. */
  attached?: Map<string, string[]>;
  /**
   * Fluent properties of a class, by class qualname, in source order: properties that set
   * attributes of the instance and `return self` (`every(1).seconds` sets the unit): an
   * instance built through one is in a state its constructor alone does not give.
   */
  fluent?: Map<string, string[]>;
}

const ENUM_BASES = /(^|\.)(Enum|IntEnum|StrEnum|Flag|IntFlag)$/;
const RECORD_DECORATORS = /^(dataclasses\.)?dataclass\b|^(attr\.)?(s|attrs|define|frozen)\b|^attr\.dataclass/;

/** Enum members, dataclass and NamedTuple fields, and __init__ signatures, by class qualname. */
export async function moduleTypes(source: string, parsed: import('./model.js').ParsedModule): Promise<ModuleTypes> {
  const enums = new Map<string, string[]>();
  const constructors = new Map<string, import('./model.js').Parameter[]>();
  const byLine = new Map(parsed.classes.map((c) => [c.defLine, c]));
  let attached = new Map<string, string[]>();
  for (const fn of parsed.functions) {
    if (fn.name === '__init__' && fn.className) constructors.set(fn.className, fn.parameters.slice(1));
  }
  // A class built by its `__new__` alone (a namedtuple or immutable subclass) is called with its signature.
  for (const fn of parsed.functions) {
    if (fn.name === '__new__' && fn.className && !constructors.has(fn.className)) constructors.set(fn.className, fn.parameters.slice(1));
  }
  await withPythonTree(source, (tree) => {
    const visit = (node: Node): void => {
      if (node.type === 'class_definition') {
        const cls = byLine.get(node.startPosition.row + 1);
        const body = node.childForFieldName('body');
        if (cls && body) {
          if (cls.bases.some((b) => ENUM_BASES.test(b))) {
            const members: string[] = [];
            for (const assign of assignmentsIn(body)) {
              const left = assign.childForFieldName('left');
              if (left?.type === 'identifier' && !left.text.startsWith('_')) members.push(left.text);
            }
            if (members.length > 0) enums.set(cls.qualname, members);
            return;
          }
          if (constructors.has(cls.qualname)) return;
          // class Map(collections.namedtuple('Map', ('name', 'items'))): built with those fields.
          const factoryFields = namedtupleBase(node);
          if (factoryFields) constructors.set(cls.qualname, factoryFields);
          else if (cls.decorators.some((d) => RECORD_DECORATORS.test(d)) || cls.bases.some((b) => /(^|\.)NamedTuple$/.test(b))) {
            const fields: import('./model.js').Parameter[] = [];
            for (const assign of assignmentsIn(body)) {
              const left = assign.childForFieldName('left');
              const type = assign.childForFieldName('type');
              const right = assign.childForFieldName('right');
              if (left?.type !== 'identifier' || !type || /ClassVar|InitVar/.test(type.text)) continue;
              const factory = right && /^(dataclasses\.)?field\(/.test(right.text);
              const hasDefault = right !== null && (!factory || /default(_factory)?\s*=/.test(right.text));
              fields.push({ name: left.text, kind: 'positional_or_keyword', annotation: type.text, default: hasDefault ? (factory ? 'None' : right!.text) : null });
            }
            constructors.set(cls.qualname, fields);
          }
        }
      }
    };
    forEachNamedNode(tree.rootNode, visit);
    // `Point = collections.namedtuple('Point', 'x y')`: a class built at run time, by its fields.
    for (const [name, fields] of namedtupleFactories(tree.rootNode)) if (!constructors.has(name)) constructors.set(name, fields);
    attached = attachedFunctions(tree.rootNode);
  });
  const initFrom = inheritConstructors(parsed.classes, constructors, enums);
  return { enums, constructors, initFrom, attached, fluent: fluentProperties(source, parsed.functions) };
}

/** Properties whose body assigns attributes of `self` and ends with `return self`, by class. */
function fluentProperties(source: string, functions: readonly import('./model.js').PyFunction[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let lines: string[] | null = null;
  for (const fn of functions) {
    if (!fn.className || fn.parameters.length !== 1 || !fn.decorators.includes('property')) continue;
    lines ??= source.split('\n');
    const body = lines.slice(fn.bodyStartLine - 1, fn.bodyEndLine).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    const self = fn.parameters[0]!.name;
    if (body[body.length - 1] !== `return ${self}` || !body.some((l) => l.startsWith(`${self}.`) && /^[\w.]+\s*=[^=]/.test(l))) continue;
    const list = out.get(fn.className) ?? [];
    list.push(fn.name);
    out.set(fn.className, list);
  }
  return out;
}

/** The fields of the namedtuple factory call a class derives from, or null. */
function namedtupleBase(classNode: Node): import('./model.js').Parameter[] | null {
  for (const base of classNode.childForFieldName('superclasses')?.namedChildren ?? []) {
    const fields = namedtupleFields(base);
    if (fields) return fields;
  }
  return null;
}

/**
 * A class without its own `__init__` (an exception subclass, a variant overriding one method)
 * is built as its nearest base defined in the same module is: it takes that base's parameters.
 * Bases are followed by their last name, first base first, never in a cycle.
 */
function inheritConstructors(classes: readonly import('./model.js').PyClass[], constructors: Map<string, import('./model.js').Parameter[]>, enums: Map<string, string[]>): Map<string, string> {
  const initFrom = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const c of classes) if (!byName.has(c.name)) byName.set(c.name, c.qualname);
  const bases = new Map(classes.map((c) => [c.qualname, c.bases]));
  const owner = (qualname: string, seen: Set<string>): string | null => {
    if (constructors.has(qualname)) return qualname;
    if (seen.has(qualname) || enums.has(qualname)) return null;
    seen.add(qualname);
    for (const base of bases.get(qualname) ?? []) {
      const name = byName.get(base.split('.').pop()!.replace(/\[.*$/, ''));
      if (name === undefined) continue;
      const found = owner(name, seen);
      if (found !== null) return found;
    }
    return null;
  };
  for (const c of classes) {
    if (constructors.has(c.qualname) || enums.has(c.qualname)) continue;
    const from = owner(c.qualname, new Set());
    if (from === null) continue;
    constructors.set(c.qualname, constructors.get(from)!);
    initFrom.set(c.qualname, from);
  }
  return initFrom;
}
