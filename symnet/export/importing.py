"""Building a symnet model from another tool's graph: what ``from_onnx`` and ``from_torch`` share.

The importers walk the other tool's nodes in order and ask a :class:`Builder` for the
symnet value of each. Layers are declared through symnet's functional form (``y =
layer(x)``), so shapes are checked as symnet checks them and the layers are named by
symnet's rule (``conv1``, ``relu1``, ...), and the weights are copied in float64.

Two things differ between the tools and symnet, and the builder bridges both exactly:

- Elementwise operations (``Exp``, ``Mul``, ``Where``, ``x * sigmoid(x)``, ...) are
  composed into one SymPy formula of the tensor they start from, which becomes one
  ``sn.Activation`` (or ``sn.ReLU``, ``sn.Sigmoid``, ``sn.Tanh`` when the formula is theirs)
  where something else reads it. This is how a custom activation that symnet wrote as ONNX
  operators comes back as one layer.
- Global average pooling gives ``(C, 1, 1)`` per sample in ONNX and PyTorch, ``(C,)`` in
  symnet. The builder keeps the shape the tool sees beside the symnet tensor; a flatten
  of it adds no layer, and any other reader of the ``(C, 1, 1)`` form is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import DeclarationError
from ..formulas import unsupported_part
from ..graph import next_order, trace
from ..layers import Activation, Add, Flatten, GlobalAvgPool, Input, ReLU, Sigmoid, Tanh
from ..layers.loss import LossFunction
from ..symbolic import real_symbol
from .onnx_formula import MAX_EXACT, OnnxError

X = real_symbol("x")
BUILT_IN = (ReLU, Sigmoid, Tanh)


@dataclass(eq=False)
class Value:
    """A value of the other tool's graph: ``expr`` (a formula in :data:`X`; ``X`` itself for
    the tensor as it is) of the symnet tensor ``tensor``, which the tool sees with the
    sample shape ``shape``."""

    tensor: object
    shape: tuple
    expr: sp.Expr = X
    function: str | None = None   # the name of the activation it becomes, if the file says
    order: int | None = None      # where in the creation order its activation belongs
    made: object = None           # the tensor of that activation, once something reads it

    @property
    def plain(self) -> bool:
        """The tensor itself, seen with symnet's shape."""
        return self.expr == X and self.shape == self.tensor.shape


class Builder:
    """A model being imported: its input, the layers declared so far and their weights.
    ``where(...)`` strings passed to each method name the node in errors."""

    def __init__(self, input_shape, source: str):
        self.source = source
        try:
            self.input = Input(*input_shape)
        except (DeclarationError, TypeError) as error:
            raise OnnxError(f"{source}: the input shape {input_shape}: {error}") from None
        self.input_value = Value(self.input, tuple(input_shape))
        # layer -> role -> float64 array (layers hash by identity, and are kept alive here)
        self.weights: dict[object, dict[str, np.ndarray]] = {}
        self.running: dict[object, dict[str, np.ndarray]] = {}

    def error(self, where: str, reason: str) -> OnnxError:
        return OnnxError(f"{self.source}: {where}: {reason}")

    # -- tensors -----------------------------------------------------------------------
    def tensor(self, value: Value, where: str, picture_ok: bool = False):
        """The symnet tensor holding ``value``: its formula made a layer if it has one."""
        if value.shape != value.tensor.shape and not picture_ok:
            raise self.error(where, f"reads the (C, 1, 1) output {value.shape} of a global average pooling, which "
                             f"symnet's GlobalAvgPool gives as {value.tensor.shape}; only a flatten or an "
                             "elementwise function may read it")
        if value.expr == X:
            return value.tensor
        if value.made is None:
            layer = self._activation(value.expr, value.function, where)
            value.made = self._apply(layer, [value.tensor], where)
            # declared where the formula ended, not where it was first read, so that the layers
            # (and their names) follow the file's order; its readers all come after both
            value.made.order = value.order
        return value.made

    def made(self, value: Value, where: str) -> Value:
        """``value`` with its formula made a layer now (so that layers are declared in the
        order of the file's nodes)."""
        if value.expr == X:
            return value
        tensor = self.tensor(value, where, picture_ok=True)
        return Value(tensor, value.shape if value.shape != value.tensor.shape else tensor.shape)

    def _activation(self, expr: sp.Expr, function: str | None, where: str):
        for kind in BUILT_IN:
            if kind().expr == expr:
                return kind()
        name = function or "formula"
        try:
            return Activation(name, lambda x: expr.xreplace({X: x}))
        except DeclarationError as error:
            raise self.error(where, str(error)) from None

    def _apply(self, layer, tensors: list, where: str):
        try:
            return layer(*tensors)
        except DeclarationError as error:
            raise self.error(where, str(error)) from None

    # -- what the importers ask for ----------------------------------------------------------
    def layer(self, layer, values: list[Value], where: str, weights: dict | None = None,
              running: dict | None = None) -> Value:
        """``layer`` applied to ``values``, holding ``weights`` (role -> array) and the running
        statistics ``running``; each array's shape is checked against the layer's."""
        out = self._apply(layer, [self.tensor(value, where) for value in values], where)
        specs = {spec.role: spec.shape for spec in layer.param_specs()}
        specs.update({spec.role: spec.shape for spec in layer.buffer_specs()})
        for role, array in {**(weights or {}), **(running or {})}.items():
            if np.shape(array) != specs.get(role):
                raise self.error(where, f"{role}: shape {np.shape(array)}, where {layer.describe()} reading "
                                 f"{layer.input_shape} needs {specs.get(role)}")
            if not np.isfinite(array).all():
                raise self.error(where, f"{role}: contains NaN or infinity")
        self.weights[layer] = {role: np.array(array, dtype=np.float64) for role, array in (weights or {}).items()}
        self.running[layer] = {role: np.array(array, dtype=np.float64) for role, array in (running or {}).items()}
        return Value(out, out.shape)

    def elementwise(self, function, args: list, where: str) -> Value:
        """``function`` (of SymPy values) applied to ``args``: Values of one tensor, and SymPy
        numbers. The result stays a formula until something else reads it.

        SymPy computes powers of numbers exactly, and ``(2·x)**n`` becomes ``2**n · x**n``: a
        file's exponents are held to ``onnx_formula.MAX_EXPONENT`` and its formulas' numbers to
        float64's range, so no file starts an exact computation without bound."""
        values = [arg for arg in args if isinstance(arg, Value)]
        if not values:
            raise self.error(where, "computes a constant: symnet's layers compute from the input")
        first = values[0]
        for value in values[1:]:
            if value.tensor is not first.tensor or value.shape != first.shape:
                raise self.error(where, "combines two different tensors elementwise; symnet joins tensors only "
                                 "by adding them (Add) and by concatenating them (Concat)")
        try:
            expr = sp.sympify(function(*(arg.expr if isinstance(arg, Value) else arg for arg in args)))
        except ValueError as error:   # an exponent beyond MAX_EXPONENT (onnx_formula.bounded_power)
            raise self.error(where, str(error)) from None
        if X not in expr.free_symbols:
            raise self.error(where, f"computes the constant {expr}: symnet's layers compute from the input")
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Rational) and max(abs(node.p), abs(node.q)) > MAX_EXACT:
                raise self.error(where, "a number beyond float64's range in the formula")
        if expr.free_symbols - {X}:
            raise self.error(where, f"gives {expr}, not an elementwise function of one tensor")
        if unsupported_part(expr, (X,)) and first.expr != X and all(value is first for value in values):
            # Composed, the formulas make one symnet cannot compute (SymPy turns a Piecewise
            # inside a comparison into ITE): the formula so far becomes a layer, and this
            # function starts a new one from it.
            made = self.made(first, where)
            return self.elementwise(function, [made if arg is first else arg for arg in args], where)
        return Value(first.tensor, first.shape, expr, order=next_order())

    def add(self, values: list[Value], where: str) -> Value:
        """The sum of ``values``: a formula when they are all of one tensor, else symnet's Add."""
        if all(value.tensor is values[0].tensor and value.shape == values[0].shape for value in values):
            return self.elementwise(lambda *exprs: sp.Add(*exprs), values, where)
        shapes = {value.shape for value in values}
        if len(shapes) > 1:
            raise self.error(where, f"adds tensors of shapes {sorted(shapes)}; symnet's Add takes one shape, "
                             "without broadcasting")
        return self.layer(Add(), values, where)

    def flatten(self, value: Value, where: str) -> Value:
        """A flatten: of a global average pooling's ``(C, 1, 1)``, symnet's ``(C,)`` as it is."""
        if value.shape != value.tensor.shape:
            return Value(value.tensor, value.tensor.shape, value.expr)
        return self.layer(Flatten(), [value], where)

    def global_average(self, value: Value, where: str, keep: bool) -> Value:
        """symnet's GlobalAvgPool, seen as ``(C, 1, 1)`` when ``keep`` (ONNX's GlobalAveragePool,
        PyTorch's AdaptiveAvgPool2d(1)) or as ``(C,)``."""
        out = self.layer(GlobalAvgPool(), [value], where)
        return Value(out.tensor, (*out.shape, 1, 1)) if keep else out

    def finish(self, output: Value, loss: LossFunction | None, name: str) -> tuple:
        """The model ending at ``output`` and its parameters; the running statistics become
        the model's initial ones (``model.init_buffers()``)."""
        from ..layers import MeanSquaredError, SoftmaxCrossEntropy
        from ..model import Model

        if output.expr == X and output.tensor is self.input:
            raise self.error("the output", "is the input itself; declare at least one layer")
        tensor = self.tensor(output, "the output")
        if loss is None:   # scores of classes, or values to regress
            loss = SoftmaxCrossEntropy() if len(tensor.shape) == 1 and tensor.shape[0] >= 2 else MeanSquaredError()
        try:
            traced = trace(self.input, tensor)
            model = Model(self.input, tensor, loss=loss, name=name)
        except DeclarationError as error:
            raise OnnxError(f"{self.source}: {error}") from None
        params, buffers = {}, {}
        # Model declares the traced layers, in the traced order, as copies named by its rule.
        for (layer, _), declared in zip(traced, model.layers):
            params.update({f"{declared.name}.{role}": array for role, array in self.weights.get(layer, {}).items()})
            buffers.update({f"{declared.name}.{role}": array for role, array in self.running.get(layer, {}).items()})
        model.start_buffers = model.check_buffers({**model.init_buffers(), **buffers})
        return model, model.check_params(params)
