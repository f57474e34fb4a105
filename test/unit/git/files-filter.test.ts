import { describe, expect, it } from 'vitest';
import { globMatcher, isTestFile, selectSources } from '../../../src/git/files-filter.js';
import type { StagedFile } from '../../../src/git/model.js';

describe('isTestFile', () => {
  it.each([
    ['test_app.py', true],
    ['pkg/test_app.py', true],
    ['pkg/app_test.py', true],
    ['pkg/conftest.py', true],
    ['tests/helpers.py', true],
    ['tests/data/x.py', true],
    ['pkg/app.py', false],
    ['pkg/testing.py', false],
    ['pkg/contest.py', false],
    ['tests_extra/x.py', false],
    ['src/tests/x.py', false],
  ])('%s -> %s', (file, expected) => {
    expect(isTestFile(file, 'tests')).toBe(expected);
  });

  it('accepts ./ and trailing slashes in testsDir, and "." turns the folder rule off', () => {
    expect(isTestFile('qa/x.py', './qa/')).toBe(true);
    expect(isTestFile('src/x.py', '.')).toBe(false);
    expect(isTestFile('src/x.py', '')).toBe(false);
  });
});

describe('selectSources', () => {
  const paths = [
    'app.py',
    'src/pkg/mod.py',
    'src/pkg/mod.pyi',
    'src/pkg/test_mod.py',
    'src/pkg/conftest.py',
    'tests/test_x.py',
    'tests/util.py',
    'docs/conf.py',
    'src/migrations/0001.py',
    '.github/scripts/tool.py',
    'README.md',
    'src/é x.py',
  ];

  it('keeps Python sources that are not tests, by default', () => {
    expect(selectSources(paths)).toEqual(['app.py', 'src/pkg/mod.py', 'docs/conf.py', 'src/migrations/0001.py', '.github/scripts/tool.py', 'src/é x.py']);
  });

  it('applies include and exclude globs; a folder pattern covers what is below it', () => {
    expect(selectSources(paths, { include: ['src/**'], exclude: ['src/migrations'], testsDir: 'tests' })).toEqual([
      'src/pkg/mod.py',
      'src/é x.py',
    ]);
    expect(selectSources(paths, { include: ['./src/pkg/'], exclude: [] })).toEqual(['src/pkg/mod.py']);
  });

  it('keeps StagedFile objects and their order', () => {
    const files: StagedFile[] = [
      { path: 'b.py', status: 'M', oldPath: null, blob: '1' },
      { path: 'test_b.py', status: 'A', oldPath: null, blob: '2' },
      { path: 'a.py', status: 'R', oldPath: 'old.py', blob: '3' },
    ];
    expect(selectSources(files, { include: ['**/*.py'], exclude: [], testsDir: 'tests' })).toEqual([files[0], files[2]]);
  });

  it('an empty include selects nothing', () => {
    expect(selectSources(paths, { include: [] })).toEqual([]);
    expect(globMatcher([])('x.py')).toBe(false);
  });
});
