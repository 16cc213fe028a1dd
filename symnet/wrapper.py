"""cffi's wrapper of a model's entry points, compiled once per dtype and kind of target.

A model's module is its C (:mod:`symnet.build`) linked with cffi's wrapper, which declares the
entry points from the cdef (templates/model.cdef.j2) and converts a call's Python arguments.
The cdef names no shape: the same functions, ``sn_layout`` as an array of unknown length, and
the element type and the targets' type (class labels or values) as the only variables. So
the wrapper is compiled once for each of those (0.2 s of GCC 12 at ``-O1``), kept in the
build cache as the shared runtime is (``wrapper/<key>/wrapper.o``, a key over its C, the
compiler, its flags, cffi's and Python's versions; published atomically, checked before it is
linked), or taken prebuilt from the package (:mod:`symnet.prebuilt`), and linked into every
module with that cdef. A compile starts it in the background before deriving the model
(:func:`start`), so it does not wait on it.

Every wrapper initializes a module called MODULE; each model's module is loaded under the
name ``_symnet_<key[:20]>.<MODULE>``, so Python finds that initializer and keeps every model's
module apart (the interpreter's tables are keyed by the name and the file).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import sys
import sysconfig
from pathlib import Path

from .cache import make_folder, open_root, publish
from .compiler import COMMON, compiler_command, compiler_identity, run_compilers, wrapper_flags
from .runtime import Pending, Runtime, finish_entry, share

MODULE = "_symnet_module"
TARGETS = ("int32_t", "real")   # a loss's target_type: class labels, or values of the dtype


@functools.lru_cache(maxsize=8)
def cdef(dtype: str, target_type: str) -> str:
    """The cdef of every model of ``dtype`` whose loss takes targets of ``target_type``."""
    from .emit import environment
    from .printer import DTYPES

    if target_type not in TARGETS:
        raise ValueError(f"target_type must be one of {TARGETS}, not {target_type!r}")
    return environment().get_template("model.cdef.j2").render(ctype=DTYPES[dtype][0],
                                                              loss={"target_type": target_type})


def source(text: str) -> str:
    """cffi's C for the wrapper of the cdef ``text``."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(text)
    ffi.set_source(MODULE, text)
    out = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):   # cffi announces what it writes
        ffi.emit_c_code(out)
    return out.getvalue()


def wrapper_key(text: str, command: tuple[str, ...], flags: tuple[str, ...]) -> str:
    """The hash naming the wrapper of the cdef ``text``: it, the compiler and its flags, and
    what cffi's C and Python.h follow from (their versions, the headers' folder, the ABI)."""
    import cffi

    record = {"cdef": text, "module": MODULE, "command": list(command), "compiler": compiler_identity(command),
              "flags": list(flags), "cffi": cffi.__version__, "python": sys.version,
              "include": sysconfig.get_paths()["include"], "abi": sysconfig.get_config_var("EXT_SUFFIX")}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def compile_into(folder: Path, key: str, text: str, command, flags, root: Path | None,
                 extra: dict | None = None) -> None:
    """Write the wrapper's C into ``folder``, compile it there to ``wrapper.o`` and write its
    manifest (with ``extra``). A failed compile's C is kept in the cache at ``root`` (unless
    None) and named by the BuildError raised."""
    code = source(text)
    (folder / "wrapper.c").write_text(code)
    target = folder / "wrapper.o"
    include = sysconfig.get_paths()["include"]
    error = run_compilers([[*command, *COMMON, *flags, f"-I{include}", "-c", str(folder / "wrapper.c"),
                            "-o", str(target)]])
    finish_entry(folder, key, target, code, "cffi's wrapper", error, command, flags, root, extra)


_pending: dict[tuple, Pending] = {}


def start_for(dtype: str, target_type: str, sanitize: bool = False) -> Pending:
    """:func:`start` for the cdef of models of ``dtype`` with targets of ``target_type``."""
    return start(cdef(dtype, target_type), sanitize)


def start(text: str, sanitize: bool = False) -> Pending:
    """The wrapper of the cdef ``text``: prebuilt, in the cache, or compiled in a background
    thread, which this returns without waiting for. Calls for the same wrapper and cache share
    one compile."""
    command = tuple(compiler_command())
    flags = wrapper_flags(command, sanitize)
    key = wrapper_key(text, command, flags)
    root = open_root()

    def remake():
        shard = make_folder(root / "wrapper")
        publish(shard, key, lambda folder: compile_into(folder, key, text, command, flags, root))
        return Runtime(key=key, library=shard / key / "wrapper.o")
    return share(_pending, root, key, remake)
