/**
 * The execution probe's wire format: the JSON request written to src/generate/probe.py's stdin
 * and the JSON response it prints. Lines are 1-based and inclusive, in the target file.
 */
// zod/mini, as everywhere in smart-test: the classic `zod` entry point bundles every locale.
import * as z from 'zod/mini';

export const ProbeCandidateSchema = z.object({
  id: z.string(),
  /** Statements run in order (`exec`) before the expression. */
  setup: z.array(z.string()),
  /** Evaluated (`eval`); a statement is `exec`ed instead and its value is None. A coroutine value is run. */
  expr: z.string(),
});

export const ProbeTargetSchema = z.object({
  id: z.string(),
  /** Dotted module name, imported with importlib.import_module. */
  module: z.string(),
  /** Absolute path of the module's file (traced lines and tracebacks are matched against it). */
  file: z.string(),
  qualname: z.string(),
  firstLine: z.int().check(z.positive()),
  lastLine: z.int().check(z.positive()),
  candidates: z.array(ProbeCandidateSchema),
  /** sys.argv for this target's runs (over the request's), as its test sets it with monkeypatch. */
  argv: z.optional(z.array(z.string())),
  /** Environment variables removed for this target's runs, as its test removes them (monkeypatch.delenv). */
  unsetEnv: z.optional(z.array(z.string())),
});

export const ProbeRequestSchema = z.object({
  /** Prepended to sys.path, in this order. */
  sysPath: z.array(z.string()),
  /** Existing directory: the working directory of every run. */
  cwd: z.string(),
  /** Per run of a candidate (imports get max(10, 5 x this)). */
  timeoutSeconds: z.number().check(z.positive()),
  /** When false, writes outside tmp_path, processes, network and environment changes are blocked. */
  allowSideEffects: z.boolean(),
  /** Absolute directory under which each run gets a fresh `tmp_path` (created when missing). */
  tmpPath: z.string(),
  /** sys.argv while the modules are imported and the candidates run (default: [probe.py]). */
  argv: z.optional(z.array(z.string())),
  targets: z.array(ProbeTargetSchema),
});

export const PyTypeRefSchema = z.object({ module: z.string(), qualname: z.string() });

export const ProbeNameSchema = z.object({
  name: z.string(),
  /** A module-level attribute of the target's module (defined or imported there). */
  kind: z.literal('module_attr'),
});

const common = {
  id: z.string(),
  /** Lines of the target file within [firstLine, lastLine] executed during the first run. */
  lines: z.array(z.int()),
  /** Free names of setup + expr found in the module's namespace (to import in the test). */
  names: z.array(ProbeNameSchema),
  /** Wall time of the first run. */
  seconds: z.number(),
  /**
   * Both runs agreed (same outcome, and same repr / exception type and message / blocking
   * event, with object addresses and the tmp_path directory masked). Null when not run twice
   * (a timeout).
   */
  deterministic: z.nullable(z.boolean()),
  /** What the first run printed (first 2,000 characters each). */
  stdout: z.string(),
  stderr: z.string(),
};

export const ProbePhaseSchema = z.enum(['compile', 'setup', 'expr', 'await', 'repr']);

export const ProbeReturnSchema = z.object({
  ...common,
  outcome: z.literal('return'),
  /** repr() of the value, first 2,000 characters. */
  repr: z.string(),
  reprTruncated: z.boolean(),
  /** repr is complete and ast.literal_eval(repr) == value, built from plain literal types only (no NaN/inf). */
  literal: z.boolean(),
  type: PyTypeRefSchema,
  /** A float or complex anywhere in the value (through list/tuple/set/frozenset/dict): use pytest.approx. */
  hasFloat: z.boolean(),
  isNone: z.boolean(),
  isBool: z.boolean(),
  /** The repr contains the run's tmp_path directory: it cannot be asserted literally. */
  mentionsTmpPath: z.boolean(),
  /** Set when repr() itself raised ("Type: message"); repr is then a placeholder. */
  reprError: z.optional(z.string()),
});

const exceptionFields = {
  phase: ProbePhaseSchema,
  excType: PyTypeRefSchema,
  /** str(exc), first 2,000 characters (for SystemExit: str(code), "" when None). */
  excMessage: z.string(),
  /** The traceback's innermost frame is in the target file within [firstLine, lastLine]. */
  raisedInTarget: z.boolean(),
  /** ...and that line is part of a `raise` statement. */
  raiseStatement: z.boolean(),
  /** Some traceback frame is in the target (the exception came from running the target). */
  enteredTarget: z.boolean(),
};

/** The call ran the target and the target raised (propagated) an exception; SystemExit included. */
export const ProbeRaiseSchema = z.object({ ...common, outcome: z.literal('raise'), ...exceptionFields });

/**
 * The candidate is broken rather than the target: it failed to compile, setup raised, the
 * exception never reached the target (a bad call: TypeError, NameError, ...), or it hit
 * RecursionError / MemoryError.
 */
export const ProbeErrorSchema = z.object({ ...common, outcome: z.literal('error'), ...exceptionFields });

export const ProbeTimeoutSchema = z.object({
  ...common,
  outcome: z.literal('timeout'),
  phase: z.nullable(ProbePhaseSchema),
});

export const ProbeBlockedSchema = z.object({
  ...common,
  outcome: z.literal('blocked'),
  /** The audit event ("open", "subprocess.Popen", "os.putenv", ...) or "os.environ changed". */
  blockedBy: z.string(),
  /** Its arguments, abbreviated (a path, a command). */
  blockedDetail: z.string(),
});

export const ProbeCandidateResultSchema = z.discriminatedUnion('outcome', [
  ProbeReturnSchema,
  ProbeRaiseSchema,
  ProbeErrorSchema,
  ProbeTimeoutSchema,
  ProbeBlockedSchema,
]);

export const ProbeImportErrorSchema = z.object({
  /** Exception name, qualified unless builtin ("ModuleNotFoundError", "pkg.errors.Bad"), or "Timeout". */
  type: z.string(),
  message: z.string(),
});

export const ProbeTargetResultSchema = z.object({
  id: z.string(),
  /** Set when the module failed to import; its candidates were then not run. */
  importError: z.nullable(ProbeImportErrorSchema),
  candidates: z.array(ProbeCandidateResultSchema),
});

export const ProbeResponseSchema = z.object({
  probeVersion: z.int(),
  /** platform.python_version() of the interpreter that ran the probe. */
  python: z.string(),
  /**
   * False (from probe.py only) when a candidate ignored its timeout and the probe gave up: the last
   * target's candidates end with that one (reported as a timeout), or its import timed out, and
   * the rest of the request was not run. runProbe runs the rest in a new process, so what it
   * resolves with is always complete.
   */
  complete: z.boolean(),
  targets: z.array(ProbeTargetResultSchema),
});

export type ProbeCandidate = z.infer<typeof ProbeCandidateSchema>;
export type ProbeTarget = z.infer<typeof ProbeTargetSchema>;
export type ProbeRequest = z.infer<typeof ProbeRequestSchema>;
export type PyTypeRef = z.infer<typeof PyTypeRefSchema>;
export type ProbePhase = z.infer<typeof ProbePhaseSchema>;
export type ProbeReturn = z.infer<typeof ProbeReturnSchema>;
export type ProbeRaise = z.infer<typeof ProbeRaiseSchema>;
export type ProbeErrorResult = z.infer<typeof ProbeErrorSchema>;
export type ProbeTimeout = z.infer<typeof ProbeTimeoutSchema>;
export type ProbeBlocked = z.infer<typeof ProbeBlockedSchema>;
export type ProbeCandidateResult = z.infer<typeof ProbeCandidateResultSchema>;
export type ProbeOutcome = ProbeCandidateResult['outcome'];
export type ProbeTargetResult = z.infer<typeof ProbeTargetResultSchema>;
export type ProbeResponse = z.infer<typeof ProbeResponseSchema>;
