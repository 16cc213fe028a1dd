"""Build: compile emitted C into a loaded cffi module, cached on disk.

The cache key hashes everything that affects the binary: the C source and cdef, the
compiler flags, the compiler and its version, symnet's version, cffi's version and
Python's extension ABI. An entry is built in a private folder and published with one
atomic rename, so processes compiling the same model at once all succeed and a killed
compile leaves no entry behind (the next compile in that shard removes its folder); an
entry whose module does not match its recorded hash is rebuilt. What the cache holds is
checked before it is trusted: see :mod:`symnet.cache`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import cffi

from .cache import CacheError, cache_root  # noqa: F401 - where symnet.build has always offered them
from .cache import (KEY, discard, file_digest, keep_failed, make_folder, open_root, private_folder,
                    remove_abandoned, seal, sound, trusted)
from .emit import Emitted
from .files import write_atomically

OPTIMIZED = ("-O3", "-march=native", "-fno-math-errno")
SANITIZED = ("-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all")
# GCC turns short copy loops (an im2col row, the edge of a packed panel) into calls to
# memmove, which cost more than copying a few values in place; kept as loops, LeNet-5's
# training step ran about 6% faster.
GCC_OPTIMIZED = ("-fno-tree-loop-distribute-patterns",)
COMMON = ("-std=gnu11", "-fPIC", "-shared", "-fopenmp", "-Wall", "-Wno-unused-variable")


class BuildError(RuntimeError):
    """The C could not be compiled: no compiler, or the compiler refused the source."""


def compiler_command() -> list[str]:
    """The C compiler: ``$CC``, else ``cc``."""
    return shlex.split(os.environ.get("CC", "cc"))


@functools.lru_cache(maxsize=8)
def _compiler_version(command: tuple[str, ...]) -> str:
    """What the compiler prints for ``--version``."""
    try:
        result = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise BuildError(f"no C compiler found (tried {' '.join(command)!r}): install one, e.g. "
                         f"'apt-get install gcc', or set CC to its path") from None
    if result.returncode != 0:
        raise BuildError(f"the C compiler {' '.join(command)!r} does not run: {result.stderr.strip()}")
    return result.stdout


def compiler_identity(command: tuple[str, ...]) -> str:
    """The compiler's first line of ``--version``, part of the cache key."""
    return _compiler_version(command).splitlines()[0].strip()


def build_flags(command: tuple[str, ...], sanitize: bool = False) -> tuple[str, ...]:
    """The flags after COMMON: SANITIZED, or OPTIMIZED, plus GCC_OPTIMIZED for GCC."""
    if sanitize:
        return SANITIZED
    version = _compiler_version(command)
    gcc = "Free Software Foundation" in version and "clang" not in version.lower()
    return OPTIMIZED + (GCC_OPTIMIZED if gcc else ())


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

    @property
    def source_path(self) -> Path:
        return self.folder / "model.c"


def cache_key(emitted: Emitted, sanitize: bool = False) -> str:
    """The hash that names ``emitted``'s cache entry with the current compiler and flags."""
    command = tuple(compiler_command())
    return _key(emitted, command, build_flags(command, sanitize))


def _key(emitted: Emitted, command, flags) -> str:
    from . import __version__

    record = {
        "source": emitted.source, "cdef": emitted.cdef, "flags": list(flags), "command": list(command),
        "compiler": compiler_identity(command),
        "symnet": __version__, "cffi": cffi.__version__, "abi": sysconfig.get_config_var("EXT_SUFFIX"),
    }
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _module_name(key: str) -> str:
    return f"_symnet_{key[:20]}"


def _compile(emitted: Emitted, folder: Path, key: str, command, flags, root: Path) -> None:
    """Write the module's C into ``folder`` and compile it there; on failure, keep the C in
    the ``failed/`` folder of the cache at ``root`` and raise BuildError naming it."""
    name = _module_name(key)
    ffi = cffi.FFI()
    ffi.cdef(emitted.cdef)
    ffi.set_source(name, emitted.source)
    (folder / "model.c").write_text(emitted.source)
    wrapper = folder / f"{name}.c"
    with contextlib.redirect_stdout(io.StringIO()):  # cffi announces the file it writes
        ffi.emit_c_code(str(wrapper))
    module = folder / f"{name}{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = sysconfig.get_paths()["include"]
    arguments = [*command, *COMMON, *flags, f"-I{include}", str(wrapper), "-o", str(module), "-lm"]
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        # Kept in the cache, not in a shared folder such as /tmp, where a name others can
        # guess could be a link planted to make symnet overwrite another file.
        try:
            saved = str(keep_failed(root, key, emitted.source))
        except (OSError, ValueError) as error:
            saved = f"the C could not be kept: {error}"
        raise BuildError(f"compiling the generated C failed ({saved}):\n{result.stderr.strip()[-4000:]}")
    manifest = {"key": key, "module": module.name, "sha256": file_digest(module), "flags": list(flags),
                "compiler": compiler_identity(tuple(command))}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    seal(folder)


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


def _load(entry: Path, name: str):
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
    """A hash of the templates and of symnet's own sources, which together decide the C."""
    from .emit import template_folder

    digest = hashlib.sha256()
    for folder, pattern in ((Path(str(template_folder())), "*.j2"), (Path(__file__).resolve().parent, "*.py")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
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
    module = _load(entry, _module_name(key))
    command = tuple(compiler_command())
    return Built(lib=module.lib, ffi=module.ffi, key=key, folder=entry,
                 flags=(*COMMON, *build_flags(command, sanitize)), compiler=compiler_identity(command),
                 seconds=0.0)


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
    key = _key(emitted, command, flags)
    name = _module_name(key)
    # Checked on the way in (CacheError if others could write there); made only if missing,
    # so a read-only cache with this entry in it still loads.
    root = open_root()
    shard = make_folder(root / key[:2])
    entry = shard / key
    started = time.perf_counter()
    seconds = 0.0
    if not sound(entry, key):
        remove_abandoned(shard)
        private = private_folder(shard, key)
        try:
            _compile(emitted, private, key, command, flags, root)
            if os.path.lexists(entry) and not sound(entry, key):
                discard(entry, key)
            try:
                private.rename(entry)   # publish: atomic, and refused if another process won
                private = None
            except OSError:
                if not sound(entry, key):
                    raise
        finally:
            if private is not None:
                shutil.rmtree(private, ignore_errors=True)
        seconds = time.perf_counter() - started
    if sanitize and not _sanitizer_loaded():
        # Loading it here would abort the process: ASan must be the first library loaded.
        raise BuildError(f"the sanitized module is built ({entry}) but loads only in a process started with "
                         f"LD_PRELOAD='{sanitizer_runtime()}' ASAN_OPTIONS=detect_leaks=0")
    module = _load(entry, name)
    return Built(lib=module.lib, ffi=module.ffi, key=key, folder=entry, flags=(*COMMON, *flags),
                 compiler=compiler_identity(command), seconds=seconds)
