"""Dropout, with masks from a counter-based generator.

A mask is not drawn from a stream that advances as it is used: each element's uniform
number is a hash of its key, (the layer's seed and name, the optimizer step, the sample's
index within the minibatch, the element), so it is the same whatever the thread count or
the chunking, and the NumPy reference draws exactly the masks the C draws. The hash is
splitmix64's (Steele, Lea and Flood): :func:`uniforms` here, ``sn_uniform`` in the C
(``templates/helpers/keyed_random.c.j2``), the same integer arithmetic modulo 2**64.
"""

from __future__ import annotations

import hashlib
import math
import numbers

import numpy as np
import sympy as sp

from ..printer import CPrinter, elementwise
from .base import DeclarationError, Layer, Partial, Shape, Symbols, register

GOLDEN = 0x9E3779B97F4A7C15   # splitmix64's increment: 2**64 / the golden ratio, odd
MASK64 = (1 << 64) - 1


def fmix(z):
    """splitmix64's finalizer, a bijection of 64-bit integers; ``z`` a Python int or a uint64 array."""
    if isinstance(z, np.ndarray):
        with np.errstate(over="ignore"):
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            return z ^ (z >> np.uint64(31))
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def layer_key(seed: int, name: str) -> int:
    """The key of one Dropout layer: its seed mixed with a hash of its name, so two layers
    of one model draw different masks."""
    salt = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return fmix((seed * GOLDEN + salt) & MASK64)


def uniforms(key: int, step: int, samples: np.ndarray, elements: int) -> np.ndarray:
    """Uniform numbers in [0, 1), shape ``(len(samples), elements)``: element e of sample s
    is the (e+1)-th output of splitmix64 started from ``fmix(fmix(key + step·G) + s·G)``,
    its top 53 bits scaled by 2**-53 (exact in float64)."""
    step_key = fmix((key + step * GOLDEN) & MASK64)
    with np.errstate(over="ignore"):
        sample_keys = fmix(np.uint64(step_key) + np.asarray(samples, np.uint64) * np.uint64(GOLDEN))
        counters = (np.arange(1, elements + 1, dtype=np.uint64) * np.uint64(GOLDEN))[None, :]
        bits = fmix(sample_keys[:, None] + counters) >> np.uint64(11)
    return bits.astype(np.float64) * 2.0 ** -53


@register
class Dropout(Layer):
    """Inverted dropout: in training mode each element is kept with probability ``1 - p``
    and scaled by ``1/(1 - p)``, or zeroed; in eval mode, the identity (PyTorch's Dropout).
    ``seed`` keys the masks along with the layer's name, the step, the sample's index
    within its minibatch and the element."""

    kind = "dropout"
    template = "dropout"
    FIELDS = {"p": "number", "seed": "int", "name": "name"}
    uses_run = True
    helpers = ("helpers/keyed_random.c.j2",)

    def __init__(self, p: float = 0.5, seed: int = 0, name: str | None = None):
        owner = f"Dropout({p!r})"
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not math.isfinite(p) or not 0 <= p < 1:
            raise DeclarationError(f"{owner}: p, the probability of zeroing an element, must be in [0, 1), got {p!r}")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2 ** 31:
            raise DeclarationError(f"{owner}: seed must be an integer in [0, 2**31), got {seed!r}")
        self.p, self.seed = float(p), int(seed)
        super().__init__(name)

    def describe(self) -> str:
        return f"Dropout({self.p!r}{f', seed={self.seed}' if self.seed else ''})"   # 0.999999999, not 1

    def config(self) -> dict:
        return {"p": self.p, "seed": self.seed, "name": self.name}

    def _output_shape(self, input_shape: Shape) -> Shape:
        return input_shape

    @property
    def key(self) -> int:
        """The layer's part of every mask's key: splitmix64 of its seed and its name, so two
        Dropout layers with one seed draw different masks."""
        return layer_key(self.seed, self.name)

    def mask(self, step: int, samples: np.ndarray) -> np.ndarray:
        """The keep mask (1.0 kept, 0.0 dropped) of these samples (indices within their
        minibatch) at optimizer step ``step``, shaped ``(len(samples), *output_shape)``."""
        size = math.prod(self.output_shape)
        keep = uniforms(self.key, step, samples, size) >= self.p
        return keep.astype(np.float64).reshape(len(samples), *self.output_shape)

    # -- Derive ------------------------------------------------------------------
    def symbols(self) -> Symbols:
        x, m, y, p = sp.Symbol("x", real=True), sp.Symbol("m", nonnegative=True), sp.Symbol("y"), sp.Symbol("p")
        forward = x * m / (1 - p)
        return Symbols(
            output=y, forward=forward,
            partials=(Partial(0, x, sp.diff(forward, x)),),
            notes=(f"p = {self.p:g}; in training mode m = 1 if u ≥ p else 0, u uniform in [0, 1) from "
                   "splitmix64 of (seed, name, step, sample n of the minibatch, element e); in eval mode y = x",),
        )

    def _values(self, expr: sp.Expr) -> sp.Expr:
        return expr.subs(sp.Symbol("p"), sp.Float(self.p, 17))

    # -- reference mechanics ---------------------------------------------------------
    def evaluate(self, inputs, params, run=None):
        x = inputs[0]
        if run is not None and not run.training:
            return x, None
        scale = self.mask(0 if run is None else run.step, np.arange(len(x))) / (1.0 - self.p)
        return x * scale, scale

    def pull_back(self, dy, scale, params):
        return [dy if scale is None else dy * scale], {}

    # -- Emit ----------------------------------------------------------------------
    def template_context(self, lowering) -> dict:
        symbols = lowering.step.symbols
        printer = CPrinter(lowering.dtype)
        return {
            # p is compared with a double: a double literal (repr reads back to the same number)
            "key": f"0x{self.key:016X}u", "p": repr(self.p),
            "forward": elementwise(self._values(symbols.forward), printer, "out[e]", self.name),
            "backward": elementwise(self._values(symbols.partial(0).expr * sp.Symbol("g")), printer, "d", self.name),
        }

    def training_flops(self, input_gradient: bool) -> int:
        return math.prod(self.output_shape) * (2 if input_gradient else 1)   # a product per element and pass

    def torch_module(self):
        from ..export.torch import KeyedDropout

        return KeyedDropout(self)

    def peer_forward(self, ops, inputs, params, run):
        return inputs[0] * run.masks[self.name]   # symnet's own masks, so the step is symnet's

    def peer_scale(self, step, count):
        return self.mask(step, np.arange(count)) / (1.0 - self.p)

    def onnx_nodes(self, onnx):   # outside training ONNX's Dropout is the identity; the ratio says what p was
        onnx.node("Dropout", [onnx.inputs[0], onnx.constant(self.p, f"{self.name}.ratio")], onnx.output, seed=self.seed)
