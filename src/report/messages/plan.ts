/** Text of the plan: why each touched function was or was not selected, and the warnings. */

export function formatPercent(value: number): string {
  return `${(Math.round(value * 10) / 10).toFixed(1)}%`;
}

/** `line 7`, `lines 737-738`, `lines 3, 9-11`: sorted line numbers, runs joined. */
export function lineRanges(lines: readonly number[], noun = 'line'): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return `${sorted.length === 1 ? noun : `${noun}s`} ${parts.join(', ')}`;
}

export const reasons = {
  belowThreshold: (coverage: number, threshold: number) =>
    `coverage ${formatPercent(coverage)} is below the threshold ${threshold}%`,
  meetsThreshold: (coverage: number, threshold: number) =>
    `coverage ${formatPercent(coverage)} meets the threshold ${threshold}%`,
  unknown: (why: string) => `coverage unknown: ${why}`,
  leftOutByCap: (maxFunctions: number, why: string) =>
    `needs tests (${why}), but left out of this run: maxFunctions (${maxFunctions}) functions were already selected, lower covered first; raise maxFunctions or run \`smart-test generate <file> --function <name>\``,
  fileNotMeasured: (coverageFile: string) =>
    `the file is not in ${coverageFile} (coverage.py did not measure it: is it imported by the tests, and inside --source?)`,
  staleFile: (why: string) => `the coverage data is stale for this file: ${why}`,
  noCoverageFile: 'no coverage data was read',
  requestedAll: 'selected by --all, whatever its coverage',
  changedNotCovered: (lines: readonly number[]) => `${lineRanges(lines)} changed and not covered`,
  changedNotCoveredAbove: (lines: readonly number[], coverage: number, threshold: number) =>
    `${lineRanges(lines)} changed and not covered (coverage ${formatPercent(coverage)} meets the threshold ${threshold}%)`,
};

export const warnings = {
  syntaxError: (file: string, line: number, column: number) =>
    `${file}:${line}:${column}: syntax error; definitions inside the broken region are skipped, the rest is analysed`,
  skippedDefinition: (file: string, line: number, name: string | null, why: string) =>
    `${file}:${line}:1: ${name ?? 'a definition'} skipped: ${why}`,
  undecodable: (file: string, why: string) => `${file}:1:1: skipped: ${why}; smart-test reads Python source as UTF-8`,
  staleCoverage: (file: string, coverageFile: string, why: string) =>
    `${file}:1:1: ${coverageFile} is stale for this file: ${why}; its touched functions get coverage "unknown" and are selected`,
  coverageChosen: (chosen: string, others: string[]) =>
    `using ${chosen}, the newest of ${[chosen, ...others].join(', ')}`,
};
