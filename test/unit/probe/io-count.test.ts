/**
 * The probe counts the operations a call's run waits on the system for (files, folders, sleeping):
 * the search costs such calls higher from that count, the same on any machine (search.ts callCost).
 */
import { describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
import { probeModule } from '../../helpers/probe-module.js';
import { requirePython } from '../../helpers/python.js';

const MODULE = `import os


def pure(x):
    return sorted(str(i) for i in range(x))


def touch(folder, n):
    for i in range(n):
        with open(os.path.join(folder, 'f%d' % i), 'w') as f:
            f.write('x')
    return len(os.listdir(folder))
`;

const mod = probeModule('iomod', MODULE);

describe('probe: operations that wait on the system', () => {
  it('counts the files a run opens and the folders it lists, and nothing for a pure call', async () => {
    const res = await runProbe(requirePython(), mod.request([mod.target('pure', 'pure(50)'), mod.target('touch', 'touch(str(tmp_path), 3)')], { timeoutSeconds: 5 }), { timeoutMs: 30_000 });
    const [pure, touch] = res.targets.map((t) => t.candidates[0]);
    expect(pure).toMatchObject({ outcome: 'return', io: 0 });
    expect(touch).toMatchObject({ outcome: 'return', repr: '3', io: 4 });
  });
});
