"""A child process per target: the runner forks one (up to ``jobs`` at once), the child runs the
target's candidates and streams their results back over a pipe, the probe reaps it."""

import json
import os
import sys
import time

from .state import STATE
from .sandbox import _protect
from .tracing import _Target
from .isolation import _enter_ambient
from .describe import _stop_reason
from .limits import _child_memory, _limit_memory, _restore_signals


class _Forking(object):
    """_Runner's side of running each target in a child process: starting the children, writing
    their results in request order, and what a child does (_child).

    Uses the runner's request, jobs, memory, out_fd, in_child and current_target, and its
    _import, _run_here, candidate and emit."""

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

    def _child(self, target, w, limit, others, go):
        """In the child: isolate, limit, run the candidates, report each on ``w``. Never returns.

        No candidate runs before the probe has recorded the child (its ``fork`` event, then a byte
        on ``go``): a candidate that kills the probe at once is then known to be this target's."""
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
        _enter_ambient(target.spec)  # the child ends after its target: nothing to restore
        try:
            ready = os.read(go, 1)
        except OSError:
            ready = b""
        os.close(go)
        if not ready:  # the probe ended before recording this child: nothing may run
            os._exit(0)
        for candidate in target.spec["candidates"]:
            report = self.candidate(target, candidate)
            self.emit({"event": "candidate", "target": target.spec["id"], "result": report})
            if _stop_reason(report) is not None:
                break
        self.emit({"event": "done"})
        os._exit(0)


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
        # Where the running call is: "setup" until its expression starts (see candidate.run_once).
        self.phase = None
        r, w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(r)
                os.close(go_w)
                runner._child(target, w, limit, others, go_r)
            finally:
                os._exit(70)
        os.close(w)
        os.close(go_r)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        self.pid = pid
        self.r = r
        runner.emit({"event": "fork", "pid": pid, "target": spec["id"]})
        # Recorded: the child may start running candidates.
        try:
            os.write(go_w, b"g")
        except OSError:
            pass
        os.close(go_w)
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
                self.phase = "setup"
            elif kind == "expr":
                self.phase = "expr"
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
            # Where the call was: a setup stuck in C code (killed) says nothing of the function.
            if self.phase is not None:
                self.stopped["phase"] = self.phase


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
