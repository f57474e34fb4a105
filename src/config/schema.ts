// zod/mini: the same checks as zod's chained API, but tree-shakable: the classic `zod` entry
// point bundles every locale (~450 kB) and costs ~50 ms to load on every commit.
import * as z from 'zod/mini';
import { SmartTestError } from '../errors.js';
import {
  EXPECTED,
  configInvalid,
  configNotATable,
  unknownSettingSentence,
  validSettingsSentence,
  wrongValueSentence,
} from '../report/messages/config.js';
import { CONFIG_KEYS, DEFAULT_CONFIG } from './defaults.js';
import type { Config } from './model.js';
import { closestKey } from './suggest.js';

export { CONFIG_KEYS, DEFAULT_CONFIG } from './defaults.js';

const text = z.string().check(z.minLength(1));
const textList = () => z.array(text);

/**
 * The configuration file schema: every key optional (a missing key takes its default), no
 * other key allowed. `coverage` may be one path or a list; it is always a list after parsing.
 * Importing this module loads zod, so load.ts imports it only when a configuration file exists.
 */
export const configSchema = z.strictObject({
  coverage: z._default(
    z.pipe(
      z.union([text, z.array(text).check(z.minLength(1))]),
      z.transform((v: string | string[]) => (typeof v === 'string' ? [v] : v)),
    ),
    () => [...DEFAULT_CONFIG.coverage],
  ),
  threshold: z._default(z.number().check(z.gte(0), z.lte(100)), DEFAULT_CONFIG.threshold),
  include: z._default(textList(), () => [...DEFAULT_CONFIG.include]),
  exclude: z._default(textList(), () => [...DEFAULT_CONFIG.exclude]),
  sourceRoots: z._default(textList(), () => [...DEFAULT_CONFIG.sourceRoots]),
  testsDir: z._default(text, DEFAULT_CONFIG.testsDir),
  placeholder: z._default(text, DEFAULT_CONFIG.placeholder),
  maxFunctions: z._default(z.int().check(z.gte(1)), DEFAULT_CONFIG.maxFunctions),
  staleCoverage: z._default(z.enum(['warn', 'error']), DEFAULT_CONFIG.staleCoverage),
  onGenerate: z._default(z.enum(['fail', 'stage', 'warn']), DEFAULT_CONFIG.onGenerate),
  python: z._default(z.nullable(text), DEFAULT_CONFIG.python),
  belowThreshold: z._default(z.enum(['warn', 'error']), DEFAULT_CONFIG.belowThreshold),
  allowSideEffects: z._default(z.boolean(), DEFAULT_CONFIG.allowSideEffects),
  coverageData: z._default(z.union([text, z.literal(false), z.null()]), DEFAULT_CONFIG.coverageData),
  changedLines: z._default(z.enum(['cover', 'ignore']), DEFAULT_CONFIG.changedLines),
  searchBudget: z._default(z.number().check(z.gte(0), z.lte(600)), DEFAULT_CONFIG.searchBudget),
  searchRunBudget: z._default(z.number().check(z.gte(0), z.lte(3600)), DEFAULT_CONFIG.searchRunBudget),
});

/** Compile-time proof that the schema produces exactly a Config. */
const _sameShape: (c: z.output<typeof configSchema>) => Config = (c) => c;
void _sameShape;

const LIST_KEYS = new Set(['coverage', 'include', 'exclude', 'sourceRoots']);

/** A short description of a value found in a configuration file: `the string "80"`, `a list of 2 items`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the value ${String(value)}`;
  if (typeof value === 'bigint') return `the number ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value instanceof Date) return 'a date';
  return 'a table (nested settings)';
}

function problemWith(key: string, value: unknown): string {
  const expected = EXPECTED[key] ?? 'valid';
  if (LIST_KEYS.has(key) && Array.isArray(value)) {
    const bad = value.findIndex((item) => typeof item !== 'string' || item === '');
    if (bad >= 0) return wrongValueSentence(key, expected, describeValue(value[bad]), bad);
  }
  return wrongValueSentence(key, expected, describeValue(value), null);
}

function isPlainTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Checks raw settings from a configuration file and applies the defaults. `source` names the
 * file in messages (see describeConfigSource). Every problem in the file is reported in one
 * SmartTestError paragraph: unknown keys first (with the closest valid key when one is close),
 * then wrong values (what was expected and what was found).
 */
export function validateConfig(raw: unknown, source: string): Config {
  if (!isPlainTable(raw)) throw new SmartTestError(configNotATable(source, describeValue(raw)));
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const unknown: string[] = [];
  const wrong = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') unknown.push(...issue.keys);
    else if (typeof issue.path[0] === 'string') wrong.add(issue.path[0]);
  }
  const sentences: string[] = [];
  for (const key of unknown) sentences.push(unknownSettingSentence(key, closestKey(key, CONFIG_KEYS)));
  if (unknown.length > 0) sentences.push(validSettingsSentence(CONFIG_KEYS));
  for (const key of CONFIG_KEYS) if (wrong.has(key)) sentences.push(problemWith(key, raw[key]));
  if (sentences.length === 0) sentences.push(result.error.issues.map((i) => i.message).join('; '));
  throw new SmartTestError(configInvalid(source, sentences));
}
