/**
 * coverage.py writes `meta.timestamp` with Python's `datetime.now().isoformat()`: LOCAL time,
 * no zone, with microseconds ("2024-05-01T13:45:12.123456"), and without the fraction when
 * the microseconds happen to be 0. Parsed here by hand (Date.parse treats zone-less ISO text
 * inconsistently and drops microseconds). A zone ("Z", "+02:00"), when present, is honoured.
 */

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface ParsedTimestamp {
  /** Milliseconds since the epoch, with the sub-millisecond part as a fraction. */
  epochMs: number;
  date: Date;
}

export function parseCoverageTimestamp(text: string): ParsedTimestamp | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0; // milliseconds, fractional
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const wholeMs = Math.floor(fraction);
  let base: number;
  const zone = m[8];
  if (zone === undefined) {
    const local = new Date(year, month - 1, day, hour, minute, second, wholeMs);
    if (local.getDate() !== day) return null; // 31 February and the like
    base = local.getTime();
  } else {
    base = Date.UTC(year, month - 1, day, hour, minute, second, wholeMs);
    if (new Date(base).getUTCDate() !== day) return null;
    if (zone.toUpperCase() !== 'Z') {
      const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
      if (!z) return null;
      const offset = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
      base -= z[1] === '+' ? offset : -offset;
    }
  }
  return { epochMs: base + (fraction - wholeMs), date: new Date(base) };
}

/** A time for messages, in local time: "2024-05-01 13:45:12". */
export function formatLocalTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
