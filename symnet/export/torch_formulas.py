"""PyTorch's elementwise functions as SymPy formulas, for :mod:`symnet.export.torch_in`.

Each entry gives the formula PyTorch computes, written so that symnet computes it the same
way: softplus with ``log1p`` and PyTorch's threshold, GELU with ``erf`` (or PyTorch's tanh
approximation), ELU and LeakyReLU as a ``Piecewise``. A keyword PyTorch takes that the
formula does not (``inplace`` aside) raises TypeError, which the reader reports by name.
"""

from __future__ import annotations

import operator

import sympy as sp
import torch
from torch import nn

from .onnx_formula import bounded_power, elu, gelu, leaky_relu, softplus

F = nn.functional


def _relu(x, inplace=False):
    return sp.Piecewise((x, x > 0), (0, True))


def _sigmoid(x):
    return 1 / (1 + sp.exp(-x))


def _silu(x, inplace=False):
    return x * _sigmoid(x)


def _gelu(x, approximate="none"):
    return gelu(x, approximate)


def _elu(x, alpha=1.0, inplace=False):
    return elu(x, alpha)


def _leaky_relu(x, negative_slope=0.01, inplace=False):
    return leaky_relu(x, negative_slope)


def _softplus(x, beta=1.0, threshold=20.0):   # PyTorch's: linear where beta x passes the threshold
    return softplus(x, beta, threshold)


def _plain(function):
    """A SymPy function of one tensor that takes no options."""
    return lambda x: function(x)


# Functions of one tensor: name (the activation's, when the formula is this function alone) and formula.
FUNCTIONS = {
    torch.relu: ("relu", _relu), F.relu: ("relu", _relu), torch.sigmoid: ("sigmoid", _plain(_sigmoid)),
    F.sigmoid: ("sigmoid", _plain(_sigmoid)), torch.tanh: ("tanh", _plain(sp.tanh)), F.tanh: ("tanh", _plain(sp.tanh)),
    torch.exp: ("exp", _plain(sp.exp)), torch.log: ("log", _plain(sp.log)), torch.erf: ("erf", _plain(sp.erf)),
    torch.sin: ("sin", _plain(sp.sin)), torch.cos: ("cos", _plain(sp.cos)), torch.abs: ("abs", _plain(sp.Abs)),
    torch.sqrt: ("sqrt", _plain(sp.sqrt)), torch.neg: ("neg", _plain(operator.neg)),
    F.silu: ("silu", _silu), F.gelu: ("gelu", _gelu), F.elu: ("elu", _elu), F.leaky_relu: ("leaky_relu", _leaky_relu),
    F.softplus: ("softplus", _softplus),
}
# The same as tensor methods (x.relu(), x.exp(), ...).
METHODS = {name: formula for function, (name, formula) in FUNCTIONS.items()
           if getattr(torch.Tensor, name, None) is not None and name not in ("silu", "gelu", "elu", "leaky_relu",
                                                                            "softplus")}
# Modules: the formula of a module, from its settings.
MODULES = {
    nn.ReLU: lambda m: ("relu", _relu), nn.Sigmoid: lambda m: ("sigmoid", _plain(_sigmoid)),
    nn.Tanh: lambda m: ("tanh", _plain(sp.tanh)), nn.SiLU: lambda m: ("silu", _silu),
    nn.GELU: lambda m: ("gelu", lambda x: _gelu(x, m.approximate)),
    nn.ELU: lambda m: ("elu", lambda x: _elu(x, m.alpha)),
    nn.LeakyReLU: lambda m: ("leaky_relu", lambda x: _leaky_relu(x, m.negative_slope)),
    nn.Softplus: lambda m: ("softplus", lambda x: _softplus(x, m.beta, m.threshold)),
}
# Arithmetic of a tensor with numbers or with itself; ``+`` of two tensors is symnet's Add.
ARITHMETIC = {
    operator.add: operator.add, operator.iadd: operator.add, torch.add: operator.add,
    operator.sub: operator.sub, operator.isub: operator.sub, torch.sub: operator.sub,
    operator.mul: operator.mul, operator.imul: operator.mul, torch.mul: operator.mul,
    operator.truediv: operator.truediv, operator.itruediv: operator.truediv, torch.div: operator.truediv,
    operator.pow: bounded_power, torch.pow: bounded_power, operator.neg: operator.neg,
}
ARITHMETIC_METHODS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
                      "pow": bounded_power, "neg": operator.neg}
