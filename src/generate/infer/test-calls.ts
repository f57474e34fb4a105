/**
 * The calls a project's own tests make, read statically (tree-sitter, nothing is run): which
 * function, class, factory or method each test calls, and with which arguments, when those
 * arguments are made of literals, containers of literals and names of the project or of the
 * standard library. Names are resolved through the test file's imports (`import pkg.mod as m`,
 * `from pkg.mod import C as D`, `from pkg import mod`), locals assigned once in the test
 * (`s = Stats([1, 2]); s.mean()`), `pytest.mark.parametrize` rows, and fixtures whose body is a
 * single `return` of such a value (in the file or a conftest.py above it). Anything else (mocks,
 * fixtures with logic, locals assigned twice) makes the call unreadable: it is skipped, never
 * guessed. Tests in smart-test's own managed blocks are left out: seeds come from people's tests.
 */
import path from 'node:path';
import type { Node, TreeCursor } from 'web-tree-sitter';
import { findBlocks } from '../managed.js';
import { moduleNameFor } from '../module-name.js';
import { oneLineString, type Ref, type Snippet } from './snippet.js';
import { standaloneDef, standaloneLambda } from './test-definitions.js';
import { targetNames } from '../../python/walk.js';

/** An instance a test builds and then uses: `s = Stats([1, 2])`, `s.add(3)`. */
export interface Receiver {
  /** The expression that builds it. */
  build: Snippet;
  /** The function, class or factory that builds it. */
  ctor: Ref;
  /** Statements the test ran on it before the call, written on `obj` (`obj.add(3)`). */
  steps: Snippet[];
}

export interface TestCall {
  /** Repo-relative test file. */
  file: string;
  line: number;
  column: number;
  /** The test function (`test_mean`, `TestStats.test_mean`). */
  test: string;
  /** A call of a module's name: a function, a class, `Class.factory`. */
  callee: Ref | null;
  /** A method call or attribute read on an instance; its receiver, or null when the test built it in a way not readable. */
  receiver: Receiver | null;
  member: string | null;
  /** The argument list (without parentheses); null for an attribute read. */
  args: Snippet | null;
  /** A method call whose arguments are not readable: only its instance is of use (a receiver). */
  receiverOnly?: boolean;
  /** The builtin the test passes the result to, to consume it (`list(lexer.tokenize("a"))`): a generator's body runs. */
  consumer?: string;
  /** The call is inside `with pytest.raises(...)` (or `assertRaises`): the test expects it to fail early. */
  expectsRaise?: boolean;
}

const CONSUMERS = new Set(['list', 'tuple', 'set', 'sorted', 'dict', 'next', 'sum', 'len']);
/** Builtins that call one special method of their argument: `repr(job)` is `job.__repr__()`. */
const DUNDER_OF = new Map([['repr', '__repr__'], ['str', '__str__']]);

/** A test file's readable calls. */
export interface TestFileCalls {
  file: string;
  calls: TestCall[];
  /** Fixtures whose value is readable, by name. */
  fixtures: Map<string, Snippet>;
}

const MAX_ROWS = 8;
const MAX_SNIPPET = 2000;

const BUILTINS = new Set([
  'int', 'float', 'str', 'bytes', 'bytearray', 'bool', 'complex', 'list', 'dict', 'tuple', 'set', 'frozenset', 'range',
  'slice', 'object', 'len', 'sorted', 'reversed', 'min', 'max', 'sum', 'abs', 'round', 'enumerate', 'zip', 'chr', 'ord',
  'hex', 'oct', 'bin', 'repr', 'divmod', 'pow', 'any', 'all', 'iter', 'next', 'map', 'filter', 'Ellipsis', 'NotImplemented',
]);
const BUILTIN_EXCEPTION = /^[A-Z]\w*(Error|Exception|Warning)$|^(StopIteration|KeyboardInterrupt|GeneratorExit|SystemExit)$/;

interface Scope {
  /** Local name -> what it names (`m` -> pkg.mod). */
  imports: Map<string, Ref>;
  /** Dotted module names imported as such (`import a.b.c` makes a, a.b and a.b.c). */
  modules: Set<string>;
  star: string[];
  /** Names bound once at module level, and fixtures, parameters, locals: name -> value. */
  values: Map<string, Snippet | null>;
  /** Locals assigned once in the function (or only by top-level statements, in turn: `next`): their value node, resolved on use. */
  locals: Map<string, Local>;
  resolving: Set<string>;
  /** Values already read, by node and position. */
  memo: Map<string, Snippet | null>;
  /** In a test class: the instances its setUp stores on `self` (`self.parser = Parser()`), by attribute. */
  selfAttrs?: Map<string, { build: Snippet; ctor: Ref }>;
  /** In a test class: its class attributes bound to readable values (`withDoctest = False`), its own before its bases'. */
  selfValues?: Map<string, Snippet>;
  /** The helpers the test can call (`self.flakes(src)`, `check(src, expected)`): their calls are read with the arguments bound. */
  helpers?: Helpers;
  /** The test class the reading is in (its self attributes and values), '' outside one: helpers' calls are read once per class. */
  classKey?: string;
}

/** A local's assignment: its value node, where it ends, and the name's next top-level assignment, if any. */
interface Local {
  node: Node;
  at: number;
  next?: Local;
}

/** The assignment of a local that holds at `at` (the last one before it), or null. */
function localAt(scope: Scope, name: string, at: number): Local | null {
  let local = scope.locals.get(name);
  if (!local || local.at > at) return null;
  while (local.next && local.next.at <= at) local = local.next;
  return local;
}

/** A function a test calls to do the calling for it (or a lambda it bound to a local), and the scope it was defined in. */
interface Helper {
  def: Node;
  scope: Scope;
  /** Its body's nodes, walked once for all its calls. */
  nodes?: FunctionNodes | null;
  /** Its parameters, read once. */
  params?: HelperParam[];
  /** The calls its body makes, its parameters left as markers (see PARAM), by class context. */
  templates?: Map<string, readonly TestCall[]>;
}

interface HelperParam {
  name: string;
  kind: 'positional' | 'keyword' | 'args' | 'kwargs';
  fallback: Node | null;
}

/** The module of the marker a helper's parameter stands as in its calls until a test's argument replaces it. */
const PARAM = '\0param';

interface Helpers {
  /** Module-level functions of the test file, by name. */
  functions: Map<string, Helper>;
  /** Methods of the test class and of its bases (the class's own first), by name. */
  methods: Map<string, Helper>;
}

/** The root of a project module's syntax tree (a test base class's file), or null. */
export type ModuleTree = (module: string) => Node | null;

/**
 * Reads the calls of one test file. `fixtures` gives the fixtures of the conftest.py files
 * above it, nearest first.
 */
export function readTestCalls(file: string, text: string, root: Node, sourceRoots: readonly string[], fixtures: ReadonlyArray<Map<string, Snippet>>, moduleTree?: ModuleTree): TestFileCalls {
  const managed = findBlocks(text).map((b) => [b.start + 1, b.end] as const);
  const own = moduleNameFor(file, sourceRoots)?.module ?? null;
  const scope: Scope = { imports: new Map(), modules: new Set(), star: [], values: new Map(), locals: new Map(), resolving: new Set(), memo: new Map() };
  const out: TestFileCalls = { file, calls: [], fixtures: new Map() };
  const assigned = new Map<string, number>();
  const defs: Array<{ def: Node; decorators: Node[]; cls: string | null }> = [];

  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    readImports(stmt, scope, own);
    if (stmt.type === 'expression_statement') {
      const a = stmt.namedChildren[0];
      if (a?.type === 'assignment') for (const n of targetNames(a.childForFieldName('left'))) assigned.set(n, (assigned.get(n) ?? 0) + (a.childForFieldName('left')!.type === 'identifier' ? 1 : 2));
    }
    const { def, decorators } = unwrap(stmt);
    if (def?.type === 'function_definition') defs.push({ def, decorators, cls: null });
    if (def?.type === 'class_definition') {
      const name = def.childForFieldName('name')?.text ?? '';
      for (const inner of def.childForFieldName('body')?.namedChildren ?? []) {
        const u = inner ? unwrap(inner) : null;
        if (u?.def?.type === 'function_definition') defs.push({ def: u.def, decorators: u.decorators, cls: name });
      }
    }
  }
  // Names the test module defines are its own, not the module under test's (through `import *`).
  for (const { def, cls } of defs) if (cls === null) scope.values.set(def.childForFieldName('name')?.text ?? '', null);
  for (const stmt of root.namedChildren) {
    const { def } = stmt ? unwrap(stmt) : { def: null };
    if (def?.type === 'class_definition') scope.values.set(def.childForFieldName('name')?.text ?? '', null);
  }
  for (const [name, n] of assigned) if (n !== 1) scope.values.set(name, null);
  // Module-level constants bound once.
  for (const stmt of root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right && assigned.get(left.text) === 1) scope.values.set(left.text, resolve(right, scope, Infinity));
  }
  // Fixtures: the file's own override the conftest ones.
  const visible = new Map<string, Snippet>();
  for (const map of [...fixtures].reverse()) for (const [k, v] of map) visible.set(k, v);
  for (const { def, decorators, cls } of defs) {
    if (cls !== null) continue;
    const fixture = fixtureName(def, decorators);
    if (!fixture) continue;
    const value = fixtureValue(def, scope);
    if (value) out.fixtures.set(fixture, value);
    visible.delete(fixture);
  }
  for (const [k, v] of out.fixtures) visible.set(k, v);

  // What each test class's setUp stores on `self`.
  const setUps = new Map<string, Map<string, { build: Snippet; ctor: Ref }>>();
  for (const { def, cls } of defs) {
    const name = def.childForFieldName('name')?.text ?? '';
    const body = def.childForFieldName('body');
    if (cls === null || !body || !/^(setUp|setup_method|setup)$/.test(name)) continue;
    setUps.set(cls, selfAttributes(body, { imports: new Map(scope.imports), modules: new Set(scope.modules), star: [...scope.star], values: new Map(scope.values), locals: new Map(), resolving: new Set(), memo: new Map() }));
  }

  // Helpers: the file's functions and its test classes' methods that are neither tests nor fixtures.
  const functions = new Map<string, Helper>();
  for (const { def, decorators, cls } of defs) {
    const name = def.childForFieldName('name')?.text ?? '';
    if (cls === null && isHelperName(name) && !fixtureName(def, decorators) && decorators.length === 0) functions.set(name, { def, scope });
  }
  const classHelpers = new Map<string, { methods: Map<string, Helper>; values: Map<string, Snippet> }>();
  const helpersOf = (cls: string) => {
    let known = classHelpers.get(cls);
    if (!known) {
      const node = classNode(root, cls);
      known = node ? classMembers(node, scope, moduleTree, 0) : { methods: new Map(), values: new Map() };
      classHelpers.set(cls, known);
    }
    return known;
  };

  for (const { def, decorators, cls } of defs) {
    const name = def.childForFieldName('name')?.text ?? '';
    if (!name.startsWith('test')) continue;
    const line = def.startPosition.row + 1;
    if (managed.some(([a, b]) => line > a && line <= b)) continue;
    const test = cls ? `${cls}.${name}` : name;
    const params = (def.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p).map((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text ?? p.text));
    const body = def.childForFieldName('body');
    if (!body) continue;
    const nodes = functionNodes(body);
    for (const binding of parametrizeRows(decorators, scope)) {
      const values = new Map(scope.values);
      for (const p of params) {
        if (p === 'self' || p === 'cls') values.set(p, null);
        else if (binding.has(p)) values.set(p, binding.get(p)!);
        else if (p === 'tmp_path') values.set(p, ['tmp_path']);
        else values.set(p, visible.get(p) ?? null);
      }
      const selfAttrs = cls !== null ? setUps.get(cls) : undefined;
      const members = cls !== null ? helpersOf(cls) : null;
      const helpers: Helpers = { functions, methods: members?.methods ?? new Map() };
      const selfValues = members?.values;
      readFunction(nodes, { imports: new Map(scope.imports), modules: new Set(scope.modules), star: [...scope.star], values, locals: new Map(), resolving: new Set(), memo: new Map(), helpers, classKey: cls ?? '', ...(selfAttrs ? { selfAttrs } : {}), ...(selfValues ? { selfValues } : {}) }, file, test, out.calls);
    }
  }
  return out;
}

/** The instances a setUp method stores on `self` once, from readable calls (`self.parser = parser.Parser()`). */
function selfAttributes(body: Node, scope: Scope): Map<string, { build: Snippet; ctor: Ref }> {
  const nodes = functionNodes(body);
  for (const stmt of nodes.statements) readImports(stmt, scope, null);
  for (const node of nodes.assignments) {
    const left = node.childForFieldName('left')!;
    const right = node.childForFieldName('right');
    if (right && nodes.counts.get(left.text) === 1) scope.locals.set(left.text, { node: right, at: node.endIndex });
  }
  const out = new Map<string, { build: Snippet; ctor: Ref }>();
  const twice = new Set<string>();
  for (const stmt of nodes.statements) {
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== 'self' || !right) continue;
    const attr = left.childForFieldName('attribute')?.text ?? '';
    if (out.has(attr)) twice.add(attr);
    const ctor = chainCtor(right, scope);
    const build = ctor ? resolve(right, scope, stmt.startIndex) : null;
    if (ctor && build) out.set(attr, { build, ctor });
  }
  for (const attr of twice) out.delete(attr);
  return out;
}

/** `self.parser` in a test method whose class's setUp built it. */
function selfAttribute(node: Node | null, scope: Scope): { build: Snippet; ctor: Ref } | null {
  if (node?.type !== 'attribute' || !scope.selfAttrs || node.childForFieldName('object')?.text !== 'self') return null;
  return scope.selfAttrs.get(node.childForFieldName('attribute')?.text ?? '') ?? null;
}

/** A function a test may call to do its calling: not a test, not a setup or teardown, not a dunder. */
function isHelperName(name: string): boolean {
  return !/^(test|setUp|tearDown|setup|teardown|setup_method|teardown_method|setup_class|teardown_class|setUpClass|tearDownClass)/.test(name) && !name.startsWith('__');
}

/** The top-level class of that name in a module's tree. */
function classNode(root: Node, name: string): Node | null {
  for (const stmt of root.namedChildren) {
    const def = stmt ? unwrap(stmt).def : null;
    if (def?.type === 'class_definition' && def.childForFieldName('name')?.text === name) return def;
  }
  return null;
}

/**
 * A test class's helper methods and readable class attributes, its own before its bases' (a base
 * of the same file, or imported from another module of the project: a test harness's `TestCase`).
 */
function classMembers(node: Node, scope: Scope, moduleTree: ModuleTree | undefined, depth: number): { methods: Map<string, Helper>; values: Map<string, Snippet> } {
  const methods = new Map<string, Helper>();
  const values = new Map<string, Snippet>();
  for (const inner of node.childForFieldName('body')?.namedChildren ?? []) {
    if (!inner) continue;
    const { def, decorators } = unwrap(inner);
    const name = def?.childForFieldName('name')?.text ?? '';
    if (def?.type === 'function_definition' && isHelperName(name) && decorators.length === 0) methods.set(name, { def, scope });
    const a = inner.type === 'expression_statement' ? inner.namedChildren[0] : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    const right = a?.childForFieldName('right');
    if (left?.type === 'identifier' && right) {
      const v = resolve(right, { ...scope, locals: new Map(), resolving: new Set(), memo: new Map() }, Infinity);
      if (v) values.set(left.text, v);
    }
  }
  if (depth >= 3) return { methods, values };
  for (const base of node.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!base || (base.type !== 'identifier' && base.type !== 'attribute')) continue;
    let found: { node: Node; scope: Scope } | null = null;
    const here = base.type === 'identifier' && !scope.imports.has(base.text) ? classNode(rootOf(node), base.text) : null;
    if (here) found = { node: here, scope };
    else {
      const ref = refOf(base, scope);
      const root = ref && ref.path !== '' && !ref.path.includes('.') && !FRAMEWORK.test(ref.module) ? moduleTree?.(ref.module) ?? null : null;
      const there = root ? classNode(root, ref!.path) : null;
      if (there && root) found = { node: there, scope: moduleScope(root, ref!.module) };
    }
    if (!found) continue;
    const inherited = classMembers(found.node, found.scope, moduleTree, depth + 1);
    for (const [k, v] of inherited.methods) if (!methods.has(k)) methods.set(k, v);
    for (const [k, v] of inherited.values) if (!values.has(k)) values.set(k, v);
  }
  return { methods, values };
}

function rootOf(node: Node): Node {
  let cur = node;
  while (cur.parent) cur = cur.parent;
  return cur;
}

/** A module's imports and the names it defines (not readable as values: they are its own). */
function moduleScope(root: Node, own: string): Scope {
  const scope: Scope = { imports: new Map(), modules: new Set(), star: [], values: new Map(), locals: new Map(), resolving: new Set(), memo: new Map() };
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    readImports(stmt, scope, own);
    const { def } = unwrap(stmt);
    if (def) scope.values.set(def.childForFieldName('name')?.text ?? '', null);
    const a = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (a?.type === 'assignment') for (const n of targetNames(a.childForFieldName('left'))) scope.values.set(n, null);
  }
  return scope;
}

/** The fixtures a conftest.py (or any file) defines with a readable single `return`. */
export function readFixtures(file: string, root: Node, sourceRoots: readonly string[]): Map<string, Snippet> {
  const own = moduleNameFor(file, sourceRoots)?.module ?? null;
  const scope: Scope = { imports: new Map(), modules: new Set(), star: [], values: new Map(), locals: new Map(), resolving: new Set(), memo: new Map() };
  const out = new Map<string, Snippet>();
  for (const stmt of root.namedChildren) if (stmt) readImports(stmt, scope, own);
  for (const stmt of root.namedChildren) {
    if (!stmt) continue;
    const { def, decorators } = unwrap(stmt);
    if (def?.type !== 'function_definition') continue;
    const name = fixtureName(def, decorators);
    const value = name ? fixtureValue(def, scope) : null;
    if (name && value) out.set(name, value);
  }
  return out;
}

function unwrap(stmt: Node): { def: Node | null; decorators: Node[] } {
  if (stmt.type === 'decorated_definition') {
    return { def: stmt.childForFieldName('definition'), decorators: stmt.namedChildren.filter((c): c is Node => c?.type === 'decorator') };
  }
  return { def: stmt.type === 'function_definition' || stmt.type === 'class_definition' ? stmt : null, decorators: [] };
}

function readImports(stmt: Node, scope: Scope, own: string | null): void {
  if (stmt.type === 'import_statement') {
    for (const item of stmt.namedChildren) {
      if (!item) continue;
      if (item.type === 'dotted_name') {
        const parts = item.text.split('.');
        for (let i = 1; i <= parts.length; i++) scope.modules.add(parts.slice(0, i).join('.'));
        scope.imports.set(parts[0]!, { module: parts[0]!, path: '' });
      } else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) {
          scope.modules.add(name);
          scope.imports.set(alias, { module: name, path: '' });
        }
      }
    }
  } else if (stmt.type === 'import_from_statement') {
    const from = stmt.childForFieldName('module_name');
    if (!from) return;
    let module: string | null = from.text;
    if (from.type === 'relative_import') {
      const dots = /^\.+/.exec(from.text)?.[0].length ?? 0;
      const pkg = own ? own.split('.').slice(0, -1) : null;
      module = pkg && pkg.length >= dots - 1 ? [...pkg.slice(0, pkg.length - (dots - 1)), ...(from.text.slice(dots) ? [from.text.slice(dots)] : [])].join('.') : null;
      if (module === '') module = null;
    }
    if (!module) return;
    for (const item of stmt.children) {
      if (!item || item.id === from.id) continue;
      if (item.type === 'wildcard_import') scope.star.push(module);
      else if (item.type === 'dotted_name') scope.imports.set(item.text.split('.')[0]!, { module, path: item.text });
      else if (item.type === 'aliased_import') {
        const name = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (name && alias) scope.imports.set(alias, { module, path: name });
      }
    }
  }
}

function fixtureName(def: Node, decorators: Node[]): string | null {
  for (const d of decorators) {
    const expr = d.namedChildren.find((c) => c && c.type !== 'comment');
    if (!expr) continue;
    const callee = expr.type === 'call' ? expr.childForFieldName('function') : expr;
    if (!callee || !/^(pytest\.)?fixture$/.test(callee.text)) continue;
    if (expr.type === 'call') {
      for (const a of expr.childForFieldName('arguments')?.namedChildren ?? []) {
        if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'name') {
          const v = a.childForFieldName('value');
          const m = v ? /^['"](\w+)['"]$/.exec(v.text) : null;
          if (m) return m[1]!;
        }
        if (a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'params') return null;
      }
    }
    return def.childForFieldName('name')?.text ?? null;
  }
  return null;
}

/** A fixture's value when its body is `return <readable value>` (after a docstring) and it takes no fixtures. */
function fixtureValue(def: Node, scope: Scope): Snippet | null {
  const params = def.childForFieldName('parameters')?.namedChildren.filter((p) => p && p.type !== 'comment') ?? [];
  if (params.length > 0) return null;
  const body = (def.childForFieldName('body')?.namedChildren ?? []).filter((s): s is Node => !!s && s.type !== 'comment');
  const stmts = body[0]?.type === 'expression_statement' && body[0].namedChildren[0]?.type === 'string' ? body.slice(1) : body;
  if (stmts.length !== 1 || stmts[0]!.type !== 'return_statement') return null;
  const value = stmts[0]!.namedChildren[0];
  return value ? resolve(value, { ...scope, locals: new Map(), resolving: new Set(), memo: new Map() }, Infinity) : null;
}

/** Each row of the test's `parametrize` decorators as parameter bindings (one empty binding without any). */
function parametrizeRows(decorators: Node[], scope: Scope): Array<Map<string, Snippet | null>> {
  let rows: Array<Map<string, Snippet | null>> = [new Map()];
  for (const d of decorators) {
    const expr = d.namedChildren.find((c) => c && c.type !== 'comment');
    if (expr?.type !== 'call' || !/(^|\.)parametrize$/.test(expr.childForFieldName('function')?.text ?? '')) continue;
    const args = (expr.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a && a.type !== 'comment');
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    const kw = (n: string) => args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === n)?.childForFieldName('value') ?? null;
    const namesNode = positional[0] ?? kw('argnames');
    const valuesNode = positional[1] ?? kw('argvalues');
    if (!namesNode || !valuesNode) continue;
    const names = argNames(namesNode);
    if (!names || (valuesNode.type !== 'list' && valuesNode.type !== 'tuple')) {
      rows = rows.map((r) => new Map([...r, ...(names ?? []).map((n) => [n, null] as const)]));
      continue;
    }
    const own: Array<Map<string, Snippet | null>> = [];
    for (const item of valuesNode.namedChildren) {
      if (!item || item.type === 'comment') continue;
      let cells: Array<Node | null>;
      const inner = item.type === 'call' && /(^|\.)param$/.test(item.childForFieldName('function')?.text ?? '') ? item.childForFieldName('arguments') : item;
      const elements = (n: Node | null) => (n?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');
      if (inner !== item) cells = elements(inner).filter((c) => c.type !== 'keyword_argument');
      else if (names.length === 1) cells = [item];
      else cells = item.type === 'tuple' || item.type === 'list' ? elements(item) : [];
      const row = new Map<string, Snippet | null>();
      names.forEach((n, i) => row.set(n, cells[i] && cells.length >= names.length ? resolve(cells[i]!, { ...scope, locals: new Map(), resolving: new Set(), memo: new Map() }, Infinity) : null));
      own.push(row);
      if (own.length >= MAX_ROWS) break;
    }
    const next: Array<Map<string, Snippet | null>> = [];
    for (const r of rows) for (const o of own) if (next.length < MAX_ROWS) next.push(new Map([...r, ...o]));
    rows = next.length > 0 ? next : rows;
  }
  return rows;
}

function argNames(node: Node): string[] | null {
  if (node.type === 'string') {
    const text = oneLineString(node.text);
    const m = text ? /^['"](.*)['"]$/.exec(text) : null;
    return m ? m[1]!.split(',').map((s) => s.trim()).filter(Boolean) : null;
  }
  if (node.type === 'list' || node.type === 'tuple') {
    const names = node.namedChildren.filter((c): c is Node => !!c && c.type === 'string').map((c) => /^['"](\w+)['"]$/.exec(c.text)?.[1] ?? '');
    return names.every(Boolean) ? names : null;
  }
  return null;
}

/** What one pass over a test function's body finds: how often each name is bound, its assignments, calls and attribute reads. */
interface FunctionNodes {
  counts: Map<string, number>;
  assignments: Node[];
  calls: Array<{ node: Node; at: number }>;
  attributes: Array<{ node: Node; at: number }>;
  statements: Node[];
}

const SKIPPED = new Set(['function_definition', 'class_definition', 'lambda']);
const BINDING = new Set(['assignment', 'augmented_assignment', 'for_statement', 'for_in_clause', 'as_pattern', 'named_expression', 'except_clause', 'global_statement', 'nonlocal_statement']);

/**
 * Walks the nodes under `root` with a cursor (a Node is built only for what `visit` asks for);
 * `at` is the start of the innermost statement holding the node. `visit` returns whether to descend.
 */
function walkTree(root: Node, visit: (type: string, cursor: TreeCursor, at: number) => boolean): void {
  const cursor = root.walk();
  try {
    if (!cursor.gotoFirstChild()) return;
    const ats = [root.startIndex];
    for (;;) {
      const type = cursor.nodeType;
      const at = type.endsWith('_statement') ? cursor.startIndex : ats[ats.length - 1]!;
      if (cursor.nodeIsNamed && visit(type, cursor, at) && cursor.gotoFirstChild()) {
        ats.push(at);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (ats.length === 1) return;
        cursor.gotoParent();
        ats.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** One pass over a function body (an unpacking, loop, `with` or `except` target counts as bound twice: not resolvable). */
function functionNodes(body: Node): FunctionNodes {
  const out: FunctionNodes = { counts: new Map(), assignments: [], calls: [], attributes: [], statements: body.namedChildren.filter((s): s is Node => !!s && s.type !== 'comment') };
  const add = (names: string[], n: number) => names.forEach((name) => out.counts.set(name, (out.counts.get(name) ?? 0) + n));
  walkTree(body, (type, cursor, at) => {
    if (type === 'call') out.calls.push({ node: cursor.currentNode, at });
    else if (type === 'attribute') out.attributes.push({ node: cursor.currentNode, at });
    else if (SKIPPED.has(type)) {
      if (type !== 'lambda') add([cursor.currentNode.childForFieldName('name')?.text ?? ''], 2);
      return false;
    } else if (BINDING.has(type)) {
      const node = cursor.currentNode;
      switch (type) {
        case 'assignment': {
          const left = node.childForFieldName('left');
          add(targetNames(left), left?.type === 'identifier' ? 1 : 2);
          if (left?.type === 'identifier') out.assignments.push(node);
          break;
        }
        case 'augmented_assignment':
        case 'for_statement':
        case 'for_in_clause':
          add(targetNames(node.childForFieldName('left')), 2);
          break;
        case 'as_pattern':
          add(node.namedChildren.slice(1).flatMap((c) => targetNames(c?.type === 'as_pattern_target' ? c.namedChildren[0] ?? null : c)), 2);
          break;
        case 'named_expression':
          add(targetNames(node.childForFieldName('name')), 2);
          break;
        case 'except_clause':
          for (const c of node.namedChildren) if (c?.type === 'identifier') add([c.text], 2);
          break;
        default:
          add(node.namedChildren.map((c) => c?.text ?? ''), 2);
      }
    }
    return true;
  });
  return out;
}

/** Modules whose calls are the test framework's, never the code under test's. */
const FRAMEWORK = /^(pytest|_pytest|unittest|mock|doctest|hypothesis)(\.|$)/;

/**
 * Reads one function's calls into `out`. `site`: the test's call of the helper being read (its
 * place and whether it expects a raise stand for the calls inside); a helper's local assigned at
 * its top level and again only under an `if` reads as its top-level value (the path where no
 * `if` is taken: `tree = parse(src)` then `if segment: tree = tree.body[0]`).
 */
function readFunction(nodes: FunctionNodes, scope: Scope, file: string, test: string, out: TestCall[], site?: Node): void {
  const shape = shapeOf(nodes);
  for (const stmt of shape.imports) readImports(stmt, scope, null);
  const straight = site ? shape.straight() : NONE;
  const sequence = shape.sequence();
  for (const { node, name, right } of shape.assignments) {
    const once = nodes.counts.get(name) === 1 || straight.get(name) === node;
    if (right && once && !scope.values.has(name)) scope.locals.set(name, { node: right, at: node.endIndex });
  }
  for (const [name, list] of sequence) {
    if (scope.values.has(name)) continue;
    let next: Local | undefined;
    for (const a of [...list].reverse()) next = { node: a.childForFieldName('right')!, at: a.endIndex, ...(next ? { next } : {}) };
    scope.locals.set(name, next!);
  }
  // A function the test defines for the code to call (`def job_fun(): pass`), bound only by its `def`.
  const defined = new Set<string>();
  for (const stmt of nodes.statements) {
    const def = stmt.type === 'function_definition' ? standaloneDef(stmt) : null;
    if (!def || nodes.counts.get(def.name) !== 2 || scope.values.has(def.name)) continue;
    scope.values.set(def.name, [{ module: '', path: def.name, source: def.source }]);
    defined.add(def.name);
  }
  for (const [name, n] of nodes.counts) if (n > 1 && !straight.has(name) && !sequence.has(name) && !defined.has(name)) scope.values.set(name, null);
  // A name the snippet could start from: imported (not the test framework), a local, a readable parameter.
  const readable = (text: string) => {
    const root = /^[A-Za-z_]\w*/.exec(text)?.[0];
    if (!root) return text.startsWith('(') || text.startsWith('[') || text.startsWith('{') || text.startsWith('"') || text.startsWith("'");
    const ref = scope.imports.get(root);
    if (ref) return !FRAMEWORK.test(ref.module);
    if (root === 'self') return !!scope.selfAttrs?.has(/^self\.(\w+)/.exec(text)?.[1] ?? '');
    return scope.locals.has(root) || !!scope.values.get(root) || (scope.star.length === 1 && !scope.values.has(root));
  };
  const sitePlace = site ? placeOf(site, file, test) : null;
  // A local bound once to a lambda is a helper of this function (`f = lambda sql: format(sql, strip=True)`).
  const lambdas = new Map<string, Helper>();
  for (const { name, right } of shape.assignments) {
    if (right?.type === 'lambda' && nodes.counts.get(name) === 1) lambdas.set(name, { def: right, scope });
  }
  for (const { node, at, fn, fnText } of shape.calls) {
    if (!fn) continue;
    const helper = (fn.type === 'identifier' ? lambdas.get(fnText) : undefined) ?? helperCalled(fn, scope);
    if (helper) {
      const binding = bindHelper(helper, node.childForFieldName('arguments'), scope, at);
      const where = sitePlace ?? placeOf(node, file, test);
      if (binding) for (const t of helperTemplate(helper, scope)) {
        const call = substitute(t, binding);
        if (call) out.push({ ...call, ...where, ...(call.expectsRaise || where.expectsRaise ? { expectsRaise: true } : {}) });
      }
      continue;
    }
    // `repr(every().minute.do(job_fun))`: a call of the instance's `__repr__`.
    const dunder = fn.type === 'identifier' && !scope.locals.has(fnText) && !scope.values.has(fnText) ? DUNDER_OF.get(fnText) : undefined;
    if (dunder) {
      const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
      const receiver = args.length === 1 && args[0]!.type !== 'keyword_argument' ? receiverOf(args[0]!, scope, nodes.statements, at) : null;
      const { expectsRaise, ...where } = sitePlace ?? placeOf(node, file, test);
      if (receiver) out.push({ ...where, callee: null, receiver, member: dunder, args: [], ...(expectsRaise ? { expectsRaise } : {}) });
      continue;
    }
    // `isinstance(p.tokens[0], sql.Function)`, `self.assertIsInstance(x, C)`: the test says what
    // the expression is, an instance of C built as the test builds it (a receiver for its methods).
    const typed = typedReceiver(node, fnText, scope, at);
    if (typed) {
      const { expectsRaise: _, ...where } = sitePlace ?? placeOf(node, file, test);
      out.push({ ...where, callee: null, receiver: typed, member: null, args: null, receiverOnly: true });
      continue;
    }
    if (!readable(fnText)) continue;
    const call = readCall(node, scope, nodes.statements, at);
    if (!call) continue;
    const consumer = consumerOf(node, scope);
    // In a helper: where the test calls it, expecting a raise when either the test or the helper does.
    const { expectsRaise, ...where } = sitePlace ? { ...sitePlace, expectsRaise: sitePlace.expectsRaise || insideRaises(node) } : placeOf(node, file, test);
    out.push({ ...where, ...call, ...(consumer ? { consumer } : {}), ...(expectsRaise ? { expectsRaise } : {}) });
  }
  for (const { node, at, obj, objType, objText, member } of shape.attributes) {
    if (objType !== 'call' && !(objType === 'identifier' && scope.locals.has(objText)) && !selfAttribute(obj, scope)) continue;
    if (!readable(objText)) continue;
    const receiver = receiverOf(obj, scope, nodes.statements, at);
    const { expectsRaise: _, ...where } = sitePlace ?? placeOf(node, file, test);
    if (receiver) out.push({ ...where, callee: null, receiver, member, args: null });
  }
}

const NONE: ReadonlyMap<string, Node> = new Map();

function placeOf(node: Node, file: string, test: string): Pick<TestCall, 'file' | 'test' | 'line' | 'column' | 'expectsRaise'> {
  return { file, test, line: node.startPosition.row + 1, column: node.startPosition.column + 1, ...(insideRaises(node) ? { expectsRaise: true } : {}) };
}

/** What readFunction needs of a function's nodes that does not depend on the scope: read once, however often a helper is called. */
interface Shape {
  imports: Node[];
  assignments: Array<{ node: Node; name: string; right: Node | null }>;
  calls: Array<{ node: Node; at: number; fn: Node | null; fnText: string }>;
  /** Attribute reads that are neither called nor assigned to. */
  attributes: Array<{ node: Node; at: number; obj: Node; objType: string; objText: string; member: string }>;
  straight: () => Map<string, Node>;
  sequence: () => Map<string, Node[]>;
}

const shapes = new WeakMap<FunctionNodes, Shape>();

function shapeOf(nodes: FunctionNodes): Shape {
  let shape = shapes.get(nodes);
  if (shape) return shape;
  let straight: Map<string, Node> | null = null;
  let sequence: Map<string, Node[]> | null = null;
  shape = {
    imports: nodes.statements.filter((s) => s.type === 'import_statement' || s.type === 'import_from_statement'),
    assignments: nodes.assignments.map((node) => ({ node, name: node.childForFieldName('left')!.text, right: node.childForFieldName('right') })),
    calls: nodes.calls.map(({ node, at }) => {
      const fn = node.childForFieldName('function');
      return { node, at, fn, fnText: fn?.text ?? '' };
    }),
    attributes: nodes.attributes.flatMap(({ node, at }) => {
      const obj = node.childForFieldName('object');
      if (!obj || isCallee(node) || isAssignTarget(node)) return [];
      return [{ node, at, obj, objType: obj.type, objText: obj.text, member: node.childForFieldName('attribute')?.text ?? '' }];
    }),
    straight: () => (straight ??= straightPathAssignments(nodes)),
    sequence: () => (sequence ??= sequentialAssignments(nodes)),
  };
  shapes.set(nodes, shape);
  return shape;
}

/** The helper a call names (`self.flakes`, `check`), unless the name is bound otherwise. */
function helperCalled(fn: Node, scope: Scope): Helper | null {
  if (!scope.helpers) return null;
  if (fn.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') {
    const name = fn.childForFieldName('attribute')?.text ?? '';
    return scope.selfAttrs?.has(name) ? null : scope.helpers.methods.get(name) ?? null;
  }
  if (fn.type !== 'identifier' || scope.locals.has(fn.text) || scope.imports.has(fn.text)) return null;
  return scope.helpers.functions.get(fn.text) ?? null;
}

/** A helper's parameters (without `self` for a method). */
function helperParams(helper: Helper): HelperParam[] {
  if (helper.params) return helper.params;
  let params = (helper.def.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => !!p && p.type !== 'comment');
  if (isMethodDef(helper.def)) params = params.slice(1);
  const out: HelperParam[] = [];
  let keywordOnly = false;
  for (const p of params) {
    if (p.type === 'keyword_separator') keywordOnly = true;
    if (p.type === 'keyword_separator' || p.type === 'positional_separator') continue;
    const inner = p.type === 'typed_parameter' ? p.namedChildren[0] ?? p : p;
    if (inner.type === 'list_splat_pattern' || inner.type === 'dictionary_splat_pattern') {
      out.push({ name: inner.namedChildren[0]?.text ?? '', kind: inner.type === 'list_splat_pattern' ? 'args' : 'kwargs', fallback: null });
      if (inner.type === 'list_splat_pattern') keywordOnly = true;
      continue;
    }
    const name = (inner.type === 'identifier' ? inner : inner.childForFieldName('name') ?? inner.namedChildren[0])?.text ?? '';
    out.push({ name, kind: keywordOnly ? 'keyword' : 'positional', fallback: p.childForFieldName('value') });
  }
  return (helper.params = out);
}

function isMethodDef(def: Node): boolean {
  return def.parent?.parent?.type === 'class_definition';
}

/**
 * A helper's parameters bound to a call's arguments: `*args` to a tuple of the extra ones,
 * `**kw` to a dict of the extra keywords, a missing one to its default. An argument that is not
 * readable leaves its parameter unreadable (null); a call that unpacks (`*xs`, `**kw`) is not
 * bound at all.
 */
function bindHelper(helper: Helper, argNode: Node | null, scope: Scope, at: number): Map<string, Snippet | null> | null {
  if (argNode?.type !== 'argument_list') return null;
  const positional: Array<Snippet | null> = [];
  const keywords = new Map<string, Snippet | null>();
  for (const arg of argNode.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return null;
    if (arg.type === 'keyword_argument') {
      const v = arg.childForFieldName('value');
      keywords.set(arg.childForFieldName('name')?.text ?? '', v ? resolve(v, scope, at) : null);
    } else positional.push(resolve(arg, scope, at));
  }
  const values = new Map<string, Snippet | null>();
  for (const p of helperParams(helper)) {
    if (p.kind === 'args') {
      const rest = positional.splice(0);
      values.set(p.name, rest.every((v) => v) ? ['(', ...rest.flatMap((v, i) => [...(i > 0 ? [', '] : []), ...v!]), rest.length === 1 ? ',)' : ')'] : null);
    } else if (p.kind === 'kwargs') {
      const rest = [...keywords].filter(([k]) => k !== '');
      keywords.clear();
      values.set(p.name, rest.every(([, v]) => v) ? ['{', ...rest.flatMap(([k, v], i) => [...(i > 0 ? [', '] : []), `'${k}': `, ...v!]), '}'] : null);
    } else if (p.kind === 'positional' && positional.length > 0) values.set(p.name, positional.shift()!);
    else if (keywords.has(p.name)) {
      values.set(p.name, keywords.get(p.name)!);
      keywords.delete(p.name);
    } else values.set(p.name, p.fallback ? resolve(p.fallback, { ...helper.scope, locals: new Map(), resolving: new Set(), memo: new Map() }, Infinity) : null);
  }
  return values;
}

/**
 * The calls a helper's body makes, read once per test class: each parameter stands as a marker
 * (a Ref of module PARAM) that `substitute` replaces with a call's argument.
 */
function helperTemplate(helper: Helper, scope: Scope): readonly TestCall[] {
  const isMethod = isMethodDef(helper.def);
  const key = isMethod ? scope.classKey ?? '' : '';
  helper.templates ??= new Map();
  const known = helper.templates.get(key);
  if (known) return known;
  const calls: TestCall[] = [];
  // A helper that calls itself, directly or through another, reads as making no call there.
  helper.templates.set(key, NO_CALLS);
  if (helper.nodes === undefined) {
    // A lambda's body is an expression: walked from the lambda, so that the expression itself is seen.
    const body = helper.def.type === 'lambda' ? helper.def : helper.def.childForFieldName('body');
    helper.nodes = body ? functionNodes(body) : null;
  }
  if (!helper.nodes) {
    helper.templates.set(key, calls);
    return calls;
  }
  const values = new Map(helper.scope.values);
  if (isMethod) values.set('self', null);
  for (const p of helperParams(helper)) values.set(p.name, [{ module: PARAM, path: p.name }]);
  const inner: Scope = {
    ...helper.scope,
    values,
    locals: new Map(),
    resolving: new Set(),
    memo: new Map(),
    ...(scope.helpers ? { helpers: scope.helpers } : {}),
    ...(isMethod && scope.selfAttrs ? { selfAttrs: scope.selfAttrs } : {}),
    ...(isMethod && scope.selfValues ? { selfValues: scope.selfValues } : {}),
    classKey: key,
  };
  readFunction(helper.nodes, inner, '', '', calls, helper.def);
  helper.templates.set(key, calls);
  return calls;
}

const NO_CALLS: readonly TestCall[] = Object.freeze([]);

/** A helper's call with its parameters' markers replaced by a call's arguments (in one pass), or null when one is unreadable. */
function substitute(call: TestCall, binding: ReadonlyMap<string, Snippet | null>): TestCall | null {
  let ok = true;
  const fill = (s: Snippet): Snippet => {
    const out: Array<string | Ref> = [];
    for (const part of s) {
      if (typeof part !== 'string' && part.module === PARAM) {
        const value = binding.get(part.path);
        if (!value) ok = false;
        else out.push(...value);
      } else out.push(part);
    }
    return dropEmptySplats(out);
  };
  const receiver = call.receiver ? { ...call.receiver, build: fill(call.receiver.build), steps: call.receiver.steps.map(fill) } : null;
  const args = call.args ? fill(call.args) : null;
  return ok ? { ...call, receiver, args } : null;
}

/** `f(a, **{})` (a helper's `**kw` with no extra keywords) as `f(a)`; `*()` likewise. */
function dropEmptySplats(s: Snippet): Snippet {
  const out: Array<string | Ref> = [];
  for (const part of s) {
    const last = out[out.length - 1];
    if (typeof part === 'string' && typeof last === 'string') out[out.length - 1] = last + part;
    else out.push(part);
  }
  return out.map((part) => (typeof part === 'string' ? part.replace(/, \*\*\{\}(?=[,)]|$)|, \*\(\)(?=[,)]|$)/g, '').replace(/(^|\()(\*\*\{\}|\*\(\))(, )?/g, '$1') : part));
}

/**
 * Locals bound more than once, every time by a plain assignment that is a statement of the
 * function's own body (`s = 'a'; assert f(s) == 1; s = 'b'; assert f(s) == 2`): the body runs
 * them in order, so each use reads the last one before it. Their assignments, in order, by name.
 */
function sequentialAssignments(nodes: FunctionNodes): Map<string, Node[]> {
  const top = new Set(nodes.statements.map((s) => s.id));
  const out = new Map<string, Node[]>();
  for (const [name, list] of plainReassignments(nodes)) {
    if (list.every((a) => a.parent !== null && top.has(a.parent.id) && a.childForFieldName('right'))) out.set(name, list);
  }
  return out;
}

/**
 * Locals a helper assigns once at its top level and again only under an `if` (every binding a
 * plain assignment): the top-level assignment, by name.
 */
function straightPathAssignments(nodes: FunctionNodes): Map<string, Node> {
  const out = new Map<string, Node>();
  const topOf = (n: Node) => {
    let cur = n;
    while (cur.parent && !nodes.statements.some((s) => s.id === cur.id)) cur = cur.parent;
    return cur;
  };
  for (const [name, list] of plainReassignments(nodes)) {
    const top = list.filter((a) => a.parent && nodes.statements.some((s) => s.id === a.parent!.id));
    if (top.length !== 1) continue;
    if (list.every((a) => a === top[0] || (topOf(a).type === 'if_statement' && topOf(a).startIndex > top[0]!.startIndex))) out.set(name, top[0]!);
  }
  return out;
}

/** Locals bound more than once, every time by a plain assignment: their assignments in order, by name. */
function plainReassignments(nodes: FunctionNodes): Map<string, Node[]> {
  const byName = new Map<string, Node[]>();
  for (const a of nodes.assignments) {
    const name = a.childForFieldName('left')!.text;
    byName.set(name, [...(byName.get(name) ?? []), a]);
  }
  for (const [name, list] of byName) if (list.length < 2 || nodes.counts.get(name) !== list.length) byName.delete(name);
  return byName;
}

/** True when a `with` around the node expects an exception (`pytest.raises`, `self.assertRaises`). */
function insideRaises(node: Node): boolean {
  for (let cur = node.parent; cur && cur.type !== 'function_definition'; cur = cur.parent) {
    if (cur.type !== 'with_statement') continue;
    const clause = cur.namedChildren.find((c) => c?.type === 'with_clause');
    if (clause && /\b(raises|assertRaises\w*)\s*\(/.test(clause.text)) return true;
  }
  return false;
}

/** `list` when the call is the only argument of `list(...)` (a builtin the test does not rebind). */
function consumerOf(node: Node, scope: Scope): string | null {
  const args = node.parent;
  const outer = args?.type === 'argument_list' ? args.parent : null;
  const name = outer?.type === 'call' ? outer.childForFieldName('function') : null;
  if (!name || name.type !== 'identifier' || !CONSUMERS.has(name.text) || scope.imports.has(name.text) || scope.locals.has(name.text) || scope.values.has(name.text)) return null;
  return args!.namedChildren.filter((c) => c && c.type !== 'comment').length === 1 ? name.text : null;
}

function isCallee(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id;
}

function isAssignTarget(node: Node): boolean {
  const parent = node.parent;
  return (parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.id === node.id;
}

function readCall(node: Node, scope: Scope, statements: Node[], at: number): Pick<TestCall, 'callee' | 'receiver' | 'member' | 'args' | 'receiverOnly'> | null {
  const fn = node.childForFieldName('function');
  const argNode = node.childForFieldName('arguments');
  if (!fn || argNode?.type !== 'argument_list') return null;
  const callee = refOf(fn, scope);
  if (callee) {
    const args = resolveArgs(argNode, scope, at);
    return args ? { callee, receiver: null, member: null, args } : null;
  }
  if (fn.type !== 'attribute') return null;
  const member = fn.childForFieldName('attribute')?.text ?? '';
  const args = resolveArgs(argNode, scope, at);
  if (!args) {
    const receiver = receiverOf(fn.childForFieldName('object'), scope, statements, at);
    return receiver ? { callee: null, receiver, member, args: null, receiverOnly: true } : null;
  }
  // The instance is unreadable (a fixture with logic, self.x): the arguments alone may still serve.
  const receiver = receiverOf(fn.childForFieldName('object'), scope, statements, at);
  return { callee: null, receiver, member, args };
}

/**
 * The first argument of `isinstance(x, C)` (the builtin) or `self.assertIsInstance(x, C)`, as an
 * instance of C, the module's class the second names: the expression, resolved (`p.tokens[0]`
 * with `p = sqlparse.parse(sql)[0]`), builds it.
 */
function typedReceiver(node: Node, fnText: string, scope: Scope, at: number): Receiver | null {
  const builtin = fnText === 'isinstance' && !scope.locals.has(fnText) && !scope.values.has(fnText) && !scope.imports.has(fnText);
  if (!builtin && fnText !== 'self.assertIsInstance') return null;
  const args = node.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
  if (args.length !== 2 || args.some((a) => a.type === 'keyword_argument')) return null;
  const ctor = refOf(args[1]!, scope);
  if (!ctor || ctor.path === '') return null;
  const build = resolve(args[0]!, scope, at);
  return build ? { build, ctor, steps: [] } : null;
}

/** The instance an expression holds when it is a readable call of a module's name, directly or through a local. */
function receiverOf(obj: Node | null, scope: Scope, statements: Node[], at: number): Receiver | null {
  if (!obj) return null;
  const stored = selfAttribute(obj, scope);
  if (stored) return { build: stored.build, ctor: stored.ctor, steps: [] };
  if (obj.type !== 'identifier') {
    const ctor = chainCtor(obj, scope);
    const build = ctor ? resolve(obj, scope, at) : null;
    return ctor && build ? { build, ctor, steps: [] } : null;
  }
  const local = localAt(scope, obj.text, at);
  if (!local) return null;
  const ctor = chainCtor(local.node, scope);
  const build = ctor ? resolve(local.node, scope, at) : null;
  if (!ctor || !build) return null;
  // Calls made on it as statements between its assignment and this use: replayed on `obj`.
  const steps: Snippet[] = [];
  for (const stmt of statements) {
    if (stmt.startIndex < local.at || stmt.endIndex > at) continue;
    const expr = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (expr?.type === 'call') {
      const f = expr.childForFieldName('function');
      const args = expr.childForFieldName('arguments');
      if (f?.type === 'attribute' && f.childForFieldName('object')?.text === obj.text && args?.type === 'argument_list') {
        const a = resolveArgs(args, scope, stmt.startIndex);
        if (a) steps.push([`.${f.childForFieldName('attribute')?.text ?? ''}(`, ...a, ')']);
      }
    } else if (expr?.type === 'assignment') {
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      if (left?.type === 'attribute' && left.childForFieldName('object')?.text === obj.text && right) {
        const v = resolve(right, scope, stmt.startIndex);
        if (v) steps.push([`.${left.childForFieldName('attribute')?.text ?? ''} = `, ...v]);
      }
    }
  }
  return { build, ctor, steps };
}

/**
 * The name whose call builds the instance an expression holds: `Stats` in `Stats([1])`,
 * `every` in `every(10).minutes.at(":30")` (attributes and method calls on the result follow).
 */
function chainCtor(node: Node, scope: Scope): Ref | null {
  let cur: Node | null = node;
  while (cur) {
    if (cur.type === 'call') {
      const fn = cur.childForFieldName('function');
      const ref = fn ? refOf(fn, scope) : null;
      if (ref) return ref.path === '' ? null : ref;
      cur = fn;
    } else if (cur.type === 'attribute' && cur.id !== node.id) {
      cur = cur.childForFieldName('object');
    } else if (cur.type === 'attribute') {
      // The expression itself is a bare attribute (`mod.CONST`): no call builds it.
      cur = cur.childForFieldName('object');
      if (cur?.type !== 'call') return null;
    } else return null;
  }
  return null;
}

/** The module name an identifier or attribute chain names through the imports, or null. */
function refOf(node: Node, scope: Scope): Ref | null {
  const chain: string[] = [];
  let cur: Node | null = node;
  while (cur?.type === 'attribute') {
    chain.unshift(cur.childForFieldName('attribute')?.text ?? '');
    cur = cur.childForFieldName('object');
  }
  if (cur?.type !== 'identifier' || scope.locals.has(cur.text) || scope.values.has(cur.text)) return null;
  const base = scope.imports.get(cur.text);
  if (!base) {
    if (scope.star.length === 1 && !BUILTINS.has(cur.text)) return { module: scope.star[0]!, path: [cur.text, ...chain].join('.') };
    return null;
  }
  if (base.path !== '') return { module: base.module, path: [base.path, ...chain].join('.') };
  // `import a.b.c` binds `a`: the longest imported module the chain spells is the module.
  let module = base.module;
  let i = 0;
  while (i < chain.length && scope.modules.has(`${module}.${chain[i]}`)) module = `${module}.${chain[i++]}`;
  return { module, path: chain.slice(i).join('.') };
}

function resolveArgs(node: Node, scope: Scope, at: number): Snippet | null {
  const parts: Array<string | Ref> = [];
  let first = true;
  for (const arg of node.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    const v = resolve(arg, scope, at);
    if (!v) return null;
    if (!first) parts.push(', ');
    parts.push(...v);
    first = false;
  }
  return length(parts) <= MAX_SNIPPET ? parts : null;
}

function length(s: Snippet): number {
  return s.reduce((n, p) => n + (typeof p === 'string' ? p.length : p.module.length + p.path.length + 1), 0);
}

/** A readable value as a snippet, or null. `at`: locals assigned after this offset are not yet bound. */
function resolve(node: Node, scope: Scope, at: number): Snippet | null {
  const key = `${node.id}:${at}`;
  if (scope.memo.has(key)) return scope.memo.get(key)!;
  const value = resolveNode(node, scope, at);
  scope.memo.set(key, value);
  return value;
}

function resolveNode(node: Node, scope: Scope, at: number): Snippet | null {
  const all = (nodes: Array<Node | null>, open: string, close: string, sep = ', '): Snippet | null => {
    const parts: Array<string | Ref> = [open];
    let n = 0;
    for (const c of nodes) {
      if (!c || c.type === 'comment') continue;
      const v = resolve(c, scope, at);
      if (!v) return null;
      if (n++ > 0) parts.push(sep);
      parts.push(...v);
    }
    if (open === '(' && close === ')' && n === 1 && node.type === 'tuple') parts.push(',');
    parts.push(close);
    return parts;
  };
  switch (node.type) {
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
    case 'ellipsis':
      return [node.text];
    case 'string': {
      if (node.namedChildren.some((c) => c?.type === 'interpolation')) return null;
      const s = oneLineString(node.text);
      return s === null ? null : [s];
    }
    case 'concatenated_string':
      return all(node.namedChildren, '', '', ' ');
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      const v = arg ? resolve(arg, scope, at) : null;
      return v ? [node.childForFieldName('operator')?.text ?? '-', ...v] : null;
    }
    case 'binary_operator': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const lv = l ? resolve(l, scope, at) : null;
      const rv = r ? resolve(r, scope, at) : null;
      return lv && rv ? ['(', ...lv, ` ${node.childForFieldName('operator')?.text ?? '+'} `, ...rv, ')'] : null;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
      const v = inner ? resolve(inner, scope, at) : null;
      return v ? ['(', ...v, ')'] : null;
    }
    case 'list':
      return all(node.namedChildren, '[', ']');
    case 'tuple':
      return all(node.namedChildren, '(', ')');
    case 'set':
      return all(node.namedChildren, '{', '}');
    case 'dictionary':
      return all(node.namedChildren, '{', '}');
    case 'pair': {
      const k = node.childForFieldName('key');
      const v = node.childForFieldName('value');
      const kv = k ? resolve(k, scope, at) : null;
      const vv = v ? resolve(v, scope, at) : null;
      return kv && vv ? [...kv, ': ', ...vv] : null;
    }
    case 'keyword_argument': {
      const v = node.childForFieldName('value');
      const vv = v ? resolve(v, scope, at) : null;
      return vv ? [`${node.childForFieldName('name')?.text ?? ''}=`, ...vv] : null;
    }
    case 'list_splat':
    case 'dictionary_splat': {
      const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
      const v = inner ? resolve(inner, scope, at) : null;
      return v ? [node.type === 'list_splat' ? '*' : '**', ...v] : null;
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      const sub = node.childForFieldName('subscript');
      const vv = value ? resolve(value, scope, at) : null;
      const sv = sub ? resolve(sub, scope, at) : null;
      return vv && sv ? [...vv, '[', ...sv, ']'] : null;
    }
    case 'identifier':
      return resolveName(node.text, scope, at);
    case 'lambda': {
      const text = standaloneLambda(node);
      return text === null ? null : [text];
    }
    case 'attribute': {
      const ref = refOf(node, scope);
      if (ref) return [ref];
      const stored = selfAttribute(node, scope);
      if (stored) return stored.build;
      const obj = node.childForFieldName('object');
      const classValue = obj?.text === 'self' ? scope.selfValues?.get(node.childForFieldName('attribute')?.text ?? '') : undefined;
      if (classValue) return classValue;
      const v = obj ? resolve(obj, scope, at) : null;
      return v ? [...v, `.${node.childForFieldName('attribute')?.text ?? ''}`] : null;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const args = node.childForFieldName('arguments');
      if (!fn || args?.type !== 'argument_list') return null;
      const f = resolve(fn, scope, at);
      const a = f ? resolveArgs(args, scope, at) : null;
      return f && a ? [...f, '(', ...a, ')'] : null;
    }
    default:
      return null;
  }
}

function resolveName(name: string, scope: Scope, at: number): Snippet | null {
  if (scope.values.has(name)) return scope.values.get(name) ?? null;
  if (scope.locals.has(name)) {
    const local = localAt(scope, name, at);
    if (!local || scope.resolving.has(name)) return null;
    scope.resolving.add(name);
    try {
      return resolve(local.node, scope, at);
    } finally {
      scope.resolving.delete(name);
    }
  }
  const ref = scope.imports.get(name);
  if (ref) return [ref];
  if (BUILTINS.has(name) || BUILTIN_EXCEPTION.test(name)) return [name];
  if (scope.star.length === 1) return [{ module: scope.star[0]!, path: name }];
  return null;
}

/** The directories whose conftest.py apply to a test file, nearest first. */
export function conftestDirs(file: string): string[] {
  const dirs: string[] = [];
  let dir = path.posix.dirname(file);
  for (;;) {
    dirs.push(dir);
    if (dir === '.' || dir === '/' || dir === '') break;
    dir = path.posix.dirname(dir);
  }
  return dirs;
}
