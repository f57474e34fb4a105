"""The entry scan (search/entry-scan.ts): calls that may lead into the target, run in turn in one
candidate; which of them ran a line of the target that none before had run."""

# The name the scanning function has in a candidate's namespace.
SCAN = "__smart_test_scan__"


def _scanner(lines, work):
    """The scanning function of one run: `lines` is the set the run's tracer fills with the
    target's lines, work[0] the count of Python calls it has seen. Each call's own exception is
    its own (the next call still runs); running out of time or memory ends the candidate, as
    any call's would. The scan stops once its calls have made `max_work` Python calls: the same
    point on any machine."""

    def scan(calls, max_work):
        found = []
        start = work[0]
        for index, call in enumerate(calls):
            if work[0] - start > max_work:
                break
            before = len(lines)
            try:
                call()
            except MemoryError:
                raise
            except Exception:  # noqa: B902 - a call that fails may still have run the target
                pass
            if len(lines) > before:
                found.append(index)
        return found

    return scan
