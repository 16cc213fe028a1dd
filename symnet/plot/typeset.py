"""The derivation typeset by matplotlib's mathtext, with no LaTeX installation.

mathtext reads a subset of TeX: one line of mathematics at a time, without environments.
The derivation's LaTeX (:meth:`symnet.derive.Derivation.latex`, an ``aligned`` block) is
taken row by row: the ``cases`` of a piecewise formula become a brace and stacked lines
(``\\substack``), ``\\text`` becomes ``\\mathrm``, a long chain of factors is broken after
every few; a row mathtext still cannot read is drawn as its LaTeX source in monospace,
marked, and named in a warning.
"""

from __future__ import annotations

import re
import warnings

from matplotlib.backends.backend_agg import FigureCanvasAgg

from .common import check_path, finish, new_figure, root

HEADING = re.compile(r"^&\\textbf\{(?P<name>(?:\\mathrm\{[^}]*\}|[^}])*)\}(?:\\ \\text\{(?P<what>.*)\})?$")
CASES = re.compile(r"\\begin\{cases\}(?P<body>.*?)\\end\{cases\}")
COMMAND = re.compile(r"\\(?P<name>[A-Za-z]+|.)")   # \\cdot, \\left; \\{ escapes a brace
TEXT = re.compile(r"\\text\{(?P<words>[^{}]*)\}")
# Factors of a chain per line: a chain of LeNet's 19 factors on one line is a yard wide.
FACTORS_PER_LINE = 5
FONT_SIZE = 12.0
GAP = 0.45   # between rows, in multiples of the font size


def _plain(tex: str) -> str:
    """Text written in LaTeX's escapes (``\\_``, ``\\{``, ``\\mathrm{...}``) as plain text."""
    tex = re.sub(r"\\mathrm\{([^}]*)\}", r"\1", tex)
    return (tex.replace(r"\textbackslash{}", "\\").replace(r"\_", "_").replace(r"\{", "{").replace(r"\}", "}"))


def _cases(match: re.Match) -> str:
    """``\\begin{cases} a & \\text{for}\\: c \\\\ b & \\text{otherwise} \\end{cases}`` as a brace
    before the lines ``a for c`` and ``b otherwise`` stacked."""
    lines = []
    for row in match.group("body").split(r"\\"):
        value, _, condition = row.partition("&")
        condition = TEXT.sub(lambda words: rf"\mathrm{{{words.group('words')}}}", condition).replace(r"\: ", r"\ ")
        lines.append(rf"{value.strip()}\quad {condition.strip()}".strip())
    return r"\left\{\substack{" + r"\\".join(lines) + r"}\right."


def _top_level_factors(formula: str) -> list[str]:
    """``formula`` split at each ``\\cdot`` outside braces and ``\\left ... \\right``."""
    factors, depth, start, index = [], 0, 0, 0
    while index < len(formula):
        command = COMMAND.match(formula, index)
        if command:
            name = command.group("name")
            depth += {"left": 1, "right": -1}.get(name, 0)
            if name == "cdot" and depth == 0:
                factors.append(formula[start:index].rstrip())
                start = command.end()
            index = command.end()
            continue
        depth += {"{": 1, "}": -1}.get(formula[index], 0)
        index += 1
    return factors + [formula[start:].lstrip()]


def _mathtext(row: str) -> list[str]:
    """One equation row of the aligned block as mathtext lines (a long chain on several)."""
    row = CASES.sub(_cases, row)
    row = TEXT.sub(lambda words: rf"\mathrm{{{words.group('words')}}}", row)
    # \frac sets both parts in a script size, too small to read beside the rest; \dfrac does not.
    row = re.sub(r"\\frac(?![A-Za-z])", r"\\dfrac", row)
    # mathtext spaces a dot as punctuation; in conv1.weight it joins the two words.
    row = re.sub(r"\\mathrm\{([^{}]*)\}", lambda name: r"\mathrm{" + name.group(1).replace(".", r".\!") + "}", row)
    left, _, right = row.partition("&")
    factors = _top_level_factors(right)
    chunks = [r" \cdot ".join(factors[first:first + FACTORS_PER_LINE])
              for first in range(0, len(factors), FACTORS_PER_LINE)]
    return [f"${left}{chunks[0]}$"] + [rf"$\qquad\cdot\ {chunk}$" for chunk in chunks[1:]]


def _rows(latex: str) -> list[tuple[str, list[str], str]]:
    """The aligned block as ``(kind, lines, source)``: a ``"heading"`` (plain text) or an
    equation (``"math"``: its mathtext lines), with the row's LaTeX."""
    body = latex.strip().removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    rows = []
    for line in body.strip().splitlines():
        row = line.strip()
        row = row[:-2].rstrip() if row.endswith("\\\\") else row
        if not row:
            continue
        heading = HEADING.match(row)
        if heading:
            what = heading.group("what")
            rows.append(("heading", [_plain(heading.group("name")) + (f"   {_plain(what)}" if what else "")], row))
        else:
            rows.append(("math", _mathtext(row), row))
    return rows


def _texts(figure, renderer, rows, fontsize: float) -> tuple[list, list[tuple[str, str]]]:
    """A Text for each line of ``rows`` (not yet placed), and the rows mathtext could not read
    with the reason. Measuring a Text parses it, so a row that fails is found here, once."""
    texts, unreadable = [], []
    for kind, lines, source in rows:
        style = {"fontsize": fontsize, "va": "top", "ha": "left"}
        if kind == "title":
            style.update(fontsize=fontsize * 1.25, fontweight="bold")
        elif kind == "heading":
            style.update(fontweight="bold", color="0.25")
        made = [figure.text(0, 0, line, **style) for line in lines]
        try:
            for text in made:
                text.get_window_extent(renderer)
        except ValueError as error:
            reason = str(error).strip().splitlines()[-1]
            unreadable.append((source, reason))
            for text in made:
                text.remove()
            made = [figure.text(0, 0, f"{source}\n    (not typeset: {reason})", fontsize=fontsize * 0.75, va="top",
                                ha="left", family="monospace", color="tab:red")]
        texts += [(text, kind == "math") for text in made]
    return texts, unreadable


def _latex_of(model) -> tuple[str, str]:
    """The LaTeX of ``model``'s derivation (a model, a net, or a derivation) and a title."""
    from ..derive import Derivation

    if isinstance(model, Derivation):
        return model.latex(), f"Derivation of {model.model.name}"
    derivation = getattr(model, "derivation", None)
    if not callable(derivation):
        raise TypeError(f"model: expected a model, a compiled net or a derivation, got {type(model).__name__}")
    return derivation().latex(), f"Derivation of {model.name if hasattr(model, 'name') else model.model.name}"


def derivation(model, *, title: str | None = None, fontsize: float = FONT_SIZE, ax=None, path=None):
    """Typeset the derivation of ``model`` (a model, a compiled net, whose derivation ends in
    its update rule, or a :class:`~symnet.derive.Derivation`) with matplotlib's mathtext;
    returns the Figure.

    Each layer's heading, then its formula and local partials, the loss, the chain for each
    parameter (broken after every five factors). A row that mathtext cannot read is drawn as
    its LaTeX source, in red, with the reason, and a warning names each such row. ``ax``
    draws into an existing Axes (the font shrinks to fit its height); ``path`` also writes
    the picture.
    """
    latex, default_title = _latex_of(model)
    path = check_path(path)
    rows = [("title", [title or default_title], "")] + _rows(latex)
    figure = new_figure(8, 1, layout=None) if ax is None else root(ax.figure)
    if not hasattr(figure.canvas, "get_renderer"):
        FigureCanvasAgg(figure)   # a renderer to measure the rows with (a figure made without pyplot has none)
    renderer = figure.canvas.get_renderer()
    texts, unreadable = _texts(figure, renderer, rows, fontsize)
    if unreadable:
        warnings.warn("sn.plot.derivation: mathtext cannot render these rows, drawn as their LaTeX source: "
                      + "; ".join(f"{source} ({reason})" for source, reason in unreadable), stacklevel=2)

    indents = [0.3 * figure.dpi if indented else 0.0 for _, indented in texts]
    boxes = [text.get_window_extent(renderer) for text, _ in texts]
    gap = GAP * fontsize * figure.dpi / 72
    total = sum(box.height for box in boxes) + gap * (len(texts) + 1)
    widest = max(box.width + indent for box, indent in zip(boxes, indents))
    if ax is None:
        margin = 0.25 * figure.dpi
        figure.set_size_inches((widest + 2 * margin) / figure.dpi, (total + 2 * margin) / figure.dpi)
        top, left, scale = total + margin, margin, 1.0
    else:
        ax.set_axis_off()
        area = ax.get_window_extent(renderer)
        scale = min(1.0, area.height / total, area.width / widest)
        top, left = area.y1, area.x0
    y = top - gap * scale
    for (text, _), box, indent in zip(texts, boxes, indents):
        text.set_fontsize(text.get_fontsize() * scale)
        text.set_transform(figure.dpi_scale_trans)
        text.set_position(((left + indent * scale) / figure.dpi, y / figure.dpi))
        y -= (box.height + gap) * scale
    return finish(figure, path, dpi=figure.dpi)
