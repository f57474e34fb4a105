import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, DEFAULT_CONFIG, configSchema, describeValue, validateConfig } from '../../../src/config/schema.js';
import { closestKey } from '../../../src/config/suggest.js';
import { SmartTestError } from '../../../src/errors.js';

describe('configSchema', () => {
  it('fills every default from an empty object', () => {
    expect(configSchema.parse({})).toEqual(DEFAULT_CONFIG);
    expect(CONFIG_KEYS).toHaveLength(17);
  });

  it('does not share default arrays between results', () => {
    const a = configSchema.parse({});
    a.include.push('x');
    expect(configSchema.parse({}).include).toEqual(['**/*.py']);
    expect(DEFAULT_CONFIG.include).toEqual(['**/*.py']);
  });

  it('accepts the boundaries and null python', () => {
    expect(validateConfig({ threshold: 0, maxFunctions: 1, python: null }, '"x"')).toMatchObject({ threshold: 0, maxFunctions: 1, python: null });
    expect(validateConfig({ threshold: 100 }, '"x"').threshold).toBe(100);
  });

  it('coverageData: a path, false, or null (find it); anything else names what it takes', () => {
    expect(validateConfig({ coverageData: 'build/.coverage' }, '"x"').coverageData).toBe('build/.coverage');
    expect(validateConfig({ coverageData: false }, '"x"').coverageData).toBe(false);
    expect(validateConfig({ coverageData: null }, '"x"').coverageData).toBeNull();
    for (const raw of [true, '', 3, ['.coverage']]) {
      expect(() => validateConfig({ coverageData: raw }, '"x"')).toThrow(/"coverageData" must be the path of coverage\.py's data file/);
    }
  });

  it('rejects what is not a mapping', () => {
    for (const raw of [null, 5, 'threshold', [1], new Date(0)]) expect(() => validateConfig(raw, '"x"')).toThrow(SmartTestError);
  });
});

describe('describeValue', () => {
  it.each([
    [null, 'null'],
    ['', 'an empty string'],
    ['80', 'the string "80"'],
    [3, 'the number 3'],
    [true, 'the value true'],
    [[], 'an empty list'],
    [['a'], 'a list of 1 item'],
    [{ a: 1 }, 'a table (nested settings)'],
  ])('%j -> %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('closestKey', () => {
  it.each([
    ['treshold', 'threshold'],
    ['Threshold', 'threshold'],
    ['max_functions', 'maxFunctions'],
    ['max-functions', 'maxFunctions'],
    ['test_dir', 'testsDir'],
    ['stale_coverage', 'staleCoverage'],
    ['includes', 'include'],
    ['flavour', null],
    ['x', null],
  ])('%s -> %s', (key, expected) => {
    expect(closestKey(key, CONFIG_KEYS)).toBe(expected);
  });
});


