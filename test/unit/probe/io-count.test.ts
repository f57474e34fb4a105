/**
 * The probe counts the operations a call's run waits on the system for (files, folders, sleeping):
 * the search costs such calls higher from that count, the same on any machine (search.ts callCost).
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../src/generate/probe.js';
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

let work: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-io-')));
  writeFileSync(path.join(work, 'iomod.py'), MODULE);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('probe: operations that wait on the system', () => {
  it('counts the files a run opens and the folders it lists, and nothing for a pure call', async () => {
    const file = path.join(work, 'iomod.py');
    const target = (qualname: string, expr: string) => ({ id: qualname, module: 'iomod', file, qualname, firstLine: 1, lastLine: 20, candidates: [{ id: '0', setup: [], expr }] });
    const res = await runProbe(requirePython(), { sysPath: [work], cwd: work, timeoutSeconds: 5, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), targets: [target('pure', 'pure(50)'), target('touch', 'touch(str(tmp_path), 3)')] }, { timeoutMs: 30_000 });
    const [pure, touch] = res.targets.map((t) => t.candidates[0]);
    expect(pure).toMatchObject({ outcome: 'return', io: 0 });
    expect(touch).toMatchObject({ outcome: 'return', repr: '3', io: 4 });
  });
});
