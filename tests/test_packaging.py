"""A wheel built from the repository carries the templates inside the package."""

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
