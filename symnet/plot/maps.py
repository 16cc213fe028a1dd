"""Pictures of what a net computes for one sample (its feature maps and votes), and of a
convolution's kernels."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from .common import annotate, check_path, finish, new_figure, symmetric_limit, value_range

# Pixels are annotated with their values when every picture drawn is at most this wide and
# tall (the 9x9 X/O pictures: the walk-through writes a match score in each square).
ANNOTATE_UP_TO = 9


def _net(net, argument: str):
    if not (hasattr(net, "model") and hasattr(net, "activations") and hasattr(net, "params")):
        raise TypeError(f"{argument}: expected a compiled net (sn.compile) or a reference (sn.Reference), "
                        f"got {type(net).__name__}")
    return net


def _one_sample(model, x) -> np.ndarray:
    """``x`` as a batch of one sample of the model's input shape (a single-channel picture may
    leave out its channel), or a ValueError naming it."""
    array = np.asarray(x)
    shape = tuple(model.input_shape)
    if len(shape) == 3 and shape[0] == 1 and array.shape == shape[1:]:
        array = array[None]   # a picture of the one channel
    if array.shape == shape:
        array = array[None]
    if array.shape != (1, *shape):
        raise ValueError(f"x: one sample of shape {shape} (or {(1, *shape)}), got shape {array.shape}")
    return array


def _chosen_layers(model, layers) -> list:
    """The layers to draw: those named, in the order given; by default every layer but Flatten
    (its values are its input's, in a line) and the output (drawn as the votes)."""
    from ..layers import Flatten

    by_name = {layer.name: layer for layer in model.layers}
    if layers is None:
        return [layer for layer in model.layers if layer.name != model.graph.output and not isinstance(layer, Flatten)]
    if isinstance(layers, str):
        layers = [layers]
    chosen = []
    for name in layers:
        if name not in by_name:
            raise ValueError(f"layers: {model.name} has no layer {name!r}; its layers are {', '.join(by_name)}")
        chosen.append(by_name[name])
    return chosen


def _pictures(values: np.ndarray) -> list[np.ndarray]:
    """One sample's values as 2-D pictures: a map per channel, or a vector as one strip."""
    if values.ndim == 3:
        return list(values)
    return [values.reshape(1, -1)]


class _Scale:
    """The colour scale of a grid: symmetric about zero, one range for every layer's maps
    (``"shared"``, or a number: the range -number..number) or one per layer (``"layer"``); the
    input always has its own, since its pixels are on a scale of their own (MNIST's 0 to 1
    beside maps of ±8)."""

    def __init__(self, scale, maps: list[np.ndarray], cmap):
        if isinstance(scale, str) and scale in ("shared", "layer"):
            self.shared, self.limit = scale == "shared", symmetric_limit(maps)
        elif isinstance(scale, (int, float)) and not isinstance(scale, bool) and 0 < scale < math.inf:
            self.shared, self.limit = True, float(scale)
        else:
            raise ValueError(f"scale: 'shared', 'layer' or a positive number (the range -scale..scale), got {scale!r}")
        self.cmap = colormaps[cmap] if isinstance(cmap, str) else cmap

    def norm(self, pictures: list[np.ndarray], own: bool = False) -> Normalize:
        limit = self.limit if self.shared and not own else symmetric_limit(pictures)
        return Normalize(-limit, limit)


def _draw_row(panel, pictures: list[np.ndarray], names: list[str], norm: Normalize, cmap, columns: int,
              values: bool, cell: float, heading: str) -> None:
    """One layer's pictures in ``panel`` (a SubFigure), ``columns`` to a line, with its heading
    and colour bar; each Axes is labelled with the picture's name (``conv1[0]``)."""
    panel.suptitle(heading, fontsize=9, x=0.01, ha="left")
    strip = pictures[0].shape[0] == 1 and len(pictures) == 1
    lines = -(-len(pictures) // columns)
    axes = panel.subplots(lines, 1 if strip else columns, squeeze=False).ravel()
    image = None
    for ax, picture, name in zip(axes, pictures, names):
        image = ax.imshow(picture, cmap=cmap, norm=norm, interpolation="nearest", aspect="auto" if strip else "equal")
        ax.set_label(name)
        shape = f"{picture.shape[1]}" if strip else f"{picture.shape[0]}x{picture.shape[1]}"
        ax.set_title(f"{name} {shape}\n{value_range(picture)}", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
        if values and not strip:
            annotate(ax, picture, norm, cmap, cell)
    for ax in axes[len(pictures):]:
        ax.set_axis_off()
    panel.colorbar(image, ax=list(axes), shrink=0.9, aspect=12 if strip else 20, pad=0.01)


def _draw_votes(panel, output_name: str, outputs: np.ndarray, classifies: bool, classes) -> None:
    """The output as bars: for a classifier the softmax of the outputs (the probability of each
    class), else the outputs themselves. The Axes is labelled ``votes``."""
    outputs = np.asarray(outputs, dtype=np.float64).reshape(-1)
    if classifies:
        shifted = np.exp(outputs - outputs.max())
        heights = shifted / shifted.sum()
        what = f"votes: softmax of {output_name}"
    else:
        heights, what = outputs, f"outputs of {output_name}"
    if classes is None:
        classes = [str(k) for k in range(len(heights))]
    elif len(classes) != len(heights):
        raise ValueError(f"classes: {len(classes)} names for {len(heights)} outputs")
    ax = panel.subplots()
    ax.set_label("votes")
    positions = np.arange(len(heights))
    bars = ax.bar(positions, heights, color=["tab:orange" if k == heights.argmax() else "tab:blue"
                                              for k in range(len(heights))])
    ax.bar_label(bars, labels=[f"{value:.2f}" for value in heights], fontsize=7)
    ax.set_xticks(positions, [str(name) for name in classes])
    if classifies:
        ax.set_ylim(0, 1.1)
        what += f": {classes[int(heights.argmax())]} ({heights.max():.0%})"
    ax.set_title(what, fontsize=9)


def feature_maps(net, x, layers=None, *, classes=None, votes: bool = True, cmap="RdBu_r", scale="shared",
                 values: bool | None = None, columns: int = 8, max_maps: int = 16, captions: dict | None = None,
                 title: str | None = None, fig=None, path=None):
    """Draw one sample through ``net`` (a compiled net or a reference): the input, each chosen
    layer's maps, and the output's votes as bars; returns the Figure.

    ``x`` is one sample (the model's input shape, a batch of one, or for one channel just
    the picture). ``layers`` names the
    layers to draw (default: all but Flatten and the output). Each layer is a row of
    pictures, one per channel (``max_maps`` at most, ``columns`` to a line; a vector is one
    strip), each titled with its name (``conv1[0]``), shape and value range, in ``cmap`` on a
    colour scale symmetric about zero (diverging: zero is the middle colour) that every
    layer's maps share (``scale="shared"``), that each layer has to itself (``"layer"``), or
    that is fixed at ``-scale..scale`` (a number: 1 for the X/O match scores); the input's
    pixels have a symmetric scale of their own. ``values`` writes each pixel's value in its
    square (default: when no picture is larger than 9x9, as the X/O walk-through shows its
    match scores). With ``votes``, a classifier's outputs end the figure as the softmax
    probability of each class (``classes`` names them), any other model's as the outputs.
    ``captions`` adds words to a layer's heading (``{"conv1": "filtered"}``).

    The net runs in eval mode (as ``predict`` does), and is left in the mode it was in.
    ``fig`` draws into an existing Figure or SubFigure; ``path`` also writes the picture.
    """
    net = _net(net, "net")
    model = net.model
    sample = _one_sample(model, x)
    chosen = _chosen_layers(model, layers)
    captions = dict(captions or {})
    known = {model.input.name or "input", *(layer.name for layer in model.layers)}
    if set(captions) - known:
        raise ValueError(f"captions: {model.name} has no layer {sorted(set(captions) - known)[0]!r}")
    columns, max_maps = int(columns), int(max_maps)
    if columns < 1 or max_maps < 1:
        raise ValueError(f"columns and max_maps: must be at least 1, got {columns} and {max_maps}")
    path = check_path(path)
    was_training = net.training
    net.eval()
    try:
        outputs = dict(zip((layer.name for layer in model.layers), (a[0] for a in net.activations(sample))))
    finally:
        net.train(was_training)

    rows = [(model.input.name or "input", "Input", np.asarray(sample[0], dtype=np.float64))]
    rows += [(layer.name, layer.describe(), np.asarray(outputs[layer.name], dtype=np.float64)) for layer in chosen]
    drawn = [(name, described, array, _pictures(array)[:max_maps], len(_pictures(array)))
             for name, described, array in rows]
    scale_ = _Scale(scale, [p for _, _, _, pictures, _ in drawn[1:] for p in pictures], cmap)
    if values is None:
        values = max(max(p.shape) for _, _, _, pictures, _ in drawn for p in pictures) <= ANNOTATE_UP_TO
    # Every row has the same columns, so that pictures line up; a picture with its values
    # written in needs room for them.
    columns = min(columns, max(len(pictures) for _, _, _, pictures, _ in drawn))
    cell = 2.2 if values else 1.3
    heights = [(cell + 0.15) * -(-len(p) // columns) + 0.45 if a.ndim == 3 else 1.0 for _, _, a, p, _ in drawn]
    if votes:
        heights.append(2.0)
    figure = fig if fig is not None else new_figure(max(columns * cell + 1.0, 4.5),
                                                    sum(heights) + (0.4 if title else 0))
    if title:
        figure.suptitle(title, fontsize=11)
    panels = figure.subfigures(len(heights), 1, height_ratios=heights, squeeze=False).ravel()
    for index, (panel, (name, described, array, pictures, count)) in enumerate(zip(panels, drawn)):
        names = [f"{name}[{k}]" for k in range(len(pictures))] if array.ndim == 3 else [name]
        more = f", the first {len(pictures)} of {count} maps" if count > len(pictures) else ""
        norm = scale_.norm(pictures, own=index == 0)
        # The input's pixels need no values written in: they are the picture itself.
        caption = f" {captions[name]}" if name in captions else ""
        _draw_row(panel, pictures, names, norm, scale_.cmap, columns, values and index > 0, cell,
                  f"{name}:{caption}  {described} -> {tuple(array.shape)}{more}")
    if votes:
        output = model.graph.output
        _draw_votes(panels[-1], output, outputs[output], model.loss.classifies, classes)
    return finish(figure, path)


def filters(net, layer: str, *, cmap="RdBu_r", values: bool | None = None, max_filters: int = 32,
            max_inputs: int = 16, title: str | None = None, fig=None, path=None):
    """Draw the kernels of the convolution ``layer`` of ``net`` (a compiled net or a
    reference): a row per output channel, a column per input channel, each kernel ``W[o, i]``
    on one diverging colour scale symmetric about zero; returns the Figure.

    At most ``max_filters`` output channels and ``max_inputs`` input channels are drawn.
    ``values`` writes each weight in its square (default: for at most 16 kernels of at most
    3x3, such as the X/O features). ``fig`` draws into an existing Figure or SubFigure;
    ``path`` also writes the picture.
    """
    from ..layers import Conv2D

    net = _net(net, "net")
    model = net.model
    names = [item.name for item in model.layers]
    if layer not in names:
        raise ValueError(f"layer: {model.name} has no layer {layer!r}; its layers are {', '.join(names)}")
    declared = model.layers[names.index(layer)]
    if not isinstance(declared, Conv2D):
        raise ValueError(f"layer: {layer} is {declared.describe()}, not a convolution (Conv2D), so it has no kernels")
    path = check_path(path)
    weight = np.asarray(net.params[f"{layer}.weight"], dtype=np.float64)
    out_channels, in_channels, kh, kw = weight.shape
    shown = weight[:max_filters, :max_inputs]
    if values is None:
        values = kh <= 3 and kw <= 3 and shown.shape[0] * shown.shape[1] <= 16
    rows, cols = shown.shape[:2]
    # One input channel: the kernels side by side, wrapped at 8, reads better than a column.
    per_line = min(rows, 8) if cols == 1 else cols
    lines = -(-rows * cols // per_line)
    figure = fig if fig is not None else new_figure(per_line * 1.3 + 1.2, lines * 1.4 + 0.6)
    cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
    limit = symmetric_limit([shown])
    norm = Normalize(-limit, limit)
    axes = figure.subplots(lines, per_line, squeeze=False).ravel()
    image = None
    for index, ax in enumerate(axes):
        if index >= rows * cols:
            ax.set_axis_off()
            continue
        o, i = divmod(index, cols)
        image = ax.imshow(shown[o, i], cmap=cmap, norm=norm, interpolation="nearest")
        ax.set_label(f"{layer}.weight[{o}, {i}]")
        ax.set_title(f"W[{o}, {i}]\n{value_range(shown[o, i])}", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
        if values:
            annotate(ax, shown[o, i], norm, cmap, 1.3)
    figure.colorbar(image, ax=list(axes), shrink=0.9, pad=0.01)
    more = "" if shown.shape == weight.shape else f", the first {rows} x {cols} of {out_channels} x {in_channels}"
    figure.suptitle(title or f"{layer}: {declared.describe()}, kernels {weight.shape}{more}", fontsize=10)
    return finish(figure, path)
