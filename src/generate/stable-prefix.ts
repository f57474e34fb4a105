/**
 * The part of a value that stays the same: a string result or an exception message that differs
 * from run to run (it holds the time the call ran, an address, a set in hash order) is not
 * asserted whole, but its start often says what the function computed (`Every 1 minute do
 * job_fun('foo', bar=23) (last run: [never], next run: <time>`). The start every run gave is
 * asserted, cut back to before the word (number, time, name) the first difference falls in, so
 * that a value read from the clock is left out whatever its precision, and to before the first
 * calendar date it holds: every run of the check happens on the same day, the test's runs do not.
 */

/** Shortest start worth asserting, in characters. */
const MIN_PREFIX = 12;
/** The word the first difference falls in (a number, a time, a name): cut back over it. */
const TOKEN_TAIL = /[\w\-:.+/]+$/;
const CALENDAR_DATE = /\b(1[89]|2\d)\d\d[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])\b/;

/**
 * The start all `texts` share, cut back to a safe boundary (see above); null when too short.
 * `masks`: what the texts were masked with (a temporary path, an address), never part of a start.
 */
export function sharedStart(texts: readonly string[], masks: readonly string[] = []): string | null {
  if (texts.length < 2) return null;
  let n = Math.min(...texts.map((t) => t.length));
  for (const t of texts) for (let i = 0; i < n; i++) if (t[i] !== texts[0]![i]) n = i;
  if (texts.every((t) => t.length === n)) return null;
  let start = texts[0]!.slice(0, n);
  const masked = Math.min(...masks.map((m) => start.indexOf(m)).filter((i) => i >= 0));
  start = Number.isFinite(masked) ? start.slice(0, masked) : start.replace(TOKEN_TAIL, '');
  const date = CALENDAR_DATE.exec(start);
  if (date) start = start.slice(0, date.index);
  return start.length >= MIN_PREFIX ? start : null;
}

/**
 * The start of the strings whose Python reprs are `reprs`, as a Python string literal, or null.
 * Every repr must use the same quote; the start never ends inside an escape sequence.
 */
export function sharedReprStart(reprs: readonly string[], masks: readonly string[] = []): string | null {
  const quote = reprs[0]?.[0];
  if ((quote !== "'" && quote !== '"') || reprs.some((r) => r[0] !== quote || r.length < 2 || r[r.length - 1] !== quote)) return null;
  const bodies = reprs.map((r) => r.slice(1, -1));
  const shared = sharedStart(bodies, masks);
  if (shared === null) return null;
  const body = beforeOpenEscape(shared);
  return body.length >= MIN_PREFIX ? `${quote}${body}${quote}` : null;
}

/** `body` (the inside of a string literal) cut before an escape sequence it ends in the middle of. */
function beforeOpenEscape(body: string): string {
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const kind = body[i + 1];
    const length = kind === 'x' ? 4 : kind === 'u' ? 6 : kind === 'U' ? 10 : kind === 'N' ? body.indexOf('}', i) + 1 - i : 2;
    if (length <= 0 || i + length > body.length) return body.slice(0, i);
    i += length - 1;
  }
  return body;
}
