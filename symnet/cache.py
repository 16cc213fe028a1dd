"""The build cache on disk: where it is, whether it can be trusted, and its housekeeping.

symnet loads the modules it finds in the cache, so anyone who can write there can make
it run their code. Every folder symnet makes in the cache is made with mode 0o700
whatever the umask, and every folder and file it reads on the way to a module (the root,
the key's shard folder, the ``declared/`` index, the entry, its manifest and module) is
checked first with one ``os.lstat`` each: it must be ours, not writable by group or
others, and not a symbolic link. Anything else is refused with a :class:`CacheError`
that says how to fix it.

Layout::

    <root>/<key[:2]>/<key>/           an entry: model.c, the cffi wrapper, the module, manifest.json
    <root>/<key[:2]>/.<key[:12]>-…    a compile in progress (stamped with its process)
    <root>/declared/<declaration key>  the key a declaration compiles to
    <root>/runtime/<key>/              a shared runtime: runtime.c, its library, manifest.json
    <root>/runtime/.<key[:12]>-…       a runtime's compile in progress
    <root>/wrapper/<key>/              cffi's wrapper of a cdef: wrapper.c, wrapper.o, manifest.json
    <root>/failed/<key>.c              the C of the newest failed compiles
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from .files import STAMP, abandoned, kind, matching, stamp, write_atomically

KEY = re.compile(r"[0-9a-f]{64}")
# A private build folder: ".<key[:12]>-<pid>@<tag>-<random>"; older symnets left the stamp out.
PRIVATE = re.compile(r"\.[0-9a-f]{12}-(?:" + STAMP + r"-)?.+")
FAILED = re.compile(r"[0-9a-f]{64}\.c")
KEEP_FAILED = 20   # failed sources kept, newest first


class CacheError(ValueError):
    """The build cache is not safe to use: someone else could change what symnet loads from it."""


def cache_root() -> Path:
    """``$SYMNET_CACHE``, else the user cache folder (``~/.cache/symnet``)."""
    if os.environ.get("SYMNET_CACHE"):
        return Path(os.environ["SYMNET_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "symnet"


def _refuse(path: Path, problem: str, fix: str) -> CacheError:
    return CacheError(f"refusing to use the build cache {cache_root()} (SYMNET_CACHE): {path} {problem}, so "
                      f"another user could make symnet load their code. {fix}, or set SYMNET_CACHE to a "
                      f"folder that only you can write")


def trusted(path: Path, folder: bool) -> bool:
    """Whether ``path`` is there: a folder (``folder=True``) or a regular file, ours, and not
    writable by group or others. False if it is missing; :class:`CacheError` if it is anything else."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    found = flaw(path, info, folder, (os.geteuid(),))
    if found is not None:
        raise _refuse(path, *found)
    return True


def flaw(path: Path, info: os.stat_result, folder: bool, owners: tuple[int, ...]) -> tuple[str, str] | None:
    """What makes ``path`` (``info``, its lstat) untrustworthy, and what to do about it; None
    if it is a folder (``folder=True``) or a regular file, owned by one of ``owners``, and not
    writable by group or others. :func:`trusted` refuses the cache's entries by it, and
    :mod:`symnet.prebuilt` ignores the package's prebuilt ones by it."""
    wanted = "folder" if folder else "regular file"
    if not (stat.S_ISDIR if folder else stat.S_ISREG)(info.st_mode):
        return f"is a {kind(info.st_mode)}, not a {wanted}", f"Remove {path}"
    if info.st_uid not in owners:
        return (f"belongs to user id {info.st_uid}, not to you (user id {os.geteuid()})",
                f"Remove {path}, or give it to yourself (chown)")
    if info.st_mode & 0o022:
        return (f"is writable by group or others (mode {stat.S_IMODE(info.st_mode):o})",
                f"Run chmod -R go-w '{cache_root()}'")
    return None


def make_folder(path: Path) -> Path:
    """``path``, a trusted folder: made with mode 0o700 (whatever the umask) if missing."""
    if trusted(path, folder=True):
        return path
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass   # another process made it meanwhile: checked below like any other
    else:
        os.chmod(path, 0o700)   # the umask may have taken bits away; make the mode exact
    if not trusted(path, folder=True):
        raise FileNotFoundError(f"{path}: removed while symnet was creating it")
    return path


def open_root(create: bool = True) -> Path | None:
    """The cache root, checked; made if missing and ``create``, else None if missing."""
    root = cache_root()
    if trusted(root, folder=True):
        return root
    if not create:
        return None
    os.makedirs(root.parent, mode=0o700, exist_ok=True)
    return make_folder(root)


def file_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sound(entry: Path, key: str) -> bool:
    """True if ``entry`` holds a module whose bytes match its manifest; False if it is missing
    or damaged; :class:`CacheError` if it, its manifest or its module is not trusted."""
    manifest_path = entry / "manifest.json"
    if not trusted(entry, folder=True) or not trusted(manifest_path, folder=False):
        return False
    try:
        manifest = json.loads(manifest_path.read_text())
        name = manifest["module"]
        # A bare file name: a path in the manifest would make symnet load a file outside the entry.
        if not isinstance(name, str) or name in ("", ".", "..") or Path(name).name != name:
            return False
        module = entry / name
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not trusted(module, folder=False):
        return False
    try:
        return manifest["key"] == key and file_digest(module) == manifest["sha256"]
    except (OSError, KeyError):
        return False


def seal(folder: Path) -> None:
    """Take every permission but the owner's from the files in ``folder`` (what the compiler
    and cffi write follows the umask, and :func:`sound` refuses group-writable files)."""
    for path in folder.iterdir():
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)


def private_folder(shard: Path, key: str) -> Path:
    """A new folder in ``shard``, stamped with this process, in which to build ``key``'s entry."""
    folder = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-{stamp()}-", dir=shard))
    os.chmod(folder, 0o700)
    return folder


def publish(shard: Path, key: str, make) -> bool:
    """Make ``key``'s entry in ``shard`` unless a sound one is there: ``make(folder)`` fills a
    private folder, which is then renamed into place in one atomic step, so processes making
    the same entry at once all succeed and a killed one leaves no entry behind. True if this
    call made the entry."""
    entry = shard / key
    if sound(entry, key):
        return False
    remove_abandoned(shard)
    private = private_folder(shard, key)
    try:
        make(private)
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
    return True


def discard(entry: Path, key: str) -> None:
    """Remove a damaged entry: renamed aside first (atomically), so no reader sees it half removed."""
    aside = entry.with_name(f".{key[:12]}-{stamp()}-damaged{time.monotonic_ns()}")
    try:
        entry.rename(aside)
    except FileNotFoundError:
        return   # another process removed it first
    shutil.rmtree(aside, ignore_errors=True)


def remove_abandoned(shard: Path) -> None:
    """Remove the private folders that killed compiles left in ``shard``: those whose process
    is gone, and those stamped elsewhere (or not at all) that are over an hour old. A live
    process's folder is left alone."""
    for item, match, info in matching(shard, PRIVATE, stat.S_ISDIR):
        pid = int(match["pid"]) if match["pid"] else None
        if abandoned(pid, match["tag"], info.st_mtime):
            shutil.rmtree(item.path, ignore_errors=True)


def keep_failed(root: Path, key: str, source: str) -> Path:
    """Store the C of a failed compile as ``<root>/failed/<key>.c``, keep the newest
    KEEP_FAILED such files, and return its path."""
    folder = make_folder(root / "failed")
    path = folder / f"{key}.c"
    write_atomically(path, lambda file: file.write(source.encode()), mode=0o600)
    kept = [(info.st_mtime_ns, item.path) for item, _, info in matching(folder, FAILED, stat.S_ISREG)]
    for _, old in sorted(kept, reverse=True)[KEEP_FAILED:]:
        try:
            os.unlink(old)
        except OSError:
            pass   # removed by another process meanwhile
    return path
