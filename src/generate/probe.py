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

The code is in the smart_test_probe package beside this file (one module a concern). It is
imported with this file's folder on sys.path only for the import: the user's modules never see
it there, and its uniquely named package never shadows one of theirs.
"""

import os
import sys


def _load_main():
    """Imports the probe's package from beside this file and puts sys.path back as it was.

    The package's bytecode is kept beside it (its __pycache__, in smart-test's own installation,
    as dist/code-cache keeps the bundle's), so each of a run's probe processes does not compile
    it again: best effort (a read-only installation compiles every time), and
    SMART_TEST_NO_CODE_CACHE=1 turns it off. No bytecode of the project's modules is ever
    written: writing is off again before main() runs (and main() turns it off too)."""
    sys.dont_write_bytecode = os.environ.get("SMART_TEST_NO_CODE_CACHE") == "1"
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    try:
        from smart_test_probe.request import main
    finally:
        sys.dont_write_bytecode = True
        if sys.path and sys.path[0] == here:
            del sys.path[0]
    return main


if __name__ == "__main__":
    _load_main()()
