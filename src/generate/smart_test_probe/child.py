"""Child processes for the targets: the runner forks one per chunk of consecutive targets (up to
``jobs`` at once); the child runs its targets' candidates, one target after the other as the
probe orders them, and streams their results back over a pipe; the probe reaps it."""

import json
import os
import sys
import time

from .state import STATE
from .sandbox import _protect
from .tracing import _Target
from .isolation import _enter_ambient, _leave_ambient
from .describe import _stop_reason, _told_apart
from .limits import _child_memory, _limit_memory, _restore_signals
from .snippets import prepare


# Targets a child process runs one after the other: at most this many, and the request's
# targets in at least CHUNK_PARTS runs of consecutive targets (see _chunks).
CHUNK_TARGETS = 8
CHUNK_PARTS = 4


class _Forking(object):
    """_Runner's side of running targets in child processes: starting the children, writing
    their results in request order, and what a child does (_serve).

    Uses the runner's request, jobs, memory, out_fd, in_child and current_target, and its
    _import, _run_here, candidate and emit."""

    def _run_all_forked(self, importlib):
        """Runs the targets' candidates in child processes, up to ``self.jobs`` at once.

        Each child runs a chunk of consecutive targets, one after the other (_chunks): a fork
        costs more than most targets' calls (the child copies every page it touches). The chunks
        depend on the request only, so what one target's calls may leave behind for the next is
        the same on every machine. A target that stopped (a timeout, memory, a crash), changed
        its module's state, the builtins or the warnings filters ends its child, and the rest of
        its chunk runs in a new one.

        Events are written in request order (a target's results once it is first), so that the
        output reads as if the targets ran one after the other. A module is imported only while
        no child runs: every child has the modules its targets need, and a crash while importing
        ends no target but the one importing.
        """
        entries = [_Entry(i, spec) for i, spec in enumerate(self.request["targets"])]
        self._written = 0  # entries written in full
        pending = [[entries[i] for i in chunk] for chunk in _chunks([len(e.spec["candidates"]) for e in entries])]
        running = []
        while pending or running:
            self._flush(entries)
            while pending and len(running) < self.jobs:
                chunk = pending[0]
                if running and any(not e.imported and e.spec["module"] not in sys.modules for e in chunk):
                    break
                pending.pop(0)
                runs = []
                for entry in chunk:
                    if not entry.imported:
                        self.current_target = entry.spec["id"]
                        entry.module, entry.error = self._import_target(importlib, entry.spec)
                        entry.imported = True
                    if entry.module is not None and entry.spec["candidates"]:
                        prepare(entry.spec["candidates"])  # read here once, inherited by the children
                        runs.append(entry)
                    else:
                        entry.finished = True
                if not runs:
                    continue
                # The other children's pipes: a child holding another's orders open would keep it waiting.
                others = [fd for c in running if not c.finished for fd in (c.r, c.orders) if fd is not None]
                try:
                    running.append(_Child(self, runs, _child_memory(self.memory, self.jobs), others))
                except OSError:  # no more processes: wait for a child to end, or run them here
                    if running:
                        pending.insert(0, runs)
                        break
                    self._run_chunk_here(entries, runs)
            self._flush(entries)
            if running:
                _Child.wait(running)
                for child in [c for c in running if c.finished]:
                    running.remove(child)
                    if child.queue:  # a target ended it: the rest of its chunk in a new child
                        pending.insert(0, child.queue)
        self._flush(entries)

    def _run_chunk_here(self, entries, runs):
        """Runs ``runs`` in this process (no child could be started, and none runs): each is
        first to be written when it starts, so its events go out as they come."""
        for entry in runs:
            self._flush(entries)  # the targets before it, and its "target" event
            self.current_target = entry.spec["id"]
            stopped = self._run_here(_Target(entry.spec, entry.module))
            self.emit({"event": "end", "id": entry.spec["id"], "stopped": stopped})
            entry.finished = True
            self._written += 1

    def _flush(self, entries):
        """Writes what is known of the targets at the head of ``entries``, in order.

        The first target's results go out as they come (so that they survive a crash of the
        probe itself); a later target's wait until it is first.
        """
        while self._written < len(entries):
            entry = entries[self._written]
            if not entry.imported:
                return
            if not entry.announced:
                self.emit(self._target_event(entry.spec, entry.error))
                entry.announced = True
            while entry.sent < len(entry.relayed):
                self.emit({"event": "candidate", "target": entry.spec["id"], "result": entry.relayed[entry.sent]})
                entry.sent += 1
            if not entry.finished:
                return
            self.emit({"event": "end", "id": entry.spec["id"], "stopped": entry.stopped})
            self._written += 1

    def _serve(self, w, orders, limit, others):
        """In the child: isolate, limit, then run each target the probe names on ``orders`` (its
        index in the request), reporting on ``w``, until the probe closes ``orders``. Never returns.

        No candidate runs before the probe has recorded which target the child runs (its ``fork``
        or ``runs`` event, then the order): a candidate that kills the probe at once is then known
        to be that target's."""
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
        if self.in_fd is not None:
            os.close(self.in_fd)  # a session's request pipe stays with the probe
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        self.out_fd = w
        _limit_memory(limit)
        specs = self.request["targets"]
        modules = {spec["module"]: sys.modules.get(spec["module"]) for spec in specs}
        while True:
            order = _read_order(orders)
            if order is None or not (0 <= order < len(specs)) or modules.get(specs[order]["module"]) is None:
                os._exit(0)  # the probe closed the pipe (or ended before recording the child)
            spec = specs[order]
            target = _Target(spec, modules[spec["module"]])
            self.current_target = spec["id"]
            ambient = _enter_ambient(spec)
            mutant = self._enter_mutant(spec)
            before = _process_marks()
            reports = []
            told = False
            for candidate in spec["candidates"]:
                report = self.candidate(target, candidate)
                reports.append(report)
                self.emit({"event": "candidate", "target": spec["id"], "result": report})
                if _stop_reason(report) is not None:
                    break
                told = _told_apart(candidate, report)
                if told:
                    break
            # The child decides whether it takes another target, and says so: the probe follows.
            last = _ends_child(reports) or _process_marks() != before
            self.emit({"event": "done", "last": last, "told": told})
            if last:
                os._exit(0)
            self._leave_mutant(mutant)
            _leave_ambient(ambient)


class _Entry(object):
    """A target of the request, as the probe writes it: imported, its results, how much is written."""

    def __init__(self, index, spec):
        self.index = index  # in the request's targets
        self.spec = spec
        self.asked = [c["id"] for c in spec["candidates"]]
        self.imported = False
        self.module = None
        self.error = None
        self.relayed = []  # results received, in order
        self.sent = 0  # of which written
        self.stopped = None
        self.finished = False
        self.announced = False  # its "target" event written


def _chunks(weights, size=CHUNK_TARGETS, parts=CHUNK_PARTS):
    """The indexes of ``weights`` (a target's number of calls) cut into runs of consecutive
    ones for a child each: at most ``size`` targets a run, at least ``parts`` runs when there
    are as many targets, the calls spread evenly. Depends on nothing but ``weights``."""
    n = len(weights)
    want = max(-(-n // size), min(parts, n))
    out, cur = [], []
    left = float(sum(weights) + n)
    for i, weight in enumerate(weights):
        cur.append(i)
        runs_left = max(1, want - len(out))
        held = sum(weights[j] + 1 for j in cur)
        if len(cur) >= size or (runs_left > 1 and (held >= left / runs_left or n - i - 1 <= runs_left - 1)):
            out.append(cur)
            left -= held
            cur = []
    if cur:
        out.append(cur)
    return out


def _ends_child(reports):
    """Whether a child ends after a target whose calls reported ``reports``: one stopped it (it
    may have left the process unfit), or one changed its module's state, which the next target's
    calls would see (see also _process_marks)."""
    return any(_stop_reason(r) is not None or r.get("changesModule") for r in reports)


def _process_marks():
    """What a target's calls could change for the whole process that no run puts back (see
    isolation._restore): the builtins (each name's object) and the warnings filters. A child
    whose marks changed over a target takes no other."""
    import builtins
    import warnings

    return (sorted((k, id(v)) for k, v in vars(builtins).items()), [id(f) for f in warnings.filters])


def _read_order(fd):
    """The next target index the probe sends (a line), or None when it closed the pipe."""
    data = b""
    while not data.endswith(b"\n"):
        try:
            chunk = os.read(fd, 64)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    try:
        return int(data.strip())
    except ValueError:
        return None


class _Child(object):
    """A child process running a chunk of targets (_Entry) one after the other, as the probe sees it."""

    def __init__(self, runner, entries, limit, others):
        self.queue = list(entries)  # not started yet
        self.current = None
        self.finished = False
        self.buf = b""
        self.eof = False
        self.status = None
        self.killed = False
        # Where the running call is: "setup" until its expression starts (see candidate.run_once).
        self.phase = None
        r, w = os.pipe()
        orders_r, orders_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (r, w, orders_r, orders_w):
                os.close(fd)
            raise
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(r)
                os.close(orders_w)
                runner._serve(w, orders_r, limit, others)
            finally:
                os._exit(70)
        os.close(w)
        os.close(orders_r)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        self.pid = pid
        self.r = r
        self.orders = orders_w
        self.runner = runner
        # The child says when each run starts; a run that neither ends nor reports within its
        # timeout, the grace to unwind and a margin is stuck (in C code): the child is killed.
        self.per_run = runner.timeout + STATE.grace + 1.0
        self.deadline = time.perf_counter() + self.per_run + 2.0
        self._next(fork=True)

    def _next(self, fork=False):
        """Sends the child its next target (recorded first: see _serve), or closes its orders."""
        if not self.queue:
            self.current = None
            self._close_orders()
            # Ending takes no time: a child that does not is stuck.
            self.deadline = time.perf_counter() + self.per_run
            return
        entry = self.queue.pop(0)
        self.current = entry
        self.phase = None
        self.runner.emit({"event": "fork" if fork else "runs", "pid": self.pid, "target": entry.spec["id"]})
        self.deadline = time.perf_counter() + self.per_run + 2.0
        try:
            os.write(self.orders, b"%d\n" % entry.index)
        except OSError:
            pass  # the child is gone: _poll finds out

    def _close_orders(self):
        if self.orders is not None:
            try:
                os.close(self.orders)
            except OSError:
                pass
            self.orders = None

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
            entry = self.current
            if event is None or entry is None:
                continue
            kind = event.get("event")
            if kind == "begin":
                self.deadline = time.perf_counter() + self.per_run
                self.phase = "setup"
            elif kind == "expr":
                self.phase = "expr"
            elif kind == "candidate":
                result = event.get("result")
                n = len(entry.relayed)
                if isinstance(result, dict) and n < len(entry.asked) and result.get("id") == entry.asked[n]:
                    entry.relayed.append(result)
                    self.deadline = time.perf_counter() + self.per_run
            elif kind == "done":
                self._end_target(killed=False, told=bool(event.get("told")))
                if not event.get("last", True):
                    self.runner.emit({"event": "runs", "pid": self.pid, "target": None})
                    self._next()
                else:  # the child ends after this target; the rest of its chunk goes to a new one
                    self.current = None
                    self._close_orders()
                    self.deadline = time.perf_counter() + self.per_run
        if len(self.buf) > (32 << 20):
            self.buf = b""  # not the child's writing: drop it

    def _end_target(self, killed, told=False):
        """The running target ended: by its "done" (``told``: its mutant told apart, the later
        calls not run), or with its child (``killed`` by the probe, or gone)."""
        entry = self.current
        last = entry.relayed[-1] if entry.relayed else None
        reported = len(entry.relayed)
        if last is not None and _stop_reason(last) is not None:
            entry.stopped = {"reason": _stop_reason(last), "candidate": last["id"]}
        elif reported >= len(entry.asked) or told:
            entry.stopped = None
        else:
            entry.stopped = {"reason": "timeout" if killed else "crash", "candidate": entry.asked[reported]}
            if not killed:
                entry.stopped.update(_exit_status(self.status))
            # Where the call was: a setup stuck in C code (killed) says nothing of the function.
            if self.phase is not None:
                entry.stopped["phase"] = self.phase
        entry.finished = True

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
        self._close_orders()
        _kill_group(self.pid)  # whatever the candidates left running in the child's process group
        self.runner.emit({"event": "reaped", "pid": self.pid})
        self.finished = True
        if self.current is not None:
            self._end_target(killed=self.killed)
            self.current = None


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
