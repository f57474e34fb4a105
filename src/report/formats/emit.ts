/** Writes a review in one of the reviewer formats, for `plan`, `check` and `run`. */
import { appendFile } from 'node:fs/promises';
import type { Io } from '../../cli.js';
import { RULE_TEXT, summaryFileUnwritable } from '../messages/review.js';
import { githubLines, workflowCommand } from './github.js';
import { markdownReport } from './markdown.js';
import type { Review } from './review.js';
import { sarifLog } from './sarif.js';

import type { ReviewFormat } from './kinds.js';

export { isReviewFormat, REVIEW_FORMATS, type ReviewFormat } from './kinds.js';

/**
 * github: workflow commands on stdout, and the Markdown report appended to the file named by
 * GITHUB_STEP_SUMMARY when it is set. sarif: the SARIF log alone on stdout. markdown: the
 * report alone on stdout.
 */
export async function writeReview(format: ReviewFormat, review: Review, io: Io, toolVersion: () => string): Promise<void> {
  if (format === 'sarif') {
    io.stdout.write(`${JSON.stringify(sarifLog(review, toolVersion()), null, 2)}\n`);
    return;
  }
  if (format === 'markdown') {
    io.stdout.write(markdownReport(review));
    return;
  }
  for (const line of githubLines(review)) io.stdout.write(`${line}\n`);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    try {
      await appendFile(summaryFile, `${markdownReport(review)}\n`);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      io.stdout.write(`${workflowCommand('warning', [['title', RULE_TEXT['smart-test/analysis-warning'].title]], summaryFileUnwritable(summaryFile, detail))}\n`);
    }
  }
}
