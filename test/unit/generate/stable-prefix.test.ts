import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { sharedReprStart, sharedStart } from '../../../src/generate/stable-prefix.js';

describe('stable-prefix: the start of a value every run gave', () => {
  it('cuts back before the word the first difference falls in, and before a calendar date', () => {
    expect(sharedStart(['Processed 5 items in 0.0012s', 'Processed 5 items in 0.0015s'])).toBe('Processed 5 items in ');
    expect(sharedStart(['next run: 2026-12-02 10:57:37 (job a)', 'next run: 2026-12-02 11:03:01 (job a)'])).toBeNull();
    expect(sharedStart(['Every minute do f() (last run: [never], next run: 2026-12-02 10:57:37)', 'Every minute do f() (last run: [never], next run: 2026-12-02 14:42:37)'])).toBe('Every minute do f() (last run: [never], next run: ');
    // Too short to say anything: a set in hash order.
    expect(sharedStart(["{'alpha', 'beta'}", "{'beta', 'alpha'}"])).toBeNull();
    // Never past what the texts were masked with: the test sees the real path or address.
    expect(sharedStart(['could not open <tmp>/a.txt after 0.12s', 'could not open <tmp>/a.txt after 0.31s'], ['<tmp>', ' at 0x?'])).toBe('could not open ');
    expect(sharedReprStart(["'<Job at 0x?> ran at 10:01'", "'<Job at 0x?> ran at 10:02'"], ['<tmp>', ' at 0x?'])).toBeNull();
    // The same everywhere: nothing to cut (the value itself is asserted, or not at all).
    expect(sharedStart(['same text here!', 'same text here!'])).toBeNull();
  });

  it('gives a Python literal that never ends inside an escape sequence', () => {
    expect(sharedReprStart(["'a long enough line\\x1b[1m'", "'a long enough line\\x1c[1m'"])).toBe("'a long enough line'");
    expect(sharedReprStart(['"it\'s long enough: 1"', '"it\'s long enough: 2"'])).toBe('"it\'s long enough: "');
    expect(sharedReprStart(["'quoted one way: 1'", '"quoted one way: 2"'])).toBeNull();
  });

  test.prop([fc.array(fc.string({ maxLength: 40 }), { minLength: 2, maxLength: 4 })])('is a start of every text, and holds no calendar date', (texts) => {
    const start = sharedStart(texts);
    if (start === null) return;
    for (const t of texts) expect(t.startsWith(start)).toBe(true);
    expect(start).not.toMatch(/\b(1[89]|2\d)\d\d[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])\b/);
  });
});
