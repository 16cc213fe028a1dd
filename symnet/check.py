"""Check: hold the compiled net to the reference, and both to the math.

:func:`check` runs a compiled net and the NumPy reference side by side and names the
first layer of the graph that disagrees. Central finite differences depend on nothing but the
forward pass, so they judge any backward pass (and through it every derived partial)
independently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .reference import Reference
from .run import compile


def relative_error(a, b, floor: float = 0.0) -> float:
    """``|a - b| / max(|a|, |b|, floor)`` in the Euclidean norm; 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b), floor)
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - b) / scale)


def finite_difference_gradients(net, x, y, eps: float = 1e-5, names=None) -> dict[str, np.ndarray]:
    """Central differences ``(L(p + eps) - L(p - eps)) / 2 eps`` for every parameter element.

    The default step balances the two errors of a central difference in float64:
    truncation (eps**2) and rounding (machine epsilon / eps); their sum is smallest near
    machine epsilon ** (1/3), about 6e-6.

    ``net`` is anything with ``params`` and ``loss(x, y)`` (the reference, or a compiled net
    in float64); ``names`` limits the parameters differenced. Costs two loss evaluations
    per element, so it is meant for small models. The net's weights are set back
    afterwards, and so are its running statistics (``buffers``, when it has them), which
    every loss in training mode updates.
    """
    params = {name: np.array(value, dtype=np.float64) for name, value in net.params.items()}
    buffers = getattr(net, "buffers", None)
    grads = {}
    try:
        for name in names or list(params):
            grad = np.zeros_like(params[name])
            flat, out = params[name].reshape(-1), grad.reshape(-1)
            for index in range(flat.size):
                original = flat[index]
                flat[index] = original + eps
                net.params = params
                up = net.loss(x, y)
                flat[index] = original - eps
                net.params = params
                down = net.loss(x, y)
                flat[index] = original
                out[index] = (up - down) / (2 * eps)
            grads[name] = grad
    finally:
        net.params = params
        if buffers is not None:
            net.buffers = buffers
    return grads


TOLERANCE = {"float64": 1e-9, "float32": 1e-4}


@dataclass
class LayerReport:
    """The largest relative differences found for one layer."""

    name: str
    output: float = 0.0      # its output (activations)
    delta: float = 0.0       # d loss / d its output, which its backward receives
    gradient: float = 0.0    # its parameters' gradients (largest over weight and bias)
    stepped: float = 0.0     # its parameters after the SGD steps
    has_params: bool = False

    def worst(self) -> float:
        return max(self.output, self.delta, self.gradient, self.stepped)


@dataclass
class CheckReport:
    """Compiled net against reference: per-layer differences, the loss, and a verdict."""

    model_name: str
    dtype: str
    tolerance: float
    samples: int
    batch: int
    graph: object = None     # the model's graph (symnet.graph.Graph)
    layers: list[LayerReport] = field(default_factory=list)
    loss: float = 0.0

    @property
    def first_disagreement(self) -> str | None:
        """The first layer, in topological order, whose outputs disagree. Else, walking the
        graph backward from the loss, the first step that turns agreeing values into
        disagreeing ones: the loss if the output's gradient is off; a layer whose parameters'
        gradients are off; or, once every reader of a tensor has sent its part back, the
        readers of a tensor whose gradient is off (``conv2`` in a chain; ``add1 or conv3``
        where both read it, since only their sum is seen). Last, the first layer whose
        weights drift apart over the SGD steps (the update itself)."""
        tolerance = self.tolerance
        by_name = {layer.name: layer for layer in self.layers}
        for layer in self.layers:
            if layer.output > tolerance:
                return layer.name
        if self.loss > tolerance or by_name[self.graph.output].delta > tolerance:
            return "loss"
        for node in reversed(self.graph.nodes):
            if by_name[node.name].gradient > tolerance:
                return node.name
            for name in node.inputs:
                readers = self.graph.tensors[name].readers
                complete = readers[0][0] is node   # its first reader is the last to send its part
                if name in by_name and complete and by_name[name].delta > tolerance:
                    return " or ".join(reader.name for reader, _ in readers)
        for layer in self.layers:
            if layer.stepped > tolerance:
                return layer.name
        return None

    @property
    def ok(self) -> bool:
        return self.first_disagreement is None

    def __str__(self) -> str:
        lines = [f"check {self.model_name} ({self.dtype}, {self.samples} samples through a compiled batch of "
                 f"{self.batch}); largest relative differences, tolerance {self.tolerance:g}:",
                 f"  {'layer':12s} {'output':>10s} {'d output':>10s} {'gradient':>10s} {'after steps':>12s}"]
        for layer in self.layers:
            grads = f"{layer.gradient:10.2e}" if layer.has_params else f"{'-':>10s}"
            stepped = f"{layer.stepped:12.2e}" if layer.has_params else f"{'-':>12s}"
            lines.append(f"  {layer.name:12s} {layer.output:10.2e} {layer.delta:10.2e} {grads} {stepped}")
        lines.append(f"  {'loss':12s} {self.loss:10.2e}")
        culprit = self.first_disagreement
        lines.append("OK: the compiled net agrees with the reference" if culprit is None
                     else f"DISAGREES: first at {culprit}")
        return "\n".join(lines)


def check(model, dtype: str = "float64", batch: int = 8, seed: int = 0, steps: int = 3, lr: float = 0.05,
          samples: int | None = None, net=None) -> CheckReport:
    """Run the compiled net and the reference side by side on random inputs.

    Compares every layer's outputs, the loss, every gradient, and the weights (and running
    statistics) after ``steps`` steps of the net's optimizer (SGD for a new net), on ``samples`` inputs (by default 1.5 compiled
    batches, so the remainder path is exercised; one compiled batch in training mode when a
    layer's statistics span the minibatch, BatchNorm's). Both take the same calls, so in
    training mode both update their running statistics as many times. ``net`` reuses an
    already compiled net, in its mode and with its optimizer, from fresh weights; its
    weights, running statistics, optimizer state and step counts are set back as they were
    afterwards. A new one is in training mode.
    """
    if net is None:
        return _check(model, dtype, batch, seed, steps, lr, samples, None)
    kept = (net.params, net.buffers, net.optimizer_state, net.step_count, net._optimizer_steps)
    try:
        return _check(model, dtype, batch, seed, steps, lr, samples, net)
    finally:
        params, buffers, state, step_count, optimizer_steps = kept
        net.params = params
        net._set_training_state(state, step_count, optimizer_steps)
        net.buffers = buffers


def _check(model, dtype, batch, seed, steps, lr, samples, net) -> CheckReport:
    training = True if net is None else net.training
    batch = batch if net is None else net.batch
    if samples is None:
        samples = batch if training and model.couples_samples else batch + batch // 2 + 1
    params = model.init_params(seed)
    rng = np.random.default_rng(seed)
    for name in params:  # nonzero biases so that every path carries signal
        params[name] = params[name] + rng.normal(0.0, 0.05, params[name].shape)
    if net is None:
        net = compile(model, batch=batch, dtype=dtype, params=params)
    else:
        net.params = params
    ref = Reference(model, params, net.buffers, optimizer=net.optimizer.copy()).train(training)
    x = rng.normal(size=(samples, *model.input_shape))
    y = model.loss.random_targets(rng, samples)
    report = CheckReport(model.name, net.dtype, TOLERANCE[net.dtype], samples, net.batch, model.graph)
    by_name = {}
    for layer, mine, theirs in zip(model.layers, net.activations(x), ref.activations(x)):
        by_name[layer.name] = LayerReport(layer.name, output=relative_error(mine, theirs))
        report.layers.append(by_name[layer.name])
    for layer, mine, theirs in zip(model.layers, net.deltas(x, y), ref.deltas(x, y)):
        by_name[layer.name].delta = relative_error(mine, theirs)
    mine_loss, theirs_loss = net.loss(x, y), ref.loss(x, y)
    report.loss = abs(mine_loss - theirs_loss) / max(abs(theirs_loss), 1e-30)
    mine, theirs = net.gradients(x, y), ref.gradients(x, y)
    for _ in range(steps):
        net.step(x, y, lr=lr)
        ref.step(x, y, lr=lr)
    after_mine, after_theirs = net.params, ref.params
    # A gradient that is 0 in exact arithmetic (a bias before a BatchNorm, which subtracts it
    # again) is rounding noise on both sides: it is judged against the model's largest
    # gradient, scaled by the square root of the tolerance, rather than against itself.
    floor = np.sqrt(report.tolerance) * max((np.linalg.norm(grad) for grad in theirs.values()), default=0.0)
    for spec in model.param_specs():
        layer = by_name[spec.layer]
        layer.has_params = True
        layer.gradient = max(layer.gradient, relative_error(mine[spec.name], theirs[spec.name], floor))
        layer.stepped = max(layer.stepped, relative_error(after_mine[spec.name], after_theirs[spec.name]))
    buffers_mine, buffers_theirs = net.buffers, ref.buffers
    for spec in model.buffer_specs():   # the running statistics both kept
        layer = by_name[spec.layer]
        layer.stepped = max(layer.stepped, relative_error(buffers_mine[spec.name], buffers_theirs[spec.name]))
    return report
