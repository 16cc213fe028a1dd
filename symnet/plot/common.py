"""What the pictures share: new figures without pyplot, writing them, the colour scale."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure, SubFigure


class Picture(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG when a cell returns it, whether or not
    pyplot (and with it the inline backend) was ever imported."""

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def new_figure(width: float, height: float, layout: str | None = "constrained") -> Picture:
    """A figure of ``width`` x ``height`` inches, not registered with pyplot: nothing keeps
    it alive but its caller, and no screen or backend is involved until it is saved or shown."""
    return Picture(figsize=(width, height), layout=layout)


def picture_formats() -> list[str]:
    """The suffixes (without the dot) of the formats matplotlib writes: png, pdf, svg, ..."""
    return sorted(Figure().canvas.get_supported_filetypes())


def check_path(path) -> Path | None:
    """``path`` as a Path whose suffix names a format matplotlib writes, in an existing
    folder; a ValueError naming it otherwise (before anything is drawn)."""
    if path is None:
        return None
    path = Path(path)
    formats = picture_formats()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in formats:
        raise ValueError(f"path: {path} does not end in a picture format matplotlib writes "
                         f"({', '.join('.' + name for name in sorted(formats))})")
    if path.is_dir():
        raise ValueError(f"path: {path} is a folder, not a file")
    if not path.parent.is_dir():
        raise ValueError(f"path: there is no folder {path.parent} for {path}")
    return path


def root(figure) -> Figure:
    """The Figure that ``figure`` (a Figure or a SubFigure) is drawn in."""
    while isinstance(figure, SubFigure):
        figure = figure.figure
    return figure


def finish(figure, path: Path | None, dpi: float | None = None):
    """Write ``figure`` to ``path`` (if given) atomically, in the format its suffix names;
    returns the Figure itself (the top one, when drawn into a SubFigure)."""
    from ..files import write_atomically

    top = root(figure)
    if path is not None:
        suffix = path.suffix.lower().lstrip(".")
        write_atomically(path, lambda file: top.savefig(file, format=suffix, dpi=dpi or "figure"))
    return top


def symmetric_limit(arrays) -> float:
    """The largest magnitude among ``arrays``: a diverging scale from -limit to +limit puts
    zero at its middle colour. 1 when everything is zero, so the scale is never empty."""
    limit = max((float(np.max(np.abs(array))) for array in arrays if np.size(array)), default=0.0)
    return limit if limit > 0 and math.isfinite(limit) else 1.0


def value_range(array) -> str:
    """``min..max`` of ``array``, short."""
    return f"{float(np.min(array)):.3g}..{float(np.max(array)):.3g}"


def annotate(ax, picture: np.ndarray, norm, cmap, width: float) -> None:
    """Write each pixel's value in its square, black or white for contrast with its colour;
    ``width`` is about the picture's width in inches."""
    colours = cmap(norm(picture))
    rows, cols = picture.shape
    # About five characters ("-0.43") must fit in a square.
    size = min(10.0, max(3.0, 0.8 * width * 72 / max(rows, cols) / 2.8))
    for r in range(rows):
        for c in range(cols):
            red, green, blue = colours[r, c, :3]
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            ax.text(c, r, f"{picture[r, c]:.2f}", ha="center", va="center", fontsize=size,
                    color="white" if dark else "black")
