"""The training curves: what ``fit`` recorded, epoch by epoch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .common import check_path, finish, new_figure

# Each panel: its title, and the history's keys it draws with their legend labels.
PANELS = {
    "loss": ("loss", (("loss", "training"), ("val_loss", "validation"))),
    "accuracy": ("accuracy", (("accuracy", "training"), ("val_accuracy", "validation"))),
    "lr": ("learning rate", (("lr", "learning rate"),)),
}


def _series(history) -> dict[str, list[float]]:
    """The history's lists, checked: numbers, finite, at most as many as there are epochs of loss."""
    if not isinstance(history, Mapping):
        raise TypeError(f"history: expected the dict that fit returns, got {type(history).__name__}")
    if "loss" not in history:
        raise ValueError(f"history: has no 'loss' (keys: {', '.join(map(str, history)) or 'none'}); "
                         f"pass what net.fit(...) returns")
    series = {}
    for key, values in history.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
            raise ValueError(f"history[{key!r}]: expected a list of numbers, one per epoch, got {type(values).__name__}")
        try:
            numbers = [float(value) for value in values]
        except (TypeError, ValueError):
            raise ValueError(f"history[{key!r}]: expected numbers, one per epoch") from None
        series[key] = numbers
    epochs = len(series["loss"])
    for key, numbers in series.items():
        if len(numbers) > epochs:
            raise ValueError(f"history[{key!r}]: {len(numbers)} values for {epochs} epochs of loss")
    return series


def _panels(series: dict, panels) -> list[str]:
    if panels is None:
        chosen = ["loss"]
        if series.get("accuracy") or series.get("val_accuracy"):
            chosen.append("accuracy")
        rates = series.get("lr", [])
        if len(set(rates)) > 1:   # a constant rate is no curve worth a panel
            chosen.append("lr")
        return chosen
    chosen = [panels] if isinstance(panels, str) else list(panels)
    for panel in chosen:
        if panel not in PANELS:
            raise ValueError(f"panels: {panel!r} is not one of {', '.join(PANELS)}")
        if not any(series.get(key) for key, _ in PANELS[panel][1]):
            raise ValueError(f"panels: the history has nothing for {panel!r} "
                             f"(no {' or '.join(key for key, _ in PANELS[panel][1])})")
    return chosen


def history(history, *, panels=None, title: str | None = None, ax=None, path=None):
    """Draw the curves of ``net.fit``'s history, one point per epoch; returns the Figure.

    Panels (``panels`` chooses among them; by default those the history has): ``"loss"``
    (``loss`` of the training minibatches, ``val_loss``), ``"accuracy"`` (``accuracy`` on the
    training samples, from ``fit(..., train_accuracy=True)``, and ``val_accuracy``), and
    ``"lr"``, the learning rate of each epoch, drawn by default when it changed (a schedule or
    ``lr_decay``). ``ax`` draws into existing Axes: one per panel (a single Axes for one
    panel); ``path`` also writes the picture.
    """
    series = _series(history)
    chosen = _panels(series, panels)
    path = check_path(path)
    if ax is None:
        figure = new_figure(4.2 * len(chosen), 3.4)
        axes = list(figure.subplots(1, len(chosen), squeeze=False).ravel())
    else:
        axes = [ax] if not isinstance(ax, Sequence | np.ndarray) else list(np.ravel(ax))
        if len(axes) != len(chosen):
            raise ValueError(f"ax: {len(axes)} Axes for {len(chosen)} panels ({', '.join(chosen)}); "
                             f"pass one Axes per panel, or choose the panels with panels=")
        figure = axes[0].figure
    for ax_, panel in zip(axes, chosen):
        name, keys = PANELS[panel]
        for key, label in keys:
            values = series.get(key)
            if values:
                epochs = np.arange(1, len(values) + 1)
                ax_.plot(epochs, values, marker="o" if len(values) <= 30 else None, markersize=3, label=label)
        ax_.set_title(name)
        ax_.set_xlabel("epoch")
        ax_.set_label(panel)
        if panel == "accuracy":
            ax_.set_ylim(top=1.0)
        if panel == "lr" and min(series["lr"]) > 0 and max(series["lr"]) / min(series["lr"]) > 100:
            ax_.set_yscale("log")
        if panel == "loss" and all(value > 0 and math.isfinite(value) for value in series["loss"]):
            ax_.set_yscale("log")   # losses fall by orders of magnitude; a log scale keeps the tail visible
        ax_.grid(True, alpha=0.3)
        if len(keys) > 1:
            ax_.legend(fontsize=8)
        ax_.xaxis.get_major_locator().set_params(integer=True)
    if title:
        figure.suptitle(title)
    return finish(figure, path)
