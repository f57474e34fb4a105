import { describe, expect, it } from 'vitest';
import { delegators, onFreshInstance } from '../../../src/generate/search/fresh-instances.js';
import type { Candidate } from '../../../src/generate/infer/candidates.js';
import { parsePython } from '../../../src/python/structure.js';

const MODULE = `class Scheduler:
    def __init__(self):
        self.jobs = []

    def every(self, interval=1):
        return Job(interval, self)


class Job:
    def __init__(self, interval, scheduler=None):
        self.interval = interval
        self.scheduler = scheduler


class Registry:
    def __init__(self, name):
        self.name = name


default_scheduler = Scheduler()
named = Registry("x")


def every(interval: int = 1) -> Job:
    """Schedule a new periodic job with the default scheduler.

    See :meth:\`Scheduler.every\`.
    """
    return default_scheduler.every(interval)


def run_pending(delay=0):
    default_scheduler.run_pending(delay=delay)


def later(interval=1):
    return default_scheduler.every(interval * 2)


def renamed(interval=1):
    return default_scheduler.every(interval)


def counted(interval=1):
    job = default_scheduler.every(interval)
    return job


def lookup(name):
    return named.lookup(name)
`;

const candidate = (setup: string[], expr: string): Candidate => ({ setup, expr, origin: 'seed', placeholder: false });

describe('fresh instances for a module default one', () => {
  const found = async () => delegators(MODULE, await parsePython(MODULE));

  it('finds the module functions that pass their arguments on to the same method of an instance built with no argument', async () => {
    // Not: arguments changed (later), another method (renamed: every), more than one statement
    // (counted), an instance built with arguments (lookup).
    expect(await found()).toEqual([
      { name: 'every', instance: 'default_scheduler', cls: 'Scheduler' },
      { name: 'run_pending', instance: 'default_scheduler', cls: 'Scheduler' },
    ]);
  });

  it('makes the one use of them on an instance of its own, and leaves calls that share the instance alone', async () => {
    const delegating = await found();
    const fresh = onFreshInstance(candidate(['import functools', 'obj = every(5).minutes', 'obj.do(len)'], 'obj.describe()'), delegating);
    expect(fresh && [...fresh.setup, fresh.expr]).toEqual(['import functools', 'obj = Scheduler().every(5).minutes', 'obj.do(len)', 'obj.describe()']);
    expect(onFreshInstance(candidate([], 'default_scheduler.every(2)'), delegating)?.expr).toBe('Scheduler().every(2)');
    // Two uses would no longer share one scheduler; a method call on obj is not the module function.
    expect(onFreshInstance(candidate(['every(1).do(len)'], 'run_pending()'), delegating)).toBeNull();
    expect(onFreshInstance(candidate(['obj = Scheduler()'], 'obj.every(3)'), delegating)).toBeNull();
  });
});

describe('fresh instances when every target line is reached', () => {
  it("runs once, on instances of their own, the calls that changed the module's state (their other paths become tests)", async () => {
    const { directedSearch } = await import('../../../src/generate/search/search.js');
    const mod = await parsePython(MODULE);
    const fn = mod.functions.find((f) => f.className === 'Job' && f.name === '__init__')!;
    const returned = (lines: number[], changes?: string[]) => ({ outcome: 'return', repr: '1', literal: true, deterministic: true, lines, names: [], ...(changes ? { changesModule: changes } : {}) }) as never;
    const seed: Candidate = { setup: ['def job_fun():\n    pass'], expr: 'every(5).do(job_fun)', origin: 'seed', placeholder: false };
    const own: Candidate = { setup: [], expr: 'Job(1)', origin: 'inferred', placeholder: false };
    const subject = {
      fn, lines: MODULE.split('\n'), targets: new Set([11]), candidates: [seed, own], results: [returned([11, 12], ['default_scheduler']), returned([11, 12])], placeholder: 'test_value',
      delegators: () => delegators(MODULE, mod),
    };
    const rounds: string[][] = [];
    const stats = await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates.map((c) => [...c.setup, c.expr].join('; ')));
      return batch.map((b) => b.candidates.map(() => returned([11, 12])));
    }, { perFunction: 0.5, perRun: 3 });
    expect(rounds).toEqual([['def job_fun():\n    pass; Scheduler().every(5).do(job_fun)']]);
    expect(stats.rounds).toBe(1);
    // Once only: a second search finds nothing more to run.
    rounds.length = 0;
    await directedSearch([subject], async (batch) => {
      rounds.push(batch[0]!.candidates.map((c) => c.expr));
      return batch.map((b) => b.candidates.map(() => returned([11])));
    }, { perFunction: 0.5, perRun: 3 });
    expect(rounds).toEqual([]);
  });
});
