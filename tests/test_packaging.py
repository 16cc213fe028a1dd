"""A wheel built from the repository carries the templates inside the package, and the shared
runtime that its build compiled (symnet/prebuilt.py)."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_every_template(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("symnet-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"symnet/templates/{path.relative_to(ROOT / 'templates').as_posix()}"
                 for path in (ROOT / "templates").rglob("*") if path.is_file() and path.suffix != ".pyc"}
    assert templates and templates <= names
    modules = {f"symnet/{path.relative_to(ROOT / 'symnet').as_posix()}" for path in (ROOT / "symnet").rglob("*.py")}
    assert modules <= names, sorted(modules - names)   # every subpackage (layers, optim, export) is listed
    assert not any(name.startswith("tests/") for name in names)
    # the build compiled the runtime of both dtypes into the package, for this compiler and flags
    from symnet.compiler import build_flags, compiler_command
    from symnet.runtime import runtime_key, soname, sources

    command = tuple(compiler_command())
    with zipfile.ZipFile(wheel) as archive:
        for dtype in ("float32", "float64"):
            key = runtime_key(sources(dtype), command, build_flags(command))
            manifest = json.loads(archive.read(f"symnet/runtimes/{key}/manifest.json"))
            assert manifest["key"] == key and manifest["module"] == soname(key)
            assert f"symnet/runtimes/{key}/{soname(key)}" in names
    # and cffi's wrappers: one for each dtype and kind of target
    assert sum(name.endswith("/wrapper.o") and name.startswith("symnet/runtimes/") for name in names) == 4
