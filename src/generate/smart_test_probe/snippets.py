"""Snippet analysis: the names a candidate's code uses, its compiled code, and which lines of a
file are `raise` statements."""

import ast
import io


def _free_names(sources):
    loaded, stored = [], set()
    for src, mode in sources:
        try:
            tree = ast.parse(src, mode=mode)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    if node.id not in loaded:
                        loaded.append(node.id)
                else:
                    stored.add(node.id)
            elif isinstance(node, ast.arg):
                stored.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stored.add(node.name)
            elif isinstance(node, ast.alias):
                stored.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                stored.add(node.name)
    return [n for n in loaded if n not in stored]


def _snippet_free_names(candidate):
    sources = [(s, "exec") for s in candidate["setup"]]
    try:
        ast.parse(candidate["expr"], mode="eval")
        sources.append((candidate["expr"], "eval"))
    except SyntaxError:
        sources.append((candidate["expr"], "exec"))
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


def _watch_containers(source, mode):
    """The expression compiled with its container arguments watched, and their sources; (None, [])
    when there are none (or the transformation fails)."""
    try:
        tree = ast.parse(source, mode=mode)
        watcher = _ContainerArguments(source)
        tree = ast.fix_missing_locations(watcher.visit(tree))
        if not watcher.texts:
            return None, []
        return compile(tree, "<candidate>", mode), watcher.texts
    except Exception:
        return None, []


def _bound_names(sources):
    """Every name the statements may bind (assigned, defined with `def` or `class`, imported),
    inner scopes' included: a superset of the globals they set."""
    names = []
    for src in sources:
        try:
            tree = ast.parse(src, mode="exec")
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = node.name
            elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                name = node.id
            elif isinstance(node, ast.alias):
                name = (node.asname or node.name).split(".")[0]
            else:
                continue
            if name not in names:
                names.append(name)
    return names


def _compile(candidate):
    setup = [compile(s, "<candidate-setup>", "exec") for s in candidate["setup"]]
    expr = candidate["expr"]
    try:
        code = compile(expr, "<candidate>", "eval")
        mode = "eval"
    except SyntaxError:
        code = compile(expr, "<candidate>", "exec")
        mode = "exec"
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


class _RaiseLines(object):
    """Which lines of a file lie inside a `raise` statement (cached per file)."""

    def __init__(self):
        self.cache = {}

    def __call__(self, file):
        lines = self.cache.get(file)
        if lines is None:
            lines = set()
            try:
                with io.open(file, "rb") as f:
                    tree = ast.parse(f.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Raise):
                        end = getattr(node, "end_lineno", None) or node.lineno
                        lines.update(range(node.lineno, end + 1))
            except Exception:
                pass
            self.cache[file] = lines
        return lines


RAISE_LINES = _RaiseLines()
