import { BINARY_FILE, NOT_UTF8_TEXT, UTF16_TEXT, notUtf8Declared } from '../report/messages/python.js';

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

/** PEP 263: a coding cookie on one of the first two lines. */
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * Decodes a Python source file as strict UTF-8 (what Python 3 assumes without a coding cookie).
 * A leading BOM is dropped; a NUL byte anywhere means the file is binary. The text is returned
 * unchanged otherwise (line endings included): parsePython() normalises them itself.
 */
export function decodeSource(bytes: Uint8Array): DecodeResult {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { ok: false, reason: UTF16_TEXT };
  }
  if (bytes.includes(0)) return { ok: false, reason: BINARY_FILE };
  try {
    // ignoreBOM: false (the default) strips one leading U+FEFF.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text };
  } catch {
    const declared = declaredEncoding(bytes);
    return { ok: false, reason: declared ? notUtf8Declared(declared) : NOT_UTF8_TEXT };
  }
}

/** The encoding a PEP 263 cookie names, when it is not UTF-8; null otherwise. */
function declaredEncoding(bytes: Uint8Array): string | null {
  // Only the first two lines count; read them as latin1 so any byte is accepted.
  let end = 0;
  let newlines = 0;
  while (end < bytes.length && end < 1024 && newlines < 2) {
    if (bytes[end] === 0x0a) newlines++;
    end++;
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, end));
  for (const line of head.split(/\r\n|\r|\n/).slice(0, 2)) {
    const m = CODING_COOKIE.exec(line);
    if (m?.[1]) {
      const enc = m[1];
      return /^utf[-_]?8(?:[-_]sig)?$/i.test(enc) ? null : enc;
    }
  }
  return null;
}
