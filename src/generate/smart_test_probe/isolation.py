"""Per-run isolation: the tmp directory of a run, the interpreter state restored after it, a
target's own argv and environment, and what a call changed in its module."""

import os
import sys


class _Isolation(object):
    """_Runner's per-run isolation: a fresh tmp directory for each run, and the interpreter state
    (environment, sys.argv, sys.path, standard streams, cwd...) put back after it.

    Uses the runner's cwd, tmp_root, tempfile, run_counter, spare_tmp and tmp_stat."""

    def _make_tmp(self):
        """A fresh, empty directory for one run (one left untouched by the previous run is reused)."""
        spare, self.spare_tmp = self.spare_tmp, None
        if spare is not None:
            return spare
        os.makedirs(self.tmp_root, exist_ok=True)
        self.run_counter += 1
        path = os.path.realpath(self.tempfile.mkdtemp(prefix="run%d-" % self.run_counter, dir=self.tmp_root))
        self.tmp_stat = _dir_stamp(path)
        return path

    def _drop_tmp(self, path):
        # Removing directories is slow on some file systems: keep one the run did not touch.
        try:
            if _dir_stamp(path) == self.tmp_stat and not os.listdir(path):
                self.spare_tmp = path
                return
        except OSError:
            pass
        import shutil

        shutil.rmtree(path, ignore_errors=True)

    def _snapshot(self):
        return {
            "environ": _environ_snapshot(),
            "argv": list(sys.argv),
            "path": list(sys.path),
            "meta_path": list(sys.meta_path),
            "stdout": sys.stdout,
            "stderr": sys.stderr,
            "stdin": sys.stdin,
            "recursion": sys.getrecursionlimit(),
            "tempdir": self.tempfile.tempdir,
        }

    def _restore(self, snap):
        sys.stdout, sys.stderr, sys.stdin = snap["stdout"], snap["stderr"], snap["stdin"]
        sys.argv = snap["argv"]
        sys.path[:] = snap["path"]
        sys.meta_path[:] = snap["meta_path"]
        sys.setrecursionlimit(snap["recursion"])
        self.tempfile.tempdir = snap["tempdir"]
        changed = _environ_snapshot() != snap["environ"]
        if changed:
            _environ_restore(snap["environ"])
        try:
            os.chdir(self.cwd)
        except OSError:
            pass
        return changed


def _seed_random(seed):
    """Seed the random generators a run may draw from: the standard library's, and numpy's
    legacy global one when the project loaded numpy. A run then reaches the same lines each time."""
    import random

    random.seed(seed)
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        try:
            numpy_random.seed(seed % (2**32))
        except Exception:
            pass


def _enter_ambient(spec):
    """A target's own sys.argv ("argv") and unset variables ("unsetEnv"), as its test sets them."""
    saved = (list(sys.argv), {k: os.environ[k] for k in spec.get("unsetEnv", ()) if k in os.environ})
    if spec.get("argv"):
        sys.argv = list(spec["argv"])
    for key in saved[1]:
        del os.environ[key]
    return saved


def _leave_ambient(saved):
    sys.argv = saved[0]
    os.environ.update(saved[1])


def _module_state(module):
    """What a call could change in its module: each global's identity, and a container's size."""
    state = {}
    try:
        items = list(vars(module).items())
    except Exception:
        return state
    for name, value in items:
        if name.startswith("__"):
            continue
        size = None
        if type(value) in (list, dict, set, bytearray):
            try:
                size = len(value)
            except Exception:
                pass
        state[name] = (id(value), size)
    return state


def _state_changes(before, after):
    """Names of the globals rebound, added, removed or resized between two snapshots, sorted."""
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def _dir_stamp(path):
    st = os.stat(path)
    return (st.st_ino, st.st_mode, st.st_uid, st.st_gid)


def _environ_snapshot():
    data = getattr(os.environ, "_data", None)  # encoded keys and values: cheaper than decoding
    return dict(data) if isinstance(data, dict) else dict(os.environ)


def _environ_restore(snapshot):
    decode_key = getattr(os.environ, "decodekey", None)
    decode_value = getattr(os.environ, "decodevalue", None)
    wanted = {}
    for key, value in snapshot.items():
        if isinstance(getattr(os.environ, "_data", None), dict) and decode_key and decode_value:
            key, value = decode_key(key), decode_value(value)
        wanted[key] = value
    for key in list(os.environ):
        if key not in wanted:
            del os.environ[key]
    for key, value in wanted.items():
        if os.environ.get(key) != value:
            os.environ[key] = value
