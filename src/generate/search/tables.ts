/**
 * Lookup tables: a missed line is often guarded by membership in a table the project defines
 * elsewhere (`if part in extensions.NAMES:`, `if name not in _REGISTRY:`), whose keys neither the
 * literals nor the types give. The search asks the probe for a few of the table's keys (a value
 * probe: a call of no function under test, never a test itself) and tries them as arguments in
 * the next rounds.
 */
import type { PyFunction } from '../../python/model.js';
import type { Candidate } from '../infer/candidates.js';
import type { ProbeCandidateResult } from '../probe-model.js';
import { topLevelItems } from './values.js';

const MAX_TABLES = 3;
const KEYS_PER_KIND = 6;

/**
 * Containers tested for membership on `window` (source lines near the missed lines), named by a
 * module-level name or an attribute path from one (`extensions.NAMES`, `TABLE`): not a parameter
 * of `fn`, not `self`/`cls`, not a name the function assigns.
 */
export function tableExpressions(window: readonly string[], fn: PyFunction, body: string): string[] {
  const params = new Set(fn.parameters.map((p) => p.name));
  const out: string[] = [];
  for (const line of window) {
    for (const m of line.matchAll(/\bin\s+((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\b(?!\s*[([.\w])/g)) {
      const expr = m[1]!;
      const head = expr.split('.')[0]!;
      if (params.has(head) || head === 'self' || head === 'cls' || /^(range|True|False|None)$/.test(head)) continue;
      if (new RegExp(`(^|\\n)\\s*(for\\s+[^\\n]*\\b${head}\\b[^\\n]*\\bin\\b|${head}\\s*(,[^=\\n]*)?=[^=])`).test(body)) continue;
      if (!out.includes(expr)) out.push(expr);
      if (out.length >= MAX_TABLES) return out;
    }
  }
  return out;
}

/** The value probe for a table: up to a few of its str and int keys, spread over their sorted order. */
export function tableProbe(expr: string): Candidate {
  const pick = (type: string) => `(lambda s: s[::max(1, len(s) // ${KEYS_PER_KIND})][:${KEYS_PER_KIND}])(sorted(k for k in ${expr} if type(k) is ${type}))`;
  return { setup: [], expr: `${pick('str')} + ${pick('int')}`, origin: 'inferred', placeholder: false, entry: true, valueProbe: true };
}

/** The keys the value probes of a subject returned, as Python literals. */
export function tableKeys(candidates: readonly Candidate[], results: readonly ProbeCandidateResult[]): string[] {
  const out: string[] = [];
  candidates.forEach((c, i) => {
    const r = results[i];
    if (!c.valueProbe || c.scan || !r || r.outcome !== 'return' || !r.literal || !r.repr.startsWith('[')) return;
    for (const item of topLevelItems(r.repr.slice(1, -1))) if (item.length <= 80 && !out.includes(item)) out.push(item);
  });
  return out;
}
