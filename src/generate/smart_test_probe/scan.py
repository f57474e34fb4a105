"""The entry scan (search/entry-scan.ts): calls that may lead into the target, run in turn in one
candidate; which of them ran a line, or a set of lines, of the target that none before had run."""

# The name the scanning function has in a candidate's namespace.
SCAN = "__smart_test_scan__"


def _scanner(lines, work):
    """The scanning function of one run: `lines` is the set the run's tracer fills with the
    target's lines, work[0] the count of Python calls it has seen. Each call's own exception is
    its own (the next call still runs); running out of time or memory ends the candidate, as
    any call's would. The scan stops once its calls have made `max_work` Python calls: the same
    point on any machine.

    It returns the indexes of the calls that ran a line of the target no call before them had
    run, then those of the calls that ran a set of its lines no call before them had run (a
    branch taken the other way: another path through lines all run before), each in call
    order. `lines` ends holding every line the calls ran."""

    def scan(calls, max_work):
        new_lines = []
        new_paths = []
        seen = set(lines)
        paths = set()
        start = work[0]
        try:
            for index, call in enumerate(calls):
                if work[0] - start > max_work:
                    break
                lines.clear()  # this call's lines only
                try:
                    call()
                except MemoryError:
                    raise
                except Exception:  # noqa: B902 - a call that fails may still have run the target
                    pass
                if not lines:
                    continue
                path = frozenset(lines)
                if not path <= seen:
                    new_lines.append(index)
                elif path not in paths:
                    new_paths.append(index)
                paths.add(path)
                seen |= path
        finally:
            lines.update(seen)
        return new_lines + new_paths

    return scan
