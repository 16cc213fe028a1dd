"""The NumPy reference interpreter: the living definition of what a model computes.

It shares only the declaration with the compiler. Layer mechanics (convolution,
pooling, dense, losses) are written directly in NumPy inside each layer kind;
activations are evaluated from their SymPy formulas and their derived derivatives.
Everything runs in float64.
"""

from __future__ import annotations

import numpy as np

from .model import Sequential


class Reference:
    """Runs a model in NumPy: ``forward``, ``activations``, ``loss``, ``gradients``."""

    def __init__(self, model: Sequential, params: dict | None = None):
        if not isinstance(model, Sequential):
            raise TypeError(f"model: expected a sn.Sequential, got {type(model).__name__}")
        self.model = model
        self.params = model.init_params() if params is None else params

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self._params

    @params.setter
    def params(self, value: dict) -> None:
        checked = self.model.check_params(value)
        self._params = {name: array.astype(np.float64) for name, array in checked.items()}

    def _run(self, x) -> tuple[list[np.ndarray], list]:
        outputs, saved = [], []
        value = self.model.check_inputs(x)
        for layer in self.model.layers:
            value, keep = layer.forward(value, self._params)
            outputs.append(value)
            saved.append(keep)
        return outputs, saved

    def forward(self, x) -> np.ndarray:
        """The outputs before the loss (logits), shape ``(n, *output_shape)``."""
        return self._run(x)[0][-1]

    def activations(self, x) -> list[np.ndarray]:
        """The output of every layer after the Input, in order."""
        return self._run(x)[0]

    def loss(self, x, y) -> float:
        """The batch-mean loss of inputs ``x`` against targets ``y``."""
        z = self.forward(x)
        return self.model.loss.value(z, self.model.loss.targets(y, len(z)))

    def _backward(self, x, y) -> tuple[dict, list[np.ndarray]]:
        outputs, saved = self._run(x)
        z = outputs[-1]
        delta = self.model.loss.gradient(z, self.model.loss.targets(y, len(z)))
        grads, deltas = {}, []
        for layer, keep in zip(reversed(self.model.layers), reversed(saved)):
            deltas.append(delta)
            delta, own = layer.backward(delta, keep, self._params)
            grads.update(own)
        return {spec.name: grads[spec.name] for spec in self.model.param_specs()}, deltas[::-1]

    def gradients(self, x, y) -> dict[str, np.ndarray]:
        """``d loss / d parameter`` for every parameter, in the params' order."""
        return self._backward(x, y)[0]

    def deltas(self, x, y) -> list[np.ndarray]:
        """``d loss / d output`` of every layer, in order: what backward passes along."""
        return self._backward(x, y)[1]

    def step(self, x, y, lr: float = 0.01) -> float:
        """One step of plain gradient descent; returns the loss before it."""
        loss = self.loss(x, y)
        for name, grad in self.gradients(x, y).items():
            self._params[name] = self._params[name] - lr * grad
        return loss
