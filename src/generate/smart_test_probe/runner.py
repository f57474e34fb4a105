"""The runner: imports each target's module, runs its candidates (in a child process where fork
exists, else here) and writes the events of the response."""

import io
import json
import os
import sys
import time

from .state import STATE, _ProbeTimeout
from .capture import _capture_stream, _captured_text
from .timeouts import _Timer
from .sandbox import _audit_hook, _protect
from .tracing import _Target
from .values import MESSAGE_LIMIT, _safe_str, _truncate
from .isolation import _Isolation, _enter_ambient, _leave_ambient
from .candidate import _Candidates
from .describe import _Describing, _stop_reason, _told_apart
from .limits import DEFAULT_MEMORY, _cpu_count, _ignore_signals, _limit_memory
from .child import _Forking
from .bytecode import _SharedBytecode
from .mutants import MutantUnavailable, install, prepare_mutant, undo


PROBE_VERSION = 2


class _Runner(_Isolation, _Candidates, _Describing, _Forking):
    """Runs a request: the per-run isolation, the candidates, their descriptions and the child
    processes are in the mixins (isolation.py, candidate.py, describe.py, child.py)."""

    def __init__(self, request, out_fd, in_fd=None):
        self.request = request
        self.out_fd = out_fd
        # The session's request pipe (see request.main), or None: a child closes it.
        self.in_fd = in_fd
        # Whether the next request of a session may run in this process: every import worked
        # and no candidate ran here (see reusable).
        self.ran_here = False
        self.import_failed = False
        self.cwd = request["cwd"]
        self.timeout = float(request["timeoutSeconds"])
        # The running candidate's own, tighter limit (an entry point's call), or None.
        self.call_timeout = None
        self.allow = bool(request["allowSideEffects"])
        # False: each candidate runs once (its stability is checked later, for the chosen ones only).
        self.repeat = request.get("repeat", True) is not False
        self.tmp_root = request["tmpPath"]
        self.random_seed = request.get("randomSeed")
        self.timer = _Timer()
        self.devnull_out = io.open(os.devnull, "w")
        self.run_counter = 0
        self.spare_tmp = None
        self.tmp_stat = None
        self.current_target = None  # id of the target being run, for _stuck
        # What the probe is doing now, for a report when a candidate never stops (see _stuck).
        self.current = None
        # Prepared mutants (mutants.py) by target id: (function, original code, mutant code, where).
        self.mutants = {}
        import pathlib
        import tempfile

        self.pathlib = pathlib
        self.tempfile = tempfile
        memory = request.get("memoryBytes", DEFAULT_MEMORY)
        self.memory = int(memory) if memory is not None else None
        # One child process per target where fork exists: whatever a candidate does to its
        # process costs that target only. SMART_TEST_PROBE_NO_FORK=1 runs everything in this
        # process instead (as on Windows); runProbe then restarts the probe after a crash.
        self.fork = hasattr(os, "fork") and os.environ.get("SMART_TEST_PROBE_NO_FORK") != "1"
        self.in_child = False
        # Children running at once: two where there are two CPUs (a call that hangs or eats
        # memory costs half the wall time), sharing the memory cap.
        jobs = os.environ.get("SMART_TEST_PROBE_JOBS")
        self.jobs = int(jobs) if jobs and jobs.isdigit() and int(jobs) > 0 else min(2, _cpu_count())
        # A timed-out candidate gets this long to unwind. A forked child is thrown away after
        # it, so it need not wait long.
        STATE.grace = 0.5 if self.fork else max(0.5, min(2.0, self.timeout))
        STATE.on_stuck = self._stuck

    @property
    def reusable(self):
        """The process has run nothing but imports that worked: a session may go on in it. So
        also without fork: a request whose targets have no candidates only imports (a
        verification process started ahead of its calls, see stability.ts)."""
        return not self.ran_here and not self.import_failed

    def run(self, setup=True):
        """Runs the request. ``setup`` is False for a session's later requests: the process is
        set up already (sys.path, cwd, argv, the audit hook and the ignored signals)."""
        import importlib

        if setup:
            self._set_up()
        self.emit(
            {"event": "start", "probeVersion": PROBE_VERSION, "python": sys.version.split()[0], "fork": self.fork}
        )
        if self.fork:
            self._run_all_forked(importlib)
        else:
            for spec in self.request["targets"]:
                self.current_target = spec["id"]
                module, error = self._import_target(importlib, spec)
                self.emit(self._target_event(spec, error))
                stopped = None
                if module is not None:
                    stopped = self._run_here(_Target(spec, module))
                self.emit({"event": "end", "id": spec["id"], "stopped": stopped})
        if self.in_fd is None:
            self.emit({"event": "done"})
        else:
            # A session's probe says whether it reads another request (see request.main).
            self.emit({"event": "done", "open": self.reusable})

    def _set_up(self):
        for entry in reversed(self.request["sysPath"]):
            while entry in sys.path:
                sys.path.remove(entry)
            sys.path.insert(0, entry)
        os.chdir(self.cwd)
        if self.request.get("argv"):
            sys.argv = list(self.request["argv"])
        # Nothing the probe runs may signal smart-test (the parent of this process).
        _protect([os.getppid()])
        # Always installed: with side effects allowed it still guards against signals (above).
        sys.addaudithook(_audit_hook)
        if self.fork:
            _ignore_signals()
        else:
            _limit_memory(self.memory)

    def emit(self, event):
        """One JSON line on the result channel (smart-test, or a child's pipe to the probe)."""
        data = json.dumps(event, ensure_ascii=True, allow_nan=False).encode("ascii") + b"\n"
        while data:
            n = os.write(self.out_fd, data)
            data = data[n:]

    def _run_here(self, target):
        """Runs a target's candidates in this process; its stop reason (see _stop_reason) or None."""
        if not target.spec["candidates"]:
            return None
        self.ran_here = True
        ambient = _enter_ambient(target.spec)
        mutant = self._enter_mutant(target.spec)
        try:
            for candidate in target.spec["candidates"]:
                report = self.candidate(target, candidate)
                self.emit({"event": "candidate", "target": target.spec["id"], "result": report})
                reason = _stop_reason(report)
                if reason is not None:
                    return {"reason": reason, "candidate": candidate["id"]}
                if _told_apart(candidate, report):
                    return None
            return None
        finally:
            self._leave_mutant(mutant)
            _leave_ambient(ambient)

    def _import_target(self, importlib, spec):
        """Imports the target's module, and makes its mutant when it names one (mutants.py): a
        mutant that cannot be made is reported as the target's import error (MutantUnavailable),
        and none of its candidates runs."""
        module, error = self._import(importlib, spec["module"])
        if module is not None and spec.get("mutant") is not None:
            try:
                self.mutants[spec["id"]] = prepare_mutant(spec, module)
            except Exception as exc:  # noqa: B902 - whatever went wrong, this mutant is not made
                message = exc if isinstance(exc, MutantUnavailable) else "%s: %s" % (type(exc).__name__, _safe_str(exc))
                return None, {"type": "MutantUnavailable", "message": _truncate(_safe_str(message), MESSAGE_LIMIT)[0]}
        return module, error

    def _target_event(self, spec, error):
        """The "target" event: its import error, and for a mutant made, where and what it changes."""
        event = {"event": "target", "id": spec["id"], "importError": error}
        prepared = self.mutants.get(spec["id"]) if error is None else None
        if prepared is not None:
            event["mutant"] = prepared[3]
        return event

    def _enter_mutant(self, spec):
        prepared = self.mutants.get(spec["id"])
        return install(prepared) if prepared is not None else None

    def _leave_mutant(self, installed):
        if installed is not None:
            undo(installed)

    def _stuck(self):
        """A candidate (or import) ignores its timeout: report it as a timeout, then exit at once.

        In a child, the probe goes on with the next target; in the probe itself (no fork), the
        target ends here and runProbe runs the rest of the request in a new process.
        """
        sys.settrace(None)
        STATE.in_candidate = False
        STATE.gate = False
        self.timer.stop()
        current = self.current
        spec_id = self.current_target
        try:
            if current is None:
                if not self.in_child and spec_id is not None:
                    self.emit(
                        {
                            "event": "target",
                            "id": spec_id,
                            "importError": {"type": "Timeout", "message": "the import did not stop after its timeout"},
                        }
                    )
                    self.emit({"event": "end", "id": spec_id, "stopped": None})
                return
            first = current.get("first")
            run = current.get("run") or {}
            lines = first["lines"] if first else run.get("lines", set())
            out = first["stdout"] if first else _captured_text(run["out"]) if "out" in run else ""
            err = first["stderr"] if first else _captured_text(run["err"]) if "err" in run else ""
            seconds = first["seconds"] if first else time.perf_counter() - run.get("started", time.perf_counter())
            report = {
                "id": current["id"],
                "outcome": "timeout",
                "phase": run.get("phase"),
                "lines": sorted(lines),
                "names": current["names"],
                "seconds": round(seconds, 6),
                "deterministic": None,
                "stdout": out,
                "stderr": err,
            }
            self.emit({"event": "candidate", "target": spec_id, "result": report})
            if not self.in_child:
                self.emit({"event": "end", "id": spec_id, "stopped": {"reason": "timeout", "candidate": current["id"]}})
        finally:
            if not self.in_child:
                try:
                    self.emit({"event": "resume"})  # the rest of the request runs in a new process
                except Exception:
                    pass
            os._exit(0)

    def _import(self, importlib, name):
        if name in sys.modules:
            return sys.modules[name], None
        snap = self._snapshot()
        err_raw, err_stream = _capture_stream()
        sys.stdout, sys.stderr = self.devnull_out, err_stream
        self.timer.start(max(10.0, 5 * self.timeout))
        error = None
        module = None
        try:
            STATE.in_candidate = True
            with _SharedBytecode(self.request.get("bytecodePath"), self.request["sysPath"]):
                module = importlib.import_module(name)
        except BaseException as exc:  # noqa: B902
            error = exc
        finally:
            STATE.in_candidate = False
            self.timer.stop()
            self._restore(snap)
        if error is not None or STATE.timed_out:
            self.import_failed = True
        if STATE.timed_out or isinstance(error, _ProbeTimeout):
            STATE.timed_out = False
            return None, {"type": "Timeout", "message": "importing %s took too long" % name}
        if error is not None:
            t = type(error)
            qual = t.__qualname__ if t.__module__ == "builtins" else "%s.%s" % (t.__module__, t.__qualname__)
            return None, {"type": qual, "message": _truncate(_safe_str(error), MESSAGE_LIMIT)[0]}
        return module, None
