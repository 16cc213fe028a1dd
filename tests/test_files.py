"""Writing files: atomic replacement of regular files only, modes kept, leftovers cleaned."""

import os
import socket
import stat
import subprocess
import time

import pytest

from symnet.files import abandoned, stamp, write_atomically
from symnet.saving import write_atomically as saving_write_atomically


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped, so (for the moment) of none."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def tag() -> str:
    return stamp().split("@")[1]


def text(data: str):
    return lambda file: file.write(data.encode())


@pytest.fixture
def umask():
    """Lets a test set the process's umask; restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(previous)


def test_saving_offers_the_same_function():
    assert saving_write_atomically is write_atomically   # symnet.cli and symnet.bench import it from there


def test_a_file_is_replaced_whole_and_keeps_its_mode(tmp_path):
    path = tmp_path / "net.npz"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_atomically(path, text("new"))
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640   # not mkstemp's 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]


def test_a_new_file_gets_the_umask_mode(tmp_path, umask):
    umask(0o027)
    write_atomically(tmp_path / "a.json", text("{}"))
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o640
    umask(0o002)
    write_atomically(tmp_path / "b.json", text("{}"))
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o664
    write_atomically(tmp_path / "c.json", text("{}"), mode=0o600)   # an explicit mode, whatever the umask
    assert stat.S_IMODE((tmp_path / "c.json").stat().st_mode) == 0o600


def test_a_relative_path_is_written_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_atomically("plain.txt", text("x"))
    assert (tmp_path / "plain.txt").read_text() == "x"


def _symlink(path):
    target = path.parent / "target.txt"
    target.write_text("precious")
    path.symlink_to(target)
    return "symbolic link"


def _folder(path):
    path.mkdir()
    return "folder"


def _fifo(path):
    os.mkfifo(path)
    return "named pipe"


def _socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return "socket"


def _device(path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))   # what /dev/null is
    return "character device"


@pytest.mark.parametrize("make", [_symlink, _folder, _fifo, _socket, _device])
def test_only_a_regular_file_is_replaced(tmp_path, make):
    path = tmp_path / "out"
    what = make(path)
    before = os.lstat(path)
    with pytest.raises(ValueError, match=f"{path}: is a {what}"):
        write_atomically(path, text("new"))
    after = os.lstat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)   # still the very same node
    if what == "symbolic link":
        assert (tmp_path / "target.txt").read_text() == "precious"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "net.npz"
    path.write_text("old")

    def broken(file):
        file.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, broken)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]


def test_the_temporary_is_named_for_its_process(tmp_path):
    seen = []
    write_atomically(tmp_path / "net.npz", lambda file: seen.extend(p.name for p in tmp_path.iterdir()))
    assert len(seen) == 1 and seen[0].startswith(f".net.npz.{os.getpid()}@{tag()}.") and seen[0].endswith(".tmp")


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    dead, hour_ago = dead_pid(), time.time() - 2 * 3600
    planted = {
        "dead": f".net.npz.{dead}@{tag()}.0badf00d.tmp",
        "live": f".net.npz.{os.getpid()}@{tag()}.1badf00d.tmp",
        "elsewhere, old": f".net.npz.{os.getpid()}@00000000.2badf00d.tmp",
        "elsewhere, recent": f".net.npz.{dead}@00000000.3badf00d.tmp",
        "another target's": f".other.npz.{dead}@{tag()}.4badf00d.tmp",
        "not a temporary": f".net.npz.{dead}@{tag()}.keep",
    }
    for name in planted.values():
        (tmp_path / name).write_text("left over")
    os.utime(tmp_path / planted["elsewhere, old"], (hour_ago, hour_ago))
    write_atomically(tmp_path / "net.npz", text("new"))
    left = {p.name for p in tmp_path.iterdir()}
    removed = {what for what, name in planted.items() if name not in left}
    assert removed == {"dead", "elsewhere, old"}
    assert (tmp_path / "net.npz").read_text() == "new"


def test_abandoned_work():
    dead = dead_pid()
    assert abandoned(dead, tag(), time.time())
    assert not abandoned(os.getpid(), tag(), time.time() - 10 * 3600)   # a live process's work is never abandoned
    assert not abandoned(dead, "00000000", time.time())                 # a pid from elsewhere says nothing
    assert abandoned(dead, "00000000", time.time() - 2 * 3600)
    assert abandoned(None, None, time.time() - 2 * 3600) and not abandoned(None, None, time.time())


def test_a_write_that_need_not_be_durable_skips_the_fsyncs(tmp_path, monkeypatch):
    import symnet.files as files_module

    synced = []
    monkeypatch.setattr(files_module.os, "fsync", synced.append)
    target = tmp_path / "cached.bin"
    files_module.write_atomically(target, lambda file: file.write(b"abc"), mode=0o600, durable=False)
    assert target.read_bytes() == b"abc" and stat.S_IMODE(target.stat().st_mode) == 0o600 and synced == []
    files_module.write_atomically(target, lambda file: file.write(b"def"))
    assert target.read_bytes() == b"def" and len(synced) == 2   # the file, then its folder
    assert [path.name for path in tmp_path.iterdir()] == ["cached.bin"]
