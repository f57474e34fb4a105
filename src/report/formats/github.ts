/**
 * `--format github`: GitHub Actions workflow commands, one per finding, so that each shows as
 * an annotation on the pull request's diff:
 * `::error file=src/a.py,line=3,col=1,title=smart-test%3A placeholder left::message`.
 */
import { annotationsHidden, NOTICE_TITLE, RULE_TEXT } from '../messages/review.js';
import type { Finding, Review } from './review.js';

/** GitHub shows at most this many error and this many warning annotations per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

/** Escapes the message (data) of a workflow command: `%`, CR and LF. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value: as data, plus `:` and `,` (which separate properties). */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name key=value,key=value::message`, or `::name::message` without properties. */
export function workflowCommand(name: string, properties: ReadonlyArray<readonly [string, string | number]>, message: string): string {
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  return `::${name}${props === '' ? '' : ` ${props}`}::${escapeData(message)}`;
}

export function findingCommand(f: Finding): string {
  return workflowCommand(f.level, [['file', f.file], ['line', f.line], ['col', f.column], ['title', RULE_TEXT[f.ruleId].title]], f.message);
}

/**
 * The lines to print on stdout: one command per finding (errors first), a `::warning::` per
 * warning that names no file, then the plain summary line for the log.
 */
export function githubLines(review: Review): string[] {
  const notices = review.notices.map((n) => workflowCommand('warning', [['title', RULE_TEXT['smart-test/analysis-warning'].title]], n));
  const errors = review.findings.filter((f) => f.level === 'error').length;
  const warnings = review.findings.length - errors + notices.length;
  const hidden = Math.max(0, errors - ANNOTATIONS_PER_LEVEL) + Math.max(0, warnings - ANNOTATIONS_PER_LEVEL);
  return [
    ...review.findings.map(findingCommand),
    ...notices,
    ...(hidden > 0 ? [workflowCommand('notice', [['title', NOTICE_TITLE]], annotationsHidden(hidden))] : []),
    review.summary,
  ];
}
