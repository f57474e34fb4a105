import { describe, expect, it } from 'vitest';
import { groupDefinitions, tracedSpan } from '../../../src/generate/definitions.js';
import { codeFingerprint } from '../../../src/generate/managed.js';
import { parsePython } from '../../../src/python/structure.js';

const SOURCE = `def outer(flag):
    if flag:
        def pick(x): return x + 1
    else:
        def pick(x):
            return x - 1
    return pick(1)


def alone(y):
    return y


class Box:
    @property
    def size(self):
        return 1

    @size.setter
    def size(self, value):
        raise AttributeError('read-only')
`;

describe('groupDefinitions', () => {
  it('makes one target of the definitions sharing a qualname, and leaves a single definition as it was', async () => {
    const module = await parsePython(SOURCE);
    const targets = module.functions.filter((f) => f.qualname !== 'outer');
    const groups = groupDefinitions(targets, SOURCE);
    expect(groups.map((g) => [g.defs[0]!.qualname, g.defs.length, g.ranges])).toEqual([
      ['outer.pick', 2, [[3, 3], [6, 6]]],
      ['alone', 1, null],
      // A property's setter is not reached through its getter's calls: a target of its own.
      ['Box.size', 1, null],
      ['Box.size', 1, null],
    ]);
    // A single definition keeps the fingerprint its blocks already carry.
    const alone = groups[1]!.defs[0]!;
    expect(groups[1]!.codeHash).toBe(codeFingerprint(SOURCE, alone.startLine, alone.endLine));
    expect(tracedSpan(groups[0]!.defs)).toEqual({ firstLine: 3, lastLine: 6 });
  });

  it("changes the group's fingerprint when any one definition changes, and only then", async () => {
    const hashOf = async (source: string) => groupDefinitions((await parsePython(source)).functions.filter((f) => f.qualname === 'outer.pick'), source)[0]!.codeHash;
    const base = await hashOf(SOURCE);
    expect(await hashOf(SOURCE.replace('return x - 1', 'return x - 2'))).not.toBe(base);
    expect(await hashOf(SOURCE.replace('return x + 1', 'return x + 3'))).not.toBe(base);
    expect(await hashOf(SOURCE.replace('return pick(1)', 'return pick(2)'))).toBe(base);
  });
});
