/**
 * Types of unannotated parameters, from what the code says in other ways: the docstring
 * (`:type job: Job`, `:param Job job:`, `:param job: a :class:`Job``, Google's `job (Job):`,
 * NumPy's `job : Job`), or a name that is a class of the module (`job` for `Job`, `token_list`
 * for `TokenList`), or a name that says it (`dt`: a datetime); the `self` of a module function attached to a class by assignment
 * (`Required.check = _check_required`) is that class. A type is taken only when inference can build it: a class of the module, or
 * a plain builtin other than `str`, or a standard library type it builds (`datetime.date`). The parameter then reads as if annotated so, and the annotation's values come
 * first; the name's and the body's still follow.
 */
import type { Parameter, PyFunction } from '../../python/model.js';
import type { ModuleTypes } from '../../python/facts.js';

// Not `str`: an unannotated string parameter gets words from its name and use, where an
// annotated one with a name that says nothing gets the placeholder.
const BUILTINS = new Set(['int', 'float', 'bool', 'bytes', 'list', 'dict', 'tuple', 'set']);
/** Standard library types the annotation reader builds, as a docstring names them (`datetime.date`, `timedelta`). */
const STDLIB = new Set(['date', 'datetime', 'time', 'timedelta', 'Decimal', 'Path', 'complex', 'frozenset', 'bytearray']);

/** `param` with an annotation the docstring or its name gives, or `param` itself. */
export function withInferredType(param: Parameter, fn: Pick<PyFunction, 'docstring'> & Partial<Pick<PyFunction, 'name' | 'kind' | 'parameters'>>, types: ModuleTypes): Parameter {
  if (param.annotation !== null || param.kind === 'var_positional' || param.kind === 'var_keyword') return param;
  // `self` of a module function attached to a class (`Required.check = _check_required`).
  if (param.name === 'self' && fn.kind === 'function' && fn.parameters?.[0] === param) {
    const owner = (types.attached?.get(fn.name ?? '') ?? []).find((c) => types.constructors.has(c));
    if (owner) return { ...param, annotation: owner };
  }
  const known = (name: string): string | null => {
    const last = name.split('.').pop()!;
    if (BUILTINS.has(last) && last === name) return last;
    if (STDLIB.has(last) && /^((datetime|decimal|pathlib)\.)?\w+$/.test(name)) return name;
    for (const qualname of [...types.constructors.keys(), ...types.enums.keys()]) if (qualname === name || qualname.split('.').pop() === last) return qualname;
    return null;
  };
  const documented = fn.docstring ? documentedType(fn.docstring, param.name) : null;
  const type = (documented !== null ? known(documented) : null) ?? classNamed(param.name, types) ?? NAMED_TYPES.find(([re]) => re.test(param.name))?.[1] ?? null;
  return type === null ? param : { ...param, annotation: type };
}

/** Names that say the type outright (`dt` of a tzinfo's methods). */
const NAMED_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/^(dt|datetime|date_time|\w+_dt)$/, 'datetime'],
  [/^(td|timedelta)$/, 'timedelta'],
];

/** The type name the docstring gives the parameter, or null. */
export function documentedType(docstring: string, name: string): string | null {
  const n = escape(name);
  const patterns = [
    new RegExp(`:type\\s+${n}\\s*:\\s*([A-Za-z_][\\w.]*)\\s*$`, 'm'),
    new RegExp(`:param\\s+([A-Za-z_][\\w.]*)\\s+${n}\\s*:`),
    new RegExp(`:param\\s+${n}\\s*:\\s*(?:an?\\s+|the\\s+)?:(?:class|obj|py:class):\`(?:[^<\`]*<\\s*)?~?([A-Za-z_][\\w.]*)\\s*>?\``),
    new RegExp(`^\\s*${n}\\s*\\(([A-Za-z_][\\w.]*)(?:,\\s*optional)?\\)\\s*:`, 'm'),
    new RegExp(`^\\s*${n}\\s+:\\s+([A-Za-z_][\\w.]*)(?:,\\s*optional)?\\s*$`, 'm'),
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(docstring);
    if (m) return m[1]!.replace(/^~/, '');
  }
  return null;
}

/** The module's class the parameter is named after (`job` -> `Job`, `token_list` -> `TokenList`), or null. */
export function classNamed(name: string, types: ModuleTypes): string | null {
  const key = squash(name);
  if (key.length < 3) return null;
  const matches = [...types.constructors.keys()].filter((q) => !q.includes('.') && squash(q) === key);
  return matches.length === 1 ? matches[0]! : null;
}

function squash(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
