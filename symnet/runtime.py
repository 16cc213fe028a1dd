"""The shared runtime: the matrix multiply, compiled once per dtype, compiler and flags.

templates/gemm.c.j2's multiply (packing, micro-kernels, the thin, few-row and transposed
paths) depends on the element type and the compiler's target, never on a model's shapes.
Compiled inside every model, it took most of each compile: at -O3, GCC cloned sn_gemm and
its kernels for the constant arguments of each call site (about 20 copies in LeNet-5), 3.1
of LeNet-5's 3.3 seconds. It is compiled instead into one library (templates/runtime.c.j2),
cached beside the models with the same care: a key over its source, flags and compiler, a
private folder published by one atomic rename, a manifest with the library's SHA-256, and
the trust checks of :mod:`symnet.cache` on everything read on the way to loading it. The
dense layers' folded step over their weights (templates/descend.c.j2), as shape-generic,
is there too: in each model it was a fifth of LeNet-5's compile.

A model's module links to the runtime by its soname, ``libsymnet-<key[:24]>.so``, and has no
search path: it loads only once :func:`load` has checked and loaded that exact runtime (the
dynamic loader then finds it among the loaded libraries by that name), so a module cannot
pick up a runtime symnet has not checked, nor one built from other source or flags.

A compile that misses the cache starts the runtime's compile in a background thread
(:func:`start`) before deriving and emitting the model, so it runs beside them and beside
the model's own compile; the build waits for it only to link. Before that, the package's own
copy, built at install time, is taken if it is exactly this runtime and passes its checks
(:mod:`symnet.prebuilt`); then nothing is compiled.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import functools
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from . import prebuilt
from .cache import KEY, file_digest, keep_failed, make_folder, open_root, publish, seal, sound, trusted
from .compiler import COMMON, BuildError, build_flags, compiler_command, compiler_identity, run_compiler, run_compilers

# The parameters of sn_gemm in templates/gemm.c.j2, which the runtime's entry point takes and passes on.
PARAMETERS = ("int m, int n, int k, real alpha, const real *a, long ars, long acs, const real *b, long brs, "
              "long bcs, real *c, long ldc, int accumulate, real *restrict pack_a, real *restrict pack_b")


# The parameters of sn_descend_rows in templates/descend.c.j2, the dense layers' folded step.
DESCEND_PARAMETERS = ("real *restrict W, const real *restrict dy, const real *restrict x, int o, int rows, int in, "
                      "int out, int total, real descent, real *restrict b, real bias_scale, real *restrict pack_a, "
                      "real *restrict pack_b")


# The parameters of sn_scan_finite in templates/descend.c.j2, a step's check of its samples.
FINITE_PARAMETERS = "real *restrict out, const real *restrict p, long n"


def runtime_context(dtype: str) -> dict:
    """What templates name the runtime's entry points by (the multiply's; ``descend``, the
    dense layers' folded step's; ``finite``, the check of a step's samples): one symbol per
    dtype, so runtimes of both dtypes can be loaded in one process whatever the loader's
    symbol scope."""
    return {"symbol": f"sn_gemm_{dtype}", "parameters": PARAMETERS,
            "descend": {"symbol": f"sn_descend_rows_{dtype}", "parameters": DESCEND_PARAMETERS},
            "finite": {"symbol": f"sn_scan_finite_{dtype}", "parameters": FINITE_PARAMETERS}}


# sn_gemm's paths that are compiled from files of their own (their parameters as in
# templates/gemm.c.j2), beside runtime.c with the rest (the packed multiply, the thin path and
# the dispatch). One file took 0.9-1.0 s of GCC 12 at -O3; apart, sn_gemm_nt took 0.33 s,
# sn_gemm_few 0.28 s and the rest 0.45 s, each file's reading 0.02 s: on two cores they end
# together about when the largest does, where the one file held a core alone for all of it.
PATHS = {
    "sn_gemm_nt": "int m, int n, int k, real alpha, const real *a, long lda, const real *b, long ldb, real *c, "
                  "long ldc, int accumulate",
    "sn_gemm_few": "int m, int n, int k, real alpha, const real *a, long ars, long acs, const real *b, long brs, "
                   "real *c, long ldc, int accumulate, real *restrict pack_a, real *restrict pack_b",
}


def _parts(dtype: str) -> list[dict]:
    return [{"name": name, "symbol": f"{name}_{dtype}", "parameters": parameters,
             "arguments": ", ".join(parameter.split()[-1].lstrip("*") for parameter in parameters.split(","))}
            for name, parameters in PATHS.items()]


@functools.lru_cache(maxsize=4)
def sources(dtype: str) -> dict[str, str]:
    """The runtime's C for ``dtype``: its files by name, ``runtime.c`` (with the entry point)
    first, then one file for each of PATHS."""
    from . import __version__
    from .emit import environment, gemm_context

    template = environment().get_template("runtime.c.j2")
    common = {**gemm_context(dtype), "dtype": dtype, "version": __version__, "runtime": runtime_context(dtype)}
    parts = _parts(dtype)
    files = {"runtime.c": template.render(**common, part=None, parts=parts)}
    for part in parts:
        files[f"runtime_{part['name'][len('sn_gemm_'):]}.c"] = template.render(**common, part=part, parts=[])
    return files


def source(dtype: str) -> str:
    """The runtime's files for ``dtype`` as one text, each after a line naming it."""
    return "".join(f"/* ---- {name} ---- */\n{text}" for name, text in sources(dtype).items())


def runtime_key(texts: dict[str, str], command: tuple[str, ...], flags: tuple[str, ...]) -> str:
    """The hash that names a runtime's cache entry: its files (names and text), the compiler
    command, its identity and the flags."""
    record = {"source": texts, "command": list(command), "compiler": compiler_identity(command), "flags": list(flags)}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def soname(key: str) -> str:
    """The library's file name and ELF soname, which a model's module records as needed."""
    return f"libsymnet-{key[:24]}.so"


@dataclass(frozen=True)
class Runtime:
    """A runtime: its key and the library's path, in the cache or (``prebuilt``) in the package."""

    key: str
    library: Path
    prebuilt: bool = False

    @property
    def folder(self) -> Path:
        return self.library.parent

    def intact(self) -> bool:
        """Whether its entry still passes the checks it was found by (:func:`symnet.cache.sound`,
        or :func:`symnet.prebuilt.find`'s for a prebuilt one)."""
        if self.prebuilt:
            return prebuilt.find(self.key, self.folder.parent) == self.library
        return sound(self.folder, self.key)


def compile_into(folder: Path, key: str, texts: dict[str, str], command, flags, root: Path | None,
                 extra: dict | None = None) -> None:
    """Write the runtime's C into ``folder``, compile its files there at once, and link its
    library; its manifest records ``extra`` too. A failed compile's C is kept in the cache at
    ``root`` (unless None) and named by the BuildError raised."""
    objects = []
    for name, text in texts.items():
        (folder / name).write_text(text)
        objects.append(folder / f"{name[:-2]}.o")
    library = folder / soname(key)
    error = run_compilers([[*command, *COMMON, *flags, "-c", str(folder / name), "-o", str(path)]
                           for name, path in zip(texts, objects)])
    if error is None:
        error = run_compiler([*command, *COMMON, *flags, f"-Wl,-soname,{library.name}", *map(str, objects),
                              "-o", str(library), "-lm"])
    for path in objects:
        path.unlink(missing_ok=True)
    finish_entry(folder, key, library, "".join(texts.values()), "symnet's runtime", error, command, flags, root,
                 extra)


def finish_entry(folder: Path, key: str, made: Path, code: str, what: str, error: str | None, command, flags,
                 root: Path | None, extra: dict | None) -> None:
    """After compiling ``what`` (the runtime, or cffi's wrapper) into ``folder``: if the
    compiler failed (``error``), keep ``code`` in the cache at ``root`` (unless None) and raise
    a BuildError naming where; else write the manifest of ``made`` (with ``extra``) and seal
    the folder."""
    if error is not None:
        try:
            saved = str(keep_failed(root, key, code)) if root is not None else "in no cache"
        except (OSError, ValueError) as problem:
            saved = f"the C could not be kept: {problem}"
        raise BuildError(f"compiling {what} failed ({saved}):\n{error}")
    manifest = {"key": key, "module": made.name, "sha256": file_digest(made), "flags": list(flags),
                "compiler": compiler_identity(tuple(command)), **(extra or {})}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    seal(folder)


def _make(root: Path, key: str, texts: dict[str, str], command, flags) -> Runtime:
    """The runtime's entry in the cache at ``root``, compiled now unless a sound one is there."""
    shard = make_folder(root / "runtime")
    publish(shard, key, lambda folder: compile_into(folder, key, texts, command, flags, root))
    return Runtime(key=key, library=shard / key / soname(key))


class Pending:
    """A runtime being made (or made): its key at once, the runtime itself from :meth:`result`."""

    def __init__(self, key: str, future: concurrent.futures.Future, remake, forget=None):
        self.key = key
        self._future = future
        self._remake = remake
        self._forget = forget   # called when the compile failed, so that the next one tries again

    def result(self) -> Runtime:
        """The runtime, once compiled: raises what its compile raised (BuildError, CacheError).
        An entry removed or damaged since it was made is made again."""
        try:
            made = self._future.result()
        except BaseException:
            if self._forget is not None:
                self._forget()   # the next compile tries again
            raise
        if not made.intact():
            made = self._remake()   # a prebuilt one that changed is made in the cache instead
        return made


_lock = threading.Lock()
_pending: dict[tuple[str, str], Pending] = {}
_workers = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="symnet-runtime")
_loaded: dict[str, ctypes.CDLL] = {}


def finished(made: Runtime) -> concurrent.futures.Future:
    """A future already holding ``made`` (found prebuilt: nothing to compile)."""
    future = concurrent.futures.Future()
    future.set_result(made)
    return future


def start(dtype: str, sanitize: bool = False) -> Pending:
    """The runtime of ``dtype`` for the current compiler and flags: taken from the cache, or
    compiled in a background thread, which this returns without waiting for; or, if the package
    holds it prebuilt and it passes every check (:mod:`symnet.prebuilt`), that one, compiling
    nothing. Calls for the same runtime and cache share one compile."""
    command = tuple(compiler_command())
    flags = build_flags(command, sanitize)
    texts = sources(dtype)
    key = runtime_key(texts, command, flags)
    root = open_root()   # checked here, so an untrusted cache is refused before any work
    return share(_pending, root, key, lambda: _make(root, key, texts, command, flags))


def share(table: dict, root: Path, key: str, remake) -> Pending:
    """The one :class:`Pending` in ``table`` for the entry ``key`` of the cache at ``root``:
    the prebuilt one if :mod:`symnet.prebuilt` finds it, else ``remake()`` (which compiles
    into the cache, or finds it there) run in a background thread. The runtime's and cffi's
    wrapper's compiles are shared this way."""
    allowed = prebuilt.enabled()
    slot = (str(root), key, allowed)
    with _lock:
        pending = table.get(slot)
        if pending is None:
            library = prebuilt.find(key) if allowed else None
            future = (finished(Runtime(key=key, library=library, prebuilt=True)) if library is not None
                      else _workers.submit(remake))
            pending = table[slot] = Pending(key, future, remake, forget(table, slot))
    return pending


def forget(table: dict, slot) -> callable:
    """What removes ``slot`` from ``table`` (of pending compiles), under the lock."""
    def remove():
        with _lock:
            table.pop(slot, None)
    return remove


def load(made: Runtime) -> None:
    """Load ``made``'s library into this process (once), after checking it as any cache entry
    is checked (ours, private, no links, its bytes as its manifest records)."""
    if made.key in _loaded:
        return
    if not made.intact():
        raise BuildError(f"symnet's runtime {made.folder} changed before it could be loaded: compile again")
    _loaded[made.key] = ctypes.CDLL(str(made.library))


def load_recorded(root: Path, key) -> bool:
    """Load the runtime whose key a model's manifest records, if its entry in the cache at
    ``root`` is there and sound, or else the package's prebuilt one passes every check; False
    if neither (the model is then built again, runtime first)."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return False
    shard = root / "runtime"   # checked even when loaded already: a damaged entry is made again
    if trusted(shard, folder=True) and sound(shard / key, key):
        load(Runtime(key=key, library=shard / key / soname(key)))
        return True
    library = prebuilt.find(key)
    if library is None:
        return False
    load(Runtime(key=key, library=library, prebuilt=True))
    return True
