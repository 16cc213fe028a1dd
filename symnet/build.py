"""Build: compile emitted C into a loaded cffi module, cached on disk.

The cache key hashes everything that affects the binary: the C source and cdef, the
compiler flags, the compiler and its version, symnet's version, cffi's version,
Python's extension ABI, the key of the shared runtime the module links to
(:mod:`symnet.runtime`, the matrix multiply, compiled once and checked the same way), the
key of cffi's wrapper it is linked with (:mod:`symnet.wrapper`, once per cdef) and the number
of parts its C is compiled in. An entry is built in a private folder and published with one
atomic rename, so processes compiling the same model at once all succeed and a killed
compile leaves no entry behind (the next compile in that shard removes its folder); an
entry whose module does not match its recorded hash is rebuilt. What the cache holds is
checked before it is trusted: see :mod:`symnet.cache`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import cffi

from . import runtime, wrapper
from .cache import CacheError, cache_root  # noqa: F401 - where symnet.build has always offered them
from .cache import KEY, make_folder, open_root, publish, sound, trusted
from .compiler import (CALLS_PART, COMMON, GCC_OPTIMIZED, OPTIMIZED, SANITIZED, BuildError,  # noqa: F401 - as before
                       build_flags, compiler_command, compiler_identity, run_compiler, run_compilers,
                       wrapper_flags)
from .emit import Emitted
from .files import write_atomically

# How long GCC's OpenMP runtime keeps an idle thread spinning before it sleeps, read once
# when the first compiled module loads it. Its default (300,000 spins) leaves the threads of
# a parallel call spinning long after it, taking the cores that the calls run on one thread
# (see thread_policy) need when the machine is busy: there mlp at batch 64 trained at 0.39x
# one thread's speed by default, 0.89-0.93x with 3,000 spins, while lenet kept its two-thread
# speedup on an idle machine (1.84-1.93x; 1.6x with 1,000 spins). A value the user set wins.
os.environ.setdefault("GOMP_SPINCOUNT", "3000")

@dataclass
class Built:
    """A compiled model: its cffi ``lib`` and ``ffi``, and where its files are."""

    lib: object
    ffi: object
    key: str
    folder: Path
    flags: tuple[str, ...]
    compiler: str
    seconds: float  # time spent compiling now; 0 for a cache hit
    runtime: str = ""  # the key of the shared runtime it links to

    @property
    def source_path(self) -> Path:
        return self.folder / "model.c"


def cache_key(emitted: Emitted, sanitize: bool = False) -> str:
    """The hash that names ``emitted``'s cache entry with the current compiler and flags."""
    command = tuple(compiler_command())
    flags = build_flags(command, sanitize)
    return _key(emitted, command, flags, wrapper.wrapper_key(emitted.cdef, command, wrapper_flags(command, sanitize)),
                runtime.runtime_key(runtime.sources(emitted.dtype), command, flags))


def _key(emitted: Emitted, command, flags, wrapper_key: str, runtime_key: str) -> str:
    from . import __version__

    record = {
        "source": emitted.source, "cdef": emitted.cdef, "parts": emitted.parts, "flags": list(flags),
        "calls_part": list(CALLS_PART),
        "command": list(command),
        "wrapper": wrapper_key, "runtime": runtime_key,
        "compiler": compiler_identity(command),
        "symnet": __version__, "cffi": cffi.__version__, "abi": sysconfig.get_config_var("EXT_SUFFIX"),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _module_name(key: str) -> str:
    return f"_symnet_{key[:20]}"


def _compile(emitted: Emitted, folder: Path, key: str, command, flags, root: Path,
             pending: runtime.Pending, wrapping: runtime.Pending) -> None:
    """Write the module's C into ``folder`` and compile it there, then link it with cffi's
    wrapper ``wrapping`` and to the runtime ``pending`` (both made meanwhile in the background,
    or found made); on failure, keep the C in the ``failed/`` folder of the cache at ``root``
    and raise BuildError naming it.

    The wrapper declares the entry points from the cdef alone, which is the same for every
    model of a dtype and kind of target (see :mod:`symnet.wrapper`), so it is compiled once
    for them all, and the model's C is compiled without Python.h."""
    model = folder / "model.c"
    model.write_text(emitted.source)
    module = folder / f"{_module_name(key)}{sysconfig.get_config_var('EXT_SUFFIX')}"
    if emitted.parts == 1:
        objects, parts = [folder / "model.o"], [[]]
    else:   # each part defines SN_PART; the static functions a part does not use are not compiled in it
        objects = [folder / f"model{part}.o" for part in range(1, emitted.parts + 1)]
        parts = [[f"-DSN_PART={part}", "-Wno-unused-function", *(CALLS_PART if part == emitted.parts else ())]
                 for part in range(1, emitted.parts + 1)]
    error = run_compilers([[*command, *COMMON, *flags, *part, "-c", str(model), "-o", str(path)]
                           for part, path in zip(parts, objects)])
    if error is None:
        wrapped, linked = wrapping.result(), pending.result()
        error = run_compiler([*command, *COMMON, *flags, *map(str, objects), str(wrapped.library),
                              str(linked.library), "-o", str(module), "-lm"])
    for path in objects:
        path.unlink(missing_ok=True)
    # A failed compile's C is kept in the cache, not in a shared folder such as /tmp, where a
    # name others can guess could be a link planted to make symnet overwrite another file.
    runtime.finish_entry(folder, key, module, emitted.source, "the generated C", error, command, flags, root,
                         {"runtime": pending.key, "wrapper": wrapping.key})


def sanitizer_runtime() -> str:
    """The LD_PRELOAD value that lets a sanitized module load: the compiler's ASan and UBSan."""
    command = compiler_command()
    paths = [subprocess.run([*command, f"-print-file-name={name}"], capture_output=True, text=True).stdout.strip()
             for name in ("libasan.so", "libubsan.so")]
    return " ".join(paths)


def _sanitizer_loaded() -> bool:
    try:
        return "libasan" in Path("/proc/self/maps").read_text()
    except OSError:
        return False


def _load(entry: Path, key: str):
    # Every wrapper initializes wrapper.MODULE: the name's last part is what Python looks up.
    name = f"{_module_name(key)}.{wrapper.MODULE}"
    if name in sys.modules:
        return sys.modules[name]
    manifest = json.loads((entry / "manifest.json").read_text())
    path = str(entry / manifest["module"])
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    sys.modules[name] = module
    return module


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """A hash of the templates and of symnet's own sources, which together decide the C.
    The templates' Python (symnet/templates_py) is left out: it follows from the templates and
    Jinja's version, both in the key, and is half of the bytes there are to read."""
    from .emit import template_folder

    digest = hashlib.sha256()
    for folder, pattern in ((Path(str(template_folder())), "*.j2"), (Path(__file__).resolve().parent, "*.py")):
        for path in sorted(folder.rglob(pattern)):
            name = path.relative_to(folder).as_posix()
            if not name.startswith("templates_py/"):
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def declaration_key(declaration: dict, dtype: str, batch: int, sanitize: bool = False) -> str:
    """A hash of everything the emitted C and its binary follow from, short of emitting it:
    the model's declaration, dtype, batch, symnet's templates and code, versions and flags."""
    import jinja2
    import sympy

    from . import __version__

    command = tuple(compiler_command())
    record = {
        "declaration": declaration, "dtype": dtype, "batch": batch, "code": _code_digest(),
        "symnet": __version__, "sympy": sympy.__version__, "jinja2": jinja2.__version__, "cffi": cffi.__version__,
        "command": list(command), "compiler": compiler_identity(command),
        "flags": list(build_flags(command, sanitize)), "abi": sysconfig.get_config_var("EXT_SUFFIX"),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def load_declared(declared: str, sanitize: bool = False) -> Built | None:
    """The built module recorded for a declaration key, if its entry is present and sound.

    Raises CacheError if the cache, or anything read from it, could be changed by others.
    """
    root = open_root(create=False)
    if root is None:
        return None
    record = root / "declared" / declared
    if not trusted(record.parent, folder=True) or not trusted(record, folder=False):
        return None
    try:
        key = record.read_text().strip()
    except OSError:
        return None
    if not KEY.fullmatch(key) or not trusted(root / key[:2], folder=True):
        return None
    entry = root / key[:2] / key
    if not sound(entry, key) or (sanitize and not _sanitizer_loaded()):
        return None
    try:
        linked = json.loads((entry / "manifest.json").read_text()).get("runtime")
    except (OSError, ValueError, AttributeError):
        return None
    if not runtime.load_recorded(root, linked):
        return None
    module = _load(entry, key)
    command = tuple(compiler_command())
    return Built(lib=module.lib, ffi=module.ffi, key=key, folder=entry,
                 flags=(*COMMON, *build_flags(command, sanitize)), compiler=compiler_identity(command),
                 seconds=0.0, runtime=linked)


def remember_declared(declared: str, built: Built) -> None:
    """Record which entry a declaration key compiles to (written atomically).

    A cache that cannot be written (a read-only file system, no permission) is left as it
    is: the entry it holds still loads, by way of :func:`build`, once the C is emitted again.
    """
    try:
        folder = make_folder(open_root() / "declared")
        write_atomically(folder / declared, lambda file: file.write(built.key.encode()), mode=0o600)
    except OSError:
        pass


def build(emitted: Emitted, sanitize: bool = False) -> Built:
    """Compile ``emitted`` (or fetch it from the cache) and load it.

    ``sanitize=True`` builds with AddressSanitizer and UndefinedBehaviorSanitizer; such a
    module loads only in a process started with the sanitizer runtime preloaded.
    """
    command = tuple(compiler_command())
    flags = build_flags(command, sanitize)
    started = time.perf_counter()
    # Checked on the way in (CacheError if others could write there); made only if missing,
    # so a read-only cache with this entry in it still loads.
    pending = runtime.start(emitted.dtype, sanitize)   # usually started before the emit: see CompiledNet
    wrapping = wrapper.start(emitted.cdef, sanitize)   # usually started before the emit too
    key = _key(emitted, command, flags, wrapping.key, pending.key)
    root = open_root()
    shard = make_folder(root / key[:2])
    entry = shard / key
    made = publish(shard, key, lambda folder: _compile(emitted, folder, key, command, flags, root, pending,
                                                                   wrapping))
    seconds = time.perf_counter() - started if made else 0.0
    if sanitize and not _sanitizer_loaded():
        # Loading it here would abort the process: ASan must be the first library loaded.
        raise BuildError(f"the sanitized module is built ({entry}) but loads only in a process started with "
                         f"LD_PRELOAD='{sanitizer_runtime()}' ASAN_OPTIONS=detect_leaks=0")
    runtime.load(pending.result())   # the module needs it loaded first: see symnet.runtime
    module = _load(entry, key)
    return Built(lib=module.lib, ffi=module.ffi, key=key, folder=entry, flags=(*COMMON, *flags),
                 compiler=compiler_identity(command), seconds=seconds, runtime=pending.key)
