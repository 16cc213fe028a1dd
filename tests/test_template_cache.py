"""The templates' compiled form in the build cache: used when trusted, ignored otherwise, same C either way."""

import os
import stat

import jinja2
import pytest

import symnet as sn
from symnet import emit as emit_module
from symnet import precompiled
from symnet.emit import emit


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(precompiled, "FOLDER", tmp_path / "none")   # as if the package shipped no Python for them
    os.mkdir(tmp_path / "cache", 0o700)
    emit_module.environment.cache_clear()    # a process's first emit: templates read from this cache
    yield tmp_path / "cache"
    emit_module.environment.cache_clear()


def model():
    return sn.Sequential(sn.Input(3), sn.Dense(2), sn.Tanh(), loss=sn.MeanSquaredError())


def plant(cache, name: str, text: str):
    """Bytecode for template ``name`` that claims its true source but was compiled from ``text``."""
    env = emit_module.environment()
    source = (emit_module.template_folder() / name).read_text(encoding="utf-8")
    bucket = env.bytecode_cache.get_bucket(env, name, None, source)
    bucket.code = env.compile(text, name)
    path = cache / "templates" / env.bytecode_cache._name(bucket)
    with open(path, "wb") as file:
        bucket.write_bytecode(file)
    os.chmod(path, 0o600)
    emit_module.environment.cache_clear()
    return path


def test_templates_are_kept_compiled_and_give_the_same_c(cache):
    first = emit(model(), "float64", 4)
    kept = sorted((cache / "templates").iterdir())
    assert kept and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in kept)
    assert stat.S_IMODE((cache / "templates").stat().st_mode) == 0o700
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).source == first.source


def test_kept_bytecode_is_used_only_when_trusted(cache):
    emit(model(), "float64", 4)
    path = plant(cache, "model.cdef.j2", "/* planted */\n")
    assert emit(model(), "float64", 4).cdef == "/* planted */\n"   # what the cache holds is what runs
    emit_module.environment.cache_clear()
    os.chmod(path, 0o620)                                             # others could have written it
    assert "planted" not in emit(model(), "float64", 4).cdef
    emit_module.environment.cache_clear()
    os.chmod(path, 0o600)
    os.chmod(cache / "templates", 0o770)
    assert "planted" not in emit(model(), "float64", 4).cdef


def test_damaged_or_stale_bytecode_is_compiled_again(cache):
    expected = emit(model(), "float64", 4).source
    for path in (cache / "templates").iterdir():
        path.write_bytes(b"j2 not bytecode")
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).source == expected


def test_emitting_without_a_cache_makes_none(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "absent"))
    emit_module.environment.cache_clear()
    try:
        assert "sn_forward" in emit(model(), "float64", 4).source
    finally:
        emit_module.environment.cache_clear()
    assert not (tmp_path / "absent").exists()
    assert isinstance(emit_module.environment().bytecode_cache, jinja2.BytecodeCache)
