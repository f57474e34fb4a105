/**
 * Is a file's coverage still about the working-tree text it claims to measure?
 *
 * Stale when the file was modified after the report was written (meta.timestamp, local time;
 * the report file's mtime when it has no timestamp), or when the recorded lines no longer fit
 * the text: an executed, missing or excluded line beyond the end of the file, an executed or
 * missing line that is now blank or only a comment, an excluded line that is now blank.
 * (coverage.py lists comment lines matching an exclusion pattern, such as a lone
 * `# pragma: no cover`, among excluded lines: a comment there is normal. Line 0, which 6.5
 * reports as executed for an empty file, is ignored.)
 */
import {
  staleLineBeyondEnd,
  staleLineNotCode,
  staleModifiedAfterReport,
} from '../report/messages/coverage.js';
import type { CoverageReport, FileCoverage } from './model.js';
import { formatLocalTime, parseCoverageTimestamp } from './timestamp.js';

export interface StaleCheck {
  worktreeText: string;
  worktreeMtimeMs: number;
  /** The report; its `mtimeMs`, when present, stands in for a missing timestamp. */
  report: CoverageReport & { mtimeMs?: number };
  file: FileCoverage;
}

export interface StaleResult {
  stale: boolean;
  reason: string | null;
}

/** The lines of a text as Python numbers them (\n, \r\n, \r); a final line break ends the last line. */
export function splitSourceLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** When the report was written: meta.timestamp, else the report file's mtime; null when neither is known. */
export function reportTime(report: Pick<StaleCheck['report'], 'timestampText' | 'timestamp' | 'mtimeMs'>): { ms: number; source: 'timestamp' | 'mtime' } | null {
  if (report.timestampText !== null) {
    const parsed = parseCoverageTimestamp(report.timestampText);
    if (parsed) return { ms: parsed.epochMs, source: 'timestamp' };
  }
  if (report.timestamp !== null) return { ms: report.timestamp.getTime(), source: 'timestamp' };
  if (report.mtimeMs !== undefined && report.mtimeMs > 0) return { ms: report.mtimeMs, source: 'mtime' };
  return null;
}

export function checkStale({ worktreeText, worktreeMtimeMs, report, file }: StaleCheck): StaleResult {
  const when = reportTime(report);
  if (when && worktreeMtimeMs > when.ms) {
    return {
      stale: true,
      reason: staleModifiedAfterReport(formatLocalTime(worktreeMtimeMs), formatLocalTime(when.ms), when.source),
    };
  }
  const lines = splitSourceLines(worktreeText);
  const kinds: Array<[string, readonly number[], boolean]> = [
    ['executed', file.executedLines, true],
    ['missing', file.missingLines, true],
    ['excluded', file.excludedLines, false],
  ];
  // report the first offending line of the file, whatever its kind
  let first: { line: number; reason: string } | null = null;
  for (const [kind, list, codeOnly] of kinds) {
    for (const line of list) {
      if (line < 1 || (first && line >= first.line)) continue;
      let reason: string | null = null;
      const text = lines[line - 1];
      if (text === undefined) reason = staleLineBeyondEnd(kind, line, lines.length);
      else if (text.trim() === '') reason = staleLineNotCode(kind, line, 'blank');
      else if (codeOnly && text.trim().startsWith('#')) reason = staleLineNotCode(kind, line, 'a comment');
      if (reason) first = { line, reason };
    }
  }
  return first ? { stale: true, reason: first.reason } : { stale: false, reason: null };
}
