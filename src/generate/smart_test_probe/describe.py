"""Result description: a run's outcome as the JSON smart-test reads, why a target stops after a
candidate, and what two runs must share to count as the same (stability)."""

import re

from .state import _ProbeTimeout
from .values import MESSAGE_LIMIT, REPR_LIMIT, _has_float, _is_literal, _safe_str, _truncate, _type_ref
from .snippets import RAISE_LINES


# Values asserted one by one ([name or source, repr, literal] lists): the report's key, and the
# run's (see _Candidates.run_once). For a return, then for a raise.
ATTRIBUTE_REPORTS = (("receiverAttrs", "attrs"), ("resultAttrs", "value_attrs"), ("argState", "args"), ("argChanges", "containers"))
EXCEPTION_REPORTS = (("excAttrs", "exc_attrs"),)


def _reports(run, keys):
    """The run's lists for `keys`, as the report names them, without entries that show its tmp path."""
    out = {}
    for key, raw in keys:
        entries = [a for a in (run.get(raw) or []) if run["tmp"] not in a[1]]
        if entries:
            out[key] = entries
    return out


ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")

# Results whose length is reported: the builtin containers themselves (not subclasses, whose
# __len__ is the project's code).
SIZED = (list, tuple, dict, set, frozenset)


class _Describing(object):
    """_Runner's description of a run: its outcome and what the assertions need, as JSON data.

    Uses the runner's allow (a changed environment is blocked only when side effects are not)."""

    def _describe(self, target, run):
        exc = run["exc"]
        if run["blocked"] or (run["env_changed"] and not self.allow):
            if run["blocked"]:
                event, detail = run["blocked"][0]
            else:
                event, detail = "os.environ changed", ""
            return {"outcome": "blocked", "blockedBy": event, "blockedDetail": detail}
        if run["timed_out"] or isinstance(exc, _ProbeTimeout):
            return {"outcome": "timeout", "phase": run["phase"]}
        if exc is None:
            value = run["value"]
            text = run["repr"]
            literal = run["repr_error"] is None and _is_literal(value, text)
            shown, truncated = _truncate(text, REPR_LIMIT)
            out = {
                "outcome": "return",
                "repr": shown,
                "reprTruncated": truncated,
                "literal": literal and not truncated,
                "type": _type_ref(type(value)),
                "hasFloat": _has_float(value),
                "isNone": value is None,
                "isBool": isinstance(value, bool),
                "mentionsTmpPath": run["tmp"] in text,
            }
            if run["repr_error"] is not None:
                out["reprError"] = run["repr_error"]
            if type(value) in SIZED:
                out["length"] = len(value)  # a builtin container's own len(): runs no code of the project
            if run.get("awaited"):
                out["awaited"] = True  # the expression gave a coroutine, which the probe ran
            if run.get("state") is not None and run["tmp"] not in run["state"]:
                out["receiverState"] = run["state"]
            if run.get("value_state") is not None and run["tmp"] not in run["value_state"]:
                out["resultState"] = run["value_state"]
            out.update(_reports(run, ATTRIBUTE_REPORTS))
            return out
        frames = run["tb_frames"]
        entered = any(target.in_range(code, ln) for code, ln in frames)
        innermost = frames[-1] if frames else None
        raised_in = innermost is not None and target.in_range(innermost[0], innermost[1])
        # Raised by a `raise` of the target, or by the one a handler of it ran to re-raise what it
        # caught (`except StopIteration: raise`: the traceback still shows where it was raised first).
        raise_stmt = raised_in and (
            innermost[1] in RAISE_LINES(innermost[0].co_filename)
            or any(line in RAISE_LINES.bare(innermost[0].co_filename) for line in run.get("lines") or ())
        )
        message, _ = _truncate(_safe_str(exc), MESSAGE_LIMIT)
        if isinstance(exc, SystemExit):
            message = _truncate(_safe_str(exc.code), MESSAGE_LIMIT)[0] if exc.code is not None else ""
        internal = isinstance(exc, (RecursionError, MemoryError))
        outcome = "raise" if (entered and not internal and run["phase"] in ("expr", "await")) else "error"
        described = {
            "outcome": outcome,
            "phase": run["phase"],
            "excType": _type_ref(type(exc)),
            "excMessage": message,
            "raisedInTarget": raised_in,
            "raiseStatement": raise_stmt,
            "enteredTarget": entered,
        }
        # pytest 8 matches `match=` against the message and the exception's notes.
        if getattr(exc, "__notes__", None):
            described["hasNotes"] = True
        described.update(_reports(run, EXCEPTION_REPORTS))
        return described


def _stop_reason(report):
    """Why no further candidate of the target runs after this one: "timeout", "memory" or None."""
    if report.get("outcome") == "timeout":
        return "timeout"
    exc = report.get("excType")
    if isinstance(exc, dict) and exc.get("module") == "builtins" and exc.get("qualname") == "MemoryError":
        return "memory"
    return None


def _told_apart(candidate, report):
    """The call was run with the result it gave without the target's mutant given ("expect": that
    run's digest), and gave another: the mutant is told apart, and the target's later calls are
    not run."""
    expect = candidate.get("expect")
    return expect is not None and report.get("digest") is not None and report["digest"] != expect


# The report's fields a test of the call asserts (render.ts), for its digest.
DIGEST_FIELDS = (
    "outcome", "repr", "type", "receiverState", "receiverAttrs", "resultState", "resultAttrs",
    "argChanges", "argState", "excType", "excMessage",
)


def _digest(report, run):
    """A short hash of what a test of the call asserts (its value, the state it left, or its
    exception's type and message), objects' addresses and the run's tmp_path masked; None for
    an outcome that asserts nothing (a timeout, a blocked or crashed call)."""
    if report.get("outcome") not in ("return", "raise", "error"):
        return None
    import hashlib
    import json

    shown = {k: report[k] for k in DIGEST_FIELDS if k in report}
    if shown["outcome"] == "error":
        shown["outcome"] = "raise"  # whichever frame raised it, the test sees the same exception
    text = json.dumps(shown, sort_keys=True, ensure_ascii=True, default=str)
    if run.get("tmp"):
        text = text.replace(run["tmp"], "<tmp_path>")
    text = ADDRESS_RE.sub(" at 0x?", text)
    return hashlib.sha1(text.encode("ascii")).hexdigest()[:16]


def _fingerprint(described, run):
    """What must be equal between the two runs for a candidate to be deterministic."""
    outcome = described["outcome"]
    if outcome == "return":
        text = run["repr"].replace(run["tmp"], "<tmp_path>")
        return (outcome, ADDRESS_RE.sub(" at 0x?", text), run.get("state"), run.get("value_state"))
    if outcome in ("raise", "error"):
        msg = ADDRESS_RE.sub(" at 0x?", described["excMessage"].replace(run["tmp"], "<tmp_path>"))
        return (outcome, described["excType"]["module"], described["excType"]["qualname"], msg)
    if outcome == "blocked":
        return (outcome, described["blockedBy"])
    return (outcome,)
