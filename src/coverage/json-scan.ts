/**
 * A partial reader for coverage.py's JSON report. It walks the top-level object and the
 * `files` object byte by byte, decodes their keys, and records where each value lies
 * WITHOUT parsing it: values are skipped by matching brackets, honouring strings and
 * escapes. Only the values asked for are later handed to JSON.parse.
 *
 * Skipping still checks the structure (brackets match, strings end, no raw control
 * characters in strings), so a broken file is noticed wherever it breaks; the first two
 * levels (top-level object, `files` object) are checked fully (keys, colons, commas).
 * Inside skipped values the grammar of numbers and literals is not checked: JSON.parse
 * catches that in the values that are read. When something is wrong, `findFirstJsonError`
 * re-reads the file with a full JSON grammar to report the first break exactly.
 */

import { jsonExpected as X, jsonFound, jsonValue } from '../report/messages/coverage.js';

const QUOTE = 0x22;
const BSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Bytes the skip loop must stop at: quote and brackets. Everything else inside a value is passed over. */
const STOP = new Uint8Array(256);
for (const c of [QUOTE, LBRACE, RBRACE, LBRACK, RBRACK]) STOP[c] = 1;

/** Bytes of a number or a literal (true/false/null) in the loose scanner. */
const SCALAR = new Uint8Array(256);
for (const ch of '0123456789+-.eEtruefalsn') SCALAR[ch.charCodeAt(0)] = 1;
const SCALAR_TOKEN = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

/** A break in the JSON syntax at a byte offset: `expected` says what the grammar wanted there. */
export class JsonSyntaxBreak extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`expected ${expected} at byte ${offset}`);
    this.name = 'JsonSyntaxBreak';
  }
}

/** The buffer is a prefix of the file and ended before the scan was done: read more. */
export class OutOfBytes extends Error {
  constructor() {
    super('the buffer ended before the scan was done');
    this.name = 'OutOfBytes';
  }
}

export interface ByteRange {
  start: number;
  end: number;
}

export interface FilesIndex {
  /** Decoded keys in file order (duplicates kept; the last one wins, as with JSON.parse). */
  keys: string[];
  /** Byte offsets of each value: [starts[i], ends[i]). */
  starts: number[];
  ends: number[];
}

export interface TopLevelScan {
  /** The top-level keys, decoded, in file order. */
  topKeys: string[];
  meta: ByteRange | null;
  /** The `files` object's entries, or null when there is no `files` key or it is not an object. */
  files: FilesIndex | null;
  /** The JSON type of `files` when it is not an object ("an array", "a string", ...), else null. */
  filesNotObject: string | null;
  /** False when the scan stopped early (`stopAfterMeta`). */
  complete: boolean;
}

export interface ScanOptions {
  /** The buffer holds only the start of the file: running out of bytes throws OutOfBytes. */
  partial?: boolean;
  /** Stop as soon as `meta` has been read (when it comes first, `files` is never walked). */
  stopAfterMeta?: boolean;
  /**
   * A faster skip over the object or array at an offset (wasm-skip.ts): the offset after it,
   * -1 ran out of bytes, -2 cannot tell (the JavaScript loop then runs), <= -3 a break at (-r - 3).
   */
  skipContainer?: (start: number) => number;
}

/** The JSON type of the value starting at a byte, in words. */
export function typeOfValueAt(buf: Uint8Array, offset: number): string {
  switch (buf[offset]) {
    case LBRACE:
      return jsonValue.object;
    case LBRACK:
      return jsonValue.list;
    case QUOTE:
      return jsonValue.string(null);
    case 0x74: // t
    case 0x66: // f
      return jsonValue.boolean(null);
    case 0x6e: // n
      return jsonValue.null;
    default:
      return jsonValue.number(null);
  }
}

class Scanner {
  readonly end: number;
  /** The same bytes as a Buffer, for decoding. */
  readonly text: Buffer;
  constructor(
    readonly buf: Uint8Array,
    readonly partial: boolean,
    readonly fastSkip: ((start: number) => number) | undefined,
  ) {
    this.end = buf.length;
    this.text = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** The end of the bytes was reached while `expected` was still wanted. */
  ranOut(expected: string): never {
    if (this.partial) throw new OutOfBytes();
    throw new JsonSyntaxBreak(this.end, expected);
  }

  ws(i: number): number {
    const buf = this.buf;
    const end = this.end;
    while (i < end) {
      const c = buf[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return i;
  }

  /** Skips the string whose opening quote is at `start`; returns the offset after the closing quote. */
  skipString(start: number): number {
    const buf = this.buf;
    const end = this.end;
    let i = start + 1;
    for (;;) {
      if (i >= end) this.ranOut(X.closingQuote);
      const c = buf[i]!;
      if (c === QUOTE) return i + 1;
      if (c === BSLASH) {
        i += 2;
        continue;
      }
      if (c < 0x20) throw new JsonSyntaxBreak(i, X.noRawControl);
      i++;
    }
  }

  /** Reads and decodes the string at `start`. */
  readString(start: number): { value: string; next: number } {
    const buf = this.buf;
    const end = this.end;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      if (i >= end) this.ranOut(X.closingQuote);
      const c = buf[i]!;
      if (c === QUOTE) break;
      if (c === BSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 0x20) throw new JsonSyntaxBreak(i, X.noRawControl);
      i++;
    }
    const text = this.text;
    if (!escaped) return { value: text.toString('utf8', start + 1, i), next: i + 1 };
    try {
      return { value: JSON.parse(text.toString('utf8', start, i + 1)) as string, next: i + 1 };
    } catch {
      throw new JsonSyntaxBreak(start, X.validEscapes);
    }
  }

  /** Skips an object or array whose opening bracket is at `start`, checking that brackets match. */
  skipContainer(start: number): number {
    if (this.fastSkip) {
      const r = this.fastSkip(start);
      if (r >= 0) return r;
      if (r === -1) this.ranOut(X.closingBracket);
      if (r <= -3) throw new JsonSyntaxBreak(-r - 3, X.validJson);
    }
    return this.skipContainerJs(start);
  }

  /** The same in JavaScript. */
  skipContainerJs(start: number): number {
    const buf = this.buf;
    const end = this.end;
    const stack: number[] = [];
    let closer = buf[start] === LBRACE ? RBRACE : RBRACK;
    let i = start + 1;
    for (;;) {
      while (i < end && STOP[buf[i]!] === 0) i++;
      if (i >= end) this.ranOut(X.closer(String.fromCharCode(closer)));
      const c = buf[i]!;
      if (c === QUOTE) {
        i = this.skipString(i);
        continue;
      }
      if (c === LBRACE || c === LBRACK) {
        stack.push(closer);
        closer = c === LBRACE ? RBRACE : RBRACK;
        i++;
        continue;
      }
      if (c !== closer) throw new JsonSyntaxBreak(i, X.closer(String.fromCharCode(closer)));
      i++;
      if (stack.length === 0) return i;
      closer = stack.pop()!;
    }
  }

  /** Skips the value at `i` (no leading whitespace); returns the offset after it. */
  skipValue(i: number): number {
    if (i >= this.end) this.ranOut(X.value);
    const c = this.buf[i]!;
    if (c === QUOTE) return this.skipString(i);
    if (c === LBRACE || c === LBRACK) return this.skipContainer(i);
    let j = i;
    while (j < this.end && SCALAR[this.buf[j]!] === 1) j++;
    if (j >= this.end && this.partial) throw new OutOfBytes();
    const token = this.text.toString('latin1', i, j);
    if (!SCALAR_TOKEN.test(token)) throw new JsonSyntaxBreak(i, X.value);
    return j;
  }

  /**
   * Walks an object whose '{' is at `start`, calling `member` with each key and the offset of
   * its value; `member` returns the offset after the value, or -1 to stop the walk there.
   * Returns the offset after the closing '}', or -1 when stopped.
   */
  walkObject(start: number, member: (key: string, valueAt: number) => number): number {
    const buf = this.buf;
    let i = this.ws(start + 1);
    if (i >= this.end) this.ranOut(X.keyOrClose);
    if (buf[i] === RBRACE) return i + 1;
    for (;;) {
      if (i >= this.end) this.ranOut(X.key);
      if (buf[i] !== QUOTE) throw new JsonSyntaxBreak(i, X.key);
      const key = this.readString(i);
      i = this.ws(key.next);
      if (i >= this.end) this.ranOut(X.colon);
      if (buf[i] !== COLON) throw new JsonSyntaxBreak(i, X.colon);
      i = this.ws(i + 1);
      if (i >= this.end) this.ranOut(X.value);
      const after = member(key.value, i);
      if (after < 0) return -1;
      i = this.ws(after);
      if (i >= this.end) this.ranOut(X.commaOrBrace);
      const c = buf[i];
      if (c === RBRACE) return i + 1;
      if (c !== COMMA) throw new JsonSyntaxBreak(i, X.commaOrBrace);
      i = this.ws(i + 1);
    }
  }
}

/** Offset of the first byte after a UTF-8 byte order mark and whitespace. */
function startOffset(buf: Uint8Array): number {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

/**
 * Scans the top level of a coverage.py JSON report. Throws JsonSyntaxBreak where the JSON
 * breaks (as far as the loose scan can tell), OutOfBytes when `partial` and the buffer ended
 * too soon. A top level that is valid JSON but not an object is reported by returning
 * `topLevelNotObject` instead.
 */
export function scanTopLevel(
  buf: Uint8Array,
  options: ScanOptions = {},
): TopLevelScan | { topLevelNotObject: string } {
  const s = new Scanner(buf, options.partial ?? false, options.skipContainer);
  let i = s.ws(startOffset(buf));
  if (i >= s.end) s.ranOut(X.object);
  if (buf[i] !== LBRACE) {
    const kind = typeOfValueAt(buf, i);
    const after = s.ws(s.skipValue(i));
    if (after < s.end) throw new JsonSyntaxBreak(after, X.endAfterValue);
    return { topLevelNotObject: kind };
  }
  const result: TopLevelScan = { topKeys: [], meta: null, files: null, filesNotObject: null, complete: true };
  const end = s.walkObject(i, (key, at) => {
    result.topKeys.push(key);
    if (key === 'meta') {
      const after = s.skipValue(at);
      result.meta = { start: at, end: after };
      if (options.stopAfterMeta) {
        result.complete = false;
        return -1;
      }
      return after;
    }
    if (key === 'files') {
      if (buf[at] !== LBRACE) {
        result.files = null;
        result.filesNotObject = typeOfValueAt(buf, at);
        return s.skipValue(at);
      }
      const files: FilesIndex = { keys: [], starts: [], ends: [] };
      result.files = files;
      result.filesNotObject = null;
      return s.walkObject(at, (name, valueAt) => {
        const after = s.skipValue(valueAt);
        files.keys.push(name);
        files.starts.push(valueAt);
        files.ends.push(after);
        return after;
      });
    }
    return s.skipValue(at);
  });
  if (end >= 0) {
    i = s.ws(end);
    if (i < s.end) throw new JsonSyntaxBreak(i, X.endAfterObject);
  }
  return result;
}

// ---------------------------------------------------------------- strict validation (error path)

const OBJ = 1;
const ARR = 2;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/**
 * Validates the whole buffer against the JSON grammar and returns the first break, or null
 * when it is valid JSON. Slower than the scanner; used only to explain an error.
 */
export function findFirstJsonError(buf: Uint8Array): JsonSyntaxBreak | null {
  const end = buf.length;
  const ws = (i: number): number => {
    while (i < end) {
      const c = buf[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return i;
  };
  /** Returns the offset after the string at `i`, or throws. */
  const string = (i: number): number => {
    i++;
    for (;;) {
      if (i >= end) throw new JsonSyntaxBreak(i, X.closingQuote);
      const c = buf[i]!;
      if (c === QUOTE) return i + 1;
      if (c === BSLASH) {
        const e = buf[i + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) if (!isHex(buf[i + k])) throw new JsonSyntaxBreak(Math.min(i + k, end), X.hexDigits);
          i += 6;
          continue;
        }
        if (e === undefined) throw new JsonSyntaxBreak(end, X.escapedChar);
        if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) throw new JsonSyntaxBreak(i + 1, X.escapeLetter);
        i += 2;
        continue;
      }
      if (c < 0x20) throw new JsonSyntaxBreak(i, X.noRawControl);
      i++;
    }
  };
  const number = (i: number): number => {
    if (buf[i] === 0x2d) i++;
    if (buf[i] === 0x30) i++;
    else if (isDigit(buf[i])) while (isDigit(buf[i])) i++;
    else throw new JsonSyntaxBreak(i, X.digit);
    if (buf[i] === 0x2e) {
      i++;
      if (!isDigit(buf[i])) throw new JsonSyntaxBreak(i, X.fractionDigit);
      while (isDigit(buf[i])) i++;
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      i++;
      if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
      if (!isDigit(buf[i])) throw new JsonSyntaxBreak(i, X.exponentDigit);
      while (isDigit(buf[i])) i++;
    }
    return i;
  };
  const literal = (i: number, word: string): number => {
    for (let k = 0; k < word.length; k++) {
      if (buf[i + k] !== word.charCodeAt(k)) throw new JsonSyntaxBreak(i, X.value);
    }
    return i + word.length;
  };

  try {
    const stack: number[] = [];
    let i = ws(startOffset(buf));
    // 0: a value is wanted; 1: a value was just read; 2: an object key is wanted
    let state = 0;
    for (;;) {
      if (state === 0) {
        if (i >= end) return new JsonSyntaxBreak(i, X.value);
        const c = buf[i]!;
        if (c === LBRACE || c === LBRACK) {
          const j = ws(i + 1);
          if (buf[j] === (c === LBRACE ? RBRACE : RBRACK)) {
            i = j + 1;
            state = 1;
          } else {
            stack.push(c === LBRACE ? OBJ : ARR);
            i = j;
            state = c === LBRACE ? 2 : 0;
          }
          continue;
        }
        if (c === QUOTE) i = string(i);
        else if (c === 0x2d || isDigit(c)) i = number(i);
        else if (c === 0x74) i = literal(i, 'true');
        else if (c === 0x66) i = literal(i, 'false');
        else if (c === 0x6e) i = literal(i, 'null');
        else return new JsonSyntaxBreak(i, X.value);
        state = 1;
        i = ws(i);
      } else if (state === 2) {
        if (buf[i] !== QUOTE) return new JsonSyntaxBreak(i, X.key);
        i = ws(string(i));
        if (buf[i] !== COLON) return new JsonSyntaxBreak(i, X.colon);
        i = ws(i + 1);
        state = 0;
      } else {
        i = ws(i);
        const top = stack[stack.length - 1];
        if (top === undefined) return i < end ? new JsonSyntaxBreak(i, X.endAfterValue) : null;
        const c = buf[i];
        if (c === COMMA) {
          i = ws(i + 1);
          state = top === OBJ ? 2 : 0;
        } else if ((top === OBJ && c === RBRACE) || (top === ARR && c === RBRACK)) {
          stack.pop();
          i++;
        } else {
          return new JsonSyntaxBreak(i, top === OBJ ? X.commaOrBrace : X.commaOrBracket);
        }
      }
    }
  } catch (err) {
    if (err instanceof JsonSyntaxBreak) return err;
    throw err;
  }
}

// ---------------------------------------------------------------- describing a position

/** 1-based line and column (in characters) of a byte offset. */
export function lineColumn(buf: Uint8Array, offset: number): { line: number; column: number } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = Math.min(offset, buf.length);
  let line = 1;
  let lineStart = 0;
  for (;;) {
    const nl = b.indexOf(0x0a, lineStart);
    if (nl < 0 || nl >= at) break;
    line++;
    lineStart = nl + 1;
  }
  let column = 1;
  for (let i = lineStart; i < at; i++) if ((buf[i]! & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** What is at a byte offset, in words: "'}'", "a line break", "the end of the file". */
export function describeByteAt(buf: Uint8Array, offset: number): string {
  if (offset >= buf.length) return jsonFound.endOfFile;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const ch = b.toString('utf8', offset, Math.min(offset + 4, buf.length)).slice(0, 1);
  const code = ch.charCodeAt(0);
  if (ch === '\n' || ch === '\r') return jsonFound.lineBreak;
  if (ch === '\t') return jsonFound.tab;
  if (code < 0x20 || ch === '\ufffd') return jsonFound.byte(buf[offset]!.toString(16).padStart(2, '0'));
  if (/[A-Za-z0-9_]/.test(ch)) {
    const word = /^[A-Za-z0-9_.+-]{1,20}/.exec(b.toString('latin1', offset, Math.min(offset + 20, buf.length)));
    if (word && word[0].length > 1) return jsonFound.word(word[0]);
  }
  return jsonFound.char(ch);
}

/** Up to `width` characters of the same line before a byte offset, for "near `...`". */
export function textBefore(buf: Uint8Array, offset: number, width = 40): string {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = Math.min(offset, buf.length);
  let from = Math.max(0, at - width * 4);
  const nl = b.lastIndexOf(0x0a, at - 1);
  if (nl >= from) from = nl + 1;
  let text = b.toString('utf8', from, Math.min(at + 1, buf.length)).replace(/\r?\n$/, '');
  text = text.replace(/[\u0000-\u001f]/g, ' ');
  if (text.length > width) text = '…' + text.slice(text.length - width);
  return text.replace(/`/g, "'");
}
