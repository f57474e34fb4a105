import { createHash } from 'node:crypto';

/**
 * Generated tests live in managed blocks: a marker comment, then one test function.
 *
 *     # smart-test: target=Cart.add code=3f2a1b0c test=9e8d7c6b
 *     def test_cart_add():
 *         ...
 *
 * `code` fingerprints the target's source when the test was written; `test` fingerprints the
 * block as written. A block whose text no longer matches its `test` fingerprint was edited by a
 * person and is never rewritten. Everything outside blocks belongs to the user.
 */
export interface ManagedBlock {
  target: string;
  codeHash: string;
  testHash: string;
  /** 0-based line index of the marker, and one past the block's last line. */
  start: number;
  end: number;
  /** The block's lines after the marker. */
  body: string[];
  edited: boolean;
}

const MARKER = /^# smart-test: target=(\S+) code=([0-9a-f]+) test=([0-9a-f]+)\s*$/;

export function fingerprint(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trimEnd()).digest('hex').slice(0, 12);
}

/** The fingerprint of a function's source: its lines, without trailing spaces or blank lines. */
export function codeFingerprint(source: string, startLine: number, endLine: number): string {
  return fingerprint(source.split(/\r?\n/).slice(startLine - 1, endLine).join('\n'));
}

export function markerLine(target: string, codeHash: string, body: string[]): string {
  return `# smart-test: target=${target} code=${codeHash} test=${fingerprint(body.join('\n'))}`;
}

/** The managed blocks of a test file, in order. */
export function findBlocks(text: string): ManagedBlock[] {
  const lines = text.split('\n');
  const blocks: ManagedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]!);
    if (!m) continue;
    // The block: decorators and the def line, then every indented or blank line, trailing blanks left out.
    let end = i + 1;
    while (end < lines.length && /^@/.test(lines[end]!)) end++;
    if (end < lines.length && /^(async\s+)?def\s/.test(lines[end]!)) {
      end++;
      while (end < lines.length && (lines[end]!.trim() === '' || /^\s/.test(lines[end]!))) end++;
    }
    while (end > i + 1 && lines[end - 1]!.trim() === '') end--;
    const body = lines.slice(i + 1, end);
    blocks.push({ target: m[1]!, codeHash: m[2]!, testHash: m[3]!, start: i, end, body, edited: fingerprint(body.join('\n')) !== m[3] });
    i = end - 1;
  }
  return blocks;
}
