import { describe, expect, it } from 'vitest';
import { CALL_COST, callCost, directedSearch, missedTargets, raisedThrough, type SearchSubject } from '../../../src/generate/search/search.js';
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

const JOB = `class Job:
    def __init__(self, interval):
        self.interval = interval
        self.job_func = None

    def do(self, job_func, *args):
        self.job_func = job_func
        return self

    def describe(self):
        if hasattr(self.job_func, '__name__'):
            return self.job_func.__name__
        return repr(self.job_func)
`;

describe('directed search: receiver state through another method', () => {
  it('sets an attribute through the inferred calls of a method no function of the run tests, with the sample callables they define', async () => {
    const mod = await parsePython(JOB);
    const fn = mod.functions.find((f) => f.name === 'describe')!;
    const parent: Candidate = { setup: ['obj = Job(1)'], expr: 'obj.describe()', origin: 'inferred', placeholder: false };
    const asked: string[] = [];
    const methodCalls = (method: string): Candidate[] => {
      asked.push(method);
      return [
        { setup: ['obj = Job(1)', 'def sample_two_args(a, b):\n    return (a, b)'], expr: 'obj.do(sample_two_args)', origin: 'inferred', placeholder: false },
        { setup: ['import functools', 'def sample_two_args(a, b):\n    return (a, b)', 'obj = Job(1)'], expr: 'obj.do(functools.partial(sample_two_args, 1))', origin: 'inferred', placeholder: false },
        // Needs a local the statement cannot carry along: skipped.
        { setup: ['obj = Job(1)', 'x = compute()'], expr: 'obj.do(x)', origin: 'inferred', placeholder: false },
        { setup: ['obj = Job(1)'], expr: "obj.do('test_value')", origin: 'inferred', placeholder: true },
      ];
    };
    const subject: SearchSubject = { fn, lines: JOB.split('\n'), targets: new Set([12, 13]), candidates: [parent], results: [returned([11, 13])], placeholder: 'test_value', methodCalls };
    const rounds: Candidate[][] = [];
    await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates);
      return batch.map((b) => b.candidates.map(() => returned([11])));
    }, { perFunction: 0.5, perRun: 3 });
    expect(asked).toContain('do');
    const throughDo = rounds[0]!.filter((c) => c.setup.some((l) => l.startsWith('obj.do(')));
    expect(throughDo.map((c) => [...c.setup, c.expr])).toEqual([
      ['def sample_two_args(a, b):\n    return (a, b)', 'obj = Job(1)', 'obj.do(sample_two_args)', 'obj.describe()'],
      ['import functools', 'def sample_two_args(a, b):\n    return (a, b)', 'obj = Job(1)', 'obj.do(functools.partial(sample_two_args, 1))', 'obj.describe()'],
    ]);
  });
});

const SPLITTER = `class Splitter:
    def __init__(self):
        self.seen = False

    def level(self, ttype, value):
        if ttype == 'x':
            self.depth = 1
        if self.seen and value == 'WORK':
            return 0
        return 1
`;

describe('directed search: two changes combined', () => {
  it("combines the target's own closest calls even when many entry-point calls got further", async () => {
    const mod = await parsePython(SPLITTER);
    const fn = mod.functions.find((f) => f.name === 'level')!;
    const own: Candidate[] = [
      { setup: ['obj = Splitter()', 'obj.seen = True'], expr: "obj.level(1, 'x')", origin: 'inferred', placeholder: false },
      { setup: ['obj = Splitter()'], expr: "obj.level(1, 'WORK')", origin: 'inferred', placeholder: false },
    ];
    // The tests' calls of an entry point: each runs more of the lines above the missed one than the own calls do.
    const entries: Candidate[] = Array.from({ length: 24 }, (_, i) => ({ setup: ['import api'], expr: `api.split('x ${i}')`, origin: 'seed', placeholder: false, entry: true }));
    const subject: SearchSubject = {
      fn,
      lines: SPLITTER.split('\n'),
      targets: new Set([9]),
      candidates: [...own, ...entries],
      results: [returned([6, 8, 10]), returned([6, 8, 10]), ...entries.map(() => returned([6, 7, 8, 10]))],
      placeholder: 'test_value',
    };
    const rounds: string[][] = [];
    await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates.map((c) => [...c.setup, c.expr].join('; ')));
      return batch.map((b) => b.candidates.map(() => returned([6, 8, 10])));
    }, { perFunction: 0.5, perRun: 3 });
    expect(rounds[0]).toContain("obj = Splitter(); obj.seen = True; obj.level(1, 'WORK')");
  });
});

describe('directed search: what counts as reached', () => {
  it("a line run only by a call that changed its module's state is still missed (the call cannot be a test), unless a doctest example ran it", async () => {
    const mod = await parsePython(SPLITTER);
    const fn = mod.functions.find((f) => f.name === 'level')!;
    const changed = { ...returned([6, 8, 9]), changesModule: ['jobs'] } as ProbeCandidateResult;
    const own: Candidate = { setup: ['obj = Splitter()'], expr: "obj.level(1, 'WORK')", origin: 'inferred', placeholder: false };
    const subject: SearchSubject = { fn, lines: SPLITTER.split('\n'), targets: new Set([9]), candidates: [own], results: [changed], placeholder: 'test_value' };
    expect(missedTargets(subject)).toEqual([9]);
    expect(missedTargets({ ...subject, candidates: [{ ...own, origin: 'doctest' }] })).toEqual([]);
  });
});

describe('directed search: arguments swapped', () => {
  it('swaps two positional arguments built alike (a range pointed backwards), not arguments of different kinds', async () => {
    const src = 'def span(start, stop, label, step=1):\n    if stop < start:\n        return []\n    return [start, stop, label, step]\n';
    const mod = await parsePython(src);
    const fn = mod.functions[0]!;
    const parent: Candidate = { setup: ['import datetime'], expr: "span(datetime.date(2024, 1, 1), datetime.date(2024, 1, 8), 'x', 2)", origin: 'seed', placeholder: false };
    const subject: SearchSubject = { fn, lines: src.split('\n'), targets: new Set([3]), candidates: [parent], results: [returned([2, 4])], placeholder: 'test_value' };
    const rounds: string[][] = [];
    await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates.map((c) => c.expr));
      return batch.map((b) => b.candidates.map(() => returned([2, 4])));
    }, { perFunction: 0.5, perRun: 3 });
    expect(rounds[0]).toContain("span(datetime.date(2024, 1, 8), datetime.date(2024, 1, 1), 'x', 2)");
    // A date and a string, or a string and a number, are not swapped.
    const all = rounds.flat();
    expect(all).not.toContain("span(datetime.date(2024, 1, 1), 'x', datetime.date(2024, 1, 8), 2)");
    expect(all).not.toContain("span(datetime.date(2024, 1, 1), datetime.date(2024, 1, 8), 2, 'x')");
  });
});

describe('directed search: the cost of a call', () => {
  const subjectWith = async (results: ProbeCandidateResult[]): Promise<SearchSubject> => {
    const mod = await parsePython(SOURCE);
    const candidates: Candidate[] = results.map((_, i) => ({ setup: [], expr: `group([${i}], 'kind', len)`, origin: 'inferred', placeholder: false }));
    return { fn: mod.functions[0]!, lines: SOURCE.split('\n'), targets: new Set([7]), candidates, results, placeholder: 'test_value' };
  };
  const timed = (seconds: number, calls: number, io: number) => ({ ...returned([6]), seconds, calls, io }) as ProbeCandidateResult;

  it('follows what the calls did (Python calls, waits on the system), never how long they took', async () => {
    // The same calls, fast or slowed down (another machine, another load): the same cost.
    const fast = await subjectWith([timed(0.002, 40, 0), timed(0.003, 40, 0)]);
    const slowed = await subjectWith([timed(0.09, 40, 0), timed(0.12, 40, 0)]);
    expect(callCost(slowed)).toBe(callCost(fast));
    expect(callCost(fast)).toBe(CALL_COST);
    // A checker built for each call (thousands of Python calls) costs more; so does a call that opens files.
    expect(callCost(await subjectWith([timed(0.002, 4500, 0), timed(0.002, 4500, 0)]))).toBeCloseTo(CALL_COST * 5);
    const files = await subjectWith([timed(0.004, 30, 3), timed(0.04, 30, 3)]);
    expect(callCost(files)).toBeGreaterThan(callCost(fast) * 5);
    expect(callCost(await subjectWith([timed(0.004, 30, 3), timed(0.04, 30, 3)]))).toBe(callCost(files));
  });
});

const COUNTER = `def count_up(n, items):
    total = 0
    for i in range(n):
        total += i
    if total > 10 ** 12:
        return -1
    return total
`;

describe('directed search: slow values', () => {
  it('runs the variants a loop may count long over last, and one that runs out of time stops only those', async () => {
    const mod = await parsePython(COUNTER);
    const fn = mod.functions[0]!;
    const parent: Candidate = { setup: [], expr: 'count_up(3, [1, 2])', origin: 'inferred', placeholder: false };
    const subject: SearchSubject = { fn, lines: COUNTER.split('\n'), targets: new Set([6]), candidates: [parent], results: [returned([2, 3, 4, 5, 7])], placeholder: 'test_value' };
    const rounds: Candidate[][] = [];
    await directedSearch([subject], async (batch) => {
      const candidates = batch[0]!.candidates;
      rounds.push(candidates);
      // The first slow call runs out of time: the probe skips the rest of the round.
      const stop = candidates.findIndex((c) => c.expr.includes('1000000000'));
      return [candidates.map((c, i): ProbeCandidateResult => (stop >= 0 && i === stop ? ({ outcome: 'timeout', lines: [3, 4] } as unknown as ProbeCandidateResult) : stop >= 0 && i > stop ? ({ outcome: 'skipped', reason: 'timeout', lines: [] } as unknown as ProbeCandidateResult) : returned([2, 3, 4, 5, 7])))];
    }, { perFunction: 0.5, perRun: 3 });
    const first = rounds[0]!;
    const slow = first.map((c, i) => (c.slow ? i : -1)).filter((i) => i >= 0);
    expect(first.filter((c) => /count_up\((100000|10000000|1000000000),/.test(c.expr)).every((c) => c.slow)).toBe(true);
    expect(slow.length).toBeGreaterThan(0);
    // All after the others: a slow call that stops the round costs no other variant.
    expect(Math.min(...slow)).toBe(first.length - slow.length);
    expect(first.some((c) => c.expr === 'count_up(3, iter([1, 2]))')).toBe(true);
    // The search goes on after it, without slow variants.
    expect(rounds.length).toBeGreaterThan(1);
    expect(rounds.slice(1).flat().some((c) => c.slow)).toBe(false);
  });
});

const SPEC = `def extract(spec, types):
    if spec.startswith(','):
        spec = spec[1:]
        grouping = ','
    if spec and spec not in types:
        message = 'bad spec'
        raise ValueError(
            message
        )
    try:
        types[spec]
    except KeyError:
        raise
    return locals()
`;

describe('directed search: lines only raising calls ran', () => {
  it('aims at target lines every call that reached them raised after, not at the lines of the block that raises', async () => {
    const mod = await parsePython(SPEC);
    const fn = mod.functions[0]!;
    const raised = (lines: number[]): ProbeCandidateResult => ({ outcome: 'raise', raisedInTarget: true, raiseStatement: true, deterministic: true, lines, names: [], excType: { module: 'builtins', qualname: 'ValueError' }, excMessage: 'bad spec' }) as unknown as ProbeCandidateResult;
    const subject: SearchSubject = {
      fn,
      lines: SPEC.split('\n'),
      targets: new Set([3, 4, 6, 7, 8, 12, 13]),
      candidates: [{ setup: [], expr: "extract(',x', 'd')", origin: 'inferred', placeholder: false }, { setup: [], expr: "extract('', 'd')", origin: 'inferred', placeholder: false }],
      results: [raised([2, 3, 4, 5, 6, 7, 8]), returned([2, 5, 10, 11, 14]), raised([2, 5, 10, 11, 12, 13])],
      placeholder: 'test_value',
    };
    expect(missedTargets(subject)).toEqual([]);
    // The grouping lines; not the message nor the raise (nor its message's line), nor an except that re-raises.
    expect(raisedThrough(subject)).toEqual([3, 4]);
    const rounds: string[][] = [];
    await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates.map((c) => c.expr));
      return [batch[0]!.candidates.map((c) => (c.expr.startsWith("extract(','") ? returned([2, 3, 4, 5, 10, 11, 14]) : raised([2, 5, 6, 7])))];
    }, { perFunction: 0.5, perRun: 3 });
    // One round found a call returning through them; the search stopped there.
    expect(rounds).toHaveLength(1);
    expect(raisedThrough(subject)).toEqual([]);
    // A function no call returned from: nothing to aim at.
    expect(raisedThrough({ ...subject, results: [raised([2, 3, 4, 5, 6, 7, 8]), raised([2, 5, 6, 7, 8])] })).toEqual([]);
  });
});
