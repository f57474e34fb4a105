import { describe, expect, it } from 'vitest';
import { SmartTestError } from '../../../src/errors.js';
import { insideRepository, validateConfig } from '../../../src/config/schema.js';

// Found by the fuzz suite (test/fuzz): `"testsDir": "../elsewhere"` made `run` and `generate`
// write test files outside the repository.
describe('testsDir must be a folder inside the repository', () => {
  it('accepts relative folders that stay inside', () => {
    for (const dir of ['tests', './tests/', 'tests/unit', 'a/../tests', 'tests\\unit', '.', '~', 'spec']) {
      expect(insideRepository(dir), dir).toBe(true);
      expect(validateConfig({ testsDir: dir }, '"x"').testsDir).toBe(dir);
    }
  });

  it('rejects absolute paths, paths leading out with "..", and .git, naming the key', () => {
    for (const dir of ['../sentinel', '..', 'tests/../../x', '/tmp/tests', 'C:\\tests', '..\\x', '.git', '.git/hooks', './.git']) {
      expect(insideRepository(dir), dir).toBe(false);
      expect(() => validateConfig({ testsDir: dir }, '".smarttestrc.json"'), dir).toThrow(SmartTestError);
      expect(() => validateConfig({ testsDir: dir }, '".smarttestrc.json"'), dir).toThrow(/"testsDir" must be a folder inside the repository/);
    }
  });
});
