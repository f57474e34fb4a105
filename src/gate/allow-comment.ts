/**
 * The comment that keeps a placeholder on purpose: a line ending with it holds no finding.
 * Kept apart from placeholders.ts so that output code can name it without loading the parser.
 */
export const ALLOW_COMMENT_TEXT = '# smart-test: allow-placeholder';

/** Matches the comment at the end of a line (spaces around the words are free). */
export const ALLOW_COMMENT = /#\s*smart-test:\s*allow-placeholder\s*$/;
