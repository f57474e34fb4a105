import { describe, expect, it } from 'vitest';
import { attributesChangedBy, classState, stateSteps } from '../../../src/generate/search/receiver-state.js';

const SOURCE = `class Job:
    def __init__(self, interval):
        self.interval = interval
        self.unit = None

    @property
    def days(self):
        self.unit = "days"
        return self

    def hourly(self):
        self.unit = "hours"
        return self

    def every(self, n):
        self.unit = "weeks"

    def at(self, when):
        if self.unit not in ("days", "hours"):
            raise ValueError("bad unit")
        if self.mode == 3:
            return when
        return None


class Other:
    def reset(self):
        self.unit = "other"
`;

const ITERATOR = `class Cached:
    def __init__(self, items):
        self._source = iter(items)
        self._cache = []

    def __next__(self):
        item = next(self._source)
        self._cache.append(item)
        return item

    def clear(self):
        del self._cache[:]
        self.count = 0

    def __getitem__(self, index):
        return self._cache[index]
`;

describe('receiver states', () => {
  it("finds the class's own setters (no arguments) and the literals each attribute is set to or compared with", async () => {
    const state = await classState(SOURCE, 'Job');
    expect(state.setters).toEqual(new Map([['unit', ['obj.days', 'obj.hourly()']]]));
    expect(state.literals.get('unit')).toEqual(['None', '"days"', '"hours"', '"weeks"']);
    expect(state.literals.get('mode')).toEqual(['3']);
    // Methods that take arguments and assign an attribute, whatever the value.
    expect(state.assigners).toEqual(new Map([['unit', ['every']]]));
  });

  it('offers steps for the attributes the given lines read, setters first', async () => {
    const state = await classState(SOURCE, 'Job');
    const steps = stateSteps(state, '        if self.mode == 3:\n        if self.unit not in ("days", "hours"):');
    expect(steps.map((s) => s.statement)).toEqual(['obj.mode = 3', 'obj.days', 'obj.hourly()', 'obj.unit = None', 'obj.unit = "days"', 'obj.unit = "hours"', 'obj.unit = "weeks"']);
    expect(stateSteps(await classState(SOURCE, 'Missing'), 'self.unit')).toEqual([]);
  });
});

describe('steps that change an attribute without arguments', () => {
  it("include an iterator's __next__ (as next(obj)) and a plain method, whatever value they leave", async () => {
    const state = await classState(ITERATOR, 'Cached');
    expect(state.setters.get('_cache')).toEqual(['next(obj)']);
    expect(state.setters.get('count')).toEqual(['obj.clear()']);
    expect(stateSteps(state, '        return self._cache[index]').map((s) => s.statement)).toEqual(['next(obj)']);
  });
});

describe('attributes a method changes itself', () => {
  it('are those its guards read and its body assigns, adds to or stores into', () => {
    const body = ['if name in self.seen or self.depth > 3 or self.cache[name] == self.limit:', '    raise KeyError(name)', 'self.seen.add(name)', 'self.depth += 1', "self.cache[name] = 'x'", 'return self.limit'].join('\n');
    const guards = 'if name in self.seen or self.depth > 3 or self.cache[name] == self.limit:';
    expect(attributesChangedBy(body, guards)).toEqual(['seen', 'depth', 'cache']);
    // Read and compared only: nothing to change by calling the method again.
    expect(attributesChangedBy('if self.limit == self.other:\n    return 1', 'if self.limit == self.other:')).toEqual([]);
  });
});
