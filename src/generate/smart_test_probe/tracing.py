"""Line tracing: which lines of a target a run executed, and the frames of an exception's
traceback (without the probe's own)."""

import os

from .state import PROBE_FILES


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


def _traceback_frames(exc):
    frames = []
    tb = getattr(exc, "__traceback__", None)
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    # Drop the probe's own frames (the exec/eval call sites).
    return [(code, ln) for code, ln in frames if code.co_filename not in PROBE_FILES]
