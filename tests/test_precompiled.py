"""The templates' Python shipped in the package: current, used only for the exact source, same C."""

import importlib.machinery
import os
import shutil
import sys
from pathlib import Path

import pytest

import symnet as sn
from symnet import emit as emit_module
from symnet import precompiled
from symnet.emit import emit


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A process's first emit, with an empty build cache."""
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))
    os.mkdir(tmp_path / "cache", 0o700)
    emit_module.environment.cache_clear()
    yield tmp_path / "cache"
    emit_module.environment.cache_clear()


def model():
    return sn.Sequential(sn.Input(1, 6, 6), sn.Conv2D(2, 3), sn.ReLU(), sn.MaxPool(2), sn.Flatten(), sn.Dense(3),
                         loss=sn.SoftmaxCrossEntropy())


def test_the_shipped_python_is_current(tmp_path):
    """Written again from the templates, every file is the same (run symnet generate if not)."""
    written = precompiled.write(tmp_path)
    assert sorted(path.name for path in written) == sorted(
        path.name for path in precompiled.FOLDER.glob("*.py") if path.name != "__init__.py")
    for path in written:
        assert path.read_text() == (precompiled.FOLDER / path.name).read_text(), path.name


def test_the_shipped_python_is_what_emits_and_gives_the_same_c(fresh, monkeypatch):
    shipped = emit(model(), "float64", 4).source
    assert not (fresh / "templates").exists()   # nothing was parsed, so nothing was kept
    monkeypatch.setattr(precompiled, "FOLDER", fresh.parent / "none")
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).source == shipped
    assert list((fresh / "templates").iterdir())   # parsed from the templates this time


def plant(folder: Path, template: str, text: str, checksum: str):
    """A shipped file for ``template`` whose code comes from ``text``, keyed for ``checksum``."""
    env = emit_module.environment()
    code = env.compile(text, template, raw=True)
    folder.mkdir(exist_ok=True)
    (folder / precompiled.file_name(template)).write_text(
        f"{precompiled.KEY_LINE}{precompiled.key(checksum, env.bytecode_cache.options)}\n{code}\n")


def test_a_file_is_used_only_for_the_source_it_was_written_from(fresh, tmp_path, monkeypatch):
    expected = emit(model(), "float64", 4).cdef
    monkeypatch.setattr(precompiled, "FOLDER", tmp_path / "shipped")
    source = (emit_module.template_folder() / "model.cdef.j2").read_text(encoding="utf-8")
    checksum = emit_module.environment().bytecode_cache.get_source_checksum(source)
    plant(tmp_path / "shipped", "model.cdef.j2", "/* planted */\n", checksum)
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).cdef == "/* planted */\n"   # the file is what runs when its key fits
    plant(tmp_path / "shipped", "model.cdef.j2", "/* planted */\n", "0" * 40)   # a template edited since
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).cdef == expected
    monkeypatch.setattr(precompiled.jinja2, "__version__", "0.0")   # another Jinja
    plant(tmp_path / "shipped", "model.cdef.j2", "/* planted */\n", checksum)
    monkeypatch.undo()
    monkeypatch.setattr(precompiled, "FOLDER", tmp_path / "shipped")
    monkeypatch.setenv("SYMNET_CACHE", str(fresh))
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).cdef == expected


def test_the_python_is_compiled_once_then_read_as_bytecode(fresh, tmp_path, monkeypatch):
    """Like a module of the package: the first process to read a file leaves its bytecode in
    __pycache__ (unless Python is told not to write any), and later ones load that."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    shipped = tmp_path / "shipped"
    shutil.copytree(precompiled.FOLDER, shipped, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(precompiled, "FOLDER", shipped)
    emit_module.environment.cache_clear()
    first = emit(model(), "float64", 4).source
    assert list((shipped / "__pycache__").glob("model_c_j2.*.pyc"))

    def compiled_again(*_):
        raise AssertionError("the Python was compiled again")

    monkeypatch.setattr(importlib.machinery.SourceFileLoader, "source_to_code", compiled_again)
    emit_module.environment.cache_clear()
    assert emit(model(), "float64", 4).source == first


def test_file_names_keep_templates_apart():
    assert precompiled.file_name("layers/dense.c.j2") == "layers__dense_c_j2.py"
    names = [path.relative_to(Path(str(emit_module.template_folder()))).as_posix()
             for path in Path(str(emit_module.template_folder())).rglob("*.j2")]
    assert len({precompiled.file_name(name) for name in names}) == len(names)


def test_symnet_generate_writes_them_only_beside_the_checkouts_generated_c(tmp_path, monkeypatch, capsys):
    from symnet.cli import main

    calls = []
    monkeypatch.setattr(precompiled, "write", lambda: calls.append(True))
    monkeypatch.setattr("symnet.cli.GENERATED", ("xo",))
    monkeypatch.setattr(precompiled, "checkout", lambda: tmp_path)   # as if tmp_path held the repository
    assert main(["generate", "--out", str(tmp_path / "elsewhere")]) == 0   # the package is left alone
    assert calls == []
    assert main(["generate", "--out", str(tmp_path / "generated")]) == 0
    assert calls == [True] and (tmp_path / "generated" / "xo.c").is_file()
    monkeypatch.setattr(precompiled, "checkout", lambda: None)   # an installed package
    assert main(["generate", "--out", str(tmp_path / "generated")]) == 0
    assert calls == [True]

