import type { Node } from 'web-tree-sitter';

const STRING_OPENING = /^([A-Za-z]*)('''|"""|'|")/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

const ESCAPE = /\\(\n|[\\'"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g;

/**
 * Resolves the escape sequences of a non-raw Python str literal body. `\N{NAME}` and unknown
 * escapes are kept as written (Python keeps unknown ones too).
 */
export function unescapePython(body: string): string {
  return body.replace(ESCAPE, (whole, esc: string) => {
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) return simple;
    const c = esc[0];
    let code: number;
    if (c === 'x' || c === 'u' || c === 'U') code = Number.parseInt(esc.slice(1), 16);
    else code = Number.parseInt(esc, 8);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The value of one `string` node when it is a plain str literal: any quotes, `r`/`u` prefixes
 * allowed; f-strings, t-strings and bytes give null (they are not constants of type str).
 */
export function plainStringValue(node: Node): string | null {
  if (node.type !== 'string' || node.hasError) return null;
  return plainStringText(node.text);
}

/** plainStringValue() of a string literal's source text (prefix and quotes included). */
export function plainStringText(text: string): string | null {
  const m = STRING_OPENING.exec(text);
  if (!m) return null;
  const prefix = (m[1] ?? '').toLowerCase();
  const quote = m[2] ?? '';
  if (/[fbt]/.test(prefix)) return null;
  if (text.length < m[0].length + quote.length || !text.endsWith(quote)) return null;
  const body = text.slice(m[0].length, text.length - quote.length);
  return prefix.includes('r') ? body : unescapePython(body);
}

/** Like plainStringValue, and also joins implicit concatenations of plain literals. */
export function constantStringValue(node: Node): string | null {
  if (node.type === 'string') return plainStringValue(node);
  if (node.type !== 'concatenated_string') return null;
  let out = '';
  for (const part of node.namedChildren) {
    if (!part || part.type === 'comment') continue;
    const value = plainStringValue(part);
    if (value === null) return null;
    out += value;
  }
  return out;
}
