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
  /** Names the setup binds to arguments of the call: those the call changes are reported (argState). */
  watch: z.optional(z.array(z.string())),
  /** Evaluated (`eval`); a statement is `exec`ed instead and its value is None. A coroutine value is run. */
  expr: z.string(),
  /** A tighter time limit for this call than the request's (an entry point's call, exploratory). */
  timeoutSeconds: z.optional(z.number().check(z.positive())),
  /**
   * For a target with a mutant: the `digest` the call gave without it. A call giving another
   * tells the mutant apart, and the target's later calls are not run (reported as skipped).
   */
  expect: z.optional(z.string()),
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
  /**
   * For a target of several definitions sharing a qualname (a nested function defined in each
   * branch): the line ranges that are its own, within firstLine..lastLine. Only these lines are
   * traced and count as the target's (for a traceback too).
   */
  ranges: z.optional(z.array(z.tuple([z.int(), z.int()]))),
  /**
   * Lines of the same file beyond the target's (the other functions the change touched), traced
   * apart: a call's `alsoLines` are those of them it ran. Lines of the target's own are not.
   */
  alsoRanges: z.optional(z.array(z.tuple([z.int(), z.int()]))),
  candidates: z.array(ProbeCandidateSchema),
  /** sys.argv for this target's runs (over the request's), as its test sets it with monkeypatch. */
  argv: z.optional(z.array(z.string())),
  /** Environment variables removed for this target's runs, as its test removes them (monkeypatch.delenv). */
  unsetEnv: z.optional(z.array(z.string())),
  /** false: the lines its calls run are not traced (`lines` is empty): only their results count. Default true. */
  traceLines: z.optional(z.boolean()),
  /**
   * Runs the candidates with a mutant of the target in place (smart_test_probe/mutants.py): the
   * `index`-th of `count` small changes spread evenly over those possible on `lines` (of its
   * own). One that cannot be made is reported as an import error of type MutantUnavailable.
   */
  mutant: z.optional(z.object({ lines: z.array(z.int()), count: z.int().check(z.positive()), index: z.int().check(z.nonnegative()) })),
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
  /**
   * Absolute directory (the run's, created and removed by smart-test) where the probe keeps the
   * compiled code of the project's modules that have no bytecode file of their own, for the
   * run's other probe processes (smart_test_probe/bytecode.py).
   */
  bytecodePath: z.optional(z.string()),
  /** false: each candidate runs once (deterministic is then null); default: twice, the second run checks the result is the same. */
  repeat: z.optional(z.boolean()),
  /** sys.argv while the modules are imported and the candidates run (default: [probe.py]). */
  argv: z.optional(z.array(z.string())),
  /**
   * Seeds Python's `random` (and numpy's, when loaded) before each run of a candidate; the
   * second run of `repeat` uses another seed. Default: not seeded.
   */
  randomSeed: z.optional(z.int().check(z.nonnegative())),
  /** fd 1 is a temporary regular file while candidates run (as under pytest's capture), not /dev/null. */
  stdoutFile: z.optional(z.boolean()),
  /** Each candidate's expression runs this many Python frames deeper (0..100; default 0). */
  extraFrames: z.optional(z.int().check(z.gte(0), z.lte(100))),
  /**
   * The wall clock reads this many seconds ahead while modules are imported and candidates run
   * (time.time and its kin, datetime's now and today; smart_test_probe/clock.py). Default 0.
   */
  clockShift: z.optional(z.int().check(z.nonnegative())),
  /**
   * Cap on the memory of the process running the candidates, in bytes (its data segment on
   * Linux, else its address space); null: none. Default 1 GiB.
   */
  memoryBytes: z.optional(z.nullable(z.int().check(z.positive()))),
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
  /** Lines of the target's `alsoRanges` the first run executed (absent when it has none). */
  alsoLines: z.optional(z.array(z.int())),
  /** Free names of setup + expr found in the module's namespace (to import in the test). */
  names: z.array(ProbeNameSchema),
  /** Wall time of the first run. */
  seconds: z.number(),
  /** Python calls the first run made (setup and call): its work, the same on any machine. */
  calls: z.optional(z.int()),
  /** Operations of the first run that wait on the system (files, folders, sleeping): the same on any machine. */
  io: z.optional(z.int()),
  /**
   * Both runs agreed (same outcome, and same repr / exception type and message / blocking
   * event, with object addresses and the tmp_path directory masked). Null when not run twice
   * (a timeout).
   */
  deterministic: z.nullable(z.boolean()),
  /** Globals of the target's module the first run rebound, added, removed or resized (a test doing so changes what later tests see). */
  changesModule: z.optional(z.array(z.string())),
  /**
   * A short hash of what a test of the call asserts (value, states and attributes, or exception
   * type and message; addresses and tmp_path masked); null for an outcome that asserts nothing.
   */
  digest: z.optional(z.nullable(z.string())),
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
  /** len() of a list, tuple, dict, set or frozenset (the builtin types themselves). */
  length: z.optional(z.int().check(z.nonnegative())),
  /** Set by the stability check, never by the probe: a container whose items differed between runs and whose length did not. */
  stableLength: z.optional(z.int().check(z.nonnegative())),
  /** The expression gave a coroutine (an async property, a call that returns one), which the probe ran: the test runs it too. */
  awaited: z.optional(z.boolean()),
  /**
   * A method call on the setup's `obj` that changed its attributes: repr of `vars(obj)` after
   * the call, when every attribute is a plain literal (at most 1,000 characters).
   */
  receiverState: z.optional(z.string()),
  /** An object returned (not a literal) whose attributes are all plain literals: repr of `vars(result)` (at most 1,000 characters). */
  resultState: z.optional(z.string()),
  /**
   * Set by the stability check, never by the probe: a string result that differed between runs
   * (a time in it), the start every run gave (a Python string literal; see stable-prefix.ts).
   */
  stablePrefix: z.optional(z.string()),
  /**
   * A method call on `obj` whose attributes are not all plain literals (no receiverState): the
   * attributes it added or changed, as [name, repr, literal] (reprs of at most 200 characters
   * without an address; literal: the repr reads back as the value, no floats), public ones first,
   * then by name, at most 8; with `repeat`, only those the second run left the same. A list or
   * tuple whose repr is not shown comes as `name:types`, with the repr of its items' type names,
   * and also as `name:vars` when its items' attributes are all plain literals, with the repr of
   * the list of their `vars()` (at most 1,000 characters).
   */
  receiverAttrs: z.optional(z.array(z.tuple([z.string(), z.string(), z.boolean()]))),
  /**
   * List, dict and set literals passed to a call in the expression that the call changed in
   * place, as [source text, repr after, literal] (sorted, at most 8); with `repeat`, only those
   * the second run saw alike.
   */
  argChanges: z.optional(z.array(z.tuple([z.string(), z.string(), z.boolean()]))),
  /** The `watch` names whose value the call changed in place, as [name, repr, literal] (reprs of at most 1,000 characters without an address). */
  argState: z.optional(z.array(z.tuple([z.string(), z.string(), z.boolean()]))),
  /** An object returned (not a literal, not the receiver): its attributes, as receiverAttrs gives them (all, not only changed ones). */
  resultAttrs: z.optional(z.array(z.tuple([z.string(), z.string(), z.boolean()]))),
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
  /** The exception carries notes (`add_note`), which pytest 8 appends to the text `match=` searches. */
  hasNotes: z.optional(z.boolean()),
  /** The exception's own attributes (its `__dict__`), as receiverAttrs gives them; with `repeat`, those the second run saw alike. */
  excAttrs: z.optional(z.array(z.tuple([z.string(), z.string(), z.boolean()]))),
};

/** The call ran the target and the target raised (propagated) an exception; SystemExit included. */
export const ProbeRaiseSchema = z.object({
  ...common,
  outcome: z.literal('raise'),
  ...exceptionFields,
  /** Set by the stability check, never by the probe: a message that differed between runs, the start every run gave (see stable-prefix.ts). */
  messagePrefix: z.optional(z.string()),
});

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

/** How the process running a candidate ended: an exit status, or the signal that killed it. */
const exitFields = {
  /** The exit status (os._exit(4) gives 4); null when a signal killed it. */
  exitCode: z.nullable(z.int()),
  /** The signal's name ("SIGSEGV", "SIGKILL"), or null. */
  signal: z.nullable(z.string()),
};

/** The call ended the process running it (os._exit, a signal, a crash in C code): nothing is known of its result. */
export const ProbeCrashSchema = z.object({ ...common, outcome: z.literal('crash'), ...exitFields });

export const ProbeStopReasonSchema = z.enum(['timeout', 'memory', 'crash']);

/** Not run, because an earlier call of the same target timed out, ran out of memory, or crashed. */
export const ProbeSkippedSchema = z.object({ ...common, outcome: z.literal('skipped'), reason: ProbeStopReasonSchema });

export const ProbeCandidateResultSchema = z.discriminatedUnion('outcome', [
  ProbeReturnSchema,
  ProbeRaiseSchema,
  ProbeErrorSchema,
  ProbeTimeoutSchema,
  ProbeBlockedSchema,
  ProbeCrashSchema,
  ProbeSkippedSchema,
]);

/** Why a target's candidates stopped before the last one, and at which. */
export const ProbeStoppedSchema = z.object({
  /** timeout: the candidate ran past its limit; memory: it raised MemoryError; crash: it ended the process. */
  reason: ProbeStopReasonSchema,
  /** Id of the candidate that stopped the target; every later one is 'skipped'. */
  candidate: z.string(),
  /** For a crash: how the process ended (see ProbeCrashSchema). */
  exitCode: z.optional(exitFields.exitCode),
  signal: z.optional(exitFields.signal),
  /** For a crash, or a call killed as stuck, in a child process: whether the call had finished its setup ('expr') or not ('setup'). */
  phase: z.optional(z.enum(['setup', 'expr'])),
});

export const ProbeImportErrorSchema = z.object({
  /** Exception name, qualified unless builtin ("ModuleNotFoundError", "pkg.errors.Bad"), or "Timeout". */
  type: z.string(),
  message: z.string(),
});

/** The mutant a target's candidates ran with (its `mutant`): the line it changes, and what it changes there ("< -> <="). */
export const ProbeMutantSchema = z.object({ line: z.int(), change: z.string() });

export const ProbeTargetResultSchema = z.object({
  id: z.string(),
  /** Set when the module failed to import (or the target's mutant could not be made); its candidates were then not run. */
  importError: z.nullable(ProbeImportErrorSchema),
  /** One result per candidate, in request order (none when the import failed). */
  candidates: z.array(ProbeCandidateResultSchema),
  /** Set when a candidate timed out, ran out of memory or crashed: the later ones were not run. */
  stopped: z.nullable(ProbeStoppedSchema),
  /** For a target asked to run with a mutant, when it was made. */
  mutant: z.optional(ProbeMutantSchema),
});

/**
 * The probe's output: one JSON object per line, as it goes, so that a crash of the probe itself
 * loses only the target it was running (runProbe assembles these into a ProbeResponse).
 */
export const ProbeEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('start'), probeVersion: z.int(), python: z.string(), fork: z.boolean() }),
  /** A target's module was imported (or failed to). */
  z.object({ event: z.literal('target'), id: z.string(), importError: z.nullable(ProbeImportErrorSchema), mutant: z.optional(ProbeMutantSchema) }),
  /** A child process (its own process group) runs a target's candidates (written when it starts). */
  z.object({ event: z.literal('fork'), pid: z.int(), target: z.string() }),
  /** That child runs another target of its chunk (written before it starts), or none for now (null). */
  z.object({ event: z.literal('runs'), pid: z.int(), target: z.nullable(z.string()) }),
  /** That child ended, and its process group was killed. */
  z.object({ event: z.literal('reaped'), pid: z.int() }),
  z.object({ event: z.literal('candidate'), target: z.string(), result: ProbeCandidateResultSchema }),
  z.object({ event: z.literal('end'), id: z.string(), stopped: z.nullable(ProbeStoppedSchema) }),
  // `open`: a session's probe reads another request (probe-process.ts ProbeSession).
  z.object({ event: z.literal('done'), open: z.optional(z.boolean()) }),
  /** The probe gave up on a candidate that would not stop (no fork): the rest of the request runs in a new process. */
  z.object({ event: z.literal('resume') }),
]);

export const ProbeResponseSchema = z.object({
  probeVersion: z.int(),
  /** platform.python_version() of the interpreter that ran the probe. */
  python: z.string(),
  /** Always true: runProbe answers every target of the request (restarting the probe after a crash). */
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
export type ProbeCrash = z.infer<typeof ProbeCrashSchema>;
export type ProbeSkipped = z.infer<typeof ProbeSkippedSchema>;
export type ProbeStopped = z.infer<typeof ProbeStoppedSchema>;
export type ProbeEvent = z.infer<typeof ProbeEventSchema>;
export type ProbeCandidateResult = z.infer<typeof ProbeCandidateResultSchema>;
export type ProbeOutcome = ProbeCandidateResult['outcome'];
export type ProbeTargetResult = z.infer<typeof ProbeTargetResultSchema>;
export type ProbeMutant = z.infer<typeof ProbeMutantSchema>;
export type ProbeResponse = z.infer<typeof ProbeResponseSchema>;
