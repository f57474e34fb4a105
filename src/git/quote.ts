/**
 * Git writes a path in patch headers as a C-style quoted string when it holds a double quote,
 * a backslash, a control character or (unless core.quotePath=false) a byte >= 0x80:
 * `"src/\303\251 x.py"`. The escapes are `\a \b \t \n \v \f \r \" \\` and three-digit octal
 * bytes; the bytes are UTF-8.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 0x07,
  b: 0x08,
  t: 0x09,
  n: 0x0a,
  v: 0x0b,
  f: 0x0c,
  r: 0x0d,
  '"': 0x22,
  '\\': 0x5c,
};

export interface Unquoted {
  value: string;
  /** Index just after the closing quote. */
  end: number;
}

/**
 * Decodes the C-quoted string that starts at `text[start]` (which must be `"`). Returns null
 * when there is no complete quoted string there.
 */
export function unquoteCStyleAt(text: string, start = 0): Unquoted | null {
  if (text[start] !== '"') return null;
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) return null;
      const simple = SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        bytes.push(simple);
        i += 2;
        continue;
      }
      const octal = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
      if (octal) {
        bytes.push(parseInt(octal[0], 8) & 0xff);
        i += 4;
        continue;
      }
      // Unknown escape: keep it literally.
      bytes.push(0x5c);
      i += 1;
      continue;
    }
    const code = text.codePointAt(i)!;
    for (const b of Buffer.from(String.fromCodePoint(code), 'utf8')) bytes.push(b);
    i += code > 0xffff ? 2 : 1;
  }
  return null;
}

/** A path as git prints it after `--- `, `+++ `, `rename from ` etc.: quoted or raw. */
export function decodeGitPath(text: string): string {
  if (text.startsWith('"')) {
    const unquoted = unquoteCStyleAt(text, 0);
    if (unquoted) return unquoted.value;
  }
  return text;
}
