import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkedFileEntry } from '../../../src/coverage/entry-check.js';
import { fileSchema } from '../../../src/coverage/schemas.js';

/** What smart-test reads of an entry (read.ts's toFileCoverage): its lines and its functions' lines. */
function readFields(e: Record<string, unknown>): unknown {
  const region = (r: Record<string, unknown>) => [r.executed_lines, r.missing_lines, r.excluded_lines ?? [], r.missing_branches ?? []];
  const functions = e.functions as Record<string, Record<string, unknown>> | undefined;
  return [region(e), functions ? Object.entries(functions).map(([name, r]) => [name, region(r)]) : null];
}

const lines = fc.array(fc.integer({ min: -2, max: 500 }), { maxLength: 6 });
const odd = fc.oneof(fc.constantFrom(null, true, 0, 1.5, '1', [], {}, [1.5], ['1'], [[1, 2]], [null], [2 ** 53]), fc.jsonValue({ maxDepth: 2 }));
const arcs = fc.array(fc.tuple(fc.integer({ min: -3, max: 50 }), fc.integer({ min: -3, max: 50 })), { maxLength: 4 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: a }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: odd });
const region = fc.record(
  { executed_lines: maybe(lines), missing_lines: maybe(lines), excluded_lines: maybe(lines), missing_branches: maybe(arcs), summary: maybe(fc.dictionary(fc.string(), fc.integer())), extra: odd },
  { requiredKeys: [] },
);
const entry = fc.record(
  {
    executed_lines: maybe(lines),
    missing_lines: maybe(lines),
    excluded_lines: maybe(lines),
    missing_branches: maybe(arcs),
    summary: maybe(fc.dictionary(fc.string(), fc.integer())),
    functions: fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('', '__proto__', 'C.m', '0')), fc.oneof({ weight: 5, arbitrary: region }, { weight: 1, arbitrary: odd })) }, { weight: 1, arbitrary: odd }),
    classes: odd,
  },
  { requiredKeys: [] },
);

describe('checkedFileEntry', () => {
  propTest.prop([entry], { numRuns: 2000 })('takes only entries zod takes, and they read the same', (generated) => {
    // As JSON.parse gives it (a "__proto__" key becomes an own property).
    const raw = JSON.parse(JSON.stringify(generated)) as unknown;
    const checked = checkedFileEntry(raw);
    if (checked === null) return;
    const zod = fileSchema.safeParse(raw);
    expect(zod.success).toBe(true);
    expect(readFields(checked)).toEqual(readFields(zod.data as Record<string, unknown>));
  });

  it('takes an entry as coverage.py writes it', () => {
    const raw = JSON.parse(
      '{"executed_lines":[1,2,4],"summary":{"covered_lines":3},"missing_lines":[5],"excluded_lines":[],"functions":{"f":{"executed_lines":[2],"summary":{},"missing_lines":[5],"excluded_lines":[]},"":{"executed_lines":[1,4],"summary":{},"missing_lines":[],"excluded_lines":[]}},"classes":{"":{"executed_lines":[1,2,4]}}}',
    ) as unknown;
    expect(checkedFileEntry(raw)).toBe(raw);
  });

  it('leaves to zod what it does not take as it is', () => {
    for (const text of [
      '{"executed_lines":[1],"missing_lines":"x"}',
      '{"executed_lines":[1],"missing_lines":[],"excluded_lines":null}',
      '{"executed_lines":[1.5],"missing_lines":[]}',
      '{"executed_lines":[1],"missing_lines":[],"summary":[]}',
      '{"executed_lines":[1],"missing_lines":[],"functions":{"f":{"executed_lines":[1]}}}',
      '{"executed_lines":[1],"missing_lines":[],"functions":{"__proto__":{"executed_lines":[1],"missing_lines":[]}}}',
      '{"executed_lines":[1],"missing_lines":[],"missing_branches":[[1]]}',
    ]) {
      expect(checkedFileEntry(JSON.parse(text) as unknown), text).toBeNull();
    }
  });
});
