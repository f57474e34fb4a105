import { describe, expect, it } from 'vitest';
import { callersAmong } from '../../../src/generate/infer/callers.js';
import { parsePython } from '../../../src/python/structure.js';

const MODULE = `def _discount(total):
    return total


def price(items):
    # _discount(0) in a comment is no call
    return _discount(sum(items))


def other(x):
    return x._discount(1)


class Basket:
    @property
    def size(self):
        return 3

    def _real(self, i):
        return i

    def __getitem__(self, i):
        return self._real(i) + self.size

    def __len__(self):
        return self.size

    def grow(self):
        self.size = 4

    def outer(self):
        def inner():
            return self._real(0)
        return inner()
`;

describe('callers among the touched functions', () => {
  it('finds the functions whose body calls the target by name, as a module function or through an attribute', async () => {
    const mod = await parsePython(MODULE);
    const fn = (q: string) => mod.functions.find((f) => f.qualname === q)!;
    const lines = MODULE.split('\n');
    const callers = (q: string) => callersAmong(fn(q), mod.functions, lines).map((f) => f.qualname);
    // A bare call, not `x._discount(`, nor a comment.
    expect(callers('_discount')).toEqual(['price']);
    // A method through `self.`; an outer function whose nested function calls it counts (the nested one itself is no caller: only its outer function calls it).
    expect(callers('Basket._real')).toEqual(['Basket.__getitem__', 'Basket.outer']);
    // A property is read, not called; an assignment to it is no read.
    expect(callers('Basket.size')).toEqual(['Basket.__getitem__', 'Basket.__len__']);
    // Dunder methods run through syntax: no callers by name.
    expect(callers('Basket.__getitem__')).toEqual([]);
    // Only among the functions given.
    expect(callersAmong(fn('_discount'), [fn('other')], lines)).toEqual([]);
  });
});
