"""Dense (fully connected) and Flatten layers."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .base import Layer, ParamSpec, Partial, Shape, Symbols, indices, positive_int, register


@register
class Dense(Layer):
    """``y[o] = Σ_i W[o, i] x[i] + b[o]``: every input votes on every output.

    The weight has PyTorch's layout ``(out_features, in_features)``.
    """

    kind = "dense"
    template = "dense"
    fuses_update = True
    forward_by_rows = True
    FIELDS = {"out_features": "int", "bias": "bool", "name": "name"}

    def __init__(self, out_features: int, bias: bool = True, name: str | None = None):
        self.out_features = positive_int(out_features, "out_features", f"Dense({out_features!r})")
        self.use_bias = bool(bias)
        super().__init__(name)

    def describe(self) -> str:
        return f"Dense({self.out_features}{'' if self.use_bias else ', bias=False'})"

    def config(self) -> dict:
        return {"out_features": self.out_features, "bias": self.use_bias, "name": self.name}

    def _output_shape(self, input_shape: Shape) -> Shape:
        self.require_rank(input_shape, 1, "add Flatten() before it")
        return (self.out_features,)

    def param_specs(self) -> list[ParamSpec]:
        (n_in,) = self.input_shape
        specs = [ParamSpec(self.name, "weight", (self.out_features, n_in), n_in, self.out_features)]
        if self.use_bias:
            specs.append(ParamSpec(self.name, "bias", (self.out_features,), n_in, self.out_features))
        return specs

    def symbols(self) -> Symbols:
        n, o, i = indices("n", "o", "i")
        x, w, b, y = (sp.IndexedBase(s) for s in ("x", "W", "b", "y"))
        term = w[o, i] * x[n, i]
        reduction = ((i, 0, self.input_shape[0] - 1),)
        bias = b[o] if self.use_bias else None
        forward = sp.Sum(term, *reduction) + (bias if bias is not None else 0)
        partials = [Partial(0, x[n, i], sp.diff(term, x[n, i])), Partial("weight", w[o, i], sp.diff(term, w[o, i]))]
        if bias is not None:
            partials.append(Partial("bias", bias, sp.diff(forward, bias).doit()))
        return Symbols(
            output=y[n, o], forward=forward, partials=tuple(partials),
            ranges={o: self.out_features, i: self.input_shape[0]},
            term=term, reduction=reduction, bias=bias,
        )

    def forward(self, x, params):
        y = x @ params[f"{self.name}.weight"].T
        if self.use_bias:
            y = y + params[f"{self.name}.bias"]
        return y, x

    def backward(self, dy, x, params):
        grads = {f"{self.name}.weight": dy.T @ x}
        if self.use_bias:
            grads[f"{self.name}.bias"] = dy.sum(axis=0)
        return dy @ params[f"{self.name}.weight"], grads

    def template_context(self, lowering) -> dict:
        from ..lower import matrix_lowering

        return matrix_lowering(lowering.step, lowering.values)

    def training_flops(self, input_gradient: bool) -> int:
        return 2 * self.out_features * self.input_shape[0] * (3 if input_gradient else 2)

    def torch_module(self):
        import torch

        return torch.nn.Linear(self.input_shape[0], self.out_features, bias=self.use_bias)

    def peer_forward(self, ops, inputs, params, run):
        y = ops.dense(inputs[0], params[f"{self.name}.weight"])
        return y + params[f"{self.name}.bias"] if self.use_bias else y

    def onnx_nodes(self, onnx):
        reads = [onnx.inputs[0], onnx.param("weight")] + ([onnx.param("bias")] if self.use_bias else [])
        onnx.node("Gemm", reads, onnx.output, transB=1)   # x Wᵀ + b, the weight as PyTorch lays it out


@register
class Flatten(Layer):
    """Lays a sample out as a vector in C order: ``(c, h, w)`` becomes ``c*h*w`` values."""

    kind = "flatten"
    template = "flatten"

    def _output_shape(self, input_shape: Shape) -> Shape:
        return (math.prod(input_shape),)  # exact; build refuses what the C cannot index

    def symbols(self) -> Symbols:
        n = indices("n")[0]
        axes = indices(*(f"i{k}" for k in range(len(self.input_shape))))
        flat = 0
        for axis, size in zip(axes, self.input_shape):
            flat = flat * size + axis
        x, y = sp.IndexedBase("x"), sp.IndexedBase("y")
        source = x[(n, *axes)]
        return Symbols(
            output=y[n, flat], forward=source, partials=(Partial(0, source, sp.diff(source, source)),),
            ranges=dict(zip(axes, self.input_shape)),
        )

    def forward(self, x, params):
        return x.reshape(len(x), -1), x.shape

    def backward(self, dy, shape, params):
        return dy.reshape(shape), {}

    def template_context(self, lowering) -> dict:
        from ..lower import constant_partial

        if constant_partial(lowering.step, 0) != 1:
            raise AssertionError(f"{self.name}: the template copies gradients, but the derived partial is not 1")
        return {}

    def torch_module(self):
        import torch

        return torch.nn.Flatten()

    def peer_forward(self, ops, inputs, params, run):
        return ops.reshape(inputs[0], (-1, *self.output_shape))

    def onnx_nodes(self, onnx):
        onnx.node("Flatten", [onnx.inputs[0]], onnx.output, axis=1)
