/** Text of `smart-test plan --all`: where the repository stands. */
import { plural } from './plural.js';

export const planAllText = {
  /** The label of a function in the text list, by its standing. */
  label: { below: 'below threshold', unknown: 'coverage unknown', ok: 'ok' } as const,
  /** How a package is named when its modules are at the top of a source root. */
  topLevel: '(top level)',
  packageColumns: ['Package', 'Files', 'Functions', 'Below threshold', 'Unknown', 'Meet threshold', 'Coverage'],
  nothing: 'smart-test: no Python source files to report on.',
  summary: (t: { files: number; functions: number; belowThreshold: number; unknown: number; meetsThreshold: number }, threshold: number, coverage: string | null) =>
    `smart-test: ${plural(t.functions, 'function')} in ${plural(t.files, 'Python file')}: ${t.belowThreshold} below the threshold ${threshold}%, ${t.unknown} of unknown coverage, ${t.meetsThreshold} meet${t.meetsThreshold === 1 ? 's' : ''} it${coverage ? ` (coverage from ${coverage})` : ''}.`,
  failing: (count: number, threshold: number) =>
    `smart-test: ${plural(count, 'function')} below the threshold ${threshold}% or with unknown coverage; failing because belowThreshold is "error". Add tests for ${count === 1 ? 'it' : 'them'} (\`smart-test generate PATH\` writes a start) or set belowThreshold to "warn".`,
  notForFormat: (format: string) =>
    `--all goes with --format text, json or markdown, not "${format}": the repository report is not a review of a change.`,
  withBase: '--all reports on the whole repository (or the named paths) and does not take --base; leave one of them out.',
  filesWithoutAll: (files: readonly string[]) =>
    `"plan" takes file and folder arguments only with --all (got ${files.join(' ')}); \`smart-test plan --all ${files.join(' ')}\` reports on them.`,
  markdown: {
    heading: 'smart-test: where the repository stands',
    scopeAll: 'Scope: every Python source file of the repository (working tree).',
    scopeNamed: (paths: string) => `Scope: ${paths} (working tree).`,
    coverageFrom: (file: string | null, stamp: string | null, threshold: number) =>
      file === null ? `Threshold ${threshold}%; no coverage report was needed.` : `Coverage from ${file}${stamp ? ` (${stamp.replace('T', ' ').replace(/\.\d+$/, '')})` : ''}, threshold ${threshold}%.`,
    packagesHeading: 'Packages',
    needingHeading: 'Below the threshold or of unknown coverage, worst first',
    noneNeeding: 'Every function meets the threshold.',
    okHeading: (n: number) => `${plural(n, 'function')} meeting the threshold`,
    functionColumns: ['Function', 'File', 'Coverage', 'Statements', 'Why'],
    unknown: 'unknown',
    warningsHeading: 'Warnings',
  },
};
