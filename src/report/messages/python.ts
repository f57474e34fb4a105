/**
 * Phrases produced while reading Python sources (src/python/). They are reasons, not whole
 * sentences: the caller builds the warning around them (file name, what it skipped).
 */

/** decodeSource(): the bytes are not valid UTF-8. */
export const NOT_UTF8_TEXT = 'not UTF-8 text';

/** decodeSource(): the bytes start with a UTF-16 byte-order mark. */
export const UTF16_TEXT = 'UTF-16 text, not UTF-8';

/** decodeSource(): the bytes hold a NUL byte. */
export const BINARY_FILE = 'binary file';

/** decodeSource(): invalid UTF-8 in a file whose PEP 263 cookie names another encoding. */
export function notUtf8Declared(encoding: string): string {
  return `${NOT_UTF8_TEXT} (declares ${encoding})`;
}

/** A definition that tree-sitter could only recover as part of an ERROR region. */
export function insideSyntaxErrorRegion(line: number): string {
  return `inside a syntax error region (line ${line})`;
}

/** A definition whose own header or body (nested definitions aside) holds a syntax error. */
export function containsSyntaxError(line: number): string {
  return `contains a syntax error (line ${line})`;
}

/** The tree-sitter runtime or the Python grammar could not be loaded. */
export function pythonGrammarLoadFailed(detail: string): string {
  return `Could not load the Python grammar (tree-sitter-python): ${detail}. Reinstall smart-test's dependencies.`;
}

/** tree-sitter returned no tree (should not happen once a language is set). */
export const PYTHON_PARSE_FAILED = 'tree-sitter returned no syntax tree for a Python source';
