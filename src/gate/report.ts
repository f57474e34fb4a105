import { placeholderFinding, placeholderSummary } from '../report/messages/gate.js';
import type { Style } from '../report/style.js';
import type { CheckResult } from './check.js';
import { ALLOW_COMMENT_TEXT } from './allow-comment.js';

/** `check --format json`: the only thing printed on stdout. */
export function checkJson(result: CheckResult): Record<string, unknown> {
  return {
    placeholders: result.findings.map((f) => ({ file: f.file, line: f.line, column: f.column, function: f.function, text: f.text })),
    filesChecked: result.filesChecked,
    warnings: result.warnings,
  };
}

/** One `path:line:col: ...` line per finding. */
export function checkLines(result: CheckResult, style: Style): string[] {
  return result.findings.map((f) => {
    const where = style.bold(`${f.file}:${f.line}:${f.column}:`);
    const fn = f.function === null ? null : style.cyan(f.function);
    return `${where} ${placeholderFinding(result.placeholder, fn)}`;
  });
}

/** The closing line when the commit is blocked; null when nothing was found (check is quiet then). */
export function checkSummary(result: CheckResult): string | null {
  if (result.findings.length === 0) return null;
  return placeholderSummary(result.findings.length, result.filesWithFindings, result.filesChecked, result.placeholder, ALLOW_COMMENT_TEXT, result.staged);
}
