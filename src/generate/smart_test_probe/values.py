"""Values: whether a result can be written as a Python literal, holds floats, and how types,
messages and long texts are reported."""

import ast


REPR_LIMIT = 2000


MESSAGE_LIMIT = 2000
# Longest receiver state (repr of its attributes) asserted after a method call.
STATE_LIMIT = 1000
# Longest repr of one attribute asserted on its own, and how many such attributes at most.
ATTR_LIMIT = 200
MAX_ATTRS = 8


LITERAL_TYPES = (bool, int, float, complex, str, bytes, type(None), list, tuple, dict, set, frozenset)


def _is_literal_type(value, depth=0, seen=None):
    if depth > 100:
        return False
    t = type(value)
    if t not in LITERAL_TYPES:
        return False
    if t is float:
        return value == value  # NaN is not a literal
    if t is complex:
        return value == value
    if t in (list, tuple, dict, set, frozenset):
        if seen is None:
            seen = set()
        if id(value) in seen:
            return False
        seen.add(id(value))
        items = list(value.items()) if t is dict else [(v, None) for v in value]
        for k, v in items:
            if not _is_literal_type(k, depth + 1, seen):
                return False
            if t is dict and not _is_literal_type(v, depth + 1, seen):
                return False
        seen.discard(id(value))
    return True


def _is_literal(value, text):
    if not _is_literal_type(value):
        return False
    try:
        parsed = ast.literal_eval(text)
    except Exception:
        return False
    try:
        return type(parsed) is type(value) and bool(parsed == value) and _is_literal_type(parsed)
    except Exception:
        return False


def _has_float(value, depth=0, seen=None):
    if isinstance(value, (float, complex)):
        return True
    if depth > 100 or isinstance(value, (str, bytes, bytearray)):
        return False
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if seen is None:
            seen = set()
        if id(value) in seen:
            return False
        seen.add(id(value))
        try:
            items = list(value.items()) if isinstance(value, dict) else list(value)
        except Exception:
            return False
        for item in items:
            if isinstance(item, tuple) and isinstance(value, dict):
                if _has_float(item[0], depth + 1, seen) or _has_float(item[1], depth + 1, seen):
                    return True
            elif _has_float(item, depth + 1, seen):
                return True
    return False


def _type_ref(t):
    return {
        "module": str(getattr(t, "__module__", None) or "builtins"),
        "qualname": str(getattr(t, "__qualname__", None) or getattr(t, "__name__", "?")),
    }


def _truncate(text, limit):
    if len(text) > limit:
        return text[:limit], True
    return text, False


def _safe_str(exc):
    try:
        return str(exc)
    except BaseException:
        return "<str() failed>"


def _receiver_state(ns):
    """repr of the attributes of `obj` in ns when all are plain literals (and short), else None."""
    attrs = getattr(ns.get("obj"), "__dict__", None)
    if type(attrs) is not dict:
        return None
    return _literal_repr(dict(attrs))


def _literal_repr(value):
    """repr of a value made of plain literals (see _is_literal), in at most STATE_LIMIT
    characters; None otherwise."""
    if not _is_literal_type(value):
        return None
    try:
        text = repr(value)
    except Exception:
        return None
    return text if len(text) <= STATE_LIMIT and _is_literal(value, text) else None


def _shown_value(value, limit, one_line):
    """(repr, literal) of a value a test may assert on its own, or None: a repr of at most
    `limit` characters (on one line if asked) that shows no address. `literal`: the repr reads
    back as the value (floats excepted: they are compared by repr)."""
    # A big container or text would only be cut off: not even printed.
    if type(value) in (list, tuple, dict, set, frozenset, str, bytes) and len(value) > limit:
        return None
    try:
        text = repr(value)
    except Exception:
        return None
    if type(text) is not str or len(text) > limit or " at 0x" in text or (one_line and "\n" in text):
        return None
    return (text, _is_literal(value, text) and not _has_float(value))


def _attribute_reprs(obj):
    """{name: (repr, literal)} of the instance attributes of `obj` with a short one-line repr (a
    datetime, an enum member, a plain literal; see _shown_value), or None when it has no plain
    `__dict__`."""
    attrs = getattr(obj, "__dict__", None)
    if type(attrs) is not dict:
        return None
    out = {}
    for name, value in list(attrs.items()):
        if type(name) is not str or name.startswith("__"):
            continue
        shown = _shown_value(value, ATTR_LIMIT, True)
        if shown is not None:
            out[name] = shown
        else:
            kinds = _item_types(value)
            if kinds is not None:
                out[name + TYPES_SUFFIX] = kinds
                states = _item_states(value)
                if states is not None:
                    out[name + VARS_SUFFIX] = states
    return out


# An attribute reported by the names of its items' types (`messages:types`: a list of objects
# whose reprs show nothing stable), asserted as `[type(x).__name__ for x in obj.messages]`.
TYPES_SUFFIX = ":types"
MAX_TYPED_ITEMS = 32


def _item_types(value):
    """(repr, True) of the list of the type names of a list's or tuple's items, when the
    container's own repr is not shown; None for anything else."""
    if type(value) not in (list, tuple) or not 0 < len(value) <= MAX_TYPED_ITEMS:
        return None
    names = [type(item).__name__ for item in value]
    text = repr(names)
    return (text, True) if len(text) <= ATTR_LIMIT else None


# The same list by its items' attributes, when they are all plain literals (`messages:vars`: a
# checker's messages, each with its line and arguments), asserted as `[vars(x) for x in obj.messages]`.
VARS_SUFFIX = ":vars"


def _item_states(value):
    """(repr, True) of the list of `vars(item)` of a list's or tuple's items (see _item_types),
    when every item has a `__dict__` of plain literals, some not empty, in at most STATE_LIMIT
    characters; None otherwise."""
    states = []
    for item in value:
        attrs = getattr(item, "__dict__", None)
        if type(attrs) is not dict:
            return None
        states.append(dict(attrs))
    text = _literal_repr(states) if any(states) else None
    return (text, True) if text is not None and not _has_float(states) else None


def _changed_attributes(before, after):
    """The attributes whose repr a call changed (added or different), sorted, at most MAX_ATTRS."""
    if before is None or after is None:
        return None
    # Public attributes first: they are what the code's users read.
    changed = sorted((name for name, seen in after.items() if before.get(name) != seen), key=lambda n: (n.startswith("_"), n))
    return [[name, after[name][0], after[name][1]] for name in changed[:MAX_ATTRS]] or None


def _argument_reprs(ns, names):
    """{name: (repr, literal)} of the named values of ns (arguments bound by the setup), for
    reprs of at most STATE_LIMIT characters without an address."""
    out = {}
    for name in names:
        shown = _shown_value(ns[name], STATE_LIMIT, False) if name in ns else None
        if shown is not None:
            out[name] = shown
    return out
