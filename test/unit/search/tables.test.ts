import { describe, expect, it } from 'vitest';
import { tableExpressions, tableKeys, tableProbe } from '../../../src/generate/search/tables.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';
import { parsePython } from '../../../src/python/structure.js';

const SOURCE = `from pkg import extensions

KNOWN = {'a': 1}

def tags(path, names):
    part = path.split('/')[-1]
    local = {'x': 1}
    if part in extensions.NAMES:
        return 1
    if part not in KNOWN:
        return 2
    if part in names or part in local or part in range(3):
        return 3
    return 4
`;

describe('lookup tables in the search', () => {
  it('finds the module-level tables tested for membership, not parameters or locals', async () => {
    const mod = await parsePython(SOURCE);
    const fn = mod.functions[0]!;
    const lines = SOURCE.split('\n');
    const body = lines.slice(fn.bodyStartLine - 1, fn.endLine).join('\n');
    expect(tableExpressions(lines.slice(5, 14), fn, body)).toEqual(['extensions.NAMES', 'KNOWN']);
  });

  it('asks for a few sorted str and int keys, and reads them back as literals', () => {
    const probe = tableProbe('KNOWN');
    expect(probe).toMatchObject({ entry: true, valueProbe: true, setup: [] });
    expect(probe.expr).toContain('sorted(k for k in KNOWN if type(k) is str)');
    const result = { outcome: 'return', literal: true, repr: "['a', 'b', 3]" } as unknown as ProbeCandidateResult;
    expect(tableKeys([probe, { ...probe, valueProbe: false }], [result, result])).toEqual(["'a'", "'b'", '3']);
  });
});
