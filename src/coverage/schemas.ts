/**
 * The zod schemas of coverage.py's JSON report. read.ts imports this module on demand (it
 * loads zod). zod/mini's functions are tree-shakable, so the bundle keeps only what is used.
 */
import * as z from 'zod/mini';

/** A list of integer line numbers. One check per list: zod's per-element checks cost ~1 ms per file entry. */
function isLineList(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!Number.isSafeInteger(x)) return false;
  return true;
}

const lineNumbers = z.custom<number[]>(isLineList);

/** `[[from, to], ...]`: coverage.py's branch arcs (negative lines are entries and exits). */
function isArcList(v: unknown): v is Array<[number, number]> {
  if (!Array.isArray(v)) return false;
  for (const a of v) if (!Array.isArray(a) || a.length !== 2 || !Number.isSafeInteger(a[0]) || !Number.isSafeInteger(a[1])) return false;
  return true;
}

const arcs = z.custom<Array<[number, number]>>(isArcList);

const regionSchema = z.looseObject({
  executed_lines: lineNumbers,
  missing_lines: lineNumbers,
  excluded_lines: z.optional(lineNumbers),
  missing_branches: z.optional(arcs),
});

/** One entry of `files`. Branch data, contexts, summary and classes pass through unchecked. */
export const fileSchema = z.looseObject({
  executed_lines: lineNumbers,
  missing_lines: lineNumbers,
  excluded_lines: z.optional(lineNumbers),
  missing_branches: z.optional(arcs),
  summary: z.optional(z.looseObject({})),
  functions: z.optional(z.record(z.string(), regionSchema)),
});

export const metaSchema = z.looseObject({
  format: z.optional(z.int()),
  version: z.optional(z.string()),
  timestamp: z.optional(z.string()),
  branch_coverage: z.optional(z.boolean()),
  show_contexts: z.optional(z.boolean()),
});
