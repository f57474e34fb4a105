/**
 * Fresh instances for a module's default one. Many modules offer their API twice: as methods of a
 * class, and as module functions that pass their arguments on to one instance the module builds
 * at import (`default_scheduler = Scheduler()`, `def every(interval=1): return
 * default_scheduler.every(interval)`). A call through such a function that changes the instance
 * (a job added to the default scheduler) changes the module's state, and cannot become a test;
 * the same call on an instance of its own (`Scheduler().every(5)`) can, and runs the same code.
 */
import type { Node } from 'web-tree-sitter';
import type { Candidate } from '../infer/candidates.js';
import type { ParsedModule, PyFunction } from '../../python/model.js';
import { withPythonTree } from '../../python/parser.js';

/** A module function that passes its arguments on to the same method of a module-level instance. */
export interface Delegator {
  /** The function's name, the same as the method's. */
  name: string;
  /** The module-level instance (`default_scheduler`). */
  instance: string;
  /** Its class, defined in the module and built with no argument (`Scheduler`). */
  cls: string;
}

/** The module's delegating functions: its top-level statements, read from its syntax tree. */
export async function delegators(source: string, module: Pick<ParsedModule, 'functions' | 'classes'>): Promise<Delegator[]> {
  const classes = new Set(module.classes.filter((c) => c.parentQualname === null).map((c) => c.name));
  const functions = module.functions.filter((f) => f.kind === 'function' && f.parentQualname === null && !f.isAsync);
  if (classes.size === 0 || functions.length === 0) return [];
  return withPythonTree(source, (tree) => {
    const instances = new Map<string, string>();
    const defs = new Map<number, Node>();
    for (const stmt of tree.rootNode.namedChildren) {
      if (stmt?.type === 'function_definition') defs.set(stmt.startPosition.row + 1, stmt);
      const assignment = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
      if (assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      const cls = right?.type === 'call' ? right.childForFieldName('function') : null;
      if (left?.type === 'identifier' && cls?.type === 'identifier' && classes.has(cls.text) && right!.childForFieldName('arguments')?.namedChildCount === 0) instances.set(left.text, cls.text);
    }
    const out: Delegator[] = [];
    if (instances.size === 0) return out;
    for (const fn of functions) {
      const call = soleCall(defs.get(fn.defLine));
      const method = call?.childForFieldName('function');
      const object = method?.type === 'attribute' ? method.childForFieldName('object') : null;
      if (!call || !object || object.type !== 'identifier' || !instances.has(object.text) || method!.childForFieldName('attribute')?.text !== fn.name) continue;
      if (!passesThrough(call.childForFieldName('arguments'), fn)) continue;
      out.push({ name: fn.name, instance: object.text, cls: instances.get(object.text)! });
    }
    return out;
  });
}

/**
 * The parent with its one use of a delegating function (or of the instance itself) made on an
 * instance of its own: `every(5).minutes` -> `Scheduler().every(5).minutes`. None when the parent
 * uses them more than once (its calls would no longer share one instance).
 */
export function onFreshInstance(parent: Candidate, delegating: readonly Delegator[]): Candidate | null {
  const lines = [...parent.setup, parent.expr];
  const uses: Array<{ re: RegExp; to: string }> = [];
  for (const d of delegating) uses.push({ re: new RegExp(`(?<![\\w.])${d.name}\\(`, 'g'), to: `${d.cls}().${d.name}(` });
  for (const [instance, cls] of new Map(delegating.map((d) => [d.instance, d.cls]))) uses.push({ re: new RegExp(`(?<![\\w.])${instance}\\.`, 'g'), to: `${cls}().` });
  const count = uses.reduce((n, u) => n + lines.reduce((k, l) => k + (l.match(u.re)?.length ?? 0), 0), 0);
  if (count !== 1) return null;
  const rewrite = (l: string) => uses.reduce((text, u) => text.replace(u.re, u.to), l);
  return { ...parent, setup: parent.setup.map(rewrite), expr: rewrite(parent.expr) };
}

/** The one call a function's body makes (`return x.m(...)` or `x.m(...)`), its docstring aside; null for any other body. */
function soleCall(def: Node | undefined): Node | null {
  const statements = (def?.childForFieldName('body')?.namedChildren ?? []).filter((n): n is Node => n !== null && n.type !== 'comment');
  const first = statements[0];
  const code = first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string' ? statements.slice(1) : statements;
  if (code.length !== 1) return null;
  const stmt = code[0]!;
  const value = stmt.type === 'return_statement' || stmt.type === 'expression_statement' ? stmt.namedChildren[0] : null;
  return value?.type === 'call' ? value : null;
}

/** The call's arguments are the function's parameters, in order (`a, b=b, *args, **kw`). */
function passesThrough(args: Node | null, fn: PyFunction): boolean {
  const given = (args?.namedChildren ?? []).filter((n): n is Node => n !== null && n.type !== 'comment');
  if (args?.type !== 'argument_list' || given.length !== fn.parameters.length) return false;
  return fn.parameters.every((p, i) => {
    const arg = given[i]!;
    if (p.kind === 'var_positional') return arg.type === 'list_splat' && arg.namedChildren[0]?.text === p.name;
    if (p.kind === 'var_keyword') return arg.type === 'dictionary_splat' && arg.namedChildren[0]?.text === p.name;
    if (arg.type === 'identifier') return arg.text === p.name && p.kind !== 'keyword_only';
    return arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === p.name && arg.childForFieldName('value')?.text === p.name;
  });
}
