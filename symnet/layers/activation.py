"""Elementwise activations, each defined by a SymPy formula ``y = f(x)``."""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np
import sympy as sp

from ..formulas import check_formula, evaluate, numpy_function
from ..names import check_name
from ..printer import CPrinter, elementwise
from ..symbolic import derivative_in_output, differentiate, real_symbol
from .base import DeclarationError, Layer, Partial, Shape, Symbols, register


@register
class Activation(Layer):
    """An elementwise function given as a SymPy formula.

    ``fn`` maps the input symbol to an expression, e.g.
    ``Activation("softplus", lambda x: sympy.log(1 + sympy.exp(x)))``. The attributes
    ``x`` and ``y`` are the input and output symbols, ``expr`` the formula in ``x``, and
    ``derivative`` its derivative, written in ``y`` alone where that is possible
    (``derivative_in_output`` tells which).
    """

    kind = "act"
    template = "activation"
    is_epilogue = True
    FIELDS = {"function": "function", "formula": "formula", "name": "name"}

    def __init__(self, name: str, fn: Callable, layer_name: str | None = None):
        self.function_name = check_name(name, f"Activation({name!r})" if isinstance(name, str) else "Activation")
        self.kind = name.lower()
        self.x = real_symbol("x")
        self.y = real_symbol("y")
        owner = f"Activation({name!r})"
        try:
            formula = fn(self.x)
        except Exception as error:  # the user's callable failed on a SymPy symbol
            raise DeclarationError(f"{owner}: calling fn on a SymPy symbol failed: {error}") from error
        self.expr = check_formula(formula, (self.x,), owner)
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

    @classmethod
    def from_fields(cls, fields: dict, where: str):
        from ..formulas import read_formula

        if cls is not Activation:   # a built-in: ReLU, Sigmoid, Tanh
            return cls(**fields)
        x = real_symbol("x")
        formula = read_formula(fields["formula"], (x,), f"{where}.formula")
        return cls(fields["function"], lambda value: formula.xreplace({x: value}), fields["name"])

    def _output_shape(self, input_shape: Shape) -> Shape:
        return input_shape

    def symbols(self) -> Symbols:
        return Symbols(output=self.y, forward=self.expr, partials=(Partial(0, self.x, self.derivative),))

    def partial_lines(self, symbols: Symbols, fmt) -> list[tuple[str, str]]:
        where = "in terms of the output y" if self.derivative_in_output else "in terms of the input x"
        return [("∂y/∂x", f"{fmt(symbols.partial(0).expr)}   ({where})")]

    def forward(self, x, params):
        y = self._forward(x)
        return y, (x, y)

    def backward(self, dy, saved, params):
        x, y = saved
        return dy * self._slope(y if self.derivative_in_output else x), {}

    @property
    def rectifies(self) -> bool:
        """ReLU-like: zero slope below 0, unit slope above (the layers before want He init)."""
        return _rectifies(self.expr, self.x, self.label)

    @property
    def helpers(self) -> tuple[str, ...]:
        """The vectorizable e^x (sn_expf) when the formula or its derivative holds one."""
        uses_exp = any(expr.has(sp.exp) for expr in (self.expr, self.derivative))
        return ("helpers/exp.c.j2",) if uses_exp else ()

    def template_context(self, lowering) -> dict:
        variable = "y" if self.derivative_in_output else "x"
        slope = lowering.step.symbols.partial(0).expr
        operator = "+=" if lowering.context["add_dx"] else "="
        printer = CPrinter(lowering.dtype, own_exp=True)   # sn_expf: see self.helpers
        return {"forward": elementwise(self.expr, printer, "out[e]", self.label),
                "variable": variable, "slope_of": variable,
                "backward": elementwise(sp.Symbol("g") * slope, printer, "dx[e]", self.label, operator)}

    def torch_module(self):
        from ..export.torch import Formula

        return Formula(self.expr, self.x, self.function_name)

    def peer_forward(self, ops, inputs, params, run):
        return evaluate(self.expr, {self.x: inputs[0]}, ops.backend)

    def onnx_nodes(self, onnx):
        onnx.formula(self.expr, self.x, onnx.inputs[0], onnx.output)


@register
class ReLU(Activation):
    """``max(0, x)``; its derivative is the step: 1 where the output is positive, else 0."""

    FIELDS = {"name": "name"}

    def __init__(self, name: str | None = None):
        super().__init__("relu", lambda x: sp.Piecewise((x, x > 0), (0, True)), name)

    def torch_module(self):
        import torch

        return torch.nn.ReLU()

    def peer_forward(self, ops, inputs, params, run):
        return ops.relu(inputs[0])

    def onnx_nodes(self, onnx):
        onnx.node("Relu", [onnx.inputs[0]], onnx.output)
        onnx.tag_activation()


@register
class Sigmoid(Activation):
    """``1 / (1 + exp(-x))``; its derivative in terms of its output is ``y (1 - y)``."""

    FIELDS = {"name": "name"}

    def __init__(self, name: str | None = None):
        super().__init__("sigmoid", lambda x: 1 / (1 + sp.exp(-x)), name)

    def torch_module(self):
        import torch

        return torch.nn.Sigmoid()

    def peer_forward(self, ops, inputs, params, run):
        return ops.sigmoid(inputs[0])

    def onnx_nodes(self, onnx):
        onnx.node("Sigmoid", [onnx.inputs[0]], onnx.output)
        onnx.tag_activation()


@register
class Tanh(Activation):
    """``tanh(x)``; its derivative in terms of its output is ``1 - y**2``."""

    FIELDS = {"name": "name"}

    def __init__(self, name: str | None = None):
        super().__init__("tanh", sp.tanh, name)

    def torch_module(self):
        import torch

        return torch.nn.Tanh()

    def peer_forward(self, ops, inputs, params, run):
        return ops.tanh(inputs[0])

    def onnx_nodes(self, onnx):
        onnx.node("Tanh", [onnx.inputs[0]], onnx.output)
        onnx.tag_activation()


@functools.lru_cache(maxsize=256)
def _rectifies(expr: sp.Expr, x: sp.Symbol, label: str) -> bool:
    """Activation.rectifies for a formula: asked for every reader of every layer whenever
    parameters are made (each sn.compile), and its derivative and NumPy function took about
    1.5 ms each time, most of a warm compile's Python."""
    slope = numpy_function(differentiate(expr, x, label), x)(np.array([-2.0, 2.0]))
    return bool(abs(slope[1] - 1.0) < 1e-12 and abs(slope[0]) < 0.5)
