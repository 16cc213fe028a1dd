"""What a peer framework (JAX, PyTensor, tinygrad) must offer to run a symnet model, and the
walk that builds its training step from the model's graph.

Each layer kind says how it computes in a peer (``Layer.peer_forward``), and each loss
(``LossFunction.peer_loss``), in terms of the primitives of :class:`Ops` and the arrays'
own arithmetic; each peer implements :class:`Ops` once (:mod:`symnet.peers.jax_step`,
``pytensor_step``, ``tinygrad_step``). The update is the optimizer's own rule, the same
SymPy formulas the C is printed from, evaluated over the peer's arrays by the tree walk of
:mod:`symnet.formulas` (nothing is generated as code). The peer differentiates by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..formulas import Backend, evaluate, fold


class Unsupported(Exception):
    """A model or optimizer this peer cannot run; the message is the reason the table prints."""


@dataclass
class PeerRun:
    """A training step's context in a peer: the minibatch's size (``batch``), the running statistics (``buffers``, peer arrays by
    name) that BatchNorm reads and whose new values it sets into ``updates``, and the Dropout
    scales (``masks``: keep mask / (1 - p) per layer name, peer arrays of the batch's shape)."""

    batch: int
    buffers: dict = field(default_factory=dict)
    masks: dict = field(default_factory=dict)
    updates: dict = field(default_factory=dict)


class Ops:
    """The primitives a peer implements; layers combine them with ``+ - * /`` of the arrays.

    Arrays are batch first, pictures NCHW, weights in PyTorch's layouts, as in symnet."""

    name = "peer"
    backend: Backend   # the formula walk's functions over this peer's arrays

    def relu(self, x):
        raise NotImplementedError

    def sigmoid(self, x):
        raise NotImplementedError

    def tanh(self, x):
        raise NotImplementedError

    def sqrt(self, x):
        raise NotImplementedError

    def dense(self, x, weight):
        """``x @ weight.T``: weight (out, in)."""
        raise NotImplementedError

    def conv2d(self, x, weight, stride: tuple[int, int], padding: tuple[int, int]):
        """Cross-correlation (no flip), zero padding on every side, weight (out, in, kh, kw)."""
        raise NotImplementedError

    def reshape(self, x, shape: tuple):
        raise NotImplementedError

    def concat(self, arrays: list, axis: int):
        raise NotImplementedError

    def mean(self, x, axes: tuple):
        """The mean over ``axes`` (all axes when empty), without keeping them."""
        raise NotImplementedError

    def maximum(self, a, b):
        raise NotImplementedError

    def log_softmax(self, z):
        """log softmax over the last axis."""
        raise NotImplementedError

    def pad_edge(self, x, bottom: int, right: int, value: float):
        """``x`` (NCHW) with ``bottom`` rows and ``right`` columns of ``value`` added."""
        raise NotImplementedError

    def window_slice(self, x, u: int, v: int, stride, out_hw):
        """The input value at offset ``(u, v)`` of every output's window: ``(n, c, oh, ow)``."""
        (sh, sw), (oh, ow) = stride, out_hw
        return x[:, :, u:u + sh * (oh - 1) + 1:sh, v:v + sw * (ow - 1) + 1:sw]

    # Pools over windows, from strided slices: a peer with a native pool overrides them.
    def max_pool(self, x, kernel, stride, out_hw, overhang):
        """The largest value of each window; ``overhang`` (rows, columns) past the bottom and
        right edge (ceil mode's partial windows) is padded with -inf, which never wins."""
        if any(overhang):
            x = self.pad_edge(x, *overhang, -np.inf)
        return fold(self.maximum, [self.window_slice(x, u, v, stride, out_hw)
                                   for u in range(kernel[0]) for v in range(kernel[1])])

    def avg_pool(self, x, kernel, stride, out_hw):
        """The mean of each window (windows inside the picture only)."""
        total = fold(lambda a, b: a + b, [self.window_slice(x, u, v, stride, out_hw)
                                          for u in range(kernel[0]) for v in range(kernel[1])])
        return total * (1.0 / (kernel[0] * kernel[1]))


def select_with(where, nan):
    """A formula Backend's ``select`` (the first choice whose condition holds, NaN where none
    does) from a peer's ``where(condition, a, b)``."""
    def select(conditions, choices):
        result = nan
        for condition, choice in reversed(list(zip(conditions, choices))):
            result = where(condition, choice, result)
        return result

    return select


def forward(model, ops: Ops, params: dict, x, run: PeerRun):
    """The model's outputs (before the loss) for ``x``: each node's peer rule applied to the
    tensors it reads, in the graph's order."""
    graph = model.graph
    values = {graph.input_name: x}
    for node in graph.nodes:
        values[node.name] = node.layer.peer_forward(ops, [values[name] for name in node.inputs], params, run)
    return values[graph.output]


def batch_loss(model, ops: Ops, params: dict, x, t, run: PeerRun):
    """The batch's loss as the model's loss defines it."""
    return model.loss.peer_loss(ops, forward(model, ops, params, x, run), t)


def update(optimizer, ops: Ops, param, grad, state: dict, step):
    """One update of ``param`` by ``optimizer``'s rule, evaluated over the peer's arrays:
    ``state`` (name -> array) is replaced by the new state; returns the new parameter.
    ``step`` is the optimizer's step count t (1 on the first update), a peer scalar."""
    from ..optim.rule import _folded

    symbols = optimizer.symbols()
    values = {symbols["p"]: param, symbols["g"]: grad, symbols["t"]: step}
    values.update({symbols[name]: float(value) for name, value in optimizer.hyper.items()})
    values.update({symbols[name]: state[name] for name in optimizer.rule_state()})
    for target, formula in _folded(optimizer.rule()):
        values[symbols[target]] = evaluate(formula, values, ops.backend)
    state.update({name: values[symbols[name]] for name in optimizer.rule_state()})
    return values[symbols["p"]]


def dropout_scales(model, step: int, count: int) -> dict[str, np.ndarray]:
    """symnet's Dropout scales (keep mask / (1 - p)) of step ``step`` for ``count`` samples, in
    float32, by layer name: the peers read them as inputs so that their step is symnet's."""
    scales = {node.name: node.layer.peer_scale(step, count) for node in model.graph.nodes}
    return {name: scale.astype(np.float32) for name, scale in scales.items() if scale is not None}
