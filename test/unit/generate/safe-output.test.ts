import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ambientReads } from '../../../src/generate/ambient.js';
import { blockProblems } from '../../../src/generate/block-check.js';
import { assembleTestFile, type AssembleJob } from '../../../src/generate/engine.js';
import { buildCandidates } from '../../../src/generate/infer/candidates.js';
import { isStatementSource } from '../../../src/generate/infer/doctest.js';
import { runProbe } from '../../../src/generate/probe.js';
import type { ProbeRaise, ProbeReturn, ProbeTarget } from '../../../src/generate/probe-model.js';
import { renderTest, type TestCase } from '../../../src/generate/render.js';
import { FIRST_RUN, VerifyWarmup, verifyStability, weakened } from '../../../src/generate/stability.js';
import { withPythonTree } from '../../../src/python/parser.js';
import { functionFacts, moduleTypes } from '../../../src/python/facts.js';
import { parsePython } from '../../../src/python/structure.js';
import { requirePython } from '../../helpers/python.js';

describe('sys.argv and os.environ readers (ambient.ts)', () => {
  it('finds argv and literal environment keys in a function and, through calls, in its callers', async () => {
    const src = [
      'import argparse, os, sys',
      '',
      'def options(argv=None):',
      '    return argparse.ArgumentParser().parse_args(argv)',
      '',
      'def main():',
      '    # sys.argv in a comment does not count here, the call below does',
      '    return options()',
      '',
      'def home():',
      '    return os.environ.get("APP_HOME", "/") + os.getenv(\'APP_USER\', "") + str("DEBUG" in os.environ)',
      '',
      'def banner():',
      '    return home().upper()',
      '',
      'def plain(x):',
      '    return x + 1',
      '',
      'def first_arg():',
      '    return sys.argv[1:]',
    ].join('\n');
    const mod = await parsePython(src);
    const reads = ambientReads(src, mod.functions);
    expect(reads.get('options')).toEqual({ argv: true, env: [] });
    expect(reads.get('main')).toEqual({ argv: true, env: [] });
    expect(reads.get('first_arg')).toEqual({ argv: true, env: [] });
    expect(reads.get('home')).toEqual({ argv: false, env: ['APP_HOME', 'APP_USER', 'DEBUG'] });
    expect(reads.get('banner')).toEqual({ argv: false, env: ['APP_HOME', 'APP_USER', 'DEBUG'] });
    expect(reads.get('plain')).toEqual({ argv: false, env: [] });
  });

  it('renders the monkeypatch lines before the call, with the monkeypatch fixture', () => {
    const test: TestCase = {
      candidate: { setup: [], expr: 'main()', origin: 'inferred', placeholder: false },
      outcome: { outcome: 'static-value', value: "'no args'" },
      names: ['main'],
      ambient: { argv: ['cli.py'], unsetEnv: ['APP_HOME'] },
    };
    expect(renderTest(test, { testName: 'test_main', module: 'cli', placeholder: 'test_value' })).toEqual([
      'def test_main(monkeypatch):',
      '    import sys',
      '    from cli import main',
      '',
      "    monkeypatch.setattr(sys, 'argv', ['cli.py'])",
      "    monkeypatch.delenv('APP_HOME', raising=False)",
      '    result = main()',
      "    assert result == 'no args'",
    ]);
  });
});

describe('the probe runs a target with the sys.argv and environment its test sets', () => {
  it('argv and unsetEnv of a target apply to its runs only, and are restored after it', async () => {
    const python = requirePython();
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-ambient-')));
    try {
      writeFileSync(path.join(dir, 'amb.py'), 'import os, sys\n\ndef seen():\n    return (list(sys.argv), os.environ.get("AMB_KEY"))\n');
      const t = (id: string, extra: Partial<ProbeTarget>): ProbeTarget => ({ id, module: 'amb', file: path.join(dir, 'amb.py'), qualname: 'seen', firstLine: 4, lastLine: 4, candidates: [{ id: '0', setup: [], expr: 'seen()' }], ...extra });
      const response = await runProbe(
        python,
        { sysPath: [dir], cwd: dir, timeoutSeconds: 2, allowSideEffects: false, tmpPath: path.join(dir, 'tmp'), argv: ['pytest'], targets: [t('a', { argv: ['amb.py'], unsetEnv: ['AMB_KEY'] }), t('b', {})] },
        { timeoutMs: 30_000, env: { AMB_KEY: 'secret' } },
      );
      const reprs = response.targets.map((r) => (r.candidates[0] as ProbeReturn).repr);
      expect(reprs).toEqual(["(['amb.py'], None)", "(['pytest'], 'secret')"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compound doctest examples', () => {
  it('are statements: decorators, definitions, blocks', () => {
    for (const s of ['@register(r"\\d+")\ndef handler(text):\n    return text', 'class A:\n    pass', 'with open(p) as f:\n    f.read()', 'for i in range(3):\n    print(i)', 'if x:\n    y()', 'try:\n    f()\nexcept E:\n    pass', 'async def f():\n    pass', 'import os', 'del x']) {
      expect(isStatementSource(s), s).toBe(true);
    }
    for (const s of ['f(1)', 'register("x")(len)("abc")', 'obj.method(a,\n    b)', '{"a": 1}', 'lambda x: x', '[i for i in range(3) if i]']) {
      expect(isStatementSource(s), s).toBe(false);
    }
  });

  it('a decorated definition in a doctest becomes setup of the next example, never `result = @...`', async () => {
    const src = 'def register(pattern):\n    """Register.\n\n    >>> @register(r"\\d+")\n    ... def handler(text):\n    ...     return text\n    >>> handler("12")\n    \'12\'\n    """\n    return lambda fn: fn\n';
    const mod = await parsePython(src);
    const fn = mod.functions.find((f) => f.name === 'register')!;
    const candidates = buildCandidates({ fn, cls: null, module: 'routes', facts: await functionFacts(src, mod.functions), types: await moduleTypes(src, mod), functions: mod.functions, placeholder: 'test_value' });
    const doctests = candidates.filter((c) => c.origin === 'doctest');
    expect(doctests.every((c) => !c.expr.startsWith('@'))).toBe(true);
    for (const c of candidates) {
      const body = renderTest({ candidate: c, outcome: { outcome: 'static-value', value: "'12'" }, names: [] }, { testName: 't', module: 'routes', placeholder: 'test_value' });
      expect(body.join('\n')).not.toMatch(/result = @/);
      expect(await withPythonTree(body.join('\n'), (tree) => tree.rootNode.hasError)).toBe(false);
    }
  });
});

describe('each rendered test is checked on its own (assembleTestFile)', () => {
  const value = (expr: string, repr: string): TestCase => ({
    candidate: { setup: [], expr, origin: 'doctest', placeholder: false },
    outcome: { outcome: 'static-value', value: repr },
    names: [],
  });

  it('a block that does not parse drops only itself, with a warning naming the function', async () => {
    const jobs: AssembleJob[] = [
      { fn: { qualname: 'good' }, location: 'src/m.py:1:1: good', codeHash: 'a'.repeat(12), cases: [value('good(1)', '2')] },
      // Forced: an expression that is not Python.
      { fn: { qualname: 'bad' }, location: 'src/m.py:5:1: bad', codeHash: 'b'.repeat(12), cases: [value('bad((1', '3'), value('bad(2)', '4')] },
      { fn: { qualname: 'other' }, location: 'src/m.py:9:1: other', codeHash: 'c'.repeat(12), cases: [value('other()', 'None')] },
    ];
    const out = await assembleTestFile(null, 'm', jobs, 'test_value', null);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/^src\/m\.py:5:1: bad: the generated test test_bad was left out: it does not parse as Python/);
    expect(out.text).not.toBeNull();
    expect(await withPythonTree(out.text!, (tree) => tree.rootNode.hasError)).toBe(false);
    expect(out.text).toContain('result = good(1)');
    expect(out.text).toContain('result = bad(2)');
    expect(out.text).toContain('result = other()');
    expect(out.text).not.toContain('bad((1');
    expect(jobs[1]!.cases).toHaveLength(1);
    // A person's test file that does not parse is never rewritten around.
    const again = await assembleTestFile('def test_mine(:\n    pass\n', 'm', [{ ...jobs[0]!, cases: [value('good(1)', '2')] }], 'test_value', null);
    expect(again).toEqual({ text: null, warnings: [] });
  });

  it("with a Python, a block tree-sitter accepts but compile() rejects is dropped too (one Python for all)", async () => {
    const python = requirePython();
    const jobs: AssembleJob[] = [
      { fn: { qualname: 'gen' }, location: 'src/m.py:3:1: gen', codeHash: 'd'.repeat(12), cases: [value('gen(x for x in y, 1)', '1'), value('gen([1])', '1')] },
    ];
    const out = await assembleTestFile(null, 'm', jobs, 'test_value', python);
    expect(out.warnings).toEqual([expect.stringMatching(/^src\/m\.py:3:1: gen: the generated test test_gen was left out: Python does not compile it \(SyntaxError: Generator expression must be parenthesized/)]);
    expect(out.text).toContain('result = gen([1])');
    expect(await blockProblems(['def t():\n    f(a=1, a=2)', 'def t():\n    pass'], python)).toEqual([expect.stringMatching(/keyword argument repeated/), null]);
  });
});

describe('stable results (stability.ts), with a real Python', () => {
  let python: string;
  let dir: string;
  const source = [
    'import os, sys, time',
    '',
    'def letters():',
    '    return list({"alpha", "beta", "gamma", "delta", "epsilon"})',
    '',
    'def sized():',
    '    return [0] * len(sys.argv)',
    '',
    'def shown():',
    '    return repr({"alpha", "beta", "gamma", "delta", "epsilon"})',
    '',
    'def as_set():',
    '    return {"alpha", "beta", "gamma", "delta", "epsilon"}',
    '',
    'def here():',
    '    return os.path.basename(os.getcwd())',
    '',
    'def hour():',
    '    return time.localtime(0).tm_hour',
    '',
    'def args():',
    '    return len(sys.argv)',
    '',
    'def strict():',
    '    if len(sys.argv) > 1:',
    '        raise ValueError("unexpected arguments")',
    '    return "ok"',
    '',
    'def plain(x):',
    '    return x * 2',
    '',
    'def fill(box):',
    '    box.hour = time.localtime(0).tm_hour',
    '    box.size = 3',
    '    box.order = repr({"alpha", "beta", "gamma", "delta", "epsilon"})',
    '    box.handler = object()',
    '',
    'class Box:',
    '    pass',
    '',
    'def stamped():',
    '    return "made 3 items at " + time.strftime("%Y-%m-%d %H:%M:%S") + " (local)"',
    '',
    'def late():',
    '    raise TimeoutError("job 7 is late by %.9f seconds" % (time.time() % 1))',
    '',
    'def due():',
    '    import datetime',
    '    return "next run on %s" % (datetime.date.today() + datetime.timedelta(days=1))',
    '',
    'def this_year():',
    '    return time.localtime().tm_year',
  ].join('\n');
  const lines = source.split('\n');

  beforeAll(() => {
    python = requirePython();
    dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-stable-')));
    writeFileSync(path.join(dir, 'stable_mod.py'), source);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function target(name: string, extra: Partial<ProbeTarget> = {}): Omit<ProbeTarget, 'candidates'> {
    const first = lines.findIndex((l) => l.startsWith(`def ${name}(`)) + 1;
    let last = first;
    while (last < lines.length && (lines[last] ?? '').startsWith('    ')) last++;
    return { id: name, module: 'stable_mod', file: path.join(dir, 'stable_mod.py'), qualname: name, firstLine: first + 1, lastLine: last, ...extra };
  }

  it('keeps what stays the same, weakens values that change, drops outcomes that change', async () => {
    const calls: Array<[string, string, Partial<ProbeTarget>]> = [
      ['letters', 'letters()', {}],
      ['sized', 'sized()', {}],
      ['shown', 'shown()', {}],
      ['as_set', 'as_set()', {}],
      ['here', 'here()', {}],
      ['hour', 'hour()', {}],
      ['args', 'args()', {}],
      ['strict', 'strict()', {}],
      ['strict', 'strict()', { argv: ['cli.py'] }],
      ['plain', 'plain(21)', {}],
      ['fill', 'fill(obj)', {}],
      ['stamped', 'stamped()', {}],
      ['late', 'late()', {}],
      ['due', 'due()', {}],
      ['this_year', 'this_year()', {}],
    ];
    const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'smart-test-first-')));
    try {
      const setupOf = (expr: string) => (expr.includes('obj') ? ['obj = Box()'] : []);
      const targets = calls.map(([name, expr, extra], i) => ({ ...target(name, extra), id: String(i), candidates: [{ id: '0', setup: setupOf(expr), expr }] }));
      // Run once, as the search runs its calls: only the verification runs tell what is stable.
      const first = await runProbe(python, { sysPath: [dir], cwd: work, timeoutSeconds: 2, allowSideEffects: false, tmpPath: path.join(work, 'tmp'), argv: [...FIRST_RUN.argv], repeat: false, targets }, { timeoutMs: 60_000, env: FIRST_RUN.env });
      const items = targets.map((t, i) => {
        const { candidates, ...rest } = t;
        const outcome = first.targets[i]!.candidates[0]! as ProbeReturn | ProbeRaise;
        expect(['return', 'raise']).toContain(outcome.outcome);
        return { target: rest, cases: [{ candidate: { setup: candidates[0]!.setup, expr: candidates[0]!.expr, origin: 'inferred' as const, placeholder: false }, outcome, names: [] }] };
      });
      const fresh = structuredClone(items);
      const verdicts = await verifyStability(items, { python, sysPath: [dir], firstRoots: [work], timeoutSeconds: 2, allowSideEffects: false });
      // The same verdicts from verification processes started ahead (their imports done before the calls came).
      const warm = await VerifyWarmup.start({ python, sysPath: [dir], timeoutSeconds: 2, allowSideEffects: false }, ['stable_mod']);
      try {
        expect(await verifyStability(fresh, { python, sysPath: [dir], firstRoots: [work], timeoutSeconds: 2, allowSideEffects: false, warm })).toEqual(verdicts);
      } finally {
        await warm.close();
      }
      const byCall = Object.fromEntries(calls.map(([name, , extra], i) => [`${name}${extra.argv ? '+argv' : ''}`, verdicts[i]![0]]));
      expect(byCall).toEqual({
        letters: 'weaken', // list order follows string hashes
        sized: 'weaken', // as long as sys.argv
        shown: 'weaken',
        as_set: 'keep', // printed in another order, but the same set
        here: 'weaken',
        hour: 'weaken', // time zone
        args: 'weaken',
        strict: 'drop', // returns under one sys.argv, raises under another
        'strict+argv': 'keep', // its test sets sys.argv as the probe did
        plain: 'keep',
        fill: 'keep',
        stamped: 'weaken', // the local time
        late: 'weaken', // the clock
        due: 'weaken', // tomorrow's date: the time zones move it only at some hours of the day, the clock always
        this_year: 'weaken', // the year: one verification process reads a clock more than a year ahead
      });
      // The attributes the call set, narrowed to those every run saw alike: not the local hour,
      // not a set's order; an object with an address was never reported.
      const fill = items[calls.findIndex(([n]) => n === 'fill')]!.cases[0]!.outcome as ProbeReturn;
      expect(fill.receiverAttrs).toEqual([['size', '3', true]]);
      const rendered = (name: string) => renderTest(weakened(items[calls.findIndex(([n]) => n === name)]!.cases[0]!), { testName: 't', module: 'stable_mod', placeholder: 'test_value' }).join('\n');
      // A list whose order differs: its length, the same in every run; not one whose length differs.
      expect(rendered('letters')).toMatch(/assert isinstance\(result, list\)\n    assert len\(result\) == 5$/);
      expect(rendered('sized')).toMatch(/assert isinstance\(result, list\)$/);
      // A string or message that differs: the start every run gave, before the date and the number.
      expect(rendered('stamped')).toMatch(/assert isinstance\(result, str\)\n    assert result\.startswith\('made 3 items at '\)$/);
      expect(rendered('late')).toContain("with pytest.raises(TimeoutError, match='^job 7 is late by '):");
      expect(rendered('due')).toMatch(/assert isinstance\(result, str\)\n    assert result\.startswith\('next run on '\)$/);
      // `shown` differs in the order of a set: what all runs share is `{'`, too little to assert.
      expect(rendered('shown')).toMatch(/assert isinstance\(result, str\)$/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
