"""A wall clock moved forward, for one of the verification processes (request "clockShift").

A generated test runs on another day and at another hour than the probe that wrote it: a value
that holds today's date, this year, the next midnight or whether 18:30 has passed yet is true
only for a while. The verification processes already run under other time zones, which move the
local hour but rarely the date; this one also reads a clock that is ``clockShift`` seconds ahead
(more than a year, a few hours and minutes: another year, month, weekday and hour), so such a
value differs there and its assertion is weakened or dropped like any other that changes.

The time module's readings of "now" (time, time_ns, localtime, gmtime, ctime, asctime,
strftime without a time tuple) are replaced by functions that add the shift. The datetime
module's C implementation reads the system clock itself, so the process imports the module's
pure-Python implementation instead (the same classes, names and reprs; its now() and today()
read time.time()). Installed once, before the project's modules are imported. Timers and
timeouts (monotonic, perf_counter) and file times are left as they are.
"""

import sys
import time


def shift_clock(seconds):
    if not seconds:
        return
    _pure_datetime()
    real_time, real_time_ns = time.time, time.time_ns
    real_localtime, real_gmtime = time.localtime, time.gmtime
    real_ctime, real_asctime, real_strftime = time.ctime, time.asctime, time.strftime
    shift_ns = int(seconds) * 1_000_000_000

    def now():
        return real_time() + seconds

    def time_ns():
        return real_time_ns() + shift_ns

    def localtime(secs=None):
        return real_localtime(now() if secs is None else secs)

    def gmtime(secs=None):
        return real_gmtime(now() if secs is None else secs)

    def ctime(secs=None):
        return real_ctime(now() if secs is None else secs)

    def asctime(t=None):
        return real_asctime(localtime() if t is None else t)

    def strftime(format, t=None):
        return real_strftime(format, localtime() if t is None else t)

    for name, fn in (("time", now), ("time_ns", time_ns), ("localtime", localtime), ("gmtime", gmtime),
                     ("ctime", ctime), ("asctime", asctime), ("strftime", strftime)):
        fn.__name__ = fn.__qualname__ = name
        setattr(time, name, fn)


def _pure_datetime():
    """Makes ``import datetime`` give the pure-Python implementation (see the module's doc).

    C extensions that use datetime's C API (numpy, zoneinfo's accelerator) look for its capsule
    on the datetime module: the pure module gets the C one's, so they still import (their own
    values are C datetimes). zoneinfo uses its pure-Python implementation, as datetime does."""
    for name in ("datetime", "_pydatetime", "zoneinfo", "zoneinfo._zoneinfo"):
        sys.modules.pop(name, None)  # imported already (by a site hook): nothing of the project's has it yet
    try:
        import _datetime

        capsule = getattr(_datetime, "datetime_CAPI", None)
    except ImportError:
        capsule = None
    # `from _datetime import *` (and zoneinfo's `from _zoneinfo import ZoneInfo`) raise ImportError.
    sys.modules["_datetime"] = None
    sys.modules["_zoneinfo"] = None
    import datetime

    if capsule is not None:
        datetime.datetime_CAPI = capsule
    # Python 3.12+ defines the pure classes in _pydatetime: name them by the module they are used from.
    for value in list(vars(datetime).values()):
        if isinstance(value, type) and getattr(value, "__module__", None) == "_pydatetime":
            try:
                value.__module__ = "datetime"
            except (AttributeError, TypeError):
                pass
