/**
 * The skip loop of json-scan.ts as a tiny WebAssembly function using 128-bit SIMD: it tests
 * 16 bytes at a time for the bytes that matter (quote and brackets outside strings; quote,
 * backslash and control characters inside them) and jumps to the first one. On a 17 MB
 * report it skips in about a sixth of the JavaScript loop's time, which matters in a commit
 * hook. The file is read straight into the module's memory (no copy), and a Buffer view over
 * it serves everything else. json-scan.ts keeps its JavaScript loop for partial reads, for
 * nesting deeper than the module's stack, and for runtimes without WebAssembly SIMD; the
 * tests run both on the same inputs.
 *
 * The function, in WebAssembly text format (offsets are memory addresses; the closer stack
 * lives in memory[0, 65536), the file from address 65536):
 *
 *   (func $skip (param $p i32) (param $end i32) (result i32)   ;; $p at '{' or '['
 *     (local $c i32) (local $sp i32) (local $m i32) (local $v v128) (local $w v128) ...splats
 *     (loop $main
 *       (if (i32.le_u (i32.add $p 16) $end)                      ;; 16 bytes at a time:
 *         $v = v128.load($p); $w = v128.or($v, splat 0x20)
 *         $m = i8x16.bitmask(eq($v,'"') | eq($w,'{') | eq($w,'}'))   ;; ('[' | 0x20 = '{', ']' | 0x20 = '}')
 *         (if (i32.eqz $m) ($p += 16; br $main))
 *         $p += i32.ctz($m))                                     ;; to the first byte that matters
 *       (if (i32.ge_u $p $end) (return -1))                      ;; ran out
 *       $c = load8_u($p); $p += 1
 *       (if (i32.eq $c '"')
 *         (loop $str
 *           (if (i32.le_u (i32.add $p 16) $end)
 *             $v = v128.load($p)
 *             $m = i8x16.bitmask(eq($v,'"') | eq($v,'\\') | lt_u($v, 0x20))
 *             (if (i32.eqz $m) ($p += 16; br $str))
 *             $p += i32.ctz($m))
 *           (if (i32.ge_u $p $end) (return -1))
 *           $c = load8_u($p); $p += 1
 *           (br_if $main (i32.eq $c '"'))                        ;; string closed
 *           (if (i32.eq $c '\\') ($p += 1; br $str))             ;; skip the escaped byte
 *           (if (i32.lt_u $c 0x20) (return -2 - $p))             ;; raw control character: error at $p - 1
 *           (br $str)))
 *       (if (i32.eq (i32.or $c 0x20) '{')                        ;; '[' or '{'
 *         (if (i32.ge_u $sp 65536) (return -2))                  ;; too deep: let JavaScript do it
 *         store8($sp, $c + 2); $sp += 1                          ;; push the closer: '['+2 = ']', '{'+2 = '}'
 *         (br $main))
 *       (if (i32.eq (i32.or $c 0x20) '}')                        ;; ']' or '}'
 *         (if (i32.eqz $sp) (return -2 - $p))
 *         $sp -= 1
 *         (if (i32.ne load8_u($sp) $c) (return -2 - $p))        ;; mismatched: error at $p - 1
 *         (br_if $main $sp)
 *         (return $p))                                           ;; the offset after the value
 *       (br $main))
 *     unreachable)
 *
 * Results: >= 0 the address after the value; -1 ran out of bytes; -2 too deep;
 * <= -3 a syntax break at address (-result - 3).
 */

const BASE = 65536;
const PAGE = 65536;

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

// opcodes used
const LOOP = 0x03;
const IF = 0x04;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const RETURN = 0x0f;
const UNREACHABLE = 0x00;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const LOAD8_U = [0x2d, 0, 0];
const STORE8 = [0x3a, 0, 0];
const EQZ = 0x45;
const EQ = 0x46;
const NE = 0x47;
const LT_U = 0x49;
const LE_U = 0x4d;
const GE_U = 0x4f;
const CTZ = 0x68;
const ADD = 0x6a;
const SUB = 0x6b;
const OR = 0x72;
const V128_LOAD = [0xfd, 0x00, 0, 0];
const I8X16_SPLAT = [0xfd, 0x0f];
const I8X16_EQ = [0xfd, 0x23];
const I8X16_LT_U = [0xfd, 0x26];
const V128_OR = [0xfd, 0x50];
const I8X16_BITMASK = [0xfd, 0x64];
const VOID = 0x40;
const I32 = 0x7f;
const V128 = 0x7b;
// locals: the two parameters, three i32, seven v128
const P = 0;
const E = 1;
const C = 2;
const SP = 3;
const M = 4;
const QUOTE = 5; // splat '"'
const SPACE = 6; // splat 0x20
const LBRACE = 7; // splat '{'
const RBRACE = 8; // splat '}'
const BSLASH = 9; // splat '\\'
const V = 10;
const W = 11;

const k = (v: number): number[] => [0x41, ...sleb(v)];
const get = (l: number): number[] => [GET, l];
const inc = (l: number, by: number): number[] => [GET, l, ...k(Math.abs(by)), by > 0 ? ADD : SUB, SET, l];
const ifThen = (...body: number[][]): number[] => [IF, VOID, ...body.flat(), END];
const errorAtPrev = [...k(-2), ...get(P), SUB, RETURN]; // -2 - p  ==  -3 - (p - 1)
const nextByte = [...get(P), ...get(E), GE_U, ...ifThen(k(-1), [RETURN]), ...get(P), ...LOAD8_U, SET, C, ...inc(P, 1)];
const splat = (local: number, byte: number): number[] => [...k(byte), ...I8X16_SPLAT, SET, local];

/** While 16 bytes remain: skip them when `mask` finds nothing, else move to the first it finds. */
function sixteenAtATime(mask: number[]): number[] {
  return [
    ...get(P), ...k(16), ADD, ...get(E), LE_U,
    IF, VOID,
    ...get(P), ...V128_LOAD, SET, V,
    ...mask,
    ...I8X16_BITMASK, TEE, M, EQZ,
    IF, VOID, ...inc(P, 16), BR, 2, END, // labels: 0 this if, 1 the outer if, 2 the loop
    ...get(P), ...get(M), CTZ, ADD, SET, P,
    END,
  ];
}

const OUTSIDE_STRINGS = [
  ...get(V), ...get(SPACE), ...V128_OR, SET, W,
  ...get(V), ...get(QUOTE), ...I8X16_EQ,
  ...get(W), ...get(LBRACE), ...I8X16_EQ, ...V128_OR,
  ...get(W), ...get(RBRACE), ...I8X16_EQ, ...V128_OR,
];
const INSIDE_STRINGS = [
  ...get(V), ...get(QUOTE), ...I8X16_EQ,
  ...get(V), ...get(BSLASH), ...I8X16_EQ, ...V128_OR,
  ...get(V), ...get(SPACE), ...I8X16_LT_U, ...V128_OR,
];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  // prettier-ignore
  const body = [
    ...splat(QUOTE, 0x22), ...splat(SPACE, 0x20), ...splat(LBRACE, 0x7b), ...splat(RBRACE, 0x7d), ...splat(BSLASH, 0x5c),
    LOOP, VOID, // $main
    ...sixteenAtATime(OUTSIDE_STRINGS),
    ...nextByte,
    ...get(C), ...k(0x22), EQ,
    IF, VOID,
    LOOP, VOID, // $str; labels: 0 $str, 1 if, 2 $main
    ...sixteenAtATime(INSIDE_STRINGS),
    ...nextByte,
    ...get(C), ...k(0x22), EQ, BR_IF, 2,
    ...get(C), ...k(0x5c), EQ, IF, VOID, ...inc(P, 1), BR, 1, END,
    ...get(C), ...k(0x20), LT_U, ...ifThen(errorAtPrev),
    BR, 0,
    END,
    END,
    ...get(C), ...k(0x20), OR, ...k(0x7b), EQ,
    IF, VOID, // labels: 0 if, 1 $main
    ...get(SP), ...k(65536), GE_U, ...ifThen(k(-2), [RETURN]),
    ...get(SP), ...get(C), ...k(2), ADD, ...STORE8,
    ...inc(SP, 1),
    BR, 1,
    END,
    ...get(C), ...k(0x20), OR, ...k(0x7d), EQ,
    IF, VOID,
    ...get(SP), EQZ, ...ifThen(errorAtPrev),
    ...inc(SP, -1),
    ...get(SP), ...LOAD8_U, ...get(C), NE, ...ifThen(errorAtPrev),
    ...get(SP), BR_IF, 1,
    ...get(P), RETURN,
    END,
    BR, 0,
    END,
    UNREACHABLE,
    END,
  ];
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
  const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];
  const func = [2, 3, I32, 7, V128, ...body]; // locals: 3 x i32, 7 x v128
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]), // type: (i32, i32) -> i32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, 1]), // memory: min 1 page
    ...section(7, [2, ...name('skip'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Bytes held in WebAssembly memory, with the fast skip over them. */
export interface WasmBytes {
  /** The file's bytes: a view over the module's memory. */
  bytes: Buffer;
  /**
   * Skips the object or array starting at `start` (an offset into `bytes`): the offset after
   * it; -1 ran out of bytes; -2 nesting too deep; <= -3 a syntax break at offset (-result - 3).
   */
  skip(start: number): number;
}

/**
 * Room for `size` bytes in a fresh module instance (the caller reads the file into `bytes`).
 * Null when WebAssembly is unavailable or its memory cannot grow that far.
 */
export function wasmBytes(size: number): WasmBytes | null {
  const mod = wasmModule();
  if (!mod || size > 0x7fff0000 - BASE) return null; // results are i32 addresses
  try {
    const instance = new WebAssembly.Instance(mod);
    const memory = instance.exports['memory'] as WebAssembly.Memory;
    const skipFn = instance.exports['skip'] as (p: number, end: number) => number;
    const pages = Math.ceil((BASE + size) / PAGE);
    if (pages > 1) memory.grow(pages - 1);
    const bytes = Buffer.from(memory.buffer, BASE, size);
    const end = BASE + size;
    return {
      bytes,
      skip(start: number): number {
        const r = skipFn(BASE + start, end);
        if (r >= 0) return r - BASE;
        if (r >= -2) return r;
        return -(-r - 3 - BASE) - 3;
      },
    };
  } catch {
    return null;
  }
}
