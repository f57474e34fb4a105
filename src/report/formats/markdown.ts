/**
 * `--format markdown`: a summary for a pull-request comment or a CI step summary: the touched
 * functions with their coverage and decision, the tests written, the placeholders left and the
 * warnings. Every table has a header, a separator row and the same number of cells per row.
 */
import { formatPercent } from '../messages/plan.js';
import { markdownText as t } from '../messages/review.js';
import type { Review } from './review.js';

/** Plain text in Markdown: characters that would format or break a table cell are escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;');
}

/** A message: its `quoted code` becomes code spans, the rest is escaped text. */
export function prose(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? codeSpan(part.slice(1, -1)) : escapeMarkdown(part)))
    .join('');
}

/** A code span holding `text` exactly (a fence longer than any run of backticks in it); `|` escaped for tables. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A table: header, separator, rows; cells must already be Markdown (escaped). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align: ReadonlyArray<'left' | 'right'> = []): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const separator = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [line(header.map(escapeMarkdown)), line(separator), ...rows.map((r) => line(header.map((_, i) => r[i] ?? '')))];
}

export function markdownReport(review: Review): string {
  const out: string[] = [`## ${escapeMarkdown(t.heading(review.command))}`, ''];
  out.push(`**${review.failed ? t.failed : t.passed}** ${prose(review.summary)}`, '');
  const range = review.range && { range: codeSpan(`${review.range.base}...HEAD`), mergeBase: codeSpan(review.range.mergeBase.slice(0, 7)) };
  out.push(t.changes(range, review.namedFiles));
  if (review.plan) out.push(t.coverageFrom(review.plan.coverageFile === null ? null : codeSpan(review.plan.coverageFile), review.plan.coverageTimestamp, review.plan.threshold));
  out.push('');

  if (review.plan) {
    out.push(`### ${t.functionsHeading}`, '');
    if (review.plan.functions.length === 0) out.push(t.noFunctions);
    else {
      const rows = review.plan.functions.map((f) => [
        codeSpan(f.qualname),
        codeSpan(`${f.file}:${f.line}`),
        f.coverage === null ? t.unknownCoverage : formatPercent(f.coverage),
        escapeMarkdown(t.decision[f.decision] ?? f.decision),
        prose(f.reason),
      ]);
      out.push(...table(t.functionColumns, rows, ['left', 'left', 'right', 'left', 'left']));
    }
    out.push('');
  }

  if (review.generation) {
    out.push(`### ${t.writtenHeading}`, '');
    const rows = review.generation.generated
      .filter((g) => g.status === 'written')
      .map((g) => [codeSpan(g.testFile ?? g.file), codeSpan(g.qualname), escapeMarkdown(g.status), String(g.tests), String(g.placeholders)]);
    if (rows.length === 0) out.push(t.noTestsWritten);
    else out.push(...table(t.writtenColumns, rows, ['left', 'left', 'left', 'right', 'right']));
    out.push('');
  }

  if (review.gate) {
    out.push(`### ${t.placeholdersHeading}`, '');
    if (review.gate.placeholders.length === 0) out.push(escapeMarkdown(t.noPlaceholders(review.gate.placeholder)));
    else {
      const rows = review.gate.placeholders.map((p) => [
        codeSpan(`${p.file}:${p.line}`),
        p.function === null ? escapeMarkdown(t.moduleLevel) : codeSpan(p.function),
        codeSpan(p.text),
      ]);
      out.push(...table(t.placeholderColumns, rows));
    }
    out.push('');
  }

  const warnings = [
    ...review.findings.filter((f) => f.ruleId === 'smart-test/stale-coverage' || f.ruleId === 'smart-test/analysis-warning').map((f) => `- ${codeSpan(`${f.file}:${f.line}:${f.column}`)}: ${prose(f.message)}`),
    ...review.notices.map((n) => `- ${prose(n)}`),
  ];
  if (warnings.length > 0) out.push(`### ${t.warningsHeading}`, '', ...warnings, '');
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
