"""The shared runtime (and cffi's wrappers) built at install time, into the package: used only
if it is exactly the one symnet would build now, on this machine, and its bytes are those its
manifest records.

:mod:`symnet.runtime` compiles the matrix multiply once per dtype, compiler and flags into the
build cache: about 1.0 s of compiler time at ``-O3``, which a new user's first ``sn.compile``
(an empty cache) would otherwise pay. ``pip install`` (editable or not) runs setup.py's build
step, which calls :func:`build` (by :func:`main`): both dtypes' runtimes,
compiled with symnet's own compiler command and flags, each in ``symnet/runtimes/<key>/`` with
its library and a manifest (the key, the library's SHA-256, the flags, the compiler and this
machine's processor); and, the same way, cffi's wrapper object for each dtype and kind of
target (:mod:`symnet.wrapper`), which a model's module is linked with. If that step fails (no compiler), the install goes on without it.

At run time :func:`find` offers the entry named by the key symnet computes now (source,
command, compiler identity, flags: :func:`symnet.runtime.runtime_key`), and only if the
entry, its manifest and its library pass the cache's checks (see :mod:`symnet.cache`: regular
files and folders, not links, not writable by group or others, owned by this user or by root,
who installs packages system-wide), the manifest's key is that key, the library's SHA-256 is
the manifest's, and the processor is this one (``-march=native`` code copied to another
machine could stop on an instruction it lacks). Anything else is ignored, never an error: the
runtime is then compiled into the cache as before. ``SYMNET_PREBUILT=0`` ignores it always.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "runtimes"
DTYPES = ("float32", "float64")


def enabled() -> bool:
    """Whether a prebuilt runtime may be used: unless ``SYMNET_PREBUILT=0``."""
    return os.environ.get("SYMNET_PREBUILT", "") != "0"


@functools.lru_cache(maxsize=1)
def processor() -> str:
    """What ``-march=native`` compiled for, as far as the code can tell: a hash of the
    architecture and of the first processor's vendor, family, model and feature flags."""
    fields = ("vendor_id", "cpu family", "model", "model name", "flags", "Features", "CPU implementer",
              "CPU part")
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as file:
            first = file.read().split("\n\n")[0]
    except OSError:
        first = platform.processor()
    kept = sorted(line.strip() for line in first.splitlines() if line.partition(":")[0].strip() in fields)
    return hashlib.sha256("\n".join([platform.machine(), *kept]).encode()).hexdigest()


def _trusted(path: Path, folder: bool) -> bool:
    """Whether ``path`` is a folder (or a regular file), not a link, owned by this user or
    root, and not writable by group or others. Never raises: anything else is not used."""
    from .cache import flaw

    try:
        return flaw(path, os.lstat(path), folder, (os.geteuid(), 0)) is None
    except (OSError, RuntimeError, KeyError):   # also the cache's path, which flaw's advice names,
        return False                            # where no home folder can be found


def find(key: str, folder: Path | None = None) -> Path | None:
    """The library of the prebuilt runtime with ``key``, if there is one that passes every
    check (see the module's docstring); else None."""
    from .cache import KEY, file_digest

    folder = FOLDER if folder is None else folder
    if not enabled() or not KEY.fullmatch(key):
        return None
    entry = folder / key
    manifest_path = entry / "manifest.json"
    if not (_trusted(folder, True) and _trusted(entry, True) and _trusted(manifest_path, False)):
        return None
    try:
        manifest = json.loads(manifest_path.read_text())
        name = manifest["module"]
        if (manifest["key"] != key or manifest["processor"] != processor() or not isinstance(name, str)
                or name in ("", ".", "..") or Path(name).name != name):
            return None
        library = entry / name
        if not _trusted(library, False) or file_digest(library) != manifest["sha256"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return library


def build(folder: Path, dtypes=DTYPES) -> list[Path]:
    """Compile the runtime of each of ``dtypes``, and cffi's wrapper for each of them and each
    kind of target (:mod:`symnet.wrapper`), into ``folder/<key>/`` with the compiler and flags
    symnet uses now, replacing what ``folder`` held; return the entries made. Raises
    BuildError if a compile fails."""
    from . import runtime, wrapper
    from .compiler import build_flags, compiler_command, wrapper_flags

    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)   # read by whoever uses the package, written by no one else
    for old in folder.iterdir():   # first: a build that fails leaves nothing stale behind
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    command = tuple(compiler_command())
    flags, wrapping = build_flags(command), wrapper_flags(command)
    jobs = []   # (key, compile into a folder)
    for dtype in dtypes:
        texts = runtime.sources(dtype)
        jobs.append((runtime.runtime_key(texts, command, flags), lambda private, key, texts=texts: runtime.compile_into(
            private, key, texts, command, flags, root=None, extra={"processor": processor()})))
        for target_type in wrapper.TARGETS:
            text = wrapper.cdef(dtype, target_type)
            jobs.append((wrapper.wrapper_key(text, command, wrapping), lambda private, key, text=text: wrapper.compile_into(
                private, key, text, command, wrapping, root=None, extra={"processor": processor()})))
    made = []
    for key, compile_into in jobs:
        private = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=folder))
        try:
            compile_into(private, key)
            for path in private.glob("*.c"):
                path.unlink()   # made from symnet's own templates; only the compiled file is needed
            os.chmod(private, 0o755)
            for path in private.iterdir():
                os.chmod(path, 0o644)
            private.rename(folder / key)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        made.append(folder / key)
    return made


def main(argv=None) -> int:
    """Build the runtimes into the folder the one argument names: setup.py's build step runs
    ``python -c "import sys; from symnet.prebuilt import main; sys.exit(main())" FOLDER``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: symnet.prebuilt.main(FOLDER)", file=sys.stderr)
        return 2
    for entry in build(Path(args[0])):
        print(f"symnet: built {entry}")
    return 0
