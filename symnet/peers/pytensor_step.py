"""PyTensor as a peer: the training step as one ``pytensor.function`` whose updates write the
parameters, the optimizer's state and the running statistics (shared variables), compiled
in FAST_RUN with the C virtual machine (``cvm``), which runs each node's C code.

PyTensor 3 has no 2-D convolution or pooling of its own, so a convolution is written as
its patches (strided slices of the padded input) times the weight, one matrix multiply
that PyTensor hands to BLAS, and a pool as the largest (or mean) of strided slices.
Without a BLAS to link (``blas__ldflags``), PyTensor computes its products through
NumPy in Python: the system OpenBLAS is used when one is installed and nothing else was
configured, and :attr:`PyTensorStep.how` names what was linked.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

import numpy as np
import sympy as sp

from ..formulas import Backend, fold
from .ops import Ops, PeerRun, batch_loss, update

NAME = "PyTensor"


def blas_flags() -> str | None:
    """The linker flags for the system OpenBLAS (``-lopenblas``), if the library is installed."""
    return "-lopenblas" if ctypes.util.find_library("openblas") else None


def thread_env(threads: int) -> dict[str, str]:
    """PyTensor's C code runs on one thread (no OpenMP); its BLAS calls take OPENBLAS_NUM_THREADS
    and OMP_NUM_THREADS, which the benchmark's worker is started with. Adds the BLAS to
    PYTENSOR_FLAGS when none is configured."""
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    env = {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    if "blas__ldflags" not in flags and blas_flags():
        env["PYTENSOR_FLAGS"] = ",".join(filter(None, [flags, f"blas__ldflags={blas_flags()}", "openmp=False"]))
    return env


def _configure() -> None:
    """The BLAS flags in the environment before PyTensor is first imported (it reads them once)."""
    if "pytensor" not in sys.modules:
        os.environ.update({key: value for key, value in thread_env(1).items() if key == "PYTENSOR_FLAGS"})


class PyTensorOps(Ops):
    """symnet's primitives as PyTensor graph operations."""

    name = NAME

    def __init__(self):
        _configure()
        import pytensor.tensor as pt
        self.pt = pt
        names = {sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.asin: "arcsin",
                 sp.acos: "arccos", sp.atan: "arctan", sp.atan2: "arctan2", sp.sinh: "sinh", sp.cosh: "cosh",
                 sp.tanh: "tanh", sp.asinh: "arcsinh", sp.acosh: "arccosh", sp.atanh: "arctanh", sp.erf: "erf",
                 sp.erfc: "erfc", sp.Abs: "abs", sp.sign: "sign", sp.floor: "floor", sp.ceiling: "ceil",
                 sp.StrictGreaterThan: "gt", sp.GreaterThan: "ge", sp.StrictLessThan: "lt", sp.LessThan: "le",
                 sp.Eq: "eq", sp.Ne: "neq", sp.Not: "invert"}
        from sympy.codegen.cfunctions import log1p

        names[log1p] = "log1p"
        functions = {function: getattr(pt, name) for function, name in names.items() if hasattr(pt, name)}
        functions.update({sp.Max: lambda *args: fold(pt.maximum, args), sp.Min: lambda *args: fold(pt.minimum, args),
                          sp.And: lambda *args: fold(pt.and_, args), sp.Or: lambda *args: fold(pt.or_, args)})

        def select(conditions, choices):
            result = np.float32(np.nan)
            for condition, choice in reversed(list(zip(conditions, choices))):
                if isinstance(condition, (bool, np.bool_)):   # a constant condition (the last branch's True)
                    result = choice if condition else result
                else:
                    result = pt.switch(condition, choice, result)
            return result

        self.backend = Backend(functions=functions, add=lambda a, b: a + b, multiply=lambda a, b: a * b,
                               power=lambda a, b: a ** b, number=float, boolean=bool, select=select)

    def relu(self, x):
        return self.pt.maximum(x, 0.0)

    def sigmoid(self, x):
        return self.pt.sigmoid(x)

    def tanh(self, x):
        return self.pt.tanh(x)

    def sqrt(self, x):
        return self.pt.sqrt(x)

    def dense(self, x, weight):
        return self.pt.dot(x, weight.T)

    def conv2d(self, x, weight, stride, padding):
        # patches[n, r, c, (i, u, v)] · weight[o, (i, u, v)]: one (n·oh·ow) x (i·kh·kw) by (i·kh·kw) x o product
        (ph, pw), (out, channels, kh, kw) = padding, weight.type.shape
        if ph or pw:
            x = self._pad(x, (ph, ph), (pw, pw), 0.0)
        n, _, height, width = x.type.shape
        out_hw = ((height - kh) // stride[0] + 1, (width - kw) // stride[1] + 1)
        patches = self.pt.stack([self.window_slice(x, u, v, stride, out_hw) for u in range(kh) for v in range(kw)], axis=2)
        columns = patches.transpose(0, 3, 4, 1, 2).reshape((n * out_hw[0] * out_hw[1], channels * kh * kw))
        y = self.pt.dot(columns, weight.reshape((out, channels * kh * kw)).T)
        return y.reshape((n, out_hw[0], out_hw[1], out)).transpose(0, 3, 1, 2)

    def reshape(self, x, shape):
        if shape[0] == -1:   # PyTensor keeps static shapes only from whole numbers
            shape = (x.type.shape[0], *shape[1:])
        return x.reshape(shape)

    def concat(self, arrays, axis):
        return self.pt.concatenate(arrays, axis=axis)

    def mean(self, x, axes):
        return self.pt.mean(x, axis=axes or None)

    def maximum(self, a, b):
        return self.pt.maximum(a, b)

    def log_softmax(self, z):
        # Written out: PyTensor's LogSoftmax op has no C code, these reductions do.
        shifted = z - self.pt.max(z, axis=-1, keepdims=True)
        return shifted - self.pt.log(self.pt.sum(self.pt.exp(shifted), axis=-1, keepdims=True))

    def pad_edge(self, x, bottom, right, value):
        return self._pad(x, (0, bottom), (0, right), value)

    def _pad(self, x, rows, columns, value):
        """``x`` (NCHW) inside a frame of ``value``: written into a filled array (IncSubtensor,
        C code) rather than by ``pt.pad``, which runs in Python and loses the static shape."""
        n, channels, height, width = x.type.shape
        frame = self.pt.full((n, channels, height + sum(rows), width + sum(columns)), np.float32(value), dtype=x.dtype)
        return self.pt.set_subtensor(frame[:, :, rows[0]:rows[0] + height, columns[0]:columns[0] + width], x)


class PyTensorStep:
    """A model's training step in PyTensor, from ``params`` and ``buffers`` (NumPy, copied in float32)."""

    def __init__(self, model, optimizer, params: dict, buffers: dict, batch: int, masks: dict):
        _configure()
        import pytensor

        # Python numbers in the graph (BatchNorm's momentum, the optimizer's hyperparameters)
        # become float32 constants, not float64 ones that would carry the step into float64.
        with pytensor.config.change_flags(floatX="float32"):
            self._build(model, optimizer, params, buffers, batch, masks)

    def _build(self, model, optimizer, params, buffers, batch, masks):
        ops = PyTensorOps()
        import pytensor
        import pytensor.tensor as pt
        from pytensor.compile.mode import Mode

        def shared(value, name):
            return pytensor.shared(np.asarray(value, dtype=np.float32), name=name, shape=np.shape(value))

        self.params = {name: shared(value, name) for name, value in params.items()}
        state = {name: {key: shared(np.zeros_like(value), f"{name}.{key}") for key in optimizer.rule_state()}
                 for name, value in params.items()}
        self.buffers = {name: shared(value, name) for name, value in buffers.items()}
        count = shared(np.zeros(()), "t")
        x = pt.tensor("x", dtype="float32", shape=(batch, *model.input_shape))
        targets = model.loss.peer_targets(model.loss.random_targets(np.random.default_rng(0), batch))
        t = pt.tensor("t", dtype="float32", shape=targets.shape)
        run = PeerRun(batch=batch, buffers=self.buffers, masks={k: pt.constant(v) for k, v in masks.items()})
        loss = batch_loss(model, ops, self.params, x, t, run)
        names = list(self.params)
        grads = pytensor.grad(loss, [self.params[name] for name in names])
        updates, next_count = [], count + 1.0
        for name, grad in zip(names, grads):
            new_state = {key: value for key, value in state[name].items()}
            new = update(optimizer, ops, self.params[name], grad, new_state, next_count)
            updates.append((self.params[name], pt.cast(new, "float32")))
            updates += [(state[name][key], pt.cast(value, "float32")) for key, value in new_state.items()]
        updates += [(self.buffers[name], pt.cast(value, "float32")) for name, value in run.updates.items()]
        updates.append((count, next_count))
        self.mode = Mode(linker="cvm", optimizer="fast_run")
        self._step = pytensor.function([x, t], loss, updates=updates, mode=self.mode)
        self._names, self._grads = names, lambda: pytensor.function([x, t], grads, mode=self.mode)
        self.how = self.describe(pytensor)

    def describe(self, pytensor) -> str:
        """How the step runs: the linker, which nodes run C code (the cvm's C thunks) and which
        Python, and the BLAS."""
        nodes, thunks = self._step.maker.fgraph.toposort(), self._step.vm.thunks
        python = sorted({type(node.op).__name__ for node, thunk in zip(nodes, thunks) if not hasattr(thunk, "cthunk")})
        blas = pytensor.config.blas__ldflags or "none (products through NumPy)"
        return (f"one pytensor.function, {type(self._step.maker.linker).__name__} cvm, "
                f"{len(nodes) - len(python)} of {len(nodes)} nodes in C" + (f" (Python: {', '.join(python)})" if python else "")
                + f", BLAS {blas}")

    def bind(self, x: np.ndarray, t: np.ndarray) -> None:
        """Hold the batch that :meth:`step` trains on."""
        self.x, self.t = np.ascontiguousarray(x, np.float32), np.ascontiguousarray(t, np.float32)

    def step(self):
        """One training step on the bound batch."""
        self._step(self.x, self.t)

    def gradients(self, x, t) -> dict[str, np.ndarray]:
        """d loss / d parameter at the current parameters (without stepping)."""
        if not hasattr(self, "_grads_function"):   # compiled when first asked for: the benchmark's check
            self._grads_function = self._grads()
        values = self._grads_function(np.asarray(x, np.float32), np.asarray(t, np.float32))
        return dict(zip(self._names, (np.asarray(value) for value in values)))

    def load(self, params: dict) -> None:
        """Set the parameters (NumPy arrays by name)."""
        for name, value in self.params.items():
            value.set_value(np.asarray(params[name], dtype=np.float32))

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: value.get_value() for name, value in self.params.items()}


def build(model, optimizer, params, buffers, batch, masks):
    """The peer's step for ``model`` (see :class:`PyTensorStep`)."""
    return PyTensorStep(model, optimizer, params, buffers, batch, masks)
