/**
 * A method's tests call it on an instance of its class. A receiver built another way (a module
 * function annotated to return the class that returns something else) runs none of the method's
 * lines: such a call is no test of it while another call runs the method. Real Python, real pytest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { expectGeneratedPass, generateAll, writeModule } from '../helpers/mutants.js';

const TOKENS = `class Token:
    def __init__(self, text: str):
        self.text = text

    def __len__(self):
        return len(self.text)


def tokens(line: str) -> "Token":
    return line.split()
`;

/** The managed tests of `target` in a generated test file, one text each. */
function testsOf(text: string, target: string): string[] {
  return text.split(/^# smart-test: /m).filter((block) => block.startsWith(`target=${target} `));
}

describe('receivers', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('a method is tested on an instance of its class, not on what a wrongly annotated factory returns', () => {
    const python = requirePython();
    writeModule(repo, 'tokens', TOKENS);
    const text = generateAll(repo, python, 'tokens');
    const tests = testsOf(text, 'Token.__len__');
    expect(tests.length).toBeGreaterThan(0);
    for (const test of tests) expect(test).toMatch(/obj = Token\(/);
    expectGeneratedPass(repo, python, 'tokens');
  });
});
