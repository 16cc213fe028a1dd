"""PyTorch in: a symnet model and its weights from a ``torch.nn.Module``.

The module is traced by ``torch.fx`` (an ``nn.Sequential`` traces as a chain), and each node
is mapped to a symnet layer through the :class:`~symnet.export.importing.Builder` that
``from_onnx`` uses too, with its weights copied in float64 (PyTorch's layouts are symnet's).
Supported: ``Conv2d``, ``Linear``, ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d(1)``,
``Flatten`` (and ``torch.flatten(x, 1)``, ``x.view(x.size(0), -1)``), ``x.mean((2, 3))``,
``BatchNorm1d``/``2d``, ``Dropout``, ``Identity``, ``+`` of tensors and ``torch.cat(..., dim=1)``,
and symnet's own twins (:mod:`symnet.export.torch`), so ``to_torch`` then ``from_torch``
gives the model back. Activations: the modules ``ReLU``, ``Sigmoid``, ``Tanh``, ``SiLU``,
``GELU``, ``ELU``, ``LeakyReLU``, ``Softplus`` are a layer each; the functions and methods of
:mod:`symnet.export.torch_formulas` (``torch.relu``, ``F.gelu``, ``x.exp()``, arithmetic with
numbers, ...) compose into one formula until something other than such a function reads it
(``x * torch.sigmoid(x)`` is one activation). Anything else, or an option symnet cannot
compute exactly (groups, dilation, padded pooling, ...), is refused naming the node.
"""

from __future__ import annotations

import math
import operator

import numpy as np
import sympy as sp
import torch
from torch import fx, nn

from ..layers import BatchNorm, Concat, Conv2D, Dense, Dropout, MaxPool
from ..layers.pool import AvgPool
from ..names import is_name
from .importing import X, Builder, Value
from .onnx_formula import OnnxError, number
from .torch_formulas import ARITHMETIC, ARITHMETIC_METHODS, FUNCTIONS, METHODS, MODULES
from .torch import Cat, Formula, KeyedDropout, MeanConv2d, Sum

SOURCE = "from_torch"
LEAVES = (Formula, Sum, Cat, KeyedDropout, MeanConv2d)   # symnet's twins: whole layers, not traced into


def elementwise(node) -> bool:
    """Whether fx ``node`` is an elementwise function or method of the tables (which compose
    into one formula)."""
    if node.op == "call_function":
        return node.target in FUNCTIONS or node.target in ARITHMETIC
    return node.op == "call_method" and (node.target in METHODS or node.target in ARITHMETIC_METHODS)


class BatchSize:
    """``x.size(0)``: the batch, as a reshape's first dimension."""


class _Tracer(fx.Tracer):
    def is_leaf_module(self, module, qualified_name) -> bool:
        return isinstance(module, LEAVES) or super().is_leaf_module(module, qualified_name)


def _array(tensor) -> np.ndarray:
    return tensor.detach().cpu().to(torch.float64).numpy().copy()


def from_torch(module, input_shape, loss=None, name: str = "model") -> tuple:
    """``(model, params)`` for ``module`` taking samples of ``input_shape`` (``(channels,
    height, width)`` or ``(features,)``); ``loss`` defaults as in :func:`from_onnx`. Running
    statistics become ``model.init_buffers()``. An OnnxError (a ValueError) names the first
    node that symnet cannot represent."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module: expected a torch.nn.Module, got {type(module).__name__}")
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    try:
        graph = _Tracer().trace(module)
    except Exception as error:   # fx raises many kinds for code it cannot trace
        raise OnnxError(f"{SOURCE}: torch.fx cannot trace {type(module).__name__}: {type(error).__name__}: "
                        f"{str(error).splitlines()[0] if str(error) else ''}") from None
    return _Walk(module, tuple(input_shape)).run(graph, loss, name)


class _Walk:
    def __init__(self, module, input_shape):
        self.modules = dict(module.named_modules())
        self.builder = Builder(input_shape, SOURCE)
        self.values: dict = {}

    def fail(self, where: str, reason: str) -> OnnxError:
        return OnnxError(f"{SOURCE}: {where}: {reason}")

    def run(self, graph, loss, name):
        output, seen_input = None, False
        for node in graph.nodes:
            where = f"{node.name} ({self.describe(node)})"
            args = fx.node.map_arg(node.args, lambda n: self.values[n])
            kwargs = fx.node.map_arg(node.kwargs, lambda n: self.values[n])
            if node.op == "placeholder":
                if seen_input:
                    raise self.fail(where, "a second input; a symnet model has one")
                seen_input, self.values[node] = True, self.builder.input_value
            elif node.op == "output":
                output = args[0]
            elif node.op == "call_module":
                self.values[node] = self.module(self.modules[node.target], args, kwargs, where)
            elif node.op in ("call_function", "call_method"):
                call = self.function if node.op == "call_function" else self.method
                value = call(node.target, args, kwargs, where)
                # a formula goes on into elementwise readers; where anything else reads it, a layer
                if isinstance(value, Value) and not all(map(elementwise, node.users)):
                    value = self.builder.made(value, where)
                self.values[node] = value
            else:
                raise self.fail(where, f"{node.op} {node.target}: symnet's layers hold their own weights; a "
                                "tensor read from the module directly is not a layer")
        if not isinstance(output, Value):
            raise self.fail("output", "must be one tensor computed from the input")
        return self.builder.finish(output, loss, name)

    def describe(self, node) -> str:
        if node.op == "call_module":
            return f"{node.target}: {type(self.modules[node.target]).__name__}"
        if node.op == "call_function":
            return getattr(node.target, "__name__", str(node.target))
        return f"{node.op} {node.target}"

    def tensor(self, value, where: str) -> Value:
        if not isinstance(value, Value):
            raise self.fail(where, f"reads {value!r:.60}, not a tensor computed from the input")
        return value

    def formula(self, name: str, formula, value, options: tuple, kwargs: dict, where: str) -> Value:
        """``formula`` (of a SymPy symbol, with PyTorch's ``options`` and ``kwargs``) of ``value``,
        named ``name`` while it is this function alone."""
        try:
            out = self.builder.elementwise(lambda x: formula(x, *options, **kwargs), [self.tensor(value, where)],
                                           where)
        except TypeError as error:
            raise self.fail(where, f"{name} with options {options or ''}{kwargs or ''}: {error}") from None
        if out.expr == sp.sympify(formula(X, *options, **kwargs)):   # this function alone, not a composition
            out.function = name
        return out

    def arithmetic(self, operation, args: list, where: str) -> Value:
        """A tensor with numbers or with itself; ``+`` of two tensors is symnet's Add."""
        if operation is operator.add and len(args) == 2 and all(isinstance(arg, Value) for arg in args):
            return self.builder.add(list(args), where)
        try:
            operands = [arg if isinstance(arg, Value) else number(arg) for arg in args]
        except TypeError as error:
            raise self.fail(where, str(error)) from None
        return self.builder.elementwise(operation, operands, where)

    # -- modules ---------------------------------------------------------------------------------
    def module(self, module, args, kwargs, where):
        if kwargs:
            raise self.fail(where, f"called with keywords {sorted(kwargs)}")
        if type(module) in MODULES:   # an activation module: a layer of its own
            name, formula = MODULES[type(module)](module)
            return self.builder.made(self.formula(name, formula, args[0], (), {}, where), where)
        handler = getattr(self, f"module_{type(module).__name__}", None)
        if handler is None or not (type(module).__module__.startswith("torch.nn") or isinstance(module, LEAVES)
                                   or isinstance(module, MeanConv2d)):
            raise self.fail(where, f"symnet has no layer for {type(module).__module__}.{type(module).__name__}")
        return handler(module, args, where)

    def module_Conv2d(self, module, args, where):
        x = self.tensor(args[0], where)
        if module.groups != 1:
            raise self.fail(where, f"groups={module.groups}: symnet's Conv2D has no groups")
        if tuple(module.dilation) != (1, 1):
            raise self.fail(where, f"dilation={tuple(module.dilation)}: symnet's Conv2D has no dilation")
        if module.padding_mode != "zeros":
            raise self.fail(where, f"padding_mode={module.padding_mode!r}: symnet pads with zeros")
        padding = module.padding
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":   # symmetric only for odd kernels
            if any(k % 2 == 0 for k in module.kernel_size):
                raise self.fail(where, f"padding='same' with kernel {module.kernel_size}: asymmetric padding")
            padding = tuple((k - 1) // 2 for k in module.kernel_size)
        layer = Conv2D(module.out_channels, tuple(module.kernel_size), tuple(module.stride), tuple(padding),
                       bias=module.bias is not None, mean=isinstance(module, MeanConv2d))
        return self.builder.layer(layer, [x], where, self.weights(module))

    module_MeanConv2d = module_Conv2d

    def weights(self, module) -> dict:
        return {role: _array(getattr(module, role)) for role in ("weight", "bias") if getattr(module, role) is not None}

    def module_Linear(self, module, args, where):
        layer = Dense(module.out_features, bias=module.bias is not None)
        return self.builder.layer(layer, [self.tensor(args[0], where)], where, self.weights(module))

    def _no_padding(self, module, where):
        if module.padding not in (0, (0, 0)):
            raise self.fail(where, f"padding={module.padding}: symnet's pooling has no padding")

    def module_MaxPool2d(self, module, args, where):
        self._no_padding(module, where)
        if module.dilation not in (1, (1, 1)) or module.return_indices:
            raise self.fail(where, "dilation or return_indices: symnet's MaxPool has neither")
        layer = MaxPool(module.kernel_size, module.stride or module.kernel_size, ceil_mode=module.ceil_mode)
        return self.builder.layer(layer, [self.tensor(args[0], where)], where)

    def module_AvgPool2d(self, module, args, where):
        self._no_padding(module, where)
        x = self.tensor(args[0], where)
        if module.divisor_override is not None:
            raise self.fail(where, f"divisor_override={module.divisor_override}: symnet divides by the window")
        layer = AvgPool(module.kernel_size, module.stride or module.kernel_size)
        if module.ceil_mode and len(x.shape) == 3:
            floor = [(n - k) // s + 1 for n, k, s in zip(x.shape[1:], layer.kernel, layer.stride)]
            if floor != [math.ceil((n - k) / s) + 1 for n, k, s in zip(x.shape[1:], layer.kernel, layer.stride)]:
                raise self.fail(where, "ceil_mode=True with windows over the edge: symnet's AvgPool has no ceil mode")
        return self.builder.layer(layer, [x], where)

    def module_AdaptiveAvgPool2d(self, module, args, where):
        if module.output_size not in (1, (1, 1)):
            raise self.fail(where, f"output_size={module.output_size}: symnet pools globally (output_size=1) only")
        return self.builder.global_average(self.tensor(args[0], where), where, keep=True)

    def module_Flatten(self, module, args, where):
        if module.start_dim != 1 or module.end_dim != -1:
            raise self.fail(where, f"start_dim={module.start_dim}, end_dim={module.end_dim}: symnet flattens each "
                            "sample (1, -1)")
        return self.builder.flatten(self.tensor(args[0], where), where)

    def _batchnorm(self, module, args, where, rank: int):
        x = self.tensor(args[0], where)
        if len(x.shape) != rank:
            raise self.fail(where, f"reads a sample of shape {x.shape}; symnet's BatchNorm normalizes "
                            f"{'pictures' if rank == 3 else 'vectors'} here")
        if module.running_mean is None or module.momentum is None:
            raise self.fail(where, "track_running_stats=False or momentum=None: symnet keeps running statistics "
                            "by a momentum")
        layer = BatchNorm(momentum=module.momentum, eps=module.eps, affine=module.affine)
        running = {"running_mean": _array(module.running_mean), "running_var": _array(module.running_var)}
        return self.builder.layer(layer, [x], where, self.weights(module) if module.affine else {}, running)

    def module_BatchNorm2d(self, module, args, where):
        return self._batchnorm(module, args, where, 3)

    def module_BatchNorm1d(self, module, args, where):
        return self._batchnorm(module, args, where, 1)

    def module_Dropout(self, module, args, where):
        return self.builder.layer(Dropout(module.p), [self.tensor(args[0], where)], where)

    def module_KeyedDropout(self, module, args, where):
        return self.builder.layer(Dropout(module.layer.p, seed=module.layer.seed), [self.tensor(args[0], where)], where)

    def module_Identity(self, module, args, where):
        return self.tensor(args[0], where)

    def module_Formula(self, module, args, where):
        value = self.builder.elementwise(lambda x: module.expr.xreplace({module.symbol: x}),
                                         [self.tensor(args[0], where)], where)
        value.function = module.name if is_name(getattr(module, "name", None)) else None
        return self.builder.made(value, where)

    def module_Sum(self, module, args, where):
        return self.builder.add([self.tensor(arg, where) for arg in args], where)

    def module_Cat(self, module, args, where):
        return self.builder.layer(Concat(), [self.tensor(arg, where) for arg in args], where)

    # -- functions and methods --------------------------------------------------------------------
    def function(self, function, args, kwargs, where):
        if function in FUNCTIONS:
            name, formula = FUNCTIONS[function]
            return self.formula(name, formula, args[0], tuple(args[1:]), kwargs, where)
        if function in ARITHMETIC and not kwargs:
            return self.arithmetic(ARITHMETIC[function], list(args), where)
        if function in (torch.cat, torch.concat):
            tensors, dim = (args[0], args[1] if len(args) > 1 else kwargs.get("dim", 0))
            if dim != 1 or set(kwargs) - {"dim"}:
                raise self.fail(where, f"dim={dim}: symnet concatenates along channels (dim=1)")
            return self.builder.layer(Concat(), [self.tensor(t, where) for t in tensors], where)
        if function is torch.flatten:
            return self._flatten_call(args, kwargs, where)
        if function is torch.mean:
            return self._mean(args, kwargs, where)
        raise self.fail(where, f"symnet has no layer for {getattr(function, '__module__', '')}."
                        f"{getattr(function, '__name__', function)} with these arguments")

    def _flatten_call(self, args, kwargs, where):
        start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
        end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
        if start != 1 or end != -1:
            raise self.fail(where, f"start_dim={start}, end_dim={end}: symnet flattens each sample (1, -1)")
        return self.builder.flatten(self.tensor(args[0], where), where)

    def _mean(self, args, kwargs, where):
        """``x.mean((2, 3))`` or ``torch.mean(x, dim=(2, 3), keepdim=...)``: global average pooling."""
        x = self.tensor(args[0], where)
        dim = args[1] if len(args) > 1 else kwargs.get("dim")
        keep = args[2] if len(args) > 2 else kwargs.get("keepdim", False)
        dims = sorted(d % 4 for d in dim) if isinstance(dim, (tuple, list)) and len(x.shape) == 3 else None
        if dims != [2, 3] or set(kwargs) - {"dim", "keepdim"}:
            raise self.fail(where, f"mean over {dim}: symnet averages pictures over height and width (dim=(2, 3))")
        return self.builder.global_average(x, where, keep=bool(keep))

    def method(self, name, args, kwargs, where):
        if name in METHODS:
            return self.formula(name, METHODS[name], args[0], tuple(args[1:]), kwargs, where)
        if name in ARITHMETIC_METHODS and not kwargs:
            return self.arithmetic(ARITHMETIC_METHODS[name], list(args), where)
        if name == "flatten":
            return self._flatten_call(args, kwargs, where)
        if name == "mean":
            return self._mean(args, kwargs, where)
        if name == "size" and len(args) == 2 and args[1] == 0:
            return BatchSize()
        if name in ("view", "reshape") and not kwargs:
            x = self.tensor(args[0], where)
            shape = list(args[1]) if len(args) == 2 and isinstance(args[1], (tuple, list)) else list(args[1:])
            size = math.prod(x.shape)
            if len(shape) == 2 and (isinstance(shape[0], BatchSize) or shape[0] == -1) and shape[1] in (-1, size) \
                    and shape != [-1, -1]:
                return self.builder.flatten(x, where)
            raise self.fail(where, f"{name}{tuple(shape)}: symnet reshapes only by flattening each sample")
        raise self.fail(where, f"symnet has no layer for the tensor method {name}")
