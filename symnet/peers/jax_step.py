"""JAX as a peer: the whole training step (forward, gradient, update) under one ``jax.jit``,
the parameters, the optimizer's state and the running statistics donated to it, so XLA
updates them in place as symnet's C does."""

from __future__ import annotations

import numpy as np

from ..formulas import Backend, fold
from ..formulas import FUNCTIONS as NUMPY_FUNCTIONS
from ..formulas import LOGIC, RELATIONS
from .ops import Ops, PeerRun, batch_loss, update

NAME = "JAX"


def thread_env(threads: int) -> dict[str, str]:
    """XLA's CPU flags for ``threads``: Eigen's thread pool off for one thread; read when jax
    is first imported, so the worker process is started with them."""
    if threads == 1:
        return {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}
    return {"XLA_FLAGS": f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={threads}"}


class JaxOps(Ops):
    """symnet's primitives in jax.numpy and jax.lax."""

    name = NAME

    def __init__(self):
        import jax
        import jax.numpy as jnp

        self.jax, self.jnp = jax, jnp
        # jax.numpy mirrors NumPy's names, so the formula walk's functions map one to one
        # (erf and erfc from jax.scipy); NaN where no branch of a Piecewise holds, as NumPy.
        names = {function: getattr(jnp, getattr(implementation, "__name__", ""), None)
                 for function, implementation in {**NUMPY_FUNCTIONS, **RELATIONS, **LOGIC}.items()}
        import sympy as sp

        names.update({sp.erf: jax.scipy.special.erf, sp.erfc: jax.scipy.special.erfc, sp.Not: jnp.logical_not,
                      sp.Max: lambda *args: fold(jnp.fmax, args), sp.Min: lambda *args: fold(jnp.fmin, args),
                      sp.Heaviside: lambda x, h0=0.5: jnp.heaviside(x, h0)})
        functions = {key: value for key, value in names.items() if value is not None}

        def select(conditions, choices):
            result = jnp.nan
            for condition, choice in reversed(list(zip(conditions, choices))):
                result = jnp.where(condition, choice, result)
            return result

        self.backend = Backend(functions=functions, add=jnp.add, multiply=jnp.multiply, power=jnp.power,
                               number=float, boolean=bool, select=select)

    def relu(self, x):
        return self.jax.nn.relu(x)

    def sigmoid(self, x):
        return self.jax.nn.sigmoid(x)

    def tanh(self, x):
        return self.jnp.tanh(x)

    def sqrt(self, x):
        return self.jnp.sqrt(x)

    def dense(self, x, weight):
        return x @ weight.T

    def conv2d(self, x, weight, stride, padding):
        (ph, pw) = padding
        return self.jax.lax.conv_general_dilated(x, weight, stride, [(ph, ph), (pw, pw)],
                                                 dimension_numbers=("NCHW", "OIHW", "NCHW"))

    def reshape(self, x, shape):
        return self.jnp.reshape(x, shape)

    def concat(self, arrays, axis):
        return self.jnp.concatenate(arrays, axis=axis)

    def mean(self, x, axes):
        return self.jnp.mean(x, axis=axes or None)

    def maximum(self, a, b):
        return self.jnp.maximum(a, b)

    def log_softmax(self, z):
        return self.jax.nn.log_softmax(z, axis=-1)

    def pad_edge(self, x, bottom, right, value):
        return self.jnp.pad(x, ((0, 0), (0, 0), (0, bottom), (0, right)), constant_values=value)

    def max_pool(self, x, kernel, stride, out_hw, overhang):   # one reduce_window; the overhang as -inf padding
        (bottom, right) = overhang
        return self.jax.lax.reduce_window(x, -self.jnp.inf, self.jax.lax.max, (1, 1, *kernel), (1, 1, *stride),
                                          ((0, 0), (0, 0), (0, bottom), (0, right)))

    def avg_pool(self, x, kernel, stride, out_hw):
        total = self.jax.lax.reduce_window(x, 0.0, self.jax.lax.add, (1, 1, *kernel), (1, 1, *stride), "VALID")
        return total * (1.0 / (kernel[0] * kernel[1]))


class JaxStep:
    """A model's training step in JAX, from ``params`` and ``buffers`` (NumPy, copied in float32)."""

    def __init__(self, model, optimizer, params: dict, buffers: dict, batch: int, masks: dict):
        ops = JaxOps()
        jax, jnp = ops.jax, ops.jnp
        self.model, self.batch = model, batch
        self.how = "whole step in one jax.jit, parameters, optimizer state and statistics donated"

        def loss_of(params, buffers, x, t, masks):
            run = PeerRun(batch=batch, buffers=buffers, masks=masks)
            return batch_loss(model, ops, params, x, t, run), run.updates

        def step(params, state, buffers, count, x, t, masks):
            (loss, new_buffers), grads = jax.value_and_grad(loss_of, has_aux=True)(params, buffers, x, t, masks)
            count = count + 1.0
            new_params, new_state = {}, {}
            for name in params:
                new_state[name] = dict(state[name])
                new_params[name] = update(optimizer, ops, params[name], grads[name], new_state[name], count)
            return new_params, new_state, new_buffers, count, loss

        self._step = jax.jit(step, donate_argnums=(0, 1, 2))
        self._grad = jax.jit(jax.grad(lambda *args: loss_of(*args)[0]))
        self.params = {name: jnp.asarray(value, jnp.float32) for name, value in params.items()}
        self.state = {name: {key: jnp.zeros_like(value) for key in optimizer.rule_state()}
                      for name, value in self.params.items()}
        self.buffers = {name: jnp.asarray(value, jnp.float32) for name, value in buffers.items()}
        self.count = jnp.asarray(0.0, jnp.float32)
        self.masks = {name: jnp.asarray(value) for name, value in masks.items()}

    def bind(self, x: np.ndarray, t: np.ndarray) -> None:
        """Hold the batch that :meth:`step` trains on (on the device)."""
        self.x, self.t = self.jnp_array(x), self.jnp_array(t)

    def jnp_array(self, value):
        import jax.numpy as jnp

        return jnp.asarray(value)

    def step(self):
        """One training step on the bound batch, waited for."""
        self.params, self.state, self.buffers, self.count, loss = self._step(
            self.params, self.state, self.buffers, self.count, self.x, self.t, self.masks)
        loss.block_until_ready()

    def gradients(self, x, t) -> dict[str, np.ndarray]:
        """d loss / d parameter at the current parameters (without stepping)."""
        grads = self._grad(self.params, self.buffers, self.jnp_array(x), self.jnp_array(t), self.masks)
        return {name: np.asarray(value) for name, value in grads.items()}

    def load(self, params: dict) -> None:
        """Set the parameters (NumPy arrays by name)."""
        self.params = {name: self.jnp_array(np.asarray(params[name], np.float32)) for name in self.params}

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: np.array(value) for name, value in self.params.items()}   # copies: the next step donates them


def build(model, optimizer, params, buffers, batch, masks):
    """The peer's step for ``model`` (see :class:`JaxStep`)."""
    return JaxStep(model, optimizer, params, buffers, batch, masks)
