import type { Parameter } from '../../python/model.js';
import { BUILTIN_TYPES, type ModuleTypes, type ParamFacts } from '../../python/facts.js';
import { baseName, parseAnnotation, type TypeExpr } from './annotation.js';
import { classNamed } from './param-types.js';
import { pyStr, strValue } from './python-literal.js';

/** Where a candidate value came from, most trusted first. */
export type Origin = 'body' | 'annotation' | 'default' | 'name' | 'fallback' | 'placeholder';

export interface Value {
  /** Python expression. May use `tmp_path` (pytest's fixture). */
  src: string;
  origin: Origin;
  /** True when the value is (or holds) the placeholder string: nothing better could be inferred. */
  placeholder?: boolean;
  /** Statements the value needs first (an import, a file to exist). */
  setup?: string[];
}

/** A small text file in the test's tmp_path, for parameters that name a file to read. */
const EXAMPLE_FILE = ["(tmp_path / 'example.txt').write_text('hello world\\n')"];

export interface InferContext {
  placeholder: string;
  types: ModuleTypes;
}

const MAX_VALUES = 8;
/** Objects with a single one of the attributes the body asks a parameter whether it has, at most. */
const MAX_SINGLE_ATTRIBUTES = 4;
/** Fluent properties an instance is also built through, at most. */
const MAX_FLUENT = 2;

/** Types an isinstance check names that cannot be built without arguments (abstract, or a protocol). */
const ABSTRACT_TYPES = new Set(['Callable', 'Hashable', 'Sized', 'Container', 'Awaitable', 'Coroutine', 'AsyncIterable', 'AsyncIterator', 'Generator', 'Reversible', 'Number', 'Integral', 'Real', 'Rational', 'Complex', 'type', 'ABC', 'ABCMeta', 'Protocol', 'function', 'FunctionType', 'MethodType', 'ModuleType', 'BuiltinFunctionType', 'LambdaType', 'GeneratorType', 'CodeType', 'FrameType', 'TracebackType']);

/** Format specifications: decimals and thousands (numbers), a width and none (anything). */
const FORMAT_SPECS = ["'.2f'", "','", "'>8'", "''"];
/** strftime formats: a date, a time, both. */
const TIME_FORMATS = ["'%Y-%m-%d'", "'%H:%M:%S'", "'%Y-%m-%dT%H:%M:%S'"];

/**
 * Candidate values for one parameter, most trusted first: literals the body compares it with
 * and branch boundaries, `isinstance` partitions, prefixes and keys; then its annotation; its
 * default; its name; and only then, for a string nothing else describes, the placeholder.
 */
export function parameterValues(param: Parameter, facts: ParamFacts | undefined, ctx: InferContext, depth = 0): Value[] {
  const out: Value[] = [];
  // Values kept beyond MAX_VALUES (the single-attribute objects below).
  let room = 0;
  const placeholderLiteral = pyStr(ctx.placeholder);
  const add = (src: string, origin: Origin, placeholder = false, setup?: string[]) => {
    if (out.some((v) => v.src === src && (v.setup ?? []).join() === (setup ?? []).join())) return;
    const value: Value = { src, origin };
    // A container built around the placeholder rests on it too.
    if (placeholder || src.includes(placeholderLiteral)) value.placeholder = true;
    if (setup) value.setup = setup;
    out.push(value);
  };
  const type = param.annotation ? parseAnnotation(param.annotation) : null;
  const nameHint = fromName(param.name);

  if (facts) {
    for (const lit of facts.literals) add(lit, 'body');
    // A type compared with builtin types (`valtype is float`): one none of them is, for the branch after them.
    if (facts.literals.some((l) => BUILTIN_TYPES.has(l))) add('object', 'body');
    for (const b of facts.boundaries) add(b, 'body');
    for (const p of facts.prefixes) {
      const v = strValue(p);
      if (v !== null) add(pyStr(`${v}${nameHint.word ?? 'value'}`), 'body');
    }
    for (const s of facts.suffixes) {
      const v = strValue(s);
      if (v !== null) add(pyStr(`${nameHint.word ?? 'value'}${v}`), 'body');
    }
    for (const c of facts.contains) {
      const v = strValue(c);
      if (v === null) continue;
      add(pyStr(`a${v}b`), 'body');
      // Converted to a number too (`',' in val`, then `float(val.replace(',', ''))`): a number's text holding it.
      if (facts.uses.has('to-number')) add(pyStr(`1${v}000`), 'body');
    }
    // A format specification or a strftime format the body passes on: valid ones, each a path of its own.
    if (facts.uses.has('format-spec')) for (const spec of FORMAT_SPECS) add(spec, 'body');
    if (facts.uses.has('time-format')) for (const format of TIME_FORMATS) add(format, 'body');
    if (facts.keys.length > 0) add(`{${facts.keys.map((k) => `${k}: ${k.startsWith("'") || k.startsWith('"') ? "'value'" : '1'}`).join(', ')}}`, 'body');
    // One value of each checked type before a second one of any: each branch gets its value.
    const byType = facts.isinstanceTypes.map((t) => isinstanceValues(t, param.name, facts, ctx, depth));
    for (let rank = 0; byType.some((values) => rank < values.length); rank++) {
      for (const values of byType) if (values[rank]) add(values[rank]!.src, 'body', values[rank]!.placeholder, values[rank]!.setup);
    }
    if (facts.minLength !== null && facts.uses.has('iterable') && !facts.uses.has('str')) {
      add(`[${Array.from({ length: facts.minLength + 1 }, (_, i) => i + 1).join(', ')}]`, 'body');
    }
  }

  const typed = type ? valuesOfType(type, param.name, ctx, depth) : [];
  for (const v of typed) add(v.src, v.placeholder ? 'placeholder' : 'annotation', v.placeholder, v.setup);
  if (param.default !== null && param.default !== 'None') add(param.default, 'default');

  // Unannotated, or an annotation this reader cannot build a value of: the name and the body's use decide.
  if (typed.length === 0) {
    const uses = facts?.uses ?? new Set();
    // Decoded (`text.decode(...)`): bytes, one valid UTF-8 and one not (for the fallback branch).
    if (uses.has('bytes') && !uses.has('str')) {
      add("b'hello world'", 'body');
      add("b'caf\\xe9 \\xff'", 'body');
    }
    if (nameHint.values.length > 0) for (const v of nameHint.values) add(v, 'name', false, nameHint.file ? EXAMPLE_FILE : nameHint.setup);
    if (uses.has('str')) {
      if (nameHint.word) add(pyStr(nameHint.word), 'name');
    } else if (uses.has('dict')) add("{'key': 'value'}", 'fallback');
    // An object read only through its attributes (an argparse Namespace, a config): one with those attributes.
    else if (facts?.attributes && facts.attributes.length > 0 && !uses.has('list') && !uses.has('iterable')) {
      const fields = facts.attributes.map((a) => `${a}=${fromName(a).values[0] ?? 'None'}`);
      add(`types.SimpleNamespace(${fields.join(', ')})`, 'body', false, ['import types']);
      // And one with each attribute the body asks about alone (a value that is not None): a body
      // asking which it has (`if hasattr(node, 'id'): ... if hasattr(node, 'name'): ...`) takes each branch.
      const probed = facts.probedAttributes ?? [];
      if (probed.length > 1) {
        for (const a of probed.slice(0, MAX_SINGLE_ATTRIBUTES)) {
          add(`types.SimpleNamespace(${a}=${fromName(a).values[0] ?? pyStr(a)})`, 'body', false, ['import types']);
          room++;
        }
      }
    }
    else if (uses.has('list') || uses.has('iterable')) add('[1, 2, 3]', 'fallback');
    else if (uses.has('int') || uses.has('number')) add('3', 'fallback');
    else if (uses.has('callable')) add('len', 'fallback');
    if (out.length === 0) {
      // Nothing describes it: try a number and a word, and let running the candidates decide.
      add('1', 'fallback');
      add(pyStr(nameHint.word ?? 'text'), 'fallback');
    }
  }
  if (param.default === 'None' || (facts?.uses.has('none') ?? false)) add('None', 'default');
  // A body that asks whether its argument has an attribute (`getattr(iterable, 'index', None)`)
  // takes another path for one that lacks it: the first list's items as an iterator, which has
  // none, right after that list (the calls around a second value try it with the others).
  const at = (facts?.probedAttributes?.length ?? 0) > 0 ? out.findIndex((v) => !v.placeholder && /^\[.+\]$/.test(v.src)) : -1;
  if (at >= 0 && !out.some((v) => v.src === `iter(${out[at]!.src})`)) {
    const list = out[at]!;
    out.splice(at + 1, 0, { src: `iter(${list.src})`, origin: 'body', ...(list.setup ? { setup: list.setup } : {}) });
    room++;
  }
  if (out.length === 0) add(pyStr(ctx.placeholder), 'placeholder', true);
  return out.slice(0, MAX_VALUES + room);
}

/**
 * Values of a type an `isinstance` check names. A class this reader knows nothing of
 * (`isinstance(node, ast.Match)`) is built with the attributes the body reads as keywords (as
 * dataclasses and AST nodes take them), then without arguments; the probe tells which works.
 */
function isinstanceValues(t: string, name: string, facts: ParamFacts, ctx: InferContext, depth: number): Value[] {
  const built = valuesOfType({ kind: 'name', name: t, args: [] }, name, ctx, depth).slice(0, 2);
  if (built.length > 0 || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(t) || ABSTRACT_TYPES.has(baseName(t))) return built;
  const attributes = facts.attributes ?? [];
  // A type from a module the function imports itself is imported for the value too.
  const root = t.split('.')[0]!;
  const setup = facts.localImports?.includes(root) ? { setup: [`import ${root}`] } : {};
  const out: Value[] = [];
  if (attributes.length > 0) out.push({ src: `${t}(${attributes.map((a) => `${a}=[]`).join(', ')})`, origin: 'body', ...setup });
  out.push({ src: `${t}()`, origin: 'body', ...setup });
  const hinted = `${t}(${attributes.map((a) => `${a}=${fromName(a).values[0] ?? '[]'}`).join(', ')})`;
  if (attributes.length > 0 && !out.some((v) => v.src === hinted)) out.push({ src: hinted, origin: 'body', ...setup });
  return out;
}

function valuesOfType(type: TypeExpr, name: string, ctx: InferContext, depth: number): Value[] {
  const v = (src: string, origin: Origin = 'annotation'): Value => ({ src, origin });
  switch (type.kind) {
    case 'literal':
      return type.values.map((s) => v(s));
    case 'union': {
      const lists = type.options.map((o) => valuesOfType(o, name, ctx, depth));
      const merged: Value[] = [];
      for (let i = 0; merged.length < MAX_VALUES && lists.some((l) => i < l.length); i++) {
        for (const l of lists) if (l[i] && !merged.some((m) => m.src === l[i]!.src)) merged.push(l[i]!);
      }
      return merged;
    }
    case 'ellipsis':
    case 'unknown':
      return [];
    case 'name':
      break;
  }
  const base = baseName(type.name);
  const arg = (i: number) => (type.args[i] ? valuesOfType(type.args[i]!, singular(name), ctx, depth + 1) : []);
  const first = (i: number, fallback: string) => arg(i)[0]?.src ?? fallback;
  const hint = fromName(name);
  switch (base) {
    case 'None':
    case 'NoneType':
      return [v('None')];
    case 'int':
      return (hint.ints ?? ['3', '0', '-1', '100']).map((s) => v(s));
    case 'float':
      return (hint.floats ?? ['1.5', '0.0', '-2.5', '1000.0']).map((s) => v(s));
    case 'complex':
      return [v('1+2j')];
    case 'Decimal':
      return [{ src: "decimal.Decimal('1.5')", origin: 'annotation', setup: ['import decimal'] }];
    case 'date':
      return [{ src: 'datetime.date(2024, 1, 31)', origin: 'annotation', setup: ['import datetime'] }];
    case 'datetime':
      return [{ src: 'datetime.datetime(2024, 1, 31, 12, 30)', origin: 'annotation', setup: ['import datetime'] }];
    case 'time':
      return [{ src: 'datetime.time(12, 30)', origin: 'annotation', setup: ['import datetime'] }];
    case 'timedelta':
      return [{ src: 'datetime.timedelta(days=1, hours=2)', origin: 'annotation', setup: ['import datetime'] }, { src: 'datetime.timedelta(seconds=30)', origin: 'annotation', setup: ['import datetime'] }];
    case 'bool':
      return [v('True'), v('False')];
    case 'str':
    case 'AnyStr':
    case 'LiteralString': {
      if (hint.strings.length > 0) return hint.strings.flatMap((s) => (hint.file ? [{ src: s, origin: 'name' as const, setup: EXAMPLE_FILE }, v(s, 'name')] : [v(s, 'name')]));
      return [{ src: pyStr(ctx.placeholder), origin: 'placeholder', placeholder: true }];
    }
    case 'bytes':
    case 'bytearray':
      return [v("b'abc'"), v("b''")];
    case 'list':
    case 'List':
    case 'Sequence':
    case 'MutableSequence':
    case 'Iterable':
    case 'Collection':
    case 'Iterator':
      return [v(`[${first(0, '1')}, ${arg(0)[1]?.src ?? first(0, '2')}]`), v('[]')];
    case 'set':
    case 'Set':
    case 'frozenset':
    case 'FrozenSet':
    case 'AbstractSet':
    case 'MutableSet':
      return [v(`{${first(0, '1')}}`), v('set()')];
    case 'tuple':
    case 'Tuple':
      if (type.args.length === 2 && type.args[1]!.kind === 'ellipsis') return [v(`(${first(0, '1')},)`), v('()')];
      if (type.args.length > 0) return [v(`(${type.args.map((_, i) => first(i, '1')).join(', ')}${type.args.length === 1 ? ',' : ''})`)];
      return [v('(1, 2)')];
    case 'dict':
    case 'Dict':
    case 'Mapping':
    case 'MutableMapping':
    case 'OrderedDict':
    case 'defaultdict':
      return [v(`{${first(0, "'key'")}: ${first(1, '1')}}`), v('{}')];
    case 'Path':
    case 'PurePath':
    case 'PathLike':
      return [{ src: "tmp_path / 'example.txt'", origin: 'annotation', setup: EXAMPLE_FILE }, v("tmp_path / 'example.txt'"), v('tmp_path')];
    case 'IO':
    case 'BinaryIO':
    case 'BytesIO':
    case 'TextIO':
    case 'StringIO':
    case 'TextIOWrapper':
    case 'BufferedReader': {
      const binary = base === 'BinaryIO' || base === 'BytesIO' || base === 'BufferedReader' || (base === 'IO' && type.args[0]?.kind === 'name' && type.args[0].name === 'bytes');
      return binary
        ? [{ src: "io.BytesIO(b'#!/usr/bin/env python3\\nprint(1)\\n')", origin: 'annotation', setup: ['import io'] }, { src: "io.BytesIO(b'')", origin: 'annotation', setup: ['import io'] }]
        : [{ src: "io.StringIO('hello world\\n')", origin: 'annotation', setup: ['import io'] }, { src: "io.StringIO('')", origin: 'annotation', setup: ['import io'] }];
    }
    case 'Callable':
      return [v('lambda *args, **kwargs: None')];
    case 'Any':
    case 'object':
      return [v('1'), v(pyStr(hint.word ?? 'text'))];
  }
  const enumMembers = ctx.types.enums.get(type.name) ?? ctx.types.enums.get(base);
  if (enumMembers) return enumMembers.slice(0, MAX_VALUES).map((m) => v(`${type.name}.${m}`));
  const ctor = ctx.types.constructors.get(type.name) ?? ctx.types.constructors.get(base);
  if (ctor && depth < 2) {
    const args: string[] = [];
    for (const p of ctor) {
      if (p.kind === 'var_positional' || p.kind === 'var_keyword' || p.default !== null) continue;
      const value = parameterValues(p, undefined, ctx, depth + 1)[0];
      if (!value) return [];
      args.push(p.kind === 'keyword_only' ? `${p.name}=${value.src}` : value.src);
    }
    const built = `${type.name}(${args.join(', ')})`;
    // Optional parameters that take another class of the module (`scheduler=None` of a `Job`),
    // given one: the instance is then wired as in use (`job.do(f)` registers with its scheduler).
    const wired = [...args];
    for (const p of ctor) {
      if (p.default !== 'None' || p.kind === 'var_positional' || p.kind === 'var_keyword') continue;
      const cls = p.annotation !== null && ctx.types.constructors.has(p.annotation) ? p.annotation : p.annotation === null ? classNamed(p.name, ctx.types) : null;
      if (cls === null || cls === type.name || cls === base) continue;
      const value = valuesOfType({ kind: 'name', name: cls, args: [] }, p.name, ctx, depth + 1)[0];
      if (value && !value.setup) wired.push(`${p.name}=${value.src}`);
    }
    const full = `${type.name}(${wired.join(', ')})`;
    // Then through its first fluent properties (`Job(1).seconds`): in a state the constructor alone does not give.
    const fluent = ctx.types.fluent?.get(type.name) ?? ctx.types.fluent?.get(base) ?? [];
    // The plain instance, then one ready for use (wired, through a fluent property), then the rest.
    const through = fluent.slice(0, MAX_FLUENT).map((p) => v(`${full}.${p}`));
    const out = [v(built), ...through.slice(0, 1), ...(full !== built ? [v(full)] : []), ...through.slice(1)];
    return out;
  }
  return [];
}

interface NameHint {
  /** Readable str values for this name, as Python source. */
  strings: string[];
  /** Values of any type the name suggests, for unannotated parameters. */
  values: string[];
  ints?: string[];
  floats?: string[];
  /** A plain word to build strings from. */
  word?: string;
  /** The name is a file to read: its values come with an example file in tmp_path. */
  file?: boolean;
  /** Statements its values need first (`import io`). */
  setup?: string[];
}

const NAME_RULES: Array<[RegExp, Omit<NameHint, 'values'> & { values?: string[] }]> = [
  [/^(e?mail|email_address|.*_email)$/, { strings: ["'user@example.com'"], word: 'user@example.com' }],
  [/^(url|uri|href|link|endpoint|.*_url)$/, { strings: ["'https://example.com/path?q=1'"], word: 'https://example.com' }],
  [/^(host|hostname|domain)$/, { strings: ["'example.com'"], word: 'example.com' }],
  // An open file: lines of text, the last without its newline (where a reader meets the end).
  [/^(file_obj|fileobj|fobj|fo|fp|fh|stream|file_like|.*_stream|.*_fileobj|.*_fp|.*_fh)$/, { strings: [], values: ["io.StringIO('{\"a\": 1}\\n{\"b\": 2}')"], setup: ['import io'] }],
  [/^(path|file|filename|filepath|fname|file_path|file_name|.*_path|.*_file)$/, { strings: ["str(tmp_path / 'example.txt')"], values: ["tmp_path / 'example.txt'"], word: 'example.txt', file: true }],
  [/^(dir|directory|folder|dirname|root|.*_dir)$/, { strings: ['str(tmp_path)'], values: ['tmp_path'], word: 'folder' }],
  [/^(first_name|last_name|name|username|user|author|owner|person)$/, { strings: ["'Alice'"], word: 'Alice' }],
  [/^(word|noun|singular|plural|term|token)$/, { strings: ["'apple'", "'category'"], word: 'apple' }],
  [/^(text|string|s|msg|message|content|body|line|sentence|phrase|description|title|label|value|val|input|data|raw)$/, { strings: ["'Hello world'", "'hello_world'"], word: 'Hello world' }],
  [/^(sep|separator|delimiter|delim|joiner)$/, { strings: ["', '"], word: ',' }],
  [/^(char|ch|c|character)$/, { strings: ["'a'"], word: 'a' }],
  [/^(prefix)$/, { strings: ["'pre'"], word: 'pre' }],
  [/^(suffix|ending|ext|extension)$/, { strings: ["'.txt'"], word: '.txt' }],
  [/^(lang|language|locale)$/, { strings: ["'en'"], word: 'en' }],
  [/^(encoding|charset)$/, { strings: ["'utf-8'"], word: 'utf-8' }],
  [/^(pattern|regex|regexp|re)$/, { strings: ["'[a-z]+'"], word: 'abc' }],
  [/^(version|ver)$/, { strings: ["'1.2.3'"], word: '1.2.3' }],
  [/^(date|day)$/, { strings: ["'2024-01-31'"], word: '2024-01-31' }],
  [/^(key|field|attr|attribute|column|col|header)$/, { strings: ["'key'"], word: 'key' }],
  [/^(color|colour)$/, { strings: ["'red'"], word: 'red' }],
  [/^(code|country|currency)$/, { strings: ["'US'"], word: 'US' }],
  [/^(phone|phone_number|tel)$/, { strings: ["'+1 555 0100'"], word: '+1 555 0100' }],
  [/^(ip|ip_address|address|addr)$/, { strings: ["'192.0.2.1'"], word: '192.0.2.1' }],
  [/^(uuid|id|identifier|slug)$/, { strings: ["'item-1'"], word: 'item-1' }],
  [/^(json|json_str|json_string|payload)$/, { strings: ['\'{"a": 1}\''], word: '{"a": 1}' }],
  [/^(html|markup)$/, { strings: ["'<p>Hello</p>'"], word: '<p>Hello</p>' }],
  [/^(n|num|number|count|size|length|len|limit|width|height|index|idx|i|j|k|times|depth|level|retries|precision|digits|places|ndigits|port|max_\w+|min_\w+|num_\w+|\w+_count|\w+_size|\w+_len|\w+_length|\w+_index|year|month|hours?|minutes?|seconds?|days?|age|step|offset|start|stop|end|pos|position)$/, { strings: [], ints: ['3', '0', '1', '10', '-1'], values: ['3', '0', '10'] }],
  [/^(x|y|z|a|b|value|amount|price|cost|total|ratio|rate|percent|percentage|fraction|factor|scale|weight|threshold|tolerance|delta|score|temperature|lat|lon|latitude|longitude)$/, { strings: [], floats: ['2.5', '0.0', '-1.5', '100.0'], values: ['2.5', '3', '0'] }],
  [/^(is_|has_|should_|use_|enable|allow|include_|with_|strict|force|verbose|debug|flag|recursive|reverse|quiet|dry_run|capitalize|upper|lower)/, { strings: [], values: ['True', 'False'] }],
  [/^(items|values|elements|seq|sequence|iterable|nums|numbers|lst|list|array|arr|xs|collection)$/, { strings: [], values: ['[3, 1, 2]', '[]'] }],
  [/^(names|words|strings|lines|tags|keys|labels|parts|tokens)$/, { strings: [], values: ["['alpha', 'beta']", '[]'] }],
  [/^(mapping|dict|dct|d|options|opts|config|conf|settings|params|headers|attrs|kwargs|context|ctx|meta|metadata)$/, { strings: [], values: ["{'key': 'value'}", '{}'] }],
  [/^(callback|func|fn|f|function|key_func|keyfunc|predicate|pred|handler|transform|\w+_(fn|func|function|callback|cb|handler|hook))$/, { strings: [], values: ['len'] }],
];

/** What a parameter's name suggests. */
export function fromName(name: string): NameHint {
  // `version1`, `path_2`: numbered names mean what the name does.
  const lower = name.toLowerCase().replace(/^_+/, '').replace(/_?\d+$/, '') || name.toLowerCase();
  for (const [pattern, hint] of NAME_RULES) {
    if (pattern.test(lower)) return { values: hint.values ?? hint.strings, ...hint };
  }
  return { strings: [], values: [] };
}

function singular(name: string): string {
  return name.endsWith('s') ? name.slice(0, -1) : name;
}
