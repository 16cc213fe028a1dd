"""The runtime built at install time (symnet/prebuilt.py): used when it is exactly the runtime
symnet would build now and its bytes are its manifest's; otherwise ignored, and the runtime is
built into the cache as without it."""

import hashlib
import json
import os
import shutil

import numpy as np
import pytest

import symnet as sn
import symnet.compiler as compiler
import symnet.prebuilt as prebuilt
import symnet.runtime as runtime
import symnet.wrapper as wrapper
from symnet.compiler import build_flags, compiler_command


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The float64 runtime built as setup.py builds it, once; copied for each test."""
    folder = tmp_path_factory.mktemp("prebuilt") / "runtimes"
    entries = prebuilt.build(folder, dtypes=("float64",))
    assert len(entries) == 3   # the runtime, and cffi's wrapper for each kind of target
    return entries[0]


@pytest.fixture
def package(installed, tmp_path, monkeypatch):
    """A package's runtimes folder holding the prebuilt float64 runtime, which symnet looks in."""
    folder = tmp_path / "runtimes"
    shutil.copytree(installed.parent, folder)
    runtime._pending.clear()   # as a new process finds them
    wrapper._pending.clear()
    monkeypatch.setattr(prebuilt, "FOLDER", folder)
    monkeypatch.delenv("SYMNET_PREBUILT", raising=False)
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    return folder / installed.name


def current_key(dtype="float64"):
    command = tuple(compiler_command())
    return runtime.runtime_key(runtime.sources(dtype), command, build_flags(command))


def model(units=4):
    return sn.Sequential(sn.Input(5), sn.Dense(units), sn.Tanh(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def assert_trains_as_the_reference(net, declared):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(6, 5)), rng.integers(0, 3, size=6)
    expected = sn.Reference(declared, params=net.params).gradients(x, y)
    for name, value in net.gradients(x, y).items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-10, atol=1e-12)


def cache_runtimes(tmp_path):
    folder = tmp_path / "cache" / "runtime"
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) if folder.is_dir() else []


def test_the_build_records_its_key_digest_and_processor(package):
    manifest = json.loads((package / "manifest.json").read_text())
    library = package / manifest["module"]
    assert package.name == manifest["key"] == current_key()
    assert manifest["sha256"] == hashlib.sha256(library.read_bytes()).hexdigest()
    assert manifest["processor"] == prebuilt.processor()
    assert manifest["flags"] == list(build_flags(tuple(compiler_command())))
    assert library.name == runtime.soname(manifest["key"]) and not list(package.glob("*.c"))
    assert prebuilt.find(manifest["key"]) == library


def test_a_matching_prebuilt_runtime_is_used_and_none_is_compiled(package, tmp_path):
    declared = model()
    net = sn.compile(declared, batch=4, dtype="float64")
    assert net.built.runtime == package.name
    assert cache_runtimes(tmp_path) == []   # nothing compiled into the cache for the runtime
    assert not (tmp_path / "cache" / "wrapper").exists()   # nor for cffi's wrapper
    assert json.loads((net.built.folder / "manifest.json").read_text())["wrapper"] in os.listdir(package.parent)
    assert json.loads((net.built.folder / "manifest.json").read_text())["runtime"] == package.name
    assert_trains_as_the_reference(net, declared)
    # a warm load finds the module's runtime in the package too
    assert runtime.load_recorded(tmp_path / "cache", package.name)
    assert not runtime.load_recorded(tmp_path / "cache", "0" * 64)


def test_a_prebuilt_runtime_of_other_flags_is_ignored(package, tmp_path, monkeypatch):
    other = tmp_path / "other"
    monkeypatch.setattr(compiler, "OPTIMIZED", (*compiler.OPTIMIZED, "-DSN_OTHER_FLAGS"))
    entry = prebuilt.build(other, dtypes=("float64",))[0]
    monkeypatch.undo()
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(prebuilt, "FOLDER", other)
    assert entry.name != current_key()
    declared = model(5)
    net = sn.compile(declared, batch=4, dtype="float64")
    assert net.built.runtime == current_key() and cache_runtimes(tmp_path) == [current_key()]
    assert_trains_as_the_reference(net, declared)


def _flip(entry):
    library = next(entry.glob("libsymnet-*.so"))
    data = bytearray(library.read_bytes())
    data[-100] ^= 0xFF   # same size, one byte changed
    library.write_bytes(bytes(data))


def _forge_manifest(field, value):
    def spoil(entry):
        path = entry / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest[field] = value
        path.write_text(json.dumps(manifest))
    return spoil


def _writable(entry):
    os.chmod(next(entry.glob("libsymnet-*.so")), 0o666)


def _linked(entry):
    library = next(entry.glob("libsymnet-*.so"))
    real = entry.parent / "elsewhere.so"
    library.rename(real)
    library.symlink_to(real)


SPOILS = {"tampered bytes": _flip, "other digest": _forge_manifest("sha256", "0" * 64),
          "other processor": _forge_manifest("processor", "another machine"),
          "other key": _forge_manifest("key", "1" * 64), "library outside": _forge_manifest("module", "../x.so"),
          "writable by others": _writable, "a link": _linked}


@pytest.mark.parametrize("spoil", SPOILS.values(), ids=SPOILS.keys())
def test_a_spoiled_prebuilt_runtime_is_ignored_and_the_cache_one_built(package, tmp_path, spoil):
    spoil(package)
    assert prebuilt.find(package.name) is None
    declared = model(6)
    net = sn.compile(declared, batch=4, dtype="float64")
    assert net.built.runtime == package.name and cache_runtimes(tmp_path) == [package.name]
    assert not net.built.folder.is_relative_to(package.parent)
    assert_trains_as_the_reference(net, declared)


def test_symnet_prebuilt_0_ignores_it(package, tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNET_PREBUILT", "0")
    assert prebuilt.find(package.name) is None
    sn.compile(model(7), batch=4, dtype="float64")
    assert cache_runtimes(tmp_path) == [package.name]


def test_a_prebuilt_runtime_spoiled_after_it_was_chosen_is_made_in_the_cache(package, tmp_path):
    pending = runtime.start("float64")
    _flip(package)
    made = pending.result()
    assert not made.prebuilt and made.folder == tmp_path / "cache" / "runtime" / package.name


def test_a_failed_install_time_build_raises_and_leaves_no_entry(installed, tmp_path, monkeypatch):
    shutil.copytree(installed.parent, tmp_path / "runtimes")   # an earlier build's, to be removed
    monkeypatch.setenv("CC", "/nonexistent/cc")
    compiler._compiler_version.cache_clear()
    try:
        with pytest.raises(compiler.BuildError, match="no C compiler found"):
            prebuilt.build(tmp_path / "runtimes")
    finally:
        compiler._compiler_version.cache_clear()
    assert list((tmp_path / "runtimes").iterdir()) == []
