import { describe, expect, it } from 'vitest';
import { registrations, registrationStatements } from '../../../src/generate/search/registered-items.js';
import { directedSearch, type SearchSubject } from '../../../src/generate/search/search.js';
import type { Candidate } from '../../../src/generate/infer/candidates.js';
import type { ProbeCandidateResult } from '../../../src/generate/probe-model.js';
import { parsePython } from '../../../src/python/structure.js';

const MODULE = `class Scheduler:
    def __init__(self):
        self.jobs = []

    def every(self, interval=1):
        job = Job(interval, self)
        return job

    def next_run(self, tag=None):
        if not self.jobs:
            return None
        return min(self.jobs)


class Job:
    def __init__(self, interval, scheduler=None):
        self.interval = interval
        self.scheduler = scheduler
        self.unit = None

    @property
    def seconds(self):
        self.unit = 'seconds'
        return self

    def do(self, job_func):
        if self.unit is None:
            raise ValueError('no unit')
        self.scheduler.jobs.append(self)
        return self


class Other:
    def add(self, item):
        self.owner.jobs.append(item)
`;

describe('items that register themselves with their owner', () => {
  it("finds the owner's builder, the item's method that adds it, and the item's setters", async () => {
    expect(await registrations(MODULE, 'Scheduler')).toEqual([{ attr: 'jobs', builder: 'every', builderNeedsArgs: false, itemClass: 'Job', method: 'do', setters: ['.seconds'] }]);
    // A class nothing registers into, and an item no method of the owner builds (`Other`), give none.
    expect(await registrations(MODULE, 'Job')).toEqual([]);
    const [reg] = await registrations(MODULE, 'Scheduler');
    expect(registrationStatements(reg!, null, 'obj.do(sample_no_args)')).toEqual(['obj.every().do(sample_no_args)', 'obj.every().seconds.do(sample_no_args)']);
  });

  it('puts an item into the receiver when the missed lines need its container filled', async () => {
    const mod = await parsePython(MODULE);
    const fn = mod.functions.find((f) => f.className === 'Scheduler' && f.name === 'next_run')!;
    const returned = (lines: number[]) => ({ outcome: 'return', repr: 'None', literal: true, deterministic: true, lines, names: [] }) as unknown as ProbeCandidateResult;
    const own: Candidate = { setup: ['obj = Scheduler()'], expr: 'obj.next_run()', origin: 'inferred', placeholder: false };
    const doCall: Candidate = { setup: ["def sample_no_args():\n    return 'called'", 'obj = Job(1)'], expr: 'obj.do(sample_no_args)', origin: 'inferred', placeholder: false };
    const subject: SearchSubject = {
      fn, lines: MODULE.split('\n'), targets: new Set([12]), candidates: [own], results: [returned([10, 11])], placeholder: 'test_value',
      methodCalls: (method, className) => (method === 'do' && className === 'Job' ? [doCall] : []),
    };
    const tried: string[] = [];
    await directedSearch([subject], async (batch) => {
      tried.push(...batch[0]!.candidates.map((c) => [...c.setup, c.expr].join('; ')));
      return batch.map((b) => b.candidates.map((c) => returned(c.setup.some((l) => l.includes('.seconds.do(')) ? [10, 12] : [10, 11])));
    }, { perFunction: 0.5, perRun: 3 });
    expect(tried).toContain("def sample_no_args():\n    return 'called'; obj = Scheduler(); obj.every().seconds.do(sample_no_args); obj.next_run()");
    expect(subject.results.some((r) => r.lines.includes(12))).toBe(true);
  });
});
