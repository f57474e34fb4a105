import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../../src/python/decode.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeSource', () => {
  it('decodes UTF-8 text, non-ASCII included, without touching line endings', () => {
    expect(decodeSource(utf8('def größe():\r\n    return "😀"\n'))).toEqual({
      ok: true,
      text: 'def größe():\r\n    return "😀"\n',
    });
    expect(decodeSource(new Uint8Array())).toEqual({ ok: true, text: '' });
  });

  it('drops a leading BOM only', () => {
    expect(decodeSource(bytes(0xef, 0xbb, 0xbf, 0x78, 0x3d, 0x31))).toEqual({ ok: true, text: 'x=1' });
    // A second BOM is content, not a signature.
    expect(decodeSource(bytes(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x78))).toEqual({ ok: true, text: '\uFEFFx' });
  });

  it('rejects invalid UTF-8 (latin-1 bytes, truncated sequences, overlongs)', () => {
    expect(decodeSource(bytes(0x78, 0x3d, 0x22, 0xe9, 0x22))).toEqual({ ok: false, reason: 'not UTF-8 text' });
    expect(decodeSource(bytes(0x61, 0xe2, 0x82))).toEqual({ ok: false, reason: 'not UTF-8 text' });
    expect(decodeSource(bytes(0xc0, 0xaf))).toEqual({ ok: false, reason: 'not UTF-8 text' });
  });

  it('names the declared encoding when a coding cookie explains the bytes', () => {
    const latin1 = Uint8Array.from([...utf8('# -*- coding: latin-1 -*-\nname = "'), 0xe9, ...utf8('"\n')]);
    expect(decodeSource(latin1)).toEqual({ ok: false, reason: 'not UTF-8 text (declares latin-1)' });
    const utf8Cookie = Uint8Array.from([...utf8('#!/usr/bin/env python\n# coding: utf-8\nx = "'), 0xe9, ...utf8('"\n')]);
    expect(decodeSource(utf8Cookie)).toEqual({ ok: false, reason: 'not UTF-8 text' });
  });

  it('treats a NUL byte as binary, even in otherwise valid UTF-8', () => {
    expect(decodeSource(bytes(0x78, 0x00, 0x79))).toEqual({ ok: false, reason: 'binary file' });
    expect(decodeSource(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00))).toEqual({
      ok: false,
      reason: 'binary file',
    });
  });

  it('reports UTF-16 (BOM) files as not UTF-8 rather than binary', () => {
    expect(decodeSource(bytes(0xff, 0xfe, 0x78, 0x00))).toEqual({ ok: false, reason: 'UTF-16 text, not UTF-8' });
    expect(decodeSource(bytes(0xfe, 0xff, 0x00, 0x78))).toEqual({ ok: false, reason: 'UTF-16 text, not UTF-8' });
  });
});
