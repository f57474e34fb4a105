/** Doctest examples in a docstring, parsed as the doctest module does. */
import { indentOf } from '../search/values.js';

export interface DoctestExample {
  /** The example's source: `>>> ` and `... ` prompts removed, lines joined with newlines. */
  source: string;
  /** The expected output as written (may be empty: the example is a statement). */
  want: string;
}

const PROMPT = /^(\s*)>>>(?: |$)(.*)$/;

/** Examples in order; a docstring without `>>>` gives none. */
export function parseDoctest(docstring: string | null): DoctestExample[] {
  if (!docstring || !docstring.includes('>>>')) return [];
  const lines = docstring.replace(/\r\n?/g, '\n').split('\n');
  const examples: DoctestExample[] = [];
  let i = 0;
  while (i < lines.length) {
    const match = PROMPT.exec(lines[i]!);
    if (!match) {
      i++;
      continue;
    }
    const indent = match[1]!.length;
    const source = [match[2]!];
    i++;
    const continuation = new RegExp(`^\\s{${indent}}\\.\\.\\.(?: |$)(.*)$`);
    while (i < lines.length) {
      const more = continuation.exec(lines[i]!);
      if (!more) break;
      source.push(more[1]!);
      i++;
    }
    const want: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !PROMPT.test(lines[i]!)) {
      want.push(lines[i]!.slice(Math.min(indent, indentOf(lines[i]!))));
      i++;
    }
    examples.push({ source: source.join('\n').replace(/\s+$/, ''), want: want.join('\n') });
  }
  return examples;
}

/**
 * True when an example's source is a statement rather than an expression whose value could be
 * asserted: a compound statement (`@decorator` + `def`, `class`, `with`, `for`, `while`, `if`,
 * `try`, `match`, any `async` form), a simple statement keyword (`import`, `del`, `assert`,
 * `raise`, `pass`, `global`, ...), or a block whose first line ends with a colon. Such examples
 * become setup.
 */
export function isStatementSource(source: string): boolean {
  const text = source.replace(/^\s+/, '');
  if (/^@/.test(text)) return true;
  if (/^(async\s+)?(def|class|for|while|with|if|try)\b/.test(text)) return true;
  if (/^(from\s+\S+\s+import|import|del|assert|raise|return|pass|break|continue|global|nonlocal|yield)\b/.test(text)) return true;
  if (/^print\s+[^(\s=]/.test(text)) return true;
  if (/^match\s+[^=]*:\s*$/m.test(text.split('\n')[0]!)) return true;
  // A block header on the first line (`lambda` and dict literals never end a line with a bare colon).
  return /:\s*(#.*)?$/.test(text.split('\n')[0]!) && text.includes('\n');
}
