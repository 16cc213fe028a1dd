"""The shared runtime: one per dtype, compiler and flags, shared by models, keyed, checked, rebuilt when damaged."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import symnet as sn
import symnet.runtime as runtime
from symnet.build import BuildError, build
from symnet.cache import sound
from symnet.compiler import build_flags, compiler_command
from symnet.emit import emit


@pytest.fixture(autouse=True)
def no_prebuilt(monkeypatch):
    """These tests look at the runtime in the cache: the package's prebuilt one (if the install
    built it, symnet/prebuilt.py) is ignored, here and in the processes they start."""
    monkeypatch.setenv("SYMNET_PREBUILT", "0")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def dense(units: int):
    return sn.Sequential(sn.Input(5), sn.Dense(units), sn.Sigmoid(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def runtimes(cache):
    return sorted(path.name for path in (cache / "runtime").iterdir())


def assert_matches_reference(net, model):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(7, 5)), rng.integers(0, 3, size=7)
    expected = sn.Reference(model, params=net.params).gradients(x, y)
    for name, value in net.gradients(x, y).items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-10, atol=1e-12)


def test_models_of_one_dtype_share_one_runtime(cache):
    first = sn.compile(dense(4), batch=4, dtype="float64")
    second = sn.compile(dense(6), batch=3, dtype="float64")
    assert first.built.key != second.built.key
    assert first.built.runtime == second.built.runtime and runtimes(cache) == [first.built.runtime]
    for net in (first, second):
        manifest = json.loads((net.built.folder / "manifest.json").read_text())
        assert manifest["runtime"] == first.built.runtime
        assert not list(net.built.folder.glob("*.o"))   # the object file is not kept
    assert_matches_reference(second, second.model)
    other = sn.compile(dense(4), batch=4, dtype="float32")
    assert other.built.runtime != first.built.runtime and len(runtimes(cache)) == 2


def test_the_runtime_holds_the_multiply_and_the_model_calls_it(cache):
    text = runtime.source("float64")
    assert "typedef double real;" in text and "static void sn_gemm(" in text
    assert "\nvoid sn_gemm_float64(int m, int n, int k, real alpha," in text
    model = emit(dense(4), "float64", 4).source
    assert "\n#define sn_gemm sn_gemm_float64\n" in model
    # the dense layers' folded step over their weights is shape-generic too: in the runtime
    assert "\nint sn_descend_rows_float64(real *restrict W," in text
    assert "\n#define sn_descend_rows sn_descend_rows_float64\n" in model
    # with the layer's biases and their constant partial (∂y/∂b = 1)
    assert "return sn_descend_rows(W, dy, x, o, rows, 5, 4, total, descent, params + DENSE1_BIAS, 1," in model
    # an exported library stays whole: its own multiply, no runtime to link to
    standalone = emit(dense(4), "float64", 4, standalone=True).source
    assert "static void sn_gemm(" in standalone and "sn_gemm_float64" not in standalone
    assert "static __attribute__((unused)) int sn_descend_rows(" in standalone
    assert "sn_descend_rows_float64" not in standalone


def test_the_runtime_key_follows_its_source_flags_and_compiler():
    command = tuple(compiler_command())
    flags = build_flags(command)
    texts = runtime.sources("float32")
    key = runtime.runtime_key(texts, command, flags)
    assert runtime.runtime_key(dict(texts), command, flags) == key
    assert runtime.runtime_key(texts, command, (*flags, "-fno-inline")) != key
    assert runtime.runtime_key(texts, command, build_flags(command, sanitize=True)) != key
    assert runtime.runtime_key(texts, (*command, "-fno-inline"), flags) != key
    assert runtime.runtime_key(runtime.sources("float64"), command, flags) != key
    for name in texts:   # every file counts, and its name
        assert runtime.runtime_key({**texts, name: texts[name] + "\n"}, command, flags) != key
        renamed = {("x" + other if other == name else other): text for other, text in texts.items()}
        assert runtime.runtime_key(renamed, command, flags) != key


def test_a_model_key_changes_with_its_runtime(cache, monkeypatch):
    from symnet.build import cache_key

    emitted = emit(dense(4), "float64", 4)
    plain = cache_key(emitted)
    monkeypatch.setattr(runtime, "sources", lambda dtype: {"runtime.c": "/* another runtime */\n"})
    assert cache_key(emitted) != plain


def test_a_damaged_runtime_is_rebuilt(cache):
    model = dense(5)
    net = sn.compile(model, batch=4, dtype="float64")
    folder = cache / "runtime" / net.built.runtime
    library = next(folder.glob("libsymnet-*.so"))
    library.write_bytes(library.read_bytes()[:-64] + bytes(64))   # same size, other bytes
    assert not sound(folder, net.built.runtime)
    again = sn.compile(model, batch=4, dtype="float64")           # the declared entry is found, its runtime is not
    assert again.built.runtime == net.built.runtime and sound(folder, net.built.runtime)
    assert_matches_reference(again, model)
    library.unlink()                                              # gone altogether: made again too
    build(emit(model, "float64", 4))
    assert sound(folder, net.built.runtime)


def test_a_model_module_loads_only_with_its_runtime_loaded_first(cache):
    net = sn.compile(dense(4), batch=4, dtype="float64")
    module = next(net.built.folder.glob("_symnet_*.so"))
    code = textwrap.dedent("""
        import ctypes, sys
        try:
            ctypes.CDLL(sys.argv[1])
        except OSError as error:
            print(error)
    """)
    said = subprocess.run([sys.executable, "-c", code, str(module)], capture_output=True, text=True, check=True)
    # no search path: the loader looks for the runtime by its soname only among the libraries loaded already
    assert runtime.soname(net.built.runtime) in said.stdout


def test_a_runtime_that_does_not_compile_is_named_and_kept(cache, monkeypatch):
    monkeypatch.setattr(runtime, "sources", lambda dtype: {"runtime.c": "void sn_gemm_float64(void) {}\n",
                                                           "runtime_nt.c": "void sn_gemm_nt(void) { not C }\n"})
    with pytest.raises(BuildError, match="compiling symnet's runtime failed") as failed:
        sn.compile(dense(3), batch=2, dtype="float64")
    kept = list((cache / "failed").glob("*.c"))
    assert len(kept) == 1 and str(kept[0]) in str(failed.value)
    assert kept[0].read_text() == "void sn_gemm_float64(void) {}\nvoid sn_gemm_nt(void) { not C }\n"
    assert "not C" in str(failed.value)   # what the compiler said of the file that failed
    monkeypatch.undo()
    monkeypatch.setenv("SYMNET_CACHE", str(cache))
    sn.compile(dense(3), batch=2, dtype="float64")   # the failure is not remembered: this compile succeeds


def test_the_runtime_compiles_in_the_background_once(cache):
    first = runtime.start("float64")
    second = runtime.start("float64")
    assert first is second
    made = first.result()
    assert made.library.name == runtime.soname(first.key) and sound(made.folder, first.key)
    assert os.stat(made.library).st_mode & 0o077 == 0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_path_of_the_split_runtime_multiplies(cache, dtype):
    """The library linked from the runtime's files, called through its one entry point with
    shapes and strides that take each path of sn_gemm (packed, transposed B, few rows, thin),
    against NumPy; the paths in files of their own are not exported."""
    import ctypes

    made = runtime.start(dtype).result()
    assert sorted(path.name for path in made.folder.glob("*.c")) == sorted(runtime.sources(dtype))
    library = ctypes.CDLL(str(made.library))
    assert not hasattr(library, f"sn_gemm_nt_{dtype}") and not hasattr(library, f"sn_gemm_few_{dtype}")
    real = ctypes.c_float if dtype == "float32" else ctypes.c_double
    gemm = getattr(library, f"sn_gemm_{dtype}")
    gemm.restype = None
    gemm.argtypes = [ctypes.c_int] * 3 + [real, ctypes.c_void_p, ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                     ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_long, ctypes.c_int, ctypes.c_void_p,
                     ctypes.c_void_p]
    from symnet.layout import GEMM, PACKS

    rng = np.random.default_rng(0)
    pack = np.zeros(PACKS, dtype)
    pointer = lambda array: array.ctypes.data   # noqa: E731
    # (m, n, k, B transposed): packed, transposed B with few rows (nt), few rows (few), one row (thin)
    for m, n, k, transposed in ((200, 70, 300, False), (9, 37, 45, True), (13, 75, 40, False), (1, 19, 33, False)):
        # each operand inside a wider array, so that every row stride is its own
        a = rng.normal(size=(m, k + 3)).astype(dtype)
        b = rng.normal(size=(n, k + 5) if transposed else (k, n + 5)).astype(dtype)
        c = rng.normal(size=(m, n + 2)).astype(dtype)
        used_b = b[:, :k].T if transposed else b[:, :n]
        product = a[:, :k].astype(np.float64) @ used_b.astype(np.float64)
        brs, bcs = (1, k + 5) if transposed else (n + 5, 1)
        for accumulate in (0, 1):
            out = c.copy()
            gemm(m, n, k, 0.5, pointer(a), k + 3, 1, pointer(b), brs, bcs, pointer(out), n + 2, accumulate,
                 pointer(pack), pointer(pack[GEMM["mc"] * GEMM["kc"]:]))   # pack_a, then pack_b
            expected = 0.5 * product + (c[:, :n] if accumulate else 0)
            tolerance = 1e-4 if dtype == "float32" else 1e-12
            np.testing.assert_allclose(out[:, :n], expected, rtol=tolerance, atol=tolerance * np.abs(product).max())
            np.testing.assert_array_equal(out[:, n:], c[:, n:])   # nothing written past n
