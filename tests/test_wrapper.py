"""cffi's wrapper, compiled once per dtype and kind of target and linked into every module of
that cdef (symnet/wrapper.py); and the model's C compiled as two units (SN_PART) at once."""

import json
import subprocess

import numpy as np
import pytest

import symnet as sn
import symnet.wrapper as wrapper
from symnet.build import build, cache_key
from symnet.cache import sound
from symnet.compiler import COMMON, build_flags, compiler_command, wrapper_flags
from symnet.emit import emit


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SYMNET_PREBUILT", "0")   # the wrappers in the cache, not the package's
    return tmp_path / "cache"


def classifier(units):
    return sn.Sequential(sn.Input(5), sn.Dense(units), sn.Tanh(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def regressor(units):
    return sn.Sequential(sn.Input(5), sn.Dense(units), sn.Sigmoid(), sn.Dense(2), loss=sn.MeanSquaredError())


def wrappers(cache):
    return sorted(path.name for path in (cache / "wrapper").iterdir() if not path.name.startswith("."))


def assert_matches_reference(net, model):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 5))
    y = model.loss.random_targets(rng, 7)
    expected = sn.Reference(model, params=net.params).gradients(x, y)
    for name, value in net.gradients(x, y).items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-10, atol=1e-12)


def test_the_cdef_names_no_shape():
    for dtype in ("float32", "float64"):
        assert emit(classifier(4), dtype, 4).cdef == emit(classifier(9), dtype, 7).cdef == wrapper.cdef(dtype, "int32_t")
        assert emit(regressor(4), dtype, 4).cdef == wrapper.cdef(dtype, "real")
    assert "extern const long sn_layout[];" in wrapper.cdef("float32", "real")
    with pytest.raises(ValueError, match="target_type"):
        wrapper.cdef("float32", "int64_t")


def test_models_of_one_cdef_share_one_wrapper_and_stay_apart(cache):
    nets = [(sn.compile(model, batch=4, dtype="float64"), model) for model in (classifier(4), classifier(6))]
    assert len(wrappers(cache)) == 1
    regression = regressor(3)
    nets.append((sn.compile(regression, batch=4, dtype="float64"), regression))
    assert len(wrappers(cache)) == 2
    for net, model in nets:   # every module in this one process calls its own model's C
        assert_matches_reference(net, model)
        manifest = json.loads((net.built.folder / "manifest.json").read_text())
        assert manifest["wrapper"] in wrappers(cache)
        assert not list(net.built.folder.glob("*.o"))
    layouts = [(net.layout.param_size, net.layout.work_size) for net, _ in nets]
    expected = [emit(model, "float64", 4).layout for _, model in nets]
    assert layouts == [(layout.param_size, layout.work_size) for layout in expected]   # each its own sn_layout
    assert len(set(layouts)) == 3


def test_the_wrapper_key_covers_its_cdef_flags_and_cffi(monkeypatch):
    import cffi

    command = tuple(compiler_command())
    text, flags = wrapper.cdef("float32", "int32_t"), wrapper_flags(command)
    key = wrapper.wrapper_key(text, command, flags)
    assert wrapper.wrapper_key(wrapper.cdef("float64", "int32_t"), command, flags) != key
    assert wrapper.wrapper_key(text, command, ("-O2",)) != key
    assert wrapper.wrapper_key(text, (*command, "-m64"), flags) != key
    monkeypatch.setattr(cffi, "__version__", "0.0")
    assert wrapper.wrapper_key(text, command, flags) != key


def test_a_model_key_changes_with_its_wrapper(monkeypatch):
    emitted = emit(classifier(4), "float64", 4)
    plain = cache_key(emitted)
    monkeypatch.setattr(wrapper, "MODULE", "_symnet_other")
    assert cache_key(emitted) != plain


def test_a_damaged_wrapper_is_rebuilt(cache):
    model = classifier(5)
    first = build(emit(model, "float64", 4))
    (key,) = wrappers(cache)
    entry = cache / "wrapper" / key
    wrapper._pending.clear()   # as a new process finds it
    (entry / "wrapper.o").write_bytes(b"not an object file")
    assert not sound(entry, key)
    second = build(emit(classifier(7), "float64", 4))
    assert sound(entry, key) and second.key != first.key


def test_the_three_parts_and_the_whole_file_compile(tmp_path):
    """The model's C compiles as one unit too (no SN_PART), and its three parts (the backward's,
    the forward's and the calls') define each symbol once."""
    emitted = emit(classifier(4), "float64", 4)
    assert emitted.parts == 3 and "#if defined(SN_PART) && SN_PART != SN_BACKWARD_PART" in emitted.source
    assert emit(classifier(4), "float64", 4, standalone=True).parts == 1
    assert "SN_PART" not in emit(classifier(4), "float64", 4, standalone=True).source
    source = tmp_path / "model.c"
    source.write_text(emitted.source)
    command = [*compiler_command(), *COMMON, *build_flags(tuple(compiler_command()))]
    symbols = {}
    for part in ("", "-DSN_PART=1", "-DSN_PART=2", "-DSN_PART=3"):
        target = tmp_path / f"model{part[-1:]}.o"
        subprocess.run([*command, *([part] if part else []), "-c", str(source), "-o", str(target)], check=True)
        said = subprocess.run(["nm", "--defined-only", str(target)], capture_output=True, text=True, check=True)
        symbols[part] = {line.split()[-1] for line in said.stdout.splitlines() if line.split()[1] in "TDR"}
    whole, backward, forward, calls = symbols.values()
    assert backward == {"backward_range"}
    assert forward >= {"forward_range", "sn_loss", "sn_sum_shares", "update"}
    assert calls >= {"sn_train", "sn_forward", "sn_backward", "sn_layout"}
    assert not backward & forward and not backward & calls and not forward & calls
    assert backward | forward | calls >= whole >= {"sn_train", "sn_loss", "sn_layout"}
    assert "forward_range" not in whole and "update" not in whole   # static in the whole file
