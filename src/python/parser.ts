import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';
import { PYTHON_PARSE_FAILED, pythonGrammarLoadFailed } from '../report/messages/python.js';

/**
 * Absolute path of `file` in the installed package `name`, looked for in the node_modules
 * folders require would search. Resolving `name/file` through the package's exports map loads
 * Node's exports resolver first, ~5 ms of every commit; the wasm files are exported as they
 * are. Layouts without such folders (Yarn Plug'n'Play) still resolve through require.
 */
function installedFile(name: string, file: string): string {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths(name) ?? []) {
    const candidate = path.join(dir, name, file);
    if (existsSync(candidate)) return candidate;
  }
  return require.resolve(`${name}/${file}`);
}

/** Absolute path of tree-sitter-python.wasm in the installed tree-sitter-python package. */
export function pythonGrammarPath(): string {
  return installedFile('tree-sitter-python', 'tree-sitter-python.wasm');
}

let parserPromise: Promise<Parser> | null = null;

async function createParser(): Promise<Parser> {
  try {
    // Imported here rather than at start-up: the caller starts this early, and the module's
    // loading then overlaps the git processes the hook waits for. It is bundled into
    // dist/cli.cjs, so it is told where its wasm file is rather than looking beside itself.
    const { Language, Parser } = await import('web-tree-sitter');
    await Parser.init({ locateFile: (file: string) => installedFile('web-tree-sitter', file) });
    const language = await Language.load(pythonGrammarPath());
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(pythonGrammarLoadFailed(detail), { cause: err });
  }
}

/**
 * The shared Python parser: the wasm runtime and grammar are loaded on the first call only
 * (about 30 ms), later calls get the same instance. A failed load is not cached, so a later
 * call retries. Parsing is synchronous, so sharing one parser is safe.
 */
export function getPythonParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = createParser();
    parserPromise.catch(() => {
      parserPromise = null;
    });
  }
  return parserPromise;
}

/**
 * The text parsePython() hands to tree-sitter: a leading BOM dropped, CRLF and lone CR turned
 * into LF. Python ends lines at all three but tree-sitter counts LF only; with this, tree-sitter
 * rows are Python's line numbers minus one. Each line keeps its columns.
 */
export function normaliseSource(source: string): string {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Parses `text` with `parser`; the caller owns the tree and must call `tree.delete()`. */
export function parseWith(parser: Parser, text: string): Tree {
  const tree = parser.parse(text);
  if (!tree) throw new Error(PYTHON_PARSE_FAILED);
  return tree;
}

/**
 * Trees of the last few large texts parsed, by text: a run reads the module under test several
 * times over (its structure, facts, types, extras), each a full parse of what may be thousands
 * of lines. The callbacks only read a tree, and only while they run.
 */
const recentTrees = new Map<string, Tree>();
const MAX_RECENT_TREES = 4;
const MIN_CACHED_TEXT = 4096;

/**
 * Parses `text`, runs `fn` on the tree and frees the tree (wasm memory) afterwards (a large text's
 * tree is kept for the next call on it). `keep: false` is for a text read once (a test file): its
 * tree is not kept, and pushes none of the kept ones out.
 */
export async function withPythonTree<T>(text: string, fn: (tree: Tree, parser: Parser) => T, options: { keep?: boolean } = {}): Promise<T> {
  const parser = await getPythonParser();
  if (text.length < MIN_CACHED_TEXT || (options.keep === false && !recentTrees.has(text))) {
    const tree = parseWith(parser, text);
    try {
      return fn(tree, parser);
    } finally {
      tree.delete();
    }
  }
  let tree = recentTrees.get(text);
  if (tree) recentTrees.delete(text);
  else tree = parseWith(parser, text);
  recentTrees.set(text, tree);
  while (recentTrees.size > MAX_RECENT_TREES) {
    const [oldest, old] = recentTrees.entries().next().value as [string, Tree];
    recentTrees.delete(oldest);
    old.delete();
  }
  return fn(tree, parser);
}
