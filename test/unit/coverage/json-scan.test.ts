import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeByteAt,
  findFirstJsonError,
  JsonSyntaxBreak,
  lineColumn,
  OutOfBytes,
  scanTopLevel,
  type TopLevelScan,
} from '../../../src/coverage/json-scan.js';
import { wasmBytes } from '../../../src/coverage/wasm-skip.js';
import { fixture } from './helpers.js';

/** The bytes in WebAssembly memory, and the fast skip over them. */
function inWasm(bytes: Buffer): { buf: Buffer; skipContainer: (start: number) => number } {
  const w = wasmBytes(bytes.length);
  if (!w) throw new Error('WebAssembly is not available');
  bytes.copy(w.bytes);
  return { buf: w.bytes, skipContainer: w.skip };
}

/** Runs the scan with the JavaScript loop and with the WebAssembly skip: both must agree. */
function scanBoth(text: string | Buffer): TopLevelScan {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const js = scanTopLevel(bytes);
  const w = inWasm(bytes);
  const fast = scanTopLevel(w.buf, { skipContainer: w.skipContainer });
  expect(fast).toEqual(js);
  if ('topLevelNotObject' in js) throw new Error('not an object');
  return js;
}

/** The break both scanners report (they must report the same one). */
function breakOf(text: string): { offset: number; first: JsonSyntaxBreak | null } {
  const bytes = Buffer.from(text);
  let jsBreak: JsonSyntaxBreak | null = null;
  try {
    scanTopLevel(bytes);
  } catch (err) {
    if (!(err instanceof JsonSyntaxBreak)) throw err;
    jsBreak = err;
  }
  const w = inWasm(bytes);
  let wasmBreak: JsonSyntaxBreak | null = null;
  try {
    scanTopLevel(w.buf, { skipContainer: w.skipContainer });
  } catch (err) {
    if (!(err instanceof JsonSyntaxBreak)) throw err;
    wasmBreak = err;
  }
  expect(jsBreak, 'the JavaScript scan finds the break').not.toBeNull();
  expect(wasmBreak?.offset).toBe(jsBreak!.offset);
  return { offset: jsBreak!.offset, first: findFirstJsonError(bytes) };
}

/** Each recorded value slice parses to exactly what JSON.parse of the whole file holds. */
function expectSlicesMatch(bytes: Buffer, scan: TopLevelScan): void {
  const whole = JSON.parse(bytes.toString('utf8')) as { meta?: unknown; files: Record<string, unknown> };
  expect(scan.files!.keys).toEqual(Object.keys(whole.files));
  scan.files!.keys.forEach((key, i) => {
    const slice = bytes.toString('utf8', scan.files!.starts[i], scan.files!.ends[i]);
    expect(JSON.parse(slice)).toEqual(whole.files[key]);
  });
  if (scan.meta) expect(JSON.parse(bytes.toString('utf8', scan.meta.start, scan.meta.end))).toEqual(whole.meta);
}

describe('scanTopLevel on real and faithful reports', () => {
  it('coverage.py 6.5 (compact): keys decoded, values located, nothing else parsed', () => {
    const bytes = readFileSync(fixture('py65', 'coverage.json'));
    const scan = scanBoth(bytes);
    expect(scan.topKeys).toEqual(['meta', 'files', 'totals']);
    expect(scan.files!.keys).toEqual(['pkg/__init__.py', 'pkg/café.py', 'pkg/shapes.py']);
    expect(scan.complete).toBe(true);
    expect(scan.filesNotObject).toBeNull();
    // the value of pkg/shapes.py starts with its '{' and ends after its '}'
    const i = scan.files!.keys.indexOf('pkg/shapes.py');
    expect(bytes[scan.files!.starts[i]!]).toBe(0x7b);
    expect(bytes[scan.files!.ends[i]! - 1]).toBe(0x7d);
    expectSlicesMatch(bytes, scan);
  });

  it('coverage.py 6.5 with --branch, --show-contexts and --pretty-print', () => {
    const bytes = readFileSync(fixture('py65', 'coverage-branch.json'));
    const scan = scanBoth(bytes);
    expect(scan.files!.keys).toEqual(['pkg/__init__.py', 'pkg/café.py', 'pkg/shapes.py']);
    expectSlicesMatch(bytes, scan);
  });

  it('format 2 and format 3 reports', () => {
    for (const name of ['format2.json', 'format3.json']) {
      const bytes = readFileSync(fixture('v7', name));
      const scan = scanBoth(bytes);
      expect(scan.topKeys).toEqual(['meta', 'files', 'totals']);
      expect(scan.files!.keys).toHaveLength(3);
      expectSlicesMatch(bytes, scan);
    }
  });

  it('escaped quotes, backslashes and brackets inside keys and values', () => {
    const doc = {
      meta: { version: '7.6.1', note: 'a "quoted" ]} value\\' },
      files: {
        'we"ird]{.py': { executed_lines: [1], missing_lines: [], contexts: { '1': ['test_a]"[', '{\\'] } },
        'C:\\src\\a.py': { executed_lines: [], missing_lines: [2], x: '\\"' },
        'uni\u00e9\u2603\ud83d\ude00.py': { executed_lines: [3], missing_lines: [] },
        '': { executed_lines: [], missing_lines: [] },
      },
      totals: { s: '}}}]]]' },
    };
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), JSON.stringify(doc).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)]) {
      const bytes = Buffer.from(text);
      const scan = scanBoth(bytes);
      expect(scan.files!.keys).toEqual(['we"ird]{.py', 'C:\\src\\a.py', 'uni\u00e9\u2603\ud83d\ude00.py', '']);
      expectSlicesMatch(bytes, scan);
    }
  });

  it('a byte order mark and whitespace around the top level are accepted', () => {
    const scan = scanBoth(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \n{ "files" : { } }\r\n')]));
    expect(scan.files).toEqual({ keys: [], starts: [], ends: [] });
  });

  it('scalars and strings as top-level values are skipped', () => {
    const scan = scanBoth('{"a": -1.5e3, "b": true, "c": null, "d": "x", "files": {"f.py": {"executed_lines": [], "missing_lines": []}}, "e": false}');
    expect(scan.topKeys).toEqual(['a', 'b', 'c', 'd', 'files', 'e']);
  });

  it('no files key, or files of another type', () => {
    expect(scanBoth('{"meta": {}, "totals": {}}')).toMatchObject({ files: null, filesNotObject: null, topKeys: ['meta', 'totals'] });
    expect(scanBoth('{"files": [1, 2]}')).toMatchObject({ files: null, filesNotObject: 'a list' });
    expect(scanTopLevel(Buffer.from(' [1, {"a": 2}] '))).toEqual({ topLevelNotObject: 'a list' });
  });

  it('stopAfterMeta stops before files; a prefix that ends too soon asks for more bytes', () => {
    const text = '{"meta": {"format": 3}, "files": {"a.py": {"executed_lines": [1, 2, 3], "missing_lines": []}}}';
    const full = Buffer.from(text);
    const prefix = full.subarray(0, 40); // ends inside files
    const scan = scanTopLevel(prefix, { partial: true, stopAfterMeta: true });
    expect(scan).toMatchObject({ complete: false, files: null, meta: { start: 9, end: 22 } });
    expect(() => scanTopLevel(full.subarray(0, 15), { partial: true, stopAfterMeta: true })).toThrow(OutOfBytes);
    // meta after files: the whole object has to be walked
    expect(() => scanTopLevel(Buffer.from('{"files": {"a.py": {"executed_lines": [1, 2, 3]'), { partial: true, stopAfterMeta: true })).toThrow(OutOfBytes);
  });
});

describe('broken JSON is found wherever it breaks', () => {
  it('a mismatched bracket deep inside a skipped value', () => {
    const text = '{"meta": {}, "files": {"a.py": {"executed_lines": [1, 2}, "missing_lines": []}}}';
    const { offset, first } = breakOf(text);
    expect(offset).toBe(text.indexOf('2}') + 1);
    expect(first?.offset).toBe(offset);
    expect(first?.expected).toBe("',' or ']'");
  });

  it('a truncated file: the break is at its end', () => {
    const text = '{"meta": {}, "files": {"a.py": {"executed_lines": [1, 2';
    const { offset, first } = breakOf(text);
    expect(offset).toBe(text.length);
    expect(first).toMatchObject({ offset: text.length, expected: "',' or ']'" });
  });

  it('an unterminated string, and a raw line break inside a string', () => {
    const open = '{"files": {"a.py": {"x": "abc}}}';
    expect(breakOf(open).offset).toBe(open.length);
    const text = '{"files": {"a.py": {"x": "ab\ncd"}}}';
    const { offset, first } = breakOf(text);
    expect(offset).toBe(text.indexOf('\n'));
    expect(first?.offset).toBe(offset);
  });

  it('a missing comma or colon at the top two levels', () => {
    expect(breakOf('{"meta": {} "files": {}}').offset).toBe(12);
    expect(breakOf('{"files": {"a.py" {}}}').offset).toBe(18);
    expect(breakOf('{"files": {"a.py": {},}}').offset).toBe(22);
    expect(breakOf('{"files": {}} {}').offset).toBe(14);
    expect(breakOf('{"a": tru, "files": {}}').offset).toBe(6);
  });

  it('findFirstJsonError: the grammar in full, including numbers and escapes skipped by the scan', () => {
    const cases: Array<[string, number, string]> = [
      ['[1, 2.]', 6, 'a digit after the decimal point'],
      ['[01]', 2, "',' or ']'"],
      ['{"a": 1e}', 8, 'a digit in the exponent'],
      ['["\\x"]', 3, 'one of " \\ / b f n r t u after \\'],
      ['["\\u12G4"]', 6, 'four hex digits after \\u'],
      ['{"a" 1}', 5, "':' after the key"],
      ['{1: 2}', 1, 'a key (a string in double quotes)'],
      ['[1,]', 3, 'a value'],
      ['[nul]', 1, 'a value'],
      ['', 0, 'a value'],
    ];
    for (const [text, offset, expected] of cases) {
      expect(findFirstJsonError(Buffer.from(text)), text).toMatchObject({ offset, expected });
    }
    expect(findFirstJsonError(Buffer.from('{"a": [1, -2.5e+3, "x\\u00e9\\n", true, false, null, {}, []]}'))).toBeNull();
  });
});

describe('positions for messages', () => {
  it('line and column count lines and characters (not bytes)', () => {
    const buf = Buffer.from('{\n  "é": [1,\n   2}');
    expect(lineColumn(buf, buf.indexOf('}'))).toEqual({ line: 3, column: 5 });
    expect(lineColumn(buf, buf.indexOf('[') )).toEqual({ line: 2, column: 8 });
    expect(lineColumn(buf, buf.length)).toEqual({ line: 3, column: 6 });
  });

  it('describes what is at an offset', () => {
    const buf = Buffer.from('x}\ntrue');
    expect(describeByteAt(buf, 1)).toBe("'}'");
    expect(describeByteAt(buf, 2)).toBe('a line break');
    expect(describeByteAt(buf, 3)).toBe('"true"');
    expect(describeByteAt(buf, 99)).toBe('the end of the file');
  });
});

describe('the WebAssembly skip', () => {
  it('agrees with the JavaScript loop on every prefix of a report', () => {
    const bytes = readFileSync(fixture('py65', 'coverage.json'));
    const w = inWasm(bytes);
    const jsScan = scanTopLevel(bytes) as TopLevelScan;
    const start = jsScan.files!.starts[2]!;
    // the whole value, then the same value cut short at every length: -1 (ran out) each time
    expect(w.skipContainer(start)).toBe(jsScan.files!.ends[2]);
    for (let cut = start + 1; cut < jsScan.files!.ends[2]!; cut += 7) {
      const short = inWasm(bytes.subarray(0, cut));
      expect(short.skipContainer(start)).toBe(-1);
    }
  });

  it('reports a break as its offset, and nesting deeper than its stack as "cannot tell"', () => {
    const w = inWasm(Buffer.from('[[1], {"a": [2]}, "]", "\\"]"]'));
    expect(w.skipContainer(0)).toBe(29);
    expect(w.skipContainer(1)).toBe(4);
    const bad = inWasm(Buffer.from('[1, {"a": 2]]'));
    expect(bad.skipContainer(0)).toBe(-(11) - 3);
    const deep = Buffer.from('['.repeat(70_000) + ']'.repeat(70_000));
    const d = inWasm(deep);
    expect(d.skipContainer(0)).toBe(-2);
    // the scanner then falls back to its JavaScript loop
    const doc = Buffer.concat([Buffer.from('{"files": {}, "deep": '), deep, Buffer.from('}')]);
    const dw = inWasm(doc);
    expect(scanTopLevel(dw.buf, { skipContainer: dw.skipContainer })).toMatchObject({ topKeys: ['files', 'deep'] });
  });

  it('agrees with the JavaScript loop on mutated reports (seeded fuzz over 16-byte boundaries)', () => {
    const base = readFileSync(fixture('py65', 'coverage-branch.json'));
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const bytesToInsert = [0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x0a, 0x01, 0x20, 0x31];
    let broken = 0;
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(base);
      for (let n = 1 + rand(2); n > 0; n--) bytes[rand(bytes.length)] = bytesToInsert[rand(bytesToInsert.length)]!;
      const outcome = (run: () => unknown): unknown => {
        try {
          return run();
        } catch (err) {
          if (err instanceof JsonSyntaxBreak) return { break: err.offset };
          throw err;
        }
      };
      const js = outcome(() => scanTopLevel(bytes));
      const w = inWasm(bytes);
      const fast = outcome(() => scanTopLevel(w.buf, { skipContainer: w.skipContainer }));
      expect(fast).toEqual(js);
      if (js && typeof js === 'object' && 'break' in js) {
        broken++;
        // every break the scan finds is real, and the full grammar finds the first one
        const first = findFirstJsonError(bytes);
        expect(first).not.toBeNull();
        expect(first!.offset).toBeLessThanOrEqual((js as { break: number }).break);
      }
    }
    expect(broken).toBeGreaterThan(100);
  });
});

