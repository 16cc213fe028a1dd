"""Build: the disk cache (hits, damage, concurrency), compiler errors, and sanitizers."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import symnet as sn
from symnet.build import BuildError, build, cache_key, cache_root, sanitizer_runtime
from symnet.emit import emit
from symnet.zoo import four_pixel

ROOT = Path(__file__).resolve().parent.parent


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
    assert len(entries) == 1 and not entries[0].name.startswith(".")
    assert not [path for path in cache.glob("*/.*")]   # no private folders left behind


def test_a_missing_compiler_is_named(cache, monkeypatch):
    from symnet.build import _compiler_version

    _compiler_version.cache_clear()
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(BuildError, match="no C compiler found"):
        build(emit(tiny(7), "float64", 4))
    _compiler_version.cache_clear()


def test_a_compile_error_names_the_generated_file(cache):
    emitted = emit(tiny(8), "float64", 4)
    emitted.source = emitted.source.replace("typedef double real;", "typedef double real")
    with pytest.raises(BuildError, match=r"compiling the generated C failed \(.*symnet-failed-.*\.c\)"):
        build(emitted)


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
    assert first._emitted is not None                  # built: it had to emit
    again = sn.compile(tiny(10), batch=4)
    assert again._emitted is None and again.built.folder == first.built.folder
    assert again.source == first.source                # read back from the cache entry
    assert again.built.seconds == 0
    other = sn.compile(tiny(10), batch=5)              # another batch is another declaration
    assert other.built.folder != first.built.folder


def test_gcc_alone_gets_its_own_flags(monkeypatch):
    import symnet.build as build_module

    versions = {("gcc",): "gcc (GCC) 13.2.1 20230801\nCopyright (C) 2023 Free Software Foundation, Inc.\n",
                ("clang",): "clang version 16.0.6\nTarget: x86_64-pc-linux-gnu\n"}
    monkeypatch.setattr(build_module, "_compiler_version", versions.__getitem__)
    assert build_module.build_flags(("gcc",)) == build_module.OPTIMIZED + build_module.GCC_OPTIMIZED
    assert build_module.build_flags(("clang",)) == build_module.OPTIMIZED
    assert build_module.build_flags(("gcc",), sanitize=True) == build_module.SANITIZED
