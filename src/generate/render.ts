import type { ProbeRaise, ProbeReturn } from './probe-model.js';
import type { Candidate } from './infer/candidates.js';
import { pyStr } from './infer/python-literal.js';
import { placeholderComment } from '../report/messages/generate.js';
import type { AmbientSetting } from './ambient.js';

/** A test to write: the candidate call and what it was seen to do (null when not run). */
export interface TestCase {
  candidate: Candidate;
  outcome: ProbeReturn | ProbeRaise | StaticOutcome;
  /** Names of the target module the snippet uses, to import in the test. */
  names: string[];
  /**
   * The observed value or message holds what differs in every run of the test (the run's
   * temporary path, an object's address, a class the test defines): not asserted exactly.
   */
  pathDependent?: boolean;
  /** sys.argv and environment variables the test sets first, as the probe ran the call (see ambient.ts). */
  ambient?: AmbientSetting;
}

/** What a test asserts when the code was not run: a doctest's expected value or exception (its author wrote the call). */
export type StaticOutcome = { outcome: 'static-value'; value: string } | { outcome: 'static-raise'; excType: string };

const BUILTIN_TYPES = new Set(['int', 'float', 'str', 'bytes', 'bool', 'list', 'dict', 'tuple', 'set', 'frozenset', 'complex', 'bytearray', 'range', 'slice', 'type', 'object']);

export interface RenderOptions {
  testName: string;
  module: string;
  placeholder: string;
}

/** The lines of one test function (no marker), indented with four spaces. */
export function renderTest(test: TestCase, opts: RenderOptions): string[] {
  const { candidate, outcome } = test;
  const imports = new Set(test.names);
  const extraImports: string[] = [];
  const body: string[] = [];
  const ambient = test.ambient;
  const patches = ambient ? [...(ambient.argv ? [`monkeypatch.setattr(sys, 'argv', [${ambient.argv.map(pyStr).join(', ')}])`] : []), ...ambient.unsetEnv.map((k) => `monkeypatch.delenv(${pyStr(k)}, raising=False)`)] : [];
  if (ambient?.argv) extraImports.push('import sys');
  body.push(...patches);
  // The probe runs the setup at module level, where a function's `global counter` finds the
  // setup's `counter = 0`; in the test function, that name is declared global first.
  const globals = globalNames(candidate.setup);
  if (globals.length > 0) body.push(`global ${globals.join(', ')}`);
  for (const stmt of candidate.setup) {
    body.push(...stmt.split('\n'));
    // A function or class defined in the test (a sample callable) is followed by a blank line.
    if (/^(async\s+)?(def|class)\s/.test(stmt) && stmt.includes('\n')) body.push('');
  }
  // A coroutine the expression gave (an async property) was run by the probe: the test runs it too.
  const awaited = ((outcome.outcome === 'return' && outcome.awaited) || (outcome.outcome === 'raise' && outcome.phase === 'await')) && !candidate.expr.includes('\n');
  const expr = awaited ? `asyncio.run(${candidate.expr})` : candidate.expr;
  const usesAsyncio = /\basyncio\./.test(expr) || candidate.setup.some((s) => /\basyncio\./.test(s));
  if (usesAsyncio) extraImports.push('import asyncio');
  const exprLines = expr.split('\n');
  const placeholderNote = candidate.placeholder ? `  ${placeholderComment(opts.placeholder)}` : '';

  if (outcome.outcome === 'raise' || outcome.outcome === 'static-raise') {
    const excName = outcome.outcome === 'raise' ? exceptionName(outcome.excType, opts.module, imports, extraImports) : outcome.excType;
    const exact = outcome.outcome === 'raise' && outcome.deterministic && !candidate.placeholder && !test.pathDependent;
    // (`<str() failed>`: the probe's stand-in for a message str() could not give.)
    // A message that differed between runs: the start every run gave (stable-prefix.ts).
    const start = outcome.outcome === 'raise' && !exact && outcome.messagePrefix && !candidate.placeholder && !test.pathDependent ? pyStr(`^${escapeRegex(outcome.messagePrefix)}`) : null;
    const match = exact && outcome.excMessage !== '<str() failed>' ? matchPattern(outcome.excMessage, outcome.hasNotes ?? false) : start;
    // The data the exception carries beyond its message (`err.ctx`), as every run saw it.
    const carried = exact ? (outcome.excAttrs ?? []).filter(([name, text]) => !name.startsWith('_') && !outcome.excMessage.includes(text)) : [];
    body.push(`with pytest.raises(${excName}${match ? `, match=${match}` : ''})${carried.length > 0 ? ' as excinfo' : ''}:`);
    body.push(`    ${exprLines[0]}${placeholderNote}`, ...exprLines.slice(1).map((l) => `    ${l}`));
    body.push(...attributeAsserts('excinfo.value', carried));
  } else {
    body.push(`result = ${exprLines[0]}${placeholderNote}`, ...exprLines.slice(1));
    body.push(...assertion(test, opts, imports));
    // What a method call did to its receiver, when it changed it and the result is asserted exactly.
    if (outcome.outcome === 'return' && outcome.receiverState && outcome.deterministic && !candidate.placeholder && !test.pathDependent && !outcome.mentionsTmpPath) body.push(`assert vars(obj) == ${outcome.receiverState}`);
    // Not all plain literals: each attribute the call changed that stayed the same in every run,
    // by value when its repr is a literal, else by its repr (`datetime.time(10, 30)`).
    if (outcome.outcome === 'return' && outcome.receiverAttrs && !candidate.placeholder && !test.pathDependent) body.push(...attributeAsserts('obj', outcome.receiverAttrs));
    // Arguments the call changed in place, bound to names in the setup (watch-args.ts).
    if (outcome.outcome === 'return' && outcome.argState && candidate.watch && !candidate.placeholder && !test.pathDependent) {
      for (const [name, text, literal] of outcome.argState) if (candidate.watch.includes(name)) body.push(valueAssert(name, text, literal));
    }
  }

  const usesTmpPath = /\btmp_path\b/.test([...candidate.setup, candidate.expr].join('\n'));
  const fixtures = [...(patches.length > 0 ? ['monkeypatch'] : []), ...(usesTmpPath ? ['tmp_path'] : [])];
  const head = [`def ${opts.testName}(${fixtures.join(', ')}):`];
  const importLines = [...extraImports.sort()];
  if (imports.size > 0) importLines.push(`from ${opts.module} import ${[...imports].sort().join(', ')}`);
  const lines = [...importLines, ...(importLines.length > 0 ? [''] : []), ...body];
  return [...head, ...lines.map((l) => (l === '' ? '' : `    ${l}`))];
}

function assertion(test: TestCase, opts: RenderOptions, imports: Set<string>): string[] {
  const { outcome, candidate } = test;
  if (outcome.outcome === 'static-value') return [`assert result == ${outcome.value}`];
  if (outcome.outcome !== 'return') return [];
  const typeCheck = () => {
    const { module, qualname } = outcome.type;
    if (module === 'builtins' && BUILTIN_TYPES.has(qualname)) return `assert isinstance(result, ${qualname})`;
    if (module === opts.module && !qualname.includes('.')) {
      imports.add(qualname);
      return `assert isinstance(result, ${qualname})`;
    }
    return `assert type(result).__qualname__ == ${pyStr(qualname)}`;
  };
  // A result computed from the placeholder is not asserted, nor one that holds the run's tmp_path: only its type.
  if (candidate.placeholder || !outcome.deterministic || outcome.mentionsTmpPath || test.pathDependent) {
    if (outcome.isNone) return ['assert result is None'];
    // A string that differed between runs: the start every run gave (stable-prefix.ts).
    const start = outcome.stablePrefix && !candidate.placeholder && !outcome.mentionsTmpPath && !test.pathDependent ? [`assert result.startswith(${outcome.stablePrefix})`] : [];
    // A container whose items differed between runs: the length every run gave.
    const size = outcome.stableLength !== undefined && !candidate.placeholder && !test.pathDependent ? [`assert len(result) == ${outcome.stableLength}`] : [];
    return [typeCheck(), ...start, ...size];
  }
  if (outcome.isNone) return ['assert result is None'];
  if (outcome.isBool) return [`assert result is ${outcome.repr}`];
  if (outcome.literal && !outcome.reprTruncated && outcome.repr.length <= 2000) {
    // pytest.approx takes a number or a flat list or tuple of numbers: not nested data, and (in
    // pytest before 7.3) not strings or None among them. Anything else is compared exactly
    // (a float's repr gives the same float back).
    const { qualname } = outcome.type;
    const numbers = (qualname === 'list' || qualname === 'tuple') && !/[[({'"N]/.test(outcome.repr.slice(1, -1));
    if (outcome.hasFloat && outcome.type.module === 'builtins' && (qualname === 'float' || numbers)) return [`assert result == pytest.approx(${outcome.repr})`];
    return [`assert result == ${outcome.repr}`];
  }
  if (!outcome.reprTruncated && !outcome.mentionsTmpPath && !/ at 0x[0-9a-fA-F]+/.test(outcome.repr) && outcome.repr.length <= 300 && !outcome.reprError) {
    // Public attributes its repr does not show (an exception's repr shows its args only).
    const hidden = (outcome.resultAttrs ?? []).filter(([name, text]) => !name.startsWith('_') && !outcome.repr.includes(text));
    return [typeCheck(), `assert repr(result) == ${pyStr(outcome.repr)}`, ...attributeAsserts('result', hidden)];
  }
  // An object whose repr says nothing stable: its attributes, when they are all plain literals;
  // else each one every run saw alike (by value, or by its repr).
  if (outcome.resultState) return [typeCheck(), `assert vars(result) == ${outcome.resultState}`];
  if (outcome.resultAttrs) return [typeCheck(), ...attributeAsserts('result', outcome.resultAttrs)];
  return [typeCheck()];
}

/** One assertion per attribute (see valueAssert). */
function attributeAsserts(name: string, attrs: ReadonlyArray<readonly [string, string, boolean]>): string[] {
  return attrs.flatMap(([attr, text, literal]) => {
    // `messages:types`: the type names of a list's items, whose own reprs show nothing stable.
    const typed = /^([A-Za-z_]\w*):types$/.exec(attr);
    if (typed) return [`assert [type(item).__name__ for item in ${name}.${typed[1]}] == ${text}`];
    // `messages:vars`: the same items' attributes, when they are all plain literals.
    const states = /^([A-Za-z_]\w*):vars$/.exec(attr);
    if (states) return [`assert [vars(item) for item in ${name}.${states[1]}] == ${text}`];
    return /^[A-Za-z_]\w*$/.test(attr) ? [valueAssert(`${name}.${attr}`, text, literal)] : [];
  });
}

/** `expr` asserted by value when its repr reads back as the value (None, True, False with `is`), else by its repr. */
function valueAssert(expr: string, text: string, literal: boolean): string {
  if (!literal) return `assert repr(${expr}) == ${pyStr(text)}`;
  return /^(None|True|False)$/.test(text) ? `assert ${expr} is ${text}` : `assert ${expr} == ${text}`;
}

function exceptionName(type: { module: string; qualname: string }, module: string, imports: Set<string>, extraImports: string[]): string {
  if (type.module === 'builtins') return type.qualname;
  if (type.module === module && !type.qualname.includes('.')) {
    imports.add(type.qualname);
    return type.qualname;
  }
  const line = `import ${type.module}`;
  if (!extraImports.includes(line)) extraImports.push(line);
  return `${type.module}.${type.qualname}`;
}

/**
 * A `match=` pattern (pytest searches it in the message): the whole message, anchored at both
 * ends, when it is one line of at most MATCH_WHOLE characters, so a change anywhere in it (a
 * word added to the end of an error text) fails the test; else its first line's first 80
 * characters, anchored at the start (a message whose first line is blank gets none). Regex-escaped.
 */
function matchPattern(message: string, hasNotes: boolean): string | null {
  // Notes follow the message in what pytest 8 searches: the end is not anchored then.
  if (message.trim() !== '' && !/[\r\n]/.test(message) && message.length <= MATCH_WHOLE) return pyStr(`^${escapeRegex(message)}${hasNotes ? '' : '$'}`);
  const first = message.split('\n')[0]!.replace(/\r$/, '').slice(0, 80);
  if (first.trim() === '') return null;
  return pyStr(`^${escapeRegex(first)}`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longest message asserted whole by `match=` (see matchPattern). */
const MATCH_WHOLE = 200;

/** Names a function of the setup declares `global` that the setup itself binds at its top level. */
function globalNames(setup: readonly string[]): string[] {
  const declared = new Set(setup.flatMap((s) => [...s.matchAll(/^[ \t]+global[ \t]+([\w \t,]+)$/gm)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()))));
  const bound = setup.flatMap((s) => s.split('\n')).map((l) => /^([A-Za-z_]\w*)\s*(?:[-+*/%|&^]|\/\/|\*\*)?=(?!=)/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  return [...new Set(bound.filter((n) => declared.has(n)))];
}
