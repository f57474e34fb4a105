import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRepo, runCli, type TempRepo } from '../helpers/repo.js';

// Found by the fuzz suite (test/fuzz): cosmiconfig reads its own settings from package.json in
// the current directory before it loads anything, and a package.json that is not valid JSON
// (even one without smart-test settings) made smart-test "fail unexpectedly".
describe('a broken package.json beside the configuration', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
    repo.write('pkg/mod.py', 'def f(x):\n    return x\n');
    repo.write('tests/test_mod.py', 'def test_f():\n    assert "test_value"\n');
    repo.write('.smarttestrc.json', '{"threshold": 50}');
    repo.write('coverage.json', '{"meta": {"version": "6.5.0"}, "files": {}}');
  });
  afterEach(() => repo.cleanup());

  for (const [what, bytes] of [
    ['invalid UTF-8', Buffer.from('{\n  "name":\xc0\xaf "demo"\n}', 'latin1')],
    ['cut off', Buffer.from('{\n  "name": "demo",\n  "scripts": {')],
  ] as const) {
    it(`${what}: exit 2 and one paragraph naming package.json, for check and plan`, () => {
      repo.write('package.json', bytes as unknown as string);
      repo.git('add', '-A');
      for (const args of [['check'], ['plan'], ['check', '--format', 'json']]) {
        const result = runCli(args, repo.root);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/^smart-test: The configuration file "package\.json" is not valid JSON at line \d+/);
        expect(result.stderr).not.toMatch(/unexpectedly|\n\s+at /);
        expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      }
    });
  }
});
