/**
 * Callers the change touched: a commit that changes an internal function (a set's
 * `_get_real_index`, a splitter's `_change_splitlevel`) usually changes the public function that
 * calls it too (`__getitem__`, `process`), and its author tests them through that one. Among the
 * other functions of the module the change touched (GenerationSource.alongside), those whose body
 * calls the target by name lead into it: their calls are entry calls of the target (a test of it
 * only when they run its lines), and a test of one asserts what both compute.
 */
import type { PyFunction } from '../../python/model.js';

/** The functions among `others` whose body calls `fn` by name (a method through an attribute: `self._get_real_index(...)`). */
export function callersAmong(fn: PyFunction, others: readonly PyFunction[], lines: readonly string[]): PyFunction[] {
  // A nested function is called only by its outer one; dunder methods run through syntax (`a[i]`, `a < b`), not by name.
  if (fn.kind === 'nested' || /^__\w+__$/.test(fn.name)) return [];
  const name = fn.name.replace(/[$]/g, '\\$&');
  // A method through an attribute (`self.m(`, `cls.m(`, `Class.m(`); a module function by its bare name (not `x.f(`).
  const call = fn.className !== null ? new RegExp(`\\.${name}${fn.kind === 'property' ? '\\b(?!\\s*\\()(?!\\s*=[^=])' : '\\s*\\('}`) : new RegExp(`(?<![\\w.])${name}\\s*\\(`);
  return others.filter((other) => {
    // Not one holding the target, nor one it holds (they are each other's code), nor a nested function (only its outer one calls it).
    if (other === fn || other.kind === 'nested' || (other.startLine <= fn.startLine && fn.endLine <= other.endLine) || (fn.startLine <= other.startLine && other.endLine <= fn.endLine)) return false;
    const body = lines.slice(other.bodyStartLine - 1, other.endLine).filter((l) => !/^\s*#/.test(l)).join('\n');
    return call.test(body);
  });
}
