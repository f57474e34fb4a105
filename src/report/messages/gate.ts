/**
 * Text of the placeholder gate (`smart-test check`): findings, the summary that blocks the
 * commit, warnings about files it could only partly read, and its input errors.
 */
import { plural } from './plural.js';

export function placeholderFinding(placeholder: string, fn: string | null): string {
  const where = fn === null ? 'at module level' : `in ${fn}`;
  return `placeholder "${placeholder}" left ${where}: replace it with a real value before committing`;
}


/** The closing line when placeholders are left (the commit is blocked). */
export function placeholderSummary(found: number, filesWithFindings: number, filesChecked: number, placeholder: string, allowComment: string, staged: boolean): string {
  const what = staged ? 'staged test file' : 'file';
  return `smart-test: ${plural(found, 'placeholder')} "${placeholder}" left in ${filesWithFindings} of ${plural(filesChecked, what)} checked; commit blocked. Replace each with the value the test needs and stage the file again (git add); to keep one on purpose, end its line with \`${allowComment}\`.`;
}

export const gateWarnings = {
  syntaxError: (file: string, line: number, column: number) =>
    `${file}:${line}:${column}: not valid Python (first syntax error here); the strings around it were still checked for placeholders`,
  undecodable: (file: string, why: string) => `${file}:1:1: skipped: ${why}; smart-test reads Python source as UTF-8`,
  notPython: (file: string) => `${file}: skipped: not a Python file (.py); smart-test check only reads Python tests`,
  unreadable: (file: string, detail: string) => `${file}: skipped: cannot be read (${detail})`,
};

export function checkPathsMissing(paths: readonly string[], cwd: string): string {
  const list = paths.map((p) => `"${p}"`).join(', ');
  const what = paths.length === 1 ? 'This file does not exist' : 'These files do not exist';
  return `${what} (paths are relative to ${cwd}): ${list}. Pass the test files to check as they are on disk, or run \`smart-test check\` without files to check the staged test files.`;
}

export function checkPathIsDirectory(given: string): string {
  return `"${given}" is a directory. Pass the test files to check (e.g. \`smart-test check ${given.replace(/\/+$/, '')}/test_*.py\`), or run \`smart-test check\` without files to check the staged test files.`;
}

export function checkPathUnreadable(given: string, detail: string): string {
  return `Cannot read "${given}" (${detail}). Check its permissions, or leave it out of the files passed to \`smart-test check\`.`;
}
