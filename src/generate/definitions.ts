/**
 * Targets that share a qualname. A name defined more than once in a module (a nested function
 * defined in each branch of its outer function, `def sep_func` three times; a method defined
 * again further down its class; `@overload` stubs and their implementation) has one set of tests: the test
 * file's blocks are named by qualname, and the tests reach each definition through the same
 * calls. Such definitions make one target: their target lines together, their code fingerprinted
 * together (a change to any of them refreshes the tests), and their own lines (not the code
 * between them) traced as one.
 */
import type { PyFunction } from '../python/model.js';
import { isSetterOrDeleter } from './infer/candidates.js';
import { codeFingerprint, fingerprint } from './managed.js';

export interface TargetDefinitions {
  /** The definitions, in source order (never empty). */
  defs: PyFunction[];
  /** Fingerprint of their code: a single definition's is codeFingerprint's, as for any function. */
  codeHash: string;
  /** Each definition's body (first body line to last line), or null for a single definition. */
  ranges: Array<[number, number]> | null;
}

/**
 * The targets grouped by qualname, in the order of each qualname's first definition. A
 * property's setter or deleter stays a target of its own: it shares its getter's name but not
 * its calls (reading the property never runs it).
 */
export function groupDefinitions(targets: readonly PyFunction[], text: string): TargetDefinitions[] {
  const byName = new Map<string, PyFunction[]>();
  const accessors: PyFunction[][] = [];
  for (const fn of targets) {
    if (isSetterOrDeleter(fn)) {
      accessors.push([fn]);
      continue;
    }
    const defs = byName.get(fn.qualname);
    if (defs) defs.push(fn);
    else byName.set(fn.qualname, [fn]);
  }
  return [...byName.values(), ...accessors].map((defs) => {
    const sorted = [...defs].sort((a, b) => a.startLine - b.startLine);
    if (sorted.length === 1) return { defs: sorted, codeHash: codeFingerprint(text, sorted[0]!.startLine, sorted[0]!.endLine), ranges: null };
    return {
      defs: sorted,
      codeHash: fingerprint(sorted.map((d) => codeFingerprint(text, d.startLine, d.endLine)).join('\n')),
      ranges: sorted.map((d): [number, number] => [d.bodyStartLine, d.endLine]),
    };
  });
}

/** The lines of a probe target covering every definition: from the first body line to the last line. */
export function tracedSpan(defs: readonly PyFunction[]): { firstLine: number; lastLine: number } {
  return { firstLine: Math.min(...defs.map((d) => d.bodyStartLine)), lastLine: Math.max(...defs.map((d) => d.endLine)) };
}
