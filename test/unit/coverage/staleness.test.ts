import { describe, expect, it } from 'vitest';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/model.js';
import { checkStale, splitSourceLines } from '../../../src/coverage/staleness.js';
import { formatLocalTime, parseCoverageTimestamp } from '../../../src/coverage/timestamp.js';

function reportAt(timestampText: string | null, mtimeMs?: number): CoverageReport & { mtimeMs?: number } {
  const parsed = timestampText === null ? null : parseCoverageTimestamp(timestampText);
  return {
    path: '/r/coverage.json',
    format: 3,
    version: '7.6.1',
    timestampText,
    timestamp: parsed?.date ?? null,
    fileCount: 1,
    file: () => undefined,
    ...(mtimeMs === undefined ? {} : { mtimeMs }),
  };
}

const file = (executedLines: number[], missingLines: number[] = [], excludedLines: number[] = []): FileCoverage => ({ executedLines, missingLines, excludedLines, functions: null });
const text = 'import os\n\ndef f(x):\n    # why\n    return x  # pragma: no cover\n\n\n# pragma: no cover\nVALUE = 1\n';
const reportTime = new Date(2024, 4, 1, 12, 0, 0).getTime(); // "2024-05-01T12:00:00.000000" local

describe('parseCoverageTimestamp', () => {
  it('local time without zone, with or without microseconds', () => {
    expect(parseCoverageTimestamp('2024-05-01T12:00:00.000000')!.epochMs).toBe(reportTime);
    expect(parseCoverageTimestamp('2024-05-01T12:00:00')!.epochMs).toBe(reportTime);
    expect(parseCoverageTimestamp('2024-05-01T12:00:00.123456')!.epochMs).toBeCloseTo(reportTime + 123.456, 6);
    expect(parseCoverageTimestamp('2024-05-01T12:00:00.123456')!.date.getTime()).toBe(reportTime + 123);
    expect(parseCoverageTimestamp('2024-05-01 12:00')!.epochMs).toBe(reportTime);
  });
  it('honours a zone when one is written', () => {
    expect(parseCoverageTimestamp('2024-05-01T12:00:00Z')!.epochMs).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseCoverageTimestamp('2024-05-01T12:00:00.5+02:00')!.epochMs).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 500));
    expect(parseCoverageTimestamp('2024-05-01T12:00:00-0130')!.epochMs).toBe(Date.UTC(2024, 4, 1, 13, 30));
  });
  it('rejects what is not a timestamp', () => {
    for (const bad of ['', 'yesterday', '2024-13-01T00:00:00', '2024-02-31T00:00:00', '2024-05-01T25:00:00', '1714564800']) {
      expect(parseCoverageTimestamp(bad), bad).toBeNull();
    }
  });
  it('formatLocalTime', () => {
    expect(formatLocalTime(reportTime + 5_000)).toBe('2024-05-01 12:00:05');
  });
});

describe('checkStale', () => {
  const fresh = reportTime - 60_000;

  it('fresh: the file is older than the report and the lines fit', () => {
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: fresh, report: reportAt('2024-05-01T12:00:00.000000'), file: file([1, 3, 9], [5], [5, 8]) })).toEqual({ stale: false, reason: null });
  });

  it('modified after the report was written', () => {
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: reportTime + 90_000, report: reportAt('2024-05-01T12:00:00.000000'), file: file([1]) })).toEqual({
      stale: true,
      reason: 'the file was modified (2024-05-01 12:01:30) after the coverage report was written (2024-05-01 12:00:00); re-run coverage',
    });
    // microseconds count: modified 0.3 ms after a report written at .000500 is stale, 0.1 ms after is not
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: reportTime + 0.8, report: reportAt('2024-05-01T12:00:00.000500'), file: file([1]) }).stale).toBe(true);
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: reportTime + 0.4, report: reportAt('2024-05-01T12:00:00.000500'), file: file([1]) }).stale).toBe(false);
  });

  it('without a timestamp, the report file\'s mtime stands in; without either, only the lines are checked', () => {
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: reportTime + 1000, report: reportAt(null, reportTime), file: file([1]) })).toEqual({
      stale: true,
      reason: 'the file was modified (2024-05-01 12:00:01) after the coverage report file was last modified (2024-05-01 12:00:00); re-run coverage',
    });
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: reportTime + 1000, report: reportAt(null), file: file([1]) }).stale).toBe(false);
  });

  it('a recorded line beyond the end of the file', () => {
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: fresh, report: reportAt('2024-05-01T12:00:00'), file: file([1, 3], [12]) })).toEqual({
      stale: true,
      reason: 'coverage.py recorded missing line 12, but the file now has 9 lines; re-run coverage',
    });
    expect(checkStale({ worktreeText: '', worktreeMtimeMs: fresh, report: reportAt(null), file: file([], [], [1]) }).reason).toBe(
      'coverage.py recorded excluded line 1, but the file now has 0 lines; re-run coverage',
    );
  });

  it('a statement line that is now blank or a comment; the first such line is named', () => {
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: fresh, report: reportAt(null), file: file([1, 6], [4]) })).toEqual({
      stale: true,
      reason: 'coverage.py recorded missing line 4, which is now a comment; the file changed since coverage ran, re-run coverage',
    });
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: fresh, report: reportAt(null), file: file([1, 6]) }).reason).toBe(
      'coverage.py recorded executed line 6, which is now blank; the file changed since coverage ran, re-run coverage',
    );
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: fresh, report: reportAt(null), file: file([1], [], [7]) }).reason).toMatch(/excluded line 7, which is now blank/);
  });

  it('an excluded comment line (a lone "# pragma: no cover") and 6.5\'s line 0 are normal', () => {
    expect(checkStale({ worktreeText: text, worktreeMtimeMs: fresh, report: reportAt(null), file: file([0], [], [8]) })).toEqual({ stale: false, reason: null });
  });

  it('splitSourceLines numbers lines as Python does', () => {
    expect(splitSourceLines('a\r\nb\rc\n')).toEqual(['a', 'b', 'c']);
    expect(splitSourceLines('a\n\n')).toEqual(['a', '']);
    expect(splitSourceLines('a')).toEqual(['a']);
    expect(splitSourceLines('')).toEqual([]);
  });
});
