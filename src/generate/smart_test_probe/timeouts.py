"""Timeouts: interrupts a candidate (or an import) that runs past its time, never the probe's own
frames; one that keeps swallowing the interruption makes the probe give up (STATE.on_stuck)."""

import time

from .state import PROBE_FILES, STATE, _ProbeTimeout


# How often a timed-out candidate is interrupted again if it swallows the first interruption.
TIMEOUT_REPEAT = 0.05


def _on_alarm(signum, frame):
    if not STATE.in_candidate:
        return
    now = time.perf_counter()
    if STATE.timed_out and now - STATE.timed_out_at > STATE.grace and STATE.on_stuck is not None:
        # The candidate keeps swallowing the interruption: stop the whole probe (does not return).
        STATE.on_stuck()
    # Only interrupt candidate code: never the probe's own frames (cleanup, tracer, hook).
    if frame is not None and frame.f_code.co_filename in PROBE_FILES:
        return
    if not STATE.timed_out:
        STATE.timed_out = True
        STATE.timed_out_at = now
    raise _ProbeTimeout()


class _Timer(object):
    """Interrupts the main thread after ``seconds`` (SIGALRM where possible, else interrupt_main)."""

    def __init__(self):
        import signal

        self.signal = signal
        self.use_itimer = hasattr(signal, "setitimer") and _is_main_thread()
        self._thread_timer = None

    def start(self, seconds):
        STATE.timed_out = False
        if self.use_itimer:
            self.signal.signal(self.signal.SIGALRM, _on_alarm)
            self.signal.setitimer(self.signal.ITIMER_REAL, seconds, TIMEOUT_REPEAT)
        else:
            import threading
            import _thread

            def fire():
                if STATE.in_candidate:
                    STATE.timed_out = True
                    STATE.timed_out_at = time.perf_counter()
                    _thread.interrupt_main()

            self._thread_timer = threading.Timer(seconds, fire)
            self._thread_timer.daemon = True
            self._thread_timer.start()

    def stop(self):
        if self.use_itimer:
            self.signal.setitimer(self.signal.ITIMER_REAL, 0, 0)
        elif self._thread_timer is not None:
            self._thread_timer.cancel()
            self._thread_timer = None


def _is_main_thread():
    import threading

    return threading.current_thread() is threading.main_thread()
