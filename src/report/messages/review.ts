/**
 * Text of code-review mode: branch ranges (`--base REF`), what to fetch when a CI clone lacks
 * history, and the reviewer-facing formats (GitHub annotations, SARIF rules, Markdown).
 */
import { formatPercent } from './plan.js';
import { plural } from './plural.js';


export interface RangeLabel {
  base: string;
  mergeBase: string;
}

/** `origin/main...HEAD (merge base 1a2b3c4)`. */
export function rangeText(range: RangeLabel): string {
  return `${range.base}...HEAD (merge base ${range.mergeBase.slice(0, 7)})`;
}

// ---------------------------------------------------------------- resolving --base

export const rangeMessages = {
  badRef: (base: string) =>
    `--base "${base}" is not a git ref. Give the branch the changes are reviewed against, e.g. \`--base origin/main\`.`,
  noHead: (base: string) =>
    `--base ${base} checks the commits of this branch since it left ${base}, but the repository has no commit yet. Commit first, or leave --base out to check the staged changes.`,
  refMissing: (base: string, hint: { command: string; useBase: string | null } | null, shallow: boolean) => {
    const fetch = hint === null
      ? 'This repository has no remote to fetch it from; check the name (`git branch -a` lists the branches it has).'
      : `Fetch it first: \`${hint.command}\`${hint.useBase === null ? '' : `, then pass \`--base ${hint.useBase}\``}.`;
    const deepen = shallow
      ? ' This clone is also shallow: if smart-test then says the merge base is missing, fetch more history with `git fetch --deepen=50 origin` or `git fetch --unshallow origin` (in GitHub Actions: actions/checkout with `fetch-depth: 0`).'
      : '';
    return `"${base}" (given with --base) is not a commit in this clone, so smart-test cannot tell where the branch starts. ${fetch}${deepen}`;
  },
  mergeBaseShallow: (base: string, remote: string) =>
    `This clone is shallow and does not hold the merge base of ${base} and HEAD (the commit the branch started from), so the branch's changes cannot be told apart from older history. Fetch more history: \`git fetch --deepen=50 ${remote}\` (repeat until the merge base is found) or \`git fetch --unshallow ${remote}\`; in GitHub Actions, use actions/checkout with \`fetch-depth: 0\`.`,
  unrelated: (base: string) =>
    `${base} and HEAD share no history (git merge-base finds no common commit), so there is no branch range to check. Pass the branch this one was started from as --base, e.g. \`--base origin/main\`.`,
};

// ---------------------------------------------------------------- text output in range mode

export function rangePlanSummary(opts: {
  range: RangeLabel;
  filesChecked: number;
  touched: number;
  selected: number;
  capped: number;
  coverageFile: string | null;
  coverageTimestamp: string | null;
}): string {
  const where = rangeText(opts.range);
  if (opts.filesChecked === 0) return `smart-test: no Python source file changed in ${where}; nothing to plan.`;
  const files = plural(opts.filesChecked, 'changed Python file');
  if (opts.touched === 0) return `smart-test: ${files} checked in ${where}; the changes touch no function.`;
  const parts = [`${files} checked in ${where}`, plural(opts.touched, 'touched function'), `${opts.selected} selected for tests`];
  if (opts.capped > 0) parts.push(`${opts.capped} left out by maxFunctions`);
  const stamp = opts.coverageTimestamp ? `, ${opts.coverageTimestamp.replace('T', ' ').replace(/\.\d+$/, '')}` : '';
  const source = opts.coverageFile ? ` (coverage from ${opts.coverageFile}${stamp})` : '';
  return `smart-test: ${parts.join(', ')}${source}.`;
}

/** Closing line of `check --base` (and `run --base`) when placeholders are left. */
export function rangePlaceholderSummary(found: number, filesWithFindings: number, filesChecked: number, placeholder: string, allowComment: string, range: RangeLabel): string {
  return `smart-test: ${plural(found, 'placeholder')} "${placeholder}" left in ${filesWithFindings} of ${plural(filesChecked, 'test file')} changed in ${rangeText(range)}; blocked. Replace each with the value the test needs and push the fix; to keep one on purpose, end its line with \`${allowComment}\`.`;
}

/** The summary a review format shows when the gate found nothing. */
export function gateClean(filesChecked: number, placeholder: string, range: RangeLabel | null, staged: boolean): string {
  const what = range ? `${plural(filesChecked, 'test file')} changed in ${rangeText(range)}` : `${plural(filesChecked, staged ? 'staged test file' : 'file')} checked`;
  return `smart-test: no placeholder "${placeholder}" left in ${what}.`;
}

/** Printed by `plan` when belowThreshold is "error" and it exits 1. */
export function belowThresholdFailure(count: number, threshold: number, changedOnly = 0): string {
  const what = changedOnly > 0 ? `below the threshold ${threshold}%, with unknown coverage or with changed lines no test runs` : `below the threshold ${threshold}% or with unknown coverage`;
  return `smart-test: ${plural(count, 'touched function')} ${what}; failing because belowThreshold is "error". Add tests for ${count === 1 ? 'it' : 'them'} (\`smart-test run\` writes a start) or set belowThreshold to "warn".`;
}

export const rangeRunMessages = {
  /** run --base wrote tests that are not in the branch. */
  written: (files: string[], failing: boolean) =>
    `smart-test wrote ${files.length} test file${files.length === 1 ? '' : 's'} (${files.join(', ')}) that ${files.length === 1 ? 'is' : 'are'} not in the branch${failing ? ': run smart-test locally, review the tests, and commit them' : ' (onGenerate is "warn")'}. The placeholder gate checked the test files as committed.`,
};

/** Title of smart-test's own GitHub notices. */
export const NOTICE_TITLE = 'smart-test';

/** GitHub shows 10 error and 10 warning annotations per step; this notice counts the rest. */
export function annotationsHidden(count: number): string {
  return `${plural(count, 'more finding')} than GitHub shows as annotations of one step; every finding is in the log above and in the step summary`;
}

export function summaryFileUnwritable(file: string, detail: string): string {
  return `could not append the step summary to ${file} (GITHUB_STEP_SUMMARY): ${detail}; the annotations above are unaffected`;
}

// ---------------------------------------------------------------- findings

/** `f (30.0%): coverage 30.0% is below the threshold 80%`. */
export function functionFinding(qualname: string, coverage: number | null, reason: string): string {
  return `${qualname} (${coverage === null ? 'coverage unknown' : formatPercent(coverage)}): ${reason}`;
}

/** A placeholder finding for reviewers (no "before committing": the code is committed already). */
export function placeholderFindingText(placeholder: string, fn: string | null): string {
  return `placeholder "${placeholder}" left ${fn === null ? 'at module level' : `in ${fn}`}: replace it with the value the test needs`;
}

export interface RuleText {
  name: string;
  title: string;
  short: string;
  full: string;
  help: string;
}

/** What each kind of finding means; ids are stable (SARIF rule ids, annotation titles). */
export const RULE_TEXT = {
  'smart-test/placeholder-left': {
    name: 'PlaceholderLeft',
    title: 'smart-test: placeholder left',
    short: 'A test still holds the placeholder value.',
    full: 'A test file added or changed by the branch still passes the placeholder (default "test_value") in a Python string. smart-test writes it where no real input could be inferred; a person must replace it with a value the test needs.',
    help: 'Replace the placeholder with the value the test needs. To keep one on purpose, end its line with `# smart-test: allow-placeholder`. Placeholders always fail.',
  },
  'smart-test/below-threshold': {
    name: 'BelowThreshold',
    title: 'smart-test: coverage below threshold',
    short: 'A touched function is covered below the threshold.',
    full: 'A function the branch touches has line coverage below the configured threshold in the coverage.json the tests produced. It needs tests (or a function left out by maxFunctions still needs them).',
    help: 'Add tests for the function (`smart-test run` or `smart-test generate FILE --function NAME` writes a start). A warning by default; belowThreshold: "error" makes it fail.',
  },
  'smart-test/coverage-unknown': {
    name: 'CoverageUnknown',
    title: 'smart-test: coverage unknown',
    short: 'A touched function has no usable coverage data.',
    full: 'A function the branch touches has no coverage smart-test can trust: its file is not in coverage.json, the report is stale for the file, or the analysed version differs from what coverage measured. It is treated as needing tests.',
    help: 'Run the tests under coverage on the checked-out code (`coverage run -m pytest && coverage json`) and make sure the module is imported by the tests and inside --source. Same severity as below-threshold.',
  },
  'smart-test/stale-coverage': {
    name: 'StaleCoverage',
    title: 'smart-test: stale coverage',
    short: 'coverage.json is older than a changed file.',
    full: 'The coverage report does not fit a changed file (the file changed after the coverage run, or its line numbers no longer match), so the file\'s touched functions get coverage "unknown".',
    help: 'Produce coverage.json in the same job, after checkout and before smart-test runs. staleCoverage: "error" makes this an input error (exit 2).',
  },
  'smart-test/analysis-warning': {
    name: 'AnalysisWarning',
    title: 'smart-test: warning',
    short: 'smart-test could analyse a file only in part.',
    full: 'A file could be read or parsed only in part (not UTF-8, a syntax error, a definition smart-test cannot analyse); the rest of it was checked.',
    help: 'Read the message: it names the file, the line and what was skipped.',
  },
  'smart-test/changed-lines-not-covered': {
    name: 'ChangedLinesNotCovered',
    title: 'smart-test: changed lines not covered',
    short: 'A touched function meets the threshold, but no test runs some of its changed lines.',
    full: 'A function the branch touches meets the coverage threshold, but coverage.json shows that no test runs some of the lines the branch changed in it (with branch data: or that a branch of such a line is never taken). It needs tests for those lines.',
    help: 'Add tests that run the changed lines (`smart-test run` writes a start aimed at them). changedLines: "ignore" turns this rule off. Same severity as below-threshold.',
  },
} as const satisfies Record<string, RuleText>;

// ---------------------------------------------------------------- Markdown

export const markdownText = {
  heading: (command: string) => `smart-test ${command}`,
  /** Arguments are Markdown already (code spans). */
  changes: (range: { range: string; mergeBase: string } | null, files: boolean) =>
    range !== null ? `Changes: ${range.range} (merge base ${range.mergeBase}).` : files ? 'Checked: the files named on the command line.' : 'Changes: the staged changes.',
  coverageFrom: (file: string | null, stamp: string | null, threshold: number) =>
    file === null ? `Threshold ${threshold}%; no coverage report was needed.` : `Coverage from ${file}${stamp ? ` (${stamp.replace('T', ' ').replace(/\.\d+$/, '')})` : ''}, threshold ${threshold}%.`,
  passed: 'Result: passed.',
  failed: 'Result: failed.',
  functionsHeading: 'Touched functions',
  noFunctions: 'No function touched.',
  functionColumns: ['Function', 'File', 'Coverage', 'Decision', 'Why'],
  decision: { selected: 'needs tests', covered: 'ok', capped: 'left out (maxFunctions)' } as Record<string, string>,
  unknownCoverage: 'unknown',
  writtenHeading: 'Tests written',
  writtenColumns: ['Test file', 'Function', 'Status', 'Tests', 'With a placeholder'],
  noTestsWritten: 'No test written.',
  placeholdersHeading: 'Placeholders left',
  placeholderColumns: ['Location', 'Test', 'Line'],
  noPlaceholders: (placeholder: string) => `No placeholder "${placeholder}" left in the test files checked.`,
  moduleLevel: '(module level)',
  warningsHeading: 'Warnings',
};
