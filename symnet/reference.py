"""The NumPy reference interpreter: the living definition of what a model computes.

It shares only the declaration (the graph) with the compiler. Layer mechanics
(convolution, pooling, dense, joins, losses) are written directly in NumPy inside each
layer kind; activations are evaluated from their SymPy formulas and their derived
derivatives. Backward walks the graph in reverse and sums, for a tensor that several
layers read, what each sends back. Everything runs in float64.

Like the compiled net it has a mode (``train()``, ``eval()``, ``training``), running
statistics (``buffers``) that every forward in training mode updates (once for each call
of ``forward``, ``activations``, ``loss``, ``gradients``, ``deltas`` and ``step``, as a
PyTorch module's forward does), and a step count that keys Dropout's masks.
"""

from __future__ import annotations

import numpy as np

from .layers.base import RunState
from .model import Model
from .export import Leaving
from .modes import Mode
from .optim.reference import ReferenceTraining


class Reference(ReferenceTraining, Mode, Leaving):
    """Runs a model in NumPy: ``forward``, ``activations``, ``loss``, ``gradients``, and
    ``step`` with an optimizer (default ``sn.SGD()``) evaluated from its formulas."""

    def __init__(self, model: Model, params: dict | None = None, buffers: dict | None = None, optimizer=None):
        if not isinstance(model, Model):
            raise TypeError(f"model: expected a sn.Model or sn.Sequential, got {type(model).__name__}")
        self.model = model
        self._start_optimizer(optimizer)
        self.params = model.init_params() if params is None else params
        self.buffers = model.init_buffers() if buffers is None else buffers
        self.training = True

    @property
    def buffers(self) -> dict[str, np.ndarray]:
        """The running statistics (BatchNorm's), by name."""
        return {name: value.copy() for name, value in self._buffers.items()}

    @buffers.setter
    def buffers(self, value: dict) -> None:
        self._buffers = {name: array.astype(np.float64) for name, array in self.model.check_buffers(value).items()}

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self._params

    @params.setter
    def params(self, value: dict) -> None:
        checked = self.model.check_params(value)
        self._params = {name: array.astype(np.float64) for name, array in checked.items()}
        self._reset_training()

    def _run(self, x, training: bool | None = None) -> tuple[dict[str, np.ndarray], dict]:
        """Every tensor's value by name, and what each layer keeps for backward; in the
        reference's mode unless ``training`` says. In training mode the running statistics
        are updated from the batch's, as a PyTorch module's forward updates them."""
        graph = self.model.graph
        training = self.training if training is None else training
        run = RunState(training, self.step_count, self._buffers, update=training)
        values = {graph.input_name: self.model.check_inputs(x)}
        saved = {}
        for node in graph.nodes:
            inputs = [values[name] for name in node.inputs]
            values[node.name], saved[node.name] = node.layer.evaluate(inputs, self._params, run) \
                if node.layer.uses_run else node.layer.evaluate(inputs, self._params)
        self._buffers.update(run.updates)
        return values, saved

    def forward(self, x) -> np.ndarray:
        """The outputs before the loss (logits), shape ``(n, *output_shape)``."""
        return self._run(x)[0][self.model.graph.output]

    def predict(self, x) -> np.ndarray:
        """Class indices for a classifier, the outputs otherwise; in eval mode."""
        z = self._run(x, training=False)[0][self.model.graph.output]
        return z.argmax(axis=1) if self.model.loss.classifies else z

    def activations(self, x) -> list[np.ndarray]:
        """The output of every layer after the Input, in order."""
        values = self._run(x)[0]
        return [values[layer.name] for layer in self.model.layers]

    def loss(self, x, y) -> float:
        """The batch-mean loss of inputs ``x`` against targets ``y``."""
        z = self.forward(x)
        return self.model.loss.value(z, self.model.loss.targets(y, len(z)))

    def _backward(self, x, y) -> tuple[dict, dict, float]:
        """Every parameter's gradient, every tensor's (d loss / d it) by name, and the loss:
        one forward and one backward pass."""
        graph = self.model.graph
        values, saved = self._run(x)
        z = values[graph.output]
        targets = self.model.loss.targets(y, len(z))
        deltas = {graph.output: self.model.loss.gradient(z, targets)}
        grads = {}
        for node in reversed(graph.nodes):
            sent, own = node.layer.pull_back(deltas[node.name], saved[node.name], self._params)
            grads.update(own)
            for name, delta in zip(node.inputs, sent):
                deltas[name] = delta if name not in deltas else deltas[name] + delta   # the sum over readers
        return {spec.name: grads[spec.name] for spec in self.model.param_specs()}, deltas, \
            self.model.loss.value(z, targets)

    def gradients(self, x, y) -> dict[str, np.ndarray]:
        """``d loss / d parameter`` for every parameter, in the params' order."""
        return self._backward(x, y)[0]

    def deltas(self, x, y) -> list[np.ndarray]:
        """``d loss / d output`` of every layer, in order: what backward passes along."""
        deltas = self._backward(x, y)[1]
        return [deltas[layer.name] for layer in self.model.layers]
