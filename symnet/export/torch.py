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
from sympy.codegen.cfunctions import log1p
from torch import nn

from ..formulas import Backend, evaluate, fold

# PyTorch's namesake of each class a formula may hold (see symnet.formulas.Backend).
FUNCTIONS = {
    sp.exp: torch.exp, sp.log: torch.log, log1p: torch.log1p, sp.sin: torch.sin, sp.cos: torch.cos, sp.tan: torch.tan,
    sp.asin: torch.asin, sp.acos: torch.acos, sp.atan: torch.atan, sp.atan2: torch.atan2,
    sp.sinh: torch.sinh, sp.cosh: torch.cosh, sp.tanh: torch.tanh, sp.asinh: torch.asinh, sp.acosh: torch.acosh,
    sp.atanh: torch.atanh, sp.erf: torch.erf, sp.erfc: torch.erfc, sp.Abs: torch.abs, sp.sign: torch.sign,
    sp.floor: torch.floor, sp.ceiling: torch.ceil,
    sp.Max: lambda *args: fold(torch.fmax, args), sp.Min: lambda *args: fold(torch.fmin, args),
    sp.Heaviside: lambda x, h0=0.5: torch.heaviside(x, torch.as_tensor(float(h0), dtype=x.dtype)),
    sp.StrictGreaterThan: torch.gt, sp.GreaterThan: torch.ge, sp.StrictLessThan: torch.lt, sp.LessThan: torch.le,
    sp.Eq: torch.eq, sp.Ne: torch.ne, sp.And: lambda *args: fold(torch.logical_and, args),
    sp.Or: lambda *args: fold(torch.logical_or, args), sp.Not: torch.logical_not,
}


def backend(like: torch.Tensor) -> Backend:
    """PyTorch tensors with autograd; ``like`` gives the dtype and shape of constants and of a
    ``Piecewise``'s result."""
    def select(conditions, choices):
        result = torch.full_like(like, float("nan"))
        for condition, choice in reversed(list(zip(conditions, choices))):
            result = torch.where(torch.as_tensor(condition).expand_as(like), choice * torch.ones_like(like), result)
        return result

    return Backend(functions=FUNCTIONS, add=torch.add, multiply=torch.mul, power=torch.pow,
                   number=lambda value: torch.as_tensor(value, dtype=like.dtype), boolean=torch.as_tensor,
                   select=select)


class Formula(nn.Module):
    """An elementwise function given by a SymPy formula in ``symbol``."""

    def __init__(self, expr: sp.Expr, symbol: sp.Symbol, name: str = "formula"):
        super().__init__()
        self.expr, self.symbol, self.name = expr, symbol, name   # name: the activation's, for from_torch

    def forward(self, x):
        return evaluate(self.expr, {self.symbol: x}, backend(x))


class FormulaLoss(nn.Module):
    """The mean over all elements of a per-element cost ``expr(y, t)``."""

    def __init__(self, expr: sp.Expr, y: sp.Symbol, t: sp.Symbol):
        super().__init__()
        self.expr, self.y, self.t = expr, y, t

    def forward(self, outputs, targets):
        return evaluate(self.expr, {self.y: outputs, self.t: targets.to(outputs.dtype)}, backend(outputs)).mean()


class Sum(nn.Module):
    """``x0 + x1 + ...``"""

    def forward(self, *inputs):
        return fold(torch.add, inputs)


class Cat(nn.Module):
    """Inputs joined along the first axis of a sample."""

    def forward(self, *inputs):
        return torch.cat(inputs, dim=1)


class MeanConv2d(nn.Conv2d):
    """A convolution whose outputs are divided by the number of products each sums."""

    def forward(self, x):
        products = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
        return super().forward(x) / products


class KeyedDropout(nn.Module):
    """symnet's Dropout in PyTorch: in training mode the mask symnet draws for ``step`` (an
    attribute, the optimizer steps taken) and the samples' positions in the batch, scaled by
    ``1/(1 - p)`` as ``torch.nn.Dropout`` scales; the identity in eval mode."""

    def __init__(self, layer):
        super().__init__()
        self.layer, self.step = layer, 0

    def forward(self, x):
        if not self.training:
            return x
        mask = torch.from_numpy(self.layer.mask(self.step, np.arange(x.shape[0]))).to(x.dtype)
        return x * (mask / (1.0 - self.layer.p))


def conv2d(layer) -> nn.Conv2d:
    """The twin of a symnet Conv2D."""
    kind = MeanConv2d if layer.mean else nn.Conv2d
    return kind(layer.input_shape[0], layer.out_channels, layer.kernel, layer.stride, layer.padding,
                bias=layer.use_bias)


class GraphModule(nn.Module):
    """A symnet model's graph in PyTorch: each node's twin applied to the tensors it reads."""

    def __init__(self, model):
        super().__init__()
        # not self.graph: torch.onnx.export takes a module with a .graph for a TorchScript one
        self.model_graph = model.graph
        self.nodes = nn.ModuleDict({node.name: node.layer.torch_module() for node in model.graph.nodes})

    def forward(self, x):
        graph = self.model_graph
        values = {graph.input_name: x}
        for node in graph.nodes:
            values[node.name] = self.nodes[node.name](*(values[name] for name in node.inputs))
        return values[graph.output]

    def parameter(self, spec) -> nn.Parameter:
        """The PyTorch parameter (or buffer) holding symnet's ``spec`` (``conv1.weight``,
        ``batchnorm1.running_mean``)."""
        return getattr(self.nodes[spec.layer], spec.role)


def to_torch(model, params: dict, buffers: dict | None = None) -> GraphModule:
    """``model`` as a float64 ``torch.nn.Module`` holding copies of ``params`` and of the
    running statistics ``buffers`` (default: the model's initial ones; call ``.float()`` for
    float32). Its BatchNorm twins are PyTorch's; its Dropout twins draw symnet's masks."""
    twin = GraphModule(model).double()
    buffers = model.init_buffers() if buffers is None else buffers
    with torch.no_grad():
        for spec in model.param_specs():
            twin.parameter(spec).copy_(torch.from_numpy(np.asarray(params[spec.name], dtype=np.float64)))
        for spec in model.buffer_specs():
            twin.parameter(spec).copy_(torch.from_numpy(np.asarray(buffers[spec.name], dtype=np.float64)))
    return twin
