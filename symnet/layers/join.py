"""Joins: layers that read two or more tensors, where a graph's branches meet."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..printer import CPrinter
from .base import DeclarationError, Layer, Partial, Shape, Symbols, indices, register


class _Join(Layer):
    """Shared declaration of the joins: two or more inputs, named ``x0, x1, ...`` in formulas."""

    arity = None

    def _bases(self) -> list[sp.IndexedBase]:
        return [sp.IndexedBase(label) for label in self.input_labels]

    def _shapes(self, shapes) -> str:
        return ", ".join(f"{shape} (input {slot})" for slot, shape in enumerate(shapes))

    def evaluate(self, inputs, params):
        raise NotImplementedError

    def template_context(self, lowering) -> dict:
        """Each slot's derived partial, printed, after checking the template applies it right."""
        raise NotImplementedError


@register
class Add(_Join):
    """The elementwise sum of two or more tensors of one shape: ``y = x0 + x1 + ...``; each
    addend's partial is 1, so each input receives the output's gradient as it is."""

    kind = "add"
    template = "add"
    takes_epilogue = True

    def _output_shape(self, *shapes: Shape) -> Shape:
        if any(shape != shapes[0] for shape in shapes):
            raise self.error(f"adds tensors of one shape, got {self._shapes(shapes)}")
        return shapes[0]

    def symbols(self) -> Symbols:
        n, e = indices("n", "e")
        addends = [base[n, e] for base in self._bases()]
        forward = sp.Add(*addends)
        return Symbols(
            output=sp.IndexedBase("y")[n, e], forward=forward,
            partials=tuple(Partial(slot, addend, sp.diff(forward, addend)) for slot, addend in enumerate(addends)),
            ranges={e: math.prod(self.output_shape)},
            notes=("e: an element of the sample, the same in every input",),
        )

    def evaluate(self, inputs, params):
        return sum(inputs[1:], inputs[0]), len(inputs)

    def pull_back(self, dy, count, params):
        return [dy] * count, {}

    def template_context(self, lowering) -> dict:
        from ..lower import constant_partial

        symbols = lowering.step.symbols
        scalars = CPrinter(lowering.dtype, names={label: f"{label}[e]" for label in self.input_labels})
        # The template scales each input's gradient by a constant: checked, not assumed.
        slopes = [scalars.doprint(constant_partial(lowering.step, partial.of)) for partial in symbols.partials]
        return {"sum": scalars.doprint(symbols.forward), "slopes": slopes}

    def torch_module(self):
        from ..export.torch import Sum

        return Sum()

    def peer_forward(self, ops, inputs, params, run):
        return sum(inputs[1:], inputs[0])

    def onnx_nodes(self, onnx):   # Sum for three or more, so that one Add is read back as one
        onnx.node("Add" if len(onnx.inputs) == 2 else "Sum", onnx.inputs, onnx.output)


@register
class Concat(_Join):
    """Two or more tensors joined along their first axis (the channels of a picture, the
    features of a vector); the rest of their shapes must agree. Each input's partial
    selects its slice of the output: 1 there, 0 elsewhere."""

    kind = "concat"
    template = "concat"

    def _output_shape(self, *shapes: Shape) -> Shape:
        if any(len(shape) != len(shapes[0]) or shape[1:] != shapes[0][1:] for shape in shapes):
            raise self.error(f"joins tensors along their first axis, so the rest of their shapes must agree; "
                             f"got {self._shapes(shapes)}")
        return (sum(shape[0] for shape in shapes), *shapes[0][1:])

    @property
    def offsets(self) -> list[int]:
        """Where each input's slice begins along the first axis."""
        return [int(k) for k in np.cumsum([0] + [shape[0] for shape in self.input_shapes[:-1]])]

    def symbols(self) -> Symbols:
        n, c, p = indices("n", "c", "p")
        pieces, factors = [], []
        for slot, (base, start) in enumerate(zip(self._bases(), self.offsets)):
            element = base[n, c - start, p]
            factors.append(element)
            end = start + self.input_shapes[slot][0]
            pieces.append((element, c < end if slot < len(self.offsets) - 1 else True))
        forward = sp.Piecewise(*pieces)
        return Symbols(
            output=sp.IndexedBase("y")[n, c, p], forward=forward,
            partials=tuple(Partial(slot, element, sp.diff(forward, element)) for slot, element in enumerate(factors)),
            ranges={c: self.output_shape[0], p: math.prod(self.output_shape[1:])},
            notes=("p: a position within a channel (or 0 for vectors)",),
        )

    def evaluate(self, inputs, params):
        return np.concatenate(inputs, axis=1), None

    def pull_back(self, dy, saved, params):
        return np.split(dy, self.offsets[1:], axis=1), {}

    def template_context(self, lowering) -> dict:
        # The template copies each input's slice: right only if each derived partial is 1 on
        # its own slice of channels and 0 on the others.
        c = indices("c")[0]
        for partial, start, shape in zip(lowering.step.symbols.partials, self.offsets, self.input_shapes):
            for channel in range(self.output_shape[0]):
                value = partial.expr.subs(c, channel)
                if value != (1 if start <= channel < start + shape[0] else 0):
                    raise AssertionError(f"{self.name}: the partial for input {partial.of} is {value} at channel "
                                         f"{channel}, not the selection of its slice")
        per_channel = math.prod(self.output_shape[1:])
        return {"slices": [{"start": start * per_channel, "size": math.prod(shape)}
                           for start, shape in zip(self.offsets, self.input_shapes)]}

    def torch_module(self):
        from ..export.torch import Cat

        return Cat()

    def peer_forward(self, ops, inputs, params, run):
        return ops.concat(inputs, 1)

    def onnx_nodes(self, onnx):
        onnx.node("Concat", onnx.inputs, onnx.output, axis=1)


class Residual:
    """``input + block(input)`` inside a ``Sequential``: its layers applied in order, added to
    the input (or to ``projection(input)`` when the block changes the shape, e.g. a strided
    1x1 ``Conv2D``). Its layers are named as if declared in order, then the projection, then
    its ``Add``."""

    def __init__(self, *layers: Layer, projection: Layer | None = None):
        if not layers:
            raise DeclarationError("Residual: give the layers of the block, e.g. Residual(Conv2D(16, 3, padding=1), ReLU())")
        for position, layer in enumerate((*layers, projection)):
            if layer is None and position == len(layers):
                continue
            if not isinstance(layer, Layer) or layer.arity != 1:
                what = "projection" if position == len(layers) else f"item {position}"
                raise DeclarationError(f"Residual: {what} is {layer!r:.80}, not a layer that reads one tensor")
        self.layers, self.projection, self.join = layers, projection, Add()

    def describe(self) -> str:
        inner = ", ".join(layer.describe() for layer in self.layers)
        return f"Residual({inner}{', projection=' + self.projection.describe() if self.projection else ''})"

    label = property(describe)

    def parts(self) -> list[Layer]:
        return [*self.layers, *([self.projection] if self.projection else []), self.join]

    def connect(self, tensor, parts: list):
        block, skip = tensor, tensor
        for layer in parts[:len(self.layers)]:
            block = layer(block)
        if self.projection is not None:
            skip = parts[len(self.layers)](tensor)
        if block.shape != skip.shape:
            hint = "" if self.projection else "; give a projection, e.g. projection=Conv2D(channels, 1, stride=2)"
            raise DeclarationError(f"{self.describe()}: its block gives {block.shape} but its "
                                   f"{'projection' if self.projection else 'input'} {skip.shape}{hint}")
        return parts[-1](block, skip)

    def __call__(self, tensor):
        """The functional form: ``y = Residual(...)(x)``."""
        from ..model import fresh

        return self.connect(tensor, [fresh(part) for part in self.parts()])

    def __repr__(self) -> str:
        return self.describe()
