"""tinygrad as a peer: its CPU device (C kernels compiled by clang), the whole training step
(forward, ``Tensor.gradient``, the update assigned in place) under one ``TinyJit``."""

from __future__ import annotations

import operator
import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p

from ..formulas import Backend, fold
from .ops import Ops, PeerRun, batch_loss, update

NAME = "tinygrad"


def thread_env(threads: int) -> dict[str, str]:
    """tinygrad's CPU device, and its kernels' thread count (NUM_CPU_THREADS); read when
    tinygrad is first imported, so the worker process is started with them."""
    return {"DEV": "CPU", "NUM_CPU_THREADS": str(threads)}


# tinygrad's namesake of each function a formula may hold; one it lacks (erfc, atan2,
# Heaviside, log1p) leaves the row "n/a" with the function named.
_NAMES = {sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.asin: "asin",
          sp.acos: "acos", sp.atan: "atan", sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.asinh: "asinh",
          sp.acosh: "acosh", sp.atanh: "atanh", sp.erf: "erf", sp.Abs: "abs", sp.sign: "sign", sp.floor: "floor",
          sp.ceiling: "ceil"}
_RELATIONS = {sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge, sp.StrictLessThan: operator.lt,
              sp.LessThan: operator.le, sp.Eq: operator.eq, sp.Ne: operator.ne}


class TinygradOps(Ops):
    """symnet's primitives as tinygrad Tensor methods."""

    name = NAME

    def __init__(self):
        from tinygrad import Tensor

        self.Tensor = Tensor
        functions = {function: getattr(Tensor, name) for function, name in _NAMES.items()}
        functions.update(_RELATIONS)
        functions.update({sp.Max: lambda *args: fold(self._maximum, args),
                          sp.Min: lambda *args: fold(self._minimum, args),
                          sp.And: lambda *args: fold(operator.and_, args), sp.Or: lambda *args: fold(operator.or_, args),
                          sp.Not: lambda x: x.logical_not()})
        if not hasattr(Tensor, "log1p"):
            functions.pop(log1p, None)

        def select(conditions, choices):
            result = float("nan")
            for condition, choice in reversed(list(zip(conditions, choices))):
                if isinstance(condition, (bool, np.bool_)):
                    result = choice if condition else result
                else:
                    result = condition.where(choice, result)
            return result

        self.backend = Backend(functions=functions, add=operator.add, multiply=operator.mul, power=operator.pow,
                               number=float, boolean=bool, select=select)

    def _maximum(self, a, b):
        return a.maximum(b) if isinstance(a, self.Tensor) else self.Tensor(a).maximum(b) if not isinstance(b, self.Tensor) \
            else b.maximum(a)

    def _minimum(self, a, b):
        return a.minimum(b) if isinstance(a, self.Tensor) else b.minimum(a)

    def relu(self, x):
        return x.relu()

    def sigmoid(self, x):
        return x.sigmoid()

    def tanh(self, x):
        return x.tanh()

    def sqrt(self, x):
        return x.sqrt()

    def dense(self, x, weight):
        return x.matmul(weight.T)

    def conv2d(self, x, weight, stride, padding):
        (ph, pw) = padding
        return x.conv2d(weight, stride=stride, padding=(pw, pw, ph, ph))   # tinygrad: (left, right, top, bottom)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def concat(self, arrays, axis):
        return arrays[0].cat(*arrays[1:], dim=axis)

    def mean(self, x, axes):
        return x.mean(axis=axes or None)

    def maximum(self, a, b):
        return a.maximum(b)

    def log_softmax(self, z):
        return z.log_softmax(axis=-1)

    def pad_edge(self, x, bottom, right, value):
        return x.pad(((0, 0), (0, 0), (0, bottom), (0, right)), value=value)

    def max_pool(self, x, kernel, stride, out_hw, overhang):   # tinygrad's pool; the overhang as -inf padding
        if any(overhang):
            x = self.pad_edge(x, *overhang, float("-inf"))
        return x.max_pool2d(kernel, stride)

    def avg_pool(self, x, kernel, stride, out_hw):
        return x.avg_pool2d(kernel, stride)


class TinygradStep:
    """A model's training step in tinygrad, from ``params`` and ``buffers`` (NumPy, copied in float32)."""

    def __init__(self, model, optimizer, params: dict, buffers: dict, batch: int, masks: dict):
        from tinygrad import Device, Tensor, TinyJit

        ops = TinygradOps()
        self.how = f"whole step in one TinyJit on {Device.DEFAULT} ({type(Device[Device.DEFAULT].renderer).__name__})"
        self.model, self.batch, self.Tensor = model, batch, Tensor

        def tensor(value):
            return Tensor(np.ascontiguousarray(value, dtype=np.float32)).realize()

        self.params = {name: tensor(value) for name, value in params.items()}
        self.state = {name: {key: tensor(np.zeros_like(value)) for key in optimizer.rule_state()}
                      for name, value in params.items()}
        self.buffers = {name: tensor(value) for name, value in buffers.items()}
        self.masks = {name: tensor(value) for name, value in masks.items()}
        self.count = tensor(np.zeros(()))

        def loss_of(x, t):
            run = PeerRun(batch=batch, buffers=self.buffers, masks=self.masks)
            return batch_loss(model, ops, self.params, x, t, run), run.updates

        def step(x, t):
            loss, updates = loss_of(x, t)
            names = list(self.params)
            grads = loss.gradient(*(self.params[name] for name in names))
            count = self.count + 1.0
            written = []
            for name, grad in zip(names, grads):
                state = dict(self.state[name])
                new = update(optimizer, ops, self.params[name], grad, state, count)
                written.append(self.params[name].assign(new))
                written += [self.state[name][key].assign(value) for key, value in state.items()]
            written += [self.buffers[name].assign(value.detach()) for name, value in updates.items()]
            written.append(self.count.assign(count))
            Tensor.realize(loss, *written)
            return loss

        self._loss_of, self._step = loss_of, TinyJit(step)

    def bind(self, x: np.ndarray, t: np.ndarray) -> None:
        """Hold the batch that :meth:`step` trains on."""
        self.x, self.t = (self.Tensor(np.ascontiguousarray(a, dtype=np.float32)).realize() for a in (x, t))

    def step(self):
        """One training step on the bound batch, waited for."""
        self._step(self.x, self.t).numpy()

    def gradients(self, x, t) -> dict[str, np.ndarray]:
        """d loss / d parameter at the current parameters (without stepping)."""
        x, t = (self.Tensor(np.ascontiguousarray(a, dtype=np.float32)) for a in (x, t))
        loss, _ = self._loss_of(x, t)
        names = list(self.params)
        return {name: grad.numpy() for name, grad in zip(names, loss.gradient(*(self.params[n] for n in names)))}

    def load(self, params: dict) -> None:
        """Set the parameters (NumPy arrays by name), in place: the jitted step holds these buffers."""
        for name, value in self.params.items():
            value.assign(self.Tensor(np.ascontiguousarray(params[name], dtype=np.float32))).realize()

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: value.numpy() for name, value in self.params.items()}


def build(model, optimizer, params, buffers, batch, masks):
    """The peer's step for ``model`` (see :class:`TinygradStep`)."""
    return TinygradStep(model, optimizer, params, buffers, batch, masks)
