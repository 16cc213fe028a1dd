"""Modes and running statistics of a compiled net: training or eval, and the chunk rule.

In training mode BatchNorm normalizes with the minibatch's statistics, and updates its
running statistics (``net.buffers``) on every forward, as PyTorch's does; Dropout drops.
In eval mode BatchNorm uses its running statistics and Dropout is the identity. The mode
is a flag passed into the C with every call, not a recompile.

The chunk rule: the C holds at most a compiled batch of samples at a time and walks more
in chunks. A layer whose statistics span the minibatch (BatchNorm, ``couples_samples``)
cannot see past its chunk, so in training mode a minibatch may hold at most the compiled
batch of samples (and more than one value per channel); a larger one is refused, naming
the layer, before any C runs. Eval mode takes any number of samples.
"""

from __future__ import annotations

import math

import numpy as np

from .settings import flag


class Mode:
    """The mode of a compiled net or a reference: training (the default) or eval."""

    @property
    def training(self) -> bool:
        """The mode: True in training mode, False in eval mode (see :meth:`train`)."""
        return self._training

    @training.setter
    def training(self, value) -> None:
        self._training = flag(value, "training")

    def train(self, mode: bool = True) -> "Mode":
        """Training mode (the default): BatchNorm normalizes with the minibatch's statistics
        and Dropout drops. ``forward``, ``activations``, ``loss``, ``gradients``, ``deltas`` and
        ``step`` follow the mode, and in training mode each runs one forward pass, which
        updates BatchNorm's running statistics once (as a PyTorch module's forward does);
        ``predict`` and ``evaluate`` always run in eval mode, and ``fit`` trains in training
        mode (one update a step) and validates in eval mode. Returns the net (or reference)."""
        self.training = mode
        return self

    def eval(self) -> "Mode":
        """Eval mode: BatchNorm uses its running statistics and Dropout is the identity."""
        return self.train(False)


class Modes(Mode):
    """The mode, the running statistics and the chunk rule of :class:`~symnet.run.CompiledNet`,
    which supplies ``model``, ``layout``, ``batch``, ``dtype``, ``_np`` and the array ``_buffers``."""

    @property
    def buffers(self) -> dict[str, np.ndarray]:
        """A copy of every running statistic (BatchNorm's ``<layer>.running_mean`` and
        ``running_var``): updated by every forward in training mode, used in eval mode, saved
        with the weights."""
        return {name: self._buffers[offset:offset + math.prod(shape)].reshape(shape).copy()
                for name, (offset, shape) in self.layout.buffers.items()}

    @buffers.setter
    def buffers(self, value: dict) -> None:
        checked = self.model.check_buffers(value)
        for name, (offset, shape) in self.layout.buffers.items():
            with np.errstate(over="ignore"):
                cast = checked[name].astype(self._np)
            if not np.isfinite(cast).all():
                raise ValueError(f"buffers: {name} does not fit in {self.dtype} (it overflows to infinity)")
            self._buffers[offset:offset + math.prod(shape)] = cast.reshape(-1)
        self._steps_since_copy = None  # step's copy is of other statistics

    def _minibatch(self, count: int, training: bool) -> None:
        """The chunk rule: in training mode a layer that couples the samples (BatchNorm) needs
        the whole minibatch in one chunk, so at most the compiled batch, and more than one
        value per channel; a ValueError naming the layer otherwise."""
        if not training:
            return
        for layer in self.model.couples_samples:
            if count > self.batch:
                raise ValueError(f"{layer.label}: in training mode its statistics span the whole minibatch, which the "
                                 f"C holds only within one compiled batch: at most {self.batch} samples per minibatch, "
                                 f"got {count}; compile a larger batch, or use eval mode (net.eval())")
            layer.check_minibatch(count)
