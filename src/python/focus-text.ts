/**
 * The part of a module a focused parse needs: the top-level statements that hold the focused
 * lines, every other line left empty (so rows and columns stay those of the file).
 *
 * tree-sitter's cost grows with the text it parses (~3 ms for a 6 kB module here, most of the
 * commit path's parsing), while a commit usually changes a few definitions. Top-level statements
 * start at column 0 on a logical line that begins outside any string and bracket; a light
 * tokenizer finds them: strings (single, triple, any prefix), brackets, comments and backslash
 * continuations. Whatever it cannot vouch for (an unterminated string or bracket, a closing
 * bracket too many) makes it give up, and the whole module is parsed as before.
 */

const QUOTE_DOUBLE = 0x22;
const QUOTE_SINGLE = 0x27;
const BACKSLASH = 0x5c;
const HASH = 0x23;

/**
 * The 0-based rows where a top-level logical line starts, or null when the text does not
 * tokenize cleanly. Lines with a column-0 `#` or only whitespace are not starts.
 */
export function topLevelStarts(lines: readonly string[]): number[] | null {
  const starts: number[] = [];
  let quote = 0; // 0: not in a string; else the quote character
  let triple = false;
  let depth = 0;
  let continued = false; // the previous line ended with a backslash outside a string
  for (let row = 0; row < lines.length; row++) {
    const text = lines[row]!;
    const n = text.length;
    if (quote === 0 && depth === 0 && !continued && n > 0) {
      const c = text.charCodeAt(0);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0c && c !== HASH) starts.push(row);
    }
    continued = false;
    let i = 0;
    while (i < n) {
      // Jump to the next character that matters (the regular expression engine runs this
      // far faster than a loop over every character: this runs on every commit).
      const jump = quote === 0 ? CODE : quote === QUOTE_DOUBLE ? IN_DOUBLE : IN_SINGLE;
      jump.lastIndex = i;
      if (jump.exec(text) === null) break;
      i = jump.lastIndex - 1;
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === BACKSLASH) {
          i += 2; // an escaped character, or (at the end of the line) the line break
          continue;
        }
        // c is the string's quote
        if (!triple || (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote)) {
          i += triple ? 3 : 1;
          quote = 0;
          continue;
        }
        i++;
        continue;
      }
      if (c === HASH) break;
      if (c === QUOTE_DOUBLE || c === QUOTE_SINGLE) {
        triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
        quote = c;
        i += triple ? 3 : 1;
        continue;
      }
      if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x29 || c === 0x5d || c === 0x7d) {
        if (--depth < 0) return null;
      } else if (c === BACKSLASH && i === n - 1) continued = true;
      i++;
    }
    // A one-quote string ends on its line, unless its last character escapes the line break.
    if (quote !== 0 && !triple && !(n > 0 && endsWithOddBackslashes(text))) return null;
  }
  return quote === 0 && depth === 0 && !continued ? starts : null;
}

/** The characters the tokenizer acts on: outside strings, and inside each kind of string. */
const CODE = /["'#()[\]{}\\]/g;
const IN_DOUBLE = /["\\]/g;
const IN_SINGLE = /['\\]/g;

function endsWithOddBackslashes(text: string): boolean {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) count++;
  return count % 2 === 1;
}

/**
 * The statements a split may not fall between: decorator lines and the definition below them.
 * Of the raw starts, those that follow a start beginning with `@` are dropped.
 */
function statementStarts(lines: readonly string[], raw: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < raw.length; k++) {
    const previous = k > 0 ? raw[k - 1]! : -1;
    if (previous >= 0 && lines[previous]!.charCodeAt(0) === 0x40) continue;
    out.push(raw[k]!);
  }
  return out;
}

/**
 * `lines` with only the top-level statements meeting `focus` (1-based inclusive line ranges)
 * kept, joined with LF: a text that parses to the same definitions there, with the same rows
 * and columns. Null when the light tokenizer cannot vouch for the split, or when nothing would
 * be left out (the caller then parses the text itself).
 */
export function focusedText(lines: readonly string[], focus: ReadonlyArray<{ start: number; end: number }>): string | null {
  const raw = topLevelStarts(lines);
  if (raw === null) return null;
  const starts = statementStarts(lines, raw);
  const keep = new Uint8Array(lines.length);
  for (const range of focus) {
    const firstRow = Math.max(0, range.start - 1);
    const lastRow = Math.min(lines.length - 1, range.end - 1);
    if (lastRow < firstRow) continue;
    // the statement holding firstRow starts at the last start <= firstRow (or the top of the file)
    let from = 0;
    let next = lines.length;
    for (const s of starts) {
      if (s <= firstRow) from = s;
      else if (s > lastRow) {
        next = s;
        break;
      }
    }
    keep.fill(1, from, next);
  }
  if (keep.every((k) => k === 1)) return null;
  let out = '';
  for (let row = 0; row < lines.length; row++) {
    if (row > 0) out += '\n';
    if (keep[row] === 1) out += lines[row];
  }
  return out;
}
