import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { examplesForName, formatExamples, regexUses, stringsMatching, toJsRegex, withFormats, type PyPattern } from '../../../src/generate/infer/formats.js';
import { strValue } from '../../../src/generate/infer/python-literal.js';
import { parsePython } from '../../../src/python/structure.js';
import { requirePython } from '../../helpers/python.js';

/** Runs a Python snippet with JSON on stdin and returns its JSON output. */
function python(code: string, input: unknown): unknown {
  const result = spawnSync(requirePython(), ['-c', code], { input: JSON.stringify(input), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

const PATTERNS: PyPattern[] = [
  { pattern: '^(?P<major>\\d+)\\.(?P<minor>\\d+)(?:\\.(?P<patch>\\d+))?$', flags: '' },
  { pattern: '[A-Z]{3}-\\d{4}', flags: '' },
  { pattern: '\\A[a-z_][a-z0-9_]*\\Z', flags: '' },
  { pattern: '(?P<q>[\'"])\\w+(?P=q)', flags: '' },
  { pattern: '(?i)hello,\\s(world|there)!?', flags: '' },
  { pattern: 'abc', flags: 'i' },
  { pattern: '[^@\\s]+@[^@\\s]+\\.[a-z]{2,}', flags: '' },
  { pattern: '\n  (\\d{4})  # year\n  -(\\d{2})  # month\n', flags: 'x' },
  { pattern: 'x{,3}y', flags: '' },
  { pattern: '(?:[0-9a-f]{8})-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}', flags: '' },
  { pattern: '#(?#a comment)[0-9A-Fa-f]{6}', flags: '' },
  { pattern: '[]a-c]+', flags: '' },
  { pattern: '(?=\\d)\\w+\\b', flags: '' },
  { pattern: 'v(?i:ERSION)\\s*=\\s*\\d', flags: '' },
];

describe('patterns in Python syntax', () => {
  it('are translated to JavaScript: named groups, back-references, anchors, inline flags, verbose, {,n}', () => {
    expect(toJsRegex({ pattern: '(?P<a>x)(?P=a)', flags: '' })).toEqual({ source: '(x)(?:\\1)', flags: '' });
    expect(toJsRegex({ pattern: '\\Aab\\Z', flags: '' })).toEqual({ source: '^ab$', flags: '' });
    expect(toJsRegex({ pattern: '(?is)a.b', flags: '' })).toEqual({ source: 'a.b', flags: 'is' });
    expect(toJsRegex({ pattern: ' a  b # c\n', flags: 'x' })).toEqual({ source: 'ab', flags: '' });
    expect(toJsRegex({ pattern: 'a{,2}', flags: '' })?.source).toBe('a{0,2}');
    expect(toJsRegex({ pattern: '[ #]', flags: 'x' })?.source).toBe('[ #]');
  });

  it('are skipped when JavaScript lacks what they use', () => {
    for (const pattern of ['(?>ab)c', 'a++', '(a)?(?(1)b|c)', '\\N{EM DASH}', '(?P=nope)', '[abc']) {
      expect(toJsRegex({ pattern, flags: '' }), pattern).toBeNull();
    }
  });
});

/** Patterns composed at random (seeded) from pieces Python and JavaScript read alike, plus Python's own syntax. */
function randomPatterns(count: number): PyPattern[] {
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const atoms = ['a', '\\d', '\\w', '[a-f]', '[^,\\s]', '\\.', '-', '[0-9A-Z_]', 'x|yz', '\\s', '.'];
  const quantifiers = ['', '', '?', '*', '+', '{2}', '{1,3}', '{,2}', '+?'];
  const out: PyPattern[] = [];
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    let named = 0;
    for (let k = 0, n = 1 + next(5); k < n; k++) {
      const atom = atoms[next(atoms.length)]!;
      const group = next(4);
      const quantifier = quantifiers[next(quantifiers.length)]!;
      if (group === 0) parts.push(`(?P<g${++named}>${atom})${quantifier}`);
      else if (group === 1 && named > 0) parts.push(`(?P=g${1 + next(named)})`);
      else if (group === 2) parts.push(`(?:${atom})${quantifier}`);
      else parts.push(atom.includes('|') ? `(?:${atom})` : `${atom}${quantifier}`);
    }
    out.push({ pattern: `${next(2) ? '\\A' : '^'}${parts.join('')}${next(2) ? '\\Z' : '$'}`, flags: next(3) === 0 ? 'i' : '' });
  }
  return out;
}

describe('strings generated from a pattern', () => {
  it('fully match the pattern in Python\'s re, the other string does not, and the same pattern gives the same strings', async () => {
    const cases: Array<{ pattern: string; flags: string; matching: string[]; other: string | null }> = [];
    for (const p of [...PATTERNS, ...randomPatterns(80)]) {
      const first = await stringsMatching(p);
      expect(await stringsMatching(p)).toEqual(first);
      expect(first.matching.length, p.pattern).toBeGreaterThan(0);
      cases.push({ ...p, ...first });
    }
    const verdicts = python(
      `import json, re, sys
flags = {'i': re.I, 'm': re.M, 's': re.S, 'x': re.X, 'a': re.A}
out = []
for c in json.load(sys.stdin):
    f = 0
    for ch in c['flags']:
        f |= flags[ch]
    rx = re.compile(c['pattern'], f)
    out.append([[bool(rx.fullmatch(s)) for s in c['matching']], c['other'] is None or not rx.fullmatch(c['other'])])
print(json.dumps(out))`,
      cases,
    ) as Array<[boolean[], boolean]>;
    verdicts.forEach(([matching, other], i) => {
      expect(matching.every(Boolean), `${cases[i]!.pattern}: ${JSON.stringify(cases[i]!.matching)}`).toBe(true);
      expect(other, `${cases[i]!.pattern}: ${JSON.stringify(cases[i]!.other)}`).toBe(true);
    });
  });
});

describe('parameters matched against a pattern', () => {
  it('are found through re.* calls, compiled module and class constants, and names imported from re', async () => {
    const src = [
      'import re',
      'from re import fullmatch',
      'CODE_RE = re.compile(r"[A-Z]{2}\\d{2}", re.IGNORECASE)',
      'WORD = r"[a-z]+"',
      '',
      'def a(code):',
      '    return bool(CODE_RE.fullmatch(code))',
      '',
      'def b(word, other):',
      '    if re.match(WORD, word):',
      '        return 1',
      '    return fullmatch(r"\\d+", other)',
      '',
      'class Parser:',
      '    NAME = re.compile("n(?P<x>\\\\d)")',
      '',
      '    def parse(self, text):',
      '        return self.NAME.search(text)',
      '',
      'def c(text):',
      '    return re.compile(r"x+").match(text)',
      '',
      'DIGITS = "[0-9]+"',
      'DIGITS_RE = re.compile(DIGITS)',
      '',
      'def d(number):',
      '    return DIGITS_RE.fullmatch(number.strip())',
    ].join('\n');
    const mod = await parsePython(src);
    const uses = await regexUses(src, mod.functions);
    const byName = (name: string) => Object.fromEntries(uses.get(mod.functions.find((f) => f.name === name)!) ?? new Map());
    expect(byName('a')).toEqual({ code: [{ pattern: '[A-Z]{2}\\d{2}', flags: 'i' }] });
    expect(byName('b')).toEqual({ word: [{ pattern: '[a-z]+', flags: '' }], other: [{ pattern: '\\d+', flags: '' }] });
    expect(byName('parse')).toEqual({ text: [{ pattern: 'n(?P<x>\\d)', flags: '' }] });
    expect(byName('c')).toEqual({ text: [{ pattern: 'x+', flags: '' }] });
    expect(byName('d')).toEqual({ number: [{ pattern: '[0-9]+', flags: '' }] });
    const examples = await formatExamples(src, mod.functions);
    const code = examples.get(mod.functions.find((f) => f.name === 'a')!)!.get('code')!;
    expect(code.map((v) => v.src)).toEqual(["'AA00'", expect.stringMatching(/^'[A-Za-z]{2}\d{2}'$/), "''"]);
  });

  it('modules without patterns are not parsed and load nothing', async () => {
    const src = 'def f(x):\n    return x\n';
    expect((await regexUses(src, (await parsePython(src)).functions)).size).toBe(0);
  });
});

describe('names with a well-known format', () => {
  it('get valid examples (checked by Python\'s own parsers)', () => {
    const names = ['uuid', 'created_at', 'date', 'start_time', 'tz', 'duration', 'email', 'url', 'ipv6', 'ip', 'host', 'json', 'version', 'semver'];
    const examples = Object.fromEntries(names.map((n) => [n, examplesForName(n).map((s) => strValue(s))]));
    for (const n of names) expect(examples[n]!.length, n).toBeGreaterThan(0);
    const ok = python(
      `import datetime, ipaddress, json, re, sys, urllib.parse, uuid, zoneinfo
e = json.load(sys.stdin)
checks = {
  'uuid': lambda s: uuid.UUID(s),
  'created_at': lambda s: datetime.datetime.fromisoformat(s),
  'date': lambda s: datetime.date.fromisoformat(s),
  'start_time': lambda s: datetime.time.fromisoformat(s),
  'tz': lambda s: zoneinfo.ZoneInfo(s),
  'duration': lambda s: datetime.time.fromisoformat(s),
  'email': lambda s: re.fullmatch(r"[^@\\s]+@[^@\\s]+\\.\\w+", s).group(0),
  'url': lambda s: urllib.parse.urlsplit(s).netloc or 1 / 0,
  'ipv6': lambda s: ipaddress.IPv6Address(s),
  'ip': lambda s: ipaddress.IPv4Address(s),
  'host': lambda s: re.fullmatch(r"[a-z0-9.-]+\\.[a-z]+", s).group(0),
  'json': lambda s: json.loads(s),
  'version': lambda s: re.fullmatch(r"\\d+\\.\\d+\\.\\d+(-[\\w.]+)?(\\+[\\w.]+)?", s).group(0),
  'semver': lambda s: re.fullmatch(r"\\d+\\.\\d+\\.\\d+(-[\\w.]+)?(\\+[\\w.]+)?", s).group(0),
}
out = {}
for name, check in checks.items():
    try:
        check(e[name][0])
        out[name] = True
    except Exception as exc:
        out[name] = repr(exc)
print(json.dumps(out))`,
      examples,
    );
    expect(ok).toEqual(Object.fromEntries(names.map((n) => [n, true])));
  });

  it('come first for string parameters only, and patterns before them', () => {
    const param = (name: string, annotation: string | null = null) => ({ name, kind: 'positional_or_keyword' as const, annotation, default: null });
    const general = [{ src: "'item-1'", origin: 'name' as const }];
    expect(withFormats(param('uuid'), general, undefined, undefined).map((v) => v.src)).toEqual(["'12345678-1234-5678-1234-567812345678'", "'item-1'"]);
    expect(withFormats(param('uuid', 'uuid.UUID'), general, undefined, undefined)).toBe(general);
    expect(withFormats(param('version', 'Optional[str]'), [], [{ src: "'1.0'", origin: 'body' }], undefined).map((v) => v.src)).toEqual(["'1.0'", "'1.2.3'", "'1.2.3-rc.1+build.5'"]);
  });
});
