"""The entry scan (search/entry-scan.ts): calls that may lead into the target, run in turn in one
candidate; which of them ran a line, or a set of lines, of the target that none before had run."""

# The name the scanning function has in a candidate's namespace.
SCAN = "__smart_test_scan__"


def _scanner(lines, work, also=None):
    """The scanning function of one run: `lines` is the set the run's tracer fills with the
    target's lines, work[0] the count of Python calls it has seen. Each call's own exception is
    its own (the next call still runs); running out of time or memory ends the candidate, as
    any call's would. The scan stops once its calls have made `max_work` Python calls: the same
    point on any machine.

    It returns the indexes of the calls that ran a line of the target no call before them had
    run, then those of the calls that ran a set of its lines no call before them had run (a
    branch taken the other way: another path through lines all run before), each in call
    order. `lines` ends holding every line the calls ran.

    With `also` (the set the tracer fills with the lines of the other traced spans: the other
    functions a change touched), it returns two lists: those indexes, and those of the other
    calls that ran the target and a line of those spans no call before them had run, then a
    set of them none before had run."""

    def scan(calls, max_work):
        new_lines = []
        new_paths = []
        also_lines = []
        also_paths = []
        seen = set(lines)
        paths = set()
        seen_also = set(also) if also is not None else set()
        paths_also = set()
        start = work[0]
        try:
            for index, call in enumerate(calls):
                if work[0] - start > max_work:
                    break
                lines.clear()  # this call's lines only
                if also is not None:
                    also.clear()
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
                elif also:
                    other = frozenset(also)
                    if not other <= seen_also:
                        also_lines.append(index)
                    elif other not in paths_also:
                        also_paths.append(index)
                paths.add(path)
                seen |= path
                if also:
                    paths_also.add(frozenset(also))
                    seen_also |= also
        finally:
            lines.update(seen)
            if also is not None:
                also.update(seen_also)
        if also is None:
            return new_lines + new_paths
        return [new_lines + new_paths, also_lines + also_paths]

    return scan
