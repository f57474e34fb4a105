/** One finding of `smart-test doctor`. */
export type CheckStatus = 'ok' | 'warn' | 'error';

export interface Check {
  /** Stable name of the check, e.g. "hook" or "coverage-age" (see the README for the list). */
  id: string;
  status: CheckStatus;
  /** What was found, one sentence or two. */
  message: string;
  /** What to do about it; null when the status is ok. */
  fix: string | null;
}

export function ok(id: string, message: string): Check {
  return { id, status: 'ok', message, fix: null };
}

export function warn(id: string, message: string, fix: string): Check {
  return { id, status: 'warn', message, fix };
}

export function error(id: string, message: string, fix: string): Check {
  return { id, status: 'error', message, fix };
}

/** 0 when every check is ok, 1 with warnings only, 2 with an error. */
export function exitCodeOf(checks: readonly Check[]): number {
  if (checks.some((c) => c.status === 'error')) return 2;
  if (checks.some((c) => c.status === 'warn')) return 1;
  return 0;
}
