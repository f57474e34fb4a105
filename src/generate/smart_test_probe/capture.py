"""Output capture: what a candidate prints (bounded), the stdin pytest gives a test, and the
standard streams or file descriptors a run closed."""

import io
import os


OUTPUT_LIMIT = 2000


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
