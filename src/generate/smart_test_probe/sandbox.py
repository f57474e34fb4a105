"""Side effects: the audit hook that blocks what a candidate may not do (writing outside its tmp
directory, processes, the network, the environment, signals to smart-test or the probe)."""

import os

from .state import STATE, _ProbeBlocked


def _fd_path(fd):
    try:
        return os.readlink("/proc/self/fd/%d" % fd)
    except Exception:
        pass
    try:
        import fcntl

        if hasattr(fcntl, "F_GETPATH"):
            return os.fsdecode(fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024)).rstrip(b"\0"))
    except Exception:
        pass
    return None


def _resolve(path, dir_fd=None):
    """Absolute real path for an audited path argument; None when it is an fd (already vetted)."""
    if isinstance(path, int):
        return None
    try:
        p = os.fsdecode(os.fspath(path))
    except TypeError:
        return ""
    if not os.path.isabs(p):
        base = os.getcwd()
        if isinstance(dir_fd, int) and dir_fd >= 0:
            base = _fd_path(dir_fd)
            if base is None:
                return ""  # cannot tell where it is: treat as outside
        p = os.path.join(base, p)
    return os.path.realpath(p)


def _outside_tmp(path, dir_fd=None):
    real = _resolve(path, dir_fd)
    if real is None:
        return False
    if real == os.devnull:
        return False
    tmp = STATE.tmp_real
    return not (tmp and (real == tmp or real.startswith(tmp + os.sep)))


def _write_flags():
    flags = 0
    for name in ("O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"):
        flags |= getattr(os, name, 0)
    return flags


WRITE_FLAGS = _write_flags()


# event -> (indices of path arguments, index of the dir_fd argument or None)
PATH_EVENTS = {
    "os.remove": ((0,), 1),
    "os.rmdir": ((0,), 1),
    "os.mkdir": ((0,), 2),
    "os.rename": ((0, 1), None),  # src_dir_fd/dst_dir_fd: rare, resolved against cwd
    "os.link": ((1,), None),
    "os.symlink": ((1,), 2),
    "os.chmod": ((0,), 2),
    "os.lchmod": ((0,), None),
    "os.chown": ((0,), 3),
    "os.lchown": ((0,), None),
    "os.chflags": ((0,), None),
    "os.lchflags": ((0,), None),
    "os.truncate": ((0,), None),
    "os.utime": ((0,), 3),
    "os.setxattr": ((0,), None),
    "os.removexattr": ((0,), None),
    "shutil.rmtree": ((0,), None),
    "shutil.move": ((0, 1), None),
    "shutil.copyfile": ((1,), None),
    "shutil.copymode": ((1,), None),
    "shutil.copystat": ((1,), None),
    "shutil.copytree": ((1,), None),
    "shutil.chown": ((0,), None),
    "shutil.unpack_archive": ((1,), None),
}


ALWAYS_BLOCKED = frozenset(
    [
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.spawn",
        "os.posix_spawn",
        "os.fork",
        "os.forkpty",
        "os.startfile",
        "os.kill",
        "os.killpg",
        "signal.pthread_kill",
        "os.putenv",
        "os.unsetenv",
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    ]
)


def _short(value, limit=200):
    try:
        text = value if isinstance(value, str) else repr(value)
    except BaseException:
        text = "<unrepresentable>"
    return text if len(text) <= limit else text[:limit] + "..."


WATCHED = frozenset(["open", "sqlite3.connect"]) | ALWAYS_BLOCKED | frozenset(PATH_EVENTS)

# Operations that wait on the system (files, folders, processes, the network, sleeping): how many a
# run asks for says whether its calls are slow on any machine, as its Python calls cannot.
IO_EVENTS = WATCHED | frozenset(["time.sleep", "os.listdir", "os.scandir", "glob.glob"])


KILL_EVENTS = frozenset(["os.kill", "os.killpg"])


def _kill_detail(event, args):
    """Why a signal may not be sent (None: it may): to every process, to smart-test or the probe."""
    pid = args[0] if args else None
    if not isinstance(pid, int):
        return None
    if event == "os.killpg":
        hit = pid in STATE.protected_groups
    elif pid == -1:
        hit = True  # every process the user may signal
    elif pid < -1:
        hit = -pid in STATE.protected_groups
    else:
        hit = pid in STATE.protected
    return " ".join(_short(a, 100) for a in args) if hit else None


def _protect(pids):
    """Protects ``pids`` (and their process groups) from signals sent by the code the probe runs."""
    me = os.getpid()
    pids = frozenset(p for p in pids if isinstance(p, int) and p > 1 and p != me)
    groups = set()
    getpgid = getattr(os, "getpgid", None)
    for p in pids:
        try:
            groups.add(getpgid(p) if getpgid else p)
        except OSError:
            pass
    try:
        groups.discard(os.getpgrp())
    except (AttributeError, OSError):
        pass
    STATE.protected = pids
    STATE.protected_groups = frozenset(g for g in groups if g > 1)


def _audit_hook(event, args):
    # Called for every audited operation (on 3.8, even frame attribute reads): stay cheap.
    if event in IO_EVENTS and STATE.in_candidate and not STATE.in_hook:
        STATE.io += 1
    if STATE.in_hook or event not in WATCHED:
        return
    if not STATE.gate:
        # Even with side effects allowed (or while importing), nothing may signal smart-test,
        # the probe (from a child) or every process at once.
        if event in KILL_EVENTS:
            detail = _kill_detail(event, args)
            if detail is not None:
                STATE.blocked.append((event, detail))
                raise _ProbeBlocked("smart-test probe blocked %s %s" % (event, detail))
        return
    STATE.in_hook = True
    try:
        detail = _check_event(event, args)
    except RecursionError:
        raise  # swallowing it would let a runaway recursion overflow the C stack
    except Exception as exc:
        detail = "(could not check the arguments: %s)" % type(exc).__name__
    finally:
        STATE.in_hook = False
    if detail is not None:
        STATE.blocked.append((event, detail))
        raise _ProbeBlocked("smart-test probe blocked %s %s" % (event, detail))


def _check_event(event, args):
    """A description of the blocked operation, or None to let it happen."""
    if event == "open":
        path = args[0] if args else None
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else 0
        writes = (isinstance(flags, int) and flags & WRITE_FLAGS) or (
            isinstance(mode, str) and any(c in mode for c in "wax+")
        )
        if writes and _outside_tmp(path):
            return "%s mode=%s" % (_short(path), _short(mode if mode is not None else flags))
        return None
    if event in ALWAYS_BLOCKED:
        return " ".join(_short(a, 100) for a in args)[:300]
    spec = PATH_EVENTS.get(event)
    if spec is not None:
        indices, dir_fd_index = spec
        dir_fd = args[dir_fd_index] if dir_fd_index is not None and len(args) > dir_fd_index else None
        for i in indices:
            if i < len(args) and _outside_tmp(args[i], dir_fd):
                return _short(args[i])
        return None
    if event == "sqlite3.connect" and args:
        db = args[0]
        if isinstance(db, bytes):
            db = os.fsdecode(db)
        if isinstance(db, str) and (db == ":memory:" or db == "" or db.startswith("file::memory:")):
            return None
        if _outside_tmp(db):
            return _short(db)
    return None
