/**
 * Every user-facing string the configuration layer (src/config/) produces. Errors are one
 * paragraph that names the file and says what to do.
 */

const EXAMPLE = 'see .smarttestrc.example in the smart-test package for every setting and its default';
const FORMATS =
  'JSON (.json), YAML (.yaml, .yml, or .smarttestrc without extension), TOML (pyproject.toml [tool.smarttest], or any .toml file) or JavaScript (.js, .cjs, .mjs)';

function quoteList(items: readonly string[]): string {
  return items.map((i) => `"${i}"`).join(', ');
}

/** How a file is named in messages, with the part of it smart-test reads when that is not the whole file. */
export function describeConfigSource(file: string, section: 'package' | 'pyproject' | null): string {
  if (section === 'package') return `"${file}" (key "smarttest")`;
  if (section === 'pyproject') return `"${file}" ([tool.smarttest])`;
  return `"${file}"`;
}

// ---------------------------------------------------------------- finding and reading the file

export function configFileNotFound(file: string): string {
  return `The configuration file "${file}" given with --config does not exist. Check the path (a relative path is taken from the current directory), or leave --config out to let smart-test find .smarttestrc, pyproject.toml [tool.smarttest] or another usual configuration file.`;
}

export function configIsDirectory(file: string): string {
  return `The configuration file "${file}" given with --config is a directory. Point --config at a file such as "${file}/.smarttestrc", or leave --config out to let smart-test search for one.`;
}

export function configUnreadable(file: string, reason: string): string {
  return `Cannot read the configuration file "${file}": ${reason}. Check that it is a readable file.`;
}

export function configUnsupportedFile(file: string): string {
  return `smart-test cannot read the configuration file "${file}" because of its file type. Configuration files are ${FORMATS}; rename the file or convert it.`;
}

export function configSyntaxError(file: string, format: string, reason: string, line: number | null, column: number | null): string {
  const where = line === null ? '' : column === null ? ` at line ${line}` : ` at line ${line}, column ${column}`;
  const cleaned = reason.trim().replace(/\.$/, '');
  return `The configuration file "${file}" is not valid ${format}${where}: ${cleaned}. Fix the syntax there, or delete the file to use the defaults.`;
}

export function configScriptFailed(file: string, reason: string): string {
  const cleaned = reason.trim().replace(/\.$/, '');
  return `Loading the configuration file "${file}" failed: ${cleaned}. The file is run as JavaScript; fix the error in it, or write the settings in a .smarttestrc (YAML or JSON) instead.`;
}

export function configNoSection(file: string, section: 'package' | 'pyproject'): string {
  return section === 'pyproject'
    ? `"${file}" has no [tool.smarttest] table. Add one (for example a line "[tool.smarttest]" followed by "threshold = 80"), or point --config at another configuration file.`
    : `"${file}" has no "smarttest" key. Add one (for example "smarttest": { "threshold": 80 }), or point --config at another configuration file.`;
}

// ---------------------------------------------------------------- contents

export function configNotATable(source: string, found: string): string {
  return `The smart-test configuration in ${source} must be a set of settings (key: value pairs), but it is ${found}. Write it as a mapping, for example "threshold: 80" in YAML; ${EXAMPLE}.`;
}

export function unknownSettingSentence(key: string, suggestion: string | null): string {
  return suggestion === null ? `Unknown setting "${key}".` : `Unknown setting "${key}" (did you mean "${suggestion}"?).`;
}

export function validSettingsSentence(keys: readonly string[]): string {
  return `Valid settings are ${quoteList(keys)}.`;
}

export function wrongValueSentence(key: string, expected: string, found: string, item: number | null): string {
  return item === null
    ? `"${key}" must be ${expected}, but it is ${found}.`
    : `"${key}" must be ${expected}, but item ${item + 1} of the list is ${found}.`;
}

export function configInvalid(source: string, sentences: readonly string[]): string {
  return `Invalid smart-test configuration in ${source}: ${sentences.join(' ')} Fix the file; ${EXAMPLE}.`;
}

/** What each setting accepts, as the end of "<key> must be ...". */
export const EXPECTED: Readonly<Record<string, string>> = {
  coverage: 'a path, or a non-empty list of paths, to coverage.py JSON reports',
  threshold: 'a number from 0 to 100 (percent)',
  include: 'a list of glob patterns (strings)',
  exclude: 'a list of glob patterns (strings)',
  sourceRoots: 'a list of folder paths (strings)',
  testsDir: 'a folder path (a non-empty string)',
  placeholder: 'a non-empty string',
  maxFunctions: 'a whole number of at least 1',
  staleCoverage: 'one of "warn" or "error"',
  onGenerate: 'one of "fail", "stage" or "warn"',
  python: 'the name or path of a Python interpreter (a non-empty string), or null to find one',
  belowThreshold: 'one of "warn" or "error"',
  allowSideEffects: 'true or false',
  coverageData: "the path of coverage.py's data file (a non-empty string), false to never convert it to coverage.json, or null to find it",
  changedLines: 'one of "cover" or "ignore"',
  searchBudget: 'a number of seconds from 0 to 600',
  searchRunBudget: 'a number of seconds from 0 to 3600',
};
