/**
 * Generators of damaged inputs for the fuzz suite (fast-check arbitraries): coverage.json,
 * configuration files, staged Python source and staged test files. Each starts from something
 * real (the base project, a coverage.json made by coverage.py, a test file written by
 * smart-test) and breaks it the way files get broken: cut off, garbled, wrong types, odd
 * encodings, binary bytes, deep nesting, giant lines.
 */
import { fc } from '@fast-check/vitest';
import type { CaseFile } from './harness.js';

type Content = string | Uint8Array;

const utf8 = (text: string) => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
/** Bytes that are never valid UTF-8 where they stand. */
const INVALID_UTF8 = [new Uint8Array([0xff]), new Uint8Array([0xc3]), new Uint8Array([0xe9, 0x20]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xf8, 0x88, 0x80, 0x80, 0x80]), new Uint8Array([0xc0, 0xaf])];

/** Text-level damage to any file: cut, inserted bytes, BOM, invalid UTF-8, NUL, binary, giant line, line-ending mixes. */
export function garble(text: string): fc.Arbitrary<Content> {
  const bytes = utf8(text);
  const at = fc.nat({ max: Math.max(0, bytes.length) });
  return fc.oneof(
    at.map((n) => bytes.slice(0, n)),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, junk]) => concat(bytes.slice(0, n), junk, bytes.slice(n))),
    fc.tuple(at, fc.constantFrom(...INVALID_UTF8)).map(([n, bad]) => concat(bytes.slice(0, n), bad, bytes.slice(n))),
    fc.tuple(at, fc.nat({ max: 8 })).map(([n, k]) => concat(bytes.slice(0, n), bytes.slice(Math.min(bytes.length, n + k)))),
    fc.constant(concat(BOM, bytes)),
    fc.constant(concat(BOM, BOM, bytes)),
    at.map((n) => concat(bytes.slice(0, n), new Uint8Array([0]), bytes.slice(n))),
    fc.uint8Array({ minLength: 0, maxLength: 300 }),
    fc.constant(new Uint8Array(0)),
    fc.constant(text.replace(/\n/g, '\r\n')),
    fc.constant(text.replace(/\n/g, '\r')),
    fc.tuple(at, fc.constantFrom(' ', 'x', '"', '9', '\t', '{', '['), fc.constantFrom(5_000, 50_000, 400_000)).map(([n, ch, size]) => `${text.slice(0, n)}${ch.repeat(size)}${text.slice(n)}`),
    // UTF-16 (what some editors save as "Unicode").
    fc.constant(concat(new Uint8Array([0xff, 0xfe]), new Uint8Array(Buffer.from(text, 'utf16le')))),
  );
}

// ---------------------------------------------------------------------------------------------
// coverage.json

/** Values of the wrong type, or of the right type but absurd. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0.5, 1.5, 1e308, -1e308, 2 ** 53 + 1, 4294967297, '', '1', 'NaN', 'Infinity', '-1', '1e999', [], {}, [null], ['1', '2'], [1.5], [-3], [1e308], [[1]], [{}], { 1: 2 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.integer({ min: -5, max: 10_000_000 }), { maxLength: 20 }),
);

type Json = Record<string, unknown>;

/** One structural change to a coverage.json document (parsed), returning a new one. */
const coverageEdit: fc.Arbitrary<(doc: Json) => unknown> = fc.oneof(
  oddValue.map((v) => (doc: Json) => ({ ...doc, files: v })),
  oddValue.map((v) => (doc: Json) => ({ ...doc, meta: v })),
  fc.constant((doc: Json) => {
    const { meta: _meta, ...rest } = doc;
    return rest;
  }),
  fc.constant((doc: Json) => {
    const { files: _files, ...rest } = doc;
    return rest;
  }),
  fc.constantFrom(1, 2, 3, 4, 0, -1, '3', 'x', null, 99999999999).map((format) => (doc: Json) => ({ ...doc, meta: { ...(doc.meta as Json), format } })),
  fc.oneof(oddValue, fc.string()).map((v) => (doc: Json) => ({ ...doc, meta: { ...(doc.meta as Json), version: v } })),
  fc.oneof(oddValue, fc.constantFrom('', 'yesterday', '2026-13-45T99:99:99', '9999-12-31T23:59:59.999999', '0001-01-01T00:00:00', '2026-11-25T18:39:57.690288+05:00')).map((v) => (doc: Json) => ({ ...doc, meta: { ...(doc.meta as Json), timestamp: v } })),
  fc.oneof(oddValue, fc.constant(true)).map((v) => (doc: Json) => ({ ...doc, meta: { ...(doc.meta as Json), branch_coverage: v } })),
  // A field of each file entry.
  fc
    .tuple(fc.constantFrom('executed_lines', 'missing_lines', 'excluded_lines', 'summary', 'functions', 'classes', 'executed_branches', 'missing_branches', 'contexts'), oddValue)
    .map(([field, v]) => (doc: Json) => ({ ...doc, files: mapFiles(doc.files, (entry) => ({ ...entry, [field]: v })) })),
  fc.constantFrom('executed_lines', 'missing_lines', 'summary').map((field) => (doc: Json) => ({
    ...doc,
    files: mapFiles(doc.files, (entry) => {
      const { [field]: _gone, ...rest } = entry;
      return rest;
    }),
  })),
  // Odd file names: outside the repository, absolute, Windows, empty, the same file twice.
  fc.constantFrom('', '.', '..', '../sentinel/keep.txt', '/etc/passwd', 'C:\\repo\\pkg\\mod.py', 'pkg\\mod.py', './pkg/mod.py', 'pkg//mod.py', 'PKG/MOD.PY', 'pkg/mod.py\u0000', 'pkg/café.py', '\ud800').map((name) => (doc: Json) => ({
    ...doc,
    files: { ...(doc.files as Json), [name]: Object.values((doc.files as Json) ?? {})[0] ?? {} },
  })),
  // Line numbers past the end of the file, zero, negative, not sorted, repeated.
  fc.array(fc.integer({ min: -100, max: 1_000_000 }), { maxLength: 30 }).map((lines) => (doc: Json) => ({ ...doc, files: mapFiles(doc.files, (entry) => ({ ...entry, executed_lines: lines })) })),
  // A function/class table (coverage 7.5+ format 3) of the wrong shape.
  oddValue.map((v) => (doc: Json) => ({ ...doc, files: mapFiles(doc.files, (entry) => ({ ...entry, functions: { add: v, '': v, 'Box.size': { executed_lines: v, missing_lines: [], start_line: v } } })) })),
  fc.constant((doc: Json) => ({ ...doc, totals: 'all of them' })),
  fc.constant((doc: Json) => [doc]),
  fc.constant(() => null),
);

function mapFiles(files: unknown, f: (entry: Json) => Json): unknown {
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return files;
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'object' && v !== null && !Array.isArray(v) ? f(v as Json) : v]));
}

/** Text that looks like JSON to a reader and is not: NaN, trailing commas, comments, duplicate keys, deep nesting. */
function textEdits(text: string): fc.Arbitrary<Content> {
  return fc.oneof(
    fc.constant(text.replace(/\[1, /, '[NaN, ')),
    fc.constant(text.replace(/\]/, ', ]')),
    fc.constant(text.replace(/\]/, ', Infinity]')),
    fc.constant(`// coverage\n${text}`),
    fc.constant(text.replace('"files": {', '"files": {"pkg/mod.py": 1, ')),
    fc.constant(text.replace('"files": {', '"files": {}, "files": {')),
    fc.constant(text.replace(/"executed_lines": \[/, '"executed_lines": [-0, 1.0, 1e2, 0x10, ')),
    fc.integer({ min: 1, max: 200_000 }).map((depth) => text.replace(/"totals": /, `"totals": ${'['.repeat(depth)}${']'.repeat(depth)}, "deep": `)),
    fc.integer({ min: 1, max: 200_000 }).map((depth) => `${'['.repeat(depth)}${text}${']'.repeat(depth)}`),
    fc.integer({ min: 1, max: 100_000 }).map((depth) => text.replace('"meta": {', `"meta": {"x": ${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}, `)),
    fc.constant(text.replace(/"executed_lines": \[[^\]]*\]/, `"executed_lines": [${Array.from({ length: 300_000 }, (_, i) => i + 1).join(', ')}]`)),
    fc.constant(text.replace('"pkg/mod.py"', `"pkg/mod.py", "${'x'.repeat(1_000_000)}": {}, "z"`)),
    fc.constant(text.replace('"pkg/mod.py"', '"pkg/\\u006dod.py"')),
    fc.constant(text.replace('"pkg/mod.py"', '"pkg/mod.py\\ud800"')),
    fc.constant(text.replace(/"version": "[^"]*"/, '"version": "7.99.1"')),
    fc.constant(text.replaceAll(' ', '\n\n')),
    fc.constant(`${text}\n${text}`),
    fc.constant(`${text}garbage`),
    fc.constantFrom('', ' ', 'null', '[]', '{}', '1', '"coverage"', '{"files": {}}', '{"meta": {}}', '{"meta": null, "files": null}', '\u0000', '{"files": {"pkg/mod.py": {"executed_lines": [1, 2'),
  );
}

/** A damaged coverage.json, from the real one coverage.py wrote for the base project. */
export function damagedCoverage(real: string): fc.Arbitrary<Content> {
  const doc = JSON.parse(real) as Json;
  const structural = fc.tuple(fc.array(coverageEdit, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([edits, indent]) => {
    let value: unknown = doc;
    for (const edit of edits) value = typeof value === 'object' && value !== null && !Array.isArray(value) ? edit(value as Json) : value;
    return JSON.stringify(value, null, indent ? 1 : 0) ?? 'undefined';
  });
  return fc.oneof({ weight: 5, arbitrary: structural }, { weight: 3, arbitrary: textEdits(real) }, { weight: 3, arbitrary: garble(real) }, { weight: 1, arbitrary: fc.constant(real) });
}

// ---------------------------------------------------------------------------------------------
// configuration

const CONFIG_KEYS = ['coverage', 'threshold', 'include', 'exclude', 'sourceRoots', 'testsDir', 'placeholder', 'maxFunctions', 'staleCoverage', 'onGenerate', 'python', 'belowThreshold', 'allowSideEffects'];

/** Values that are plausible for some key and wrong for others; paths that leave the repository. */
const configValue: fc.Arbitrary<unknown> = fc.oneof(
  oddValue,
  fc.constantFrom('tests', 'spec', './tests/', 'tests/unit', '../sentinel', '../sentinel/tests', '/tmp', '/', '.', '..', '', ' ', '~', 'tests\\win', 'te\u0000sts', 'pkg/mod.py', '.git', '.git/hooks', 'node_modules'),
  fc.constantFrom('coverage.json', '../sentinel/coverage.json', '/etc/passwd', 'missing.json', '.', 'pkg', ['coverage.json', 'nope.json'], []),
  fc.constantFrom('**/*.py', '**', '!', '[', '{a,b', '***', '../**', '/**', 'pkg/**', ['pkg/**'], ['**/*.py', '!pkg/**'], [''], ['[']),
  fc.constantFrom('test_value', 'TODO', '', 'a', '\n', 'def', '"', "'", '\\', '.*', 'x'.repeat(10_000), 'é', '\u0000'),
  fc.constantFrom(0, 1, 25, 80, 100, 101, -1, 0.5, 1e9, Number.MAX_SAFE_INTEGER, 'warn', 'error', 'fail', 'stage', 'WARN', true, false, null),
  fc.constantFrom('/usr/bin/python3', 'python3', '/nonexistent/python', '../sentinel/python', 'rm -rf /', ''),
);

const configObject: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...CONFIG_KEYS) }, { weight: 1, arbitrary: fc.constantFrom('treshold', 'Threshold', 'tests_dir', 'source-roots', '', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a.b', '0') }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  configValue,
  { maxKeys: 4 },
);

/** Settings of the right type with values that reach outside the repository or are odd in other ways. */
const wellTypedConfig: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    testsDir: fc.constantFrom('tests', 'spec', './tests/', 'tests/unit', '../sentinel', '../sentinel/tests', 'tests/../../sentinel', '/tmp', '.', '~', '.git', 'pkg', 'tests\\win'),
    coverage: fc.constantFrom('coverage.json', '../sentinel/coverage.json', '/etc/passwd', 'pkg', ['missing.json', 'coverage.json']),
    sourceRoots: fc.constantFrom(['src', '.'], ['..'], ['/'], ['pkg'], ['../sentinel']),
    placeholder: fc.constantFrom('test_value', 'TODO', 'a', 'def', '"', '\\', 'x'.repeat(5000), 'é'),
    include: fc.constantFrom(['**/*.py'], ['pkg/**'], ['../**'], ['['], ['**']),
    exclude: fc.constantFrom([], ['pkg/mod.py'], ['**'], ['tests/**']),
    threshold: fc.constantFrom(0, 50, 100, 99.99),
    maxFunctions: fc.constantFrom(1, 2, 1000),
    onGenerate: fc.constantFrom('fail', 'stage', 'warn'),
    staleCoverage: fc.constantFrom('warn', 'error'),
    belowThreshold: fc.constantFrom('warn', 'error'),
    allowSideEffects: fc.boolean(),
  },
  { requiredKeys: [] },
);

function tomlValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : '-inf';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return '"null"';
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value as Json).map(([k, v]) => `${JSON.stringify(k)} = ${tomlValue(v)}`).join(', ')} }`;
  return JSON.stringify(String(value));
}

function yamlValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** A configuration file (where it lives and what it says), damaged or with odd values. */
export const damagedConfig: fc.Arbitrary<{ files: CaseFile[]; argv: string[] }> = fc
  .tuple(
    fc.constantFrom('.smarttestrc.json', '.smarttestrc', '.smarttestrc.yaml', '.smarttestrc.yml', 'pyproject.toml', 'package.json', 'pkg/.smarttestrc.json', 'cfg/custom.toml', 'cfg/custom.json', 'cfg/custom.yaml', 'cfg/custom.ini', 'cfg'),
    fc.oneof(configObject, wellTypedConfig),
    fc.oneof({ weight: 3, arbitrary: fc.constant<'clean' | 'garble'>('clean') }, { weight: 2, arbitrary: fc.constant<'clean' | 'garble'>('garble') }),
    fc.nat(),
  )
  .chain(([place, settings, mode, salt]) => {
    let text: string;
    if (place.endsWith('.toml')) {
      const body = Object.entries(settings).map(([k, v]) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)} = ${tomlValue(v)}`).join('\n');
      text = place === 'pyproject.toml' ? `[project]\nname = "demo"\n\n[tool.smarttest]\n${body}\n` : `${body}\n`;
    } else if (place.endsWith('.yaml') || place.endsWith('.yml') || (place === '.smarttestrc' && salt % 2 === 0)) {
      text = Object.entries(settings).map(([k, v]) => `${JSON.stringify(k)}: ${yamlValue(v)}`).join('\n') + '\n';
    } else if (place === 'package.json') {
      text = JSON.stringify({ name: 'demo', smarttest: salt % 5 === 0 ? 'not a table' : settings }, null, 2);
    } else {
      text = JSON.stringify(salt % 7 === 0 ? [settings] : settings, null, 2);
    }
    const content: fc.Arbitrary<Content> = mode === 'garble' ? garble(text) : fc.constant(text);
    return content.map((c) => {
      // "cfg" is a folder named by --config; custom files are only reached through --config.
      if (place === 'cfg') return { files: [['cfg/x.json', c] as const], argv: ['--config', 'cfg'] };
      const explicit = place.startsWith('cfg/') ? ['--config', place] : salt % 11 === 0 ? ['--config', salt % 2 ? 'missing.json' : '../sentinel/keep.txt'] : [];
      return { files: [[place, c] as const], argv: explicit };
    });
  });

// ---------------------------------------------------------------------------------------------
// Python source

const FUNCTION = `

def added(x, y=1):
    """New.

    >>> added(2)
    3
    """
    if x > 10:
        return x
    return x + y
`;

/** Python text that breaks a parser or a reader in some way. */
const pythonDamage: fc.Arbitrary<(base: string) => Content> = fc.oneof(
  fc.constantFrom(
    (b: string) => `${b}\ndef broken(:\n    return\n`,
    (b: string) => `${b}\ndef f(x):\nreturn x\n`,
    (b: string) => `${b}\n    def indented(x):\n        return x\n`,
    (b: string) => `${b}\nclass C:\n    def m(self, x:\n`,
    (b: string) => `${b}\ndef s():\n    return """unterminated\n`,
    (b: string) => `${b}\ndef s():\n    return f"{x!r:{y}}{'{'}" + b"\\xff" + rb'\\d' + u'é'\n`,
    (b: string) => `${b}\nasync def a(x):\n    await x\n    async with x as y:\n        yield y\n`,
    (b: string) => `${b}\ndef g(a, /, b, *, c=lambda: (yield), **k) -> "Box":\n    match a:\n        case [1, *rest] if rest: return rest\n        case _: return None\n`,
    (b: string) => `${b}\n@decorator(1)\n@other\ndef deco(x):\n    return x\n`,
    (b: string) => `${b}\ndef ünïcode(ß, 变量=1):\n    return ß + 变量\n`,
    (b: string) => `${b}\ndef tabs(x):\n\tif x:\n\t\treturn 1\n        return 2\n`,
    (b: string) => `${b.replace(/\n/g, '\r\n')}\r\ndef crlf(x):\r\n    return x\n    # mixed\r\n`,
    (b: string) => `${b}\rdef lone_cr(x):\r    return x\r`,
    (b: string) => `# -*- coding: latin-1 -*-\n${b}\ndef latin(x):\n    return "caf\xe9"\n`,
    (b: string) => `# -*- coding: klingon -*-\n${b}`,
    (b: string) => `# vim: set fileencoding=utf-16 :\n${b}`,
    (b: string) => `#!/usr/bin/env python\n# coding=ascii\n${b}\ndef e():\n    return "é"\n`,
    (b: string) => `${b}\ndef nul(x):\n    return "\u0000"\n\u0000\n`,
    (b: string) => `${b}\ndef long(x):\n    return ${'x + '.repeat(50_000)}x\n`,
    (b: string) => `${b}\nX = "${'y'.repeat(1_000_000)}"\n`,
    (b: string) => `${b}\n${'#'.repeat(2_000_000)}\n`,
    (b: string) => `${b}\n${Array.from({ length: 3000 }, (_, i) => `def f${i}(x):\n    if x:\n        return ${i}\n    return -${i}\n`).join('\n')}`,
    (b: string) => `${b}\n${Array.from({ length: 120 }, (_, i) => `${'    '.repeat(i)}def d${i}(x):`).join('\n')}\n${'    '.repeat(120)}return x\n`,
    (b: string) => `${b}\n${Array.from({ length: 60 }, (_, i) => `${'    '.repeat(i)}class K${i}:`).join('\n')}\n${'    '.repeat(60)}def m(self):\n${'    '.repeat(61)}return 1\n`,
    (b: string) => `${b}\nx = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
    (b: string) => `${b}\ndef deep(x):\n    return ${'['.repeat(3000)}${']'.repeat(3000)}\n`,
    (b: string) => `${b}\ndef empty():\n`,
    (b: string) => `${b}\ndef only_doc():\n    """>>> only_doc()\n    Traceback (most recent call last):\n    ValueError"""\n`,
    (b: string) => `${b}\ndef bad_doc():\n    """\n    >>> @register(r"\\d+")\n    ... def handler(text): ...\n    >>> bad_doc(\n    >>> )))\n    """\n    return 1\n`,
    (b: string) => `${b}\ndef test_value():\n    return "test_value"\n`,
    (b: string) => `${b}\n# smart-test: target=add code=0 test=0\ndef fake():\n    return 1\n`,
    (b: string) => b.replace('def add', 'def  add').replace('return a + b', 'return a - b'),
    () => '',
    () => '\n\n\n',
    () => 'def',
  ),
  fc.constantFrom(...INVALID_UTF8).map((bad) => (b: string) => concat(utf8(`${b}\ndef bytes_(x):\n    return "`), bad, utf8('"\n'))),
  fc.constant((b: string) => concat(BOM, utf8(b))),
  fc.constant((b: string) => concat(BOM, utf8(`# -*- coding: latin-1 -*-\n${b}`))),
  fc.constant((b: string) => concat(new Uint8Array([0xff, 0xfe]), new Uint8Array(Buffer.from(`# -*- coding: utf-16 -*-\n${b}`, 'utf16le')))),
  fc.uint8Array({ maxLength: 200 }).map((junk) => (b: string) => concat(utf8(b), junk)),
);

/** A staged Python module: the base module changed (usually a new uncovered function) and damaged. */
export function damagedSource(base: string): fc.Arbitrary<Content> {
  return fc.oneof(
    { weight: 6, arbitrary: pythonDamage.map((damage) => damage(`${base}${FUNCTION}`)) },
    { weight: 2, arbitrary: garble(`${base}${FUNCTION}`) },
    { weight: 1, arbitrary: fc.constant(`${base}${FUNCTION}`) },
  );
}

// ---------------------------------------------------------------------------------------------
// staged test files

const PLACEHOLDER_SNIPPETS = [
  'assert f(1) == "test_value"',
  "x = 'test_value'  # smart-test: allow-placeholder",
  '# test_value in a comment only',
  'x = f"{test_value}"',
  'x = f"{\'test_value\'}"',
  'x = f"{x:test_value}"',
  'x = f"a{f"{\'test_value\'}"}b"',
  'x = b"test_value"',
  "x = rb'test_value'",
  'x = """\ntest_value\n"""',
  'x = """test_value',
  "x = 'test_value",
  'x = "te" "st_value"',
  'x = "test_\\\nvalue"',
  'x = "\\x74est_value"',
  'test_value = 1',
  'def test_value(): pass',
  'x = t"{y}test_value"',
  'x = "test_value" "test_value" "test_value"',
  '@pytest.mark.parametrize("v", ["test_value"])\ndef test_p(v):\n    assert v',
  'x = "%s" % "test_value"  # smart-test: allow-placeholder extra',
  '"""Module docstring test_value"""',
  'x = "tëst_value"',
  'x = "TEST_VALUE"',
];

/** A test file a user stages, with the placeholder in odd places and other damage. */
export const damagedTestFile: fc.Arbitrary<Content> = fc
  .tuple(fc.array(fc.constantFrom(...PLACEHOLDER_SNIPPETS), { minLength: 0, maxLength: 5 }), fc.nat({ max: 9 }))
  .chain(([snippets, style]) => {
    const body = snippets.map((s, i) => (i % 2 === 0 ? s : `def test_${i}():\n    ${s.replace(/\n/g, '\n    ')}\n`)).join('\n');
    const text = `import pytest\nfrom pkg.mod import add\n\n\n${body}\n\ndef test_add():\n    assert add(1, 2) == 3\n`;
    if (style < 5) return fc.constant<Content>(text);
    return garble(text);
  });

/** Ways a test file smart-test wrote gets changed by hand or by a merge. */
export function damagedGeneratedFile(generated: string): fc.Arbitrary<Content> {
  const lines = generated.split('\n');
  const markers = lines.map((l, i) => (l.startsWith('# smart-test: target=') ? i : -1)).filter((i) => i >= 0);
  const markerAt = fc.constantFrom(...(markers.length > 0 ? markers : [0]));
  const edit = (f: (ls: string[], i: number) => string[]) => markerAt.map((i) => f([...lines], i).join('\n'));
  return fc.oneof(
    fc.constant(generated),
    // A person edits a block's body: the block must then never change.
    edit((ls, i) => {
      ls.splice(i + 2, 0, '    # checked by hand', '    assert True');
      return ls;
    }),
    edit((ls, i) => {
      ls[i + 1] = `${ls[i + 1]}  # renamed`;
      return ls;
    }),
    // Damaged markers: hashes cut, target changed, the def removed, CRLF, duplicated.
    edit((ls, i) => {
      ls[i] = ls[i]!.replace(/test=[0-9a-f]+/, 'test=');
      return ls;
    }),
    edit((ls, i) => {
      ls[i] = ls[i]!.replace(/code=[0-9a-f]+/, 'code=zz');
      return ls;
    }),
    edit((ls, i) => {
      ls[i] = ls[i]!.replace(/target=\S+/, 'target=gone.away');
      return ls;
    }),
    edit((ls, i) => {
      ls[i] = ls[i]!.replace(/target=\S+/, 'target=../../sentinel');
      return ls;
    }),
    edit((ls, i) => {
      ls.splice(i + 1, 1);
      return ls;
    }),
    edit((ls, i) => {
      ls.splice(i, 0, ls[i]!);
      return ls;
    }),
    edit((ls, i) => {
      ls[i] = `    ${ls[i]}`;
      return ls;
    }),
    edit((ls, i) => {
      ls.splice(i + 1, 0, '<<<<<<< HEAD', '=======', '>>>>>>> branch');
      return ls;
    }),
    edit((ls, i) => {
      ls[i + 1] = ls[i + 1]!.replace('def ', 'async def ');
      return ls;
    }),
    fc.constant(generated.replace(/\n/g, '\r\n')),
    fc.constant(generated.replace(/^"""Tests for \S+/, '"""Tests for other.module')),
    fc.constant(generated.replace(/^"""[^\n]*/, '"""Tests by a person.')),
    fc.constant(`${generated}\n\ndef test_mine():\n    assert "test_value"\n`),
    fc.constant(`${generated}\n# smart-test: target=add code=123 test=456\n`),
    fc.constant(`${generated}\n# smart-test: target=add code=123 test=456\ndef test_user_wrote_this():\n    assert 1\n`),
    fc.constant(generated.replace(/^import pytest\n/m, '')),
    // The user's own lines in a legacy encoding (Latin-1, cp1252 quotes): the bytes must survive.
    fc.constant(concat(utf8(generated), new Uint8Array(Buffer.from('\n# caf\xe9 au lait, written by hand\n', 'latin1')))),
    fc.constant(concat(utf8(`${generated}\n\ndef test_mine():\n    assert "`), new Uint8Array([0x93, 0x71, 0x94]), utf8('"\n'))),
    fc.constant(concat(BOM, utf8(`${generated}\n# café\n`))),
    garble(generated),
  );
}
