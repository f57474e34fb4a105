/**
 * The mutation round, end to end: a call that tells a change of the code apart from the code is
 * kept even when it reaches no new line. `escape_html('Hello world')` runs every line of
 * escape_html, and passes whichever character it replaces; the calls derived from the string
 * literals of the lines whose changes no test noticed (`escape_html('<')`) catch them. Real
 * Python, real pytest; the same repository gives byte-identical tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requirePython } from '../helpers/python.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { expectEachCaught, expectGeneratedPass, generateAll, writeModule } from '../helpers/mutants.js';

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

const SPAN = `class Span:
    """A closed range of integers, written \`lo:hi\`.

    >>> Span("3:7").width()
    4
    """

    def __init__(self, spec):
        lo, hi = spec.split(":")
        self.lo = int(lo)
        self.hi = int(hi)

    def width(self):
        return self.hi - self.lo

    def __eq__(self, other):
        if not isinstance(other, Span):
            return NotImplemented
        if self is other:
            return True
        return self.lo == other.lo and self.hi == other.hi
`;

/**
 * Changes of SPAN's comparison past `self is other`: only an equal instance that is not the
 * receiver tells them apart, and only the doctest says how to build one (`Span("3:7")`).
 */
const SPAN_MUTANTS: Array<[string, string]> = [
  ['self.lo == other.lo', 'self.lo != other.lo'],
  ['self.hi == other.hi', 'self.hi != other.hi'],
];

describe('the mutation round', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  it('keeps calls that catch changes the other tests let pass', () => {
    const python = requirePython();
    writeModule(repo, 'markup', MARKUP);
    const text = generateAll(repo, python, 'markup');
    expectGeneratedPass(repo, python, 'markup');
    expectEachCaught(repo, python, 'markup', MARKUP, MUTANTS, text);
    // A few more tests, not dozens.
    expect((text.match(/^def test_/gm) ?? []).length).toBeLessThanOrEqual(12);
    expect(generateAll(repo, python, 'markup')).toBe(text);
  });

  it('gives a method taking another instance of its class an equal one that is not the receiver', () => {
    const python = requirePython();
    writeModule(repo, 'span', SPAN);
    const text = generateAll(repo, python, 'span');
    expectGeneratedPass(repo, python, 'span');
    expectEachCaught(repo, python, 'span', SPAN, SPAN_MUTANTS, text);
    expect(generateAll(repo, python, 'span')).toBe(text);
  });
});
