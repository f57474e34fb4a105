/**
 * Each rendered test is checked on its own before the test file is assembled, so one that does
 * not parse costs only itself: tree-sitter first (always at hand), then Python's own compile()
 * when the project's Python is known (one process for every block), which also catches what
 * tree-sitter's grammar lets through (`return` outside a function, a bad escape in bytes, ...).
 */
import { getPythonParser, parseWith } from '../python/parser.js';
import { checkWithPython } from './python-check.js';

/** Per block: null when it is valid Python, else why not. */
export async function blockProblems(blocks: readonly string[], python: string | null): Promise<Array<string | null>> {
  const parser = await getPythonParser();
  const problems = blocks.map((text): string | null => {
    const tree = parseWith(parser, text);
    try {
      return tree.rootNode.hasError ? 'it does not parse as Python' : null;
    } finally {
      tree.delete();
    }
  });
  if (python) {
    const open = blocks.map((text, i) => ({ text, i })).filter(({ i }) => problems[i] === null);
    try {
      const answers = await checkWithPython(python, { compile: open.map((b) => b.text), equal: [] });
      open.forEach(({ i }, n) => {
        if (answers.compile[n]) problems[i] = `Python does not compile it (${answers.compile[n]})`;
      });
    } catch {
      // Python could not be asked: tree-sitter's answer stands (the assembled file is parsed again).
    }
  }
  return problems;
}
