/**
 * Calls on what a target returned. A commit changes a factory (`FunctionBuilder.from_func`) and
 * a method of the class it builds (`get_invocation_str`, every line of it covered, so not a
 * target), and its author's tests call the one on what the other returns. A target's calls that
 * returned an instance of a class whose methods the change touched around it (the alongside
 * functions) are tried once more with such a method called on the result: the test then asserts
 * what the built object does, and a change of that method is told apart too.
 *
 * Only methods callable with no argument (every parameter after `self` has a default), properties
 * (read), and the dunders a builtin calls (`len(x)`, `repr(x)`, ...). The round that runs them is
 * the alongside round's (alongside.ts); choicePool keeps those that run lines of the touched
 * functions no other call runs, like any call.
 */
import type { Candidate } from '../infer/candidates.js';
import type { PyFunction } from '../../python/model.js';
import type { ProbeCandidateResult } from '../probe-model.js';
import { splitTopLevel } from '../infer/python-literal.js';

/** A touched method of a class, as a call on an expression giving an instance of it. */
export interface ResultMethod {
  /** The class's module and qualname, as the probe reports a result's type. */
  module: string;
  className: string;
  /** The expression calling it on `expr`. */
  on: (expr: string) => string;
}

/** Builtins that call a dunder of their argument, by the dunder. */
const BUILTIN_CALLERS: Record<string, string> = { __repr__: 'repr', __str__: 'str', __len__: 'len', __iter__: 'list', __bool__: 'bool', __bytes__: 'bytes', __int__: 'int', __float__: 'float' };

/** How many calls of each method on results a target tries, and how many in all. */
const PER_METHOD = 6;
const MAX_CALLS = 12;

/** The touched functions (alongside a target) that are instance methods or properties callable with no argument. */
export function resultMethods(alongside: readonly PyFunction[], module: string): ResultMethod[] {
  const out: ResultMethod[] = [];
  for (const fn of alongside) {
    if (!fn.className || fn.isAsync) continue;
    if (fn.kind === 'property') {
      out.push({ module, className: fn.className, on: (expr) => `${primary(expr)}.${fn.name}` });
      continue;
    }
    if (fn.kind !== 'method') continue;
    const [self, ...rest] = fn.parameters;
    if (!self || self.kind === 'var_positional' || rest.some((p) => p.default === null && (p.kind === 'positional_only' || p.kind === 'positional_or_keyword' || p.kind === 'keyword_only'))) continue;
    const builtin = BUILTIN_CALLERS[fn.name];
    if (builtin) out.push({ module, className: fn.className, on: (expr) => `${builtin}(${expr})` });
    else if (!/^__\w+__$/.test(fn.name)) out.push({ module, className: fn.className, on: (expr) => `${primary(expr)}.${fn.name}()` });
  }
  return out;
}

/**
 * New calls: each of the target's own calls (not a value probe, not on the placeholder) that
 * returned an instance of a method's class, with the method called on its result, PER_METHOD
 * for each method: calls taking paths through the target of their own first (objects built
 * another way), then calls with results of their own, in the order they ran.
 */
export function resultCalls(methods: readonly ResultMethod[], candidates: readonly Candidate[], results: readonly ProbeCandidateResult[]): Candidate[] {
  const out: Candidate[] = [];
  for (const method of methods) {
    const usable = results.flatMap((r, i) => {
      const c = candidates[i];
      if (!c || c.valueProbe || c.scan || c.placeholder || r.outcome !== 'return' || r.lines.length === 0) return [];
      if (r.type.module !== method.module || r.type.qualname !== method.className) return [];
      // A result the probe told apart by its state, else by its repr.
      return [{ c, path: [...new Set(r.lines)].sort((a, b) => a - b).join(','), shown: r.resultState ?? JSON.stringify(r.resultAttrs ?? r.repr) }];
    });
    const paths = new Set<string>();
    const shown = new Set<string>();
    const picked: Candidate[] = [];
    for (const newPath of [true, false]) {
      for (const u of usable) {
        if (picked.length >= PER_METHOD || picked.includes(u.c) || shown.has(u.shown) || (newPath && paths.has(u.path))) continue;
        paths.add(u.path);
        shown.add(u.shown);
        picked.push(u.c);
      }
    }
    for (const c of picked) {
      // What the call did to an argument it was given is not what this call's test asserts.
      const { expect: _expect, watch: _watch, ...rest } = c;
      out.push({ ...rest, expr: method.on(c.expr) });
    }
  }
  return out.slice(0, MAX_CALLS);
}

/**
 * The expression as the object of an attribute: itself when it is a name or a call of one
 * (`Builder.from_func(f)`), else in parentheses.
 */
export function primary(expr: string): string {
  const head = /^[A-Za-z_][\w.]*/.exec(expr);
  if (!head) return `(${expr})`;
  if (head[0].length === expr.length) return expr;
  // A call: its first bracket closes at the end when what is between them is balanced.
  const call = expr[head[0].length] === '(' && expr.endsWith(')') && splitTopLevel(expr.slice(head[0].length + 1, -1)).balanced;
  return call ? expr : `(${expr})`;
}
