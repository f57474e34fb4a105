/**
 * A fuzz case: the damaged parts put together with one command. Each property focuses on one
 * kind of input (always damaged) while the others are damaged now and then, so damage in two
 * places at once is tried too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fc } from '@fast-check/vitest';
import { requirePython } from '../helpers/python.js';
import { BASE_FILES, summary, type CaseFile, type FuzzCase, type Workspace } from './harness.js';
import { damagedConfig, damagedCoverage, damagedGeneratedFile, damagedSource, damagedTestFile } from './damage.js';

export type Focus = 'coverage' | 'config' | 'source' | 'tests' | 'mixed';

/** The real inputs the damage starts from: coverage.py's report of the base project and a test file smart-test wrote. */
export interface Seeds {
  coverage: string;
  generated: string;
}

/**
 * Makes the seeds in `ws`: runs the user's test under coverage.py (real coverage.json), and
 * smart-test's `generate --all` (with execution, in the real Python) for a real test file.
 */
export async function makeSeeds(ws: Workspace): Promise<Seeds> {
  const python = requirePython();
  ws.reset();
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  for (const args of [['-m', 'coverage', 'run', '--source=pkg', '-m', 'pytest', '-q', '-p', 'no:cacheprovider'], ['-m', 'coverage', 'json', '-o', 'coverage.json']]) {
    const r = spawnSync(python, args, { cwd: ws.root, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${python} ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  }
  const coverage = readFileSync(path.join(ws.root, 'coverage.json'), 'utf8');
  ws.write('.smarttestrc.json', JSON.stringify({ python }));
  const made = await ws.runInProcess(['generate', 'pkg/mod.py', '--all']);
  if (made.code !== 0) throw new Error(`generate failed while making the fuzz seeds: ${made.stderr}`);
  const generated = readFileSync(path.join(ws.root, 'tests', 'test_pkg_mod.py'), 'utf8');
  if (!generated.includes('# smart-test: target=')) throw new Error(`generate wrote no managed block while making the fuzz seeds:\n${generated}`);
  ws.reset();
  return { coverage, generated };
}

const COMMANDS: string[][] = [
  ['plan'],
  ['plan', '--format', 'json'],
  ['run', '--no-execute'],
  ['run', '--no-execute', '--format', 'json'],
  ['run', '--no-execute', '--stage'],
  ['check'],
  ['check', '--format', 'json'],
  ['check', 'tests/test_extra.py', 'tests/test_pkg_mod.py'],
  ['generate', 'pkg/mod.py', '--no-execute'],
  ['generate', 'pkg/mod.py', '--no-execute', '--all', '--format', 'json'],
  ['generate', 'pkg/new.py', '--no-execute', '--function', 'added'],
  ['plan', '--threshold', '100', '--format', 'json'],
  ['run', '--no-execute', '--threshold', '0'],
];

export const command = fc.constantFrom(...COMMANDS);

/** One case; `focus` picks the part that is always damaged. */
export function fuzzCase(seeds: Seeds, focus: Focus, commands: fc.Arbitrary<string[]> = command): fc.Arbitrary<FuzzCase> {
  const sometimes = <T>(always: boolean, damaged: fc.Arbitrary<T>, clean: fc.Arbitrary<T>) => (always ? damaged : fc.oneof({ weight: 4, arbitrary: clean }, { weight: 1, arbitrary: damaged }));
  const base = BASE_FILES['pkg/mod.py']!;
  const added = `${base}\n\ndef added(x, y=1):\n    if x > 10:\n        return x\n    return x + y\n`;
  // add() changed too: its blocks in an existing test file are refreshed (unless edited), so the file is rewritten.
  const changed = `${base.replace('return a + b', 'return b + a')}\n\ndef added(x, y=1):\n    if x > 10:\n        return x\n    return x + y\n`;
  return fc
    .record({
      coverage: sometimes(focus === 'coverage' || focus === 'mixed', damagedCoverage(seeds.coverage).map((c) => c as string | Uint8Array | null), fc.constantFrom<string | Uint8Array | null>(seeds.coverage, seeds.coverage, null)),
      config: sometimes(focus === 'config' || focus === 'mixed', damagedConfig.map((c) => c as { files: CaseFile[]; argv: string[] } | null), fc.constant(null)),
      source: sometimes(focus === 'source' || focus === 'mixed', damagedSource(base), fc.constantFrom<string | Uint8Array>(added, changed)),
      newModule: fc.option(sometimes(focus === 'source', damagedSource(''), fc.constant<string | Uint8Array>(added)), { nil: null }),
      testFile: sometimes(focus === 'tests' || focus === 'mixed', damagedTestFile.map((c) => c as string | Uint8Array | null), fc.constant(null)),
      generated: sometimes(focus === 'tests' || focus === 'mixed', damagedGeneratedFile(seeds.generated).map((c) => c as string | Uint8Array | null), fc.constantFrom<string | Uint8Array | null>(null, seeds.generated)),
      userTest: fc.boolean(),
      stageGenerated: fc.boolean(),
      editAfterStaging: fc.boolean(),
      argv: commands,
    })
    .map((p) => {
      const staged: CaseFile[] = [['pkg/mod.py', p.source]];
      const unstaged: CaseFile[] = [];
      if (p.newModule !== null) staged.push(['pkg/new.py', p.newModule]);
      if (p.testFile !== null) staged.push(['tests/test_extra.py', p.testFile]);
      if (p.userTest) staged.push(['tests/test_user.py', `${BASE_FILES['tests/test_user.py']}\n\ndef test_more():\n    assert "test_value"  # edited by the user\n`]);
      if (p.generated !== null) (p.stageGenerated ? staged : unstaged).push(['tests/test_pkg_mod.py', p.generated]);
      if (p.config !== null) staged.push(...p.config.files);
      if (p.coverage !== null) unstaged.push(['coverage.json', p.coverage]);
      // The working copy moves on after staging: smart-test reads the staged content.
      if (p.editAfterStaging) unstaged.push(['pkg/mod.py', `${BASE_FILES['pkg/mod.py']}\n# working copy only\n`]);
      const c: FuzzCase = { staged, unstaged, argv: [...p.argv, ...(p.config?.argv ?? [])] };
      // fast-check prints a failing case with this: sizes and heads, not megabytes of input (FUZZ_SEED replays it whole).
      return Object.assign(c, { [fc.toStringMethod]: () => summary(c) });
    });
}
