/**
 * Where a candidate's arguments are, so that the search can vary one at a time: the call of the
 * target in the candidate's expression (also inside `asyncio.run(...)`, `list(...)` and the like),
 * and the constructor call of a `obj = Class(...)` setup line (the receiver of a method).
 */
import type { Node } from 'web-tree-sitter';
import { isConstructor, type Parameter, type PyFunction } from '../../python/model.js';
import { withPythonTree } from '../../python/parser.js';

export interface Argument {
  /** Keyword name, or null for a positional argument. */
  keyword: string | null;
  /** The value's source text. */
  text: string;
  /** Offsets of the value in the snippet (JS string offsets). */
  start: number;
  end: number;
}

export interface CallSite {
  /** Which snippet holds the call: the expression, or a setup statement by index. */
  where: 'expr' | number;
  /** The snippet's text. */
  snippet: string;
  /** Offset just before the closing parenthesis: where a new keyword argument goes. */
  closeAt: number;
  args: Argument[];
  /** True when the call already ends with `*args` / `**kwargs` unpacking (no keyword is added after those). */
  unpacks: boolean;
  /** A call inside the arguments of the target's call (not the target's own). */
  nested?: boolean;
}

/** The name a candidate calls the function by: its class's for a constructor (`Box(...)`), else its own. */
export function calleeName(fn: PyFunction): string {
  return isConstructor(fn) ? fn.className!.split('.').pop()! : fn.name;
}

/** The parameters a call of the function passes: `self` / `cls` of a method left out. */
export function callParameters(fn: PyFunction): Parameter[] {
  return fn.parameters.filter((p, i) => !(i === 0 && (p.name === 'self' || p.name === 'cls') && fn.className !== null));
}

/** The parameter an argument of the target's call binds (`params` from callParameters), or undefined (a `*args` item). */
export function parameterOf(arg: Argument, index: number, params: readonly Parameter[]): string | undefined {
  if (arg.keyword !== null) return arg.keyword;
  return params[index]?.kind === 'var_positional' ? undefined : params[index]?.name;
}

/**
 * The call sites of a candidate: the last call in `expr` whose callee ends with `calleeName` (or,
 * with null, the outermost call), and
 * in the setup, each `name = Callee(...)` call (receivers built before the call). Snippets that do
 * not parse cleanly give no site.
 */
export async function callSites(setup: readonly string[], expr: string, calleeName: string | null): Promise<CallSite[]> {
  const sites: CallSite[] = [];
  // calleeName null: the outermost call, whatever it calls (an entry point into the target).
  const exprSite = await findCall(expr, calleeName === null ? () => true : (callee) => lastName(callee) === calleeName, calleeName === null);
  if (exprSite) {
    sites.push({ ...exprSite, where: 'expr', snippet: expr });
    // Calls inside its arguments (an object built for it: `f(Namespace(verbose=True))`) vary too.
    for (const inner of exprSite.inner) sites.push({ ...inner, where: 'expr', snippet: expr, nested: true });
  }
  for (const [i, statement] of setup.entries()) {
    if (!/^\s*obj\s*=/.test(statement)) continue;
    const site = await findCall(statement, () => true);
    if (site) sites.push({ ...site, where: i, snippet: statement });
  }
  return sites;
}

/** Replaces one argument's text (or adds a keyword argument) and returns the new snippet. */
export function withArgument(site: CallSite, index: number | null, text: string, keyword?: string): string {
  if (index !== null) {
    const arg = site.args[index]!;
    return site.snippet.slice(0, arg.start) + text + site.snippet.slice(arg.end);
  }
  const sep = site.args.length > 0 ? ', ' : '';
  return `${site.snippet.slice(0, site.closeAt)}${sep}${keyword}=${text}${site.snippet.slice(site.closeAt)}`;
}

function lastName(callee: string): string {
  const m = /([A-Za-z_]\w*)\s*$/.exec(callee);
  return m ? m[1]! : '';
}

type Found = Omit<CallSite, 'where' | 'snippet'>;

async function findCall(snippet: string, wanted: (callee: string) => boolean, first = false): Promise<(Found & { inner: Found[] }) | null> {
  if (snippet.includes('\r')) return null;
  return withPythonTree(snippet, (tree) => {
    if (tree.rootNode.hasError) return null;
    let found: Node | null = null;
    // Source order: the last matching call wins (the outermost of nested ones comes first).
    for (const node of tree.rootNode.descendantsOfType('call')) {
      const fn = node?.childForFieldName('function');
      if (node && fn && wanted(fn.text)) {
        found = node;
        if (first) break;
      }
    }
    if (!found) return null;
    const call = found as Node;
    const own = argumentsOf(call);
    if (!own) return null;
    const inner: Found[] = [];
    for (const node of call.childForFieldName('arguments')?.descendantsOfType('call') ?? []) {
      const site = node ? argumentsOf(node) : null;
      if (site && site.args.length > 0 && inner.length < 4) inner.push(site);
    }
    return { ...own, inner };
  });
}

function argumentsOf(call: Node): Found | null {
  {
    const list = call.childForFieldName('arguments');
    if (!list || list.type !== 'argument_list') return null;
    const args: Argument[] = [];
    let unpacks = false;
    for (const child of list.namedChildren) {
      if (!child || child.type === 'comment') continue;
      if (child.type === 'list_splat' || child.type === 'dictionary_splat') {
        unpacks = true;
        continue;
      }
      if (child.type === 'keyword_argument') {
        const name = child.childForFieldName('name');
        const value = child.childForFieldName('value');
        if (!name || !value) return null;
        args.push({ keyword: name.text, text: value.text, start: value.startIndex, end: value.endIndex });
      } else {
        if (unpacks) return null;
        args.push({ keyword: null, text: child.text, start: child.startIndex, end: child.endIndex });
      }
    }
    return { closeAt: list.endIndex - 1, args, unpacks };
  }
}
