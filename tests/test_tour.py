"""examples/tour.ipynb: saved without outputs, and it runs top to bottom in a headless kernel."""

import json
import os
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

TOUR = Path(__file__).resolve().parent.parent / "examples" / "tour.ipynb"


def test_the_tour_is_saved_without_outputs():
    notebook = nbformat.read(TOUR, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_the_tour_runs_headless(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    pytest.importorskip("nbclient")
    kernelspec = pytest.importorskip("ipykernel.kernelspec")
    from nbclient import NotebookClient

    # A kernel of this very Python (its argv is sys.executable), found through JUPYTER_PATH,
    # importing symnet from this checkout.
    kernelspec.install(kernel_name="symnet-tour", prefix=str(tmp_path))
    spec = json.loads((tmp_path / "share" / "jupyter" / "kernels" / "symnet-tour" / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    root = str(TOUR.parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(TOUR, as_version=4)
    # Any error in a cell raises CellExecutionError, naming the cell.
    NotebookClient(notebook, kernel_name="symnet-tour", timeout=600,
                   resources={"metadata": {"path": str(TOUR.parent)}}).execute()
    outputs = {index: cell.outputs for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    source = {index: notebook.cells[index].source for index in outputs}
    pictures = [index for index, out in outputs.items() if any("image/png" in o.get("data", {}) for o in out)]
    # Every sn.plot call shows its figure.
    assert pictures == [index for index in outputs if "sn.plot." in source[index]] and len(pictures) == 7
    text = {index: "".join(o.get("text", "") for o in out) for index, out in outputs.items()}
    assert any("static void relu1_forward(" in out for out in text.values())
    assert any("OK: the compiled net agrees with the reference" in out for out in text.values())
