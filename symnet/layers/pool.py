"""Max and average pooling over windows of each channel."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..symbolic import WindowMax
from .base import Layer, Partial, Shape, Symbols, indices, pair, register, show_pair, window


class _Pool(Layer):
    """Shared declaration of the pooling layers: a window walked across each channel."""

    kind = "pool"
    ceil_mode = False

    def __init__(self, kernel_size, stride=None, name: str | None = None):
        owner = f"{type(self).__name__}({kernel_size!r})"
        self.kernel = pair(kernel_size, "kernel_size", owner)
        self.stride = self.kernel if stride is None else pair(stride, "stride", owner)
        super().__init__(name)

    def _arguments(self) -> list[str]:
        args = [str(show_pair(self.kernel))]
        if self.stride != self.kernel:
            args.append(f"stride={show_pair(self.stride)}")
        return args

    def describe(self) -> str:
        return f"{type(self).__name__}({', '.join(self._arguments())})"

    def config(self) -> dict:
        return {"kernel_size": list(self.kernel), "stride": list(self.stride), "name": self.name}

    def _extent(self, size: int, kernel: int, stride: int) -> int:
        if self.ceil_mode:
            # Keep the windows that hang over the far edge, as long as they start inside.
            out = math.ceil((size - kernel) / stride) + 1
            return out - 1 if (out - 1) * stride >= size else out
        return (size - kernel) // stride + 1

    def _output_shape(self, input_shape: Shape) -> Shape:
        self.require_rank(input_shape, 3, "pooling works on (channels, height, width)")
        channels, height, width = input_shape
        if self.kernel[0] > height or self.kernel[1] > width:
            raise self.error(f"window {self.kernel[0]}x{self.kernel[1]} is larger than its input {height}x{width}")
        return (channels, self._extent(height, self.kernel[0], self.stride[0]),
                self._extent(width, self.kernel[1], self.stride[1]))

    def _pixel(self):
        n, c, r, q, u, v = indices("n", "c", "r", "q", "u", "v")
        (sh, sw) = self.stride
        ranges = {c: self.output_shape[0], r: self.output_shape[1], q: self.output_shape[2],
                  u: self.kernel[0], v: self.kernel[1]}
        window_limits = ((u, 0, self.kernel[0] - 1), (v, 0, self.kernel[1] - 1))
        return (n, c, r, q, u, v), sp.IndexedBase("x")[n, c, sh * r + u, sw * q + v], window_limits, ranges

    def _offsets(self):
        for u in range(self.kernel[0]):
            for v in range(self.kernel[1]):
                yield u, v


@register
class MaxPool(_Pool):
    """Keeps the largest value of each window; its gradient goes to that value's position.

    With ``ceil_mode=True`` the windows hanging over the right and bottom edge are kept
    (a 7x7 picture pools to 4x4 with window 2, stride 2).
    """

    kind = "maxpool"
    template = "maxpool"
    FIELDS = {"kernel_size": "pair", "stride": "pair", "ceil_mode": "bool", "name": "name"}

    def __init__(self, kernel_size, stride=None, ceil_mode: bool = False, name: str | None = None):
        self.ceil_mode = bool(ceil_mode)
        super().__init__(kernel_size, stride, name)

    def _arguments(self) -> list[str]:
        return super()._arguments() + (["ceil_mode=True"] if self.ceil_mode else [])

    def config(self) -> dict:
        return {**super().config(), "ceil_mode": self.ceil_mode}

    def symbols(self) -> Symbols:
        (n, c, r, q, u, v), pixel, limits, ranges = self._pixel()
        position = sp.IndexedBase("argmax")[n, c, r, q]
        # In ceil mode the last windows hang over the edge: they cover only the pixels inside.
        (_, height, width), (_, out_h, out_w) = self.input_shape, self.output_shape
        if (out_h - 1) * self.stride[0] + self.kernel[0] > height:
            limits = ((u, 0, sp.Min(self.kernel[0], height - self.stride[0] * r) - 1), limits[1])
        if (out_w - 1) * self.stride[1] + self.kernel[1] > width:
            limits = (limits[0], (v, 0, sp.Min(self.kernel[1], width - self.stride[1] * q) - 1))
        return Symbols(
            output=sp.IndexedBase("y")[n, c, r, q], forward=WindowMax(pixel, *limits),
            partials=(Partial(0, pixel, sp.KroneckerDelta(u * self.kernel[1] + v, position)),),
            ranges=ranges,
            notes=(f"argmax[n, c, r, q] = u*{self.kernel[1]} + v of the first largest value in the window",),
        )

    def forward(self, x, params):
        channels, height, width = self.input_shape
        out_hw = self.output_shape[1:]
        # Pad the overhanging windows of ceil mode with -inf, which never wins.
        full = ((out_hw[0] - 1) * self.stride[0] + self.kernel[0], (out_hw[1] - 1) * self.stride[1] + self.kernel[1])
        padded = np.full((len(x), channels, max(full[0], height), max(full[1], width)), -np.inf, dtype=x.dtype)
        padded[:, :, :height, :width] = x
        candidates = np.stack([padded[window(u, v, self.stride, out_hw)] for u, v in self._offsets()])
        position = candidates.argmax(axis=0)   # the first largest, as PyTorch picks it
        y = np.take_along_axis(candidates, position[None], axis=0)[0]
        return y, (padded.shape, position)

    def backward(self, dy, saved, params):
        padded_shape, position = saved
        d_padded = np.zeros(padded_shape, dtype=dy.dtype)
        out_hw = self.output_shape[1:]
        for k, (u, v) in enumerate(self._offsets()):
            d_padded[window(u, v, self.stride, out_hw)] += np.where(position == k, dy, 0.0)
        height, width = self.input_shape[1:]
        return d_padded[:, :, :height, :width], {}

    def index_size(self) -> int:
        return math.prod(self.output_shape)   # the argmax of every window

    def template_context(self, lowering) -> dict:
        symbols = lowering.step.symbols
        # The template scatters each gradient to the argmax; that is the derived partial only
        # if the partial is the delta [u*kw + v = argmax].
        u, v = sp.symbols("u v", integer=True, nonnegative=True)
        argmax = sp.IndexedBase("argmax")[symbols.output.indices]
        if symbols.partial(0).expr != sp.KroneckerDelta(u * self.kernel[1] + v, argmax):
            raise AssertionError(f"{self.name}: derived partial {symbols.partial(0).expr} is not the argmax delta")
        return {"index_at": lowering.values.doprint(argmax)}

    def torch_module(self):
        import torch

        return torch.nn.MaxPool2d(self.kernel, self.stride, ceil_mode=self.ceil_mode)

    def peer_forward(self, ops, inputs, params, run):
        # ceil mode: the rows and columns the last windows reach past the bottom and right edge
        overhang = tuple(max(0, (out - 1) * stride + kernel - size) for out, stride, kernel, size
                         in zip(self.output_shape[1:], self.stride, self.kernel, self.input_shape[1:]))
        return ops.max_pool(inputs[0], self.kernel, self.stride, self.output_shape[1:], overhang)

    def onnx_nodes(self, onnx):
        # ceil_mode only where it keeps a window: where it would only drop one that starts past
        # the edge, the windows are floor mode's, which every reader computes alike.
        floor = tuple((size - k) // s + 1 for size, k, s in zip(self.input_shape[1:], self.kernel, self.stride))
        onnx.node("MaxPool", [onnx.inputs[0]], onnx.output, kernel_shape=list(self.kernel), strides=list(self.stride),
                  pads=[0, 0, 0, 0], ceil_mode=int(floor != self.output_shape[1:]))


@register
class AvgPool(_Pool):
    """The mean of each window; each input of a window gets 1/(kh*kw) of its gradient."""

    kind = "avgpool"
    template = "avgpool"
    FIELDS = {"kernel_size": "pair", "stride": "pair", "name": "name"}

    def symbols(self) -> Symbols:
        (n, c, r, q, u, v), pixel, limits, ranges = self._pixel()
        term = pixel / (self.kernel[0] * self.kernel[1])
        return Symbols(
            output=sp.IndexedBase("y")[n, c, r, q], forward=sp.Sum(term, *limits),
            partials=(Partial(0, pixel, sp.diff(term, pixel)),), ranges=ranges, term=term, reduction=limits,
        )

    def forward(self, x, params):
        out_hw = self.output_shape[1:]
        y = sum(x[window(u, v, self.stride, out_hw)] for u, v in self._offsets())
        return y / (self.kernel[0] * self.kernel[1]), x.shape

    def backward(self, dy, shape, params):
        dx = np.zeros(shape, dtype=dy.dtype)
        share = dy / (self.kernel[0] * self.kernel[1])
        for u, v in self._offsets():
            dx[window(u, v, self.stride, self.output_shape[1:])] += share
        return dx, {}

    def torch_module(self):
        import torch

        return torch.nn.AvgPool2d(self.kernel, self.stride)

    def peer_forward(self, ops, inputs, params, run):
        return ops.avg_pool(inputs[0], self.kernel, self.stride, self.output_shape[1:])

    def onnx_nodes(self, onnx):
        onnx.node("AveragePool", [onnx.inputs[0]], onnx.output, kernel_shape=list(self.kernel),
                  strides=list(self.stride), pads=[0, 0, 0, 0], ceil_mode=0)


@register
class GlobalAvgPool(Layer):
    """The mean of each channel over its whole picture: ``(c, h, w)`` becomes ``c`` values,
    ``y[c] = Σ_{r,q} x[c, r, q] / (h w)``, ready for a Dense layer."""

    kind = "gap"
    template = "globalavgpool"

    def _output_shape(self, input_shape: Shape) -> Shape:
        self.require_rank(input_shape, 3, "global average pooling works on (channels, height, width)")
        return (input_shape[0],)

    def symbols(self) -> Symbols:
        n, c, r, q = indices("n", "c", "r", "q")
        channels, height, width = self.input_shape
        pixel = sp.IndexedBase("x")[n, c, r, q]
        term = pixel / (height * width)
        limits = ((r, 0, height - 1), (q, 0, width - 1))
        return Symbols(
            output=sp.IndexedBase("y")[n, c], forward=sp.Sum(term, *limits),
            partials=(Partial(0, pixel, sp.diff(term, pixel)),), ranges={c: channels, r: height, q: width},
            term=term, reduction=limits,
        )

    def forward(self, x, params):
        return x.mean(axis=(2, 3)), x.shape

    def backward(self, dy, shape, params):
        return np.broadcast_to(dy[:, :, None, None] / (shape[2] * shape[3]), shape).copy(), {}

    def template_context(self, lowering) -> dict:
        from ..lower import constant_partial

        return {"share": lowering.values.doprint(constant_partial(lowering.step, 0))}

    def torch_module(self):
        import torch

        return torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())

    def peer_forward(self, ops, inputs, params, run):
        return ops.mean(inputs[0], (2, 3))

    def onnx_nodes(self, onnx):   # (N, C, 1, 1), then (N, C) as symnet's output
        onnx.node("Flatten", [onnx.node("GlobalAveragePool", [onnx.inputs[0]])], onnx.output, axis=1)
