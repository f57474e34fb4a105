"""Shared state of the probe: the paths of its own files, its exceptions, and STATE (what the
timer, the audit hook and the runner share while a candidate runs)."""

import os


# The probe's own files (probe.py beside this package, and the package's modules). A timeout
# never interrupts their frames, and a candidate's traceback leaves them out.
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
PROBE_FILE = os.path.join(os.path.dirname(PACKAGE_DIR), "probe.py")
PROBE_FILES = frozenset(
    [PROBE_FILE] + [os.path.join(PACKAGE_DIR, name) for name in os.listdir(PACKAGE_DIR) if name.endswith(".py")]
)


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
        self.io = 0  # operations of the current run that wait on the system (sandbox.IO_EVENTS)
        self.tmp_real = None  # realpath of the current run's tmp dir
        # Processes (and process groups) no code run by the probe may signal: smart-test's node
        # process, and (from a forked child) the probe itself. Filled by _protect().
        self.protected = frozenset()
        self.protected_groups = frozenset()
        # fd 1 is a regular file (request "stdoutFile"), emptied after each run.
        self.stdout_file = False
        # Frames between the probe and each candidate's expression (request "extraFrames").
        self.extra_frames = 0


STATE = _State()
