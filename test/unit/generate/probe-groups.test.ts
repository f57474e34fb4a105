import { describe, expect, it } from 'vitest';
import { groupByModule, runPooled } from '../../../src/generate/probe-groups.js';

describe('groupByModule', () => {
  const item = (module: string, n: number) => Array.from({ length: n }, (_, i) => ({ module, i }));

  it('keeps modules whole, sorted by name, packed up to the limit, whatever order they came in', () => {
    const items = [...item('b', 3), ...item('a', 2), ...item('c', 4)];
    const groups = groupByModule(items, (x) => x.module, 5);
    expect(groups.map((g) => g.map((x) => `${x.module}${x.i}`))).toEqual([['a0', 'a1', 'b0', 'b1', 'b2'], ['c0', 'c1', 'c2', 'c3']]);
    const shuffled = [...item('c', 4), ...item('a', 2), ...item('b', 3)];
    expect(groupByModule(shuffled, (x) => x.module, 5)).toEqual(groups);
  });

  it('a module larger than the limit is one group of its own; nothing gives no group', () => {
    expect(groupByModule([...item('a', 1), ...item('b', 7), ...item('c', 1)], (x) => x.module, 5).map((g) => g.length)).toEqual([1, 7, 1]);
    expect(groupByModule([], (x: { module: string }) => x.module, 5)).toEqual([]);
  });
});

describe('runPooled', () => {
  it('runs at most `parallel` at once and returns the results in the items\' order', async () => {
    let running = 0;
    let most = 0;
    const delays = [30, 5, 20, 1, 10];
    const results = await runPooled(delays, 2, async (ms, index) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return index * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });

  it('with parallel 1, one after the other', async () => {
    const order: number[] = [];
    await runPooled([3, 1, 2], 1, async (x) => {
      order.push(x);
      await new Promise((resolve) => setTimeout(resolve, x));
    });
    expect(order).toEqual([3, 1, 2]);
  });
});
