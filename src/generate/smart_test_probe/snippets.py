"""Snippet analysis: the names a candidate's code uses, its compiled code, and which lines of a
file are `raise` statements."""

import ast
import io


# What is known of each snippet, by source and role: a request's candidates share most of their
# setup (the receiver, the sample functions), and a session's later requests repeat it. The probe
# fills it in before it forks a target's child (prepare), so that every child inherits it.
_KNOWN = {}
_KNOWN_LIMIT = 50000


def _known(src, role):
    """A snippet as a setup statement ("setup"), the call's expression ("eval") or the call's
    statement ("exec"): whether it parses so, the names it loads (in order) and binds (a set, and
    the globals it may set in order: see _bound_names), and its compiled code (None when it does
    not compile). Compiling runs nothing."""
    return _remembered(_KNOWN, (src, role), _read_snippet)


def _remembered(cache, key, read):
    """``read(*key)``, kept in ``cache`` (emptied when it holds _KNOWN_LIMIT entries)."""
    got = cache.get(key)
    if got is None:
        got = read(*key)
        if len(cache) >= _KNOWN_LIMIT:
            cache.clear()
        cache[key] = got
    return got


def _mode_and_name(role):
    """The compile() mode and file name of a snippet in ``role`` (see _known)."""
    return ("eval" if role == "eval" else "exec"), ("<candidate-setup>" if role == "setup" else "<candidate>")


def _read_snippet(src, role):
    mode, filename = _mode_and_name(role)
    try:
        tree = ast.parse(src, mode=mode)
    except SyntaxError:
        return (False, (), frozenset(), (), None)
    loaded, stored, bound = [], set(), []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                if node.id not in loaded:
                    loaded.append(node.id)
            else:
                name = node.id
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = node.name
        elif isinstance(node, ast.alias):
            name = (node.asname or node.name).split(".")[0]
        elif isinstance(node, ast.ExceptHandler) and node.name:
            stored.add(node.name)
        if name is not None:
            stored.add(name)
            if name not in bound:
                bound.append(name)
    try:
        code = compile(src, filename, mode)
    except (SyntaxError, ValueError):
        code = None
    return (True, tuple(loaded), frozenset(stored), tuple(bound), code)


def _free_names(sources):
    loaded, stored = [], set()
    for src, role in sources:
        names, binds = _known(src, role)[1:3]
        for name in names:
            if name not in loaded:
                loaded.append(name)
        stored.update(binds)
    return [n for n in loaded if n not in stored]


def _snippet_free_names(candidate):
    expr = candidate["expr"]
    sources = [(s, "setup") for s in candidate["setup"]]
    sources.append((expr, "eval" if _known(expr, "eval")[0] else "exec"))
    return _free_names(sources)


def _snippet_names(free, module_dict):
    names = []
    for name in free:
        if name in ("tmp_path", "asyncio", "__builtins__"):
            continue
        if name in module_dict:
            names.append({"name": name, "kind": "module_attr"})
    return names


# The name a watched container argument is passed through (see _watch_containers).
WATCH = "__smart_test_watch__"


class _ContainerArguments(ast.NodeTransformer):
    """Wraps each list, dict and set display passed to a call (`f({'a': 1})`) in WATCH(k, ...),
    so that the run can tell whether the call changed it in place; `texts[k]` is its source."""

    def __init__(self, source):
        self.source = source
        self.texts = []

    def visit_Lambda(self, node):
        return node  # a lambda's body runs later, if ever

    def _wrap(self, value):
        if not isinstance(value, (ast.List, ast.Dict, ast.Set)):
            return value
        text = ast.get_source_segment(self.source, value)
        if text is None:
            return value
        self.texts.append(text)
        call = ast.Call(func=ast.Name(id=WATCH, ctx=ast.Load()), args=[ast.Constant(value=len(self.texts) - 1), value], keywords=[])
        return ast.copy_location(call, value)

    def visit_Call(self, node):
        self.generic_visit(node)
        node.args = [self._wrap(a) for a in node.args]
        for kw in node.keywords:
            kw.value = self._wrap(kw.value)
        return node


_WATCHED = {}


def _watch_containers(source, mode):
    """The expression compiled with its container arguments watched, and their sources; (None, [])
    when there are none (or the transformation fails). Known by source, as _known."""
    code, texts = _remembered(_WATCHED, (source, mode), _watched)
    return code, list(texts)


def _watched(source, mode):
    try:
        tree = ast.parse(source, mode=mode)
        watcher = _ContainerArguments(source)
        tree = ast.fix_missing_locations(watcher.visit(tree))
        if not watcher.texts:
            return None, ()
        return compile(tree, "<candidate>", mode), tuple(watcher.texts)
    except Exception:
        return None, ()


def _bound_names(sources):
    """Every name the statements may bind (assigned, defined with `def` or `class`, imported),
    inner scopes' included: a superset of the globals they set."""
    names = []
    for src in sources:
        for name in _known(src, "setup")[3]:
            if name not in names:
                names.append(name)
    return names


def _compiled(src, role):
    """A snippet's code; the error compiling it raises when it does not compile."""
    code = _known(src, role)[4]
    if code is not None:
        return code
    mode, filename = _mode_and_name(role)
    return compile(src, filename, mode)


def _compile(candidate):
    setup = [_compiled(s, "setup") for s in candidate["setup"]]
    expr = candidate["expr"]
    # Evaluated when it compiles as an expression, else executed.
    mode = "eval" if _known(expr, "eval")[4] is not None else "exec"
    code = _compiled(expr, mode)
    watched, containers = _watch_containers(expr, mode)
    if watched is not None:
        code = watched
    # A method call on the receiver `obj` the setup built: its state after the call is recorded.
    # Names the setup binds to arguments of the call ("watch"): their values after the call are recorded.
    args = [n for n in candidate.get("watch") or () if isinstance(n, str)]
    return {
        "setup": setup,
        "expr": code,
        "mode": mode,
        "watch": "obj" in code.co_names,
        "args": args,
        "containers": containers,
        "bound": _bound_names(candidate["setup"]),
    }


def prepare(candidates):
    """Reads every snippet of `candidates` (see _known), so that the children forked after
    inherit what was read. Never raises: a child reads (and reports) what this could not."""
    for candidate in candidates:
        try:
            _compile(candidate)
        except Exception:
            pass


class _RaiseLines(object):
    """Which lines of a file lie inside a `raise` statement, and which hold a bare `raise` (the
    re-raise of an `except` block), cached per file."""

    def __init__(self):
        self.cache = {}

    def __call__(self, file):
        return self._read(file)[0]

    def bare(self, file):
        return self._read(file)[1]

    def _read(self, file):
        found = self.cache.get(file)
        if found is None:
            lines, bare = set(), set()
            try:
                with io.open(file, "rb") as f:
                    tree = ast.parse(f.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Raise):
                        end = getattr(node, "end_lineno", None) or node.lineno
                        lines.update(range(node.lineno, end + 1))
                        if node.exc is None:
                            bare.add(node.lineno)
            except Exception:
                pass
            found = self.cache[file] = (lines, bare)
        return found


RAISE_LINES = _RaiseLines()
