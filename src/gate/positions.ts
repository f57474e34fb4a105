/**
 * Line and column numbers for offsets into a JS string (UTF-16 code units, which is what
 * web-tree-sitter's startIndex/endIndex are when it parses a JS string).
 *
 * Lines end at `\n`, `\r\n` or a lone `\r` (Python's universal newlines). Columns are 1-based
 * and count Unicode code points ("characters"), as Python's own SyntaxError offsets and most
 * editors' "Col" do: `é` and `😀` are one column each, a tab is one column.
 */
export class LineTable {
  /** Offset of the first code unit of each line. */
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) starts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /** 0-based line index of `offset`. */
  row(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Offset of the first code unit of 0-based line `row`. */
  start(row: number): number {
    return this.starts[row] ?? this.text.length;
  }

  /** 1-based line and code-point column of `offset`. */
  position(offset: number): { line: number; column: number } {
    const row = this.row(offset);
    return { line: row + 1, column: 1 + countCodePoints(this.text, this.starts[row]!, offset) };
  }

  /** The text of 0-based line `row`, without its line ending. */
  lineText(row: number): string {
    const start = this.starts[row] ?? this.text.length;
    const next = this.starts[row + 1];
    const end = next === undefined ? this.text.length : next;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, '');
  }
}

/** Code points in text[from, to): a surrogate pair counts once. */
export function countCodePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
