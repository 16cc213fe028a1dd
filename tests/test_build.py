"""Build: the disk cache (hits, damage, concurrency, trust, leftovers, read-only use), compiler errors,
and sanitizers."""

import dataclasses
import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import symnet as sn
from symnet.build import BuildError, CacheError, build, cache_key, cache_root, load_declared, sanitizer_runtime
from symnet.cache import sound
from symnet.emit import emit
from symnet.files import stamp
from symnet.zoo import four_pixel
from helpers import random_batch
from test_files import dead_pid

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_prebuilt(monkeypatch):
    """These tests look at the runtime in the cache: the package's prebuilt one (if the install
    built it, symnet/prebuilt.py) is ignored, here and in the processes they start."""
    monkeypatch.setenv("SYMNET_PREBUILT", "0")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def tiny(units: int = 3):
    return sn.Sequential(sn.Input(4), sn.Dense(units), sn.Tanh(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())


def test_second_build_is_a_cache_hit(cache):
    emitted = emit(tiny(), "float64", 4)
    first = build(emitted)
    second = build(emitted)
    assert first.seconds > 0 and second.seconds == 0
    assert first.folder == second.folder and first.folder.parent.parent == cache == cache_root()
    assert (first.folder / "model.c").read_text() == emitted.source
    manifest = json.loads((first.folder / "manifest.json").read_text())
    assert manifest["key"] == first.key and "-O3" in manifest["flags"]


def test_the_key_changes_with_the_source_and_flags(cache):
    a, b = emit(tiny(3), "float64", 4), emit(tiny(5), "float64", 4)
    assert build(a).key == cache_key(a) != cache_key(b)
    assert cache_key(a) != cache_key(a, sanitize=True)   # (a sanitized module loads only under ASan)


def test_the_key_includes_the_compiler_command(cache, monkeypatch):
    emitted = emit(tiny(4), "float64", 4)
    plain = cache_key(emitted)
    monkeypatch.setenv("CC", "cc -fno-inline")
    assert cache_key(emitted) != plain


def test_a_damaged_entry_is_rebuilt(cache):
    # Build and rebuild in other processes: overwriting a module mapped into this one
    # would crash it, which is exactly why the cache only ever renames and unlinks.
    code = textwrap.dedent("""
        import symnet as sn
        from symnet.emit import emit
        from symnet.build import build
        model = sn.Sequential(sn.Input(4), sn.Dense(6), sn.Tanh(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
        built = build(emit(model, "float64", 4))
        print(built.seconds > 0, built.folder)
    """)
    env = {**os.environ, "SYMNET_CACHE": str(cache)}

    def run():
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
        assert result.returncode == 0, result.stderr
        compiled, folder = result.stdout.split()
        return compiled == "True", Path(folder)

    assert run()[0]                                   # first build compiles
    compiled, entry = run()
    assert not compiled                               # then it is a cache hit
    module = next(entry.glob("_symnet_*.so"))
    module.write_bytes(b"not a shared object")
    compiled, again = run()
    assert compiled and again == entry                # damage detected: rebuilt in place
    assert module.read_bytes()[:4] == b"\x7fELF"


def test_concurrent_compiles_of_one_model_all_succeed(cache):
    code = textwrap.dedent("""
        import numpy as np, symnet as sn
        model = sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(3, 3), sn.ReLU(), sn.MaxPool(2), sn.Flatten(),
                              sn.Dense(4), loss=sn.SoftmaxCrossEntropy(), name="race")
        net = sn.compile(model, batch=4, dtype="float64")
        print(sn.check(model, dtype="float64", batch=4, net=net).ok)
    """)
    env = {**os.environ, "SYMNET_CACHE": str(cache)}
    workers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=ROOT, env=env) for _ in range(4)]
    results = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4, [err for _, err in results]
    assert all(out.strip() == "True" for out, _ in results)
    entries = [path for path in cache.glob("*/*") if path.is_dir()]
    kinds = sorted(path.parent.name if path.parent.name in ("runtime", "wrapper") else "model" for path in entries)
    assert kinds == ["model", "runtime", "wrapper"]   # one model, one runtime, one wrapper
    assert not [path for path in entries if path.name.startswith(".")]
    assert not [path for path in cache.glob("*/.*")]   # no private folders left behind


def test_a_missing_compiler_is_named(cache, monkeypatch):
    from symnet.compiler import _compiler_version

    _compiler_version.cache_clear()
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(BuildError, match="no C compiler found"):
        build(emit(tiny(7), "float64", 4))
    _compiler_version.cache_clear()


def test_a_compile_error_names_the_generated_file(cache):
    emitted = emit(tiny(8), "float64", 4)
    emitted.source = emitted.source.replace("typedef double real;", "typedef double real")
    with pytest.raises(BuildError, match=r"compiling the generated C failed \((.*)\)") as error:
        build(emitted)
    # Kept in the cache's own folder, not under a name others can guess in /tmp.
    saved = cache / "failed" / f"{cache_key(emitted)}.c"
    assert f"({saved})" in str(error.value)
    assert saved.read_text() == emitted.source
    assert stat.S_IMODE(saved.parent.lstat().st_mode) == 0o700
    # the model's private folder is removed (the runtime's compile may still be running beside it)
    assert not [path for path in cache.glob("[0-9a-f][0-9a-f]/.*")]


def test_a_compile_error_keeps_its_message_when_its_c_cannot_be_kept(cache, monkeypatch):
    """The compiler's message survives a failure to keep the C (the except clause once reused
    the compiler's error's name, which Python unbinds when the clause ends: UnboundLocalError)."""
    from symnet import runtime

    def refuse(root, key, code):
        raise PermissionError(13, "Permission denied", str(root / "failed"))

    monkeypatch.setattr(runtime, "keep_failed", refuse)
    emitted = emit(tiny(10), "float64", 4)
    emitted.source = emitted.source.replace("typedef double real;", "typedef double real")
    with pytest.raises(BuildError, match=r"\(the C could not be kept: .*Permission denied") as error:
        build(emitted)
    assert "model.c" in str(error.value) and "error:" in str(error.value)   # the compiler's own words


def test_a_sanitized_build_in_a_plain_process_says_how_to_run_it(cache):
    with pytest.raises(BuildError, match="loads only in a process started with LD_PRELOAD="):
        build(emit(tiny(9), "float64", 4), sanitize=True)


def test_a_model_under_address_sanitizer(cache):
    preload = sanitizer_runtime()
    if not all(os.path.isabs(path) for path in preload.split()):
        pytest.skip("the compiler has no AddressSanitizer runtime")
    code = textwrap.dedent("""
        import numpy as np, symnet as sn
        model = sn.Sequential(sn.Input(2, 9, 9), sn.Conv2D(3, 3, stride=2, padding=2), sn.ReLU(),
                              sn.MaxPool(3, stride=2, ceil_mode=True), sn.AvgPool(2, stride=1), sn.Flatten(),
                              sn.Dense(3), sn.Sigmoid(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
        net = sn.compile(model, batch=5, dtype="float64", sanitize=True)
        assert "-fsanitize=address,undefined" in net.flags
        report = sn.check(model, dtype="float64", batch=5, net=net)
        net.fit(np.zeros((11, 2, 9, 9)), np.arange(11) % 3, epochs=2, batch_size=4, progress=False)
        print(report.ok)
    """)
    env = {**os.environ, "SYMNET_CACHE": str(cache), "LD_PRELOAD": preload,
           "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1", "UBSAN_OPTIONS": "halt_on_error=1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("True")


def test_a_declared_model_loads_without_deriving_or_emitting(cache):
    model = tiny(10)
    first = sn.compile(model, batch=4)
    assert first._emitted                  # built: it had to emit
    again = sn.compile(tiny(10), batch=4)
    assert not again._emitted and again.built.folder == first.built.folder
    assert again.source == first.source                # read back from the cache entry
    assert again.built.seconds == 0
    other = sn.compile(tiny(10), batch=5)              # another batch is another declaration
    assert other.built.folder != first.built.folder


# The cache's trust checks, housekeeping, and use when it cannot be written.

@pytest.fixture(scope="module")
def built_cache(tmp_path_factory):
    """A cache holding one compiled model and its declaration record: made once, copied per test."""
    folder = tmp_path_factory.mktemp("built") / "cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYMNET_CACHE", str(folder))
        patch.setenv("SYMNET_PREBUILT", "0")
        sn.compile(tiny(12), batch=4)
    return folder


@pytest.fixture
def warm(built_cache, cache):
    shutil.copytree(built_cache, cache, symlinks=True)   # modes copied too
    return cache


def _entry(cache: Path) -> Path:
    return next(path for path in cache.glob("??/*") if path.is_dir())


def _parts(cache: Path) -> dict:
    entry = _entry(cache)
    return {"root": cache, "shard": entry.parent, "entry": entry, "declared": cache / "declared",
            "record": next((cache / "declared").iterdir()), "manifest": entry / "manifest.json",
            "module": next(entry.glob("_symnet_*.so")), "runtimes": cache / "runtime",
            "runtime": next((cache / "runtime").iterdir()), "library": next((cache / "runtime").glob("*/*.so"))}


def _writable_by(bits):
    def spoil(path):
        os.chmod(path, stat.S_IMODE(path.lstat().st_mode) | bits)
        return "is writable by group or others", "chmod -R go-w"
    return spoil


def _foreign(path):
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    os.lchown(path, 4242, 4242)
    return "belongs to user id 4242", "chown"


def _linked(path):
    real = path.with_name(path.name + ".real")
    path.rename(real)
    path.symlink_to(real)
    return "is a symbolic link", "Remove"


SPOILS = [("root", _writable_by(0o020)), ("root", _linked), ("shard", _writable_by(0o002)), ("shard", _linked),
          ("entry", _writable_by(0o020)), ("entry", _foreign), ("declared", _writable_by(0o020)),
          ("record", _writable_by(0o002)), ("manifest", _writable_by(0o002)), ("module", _writable_by(0o020)),
          ("module", _foreign), ("module", _linked), ("runtimes", _writable_by(0o020)), ("runtime", _foreign),
          ("runtime", _linked), ("library", _writable_by(0o002)), ("library", _linked)]


@pytest.mark.parametrize("part, spoil", SPOILS, ids=[f"{part}-{spoil.__name__}" for part, spoil in SPOILS])
def test_a_cache_others_could_write_is_refused(warm, part, spoil):
    path = _parts(warm)[part]
    problem, fix = spoil(path)
    # What someone else could do there is plant a module (and a manifest to match) for symnet to load.
    with pytest.raises(CacheError) as refused:
        sn.compile(tiny(12), batch=4)
    message = str(refused.value)
    assert isinstance(refused.value, ValueError)
    assert f"{path} {problem}" in message and "SYMNET_CACHE" in message and fix in message
    if part not in ("declared", "record"):             # build alone, without the declaration index
        with pytest.raises(CacheError, match="SYMNET_CACHE"):
            build(emit(tiny(12), "float32", 4))


def test_a_sound_cache_is_used_as_it_is(warm):
    net = sn.compile(tiny(12), batch=4)
    assert not net._emitted and net.built.folder == _entry(warm)


def test_cache_folders_are_private_whatever_the_umask(cache):
    previous = os.umask(0o002)   # a shared group's umask: folders would be made 0o775, files 0o664
    try:
        net = sn.compile(tiny(11), batch=4)
    finally:
        os.umask(previous)
    folders = [cache, cache / "declared", net.built.folder.parent, net.built.folder]
    assert [oct(stat.S_IMODE(path.lstat().st_mode)) for path in folders] == [oct(0o700)] * 4
    for path in [*net.built.folder.iterdir(), *(cache / "declared").iterdir()]:
        assert not stat.S_IMODE(path.lstat().st_mode) & 0o022, path
    again = sn.compile(tiny(11), batch=4)                 # and symnet trusts what it made
    assert not again._emitted and again.built.folder == net.built.folder


def test_records_cannot_point_outside_the_cache(warm):
    parts = _parts(warm)
    # The declaration record names an entry by key; anything but a key is ignored, even
    # where a sound entry waits at the path it would lead to.
    outside = warm.parent / "planted"
    shutil.copytree(parts["entry"], outside)
    manifest = json.loads((outside / "manifest.json").read_text())
    (outside / "manifest.json").write_text(json.dumps({**manifest, "key": "./../planted"}))
    assert sound(outside, "./../planted")
    declared = parts["record"].name
    parts["record"].write_text("./../planted")
    assert load_declared(declared) is None
    # The manifest names the module in the entry; a path to a module elsewhere is not followed.
    planted = warm.parent / "planted.so"
    shutil.copy(parts["module"], planted)
    manifest = json.loads(parts["manifest"].read_text())
    parts["manifest"].write_text(json.dumps({**manifest, "module": str(planted)}))
    assert not sound(parts["entry"], parts["entry"].name)


def test_a_read_only_cache_with_the_entry_still_loads(warm, monkeypatch):
    shutil.rmtree(warm / "declared")   # the entry is there; the declaration index must be written anew
    # Tests may run as root, which writes through permission bits (chmod a-w would stop
    # nothing), and mounting a read-only file system needs privileges: so here, making a
    # file or folder and renaming one fail as they would on a read-only file system.
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EROFS, "Read-only file system")

    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
            refuse()
        return real_open(path, flags, *args, **kwargs)

    with monkeypatch.context() as patch:
        for name in ("mkdir", "rename", "replace", "link", "symlink"):
            patch.setattr(os, name, refuse)
        patch.setattr(os, "open", read_only_open)
        with pytest.raises(PermissionError):          # the simulation bites: nothing new can be built
            build(emit(tiny(14), "float64", 4))
        net = sn.compile(tiny(12), batch=4)
    assert net.built.seconds == 0 and net.built.folder == _entry(warm)
    assert not (warm / "declared").exists()


def test_folders_of_killed_compiles_are_removed_by_the_next_compile(cache):
    emitted = emit(tiny(13), "float64", 4)
    key = cache_key(emitted)
    shard = cache / key[:2]
    shard.mkdir(parents=True)
    here, dead, hours_ago = stamp().split("@")[1], dead_pid(), time.time() - 2 * 3600
    planted = {
        "killed": f".{key[:12]}-{dead}@{here}-k1ll3d",
        "live": f".{key[:12]}-{os.getpid()}@{here}-l1v3",
        "elsewhere, old": f".{key[:12]}-{dead}@00000000-0ld",
        "elsewhere, recent": f".{key[:12]}-{dead}@00000000-n3w",
        "unstamped, old": f".{'0' * 12}-q9w8e7r6",
        "unstamped, recent": f".{'1' * 12}-k3j4h5g6",
    }
    for name in planted.values():
        (shard / name).mkdir()
        (shard / name / "model.c").write_text("/* half written */")
    for what in ("elsewhere, old", "unstamped, old"):
        os.utime(shard / planted[what], (hours_ago, hours_ago))
    built = build(emitted)
    assert built.seconds > 0
    left = {path.name for path in shard.iterdir()}
    assert {what for what, name in planted.items() if name not in left} == {"killed", "elsewhere, old",
                                                                          "unstamped, old"}
    assert left - set(planted.values()) == {key}


def test_failed_sources_are_kept_in_the_cache_and_bounded(cache):
    from symnet.cache import KEEP_FAILED, keep_failed, make_folder

    folder = make_folder(make_folder(cache) / "failed")
    old = time.time() - 3600
    for index in range(KEEP_FAILED + 5):
        path = folder / f"{index:064x}.c"
        path.write_text("/* an older failure */")
        os.utime(path, (old + index, old + index))
    victim = cache.parent / "victim.txt"
    victim.write_text("precious")
    (folder / f"{'f' * 64}.c").symlink_to(victim)     # a link is never written through
    with pytest.raises(ValueError, match="symbolic link"):
        keep_failed(cache, "f" * 64, "int main;")
    assert victim.read_text() == "precious"
    saved = keep_failed(cache, "e" * 64, "int main;")
    assert saved == folder / f"{'e' * 64}.c" and saved.read_text() == "int main;"
    kept = sorted(path.name for path in folder.glob("*.c") if not path.is_symlink())
    assert len(kept) == KEEP_FAILED and saved.name in kept
    assert f"{0:064x}.c" not in kept and f"{KEEP_FAILED + 4:064x}.c" in kept   # the oldest went first


PARTED = {
    # a convolution's im2col (forward part) called from the backward part, and its col2im
    "conv": lambda: sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(3, 3), sn.ReLU(), sn.Conv2D(4, 3), sn.ReLU(),
                                  sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy()),
    # with plain gradient descent on two threads, the first dense layer's forward by rows (forward
    # part) called from the step's parallel region (calls part)
    "dense": lambda: sn.Sequential(sn.Input(20), sn.Dense(16), sn.Sigmoid(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy()),
}


@pytest.mark.parametrize("optimizer", [sn.SGD(lr=0.1), sn.AdamW(lr=0.01)], ids=["sgd", "adamw"])
@pytest.mark.parametrize("kind", PARTED)
def test_a_model_compiled_in_parts_trains_as_compiled_whole(cache, monkeypatch, kind, optimizer):
    """The parts a model's C is compiled in (model.c.j2: the backward's, the forward's and the
    calls', the last at CALLS_PART's flags) are a build detail: the same C compiled as one unit
    trains on two threads to the same weights. The update, the loss and the sum of the shares'
    gradients are each defined in one part and called from another."""
    from symnet import run

    model = PARTED[kind]()
    x, y = random_batch(model, 96, seed=1)

    def trained():
        net = sn.compile(model, batch=32, threads=2, optimizer=optimizer, params=model.init_params(0))
        net.thread_policy = "all"
        net.fit(x, y, epochs=2, batch_size=32, shuffle=False, progress=False)
        return net

    parted = trained()
    assert parted.emitted.parts == 3
    emitted = run.emit
    monkeypatch.setattr(run, "emit", lambda *args, **kwargs: dataclasses.replace(emitted(*args, **kwargs), parts=1))
    monkeypatch.setattr(run, "load_declared", lambda *args, **kwargs: None)
    whole = trained()
    assert whole.built.key != parted.built.key
    for name, value in parted.params.items():
        np.testing.assert_allclose(whole.params[name], value, rtol=1e-5, atol=1e-6, err_msg=name)
    first = f"{model.layers[0].name}.weight"
    assert not np.allclose(parted.params[first], model.init_params(0)[first])   # it did train
