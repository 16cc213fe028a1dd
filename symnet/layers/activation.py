"""Elementwise activations, each defined by a SymPy formula ``y = f(x)``."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import sympy as sp

from ..symbolic import check_elementwise, derivative_in_output, differentiate, real_symbol
from .base import DeclarationError, Layer, Shape, Symbols

# NumPy has no erf; SymPy formulas may use it (GELU).
_NUMPY_EXTRAS = {"erf": np.vectorize(math.erf, otypes=[float]), "erfc": np.vectorize(math.erfc, otypes=[float])}


def numpy_function(expr: sp.Expr, *symbols: sp.Symbol) -> Callable:
    """A NumPy function of ``symbols`` evaluating ``expr``, broadcast to its inputs' shape.

    Constant formulas (a derivative of 1, say) still return a full array.
    """
    compiled = sp.lambdify(symbols, expr, modules=[_NUMPY_EXTRAS, "numpy"])

    def evaluate(*arrays):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            result = compiled(*arrays)
        return np.broadcast_to(np.asarray(result, dtype=np.float64), np.broadcast(*arrays).shape)

    return evaluate


class Activation(Layer):
    """An elementwise function given as a SymPy formula.

    ``fn`` maps the input symbol to an expression, e.g.
    ``Activation("softplus", lambda x: sympy.log(1 + sympy.exp(x)))``. The attributes
    ``x`` and ``y`` are the input and output symbols, ``expr`` the formula in ``x``, and
    ``derivative`` its derivative, written in ``y`` alone where that is possible
    (``derivative_in_output`` tells which).
    """

    kind = "act"

    def __init__(self, name: str, fn: Callable, layer_name: str | None = None):
        if not isinstance(name, str) or not name.isidentifier():
            raise DeclarationError(f"Activation({name!r}): the name must be an identifier such as 'softplus'")
        self.function_name = name
        self.kind = name.lower()
        self.x = real_symbol("x")
        self.y = real_symbol("y")
        owner = f"Activation({name!r})"
        try:
            formula = fn(self.x)
        except Exception as error:  # the user's callable failed on a SymPy symbol
            raise DeclarationError(f"{owner}: calling fn on a SymPy symbol failed: {error}") from error
        self.expr = check_elementwise(formula, (self.x,), owner)
        differentiate(self.expr, self.x, owner)
        self.derivative, self.derivative_in_output = derivative_in_output(self.expr, self.x, self.y)
        super().__init__(layer_name)
        self._forward = numpy_function(self.expr, self.x)
        self._slope = numpy_function(self.derivative, self.y if self.derivative_in_output else self.x)

    def describe(self) -> str:
        if type(self) is Activation:
            return f"Activation({self.function_name!r}, {self.expr})"
        return f"{type(self).__name__}()"

    def config(self) -> dict:
        if type(self) is not Activation:
            return {"name": self.name}
        return {"function": self.function_name, "formula": sp.srepr(self.expr), "name": self.name}

    def _output_shape(self, input_shape: Shape) -> Shape:
        return input_shape

    def symbols(self) -> Symbols:
        return Symbols(output=self.y, forward=self.expr, partials={self.x: self.derivative})

    def forward(self, x, params):
        y = self._forward(x)
        return y, (x, y)

    def backward(self, dy, saved, params):
        x, y = saved
        return dy * self._slope(y if self.derivative_in_output else x), {}


class ReLU(Activation):
    """``max(0, x)``; its derivative is the step: 1 where the output is positive, else 0."""

    def __init__(self, name: str | None = None):
        super().__init__("relu", lambda x: sp.Piecewise((x, x > 0), (0, True)), name)


class Sigmoid(Activation):
    """``1 / (1 + exp(-x))``; its derivative in terms of its output is ``y (1 - y)``."""

    def __init__(self, name: str | None = None):
        super().__init__("sigmoid", lambda x: 1 / (1 + sp.exp(-x)), name)


class Tanh(Activation):
    """``tanh(x)``; its derivative in terms of its output is ``1 - y**2``."""

    def __init__(self, name: str | None = None):
        super().__init__("tanh", sp.tanh, name)


def is_rectifier(layer: Layer) -> bool:
    """True for ReLU-like activations (zero slope below 0, unit slope above), which want He init."""
    if not isinstance(layer, Activation):
        return False
    slope = numpy_function(sp.diff(layer.expr, layer.x), layer.x)(np.array([-2.0, 2.0]))
    return bool(abs(slope[1] - 1.0) < 1e-12 and abs(slope[0]) < 0.5)

