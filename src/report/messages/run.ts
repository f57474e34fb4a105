/** Text of `smart-test run` and `smart-test generate`: what was written and what to do next. */

export const runMessages = {
  reviewAndStage: (files: string[], placeholder: string) =>
    `smart-test wrote ${files.length} test file${files.length === 1 ? '' : 's'} (${files.join(', ')}): review ${files.length === 1 ? 'it' : 'them'}, replace any "${placeholder}" left in ${files.length === 1 ? 'it' : 'them'}, then \`git add\` ${files.length === 1 ? 'it' : 'them'} and commit again. (Set onGenerate to "stage" to stage generated tests automatically, or "warn" to commit without them.)`,
  staged: (files: string[]) => `smart-test wrote and staged ${files.join(', ')}.`,
  writtenNotStaged: (files: string[]) => `smart-test wrote ${files.join(', ')} (not staged; onGenerate is "warn").`,
  nothingToWrite: 'smart-test: no tests to write.',
  summary: (parts: string[], seconds: number) => `smart-test: ${parts.join(', ')} in ${seconds.toFixed(1)} s.`,
  noFiles: 'No files given. Name the Python source files or folders to generate tests for, e.g. `smart-test generate src/pkg/module.py` or `smart-test generate src/pkg`.',
  notFound: (file: string) => `"${file}" does not exist. Name Python source files or folders inside the repository.`,
  outsideRepo: (file: string) => `"${file}" is outside the repository; smart-test only writes tests for files inside it.`,
  notPython: (file: string) => `"${file}" is not a Python source file (.py).`,
  isTestFile: (file: string) => `"${file}" is a test file; smart-test generates tests for source files.`,
  noSuchFunction: (names: string[], files: string[]) =>
    `No function named ${names.map((n) => `"${n}"`).join(', ')} in ${files.join(', ')}. Give the name as coverage.py writes it (\`Class.method\`, \`outer.inner\`) or the plain function name.`,
  unreadable: (file: string, why: string) => `"${file}" cannot be read as Python source: ${why}.`,
};
