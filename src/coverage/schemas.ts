/**
 * The zod schemas of coverage.py's JSON report. read.ts imports this module on demand (it
 * loads zod). zod/mini's functions are tree-shakable, so the bundle keeps only what is used.
 */
import * as z from 'zod/mini';
import { isArcList, isLineList } from './entry-check.js';

const lineNumbers = z.custom<number[]>(isLineList);

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
