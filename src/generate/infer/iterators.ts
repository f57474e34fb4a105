/**
 * Generators and iterators are consumed: a generator function's body runs only when its result
 * is iterated, so the candidate expression itself iterates it, bounded, and the test asserts on
 * the items. Generator functions are known from their source (`yield` in their own body);
 * functions that return an iterator are known once the probe has seen the result's type, and
 * their candidates are run again wrapped.
 */
import type { Node } from 'web-tree-sitter';
import type { PyFunction } from '../../python/model.js';
import { withPythonTree } from '../../python/parser.js';
import type { PyTypeRef } from '../probe-model.js';
import { parseAnnotation, baseName } from './annotation.js';

/** At most this many items are taken from an iterator (the per-call time limit bounds the rest). */
export const ITEM_LIMIT = 200;

const ASYNC_TAKE = `async def take_items(items, limit=${ITEM_LIMIT}):\n    taken = []\n    async for item in items:\n        if len(taken) >= limit:\n            break\n        taken.append(item)\n    return taken`;

export type GeneratorKind = 'sync' | 'async';

/** The functions whose own body (nested definitions aside) holds a `yield`. */
export async function generatorFunctions(source: string, functions: readonly PyFunction[]): Promise<Map<PyFunction, GeneratorKind>> {
  if (!/\byield\b/.test(source)) return new Map();
  return withPythonTree(source, (tree) => {
    const lines = new Set<number>();
    for (const node of tree.rootNode.descendantsOfType('yield')) {
      let def: Node | null = node?.parent ?? null;
      while (def && !['function_definition', 'lambda', 'class_definition'].includes(def.type)) def = def.parent;
      if (def?.type === 'function_definition') lines.add(def.startPosition.row + 1);
    }
    const out = new Map<PyFunction, GeneratorKind>();
    for (const fn of functions) if (lines.has(fn.defLine)) out.set(fn, fn.isAsync ? 'async' : 'sync');
    return out;
  });
}

const TRANSPARENT = /^(staticmethod|classmethod|builtins\.(staticmethod|classmethod)|abc\.abstractmethod|abstractmethod|typing\.no_type_check|override|typing\.override)$/;
const CONTEXT_MANAGER = /(^|\.)contextmanager$/;

const ENTER = 'def entered(manager):\n    with manager as value:\n        return value';

/**
 * How the source says a function's calls are consumed: a generator (its own `yield`, no
 * decorator that could change what it returns), a context manager made from a generator
 * (`@contextmanager`: entered and exited), or null (run-time types decide, see iteratorKind).
 */
export function staticConsumption(fn: PyFunction, kind: GeneratorKind | undefined): GeneratorKind | 'context' | null {
  if (kind === 'sync' && fn.decorators.some((d) => CONTEXT_MANAGER.test(d))) return 'context';
  if (fn.decorators.some((d) => !TRANSPARENT.test(d))) return null;
  return kind ?? annotatedIterator(fn);
}

/** A candidate that enters and exits the context manager its call returns: `entered(EXPR)`. */
export function entered<C extends { setup: string[]; expr: string }>(candidate: C): C {
  return { ...candidate, setup: [...candidate.setup.filter((s) => s !== ENTER), ENTER], expr: `entered(${candidate.expr})` };
}

/** The return annotation says the function returns an iterator (`Iterator[int]`, `Generator[...]`). */
export function annotatedIterator(fn: PyFunction): GeneratorKind | null {
  if (!fn.returnAnnotation) return null;
  const type = parseAnnotation(fn.returnAnnotation);
  if (type.kind !== 'name') return null;
  const base = baseName(type.name);
  if (base === 'Iterator' || base === 'Generator') return 'sync';
  if (base === 'AsyncIterator' || base === 'AsyncGenerator') return 'async';
  return null;
}

/**
 * A candidate whose expression consumes the iterator it evaluates to: `list(itertools.islice(EXPR, 200))`;
 * for an async generator, `asyncio.run(take_items(EXPR))` with the helper defined in the setup.
 * A call already wrapped in `asyncio.run(...)` (how async targets are called) is unwrapped first.
 */
export function consumed<C extends { setup: string[]; expr: string }>(candidate: C, kind: GeneratorKind): C {
  if (kind === 'async') {
    const m = /^asyncio\.run\(([\s\S]*)\)$/.exec(candidate.expr);
    const inner = m ? m[1]! : candidate.expr;
    return { ...candidate, setup: [...candidate.setup.filter((s) => s !== ASYNC_TAKE), ASYNC_TAKE], expr: `asyncio.run(take_items(${inner}))` };
  }
  return { ...candidate, setup: [...candidate.setup.filter((s) => s !== 'import itertools'), 'import itertools'], expr: `list(itertools.islice(${candidate.expr}, ${ITEM_LIMIT}))` };
}

const BUILTIN_ITERATORS = new Set(['generator', 'map', 'filter', 'zip', 'enumerate', 'reversed', 'callable_iterator', 'iterator']);

/** How to consume a result of this type: generators, map/filter/zip, itertools' iterators, builtin container iterators; async generators. */
export function iteratorKind(type: PyTypeRef): GeneratorKind | null {
  if (type.module === 'builtins' && type.qualname === 'async_generator') return 'async';
  if (type.module === 'builtins') return BUILTIN_ITERATORS.has(type.qualname) || /_(reverse)?iterator$|^\w+iterator$/.test(type.qualname) ? 'sync' : null;
  return type.module === 'itertools' ? 'sync' : null;
}
