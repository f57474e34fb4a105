import type { GlobalOptions, Io } from '../cli.js';
import { ALLOW_COMMENT_TEXT } from '../gate/allow-comment.js';
import { runPlaceholderCheck, type CheckResult } from '../gate/check.js';
import { checkJson, checkLines, checkSummary } from '../gate/report.js';
import { isReviewFormat } from '../report/formats/kinds.js';
import { gateClean, placeholderFindingText, rangePlaceholderSummary } from '../report/messages/review.js';
import { colourEnabled, makeStyle, type Style } from '../report/style.js';

/**
 * `smart-test check [FILE...]`: the placeholder gate. Without files it checks the staged
 * content of the staged test files; with files, those files on disk; with --base REF, the test
 * files the branch added or changed since it left REF, as committed at HEAD. Exit 1 when a
 * placeholder is left (one `path:line:col:` line per placeholder on stdout, then a summary), 0
 * otherwise, quietly: on success nothing is printed but warnings (stderr). `--format json`
 * prints only JSON on stdout, warnings included, whatever the outcome; github, sarif and
 * markdown write the findings for a reviewer.
 */
export async function runCheck(options: GlobalOptions, io: Io, files: string[]): Promise<number> {
  const result = await runPlaceholderCheck({ cwd: options.cwd, env: io.env, configPath: options.config, files, base: options.base });
  const blocked = result.findings.length > 0 ? 1 : 0;
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ ...checkJson(result), ...(result.range ? { range: result.range } : {}) }, null, 2)}\n`);
    return blocked;
  }
  if (isReviewFormat(options.format)) {
    const [{ writeReview }, { checkReview }] = await Promise.all([import('../report/formats/emit.js'), import('../report/formats/review.js')]);
    const review = checkReview({ gate: result, range: result.range, namedFiles: files.length > 0, summary: gateSummary(result) ?? gateClean(result.filesChecked, result.placeholder, result.range, result.staged), failed: blocked === 1 });
    await writeReview(options.format, review, io, options.toolVersion);
    return blocked;
  }
  const err = makeStyle(colourEnabled(io.stderr, io.env));
  for (const warning of result.warnings) io.stderr.write(`${err.yellow('warning:')} ${warning}\n`);
  if (!blocked) return 0;
  const out = makeStyle(colourEnabled(io.stdout, io.env));
  for (const line of gateLines(result, out)) io.stdout.write(`${line}\n`);
  io.stdout.write(`${gateSummary(result)}\n`);
  return 1;
}

/** The gate's closing line ("changed in <range>" for a branch), or null when nothing was found. */
export function gateSummary(result: CheckResult): string | null {
  if (result.findings.length === 0) return null;
  if (result.range) return rangePlaceholderSummary(result.findings.length, result.filesWithFindings, result.filesChecked, result.placeholder, ALLOW_COMMENT_TEXT, result.range);
  return checkSummary(result);
}

/** One `path:line:col: ...` line per finding; in a range without "before committing" (the code is committed). */
export function gateLines(result: CheckResult, style: Style): string[] {
  if (!result.range) return checkLines(result, style);
  return result.findings.map((f) => `${style.bold(`${f.file}:${f.line}:${f.column}:`)} ${placeholderFindingText(result.placeholder, f.function === null ? null : style.cyan(f.function))}`);
}
