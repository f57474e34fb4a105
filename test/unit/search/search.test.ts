import { describe, expect, it } from 'vitest';
import { directedSearch, type SearchSubject } from '../../../src/generate/search/search.js';
import type { Candidate } from '../../../src/generate/infer/candidates.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';
import { parsePython } from '../../../src/python/structure.js';

const SOURCE = `MAX_DEPTH = 50
MAX_TOKENS = 1000


def group(tlist, kind, match, valid_prev=None, valid_next=None, post=None, extend=True, recurse=True, depth=0):
    if depth > MAX_DEPTH:
        return None
    if len(tlist.tokens) > MAX_TOKENS:
        return None
    return kind
`;

/** A call that returned after reaching `lines`. */
const returned = (lines: number[]): ProbeCandidateResult => ({ outcome: 'return', repr: '1', literal: true, deterministic: true, lines, names: [] }) as unknown as ProbeCandidateResult;

describe('directed search: what it varies first', () => {
  it("varies first the arguments the missed lines' guards name, and builds an argument whose attribute's length a guard compares", async () => {
    const mod = await parsePython(SOURCE);
    const fn = mod.functions[0]!;
    const parent: Candidate = { setup: [], expr: "group([1, 2], 'kind', len)", origin: 'inferred', placeholder: false };
    const subject: SearchSubject = { fn, lines: SOURCE.split('\n'), targets: new Set([7, 9]), candidates: [parent], results: [returned([6, 8])], placeholder: 'test_value' };
    const rounds: string[][] = [];
    await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates.map((c) => [...c.setup, c.expr].join('; ')));
      return batch.map((b) => b.candidates.map(() => returned([6])));
    }, { perFunction: 0.5, perRun: 3 });
    const first = rounds[0]!;
    // The length guard: the argument replaced by an object holding only that attribute, among
    // the first calls (interleaved with the parent's own variants).
    const lengths = [1001, 1000, 999].map((n) => first.indexOf(`import types; group(types.SimpleNamespace(tokens=[0] * ${n}), 'kind', len)`));
    for (const i of lengths) expect(i).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lengths)).toBeLessThan(6);
    // `depth`, which the guard names, is tried around its constant before the other optional parameters.
    const depth = first.findIndex((c) => c.includes('depth=51'));
    const post = first.findIndex((c) => c.includes('post='));
    expect(depth).toBeGreaterThanOrEqual(0);
    expect(post === -1 || depth < post).toBe(true);
  });
});
