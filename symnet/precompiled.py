"""Jinja's Python for every template, shipped in the package (symnet/templates_py/).

Jinja turns a template into Python before it renders it: for a model's dozen templates
about 0.18 s, half of emitting an MLP, paid by every process whose build cache does not
hold them yet (see :mod:`symnet.template_cache`), so by every first compile on a machine.
That Python follows from the template's text, Jinja's version and the environment's
options alone, so it is written once, with the repository, like generated/, and read back
as any module of the package is: it is symnet's own code, never something a user or a
cache supplied.

Each file starts with the key it was written for: the SHA-1 Jinja gives the template's
source, Jinja's version and the options. A file whose key differs from the template as it
is now (a template edited since, another Jinja) is not used: the template is compiled from
its source, as it would be without this folder. ``symnet generate``, writing a checkout's
generated/, writes the files again beside it; a test checks that they are current.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

import jinja2

FOLDER = Path(__file__).resolve().parent / "templates_py"
KEY_LINE = "# key: "


def file_name(template: str) -> str:
    """The file holding ``template``'s Python: ``layers/dense.c.j2`` -> ``layers__dense_c_j2.py``."""
    return template.replace("/", "__").replace(".", "_") + ".py"


def key(checksum: str, options: str) -> str:
    """What a file must start with to stand for a template whose source has ``checksum``
    (Jinja's SHA-1) under this Jinja and the environment's ``options``."""
    return f"{checksum} jinja2-{jinja2.__version__} {options}"


def load(template: str, checksum: str, options: str):
    """The code object of ``template``'s shipped Python, or None if there is none for this
    exact source, Jinja and options."""
    path = FOLDER / file_name(template)
    try:
        with path.open(encoding="utf-8") as file:
            first = file.readline().rstrip("\n")
    except OSError:
        return None
    if first != KEY_LINE + key(checksum, options):
        return None
    # Made as the import system makes a module's code: from its bytecode in __pycache__ when
    # that is current (written by the install, or by the first process to read the file), so
    # no process compiles the Python again (a model's dozen files took 25-50 ms of a compile).
    loader = importlib.machinery.SourceFileLoader(f"{__package__}.templates_py.{path.stem}", str(path))
    return loader.get_code(loader.name)


def write(folder: Path = FOLDER) -> list[Path]:
    """Write the Python of every template into ``folder`` (files of templates that are gone
    are removed), and return the paths written."""
    from .emit import environment, template_folder
    from .files import write_atomically

    env = environment()
    cache = env.bytecode_cache
    templates = Path(str(template_folder()))
    folder.mkdir(exist_ok=True)
    written = []
    for path in sorted(templates.rglob("*.j2")):
        name = path.relative_to(templates).as_posix()
        source = path.read_text(encoding="utf-8")
        code = env.compile(source, name, raw=True)
        text = (f"{KEY_LINE}{key(cache.get_source_checksum(source), cache.options)}\n"
                f"# Jinja's Python for templates/{name}, written by python -m symnet.precompiled: do not edit.\n"
                f"{code}\n")
        target = folder / file_name(name)
        write_atomically(target, lambda file, text=text: file.write(text.encode()))
        written.append(target)
    for old in folder.glob("*.py"):
        if old not in written and old.name != "__init__.py":
            old.unlink()
    return written


def checkout() -> Path | None:
    """The checkout of symnet's repository it runs from (its templates beside the package, as in
    the source tree), the only place :func:`write` is meant for; None for an installed package."""
    top = Path(__file__).resolve().parent.parent
    return top if (top / "templates" / "model.c.j2").is_file() and (top / "pyproject.toml").is_file() else None
