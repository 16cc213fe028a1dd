"""PyTorch twins: a model as a ``torch.nn.Module`` with the same graph and weights.

Each layer kind gives its own twin (``Layer.torch_module``); :func:`to_torch` joins them
along the model's graph. Formulas (a user's activation or loss) are evaluated by a tree
walk over the same allow-list as the NumPy evaluator (:mod:`symnet.formulas`), never by
generating code. The benchmark and the differential tests compare symnet with these.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
from torch import nn

from ..errors import FormulaError


def _functions():
    t = torch
    return {
        sp.exp: t.exp, sp.log: t.log, sp.sin: t.sin, sp.cos: t.cos, sp.tan: t.tan,
        sp.asin: t.asin, sp.acos: t.acos, sp.atan: t.atan, sp.atan2: t.atan2,
        sp.sinh: t.sinh, sp.cosh: t.cosh, sp.tanh: t.tanh, sp.asinh: t.asinh, sp.acosh: t.acosh, sp.atanh: t.atanh,
        sp.erf: t.erf, sp.erfc: t.erfc, sp.Abs: t.abs, sp.sign: t.sign, sp.floor: t.floor, sp.ceiling: t.ceil,
        sp.Max: lambda *args: _fold(t.fmax, args), sp.Min: lambda *args: _fold(t.fmin, args),
        sp.Heaviside: lambda x, h0=0.5: t.heaviside(x, t.as_tensor(float(h0), dtype=x.dtype)),
        sp.StrictGreaterThan: t.gt, sp.GreaterThan: t.ge, sp.StrictLessThan: t.lt, sp.LessThan: t.le,
        sp.Eq: t.eq, sp.Ne: t.ne, sp.And: lambda *a: _fold(t.logical_and, a), sp.Or: lambda *a: _fold(t.logical_or, a),
        sp.Not: t.logical_not,
    }


def _fold(function, args):
    result = args[0]
    for arg in args[1:]:
        result = function(result, arg)
    return result


def evaluate(expr: sp.Basic, values: dict, like: torch.Tensor):
    """``expr`` over tensors (``values``: symbol -> tensor), with autograd; ``like`` gives the
    dtype and device of constants."""
    if isinstance(expr, sp.Symbol):
        return values[expr]
    if expr in (sp.true, sp.false):
        return torch.as_tensor(expr == sp.true)
    if not expr.free_symbols and isinstance(expr, sp.Expr):
        return torch.as_tensor(float(expr), dtype=like.dtype)
    if isinstance(expr, sp.Piecewise):
        result = torch.full_like(like, float("nan"))
        for value, condition in reversed(expr.args):
            result = torch.where(torch.as_tensor(evaluate(condition, values, like)).expand_as(like),
                                 evaluate(value, values, like) * torch.ones_like(like), result)
        return result
    args = [evaluate(arg, values, like) for arg in expr.args]
    if isinstance(expr, sp.Add):
        return _fold(torch.add, args)
    if isinstance(expr, sp.Mul):
        return _fold(torch.mul, args)
    if isinstance(expr, sp.Pow):
        return torch.pow(args[0], args[1])
    function = _functions().get(expr.func)
    if function is None:
        raise FormulaError(f"no PyTorch counterpart for {type(expr).__name__}")
    return function(*args)


class Formula(nn.Module):
    """An elementwise function given by a SymPy formula in ``symbol``."""

    def __init__(self, expr: sp.Expr, symbol: sp.Symbol):
        super().__init__()
        self.expr, self.symbol = expr, symbol

    def forward(self, x):
        return evaluate(self.expr, {self.symbol: x}, x)


class FormulaLoss(nn.Module):
    """The mean over all elements of a per-element cost ``expr(y, t)``."""

    def __init__(self, expr: sp.Expr, y: sp.Symbol, t: sp.Symbol):
        super().__init__()
        self.expr, self.y, self.t = expr, y, t

    def forward(self, outputs, targets):
        return evaluate(self.expr, {self.y: outputs, self.t: targets.to(outputs.dtype)}, outputs).mean()


class Sum(nn.Module):
    """``x0 + x1 + ...``"""

    def forward(self, *inputs):
        return _fold(torch.add, inputs)


class Cat(nn.Module):
    """Inputs joined along the first axis of a sample."""

    def forward(self, *inputs):
        return torch.cat(inputs, dim=1)


class MeanConv2d(nn.Conv2d):
    """A convolution whose outputs are divided by the number of products each sums."""

    def forward(self, x):
        products = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
        return super().forward(x) / products


def conv2d(layer) -> nn.Conv2d:
    """The twin of a symnet Conv2D."""
    kind = MeanConv2d if layer.mean else nn.Conv2d
    return kind(layer.input_shape[0], layer.out_channels, layer.kernel, layer.stride, layer.padding,
                bias=layer.use_bias)


class GraphModule(nn.Module):
    """A symnet model's graph in PyTorch: each node's twin applied to the tensors it reads."""

    def __init__(self, model):
        super().__init__()
        self.graph = model.graph
        self.nodes = nn.ModuleDict({node.name: node.layer.torch_module() for node in model.graph.nodes})

    def forward(self, x):
        values = {self.graph.input_name: x}
        for node in self.graph.nodes:
            values[node.name] = self.nodes[node.name](*(values[name] for name in node.inputs))
        return values[self.graph.output]

    def parameter(self, spec) -> nn.Parameter:
        """The PyTorch parameter holding symnet's ``spec`` (``conv1.weight``)."""
        return getattr(self.nodes[spec.layer], spec.role)


def to_torch(model, params: dict) -> GraphModule:
    """``model`` as a float64 ``torch.nn.Module`` holding copies of ``params`` (call
    ``.float()`` for float32)."""
    twin = GraphModule(model).double()
    with torch.no_grad():
        for spec in model.param_specs():
            twin.parameter(spec).copy_(torch.from_numpy(np.asarray(params[spec.name], dtype=np.float64)))
    return twin
