/**
 * A quick check of one `files` entry of coverage.json, for reading thousands of them (`plan
 * --all`): an entry of the usual shape is taken as JSON.parse gave it, without zod's copy of
 * every object and array. It accepts only what the zod schema (schemas.ts) accepts, and the
 * fields smart-test reads are the same either way; anything else (a wrong type, an odd key) is
 * left to zod, which then says what is wrong.
 */

/** A list of integer line numbers. One check per list: zod's per-element checks cost ~1 ms per file entry. */
export function isLineList(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!Number.isSafeInteger(x)) return false;
  return true;
}

/** `[[from, to], ...]`: coverage.py's branch arcs (negative lines are entries and exits). */
export function isArcList(v: unknown): v is Array<[number, number]> {
  if (!Array.isArray(v)) return false;
  for (const a of v) if (!Array.isArray(a) || a.length !== 2 || !Number.isSafeInteger(a[0]) || !Number.isSafeInteger(a[1])) return false;
  return true;
}

/** An entry's or a region's lines, as schemas.ts's fileSchema and regionSchema read them. */
export interface CheckedRegion {
  [key: string]: unknown;
  executed_lines: number[];
  missing_lines: number[];
  excluded_lines?: number[] | undefined;
  missing_branches?: Array<[number, number]> | undefined;
}

export interface CheckedEntry extends CheckedRegion {
  summary?: Record<string, unknown> | undefined;
  functions?: Record<string, CheckedRegion> | undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRegion(v: unknown): v is CheckedRegion {
  return (
    isPlainObject(v) &&
    isLineList(v.executed_lines) &&
    isLineList(v.missing_lines) &&
    (v.excluded_lines === undefined || isLineList(v.excluded_lines)) &&
    (v.missing_branches === undefined || isArcList(v.missing_branches))
  );
}

/**
 * `raw` (a parsed `files` entry) when it is certainly of the schema's shape, as it is; null when
 * zod must look at it.
 */
export function checkedFileEntry(raw: unknown): CheckedEntry | null {
  if (!isRegion(raw)) return null;
  const { summary, functions } = raw;
  if (summary !== undefined && !isPlainObject(summary)) return null;
  if (functions !== undefined) {
    // zod copies a record key by key, and a "__proto__" key would not copy as one.
    if (!isPlainObject(functions) || Object.hasOwn(functions, '__proto__')) return null;
    for (const key in functions) if (!isRegion(functions[key])) return null;
  }
  return raw as CheckedEntry;
}
