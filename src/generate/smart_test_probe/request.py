"""The request: its validation, and main(), which sets up the process and runs the request."""

import io
import json
import os
import sys

from .state import PROBE_FILE, STATE, _Fatal
from .clock import shift_clock
from .runner import _Runner


def _validate(req):
    def need(cond, what):
        if not cond:
            raise _Fatal("invalid probe request: " + what)

    need(isinstance(req, dict), "not a JSON object")
    need(isinstance(req.get("sysPath"), list) and all(isinstance(p, str) for p in req["sysPath"]), "sysPath")
    need(isinstance(req.get("cwd"), str) and os.path.isdir(req["cwd"]), "cwd must be an existing directory")
    t = req.get("timeoutSeconds")
    need(isinstance(t, (int, float)) and not isinstance(t, bool) and t > 0, "timeoutSeconds must be > 0")
    need(isinstance(req.get("allowSideEffects"), bool), "allowSideEffects must be a boolean")
    need(req.get("repeat") is None or isinstance(req.get("repeat"), bool), "repeat must be a boolean")
    need(isinstance(req.get("tmpPath"), str) and os.path.isabs(req["tmpPath"]), "tmpPath must be absolute")
    need(req.get("bytecodePath") is None or (isinstance(req["bytecodePath"], str) and os.path.isabs(req["bytecodePath"])), "bytecodePath must be absolute")
    m = req.get("memoryBytes")
    need(m is None or (isinstance(m, int) and not isinstance(m, bool) and m > 0), "memoryBytes must be > 0 or null")
    need(isinstance(req.get("targets"), list), "targets")
    strings = lambda v: v is None or (isinstance(v, list) and all(isinstance(x, str) for x in v))  # noqa: E731
    need(strings(req.get("argv")), "argv")
    need(req.get("stdoutFile") is None or isinstance(req.get("stdoutFile"), bool), "stdoutFile must be a boolean")
    frames = req.get("extraFrames")
    need(frames is None or (isinstance(frames, int) and not isinstance(frames, bool) and 0 <= frames <= 100), "extraFrames must be 0..100")
    seed = req.get("randomSeed")
    need(seed is None or (isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0), "randomSeed")
    shift = req.get("clockShift")
    need(shift is None or (isinstance(shift, int) and not isinstance(shift, bool) and shift >= 0), "clockShift must be >= 0")
    for t in req["targets"]:
        need(isinstance(t, dict), "target")
        for key in ("id", "module", "file", "qualname"):
            need(isinstance(t.get(key), str), "target %s" % key)
        for key in ("firstLine", "lastLine"):
            need(isinstance(t.get(key), int) and not isinstance(t.get(key), bool), "target %s" % key)
        for key in ("ranges", "alsoRanges"):
            rs = t.get(key)
            need(rs is None or (isinstance(rs, list) and all(isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in r) for r in rs)), "target " + key)
        need(isinstance(t.get("candidates"), list), "target candidates")
        need(t.get("traceLines") is None or isinstance(t.get("traceLines"), bool), "target traceLines must be a boolean")
        mutant = t.get("mutant")
        need(
            mutant is None
            or (
                isinstance(mutant, dict)
                and isinstance(mutant.get("lines"), list)
                and all(isinstance(x, int) and not isinstance(x, bool) for x in mutant["lines"])
                and all(isinstance(mutant.get(k), int) and not isinstance(mutant.get(k), bool) and mutant[k] >= 0 for k in ("count", "index"))
            ),
            "target mutant",
        )
        need(strings(t.get("argv")) and strings(t.get("unsetEnv")), "target argv / unsetEnv")
        for c in t["candidates"]:
            need(isinstance(c, dict) and isinstance(c.get("id"), str), "candidate id")
            need(isinstance(c.get("expr"), str), "candidate expr")
            need(isinstance(c.get("setup"), list) and all(isinstance(s, str) for s in c["setup"]), "setup")
            need(strings(c.get("watch")), "candidate watch")
            need(c.get("expect") is None or isinstance(c.get("expect"), str), "candidate expect")
            ct = c.get("timeoutSeconds")
            need(ct is None or (isinstance(ct, (int, float)) and not isinstance(ct, bool) and ct > 0), "candidate timeoutSeconds must be > 0")


# The request's keys that may differ between the requests of one session (see main()).
PER_REQUEST = ("targets", "repeat")


def _read_request(raw):
    request = json.loads(raw.decode("utf-8"))
    _validate(request)
    return request


def _fatal(exc):
    sys.stderr.write("smart-test probe: %s\n" % exc)
    sys.stderr.flush()
    os._exit(2)


def main():
    """Runs the request on stdin and exits.

    With SMART_TEST_PROBE_SESSION=1 the requests come one a line and the probe serves them one
    after the other, each answered up to its ``done`` event, until stdin ends: the modules it
    imported stay imported, and each target still runs in a child process of its own, forked
    from a probe that has run nothing but imports. The requests of a session differ only in
    PER_REQUEST. The session ends after a request that ran code in the probe itself (no fork)
    or whose import failed: a fresh process is then as cheap as any other answer.
    """
    sys.dont_write_bytecode = True
    try:
        os.setsid()  # its own session and process group (smart-test's spawn usually did it already)
    except (AttributeError, OSError):
        pass
    # The probe's own directory must not shadow the project's modules.
    here = os.path.dirname(PROBE_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    session = os.environ.get("SMART_TEST_PROBE_SESSION") == "1"
    requests = io.open(os.dup(0), "rb") if session else None
    raw = requests.readline() if session else sys.stdin.buffer.read()
    # stdout carries the response only: everything else written to fd 1 goes to /dev/null,
    # and stdin is /dev/null (EOF) for the candidates.
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    sys.stdin = io.open(os.devnull, "r")
    sys.stdout = io.open(os.devnull, "w")
    try:
        request = _read_request(raw)
    except (ValueError, _Fatal) as exc:
        _fatal(exc)
    STATE.extra_frames = request.get("extraFrames") or 0
    shift_clock(request.get("clockShift") or 0)
    if request.get("stdoutFile"):
        # fd 1 a regular file, as pytest's capture makes it (a call that tests os.path.isfile(1)
        # or fstat(1) sees what it sees in the test); emptied after each run (see run_once).
        import tempfile

        # In the request's folder, which smart-test removes: never tempfile's default directory,
        # whose first use leaves a file of its own there if the process is killed meanwhile.
        spool = tempfile.TemporaryFile(dir=request["cwd"])
        os.dup2(spool.fileno(), 1)
        spool.close()
        STATE.stdout_file = True
    in_fd = requests.fileno() if session else None
    runner = _Runner(request, out_fd, in_fd)
    runner.run()
    header = _header(request)
    while session and runner.reusable:
        raw = requests.readline()
        if not raw.strip():
            break
        try:
            request = _read_request(raw)
            if _header(request) != header:
                raise _Fatal("invalid probe request: a session's requests differ only in %s" % ", ".join(PER_REQUEST))
        except (ValueError, _Fatal) as exc:
            _fatal(exc)
        runner = _Runner(request, out_fd, in_fd)
        runner.run(setup=False)
    try:
        sys.stderr.flush()
    except Exception:
        pass
    # Skip interpreter shutdown: candidates' threads, atexit handlers and finalizers stay unrun.
    os._exit(0)


def _header(request):
    return dict((k, v) for k, v in request.items() if k not in PER_REQUEST)
