"""smart-test execution probe.

Runs candidate calls of under-covered functions in the project's own Python and reports what
happened, so smart-test can write assertions without an LLM. Standard library only; Python 3.8+.

Usage: ``python probe.py`` with a JSON request on stdin; the response is written to stdout as
it goes, one JSON event a line (start, then per target: target, candidate..., end; then done),
and nothing else goes there. Fatal problems (a bad request) go to stderr with a non-zero exit
status. The shapes are described (and validated) in src/generate/probe-model.ts.

Where fork exists, the probe imports each module once and forks a child process per target (up
to two at a time), in its own process group, under a memory cap; the child runs the target's
candidates and streams their results back over a pipe. Whatever a candidate does to its process
(os._exit, a signal, a segfault, closing files, hanging in C code) ends that child only, and the
probe reports the target as stopped. The probe ignores the signals a candidate could send it.
"""

import ast
import io
import json
import os
import re
import sys
import time

try:
    from collections.abc import Coroutine as _Coroutine
except ImportError:  # pragma: no cover
    _Coroutine = ()

PROBE_FILE = os.path.abspath(__file__)
PROBE_VERSION = 2
# Default cap on the memory of the process running candidates (request key memoryBytes).
DEFAULT_MEMORY = 1 << 30
REPR_LIMIT = 2000
MESSAGE_LIMIT = 2000
# Longest receiver state (repr of its attributes) asserted after a method call.
STATE_LIMIT = 1000
OUTPUT_LIMIT = 2000
# How often a timed-out candidate is interrupted again if it swallows the first interruption.
TIMEOUT_REPEAT = 0.05
LITERAL_TYPES = (bool, int, float, complex, str, bytes, type(None), list, tuple, dict, set, frozenset)
ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")


class _ProbeTimeout(BaseException):
    """Raised by the SIGALRM handler into a candidate that ran too long."""


class _ProbeBlocked(BaseException):
    """Raised by the audit hook into a candidate attempting a side effect."""


class _Fatal(Exception):
    pass


class _State(object):
    def __init__(self):
        self.in_candidate = False  # the timer may interrupt the code now running
        self.gate = False  # the audit hook blocks side effects now
        self.in_hook = False
        self.timed_out = False
        self.timed_out_at = 0.0
        self.grace = 1.0  # seconds a timed-out candidate gets to unwind before the probe gives up
        self.on_stuck = None  # called when it does not unwind: reports what is done and exits
        self.blocked = []  # [(event, detail)] of the current run
        self.tmp_real = None  # realpath of the current run's tmp dir
        # Processes (and process groups) no code run by the probe may signal: smart-test's node
        # process, and (from a forked child) the probe itself. Filled by _protect().
        self.protected = frozenset()
        self.protected_groups = frozenset()


STATE = _State()


# --------------------------------------------------------------------------------------------
# Output capture


class _BoundedBytes(io.BytesIO):
    """A BytesIO that keeps the first ``limit`` bytes and silently drops the rest."""

    def __init__(self, limit):
        io.BytesIO.__init__(self)
        self._limit = limit
        self.total = 0

    def write(self, b):
        n = len(b)
        self.total += n
        room = self._limit - self.tell()
        if room > 0:
            io.BytesIO.write(self, bytes(b[:room]))
        return n

    def close(self):  # candidates closing sys.stdout must not lose what was captured
        pass


def _capture_stream():
    raw = _BoundedBytes(OUTPUT_LIMIT * 4)
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", write_through=True)
    return raw, stream


def _captured_text(raw):
    return raw.getvalue().decode("utf-8", "replace")[:OUTPUT_LIMIT]


# --------------------------------------------------------------------------------------------
# Timeouts


def _on_alarm(signum, frame):
    if not STATE.in_candidate:
        return
    now = time.perf_counter()
    if STATE.timed_out and now - STATE.timed_out_at > STATE.grace and STATE.on_stuck is not None:
        # The candidate keeps swallowing the interruption: stop the whole probe (does not return).
        STATE.on_stuck()
    # Only interrupt candidate code: never the probe's own frames (cleanup, tracer, hook).
    if frame is not None and frame.f_code.co_filename == PROBE_FILE:
        return
    if not STATE.timed_out:
        STATE.timed_out = True
        STATE.timed_out_at = now
    raise _ProbeTimeout()


class _Timer(object):
    """Interrupts the main thread after ``seconds`` (SIGALRM where possible, else interrupt_main)."""

    def __init__(self):
        import signal

        self.signal = signal
        self.use_itimer = hasattr(signal, "setitimer") and _is_main_thread()
        self._thread_timer = None

    def start(self, seconds):
        STATE.timed_out = False
        if self.use_itimer:
            self.signal.signal(self.signal.SIGALRM, _on_alarm)
            self.signal.setitimer(self.signal.ITIMER_REAL, seconds, TIMEOUT_REPEAT)
        else:
            import threading
            import _thread

            def fire():
                if STATE.in_candidate:
                    STATE.timed_out = True
                    STATE.timed_out_at = time.perf_counter()
                    _thread.interrupt_main()

            self._thread_timer = threading.Timer(seconds, fire)
            self._thread_timer.daemon = True
            self._thread_timer.start()

    def stop(self):
        if self.use_itimer:
            self.signal.setitimer(self.signal.ITIMER_REAL, 0, 0)
        elif self._thread_timer is not None:
            self._thread_timer.cancel()
            self._thread_timer = None


def _is_main_thread():
    import threading

    return threading.current_thread() is threading.main_thread()


# --------------------------------------------------------------------------------------------
# Side effects


def _fd_path(fd):
    try:
        return os.readlink("/proc/self/fd/%d" % fd)
    except Exception:
        pass
    try:
        import fcntl

        if hasattr(fcntl, "F_GETPATH"):
            return os.fsdecode(fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024)).rstrip(b"\0"))
    except Exception:
        pass
    return None


def _resolve(path, dir_fd=None):
    """Absolute real path for an audited path argument; None when it is an fd (already vetted)."""
    if isinstance(path, int):
        return None
    try:
        p = os.fsdecode(os.fspath(path))
    except TypeError:
        return ""
    if not os.path.isabs(p):
        base = os.getcwd()
        if isinstance(dir_fd, int) and dir_fd >= 0:
            base = _fd_path(dir_fd)
            if base is None:
                return ""  # cannot tell where it is: treat as outside
        p = os.path.join(base, p)
    return os.path.realpath(p)


def _outside_tmp(path, dir_fd=None):
    real = _resolve(path, dir_fd)
    if real is None:
        return False
    if real == os.devnull:
        return False
    tmp = STATE.tmp_real
    return not (tmp and (real == tmp or real.startswith(tmp + os.sep)))


def _write_flags():
    flags = 0
    for name in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"):
        flags |= getattr(os, name, 0)
    return flags


WRITE_FLAGS = _write_flags()

# event -> (indices of path arguments, index of the dir_fd argument or None)
PATH_EVENTS = {
    "os.remove": ((0,), 1),
    "os.rmdir": ((0,), 1),
    "os.mkdir": ((0,), 2),
    "os.rename": ((0, 1), None),  # src_dir_fd/dst_dir_fd: rare, resolved against cwd
    "os.link": ((1,), None),
    "os.symlink": ((1,), 2),
    "os.chmod": ((0,), 2),
    "os.lchmod": ((0,), None),
    "os.chown": ((0,), 3),
    "os.lchown": ((0,), None),
    "os.chflags": ((0,), None),
    "os.lchflags": ((0,), None),
    "os.truncate": ((0,), None),
    "os.utime": ((0,), 3),
    "os.setxattr": ((0,), None),
    "os.removexattr": ((0,), None),
    "shutil.rmtree": ((0,), None),
    "shutil.move": ((0, 1), None),
    "shutil.copyfile": ((1,), None),
    "shutil.copymode": ((1,), None),
    "shutil.copystat": ((1,), None),
    "shutil.copytree": ((1,), None),
    "shutil.chown": ((0,), None),
    "shutil.unpack_archive": ((1,), None),
}

ALWAYS_BLOCKED = frozenset(
    [
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.spawn",
        "os.posix_spawn",
        "os.fork",
        "os.forkpty",
        "os.startfile",
        "os.kill",
        "os.killpg",
        "signal.pthread_kill",
        "os.putenv",
        "os.unsetenv",
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    ]
)


def _short(value, limit=200):
    try:
        text = value if isinstance(value, str) else repr(value)
    except BaseException:
        text = "<unrepresentable>"
    return text if len(text) <= limit else text[:limit] + "..."


WATCHED = frozenset(["open", "sqlite3.connect"]) | ALWAYS_BLOCKED | frozenset(PATH_EVENTS)


KILL_EVENTS = frozenset(["os.kill", "os.killpg"])


def _kill_detail(event, args):
    """Why a signal may not be sent (None: it may): to every process, to smart-test or the probe."""
    pid = args[0] if args else None
    if not isinstance(pid, int):
        return None
    if event == "os.killpg":
        hit = pid in STATE.protected_groups
    elif pid == -1:
        hit = True  # every process the user may signal
    elif pid < -1:
        hit = -pid in STATE.protected_groups
    else:
        hit = pid in STATE.protected
    return " ".join(_short(a, 100) for a in args) if hit else None


def _protect(pids):
    """Protects ``pids`` (and their process groups) from signals sent by the code the probe runs."""
    me = os.getpid()
    pids = frozenset(p for p in pids if isinstance(p, int) and p > 1 and p != me)
    groups = set()
    getpgid = getattr(os, "getpgid", None)
    for p in pids:
        try:
            groups.add(getpgid(p) if getpgid else p)
        except OSError:
            pass
    try:
        groups.discard(os.getpgrp())
    except (AttributeError, OSError):
        pass
    STATE.protected = pids
    STATE.protected_groups = frozenset(g for g in groups if g > 1)


def _audit_hook(event, args):
    # Called for every audited operation (on 3.8, even frame attribute reads): stay cheap.
    if STATE.in_hook or event not in WATCHED:
        return
    if not STATE.gate:
        # Even with side effects allowed (or while importing), nothing may signal smart-test,
        # the probe (from a child) or every process at once.
        if event in KILL_EVENTS:
            detail = _kill_detail(event, args)
            if detail is not None:
                STATE.blocked.append((event, detail))
                raise _ProbeBlocked("smart-test probe blocked %s %s" % (event, detail))
        return
    STATE.in_hook = True
    try:
        detail = _check_event(event, args)
    except RecursionError:
        raise  # swallowing it would let a runaway recursion overflow the C stack
    except Exception as exc:
        detail = "(could not check the arguments: %s)" % type(exc).__name__
    finally:
        STATE.in_hook = False
    if detail is not None:
        STATE.blocked.append((event, detail))
        raise _ProbeBlocked("smart-test probe blocked %s %s" % (event, detail))


def _check_event(event, args):
    """A description of the blocked operation, or None to let it happen."""
    if event == "open":
        path = args[0] if args else None
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else 0
        writes = (isinstance(flags, int) and flags & WRITE_FLAGS) or (
            isinstance(mode, str) and any(c in mode for c in "wax+")
        )
        if writes and _outside_tmp(path):
            return "%s mode=%s" % (_short(path), _short(mode if mode is not None else flags))
        return None
    if event in ALWAYS_BLOCKED:
        return " ".join(_short(a, 100) for a in args)[:300]
    spec = PATH_EVENTS.get(event)
    if spec is not None:
        indices, dir_fd_index = spec
        dir_fd = args[dir_fd_index] if dir_fd_index is not None and len(args) > dir_fd_index else None
        for i in indices:
            if i < len(args) and _outside_tmp(args[i], dir_fd):
                return _short(args[i])
        return None
    if event == "sqlite3.connect" and args:
        db = args[0]
        if isinstance(db, bytes):
            db = os.fsdecode(db)
        if isinstance(db, str) and (db == ":memory:" or db == "" or db.startswith("file::memory:")):
            return None
        if _outside_tmp(db):
            return _short(db)
    return None


# --------------------------------------------------------------------------------------------
# Line tracing


class _FileMatcher(object):
    """Does a code object's co_filename name the target file? Cached per filename string."""

    def __init__(self, file):
        self.real = os.path.realpath(file)
        self.cache = {file: True}

    def __call__(self, filename):
        r = self.cache.get(filename)
        if r is None:
            try:
                r = os.path.realpath(filename) == self.real
            except Exception:
                r = False
            self.cache[filename] = r
        return r


def _make_tracer(matcher, first, last, lines):
    add = lines.add

    def local(frame, event, arg):
        if event == "line":
            ln = frame.f_lineno
            if first <= ln <= last:
                add(ln)
        return local

    cache = matcher.cache

    def global_tracer(frame, event, arg):
        filename = frame.f_code.co_filename
        hit = cache.get(filename)
        if hit is None:
            hit = matcher(filename)
        return local if hit else None

    return global_tracer


# --------------------------------------------------------------------------------------------
# Values


def _is_literal_type(value, depth=0, seen=None):
    if depth > 100:
        return False
    t = type(value)
    if t not in LITERAL_TYPES:
        return False
    if t is float:
        return value == value  # NaN is not a literal
    if t is complex:
        return value == value
    if t in (list, tuple, dict, set, frozenset):
        if seen is None:
            seen = set()
        if id(value) in seen:
            return False
        seen.add(id(value))
        items = list(value.items()) if t is dict else [(v, None) for v in value]
        for k, v in items:
            if not _is_literal_type(k, depth + 1, seen):
                return False
            if t is dict and not _is_literal_type(v, depth + 1, seen):
                return False
        seen.discard(id(value))
    return True


def _is_literal(value, text):
    if not _is_literal_type(value):
        return False
    try:
        parsed = ast.literal_eval(text)
    except Exception:
        return False
    try:
        return type(parsed) is type(value) and bool(parsed == value) and _is_literal_type(parsed)
    except Exception:
        return False


def _has_float(value, depth=0, seen=None):
    if isinstance(value, (float, complex)):
        return True
    if depth > 100 or isinstance(value, (str, bytes, bytearray)):
        return False
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if seen is None:
            seen = set()
        if id(value) in seen:
            return False
        seen.add(id(value))
        try:
            items = list(value.items()) if isinstance(value, dict) else list(value)
        except Exception:
            return False
        for item in items:
            if isinstance(item, tuple) and isinstance(value, dict):
                if _has_float(item[0], depth + 1, seen) or _has_float(item[1], depth + 1, seen):
                    return True
            elif _has_float(item, depth + 1, seen):
                return True
    return False


def _type_ref(t):
    return {
        "module": str(getattr(t, "__module__", None) or "builtins"),
        "qualname": str(getattr(t, "__qualname__", None) or getattr(t, "__name__", "?")),
    }


def _truncate(text, limit):
    if len(text) > limit:
        return text[:limit], True
    return text, False


def _safe_str(exc):
    try:
        return str(exc)
    except BaseException:
        return "<str() failed>"


# --------------------------------------------------------------------------------------------
# Snippet analysis


def _free_names(sources):
    loaded, stored = [], set()
    for src, mode in sources:
        try:
            tree = ast.parse(src, mode=mode)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    if node.id not in loaded:
                        loaded.append(node.id)
                else:
                    stored.add(node.id)
            elif isinstance(node, ast.arg):
                stored.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stored.add(node.name)
            elif isinstance(node, ast.alias):
                stored.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                stored.add(node.name)
    return [n for n in loaded if n not in stored]


class _PytestStdin(object):
    """sys.stdin as pytest gives it to a test (output captured): reading raises, like
    _pytest.capture.DontReadFromInput. A call that reads stdin would fail in the test."""

    encoding = None
    closed = False  # pytest's never reports itself closed either

    def read(self, *args):
        raise OSError("pytest: reading from stdin while output is captured!  Consider using `-s`.")

    readline = read
    readlines = read
    __next__ = read

    def __iter__(self):
        return self

    def fileno(self):
        raise io.UnsupportedOperation("redirected stdin is pseudofile, has no fileno()")

    def isatty(self):
        return False

    def close(self):
        pass

    def readable(self):
        return False

    def seekable(self):
        return False

    def writable(self):
        return False


def _snippet_free_names(candidate):
    sources = [(s, "exec") for s in candidate["setup"]]
    try:
        ast.parse(candidate["expr"], mode="eval")
        sources.append((candidate["expr"], "eval"))
    except SyntaxError:
        sources.append((candidate["expr"], "exec"))
    return _free_names(sources)


def _snippet_names(free, module_dict):
    names = []
    for name in free:
        if name in ("tmp_path", "asyncio", "__builtins__"):
            continue
        if name in module_dict:
            names.append({"name": name, "kind": "module_attr"})
    return names


class _RaiseLines(object):
    """Which lines of a file lie inside a `raise` statement (cached per file)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, file):
        lines = self.cache.get(file)
        if lines is None:
            lines = set()
            try:
                with io.open(file, "rb") as f:
                    tree = ast.parse(f.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Raise):
                        end = getattr(node, "end_lineno", None) or node.lineno
                        lines.update(range(node.lineno, end + 1))
            except Exception:
                pass
            self.cache[file] = lines
        return lines


RAISE_LINES = _RaiseLines()


# --------------------------------------------------------------------------------------------
# Running


class _Target(object):
    def __init__(self, spec, module):
        self.spec = spec
        self.module = module
        self.file = spec["file"]
        self.first = spec["firstLine"]
        self.last = spec["lastLine"]
        self.matcher = _FileMatcher(self.file)

    def in_range(self, code, lineno):
        return self.first <= lineno <= self.last and self.matcher(code.co_filename)


class _Runner(object):
    def __init__(self, request, out_fd):
        self.request = request
        self.out_fd = out_fd
        self.cwd = request["cwd"]
        self.timeout = float(request["timeoutSeconds"])
        self.allow = bool(request["allowSideEffects"])
        # False: each candidate runs once (its stability is checked later, for the chosen ones only).
        self.repeat = request.get("repeat", True) is not False
        self.tmp_root = request["tmpPath"]
        self.timer = _Timer()
        self.devnull_out = io.open(os.devnull, "w")
        self.run_counter = 0
        self.spare_tmp = None
        self.tmp_stat = None
        self.current_target = None  # id of the target being run, for _stuck
        # What the probe is doing now, for a report when a candidate never stops (see _stuck).
        self.current = None
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

    # -- per-run isolation ------------------------------------------------------------------

    def _make_tmp(self):
        """A fresh, empty directory for one run (one left untouched by the previous run is reused)."""
        spare, self.spare_tmp = self.spare_tmp, None
        if spare is not None:
            return spare
        os.makedirs(self.tmp_root, exist_ok=True)
        self.run_counter += 1
        path = os.path.realpath(self.tempfile.mkdtemp(prefix="run%d-" % self.run_counter, dir=self.tmp_root))
        self.tmp_stat = _dir_stamp(path)
        return path

    def _drop_tmp(self, path):
        # Removing directories is slow on some file systems: keep one the run did not touch.
        try:
            if _dir_stamp(path) == self.tmp_stat and not os.listdir(path):
                self.spare_tmp = path
                return
        except OSError:
            pass
        import shutil

        shutil.rmtree(path, ignore_errors=True)

    def _snapshot(self):
        return {
            "environ": _environ_snapshot(),
            "argv": list(sys.argv),
            "path": list(sys.path),
            "meta_path": list(sys.meta_path),
            "stdout": sys.stdout,
            "stderr": sys.stderr,
            "stdin": sys.stdin,
            "recursion": sys.getrecursionlimit(),
            "tempdir": self.tempfile.tempdir,
        }

    def _restore(self, snap):
        sys.stdout, sys.stderr, sys.stdin = snap["stdout"], snap["stderr"], snap["stdin"]
        sys.argv = snap["argv"]
        sys.path[:] = snap["path"]
        sys.meta_path[:] = snap["meta_path"]
        sys.setrecursionlimit(snap["recursion"])
        self.tempfile.tempdir = snap["tempdir"]
        changed = _environ_snapshot() != snap["environ"]
        if changed:
            _environ_restore(snap["environ"])
        try:
            os.chdir(self.cwd)
        except OSError:
            pass
        return changed

    # -- one run ----------------------------------------------------------------------------

    def run_once(self, target, codes, trace, needs_asyncio):
        """Run a candidate once; returns a dict of raw facts about the run."""
        tmp = self._make_tmp()
        ns = dict(target.module.__dict__)
        ns["tmp_path"] = self.pathlib.Path(tmp)
        if needs_asyncio:  # imported only when used: it is half the probe's start-up time
            import asyncio

            ns["asyncio"] = asyncio
        out_raw, out_stream = _capture_stream()
        err_raw, err_stream = _capture_stream()
        lines = set()
        tracer = _make_tracer(target.matcher, target.first, target.last, lines) if trace else None
        snap = self._snapshot()
        os.chdir(self.cwd)
        _reopen_std_fds()  # a previous run may have closed them: they must not be reused by other files
        stdin = _PytestStdin()
        sys.stdout, sys.stderr, sys.stdin = out_stream, err_stream, stdin
        self.tempfile.tempdir = tmp
        STATE.blocked = []
        STATE.tmp_real = tmp
        result = {"value": None, "exc": None, "phase": None, "lines": lines}
        run = {"phase": "setup", "lines": lines, "out": out_raw, "err": err_raw, "started": time.perf_counter()}
        if self.current is not None:
            self.current["run"] = run
        if self.in_child:
            self.emit({"event": "begin", "id": self.current["id"] if self.current else None})
        self.timer.start(self.timeout)
        try:
            STATE.gate = not self.allow
            STATE.in_candidate = True
            if tracer is not None:
                sys.settrace(tracer)
            for code in codes["setup"]:
                exec(code, ns)
            state_before = _receiver_state(ns) if codes["watch"] else None
            run["phase"] = "expr"
            if codes["mode"] == "eval":
                value = eval(codes["expr"], ns)
            else:
                exec(codes["expr"], ns)
                value = None
            if isinstance(value, _Coroutine):
                run["phase"] = "await"
                import asyncio

                value = asyncio.run(value)
            run["phase"] = "repr"
            result["value"] = value
            result["repr"], result["repr_error"] = self._repr(value)
            if codes["watch"]:
                state = _receiver_state(ns)
                result["state"] = state if state != state_before else None
            if value is not None and not _is_literal_type(value):
                result["value_state"] = _receiver_state({"obj": value})
            run["phase"] = None
        except BaseException as exc:  # noqa: B902 - everything a candidate does is data
            result["exc"] = exc
            result["tb_frames"] = _traceback_frames(exc)
        finally:
            STATE.in_candidate = False
            STATE.gate = False
            sys.settrace(None)
            self.timer.stop()
            elapsed = time.perf_counter() - run["started"]
            env_changed = self._restore(snap)
            closed = _closed_std(out_stream, err_stream, stdin)
            try:
                stdin.close()
            except OSError:
                pass  # the candidate closed its file descriptor
        result["phase"] = run["phase"]
        result["seconds"] = elapsed
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

    # -- one candidate ----------------------------------------------------------------------

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
        before = _module_state(target.module)
        first = self.run_once(target, codes, True, needs_asyncio)
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
            second = self.run_once(target, codes, False, needs_asyncio)
            report["deterministic"] = _fingerprint(self._describe(target, second), second) == _fingerprint(
                report, first
            )
        self.current = None
        report["lines"] = sorted(first["lines"])
        report["names"] = names
        report["seconds"] = round(first["seconds"], 6)
        report["stdout"] = first["stdout"]
        report["stderr"] = first["stderr"]
        return report

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
            if run.get("state") is not None and run["tmp"] not in run["state"]:
                out["receiverState"] = run["state"]
            if run.get("value_state") is not None and run["tmp"] not in run["value_state"]:
                out["resultState"] = run["value_state"]
            return out
        frames = run["tb_frames"]
        entered = any(target.in_range(code, ln) for code, ln in frames)
        innermost = frames[-1] if frames else None
        raised_in = innermost is not None and target.in_range(innermost[0], innermost[1])
        raise_stmt = raised_in and innermost[1] in RAISE_LINES(innermost[0].co_filename)
        message, _ = _truncate(_safe_str(exc), MESSAGE_LIMIT)
        if isinstance(exc, SystemExit):
            message = _truncate(_safe_str(exc.code), MESSAGE_LIMIT)[0] if exc.code is not None else ""
        internal = isinstance(exc, (RecursionError, MemoryError))
        outcome = "raise" if (entered and not internal and run["phase"] in ("expr", "await")) else "error"
        return {
            "outcome": outcome,
            "phase": run["phase"],
            "excType": _type_ref(type(exc)),
            "excMessage": message,
            "raisedInTarget": raised_in,
            "raiseStatement": raise_stmt,
            "enteredTarget": entered,
        }

    # -- everything -------------------------------------------------------------------------

    def run(self):
        import importlib

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
        self.emit(
            {"event": "start", "probeVersion": PROBE_VERSION, "python": sys.version.split()[0], "fork": self.fork}
        )
        if self.fork:
            self._run_all_forked(importlib)
        else:
            for spec in self.request["targets"]:
                self.current_target = spec["id"]
                module, error = self._import(importlib, spec["module"])
                self.emit({"event": "target", "id": spec["id"], "importError": error})
                stopped = None
                if module is not None:
                    stopped = self._run_here(_Target(spec, module))
                self.emit({"event": "end", "id": spec["id"], "stopped": stopped})
        self.emit({"event": "done"})

    def emit(self, event):
        """One JSON line on the result channel (smart-test, or a child's pipe to the probe)."""
        data = json.dumps(event, ensure_ascii=True, allow_nan=False).encode("ascii") + b"\n"
        while data:
            n = os.write(self.out_fd, data)
            data = data[n:]

    def _run_here(self, target):
        """Runs a target's candidates in this process; its stop reason (see _stop_reason) or None."""
        ambient = _enter_ambient(target.spec)
        try:
            for candidate in target.spec["candidates"]:
                report = self.candidate(target, candidate)
                self.emit({"event": "candidate", "target": target.spec["id"], "result": report})
                reason = _stop_reason(report)
                if reason is not None:
                    return {"reason": reason, "candidate": candidate["id"]}
            return None
        finally:
            _leave_ambient(ambient)

    # -- a child per target -----------------------------------------------------------------

    def _run_all_forked(self, importlib):
        """Runs each target's candidates in a child process, up to ``self.jobs`` at once.

        Events are written in request order (a target's results once its child is done), so that
        the output reads as if the targets ran one after the other. A module is imported only
        while no child runs: every child has the modules its target needs, and a crash while
        importing ends no target but the one importing.
        """
        specs = self.request["targets"]
        entries = []  # [spec, importError, _Child or None], in request order, not yet written
        i = 0
        while i < len(specs) or entries:
            self._flush(entries)  # before an import, everything finished is written
            running = [e[2] for e in entries if e[2] is not None and not e[2].finished]
            while i < len(specs) and len(running) < self.jobs:
                spec = specs[i]
                if running and spec["module"] not in sys.modules:
                    break
                self.current_target = spec["id"]
                module, error = self._import(importlib, spec["module"])
                child = None
                if module is not None and spec["candidates"]:
                    others = [e[2].r for e in entries if e[2] is not None and not e[2].finished]
                    try:
                        child = _Child(self, _Target(spec, module), _child_memory(self.memory, self.jobs), others)
                    except OSError:  # no more processes: wait for a child to end, or run it here
                        if running:
                            break
                        self._flush(entries)
                        self.emit({"event": "target", "id": spec["id"], "importError": None})
                        stopped = self._run_here(_Target(spec, module))
                        self.emit({"event": "end", "id": spec["id"], "stopped": stopped})
                        i += 1
                        continue
                    running.append(child)
                entries.append([spec, error, child, False, 0])
                i += 1
                self._flush(entries)
            self._flush(entries)
            if running:
                _Child.wait(running)

    def _flush(self, entries):
        """Writes what is known of the targets at the head of ``entries``, in order.

        The first target's results go out as they come (so that they survive a crash of the
        probe itself); a later target's wait until it is first.
        """
        while entries:
            entry = entries[0]
            spec, error, child = entry[0], entry[1], entry[2]
            if not entry[3]:
                self.emit({"event": "target", "id": spec["id"], "importError": error})
                entry[3] = True
            if child is not None:
                while entry[4] < len(child.relayed):
                    self.emit({"event": "candidate", "target": spec["id"], "result": child.relayed[entry[4]]})
                    entry[4] += 1
                if not child.finished:
                    return
            self.emit({"event": "end", "id": spec["id"], "stopped": child.stopped if child is not None else None})
            entries.pop(0)

    def _child(self, target, w, limit, others):
        """In the child: isolate, limit, run the candidates, report each on ``w``. Never returns."""
        self.in_child = True
        for fd in others:  # the other children's pipes
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.setpgid(0, 0)  # signals the candidates send to their "process group" stay here
        except OSError:
            pass
        _restore_signals()
        _protect(list(STATE.protected) + [os.getppid()])
        # smart-test's pipes stay with the probe: the child writes results to w only, and its
        # fd 2 goes nowhere (what candidates print is captured at the Python level).
        os.close(self.out_fd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        self.out_fd = w
        _limit_memory(limit)
        _enter_ambient(target.spec)  # the child ends after its target: nothing to restore
        for candidate in target.spec["candidates"]:
            report = self.candidate(target, candidate)
            self.emit({"event": "candidate", "target": target.spec["id"], "result": report})
            if _stop_reason(report) is not None:
                break
        self.emit({"event": "done"})
        os._exit(0)

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
            module = importlib.import_module(name)
        except BaseException as exc:  # noqa: B902
            error = exc
        finally:
            STATE.in_candidate = False
            self.timer.stop()
            self._restore(snap)
        if STATE.timed_out or isinstance(error, _ProbeTimeout):
            STATE.timed_out = False
            return None, {"type": "Timeout", "message": "importing %s took too long" % name}
        if error is not None:
            t = type(error)
            qual = t.__qualname__ if t.__module__ == "builtins" else "%s.%s" % (t.__module__, t.__qualname__)
            return None, {"type": qual, "message": _truncate(_safe_str(error), MESSAGE_LIMIT)[0]}
        return module, None


class _Child(object):
    """A child process running one target's candidates, as the probe sees it."""

    def __init__(self, runner, target, limit, others):
        spec = target.spec
        self.spec = spec
        self.asked = [c["id"] for c in spec["candidates"]]
        self.relayed = []  # results received, in order
        self.stopped = None
        self.finished = False
        self.buf = b""
        self.eof = False
        self.status = None
        self.done = False
        self.killed = False
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(r)
                runner._child(target, w, limit, others)
            finally:
                os._exit(70)
        os.close(w)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        self.pid = pid
        self.r = r
        runner.emit({"event": "fork", "pid": pid, "target": spec["id"]})
        # The child says when each run starts; a run that neither ends nor reports within its
        # timeout, the grace to unwind and a margin is stuck (in C code): the child is killed.
        self.per_run = runner.timeout + STATE.grace + 1.0
        self.deadline = time.perf_counter() + self.per_run + 2.0
        self.runner = runner

    @staticmethod
    def wait(children):
        """Waits (at most 0.1 s) for news from any of ``children`` and handles it."""
        import select

        now = time.perf_counter()
        reading = [c for c in children if not c.eof]
        wait = max(0.0, min([c.deadline - now for c in children] + [0.1]))
        if reading:
            ready = select.select(reading, [], [], wait)[0]
        else:
            time.sleep(min(wait, 0.002))
            ready = []
        for child in children:
            if child in ready:
                child._read()
            child._poll()

    def fileno(self):
        return self.r

    def _read(self):
        chunk = os.read(self.r, 1 << 16)
        if not chunk:
            self.eof = True
            return
        self.buf += chunk
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            event = _parse_line(line)
            if event is None:
                continue
            kind = event.get("event")
            if kind == "begin":
                self.deadline = time.perf_counter() + self.per_run
            elif kind == "candidate":
                result = event.get("result")
                n = len(self.relayed)
                if isinstance(result, dict) and n < len(self.asked) and result.get("id") == self.asked[n]:
                    self.relayed.append(result)
                    self.deadline = time.perf_counter() + self.per_run
            elif kind == "done":
                self.done = True
        if len(self.buf) > (32 << 20):
            self.buf = b""  # not the child's writing: drop it

    def _poll(self):
        import select

        if self.status is None:
            got, st = os.waitpid(self.pid, os.WNOHANG)
            if got:
                self.status = st
        if self.status is not None and (self.eof or not select.select([self.r], [], [], 0)[0]):
            self._finish()  # gone (grandchildren may hold the pipe open: not waited for)
        elif time.perf_counter() >= self.deadline:
            _kill_group(self.pid)
            self.killed = True
            if self.status is None:
                self.status = os.waitpid(self.pid, 0)[1]
            self._finish()

    def _finish(self):
        os.close(self.r)
        _kill_group(self.pid)  # whatever the candidates left running in the child's process group
        self.runner.emit({"event": "reaped", "pid": self.pid})
        self.finished = True
        last = self.relayed[-1] if self.relayed else None
        reported = len(self.relayed)
        if last is not None and _stop_reason(last) is not None:
            self.stopped = {"reason": _stop_reason(last), "candidate": last["id"]}
        elif self.done or reported >= len(self.asked):
            self.stopped = None
        else:
            self.stopped = {"reason": "timeout" if self.killed else "crash", "candidate": self.asked[reported]}
            if not self.killed:
                self.stopped.update(_exit_status(self.status))


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _closed_std(out_stream, err_stream, in_stream):
    """Which standard stream a run closed ("stdout", "fd 1", ...), or None."""
    for name, stream in (("stdout", out_stream), ("stderr", err_stream), ("stdin", in_stream)):
        if stream.closed:
            return name
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            return "fd %d" % fd
    return None


def _reopen_std_fds():
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _stop_reason(report):
    """Why no further candidate of the target runs after this one: "timeout", "memory" or None."""
    if report.get("outcome") == "timeout":
        return "timeout"
    exc = report.get("excType")
    if isinstance(exc, dict) and exc.get("module") == "builtins" and exc.get("qualname") == "MemoryError":
        return "memory"
    return None


def _parse_line(line):
    try:
        event = json.loads(line.decode("ascii"))
    except Exception:
        return None
    return event if isinstance(event, dict) else None


def _exit_status(status):
    """{"exitCode", "signal"} of a waitpid status."""
    if status is not None and os.WIFSIGNALED(status):
        import signal

        num = os.WTERMSIG(status)
        try:
            name = signal.Signals(num).name
        except ValueError:
            name = "signal %d" % num
        return {"exitCode": None, "signal": name}
    code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
    return {"exitCode": code, "signal": None}


def _kill_group(pid):
    try:
        os.killpg(pid, 9)  # SIGKILL
    except OSError:
        pass


# Signals a candidate may send the probe (os.kill(os.getppid(), ...), through ctypes too) that
# would end it: the probe ignores them while children run candidates; the children do not.
_IGNORED = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTSTP", "SIGTTIN", "SIGTTOU")


def _ignore_signals():
    import signal

    for name in _IGNORED:
        num = getattr(signal, name, None)
        if num is not None:
            try:
                signal.signal(num, signal.SIG_IGN)
            except (OSError, ValueError):
                pass


def _restore_signals():
    import signal

    for name in _IGNORED:
        num = getattr(signal, name, None)
        if num is not None:
            try:
                signal.signal(num, signal.default_int_handler if name == "SIGINT" else signal.SIG_DFL)
            except (OSError, ValueError):
                pass


def _child_memory(memory, jobs=1):
    """The memory limit of a child, so that the probe and the child together stay under ``memory``.

    The child starts with the probe's data segment (the imported modules), shared until written:
    it may add ``memory`` less what the probe holds, less a margin for code pages, which a data
    limit does not count.
    """
    if memory is None:
        return None
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere
    except Exception:
        peak = 0
    return _data_size() + max((memory - peak - (32 << 20)) // jobs, 16 << 20)


def _data_size():
    """This process's data segment in bytes (VmData; Linux only, else 0)."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _limit_memory(limit):
    """Caps this process's memory at ``limit`` bytes: its data segment on Linux (which counts
    every private writable mapping, but not address space reserved and never written), else its
    address space. Allocations past it raise MemoryError."""
    if limit is None:
        return
    try:
        import resource
    except ImportError:
        return
    which = getattr(resource, "RLIMIT_DATA" if sys.platform.startswith("linux") else "RLIMIT_AS", None)
    if which is None:
        return
    try:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY and hard < limit:
            limit = hard
        resource.setrlimit(which, (limit, limit))
    except (ValueError, OSError):
        pass


def _enter_ambient(spec):
    """A target's own sys.argv ("argv") and unset variables ("unsetEnv"), as its test sets them."""
    saved = (list(sys.argv), {k: os.environ[k] for k in spec.get("unsetEnv", ()) if k in os.environ})
    if spec.get("argv"):
        sys.argv = list(spec["argv"])
    for key in saved[1]:
        del os.environ[key]
    return saved


def _leave_ambient(saved):
    sys.argv = saved[0]
    os.environ.update(saved[1])


def _module_state(module):
    """What a call could change in its module: each global's identity, and a container's size."""
    state = {}
    try:
        items = list(vars(module).items())
    except Exception:
        return state
    for name, value in items:
        if name.startswith("__"):
            continue
        size = None
        if type(value) in (list, dict, set, bytearray):
            try:
                size = len(value)
            except Exception:
                pass
        state[name] = (id(value), size)
    return state


def _state_changes(before, after):
    """Names of the globals rebound, added, removed or resized between two snapshots, sorted."""
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def _dir_stamp(path):
    st = os.stat(path)
    return (st.st_ino, st.st_mode, st.st_uid, st.st_gid)


def _environ_snapshot():
    data = getattr(os.environ, "_data", None)  # encoded keys and values: cheaper than decoding
    return dict(data) if isinstance(data, dict) else dict(os.environ)


def _environ_restore(snapshot):
    decode_key = getattr(os.environ, "decodekey", None)
    decode_value = getattr(os.environ, "decodevalue", None)
    wanted = {}
    for key, value in snapshot.items():
        if isinstance(getattr(os.environ, "_data", None), dict) and decode_key and decode_value:
            key, value = decode_key(key), decode_value(value)
        wanted[key] = value
    for key in list(os.environ):
        if key not in wanted:
            del os.environ[key]
    for key, value in wanted.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


def _traceback_frames(exc):
    frames = []
    tb = getattr(exc, "__traceback__", None)
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    # Drop the probe's own frames (the exec/eval call sites).
    return [(code, ln) for code, ln in frames if code.co_filename != PROBE_FILE]


def _compile(candidate):
    setup = [compile(s, "<candidate-setup>", "exec") for s in candidate["setup"]]
    expr = candidate["expr"]
    try:
        code = compile(expr, "<candidate>", "eval")
        mode = "eval"
    except SyntaxError:
        code = compile(expr, "<candidate>", "exec")
        mode = "exec"
    # A method call on the receiver `obj` the setup built: its state after the call is recorded.
    return {"setup": setup, "expr": code, "mode": mode, "watch": "obj" in code.co_names}


def _receiver_state(ns):
    """repr of the attributes of `obj` in ns when all are plain literals (and short), else None."""
    attrs = getattr(ns.get("obj"), "__dict__", None)
    if type(attrs) is not dict:
        return None
    attrs = dict(attrs)
    if not _is_literal_type(attrs):
        return None
    text = repr(attrs)
    return text if len(text) <= STATE_LIMIT and _is_literal(attrs, text) else None


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


# --------------------------------------------------------------------------------------------
# Request


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
    m = req.get("memoryBytes")
    need(m is None or (isinstance(m, int) and not isinstance(m, bool) and m > 0), "memoryBytes must be > 0 or null")
    need(isinstance(req.get("targets"), list), "targets")
    strings = lambda v: v is None or (isinstance(v, list) and all(isinstance(x, str) for x in v))  # noqa: E731
    need(strings(req.get("argv")), "argv")
    for t in req["targets"]:
        need(isinstance(t, dict), "target")
        for key in ("id", "module", "file", "qualname"):
            need(isinstance(t.get(key), str), "target %s" % key)
        for key in ("firstLine", "lastLine"):
            need(isinstance(t.get(key), int) and not isinstance(t.get(key), bool), "target %s" % key)
        need(isinstance(t.get("candidates"), list), "target candidates")
        need(strings(t.get("argv")) and strings(t.get("unsetEnv")), "target argv / unsetEnv")
        for c in t["candidates"]:
            need(isinstance(c, dict) and isinstance(c.get("id"), str), "candidate id")
            need(isinstance(c.get("expr"), str), "candidate expr")
            need(isinstance(c.get("setup"), list) and all(isinstance(s, str) for s in c["setup"]), "setup")


def main():
    sys.dont_write_bytecode = True
    try:
        os.setsid()  # its own session and process group (smart-test's spawn usually did it already)
    except (AttributeError, OSError):
        pass
    # The probe's own directory must not shadow the project's modules.
    here = os.path.dirname(PROBE_FILE)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    raw = sys.stdin.buffer.read()
    # stdout carries the response only: everything else written to fd 1 goes to /dev/null,
    # and stdin is /dev/null (EOF) for the candidates.
    out_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    sys.stdin = io.open(os.devnull, "r")
    sys.stdout = io.open(os.devnull, "w")
    try:
        request = json.loads(raw.decode("utf-8"))
        _validate(request)
    except (ValueError, _Fatal) as exc:
        sys.stderr.write("smart-test probe: %s\n" % exc)
        sys.stderr.flush()
        os._exit(2)
    _Runner(request, out_fd).run()
    try:
        sys.stderr.flush()
    except Exception:
        pass
    # Skip interpreter shutdown: candidates' threads, atexit handlers and finalizers stay unrun.
    os._exit(0)


if __name__ == "__main__":
    main()
