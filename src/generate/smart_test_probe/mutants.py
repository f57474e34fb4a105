"""Mutants of a target: one small change of its code (a comparison turned round, a constant
changed, a returned value dropped) put in place for a target's runs, so that smart-test can tell
which of its calls would notice the change (src/generate/search/mutants.ts).

A target spec's "mutant" ({"lines": [...], "count": N, "index": k}) names the k-th of N changes
spread evenly over the changes possible on those lines of the target (sites, in source order).
The change is made to the syntax tree of the outermost function holding the target (its host:
a nested function is compiled with it), which is compiled alone and swapped in as the host's
function object's __code__, so every reference to the function (a class attribute, a dispatch
table, a decorator's wrapper) runs the mutant; the original code goes back after the target's
runs. Nothing is written anywhere, and the module is not imported again.
"""

import ast
import copy
import os


class MutantUnavailable(Exception):
    """The mutant cannot be made or put in place (no such site, a host not found alive)."""


_COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_ARITHMETIC = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}

_SYMBOL = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
    ast.And: "and", ast.Or: "or", ast.Not: "not", ast.USub: "-",
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>",
}


def _short(text):
    shown = repr(text)
    return shown if len(shown) <= 24 else shown[:20] + "...'"


# Parsed modules, by file: (source tree, compiler flags of its __future__ imports).
_PARSED = {}


def prepare_mutant(spec, module):
    """The (function, original code, mutant code, {"line", "change"}) of the spec's mutant, or
    MutantUnavailable."""
    tree, flags = _parsed(spec["file"])
    first, last = spec["firstLine"], spec["lastLine"]
    found = _host(tree, first, last)
    if found is None:
        raise MutantUnavailable("no function holds lines %d-%d" % (first, last))
    host, classes = found
    ranges = spec.get("ranges")
    own = set(ln for a, b in ranges for ln in range(a, b + 1)) if ranges else set(range(first, last + 1))
    wanted = set(spec["mutant"]["lines"]) & own
    sites = [s for s in _sites(host) if s[0] in wanted]
    chosen = spread(len(sites), spec["mutant"]["count"])
    index = spec["mutant"]["index"]
    if index >= len(chosen):
        raise MutantUnavailable("no mutant %d (%d sites)" % (index, len(sites)))
    line, _, number, _, change = sites[chosen[index]]
    mutated = copy.deepcopy(host)
    for site in _sites(mutated):
        if site[2] == number:
            site[3]()
            break
    live = _live_function(module, classes, host, spec["file"])
    code = _compiled(mutated, classes, flags, spec["file"], live.__code__)
    return live, live.__code__, code, {"line": line, "change": change}


def spread(n, count):
    """`count` indexes of range(n) spread evenly (all of them when n <= count)."""
    if n <= count:
        return list(range(n))
    return sorted(set((i * n) // count for i in range(count)))


def install(prepared):
    """Puts the mutant in place; returns what undo() needs."""
    fn, original, code, _ = prepared
    fn.__code__ = code
    return fn, original


def undo(installed):
    fn, original = installed
    fn.__code__ = original


def _parsed(file):
    got = _PARSED.get(file)
    if got is None:
        with open(file, "rb") as f:
            data = f.read()
        tree = ast.parse(data, file)
        flags = 0
        import __future__

        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                for alias in node.names:
                    feature = getattr(__future__, alias.name, None)
                    flags |= getattr(feature, "compiler_flag", 0)
        got = _PARSED[file] = (tree, flags)
    return got


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _host(tree, first, last):
    """The outermost function (through classes and compound statements, not functions) whose
    lines hold first..last, and the names of the classes around it, outermost first."""

    def visit(body, classes):
        for node in body:
            if isinstance(node, _DEFS):
                if node.lineno <= first and last <= node.end_lineno:
                    return node, classes
            elif isinstance(node, ast.ClassDef):
                got = visit(node.body, classes + [node.name])
                if got is not None:
                    return got
            else:
                parts = [getattr(node, f, None) for f in ("body", "orelse", "finalbody")]
                parts += [h.body for h in getattr(node, "handlers", None) or ()]
                for part in parts:
                    if isinstance(part, list):
                        got = visit(part, classes)
                        if got is not None:
                            return got
        return None

    return visit(tree.body, [])


def _sites(host):
    """The changes possible in `host`'s body, in a fixed order: [(line, col, number, apply,
    change)], where apply() makes the change in that tree and change says what it is.
    Docstrings, decorators, defaults, annotations and f-strings' parts are left alone."""
    out = []

    def add(node, apply, change):
        out.append((node.lineno, node.col_offset, len(out), apply, change))

    def visit(node, parent, field, index):
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.expr) and isinstance(parent, ast.arg)):
            return
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = _COMPARE.get(type(op))
                if swap is not None:
                    add(node, _set_item(node.ops, i, swap()), "%s -> %s" % (_SYMBOL[type(op)], _SYMBOL[swap]))
        elif isinstance(node, ast.BoolOp):
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            add(node, _set_attr(node, "op", other), "%s -> %s" % (_SYMBOL[type(node.op)], _SYMBOL[type(other)]))
        elif isinstance(node, (ast.BinOp, ast.AugAssign)):
            swap = _ARITHMETIC.get(type(node.op))
            if swap is not None:
                add(node, _set_attr(node, "op", swap()), "%s -> %s" % (_SYMBOL[type(node.op)], _SYMBOL[swap]))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            add(node, _replace(parent, field, index, node.operand), "%s dropped" % _SYMBOL[type(node.op)])
        elif isinstance(node, ast.Constant) and field != "body":
            value = node.value
            if isinstance(value, bool):
                add(node, _set_attr(node, "value", not value), "%r -> %r" % (value, not value))
            elif isinstance(value, int):
                add(node, _set_attr(node, "value", value + 1), "%r -> %r" % (value, value + 1))
            elif isinstance(value, float):
                add(node, _set_attr(node, "value", value + 1.0), "%r -> %r" % (value, value + 1.0))
            elif isinstance(value, str) and not isinstance(parent, ast.Expr):
                add(node, _set_attr(node, "value", value + "XX"), "%s -> %s" % (_short(value), _short(value + "XX")))
        elif isinstance(node, ast.Return) and node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            add(node, _set_attr(node, "value", ast.copy_location(ast.Constant(None), node.value)), "return None")
        elif isinstance(node, (ast.If, ast.While)) and not isinstance(node.test, (ast.Compare, ast.BoolOp, ast.UnaryOp)):
            add(node, _set_attr(node, "test", ast.copy_location(ast.UnaryOp(ast.Not(), node.test), node.test)), "condition negated")
        elif isinstance(node, ast.Break):
            add(node, _replace(parent, field, index, ast.copy_location(ast.Continue(), node)), "break -> continue")
        elif isinstance(node, ast.Continue):
            add(node, _replace(parent, field, index, ast.copy_location(ast.Break(), node)), "continue -> break")
        for name, value in ast.iter_fields(node):
            if isinstance(node, _DEFS + (ast.Lambda,)) and name in ("decorator_list", "args", "returns"):
                continue
            if name in ("annotation", "returns", "type_comment"):
                continue
            if isinstance(value, list):
                body = value
                for i, item in enumerate(body):
                    if isinstance(item, ast.AST) and not _is_docstring(node, name, i, item):
                        visit(item, node, name, i)
            elif isinstance(value, ast.AST):
                visit(value, node, name, None)

    for i, stmt in enumerate(host.body):
        if not _is_docstring(host, "body", i, stmt):
            visit(stmt, host, "body", i)
    return out


def _is_docstring(parent, field, index, node):
    return (
        field == "body"
        and index == 0
        and isinstance(parent, _DEFS + (ast.ClassDef,))
        and isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _set_attr(node, name, value):
    def apply():
        setattr(node, name, value)

    return apply


def _set_item(items, index, value):
    def apply():
        items[index] = value

    return apply


def _replace(parent, field, index, new):
    """Puts `new` where a node stands: parent.<field>, or parent.<field>[index]."""
    return _set_attr(parent, field, new) if index is None else _set_item(getattr(parent, field), index, new)


def _live_function(module, classes, host, file):
    """The function object running `host`'s code: found through the module's attribute (and
    its classes'), unwrapping static and class methods, properties, partials and decorators'
    wrappers (__wrapped__, or the function a wrapper's closure holds)."""
    first = host.decorator_list[0].lineno if host.decorator_list else host.lineno
    owner = module
    for name in classes:
        owner = vars(owner).get(name) if isinstance(owner, type) or owner is module else None
        if not isinstance(owner, type):
            raise MutantUnavailable("class %s not found" % name)
    start = vars(owner).get(host.name)
    real = os.path.realpath(file)
    seen = set()
    todo = [(start, 0)]
    while todo:
        obj, depth = todo.pop(0)
        if obj is None or id(obj) in seen or depth > 4:
            continue
        seen.add(id(obj))
        code = getattr(obj, "__code__", None) if type(obj).__name__ == "function" else None
        if code is not None and code.co_name == host.name and code.co_firstlineno == first:
            try:
                if os.path.realpath(code.co_filename) == real:
                    return obj
            except Exception:
                pass
        for attr in ("__func__", "__wrapped__", "fget", "fset", "fdel", "func"):
            try:
                inner = getattr(obj, attr, None)
            except Exception:
                inner = None
            todo.append((inner, depth + 1))
        cells = (getattr(obj, "__closure__", None) or ()) if type(obj).__name__ == "function" else ()
        for cell in cells:
            try:
                todo.append((cell.cell_contents, depth + 1))
            except ValueError:
                pass
    raise MutantUnavailable("%s not found alive" % host.name)


def _compiled(mutated, classes, flags, file, original):
    """The mutated host's code object: compiled alone, inside a class of the innermost class's
    name when it is a method (private names are mangled, and super() finds __class__, alike)."""
    body = [mutated]
    if classes:
        body = [ast.ClassDef(name=classes[-1], bases=[], keywords=[], body=body, decorator_list=[], lineno=1, col_offset=0)]
        if "type_params" in ast.ClassDef._fields:
            body[0].type_params = []
    wrapper = ast.Module(body=body, type_ignores=[])
    ast.fix_missing_locations(wrapper)
    try:
        code = compile(wrapper, file, "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError) as exc:
        raise MutantUnavailable("does not compile: %s" % exc)
    found = _find_code(code, mutated.name, original.co_firstlineno)
    if found is None or len(found.co_freevars) != len(original.co_freevars):
        raise MutantUnavailable("no code to swap in")
    return found


def _find_code(code, name, first):
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            if const.co_name == name and const.co_firstlineno == first:
                return const
            got = _find_code(const, name, first)
            if got is not None:
                return got
    return None
