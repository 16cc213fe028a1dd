"""Two-dimensional convolution (cross-correlation, as in PyTorch)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .base import (Layer, ParamSpec, Partial, Shape, Symbols, check_elements, indices, pair, positive_int,
                   register, show_pair, window)


@register
class Conv2D(Layer):
    """``y[o, r, c] = b[o] + Σ_{i,u,v} W[o, i, u, v] x[i, s r + u - p, s c + v - p]``.

    The weight has PyTorch's layout ``(out_channels, in_channels, kh, kw)``; the input is
    zero outside its bounds (padding). With ``mean=True`` each output (sum of products
    plus bias) is divided by the number of products summed (``in_channels * kh * kw``):
    the "match" score of filtering, 1 for a perfect match and -1 for a perfect mismatch.
    """

    kind = "conv"
    template = "conv2d"
    FIELDS = {"out_channels": "int", "kernel_size": "pair", "stride": "pair", "padding": "pair", "bias": "bool",
              "mean": "bool", "name": "name"}

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, bias: bool = True,
                 mean: bool = False, name: str | None = None):
        owner = f"Conv2D({out_channels!r}, {kernel_size!r})"
        self.out_channels = positive_int(out_channels, "out_channels", owner)
        self.kernel = pair(kernel_size, "kernel_size", owner)
        self.stride = pair(stride, "stride", owner)
        self.padding = pair(padding, "padding", owner, minimum=0)
        self.use_bias = bool(bias)
        self.mean = bool(mean)
        super().__init__(name)

    def describe(self) -> str:
        args = [str(self.out_channels), str(show_pair(self.kernel))]
        for key, value, default in (("stride", self.stride, (1, 1)), ("padding", self.padding, (0, 0))):
            if value != default:
                args.append(f"{key}={show_pair(value)}")
        if not self.use_bias:
            args.append("bias=False")
        if self.mean:
            args.append("mean=True")
        return f"Conv2D({', '.join(args)})"

    def config(self) -> dict:
        return {"out_channels": self.out_channels, "kernel_size": list(self.kernel), "stride": list(self.stride),
                "padding": list(self.padding), "bias": self.use_bias, "mean": self.mean, "name": self.name}

    def _output_shape(self, input_shape: Shape) -> Shape:
        self.require_rank(input_shape, 3, "declare Input(channels, height, width) for pictures")
        _, height, width = input_shape
        padded = (height + 2 * self.padding[0], width + 2 * self.padding[1])
        if self.kernel[0] > padded[0] or self.kernel[1] > padded[1]:
            raise self.error(f"kernel {self.kernel[0]}x{self.kernel[1]} is larger than its "
                             f"padded input {padded[0]}x{padded[1]}")
        out_hw = ((padded[0] - self.kernel[0]) // self.stride[0] + 1,
                  (padded[1] - self.kernel[1]) // self.stride[1] + 1)
        # Besides its output (checked by build), the C holds one sample's input padded with
        # zeros and its im2col columns (a row per product, a column per output pixel).
        check_elements(input_shape[0] * padded[0] * padded[1], f"its padded input {(input_shape[0], *padded)}",
                       self.label)
        check_elements(input_shape[0] * math.prod(self.kernel) * math.prod(out_hw),
                       "its im2col columns for one sample", self.label)
        return (self.out_channels, *out_hw)

    @property
    def products(self) -> int:
        """How many products each output sums: ``in_channels * kh * kw``."""
        return self.input_shape[0] * self.kernel[0] * self.kernel[1]

    def param_specs(self) -> list[ParamSpec]:
        fan_in = self.products
        fan_out = self.out_channels * self.kernel[0] * self.kernel[1]
        specs = [ParamSpec(self.name, "weight", (self.out_channels, self.input_shape[0], *self.kernel),
                           fan_in, fan_out)]
        if self.use_bias:
            specs.append(ParamSpec(self.name, "bias", (self.out_channels,), fan_in, fan_out))
        return specs

    def symbols(self) -> Symbols:
        n, o, i, r, c, u, v = indices("n", "o", "i", "r", "c", "u", "v")
        x, w, b, y = (sp.IndexedBase(s) for s in ("x", "W", "b", "y"))
        (sh, sw), (ph, pw) = self.stride, self.padding
        pixel = x[n, i, sh * r + u - ph, sw * c + v - pw]
        term = w[o, i, u, v] * pixel
        if self.mean:
            term = term / self.products
        reduction = ((i, 0, self.input_shape[0] - 1), (u, 0, self.kernel[0] - 1), (v, 0, self.kernel[1] - 1))
        bias = None
        if self.use_bias:
            bias = b[o] / self.products if self.mean else b[o]
        forward = sp.Sum(term, *reduction) + (bias if bias is not None else 0)
        partials = [Partial(0, pixel, sp.diff(term, pixel)), Partial("weight", w[o, i, u, v], sp.diff(term, w[o, i, u, v]))]
        if bias is not None:
            partials.append(Partial("bias", b[o], sp.diff(forward, b[o]).doit()))
        notes = ()
        if ph or pw:
            notes = (f"x is 0 outside its {self.input_shape[1]}x{self.input_shape[2]} bounds (padding {ph}, {pw})",)
        _, oh, ow = self.output_shape
        return Symbols(
            output=y[n, o, r, c], forward=forward, partials=tuple(partials),
            ranges={o: self.out_channels, r: oh, c: ow, i: self.input_shape[0],
                    u: self.kernel[0], v: self.kernel[1]},
            term=term, reduction=reduction, bias=bias, notes=notes,
        )

    # -- Emit: im2col, then one matrix multiply for several samples at once ---------------
    @property
    def group(self) -> int:
        """How many samples are multiplied at once: enough that the matrix multiply has at
        least 512 columns (output pixels), at most 16."""
        return max(1, min(16, -(-512 // math.prod(self.output_shape[1:]))))

    def scratch_size(self) -> int:
        """Room past the packing buffers: the im2col columns of ``group`` samples; the output
        staged when several samples are multiplied at once (one sample's product is laid out
        as its output); one sample's input padded with zeros. With Winograd, the transformed
        kernels (or their gradient) and the larger pass's room."""
        if self.winograd:
            passes = [*self.winograd_passes(), self.winograd_weights_pass()]
            return max(pass_["entries"] * pass_["in"] * pass_["out"] + pass_["room"] for pass_ in passes)
        pixels = math.prod(self.output_shape[1:])
        channels, height, width = self.input_shape
        staged = self.out_channels if self.group > 1 else 0
        padded = (channels * (height + 2 * self.padding[0]) * (width + 2 * self.padding[1])
                  if any(self.padding) else 0)
        return (math.prod(self.kernel) * channels + staged) * self.group * pixels + padded

    # -- Winograd F(2x2, 3x3) and F(4x4, 3x3) for 3x3 convolutions of stride 1 -------------
    @property
    def winograd(self) -> bool:
        """Whether both passes through the input (forward, and d input as the convolution of dy
        with the kernel turned half a turn, padded by 2 - padding) go through Winograd's
        F(2x2, 3x3) (templates/winograd.c.j2): a 3x3 kernel of stride 1, padding at most 2, at
        least WINOGRAD_CHANNELS channels in and out (the multiplies sum over channels), and
        pictures in and out at least WINOGRAD_SIDE high and wide."""
        from ..layout import WINOGRAD_CHANNELS, WINOGRAD_SIDE

        return (self.kernel == (3, 3) and self.stride == (1, 1) and max(self.padding) <= 2
                and min(self.input_shape[0], self.out_channels) >= WINOGRAD_CHANNELS
                and min(*self.input_shape[1:], *self.output_shape[1:]) >= WINOGRAD_SIDE)

    @property
    def winograd_tile(self) -> int:
        """The side of the output tiles Winograd makes: 4 (F(4x4, 3x3), 2.25 products an output)
        where every picture either pass reads or writes is at least WINOGRAD4_SIDE high and wide,
        2 (F(2x2, 3x3), 4 an output) on smaller ones, whose last tiles would be mostly outside
        the picture; 0 without Winograd."""
        from ..layout import WINOGRAD4_SIDE

        if not self.winograd:
            return 0
        if min(*self.input_shape[1:], *self.output_shape[1:]) >= WINOGRAD4_SIDE:
            return 4
        return 4 if all(self._packs(pass_) for pass_ in self._pass_shapes()) else 2

    def _pass_shapes(self) -> list[dict]:
        """The forward pass and the d input pass (the convolution of dy with the kernel turned half a
        turn, padded by 2 - padding) as convolutions: channels in and out, planes, padding."""
        (channels, height, width), (out, oh, ow) = self.input_shape, self.output_shape
        (ph, pw) = self.padding
        return [{"in": channels, "h": height, "w": width, "top": ph, "left": pw, "out": out, "oh": oh, "ow": ow},
                {"in": out, "h": oh, "w": ow, "top": 2 - ph, "left": 2 - pw, "out": channels, "oh": height,
                 "ow": width}]

    @staticmethod
    def _packs(pass_: dict) -> bool:
        """Whether F(4x4, 3x3) takes a pass's pictures several to a vector (sn_wino4_fused): at most
        2 x 2 tiles of 4 x 4 outputs (a 7x7 picture's), and each sample's padded picture laid 4 tiles'
        width and height after the one before without either showing through the other (a picture's
        values end before the next begins; the values its outputs read past its tiles are the next
        one's padding), both ways."""
        def fits(size, out, before):
            tiles = -(-out // 4)
            return tiles <= 2 and before + size <= 4 * tiles and out + 2 <= 4 * tiles + before

        return fits(pass_["h"], pass_["oh"], pass_["top"]) and fits(pass_["w"], pass_["ow"], pass_["left"])

    @property
    def winograd_weights_tile(self) -> int:
        """The side of the output tiles the weight gradient takes: the passes' own, except where
        F(4x4, 3x3) takes small pictures several to a vector (the forward and d input passes alone
        do): a 7x7 picture's 2 x 2 tiles of 4 x 4 fill a quarter of the vectors its transforms make
        for the weight gradient, whose F(2x2, 3x3) took 2.2 ms a 64-channel layer at batch 64 on one
        thread where F(4x4, 3x3) took 3.0."""
        from ..layout import WINOGRAD4_SIDE

        small = min(*self.input_shape[1:], *self.output_shape[1:]) < WINOGRAD4_SIDE
        return 2 if self.winograd_tile == 4 and small else self.winograd_tile

    def winograd_passes(self) -> list[dict]:
        """The forward pass and the d input pass as Winograd convolutions: channels in and out,
        planes, padding (top, left), output tiles per sample, samples per multiply (``group``) and
        their room (transformed tiles V and M, and the transforms' own; with ``fused``, F(4x4, 3x3)'s
        convolution a vector of tiles at a time, at least its windows, V, M and rows of outputs);
        ``entries`` values per transformed tile ((m + 2)^2 for tiles of m x m outputs); ``conv`` and
        ``weights`` name the drivers compiled for the pass's shapes (templates/winograd.c.j2 emits
        one of each for all the passes that share them)."""
        return [self._winograd_plan(pass_, self.winograd_tile) for pass_ in self._pass_shapes()]

    def winograd_weights_pass(self) -> dict:
        """The forward pass's shapes as the weight gradient takes them (its tiles,
        ``winograd_weights_tile``), planned as ``winograd_passes`` plans a pass; its ``weights``
        names the driver."""
        return self._winograd_plan(self._pass_shapes()[0], self.winograd_weights_tile)

    @staticmethod
    def _winograd_plan(pass_: dict, m: int) -> dict:
        """A pass's shapes with its tiles, group, room and drivers for tiles of m x m outputs."""
        from ..layout import WINOGRAD_COLUMNS, WINOGRAD_ROOM

        entries = (m + 2) ** 2
        tile_rows, tile_columns = -(-pass_["oh"] // m), -(-pass_["ow"] // m)
        tiles = tile_rows * tile_columns
        per_sample = entries * (pass_["in"] + pass_["out"]) * tiles
        # enough samples for WINOGRAD_COLUMNS tiles, as long as their V and M stay in WINOGRAD_ROOM
        group = max(1, min(16, -(-WINOGRAD_COLUMNS // tiles), WINOGRAD_ROOM // per_sample))
        # V and M with 16 values of slack per row; two padded planes (the weight gradient's
        # x and dy), or one and m rows of outputs: each m (tile rows, rounded up to the 4
        # that may share a vector) + 2 rows of m (tile columns + 16) values, and 16 of slack
        # (sn_wino_plane_size, sn_wino4_plane_size; 16 is the widest vector)
        own = 2 * ((m * -(-tile_rows // 4) * 4 + 2) * m * (tile_columns + 16) + 16)
        room = group * per_sample + 16 * entries * (pass_["in"] + pass_["out"]) + own
        # F(4x4, 3x3) convolves a vector of tiles at a time (sn_wino4_fused): each input channel's
        # window of 4 rows + 2 (of at most 4 rows of tiles), V and M of one vector of tiles (at
        # most 16 lanes), 4 rows of outputs per output channel; rows of tiles are at least 4 long
        # where small pictures go several to a row (at most 16 / 4 tiles)
        fused = m == 4
        if fused:
            columns = max(tile_columns, 4)
            window = (4 * 4 + 2) * 4 * (columns + 16) + 16
            room = max(room, pass_["in"] * window + entries * (pass_["in"] + pass_["out"]) * 16
                       + pass_["out"] * 4 * 4 * (columns + 16))
        # the drivers compiled for these shapes, once for every pass of the model that has them
        prefix = "sn_wino" if m == 2 else f"sn_wino{m}"
        keys = ("in", "h", "w", "top", "left", "out", "oh", "ow")
        shapes = "_".join(str(pass_[key]) for key in keys)
        return {**pass_, "tiles": tiles, "group": group, "entries": entries, "room": room, "fused": fused,
                "driver": prefix, "conv": f"{prefix}_fused_{shapes}" if fused else f"{prefix}_conv_{shapes}_{group}",
                "weights": f"{prefix}_weights_{shapes}_{group}"}

    def template_context(self, lowering) -> dict:
        from ..lower import matrix_lowering

        context = {**matrix_lowering(lowering.step, lowering.values), "group": self.group, "winograd": self.winograd,
                   "winograd_tile": self.winograd_tile}
        if self.winograd:
            context["forward_pass"], context["dx_pass"] = self.winograd_passes()
            context["weights_pass"] = self.winograd_weights_pass()
        return context

    def training_flops(self, input_gradient: bool) -> int:
        return 2 * math.prod(self.output_shape) * self.products * (3 if input_gradient else 2)

    def torch_module(self):
        from ..export.torch import conv2d

        return conv2d(self)

    def peer_forward(self, ops, inputs, params, run):
        y = ops.conv2d(inputs[0], params[f"{self.name}.weight"], self.stride, self.padding)
        if self.use_bias:
            y = y + ops.reshape(params[f"{self.name}.bias"], (1, self.out_channels, 1, 1))
        return y * self._scale() if self.mean else y

    def onnx_nodes(self, onnx):
        reads = [onnx.inputs[0], onnx.param("weight")] + ([onnx.param("bias")] if self.use_bias else [])
        (ph, pw) = self.padding
        out = onnx.node("Conv", reads, None if self.mean else onnx.output, kernel_shape=list(self.kernel),
                        strides=list(self.stride), pads=[ph, pw, ph, pw], dilations=[1, 1], group=1)
        if self.mean:   # (Σ W x + b) / products, as symnet's Σ (W x / products) + b / products
            onnx.node("Div", [out, onnx.constant(float(self.products))], onnx.output)

    # NumPy mechanics: one tensordot per kernel offset (u, v), never a loop over pixels.
    def _padded(self, x):
        (ph, pw) = self.padding
        return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x

    def _scale(self) -> float:
        return 1.0 / self.products if self.mean else 1.0

    def forward(self, x, params):
        weight = params[f"{self.name}.weight"] * self._scale()
        padded = self._padded(x)
        out_hw = self.output_shape[1:]
        y = np.zeros((len(x), *self.output_shape), dtype=x.dtype)
        for u in range(self.kernel[0]):
            for v in range(self.kernel[1]):
                patch = padded[window(u, v, self.stride, out_hw)]          # (n, i, r, c)
                y += np.einsum("nirc,oi->norc", patch, weight[:, :, u, v], optimize=True)
        if self.use_bias:
            y += params[f"{self.name}.bias"][None, :, None, None] * self._scale()
        return y, padded

    def backward(self, dy, padded, params):
        scale = self._scale()
        weight = params[f"{self.name}.weight"] * scale
        out_hw = self.output_shape[1:]
        d_padded = np.zeros_like(padded)
        d_weight = np.zeros_like(params[f"{self.name}.weight"])
        for u in range(self.kernel[0]):
            for v in range(self.kernel[1]):
                at = window(u, v, self.stride, out_hw)
                d_weight[:, :, u, v] = np.einsum("norc,nirc->oi", dy, padded[at], optimize=True) * scale
                d_padded[at] += np.einsum("norc,oi->nirc", dy, weight[:, :, u, v], optimize=True)
        (ph, pw) = self.padding
        height, width = self.input_shape[1:]
        grads = {f"{self.name}.weight": d_weight}
        if self.use_bias:
            grads[f"{self.name}.bias"] = dy.sum(axis=(0, 2, 3)) * scale
        return d_padded[:, :, ph:ph + height, pw:pw + width], grads
