"""Process limits: the memory cap of the process running candidates, the signals the probe
ignores while children run them, and how many CPUs it may use."""

import os
import sys


# Default cap on the memory of the process running candidates (request key memoryBytes).
DEFAULT_MEMORY = 1 << 30


def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


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
