import type { LineRange } from '../git/model.js';
import type { PyFunction } from '../python/model.js';

/**
 * A function is touched when a changed line of the staged version meets its own lines:
 * decorators, signature or body, leaving out the functions and classes nested inside it
 * (a change to an inner function touches the inner one, not its parent). Every function
 * of an added file is touched.
 */
export function isTouched(fn: PyFunction, changed: readonly LineRange[], fileAdded: boolean): boolean {
  if (fileAdded) return true;
  for (const range of changed) {
    const start = Math.max(range.start, fn.startLine);
    const end = Math.min(range.end, fn.endLine);
    for (let line = start; line <= end; line++) {
      if (!fn.nestedRanges.some(([a, b]) => line >= a && line <= b)) return true;
    }
  }
  return false;
}

export function touchedFunctions(functions: readonly PyFunction[], changed: readonly LineRange[], fileAdded: boolean): PyFunction[] {
  return functions.filter((fn) => isTouched(fn, changed, fileAdded));
}
