/**
 * The mutation round, end to end: a call that tells a change of the code apart from the code is
 * kept even when it reaches no new line. `escape_html('Hello world')` runs every line of
 * escape_html, and passes whichever character it replaces; the calls derived from the string
 * literals of the lines whose changes no test noticed (`escape_html('<')`) catch them. Real
 * Python, real pytest; the same repository gives byte-identical tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, runPython, type TempRepo } from '../helpers/repo.js';
import { expectEachCaught, generateAll } from '../helpers/mutants.js';

const MARKUP = `def escape_html(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_url(text, plus=True):
    out = text.strip()
    if plus:
        out = out.replace(" ", "+")
    return out.replace("#", "%23")
`;

/** Changes of MARKUP that no call reaching new lines tells apart. */
const MUTANTS: Array<[string, string]> = [
  ['replace("&", "&amp;")', 'replace("&", "&amp;X")'],
  ['replace("<", "&lt;")', 'replace("<X", "&lt;")'],
  ['replace(">", "&gt;")', 'replace(">", ">")'],
  ['replace("#", "%23")', 'replace("#", "%2")'],
];

describe('the mutation round', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('keeps calls that catch changes the other tests let pass', () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write('src/markup.py', MARKUP);
    const text = generateAll(repo, python, 'markup');
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_markup.py'], repo.root)).toMatch(/passed/);
    expectEachCaught(repo, python, 'markup', MARKUP, MUTANTS, text);
    // A few more tests, not dozens.
    expect((text.match(/^def test_/gm) ?? []).length).toBeLessThanOrEqual(12);
    expect(generateAll(repo, python, 'markup')).toBe(text);
  });
});
