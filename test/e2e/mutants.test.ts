/**
 * The mutation round, end to end: a call that tells a change of the code apart from the code is
 * kept even when it reaches no new line. `escape_html('Hello world')` runs every line of
 * escape_html, and passes whichever character it replaces; the calls derived from the string
 * literals of the lines whose changes no test noticed (`escape_html('<')`) catch them. Real
 * Python, real pytest; the same repository gives byte-identical tests.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requirePython } from '../helpers/python.js';
import { cleanEnv, makeRepo, runCli, runPython, type TempRepo } from '../helpers/repo.js';

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

  function generate(python: string): string {
    repo.write('.smarttestrc.json', JSON.stringify({ python }));
    rmSync(path.join(repo.root, 'tests'), { recursive: true, force: true });
    const r = runCli(['generate', 'src/markup.py', '--all'], repo.root);
    expect(r.code, r.stderr).toBe(0);
    return readFileSync(path.join(repo.root, 'tests/test_markup.py'), 'utf8');
  }

  it('keeps calls that catch changes the other tests let pass', () => {
    const python = requirePython();
    repo.write('pytest.ini', '[pytest]\npythonpath = src\n');
    repo.write('src/markup.py', MARKUP);
    const text = generate(python);
    expect(runPython(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_markup.py'], repo.root)).toMatch(/passed/);
    for (const [from, to] of MUTANTS) {
      repo.write('src/markup.py', MARKUP.replace(from, to));
      const r = spawnSync(python, ['-m', 'pytest', '-q', '-x', '-p', 'no:cacheprovider', 'tests/test_markup.py'], { cwd: repo.root, env: cleanEnv({ PYTHONDONTWRITEBYTECODE: '1' }), encoding: 'utf8' });
      expect(r.status, `the change to ${to} was not caught:\n${text}`).toBe(1);
    }
    repo.write('src/markup.py', MARKUP);
    // A few more tests, not dozens.
    expect((text.match(/^def test_/gm) ?? []).length).toBeLessThanOrEqual(12);
    expect(generate(python)).toBe(text);
  });
});
