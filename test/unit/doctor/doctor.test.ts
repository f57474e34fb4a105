import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { doctorLines } from '../../../src/commands/doctor.js';
import { PRE_COMMIT_HOOK_IDS, callsSmartTest, preCommitConfig } from '../../../src/doctor/hook.js';
import { error, exitCodeOf, ok, warn } from '../../../src/doctor/model.js';
import { makeStyle } from '../../../src/report/style.js';
import { PROJECT_ROOT } from '../../helpers/repo.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folderWith(name: string, content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smart-test-doctor-unit-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('doctor: pre-commit framework configuration', () => {
  it('knows the hook ids .pre-commit-hooks.yaml declares', () => {
    const declared = [...readFileSync(path.join(PROJECT_ROOT, '.pre-commit-hooks.yaml'), 'utf8').matchAll(/^- id:\s*(\S+)/gm)].map((m) => m[1]);
    expect([...PRE_COMMIT_HOOK_IDS]).toEqual(declared);
  });

  it('finds the ids smart-test owns, quoted or not, with comments, and a local hook whose entry runs smart-test', async () => {
    const dir = folderWith(
      '.pre-commit-config.yaml',
      [
        'repos:',
        '  - repo: https://github.com/psf/black',
        '    rev: 24.1.0',
        '    hooks:',
        '      - id: black',
        '  - repo: https://example.invalid/smart-test',
        '    rev: v0.1.0',
        '    hooks:',
        "      - id: 'smart-test-placeholders'   # the gate",
        '  - repo: local',
        '    hooks:',
        '      - id: tests-for-changes',
        '        name: tests',
        '        entry: npx --no-install smart-test run',
        '        language: system',
        '',
      ].join('\n'),
    );
    const found = await preCommitConfig(dir);
    expect(found?.file).toBe(path.join(dir, '.pre-commit-config.yaml'));
    expect(found?.ids).toEqual(['smart-test-placeholders', 'tests-for-changes']);
  });

  it('is null without a configuration, and names nothing when smart-test is not in it', async () => {
    expect(await preCommitConfig(folderWith('README', 'x'))).toBeNull();
    expect((await preCommitConfig(folderWith('.pre-commit-config.yaml', 'repos:\n  - repo: local\n    hooks:\n      - id: smart-testing\n        entry: ./smart-testing.sh\n')))?.ids).toEqual([]);
  });
});

describe('doctor: does a hook call smart-test', () => {
  it.each([
    ['#!/bin/sh\n# installed by smart-test\nexec smart-test run\n', true],
    ['#!/bin/sh\nnpx --no-install smart-test run\n', true],
    ['#!/bin/sh\nnode tools/smart-test/bin/smart-test.cjs run\n', true],
    ['#!/bin/sh\n# we used to run smart-test here\nnpm test\n', false],
    ['#!/bin/sh\nnpx lint-staged\n', false],
    ['#!/bin/sh\n./my-smart-tester run\n', false],
  ])('%j -> %s', (content, expected) => {
    expect(callsSmartTest(content)).toBe(expected);
  });
});

describe('doctor: report and exit code', () => {
  const checks = [ok('git', 'a repository.'), warn('hook', 'no hook.', 'Run `smart-test install`.'), error('config', 'bad.', 'Correct it.')];

  it('exits 0 when all is ok, 1 with warnings only, 2 with an error', () => {
    expect(exitCodeOf([checks[0]!])).toBe(0);
    expect(exitCodeOf(checks.slice(0, 2))).toBe(1);
    expect(exitCodeOf(checks)).toBe(2);
  });

  it('prints one line per check, the fix under each problem, and a summary; colour only when asked', () => {
    expect(doctorLines(checks, makeStyle(false))).toEqual([
      'ok    git: a repository.',
      'warn  hook: no hook.',
      '      fix: Run `smart-test install`.',
      'error config: bad.',
      '      fix: Correct it.',
      'smart-test doctor: 1 ok, 1 warning, 1 error.',
    ]);
    const coloured = doctorLines(checks, makeStyle(true));
    expect(coloured[0]).toBe('\u001b[32mok    \u001b[39m\u001b[1mgit\u001b[22m: a repository.');
    expect(coloured[3]).toContain('\u001b[31merror \u001b[39m');
  });
});
