/** What smart-test knows about a Python module's structure. Lines are 1-based and inclusive. */

export type ParameterKind =
  | 'positional_only'
  | 'positional_or_keyword'
  | 'var_positional' // *args
  | 'keyword_only'
  | 'var_keyword'; // **kwargs

export interface Parameter {
  name: string;
  kind: ParameterKind;
  /** Annotation source text, e.g. "Optional[int]", or null. */
  annotation: string | null;
  /** Default value source text, e.g. "None", or null when there is none. */
  default: string | null;
}

export type FunctionKind = 'function' | 'method' | 'classmethod' | 'staticmethod' | 'property' | 'nested';

export interface RaiseSite {
  /** Exception type as written (`ValueError` for `raise ValueError("x")`), null for a bare `raise`. */
  type: string | null;
  /** The first string literal argument, when it is a plain literal (for `match=`). */
  message: string | null;
  line: number;
}

export interface PyFunction {
  name: string;
  /** coverage.py's form: `f`, `Class.method`, `outer.inner`, `Class.method.inner`. */
  qualname: string;
  kind: FunctionKind;
  isAsync: boolean;
  /** Qualname of the class that directly holds this method, or null. */
  className: string | null;
  /** Qualname of the enclosing function or class, or null at module level. */
  parentQualname: string | null;
  /** First line of the definition, decorators included. */
  startLine: number;
  /** Line of the `def` keyword. */
  defLine: number;
  endLine: number;
  /** First and last line of the body block (the docstring, when present, is part of it). */
  bodyStartLine: number;
  bodyEndLine: number;
  /** Decorator expressions without the `@`, e.g. ["staticmethod", "functools.lru_cache(maxsize=2)"]. */
  decorators: string[];
  parameters: Parameter[];
  returnAnnotation: string | null;
  /** The docstring's text (quotes removed, not dedented), or null. */
  docstring: string | null;
  raises: RaiseSite[];
  /** Line ranges (decorators to end) of functions and classes defined inside this body: not this function's lines. */
  nestedRanges: Array<[number, number]>;
}

export interface PyClass {
  name: string;
  qualname: string;
  parentQualname: string | null;
  startLine: number;
  defLine: number;
  endLine: number;
  decorators: string[];
  /** Base class expressions as written. */
  bases: string[];
  docstring: string | null;
}

export interface SkippedDefinition {
  /** Best-effort name, or null when the name itself is unreadable. */
  qualname: string | null;
  line: number;
  reason: string;
}

export interface ParsedModule {
  functions: PyFunction[];
  classes: PyClass[];
  /** Definitions inside a syntax-error region: not analysed, listed with the reason. */
  skipped: SkippedDefinition[];
  /**
   * True when tree-sitter had to recover from at least one syntax error. With a focus, only the
   * top-level statements holding the focus may have been parsed: an error elsewhere in the file
   * may then go unseen.
   */
  hasSyntaxErrors: boolean;
  /** First syntax error position, for messages (with a focus: see hasSyntaxErrors). */
  firstError: { line: number; column: number } | null;
  /** Parsed with a focus: only the definitions meeting some lines are listed (see ParseOptions). */
  partial?: boolean;
}

/**
 * True for a class's `__init__` or `__new__`: tested by calling the class (`Point(1, 2)`), and
 * the signature the class is called with (`__new__`'s when the class has no `__init__`).
 */
export function isConstructor(fn: Pick<PyFunction, 'name' | 'className'>): boolean {
  return (fn.name === '__init__' || fn.name === '__new__') && fn.className !== null;
}
