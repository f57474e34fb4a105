/** Python source text for values smart-test writes into tests. */

/** A str literal as Python's repr() writes it (single quotes unless the text holds one and no double). */
export function pyStr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** The value of a plain (non-f, non-byte) single-line string literal's source, or null. */
export function strValue(source: string): string | null {
  const m = /^([rRuU]?)('''|"""|'|")([\s\S]*)\2$/.exec(source);
  if (!m) return null;
  const body = m[3]!;
  if (m[1]!.toLowerCase() === 'r') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\\'"nrt0])/g, (_, esc: string) => {
    if (esc[0] === 'x' || esc[0] === 'u') return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', '0': '\0' } as Record<string, string>)[esc] ?? esc;
  });
}

/** Items of a bracketed literal's inside, split at top-level commas (strings and brackets respected). */
export function topLevelItems(inside: string): string[] {
  return splitTopLevel(inside).items;
}

/**
 * `inside` split at top-level commas (strings and brackets respected), and whether its brackets
 * and quotes are balanced: no bracket closed before it opened, none left open (`a), (b` is not).
 */
export function splitTopLevel(inside: string): { items: string[]; balanced: boolean } {
  const items: string[] = [];
  let depth = 0;
  let closedEarly = false;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < inside.length; i++) {
    const ch = inside[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth < 0) closedEarly = true;
    else if (ch === ',' && depth === 0) {
      items.push(inside.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = inside.slice(start).trim();
  if (last !== '') items.push(last);
  return { items, balanced: !closedEarly && depth === 0 && quote === null };
}
