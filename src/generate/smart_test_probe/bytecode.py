"""Bytecode of the project's modules, shared by the Python processes of one smart-test run.

A run starts several probe processes that import the same modules (the first probe, then the
stable-test checks, each in a new interpreter). Where the project's files have no __pycache__
(PYTHONDONTWRITEBYTECODE, a fresh clone), each of them compiled every module again: ~40 ms for a
2,000-line module. While the probe imports, the modules under the request's sysPath that have no
bytecode file of their own are loaded through a loader that keeps their code objects in the
run's folder (``bytecodePath``, which smart-test creates and removes); the project's own folders
are never written. Anything unusual (a module with a pyc, another loader, an unreadable cache
file) takes Python's own path.
"""

import importlib.machinery
import importlib.util
import marshal
import os
import sys
import zlib


class _SharedBytecodeLoader(importlib.machinery.SourceFileLoader):
    """A source file's loader whose compiled code is read from, or written to, the run's folder."""

    folder = None

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        try:
            cached = importlib.util.cache_from_source(path)
        except (NotImplementedError, ValueError):
            cached = None
        if cached is None or os.path.exists(cached):
            return super().get_code(fullname)
        try:
            st = os.stat(path)
        except OSError:
            return super().get_code(fullname)
        stamp = (path, st.st_mtime_ns, st.st_size, sys.implementation.cache_tag)
        name = "%08x-%s.bin" % (zlib.crc32(path.encode("utf-8", "surrogateescape")), os.path.basename(path))
        file = os.path.join(self.folder, name)
        try:
            with open(file, "rb") as f:
                kept_stamp, code = marshal.load(f)
            if tuple(kept_stamp) == stamp:
                return code
        except Exception:  # noqa: B902 - missing, or written by another process just now: compile
            pass
        code = self.source_to_code(self.get_data(path), path)
        part = "%s.%d.tmp" % (file, os.getpid())
        try:
            with open(part, "wb") as f:
                marshal.dump((stamp, code), f)
            os.replace(part, file)
        except Exception:  # noqa: B902 - best effort: the next process compiles too
            try:
                os.unlink(part)
            except OSError:
                pass
        return code


class _SharedBytecodeFinder(object):
    """Finds what Python's own path finder finds; for a source module under one of `roots`, with
    the shared loader."""

    def __init__(self, folder, roots):
        self.folder = folder
        self.roots = tuple(os.path.join(os.path.abspath(r), "") for r in roots if isinstance(r, str))

    def find_spec(self, name, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        loader = spec.loader if spec is not None else None
        if type(loader) is not importlib.machinery.SourceFileLoader or not loader.path.startswith(self.roots):
            return spec
        shared = _SharedBytecodeLoader(loader.name, loader.path)
        shared.folder = self.folder
        spec.loader = shared
        return spec


class _SharedBytecode(object):
    """While in use, the project's source modules load through the shared loader. The finder goes
    just before Python's path finder, so finders the project installed before it still win."""

    def __init__(self, folder, roots):
        self.finder = _SharedBytecodeFinder(folder, roots) if folder and os.path.isdir(folder) else None

    def __enter__(self):
        if self.finder is not None:
            meta = sys.meta_path
            at = meta.index(importlib.machinery.PathFinder) if importlib.machinery.PathFinder in meta else len(meta)
            meta.insert(at, self.finder)
        return self

    def __exit__(self, *exc):
        if self.finder is not None:
            try:
                sys.meta_path.remove(self.finder)
            except ValueError:
                pass
        return False
