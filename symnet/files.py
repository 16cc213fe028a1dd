"""Writing files safely: atomic replacement, and temporary names that say whose they are.

A file is written under a temporary name beside its target and renamed into place, so a
reader sees the old file or the new one, never half of one. Each temporary name carries
a *stamp*: the writing process's pid and a tag for the machine and pid namespace it runs
in. A later writer on the same machine removes what a dead process left behind; it
never touches the work of a live one, and judges work from elsewhere (another host
sharing the folder, another container) by its age alone, since a pid means nothing
there.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
import socket
import stat
import time
from pathlib import Path

# Work stamped elsewhere is presumed abandoned once it is this old (seconds).
ABANDONED_AFTER = 3600.0

STAMP = r"(?P<pid>\d+)@(?P<tag>[0-9a-f]{8})"


@functools.lru_cache(maxsize=1)
def _host_tag() -> str:
    """Eight hex digits naming this machine and pid namespace."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino   # Linux: differs between containers
    except OSError:
        namespace = 0
    return hashlib.sha256(f"{socket.gethostname()}\0{namespace}".encode()).hexdigest()[:8]


def stamp() -> str:
    """``<pid>@<tag>``: names the current process, for the temporary things it creates."""
    return f"{os.getpid()}@{_host_tag()}"


def process_alive(pid: int) -> bool:
    """True unless no process ``pid`` exists (one we may not signal still counts as alive)."""
    if pid <= 0:
        return False   # os.kill would signal a process group, not a process
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def abandoned(pid: int | None, tag: str | None, mtime: float) -> bool:
    """True if work stamped ``pid@tag`` (None: not stamped), last changed at ``mtime``, is
    left over: its process is gone, or it is from elsewhere and older than ABANDONED_AFTER."""
    if pid is not None and tag == _host_tag():
        return not process_alive(pid)
    return time.time() - mtime > ABANDONED_AFTER


def kind(mode: int) -> str:
    """What ``mode`` (an ``st_mode``) says a path is, in words."""
    for test, name in ((stat.S_ISREG, "regular file"), (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "symbolic link"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def _temporaries(path: Path) -> re.Pattern:
    return re.compile(re.escape(f".{path.name}.") + STAMP + r"\.[0-9a-f]+\.tmp")


def matching(folder, pattern: re.Pattern, is_type) -> list[tuple[os.DirEntry, re.Match, os.stat_result]]:
    """The entries of ``folder`` whose whole name matches ``pattern`` and whose own type
    (links not followed) passes ``is_type`` (``stat.S_ISREG``, ``stat.S_ISDIR``), with the
    match and the lstat. An entry that vanishes meanwhile is left out; a folder that cannot
    be listed raises OSError."""
    with os.scandir(folder) as found:
        entries = list(found)
    chosen = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue   # removed by another process meanwhile
        if is_type(info.st_mode):
            chosen.append((entry, match, info))
    return chosen


def remove_abandoned_temporaries(path) -> None:
    """Remove the temporary files that killed writers of ``path`` left beside it."""
    path = Path(path)
    try:
        found = matching(path.parent, _temporaries(path), stat.S_ISREG)
    except OSError:
        return
    for entry, match, info in found:
        if abandoned(int(match["pid"]), match["tag"], info.st_mtime):
            try:
                os.unlink(entry.path)
            except OSError:
                pass   # gone already (another writer cleaned it), or not ours to remove


def write_atomically(path, write, *, mode: int | None = None, durable: bool = True) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it into place.

    Only a regular file is replaced: a symbolic link, folder, device, FIFO or socket at
    ``path`` raises ValueError. The new file gets ``mode`` if given, else the permission
    bits of the file it replaces, else ``0o666`` less the umask, as a new file would. The
    data is flushed to disk before the rename (unless ``durable=False``: for a cache whose
    reader checks what it reads, where two fsyncs would cost more than the file saves); on
    any failure the temporary is removed and ``path`` is left as it was.
    """
    path = Path(path)
    folder = path.parent
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # Renaming over it would replace the link or node itself, not write where it points.
        raise ValueError(f"{path}: is a {kind(existing.st_mode)}, not a regular file; refusing to replace it")
    if mode is None and existing is not None:
        mode = stat.S_IMODE(existing.st_mode)
    remove_abandoned_temporaries(path)
    for _ in range(100):
        temporary = folder / f".{path.name}.{stamp()}.{secrets.token_hex(4)}.tmp"
        try:
            # Created by us alone (O_EXCL) and never through a link; the kernel applies the umask to 0o666.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"{folder}: no free temporary name for {path.name}")
    try:
        with os.fdopen(handle, "wb") as file:
            if mode is not None:
                os.fchmod(file.fileno(), mode)
            write(file)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for the renamed file, so the rename itself survives a crash."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass   # some file systems do not sync folders
    finally:
        os.close(handle)
