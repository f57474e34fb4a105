"""Line tracing: which lines of a target a run executed, and the frames of an exception's
traceback (without the probe's own)."""

import os

from .state import PROBE_FILES


class _FileMatcher(object):
    """Does a code object's co_filename name the target file? Cached per filename string."""

    def __init__(self, file):
        self.real = os.path.realpath(file)
        self.cache = {file: True}
        # Code object -> whether its lines are traced, kept for all of the target's runs.
        self.codes = {}

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
        # A target of several definitions (a nested function defined in each branch): their lines
        # only, not those of the code around them within first..last.
        ranges = spec.get("ranges")
        self.own_lines = frozenset(ln for a, b in ranges for ln in range(a, b + 1)) if ranges else None
        # Lines of the other functions the change touched, traced apart (a call's "alsoLines").
        also = spec.get("alsoRanges")
        self.also_spans = [(a, b) for a, b in also] if also else []
        own = self.own_lines if self.own_lines is not None else range(self.first, self.last + 1)
        self.also_lines = frozenset(ln for a, b in self.also_spans for ln in range(a, b + 1)).difference(own) or None
        self.matcher = _FileMatcher(self.file)
        # False: the lines its calls run are not traced (a mutant's runs: only their results count).
        self.trace = spec.get("traceLines", True) is not False

    def in_range(self, code, lineno):
        inside = lineno in self.own_lines if self.own_lines is not None else self.first <= lineno <= self.last
        return inside and self.matcher(code.co_filename)


def _make_tracer(matcher, first, last, lines, calls, only=None, also=None):
    """The global trace function of one run: it adds the target's lines it sees run to `lines`,
    and counts in calls[0] the Python calls the run makes (a measure of its work that does not
    depend on the machine's speed). `only`, when given, is the set of lines within first..last
    that are the target's. `also`, when given, is (lines, spans, seen): other lines of the file,
    within those spans, whose runs are added to the set `seen`."""
    add = lines.add

    if also is not None:
        extra, spans, seen = also
        add_extra = seen.add
        inside = only.__contains__ if only is not None else (lambda ln: first <= ln <= last)

        def local(frame, event, arg):
            if event == "line":
                ln = frame.f_lineno
                if inside(ln):
                    add(ln)
                elif ln in extra:
                    add_extra(ln)
            return local

    elif only is None:
        def local(frame, event, arg):
            if event == "line":
                ln = frame.f_lineno
                if first <= ln <= last:
                    add(ln)
            return local
    else:
        def local(frame, event, arg):
            if event == "line":
                ln = frame.f_lineno
                if ln in only:
                    add(ln)
            return local

    cache = matcher.cache
    codes = matcher.codes

    def global_tracer(frame, event, arg):
        calls[0] += 1
        code = frame.f_code
        hit = codes.get(code)
        if hit is None:
            filename = code.co_filename
            hit = cache.get(filename)
            if hit is None:
                hit = matcher(filename)
            # Only the code whose lines overlap the target's (or the other traced spans): the rest
            # of its file runs untraced.
            hit = hit and (_overlaps(code, first, last) or (also is not None and any(_overlaps(code, a, b) for a, b in also[1])))
            codes[code] = hit
        return local if hit else None

    return global_tracer


def _overlaps(code, first, last):
    """Whether a code object has lines within first..last (True when its lines cannot be read)."""
    if code.co_firstlineno > last:
        return False
    try:
        lines = [line for _, _, line in code.co_lines() if line is not None]
    except Exception:
        return True
    return not lines or max(lines) >= first


def _traceback_frames(exc):
    frames = []
    tb = getattr(exc, "__traceback__", None)
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    # Drop the probe's own frames (the exec/eval call sites).
    return [(code, ln) for code, ln in frames if code.co_filename not in PROBE_FILES]
