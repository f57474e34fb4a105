/**
 * Every user-facing string the coverage layer (src/coverage/) produces. Errors are one
 * paragraph that says what is wrong and what to do; reasons are short phrases the caller
 * puts after a function or file name.
 */

const MAKE_ONE =
  'make one with `coverage run -m pytest && coverage json` (or `pytest --cov=<src> --cov-report=json`)';
const REGENERATE = 'Regenerate it with `coverage json` (after `coverage run -m pytest`, or `pytest --cov=<src> --cov-report=json`)';

function quoteList(paths: readonly string[]): string {
  return paths.map((p) => `"${p}"`).join(', ');
}

// ---------------------------------------------------------------- finding and reading the file

export function coverageNotFound(tried: readonly string[], dataFileHint: string | null): string {
  const hint = dataFileHint
    ? ` There is a coverage data file at "${dataFileHint}": run \`coverage json\` beside it to write the JSON report.`
    : '';
  return (
    `No coverage report found: looked for ${quoteList(tried)}. smart-test reads coverage.py's JSON report; ` +
    `${MAKE_ONE}, or set "coverage" in the smart-test configuration to where your report is written.${hint}`
  );
}

export function coverageUnreadable(path: string, reason: string): string {
  return `Cannot read the coverage report "${path}": ${reason}. Check that the path is a readable file, or set "coverage" in the smart-test configuration to the right one.`;
}

export function coverageIsDirectory(path: string): string {
  return `The coverage report "${path}" is a directory, not a file. Point "coverage" in the smart-test configuration at the JSON file that \`coverage json\` writes (coverage.json by default).`;
}

// ---------------------------------------------------------------- phrases inside the messages

/** What the JSON grammar wanted at a break: completes "expected X but found Y". */
export const jsonExpected = {
  value: 'a value',
  object: 'a JSON object',
  key: 'a key (a string in double quotes)',
  keyOrClose: "a key or '}'",
  colon: "':' after the key",
  commaOrBrace: "',' or '}'",
  commaOrBracket: "',' or ']'",
  closer: (closer: string): string => `'${closer}'`,
  closingBracket: 'a closing bracket',
  closingQuote: `a closing '"' for the string that starts here`,
  noRawControl: `a closing '"' (a string cannot hold a raw line break or control character)`,
  validEscapes: 'a string with valid escapes',
  hexDigits: 'four hex digits after \\u',
  escapedChar: 'an escaped character after \\',
  escapeLetter: 'one of " \\ / b f n r t u after \\',
  digit: 'a digit',
  fractionDigit: 'a digit after the decimal point',
  exponentDigit: 'a digit in the exponent',
  endAfterValue: 'the end of the file after the top-level value',
  endAfterObject: 'the end of the file after the top-level object',
  validJson: 'valid JSON',
} as const;

/** What was found at a break: completes "expected X but found Y". */
export const jsonFound = {
  endOfFile: 'the end of the file',
  lineBreak: 'a line break',
  tab: 'a tab',
  byte: (hex: string): string => `the byte 0x${hex}`,
  word: (word: string): string => `"${word}"`,
  char: (ch: string): string => `'${ch}'`,
} as const;

/** JSON values in words, for "should be X but is Y" and "its top level is Y". */
export const jsonValue = {
  object: 'an object',
  list: 'a list',
  string: (text: string | null): string => (text === null ? 'a string' : `the string ${text}`),
  number: (n: number | null): string => (n === null ? 'a number' : `the number ${n}`),
  boolean: (b: boolean | null): string => (b === null ? 'true or false' : String(b)),
  null: 'null',
  missing: 'missing',
} as const;

/** What a coverage.py report holds at a key: completes "should be X". */
export const shapeExpected = {
  lineList: 'a list of line numbers',
  list: 'a list',
  lineNumber: 'an integer line number',
  integer: 'an integer',
  object: 'an object',
  string: 'a string',
  boolean: 'true or false',
  filesObject: 'an object mapping file names to their coverage',
} as const;

// ---------------------------------------------------------------- not JSON

export function coverageEmpty(path: string): string {
  return `The coverage report "${path}" is empty: was it still being written when smart-test read it? ${REGENERATE}.`;
}

export interface NotJsonDetails {
  path: string;
  line: number;
  column: number;
  /** What the JSON grammar wanted there, e.g. "',' or ']'". */
  expected: string;
  /** What is there instead, e.g. "'}'" or "the end of the file". */
  found: string;
  /** A short excerpt of the text before the break, or "" when there is none. */
  near: string;
  /** What the file looks like instead, when recognisable (see `notJsonKindHint`). */
  kind: string | null;
  truncated: boolean;
}

export function coverageNotJson(d: NotJsonDetails): string {
  const near = d.near ? ` (near \`${d.near}\`)` : '';
  const kind = d.kind ? ` It looks like ${d.kind}, not a JSON report.` : '';
  const truncated = d.truncated ? ' The file seems cut short: was it still being written, or copied incompletely?' : '';
  return (
    `The coverage report "${d.path}" is not valid JSON: at line ${d.line}, column ${d.column}, ` +
    `expected ${d.expected} but found ${d.found}${near}.${kind}${truncated} ${REGENERATE}.`
  );
}

/** Descriptions used for `NotJsonDetails.kind`, by what the file starts with. */
export const notJsonKinds = {
  xml: 'XML (a Cobertura report from `coverage xml` or `pytest --cov-report=xml`?)',
  lcov: 'an lcov tracefile (from `coverage lcov`?)',
  sqlite: "coverage.py's data file (.coverage), which `coverage json` turns into the JSON report",
  textReport: 'the text table printed by `coverage report`',
  html: 'an HTML page (from `coverage html`?)',
} as const;

// ---------------------------------------------------------------- JSON of the wrong shape

export function coverageNoFiles(path: string, topLevel: string): string {
  return (
    `The coverage report "${path}" does not look like a coverage.py JSON report: ${topLevel}. ` +
    `It may be a report in another format (Cobertura XML, lcov, Istanbul's coverage-final.json, or the text of \`coverage report\`). ` +
    `smart-test needs the file that \`coverage json\` writes; ${MAKE_ONE}.`
  );
}

export function topLevelKeysPhrase(keys: readonly string[]): string {
  if (keys.length === 0) return 'it is an empty JSON object, with no top-level "files"';
  const shown = keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ');
  const more = keys.length > 8 ? `, and ${keys.length - 8} more` : '';
  return `it has no top-level "files" object (its top-level keys are ${shown}${more})`;
}

export function topLevelNotObjectPhrase(kind: string): string {
  return `its top level is ${kind}, not an object with "meta" and "files"`;
}

export function coverageWrongShape(path: string, keyPath: string, problem: string): string {
  return `The coverage report "${path}" has an unexpected shape: ${keyPath} ${problem}. It was probably not written by coverage.py's \`coverage json\`, or was edited by hand. ${REGENERATE}.`;
}

/** "should be a list of line numbers but is the string \"1,2\"" */
export function shapeProblem(expected: string, found: string): string {
  return found === jsonValue.missing ? `is missing (expected ${expected})` : `should be ${expected} but is ${found}`;
}

// ---------------------------------------------------------------- per-function and per-file reasons

export function fileNotMeasured(repoPath: string): string {
  return `coverage.py did not measure ${repoPath}: no test imported it, or it is outside the measured source (\`--source\` / \`--cov\`)`;
}

export const noStatementsInFunction = 'coverage.py recorded no statements in this function';

export function stagedDiffersFromWorktree(lines: readonly number[]): string {
  const shown = lines.slice(0, 5).join(', ') + (lines.length > 5 ? `, … (${lines.length} lines)` : '');
  const which = lines.length === 1 ? `line ${shown} of the analysed file is` : `lines ${shown} of the analysed file are`;
  return `the version of this function being checked (staged, or committed with --base) differs from the working tree that coverage measured (${which} not in the working tree); stage the whole file or re-run coverage on that version`;
}

// ---------------------------------------------------------------- stale coverage

export function staleModifiedAfterReport(fileTime: string, reportTime: string, reportTimeSource: 'timestamp' | 'mtime'): string {
  const what = reportTimeSource === 'timestamp' ? 'the coverage report was written' : 'the coverage report file was last modified';
  return `the file was modified (${fileTime}) after ${what} (${reportTime}); re-run coverage`;
}

export function staleLineBeyondEnd(kind: string, line: number, lineCount: number): string {
  return `coverage.py recorded ${kind} line ${line}, but the file now has ${lineCount} line${lineCount === 1 ? '' : 's'}; re-run coverage`;
}

export function staleLineNotCode(kind: string, line: number, what: 'blank' | 'a comment'): string {
  return `coverage.py recorded ${kind} line ${line}, which is now ${what}; the file changed since coverage ran, re-run coverage`;
}

// ---------------------------------------------------------------- coverage.py's data file (.coverage)

/** The one line (stderr) after smart-test wrote coverage.json from the data file. */
export function dataFileConverted(dataFile: string, target: string, combined: number, seconds: number): string {
  const took = `${seconds.toFixed(1)} s`;
  if (combined > 0) {
    return `smart-test: combined ${combined} parallel coverage data file${combined === 1 ? '' : 's'} (${dataFile}.*) in a temporary copy and converted them to ${target} (coverage combine + coverage json, ${took})`;
  }
  return `smart-test: converted ${dataFile} to ${target} (coverage json, ${took})`;
}

export function dataFileNoCoverageModule(dataFile: string, tried: readonly string[], configured: string | null): string {
  const where = tried.length === 0 ? (configured ? `the configured Python "${configured}" does not exist` : 'no Python was found') : `tried ${quoteList(tried)}`;
  const python = tried[0] ?? configured ?? 'python3';
  return (
    `coverage.py's data file "${dataFile}" is newer than the JSON report, but no Python that can import coverage.py is there to convert it (${where}). ` +
    `Install coverage.py in the project's Python (\`${python} -m pip install coverage\`, or pytest-cov, which brings it), or set "python" in the smart-test configuration to a Python that has it. ` +
    `To write coverage.json yourself instead (\`coverage json\`), set "coverageData": false.`
  );
}

export function dataFileConversionFailed(command: string, dataFile: string, status: string, output: string): string {
  const text = output.trim().split('\n').slice(-3).join(' ').slice(0, 400).replace(/[.\s]+$/, '');
  const said = text === '' ? '' : `: ${text}`;
  return (
    `Could not turn coverage.py's data file "${dataFile}" into the JSON report: \`${command}\` ${status}${said}. ` +
    `Re-run the tests with coverage (\`pytest --cov=<src>\`), or write the report yourself with \`coverage json\` and set "coverageData": false.`
  );
}
