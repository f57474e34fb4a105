/**
 * Keyword parameters a function takes through its `**kwargs` without declaring them: the body
 * reads them by name (`trace = kwargs.pop('trace', ())`, `kw.get('verbose', False)`,
 * `options['mode']`). A call may pass them like any keyword parameter, and the body's uses of the
 * local they are read into (`if trace is True`, `'enter' in trace`) say what to pass.
 */
import type { Parameter, PyFunction } from './model.js';

export interface HiddenKeyword {
  /** The key the body reads: the keyword a call passes. */
  name: string;
  /** The default the body gives it (`()` of `kwargs.pop('trace', ())`, `None` for `.get('k')`), or null when it reads it unguarded (`kwargs['k']`). */
  default: string | null;
  /** The locals the body reads it into (`trace` of `trace = kwargs.pop(...)`). */
  locals: string[];
}

const MAX_HIDDEN = 8;

/** The keywords the body of `fn` reads from its `**kwargs`, in order of first reading; none without `**kwargs`. */
export function hiddenKeywords(fn: PyFunction, source: string): HiddenKeyword[] {
  const varkw = fn.parameters.find((p) => p.kind === 'var_keyword')?.name;
  if (!varkw) return [];
  const body = source.split('\n').slice(fn.bodyStartLine - 1, fn.endLine).join('\n');
  if (!body.includes(varkw)) return [];
  const declared = new Set(fn.parameters.map((p) => p.name));
  const found = new Map<string, HiddenKeyword>();
  // `local = kw.pop('key', default)`, `kw.get('key')`, `kw['key']` (the local when assigned).
  const reads = new RegExp(`(?:^[ \\t]*([A-Za-z_]\\w*)[ \\t]*=[ \\t]*)?\\b${varkw}(?:\\.(pop|get)\\([ \\t]*(['"])([A-Za-z_]\\w*)\\3[ \\t]*(?:,[ \\t]*([^()\\n]*(?:\\([^()\\n]*\\)[^()\\n]*)*))?\\)|\\[[ \\t]*(['"])([A-Za-z_]\\w*)\\6[ \\t]*\\])`, 'gm');
  for (const m of body.matchAll(reads)) {
    const name = m[4] ?? m[7]!;
    if (declared.has(name)) continue;
    const fallback = m[2] ? (m[5]?.trim() || 'None') : null;
    const seen = found.get(name);
    if (seen) {
      if (m[1] && !seen.locals.includes(m[1])) seen.locals.push(m[1]);
      if (seen.default === null && fallback !== null) seen.default = fallback;
      continue;
    }
    if (found.size >= MAX_HIDDEN) break;
    found.set(name, { name, default: fallback, locals: m[1] ? [m[1]] : [] });
  }
  return [...found.values()];
}

/**
 * The parameters a call of `fn` may pass: its own, with its hidden keywords as keyword-only
 * parameters before its `**kwargs`.
 */
export function withHiddenKeywords(parameters: readonly Parameter[], hidden: readonly HiddenKeyword[]): Parameter[] {
  if (hidden.length === 0) return [...parameters];
  const extra = hidden.map((h): Parameter => ({ name: h.name, kind: 'keyword_only', annotation: null, default: h.default }));
  const at = parameters.findIndex((p) => p.kind === 'var_keyword');
  return at < 0 ? [...parameters, ...extra] : [...parameters.slice(0, at), ...extra, ...parameters.slice(at)];
}
