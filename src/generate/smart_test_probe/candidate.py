"""One candidate: its runs (captured, traced, timed, sandboxed) and its report, including the
second run that checks it is deterministic."""

import os
import sys
import time

from .state import STATE, _ProbeBlocked, _ProbeTimeout
from .capture import _PytestStdin, _capture_stream, _captured_text, _closed_std, _reopen_std_fds
from .tracing import _make_tracer, _traceback_frames
from .scan import SCAN, _scanner
from .values import MAX_ATTRS, MESSAGE_LIMIT, STATE_LIMIT, _argument_reprs, _attribute_reprs, _shown_value, _changed_attributes, _is_literal_type, _receiver_state, _safe_str, _truncate, _type_ref
from .snippets import WATCH, _compile, _snippet_free_names, _snippet_names
from .isolation import _module_state, _seed_random, _state_changes
from .describe import ATTRIBUTE_REPORTS, EXCEPTION_REPORTS, _digest, _fingerprint, _stop_reason


try:
    from collections.abc import Coroutine as _Coroutine
except ImportError:  # pragma: no cover
    _Coroutine = ()


class _Candidates(object):
    """_Runner's per-candidate work: one run of a candidate under the probe's limits (run_once),
    and its report, with the second run that tells whether it is deterministic (candidate).

    Uses the runner's cwd, timeout, allow, repeat, timer, pathlib, tempfile, in_child and
    current, its isolation (_make_tmp, _drop_tmp, _snapshot, _restore), _describe and emit."""

    def run_once(self, target, codes, trace, needs_asyncio, seed=None):
        """Run a candidate once, with `random` seeded by `seed` (None: left as it is); returns a
        dict of raw facts about the run."""
        tmp = self._make_tmp()
        ns = dict(target.module.__dict__)
        # What the candidate defines (a sample function, a lambda, a class) belongs to a module
        # that stands for the test's, as it will in the test.
        ns["__name__"] = TEST_MODULE
        if TEST_MODULE not in sys.modules:  # the test module is imported under pytest
            import types

            sys.modules[TEST_MODULE] = types.ModuleType(TEST_MODULE)
        ns["tmp_path"] = self.pathlib.Path(tmp)
        # Container arguments as the call received them, with their repr then (see _watch_containers).
        passed = []
        if codes["containers"]:

            def watch(index, value, passed=passed):
                passed.append((index, value, _shown_value(value, STATE_LIMIT, False)))
                return value

            ns[WATCH] = watch
        if needs_asyncio:  # imported only when used: it is half the probe's start-up time
            import asyncio

            ns["asyncio"] = asyncio
        out_raw, out_stream = _capture_stream()
        err_raw, err_stream = _capture_stream()
        lines = set()
        also = set()
        calls = [0]
        extra = (target.also_lines, target.also_spans, also) if target.also_lines and trace else None
        ns[SCAN] = _scanner(lines, calls, also if extra else None)
        tracer = _make_tracer(target.matcher, target.first, target.last, lines, calls, target.own_lines, extra) if trace else None
        snap = self._snapshot()
        os.chdir(self.cwd)
        _reopen_std_fds()  # a previous run may have closed them: they must not be reused by other files
        stdin = _PytestStdin()
        sys.stdout, sys.stderr, sys.stdin = out_stream, err_stream, stdin
        self.tempfile.tempdir = tmp
        STATE.blocked = []
        STATE.io = 0
        STATE.tmp_real = tmp
        result = {"value": None, "exc": None, "phase": None, "lines": lines, "also": also}
        run = {"phase": "setup", "lines": lines, "out": out_raw, "err": err_raw, "started": time.perf_counter()}
        if self.current is not None:
            self.current["run"] = run
        if self.in_child:
            self.emit({"event": "begin", "id": self.current["id"] if self.current else None})
        if seed is not None:
            _seed_random(seed)
        # With fd 1 a file (a verification run), a few low descriptors are held during the run:
        # a file the call opens gets another number than in the other runs (under pytest it does
        # too), so a value showing that number is not asserted.
        held = [os.open(os.devnull, os.O_RDONLY) for _ in range(5)] if STATE.stdout_file else []
        self.timer.start(min(self.timeout, self.call_timeout) if self.call_timeout else self.timeout)
        try:
            STATE.gate = not self.allow
            STATE.in_candidate = True
            if tracer is not None:
                sys.settrace(tracer)
            _at_depth(STATE.extra_frames, lambda: [exec(code, ns) for code in codes["setup"]])
            _as_test_locals(ns, target.module.__dict__, codes["bound"])
            state_before = _receiver_state(ns) if codes["watch"] else None
            attrs_before = _attribute_reprs(ns.get("obj")) if codes["watch"] else None
            args_before = _argument_reprs(ns, codes["args"]) if codes["args"] else None
            run["phase"] = "expr"
            if self.in_child:
                self.emit({"event": "expr"})  # the setup is done: a crash from here on is the call's
            if codes["mode"] == "eval":
                value = _at_depth(STATE.extra_frames, lambda: eval(codes["expr"], ns))
            else:
                _at_depth(STATE.extra_frames, lambda: exec(codes["expr"], ns))
                value = None
            if isinstance(value, _Coroutine):
                run["phase"] = "await"
                result["awaited"] = True
                import asyncio

                value = asyncio.run(value)
            run["phase"] = "repr"
            result["value"] = value
            result["repr"], result["repr_error"] = self._repr(value)
            if codes["watch"]:
                state = _receiver_state(ns)
                result["state"] = state if state != state_before else None
                # Not all plain literals: the attributes the call changed, each asserted by its repr.
                if state is None:
                    result["attrs"] = _changed_attributes(attrs_before, _attribute_reprs(ns.get("obj")))
            if args_before is not None:
                # The arguments the call changed in place (a dict it filled in).
                result["args"] = _changed_attributes(args_before, _argument_reprs(ns, codes["args"]))
            if passed:
                # The same for container literals passed inline: by their source text.
                changed = {}
                for index, container, before in passed:
                    after = _shown_value(container, STATE_LIMIT, False)
                    text = codes["containers"][index]
                    if before is not None and after is not None and after != before and text not in changed:
                        changed[text] = after
                result["containers"] = [[text, seen[0], seen[1]] for text, seen in sorted(changed.items())][:MAX_ATTRS] or None
            if value is not None and not _is_literal_type(value):
                result["value_state"] = _receiver_state({"obj": value})
                # Its attributes, each asserted by its repr when vars(result) is not asserted
                # whole or its repr hides them (the receiver itself, returned by a fluent method,
                # is asserted as the receiver).
                if not (codes["watch"] and value is ns.get("obj")):
                    result["value_attrs"] = _changed_attributes({}, _attribute_reprs(value))
            run["phase"] = None
        except BaseException as exc:  # noqa: B902 - everything a candidate does is data
            result["exc"] = exc
            result["tb_frames"] = _traceback_frames(exc)
            # The data an exception carries (its own attributes), read while the time limit runs.
            try:
                result["exc_attrs"] = _changed_attributes({}, _attribute_reprs(exc))
            except BaseException:  # noqa: B902 - a repr that times out or raises: no attributes
                result["exc_attrs"] = None
        finally:
            STATE.in_candidate = False
            STATE.gate = False
            sys.settrace(None)
            self.timer.stop()
            elapsed = time.perf_counter() - run["started"]
            env_changed = self._restore(snap)
            closed = _closed_std(out_stream, err_stream, stdin)
            if STATE.stdout_file:
                try:
                    os.ftruncate(1, 0)
                    os.lseek(1, 0, os.SEEK_SET)
                except OSError:
                    pass
            for fd in held:
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                stdin.close()
            except OSError:
                pass  # the candidate closed its file descriptor
        result["phase"] = run["phase"]
        result["seconds"] = elapsed
        result["calls"] = calls[0]
        result["io"] = STATE.io
        result["timed_out"] = STATE.timed_out
        result["blocked"] = list(STATE.blocked)
        if closed:  # pytest's own streams would be closed by the test: never asserted
            result["blocked"].append(("closed " + closed, ""))
        result["env_changed"] = env_changed
        result["stdout"] = _captured_text(out_raw)
        result["stderr"] = _captured_text(err_raw)
        result["tmp"] = tmp
        STATE.timed_out = False
        STATE.blocked = []
        STATE.tmp_real = None
        self._drop_tmp(tmp)
        return result

    def _repr(self, value):
        try:
            return repr(value), None
        except (_ProbeTimeout, _ProbeBlocked):
            raise
        except BaseException as exc:
            return "<repr() failed: %s>" % type(exc).__name__, "%s: %s" % (type(exc).__name__, _safe_str(exc))

    def candidate(self, target, candidate):
        cid = candidate["id"]
        free = _snippet_free_names(candidate)
        names = _snippet_names(free, target.module.__dict__)
        needs_asyncio = "asyncio" in free
        try:
            codes = _compile(candidate)
        except SyntaxError as exc:
            return {
                "id": cid,
                "outcome": "error",
                "phase": "compile",
                "excType": _type_ref(type(exc)),
                "excMessage": _truncate(_safe_str(exc), MESSAGE_LIMIT)[0],
                "raisedInTarget": False,
                "raiseStatement": False,
                "enteredTarget": False,
                "lines": [],
                "names": names,
                "seconds": 0.0,
                "deterministic": True,
                "stdout": "",
                "stderr": "",
            }
        self.current = {"id": cid, "names": names, "first": None}
        self.call_timeout = candidate.get("timeoutSeconds")
        before = _module_state(target.module)
        seed = self.random_seed
        first = self.run_once(target, codes, target.trace, needs_asyncio, seed)
        self.current["first"] = first
        report = {"id": cid}
        report.update(self._describe(target, first))
        changed = _state_changes(before, _module_state(target.module))
        if changed:
            # A test that does this would change what the tests after it see.
            report["changesModule"] = changed[:10]
        if _stop_reason(report) is not None or not self.repeat:
            report["deterministic"] = None  # not run twice: it would only time out (run out of memory) again, or not asked
        else:
            # Another seed: a call that depends on random numbers is not deterministic.
            second = self.run_once(target, codes, False, needs_asyncio, None if seed is None else seed + 1000)
            report["deterministic"] = _fingerprint(self._describe(target, second), second) == _fingerprint(
                report, first
            )
            # Only the attributes the second run left the same (a time of day read from the clock differs).
            for key, raw in ATTRIBUTE_REPORTS + EXCEPTION_REPORTS:
                if report.get(key):
                    again = {a[0]: a[1] for a in (second.get(raw) or [])}
                    report[key] = [a for a in report[key] if again.get(a[0]) == a[1]]
                    if not report[key]:
                        del report[key]
        self.current = None
        report["lines"] = sorted(first["lines"])
        if target.also_lines:
            report["alsoLines"] = sorted(first["also"])
        report["names"] = names
        report["seconds"] = round(first["seconds"], 6)
        report["calls"] = first["calls"]
        report["io"] = first["io"]
        report["stdout"] = first["stdout"]
        report["stderr"] = first["stderr"]
        report["digest"] = _digest(report, first)
        return report


def _as_test_locals(ns, module_dict, bound):
    """Functions and classes the setup defined (among `bound`, the names it binds) get the
    qualname they have in the test, where they are defined inside the test function
    (`test_f.<locals>.sample_two_args`): a value that shows one (`str(func)`) looks in the probe
    as it will in the test."""
    for name in bound:
        value = ns.get(name)
        if value is None or module_dict.get(name) is value:
            continue
        code = getattr(value, "__code__", None)
        local_function = code is not None and getattr(code, "co_filename", None) == "<candidate-setup>"
        local_class = isinstance(value, type) and getattr(value, "__qualname__", None) == name and getattr(value, "__module__", None) == ns.get("__name__")
        if local_function or local_class:
            try:
                value.__qualname__ = "test.<locals>." + name
            except (AttributeError, TypeError):
                pass


# The __module__ of what a candidate defines (in the test, the test module's name, not known
# here: one that reads as such, see engine.ts).
TEST_MODULE = "smart_test_test_module"


def _at_depth(extra, run):
    """run() called `extra` Python frames deeper (a verification run: a value that depends on
    the call stack, a traceback's length, differs then)."""
    if extra <= 0:
        return run()
    return _at_depth(extra - 1, run)
