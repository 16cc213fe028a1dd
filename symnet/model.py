"""Declare: a model is an Input, an ordered list of layers, and a loss.

Building a :class:`Sequential` names every layer, infers every shape and lays out the
parameters, so a model that cannot work fails here, with the layer named, before
anything is derived or compiled.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from .derive import Derivation, derive
from .emit import check_settings, positive_integer
from .layers import Conv2D, DeclarationError, Dense, Input, Layer, LossFunction, ParamSpec, is_rectifier
from .layers.base import check_elements
from .names import check_name
from .sizes import buffer_bytes, compiled_batch, show_bytes


class Sequential:
    """Layers applied in order to one input, ending in a loss.

    >>> model = Sequential(Input(784), Dense(10), loss=SoftmaxCrossEntropy())  # doctest: +SKIP

    Layers are copied, so one layer object can be used in several models. Layers without
    a ``name`` are named by kind and position among their kind: ``conv1``, ``relu2``, ...
    """

    def __init__(self, *layers: Layer, loss: LossFunction | None = None, name: str = "model"):
        if not layers or not isinstance(layers[0], Input):
            first = layers[0].label if layers and isinstance(layers[0], Layer) else repr(layers[:1])
            raise DeclarationError(f"{first}: comes before any Input; start the model with sn.Input(...)")
        for position, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise DeclarationError(f"Sequential: item {position} is {layer!r}, not a layer")
            if position and isinstance(layer, Input):
                raise DeclarationError(f"{layer.label}: a model has one Input, and it comes first")
        if not isinstance(loss, LossFunction):
            raise DeclarationError(f"Sequential: loss must be a loss such as sn.SoftmaxCrossEntropy(), got {loss!r}")
        if len(layers) < 2:
            raise DeclarationError("Sequential: declare at least one layer after the Input")
        self.name = check_name(name, "Sequential: name")
        self.input = copy.copy(layers[0])
        self.layers: list[Layer] = [copy.copy(layer) for layer in layers[1:]]
        self.loss = copy.copy(loss)
        self._name_layers()
        shape = self.input.build(self.input.shape)
        for layer in self.layers:
            shape = layer.build(shape)
        self.loss.build(shape)
        # The C walks all parameters (an SGD step) with an int counter.
        check_elements(self.param_count, "its parameters in all", self.name)
        self._derivation = None

    def _name_layers(self) -> None:
        taken = {layer.name for layer in self.layers if layer.name}
        counts: dict[str, int] = {}
        for layer in self.layers:
            if layer.name:
                continue
            while True:
                counts[layer.kind] = counts.get(layer.kind, 0) + 1
                candidate = f"{layer.kind}{counts[layer.kind]}"
                if candidate not in taken:
                    break
            layer.name = candidate
            taken.add(candidate)
        names = [layer.name for layer in self.layers]
        for name in names:
            if names.count(name) > 1:
                raise DeclarationError(f"{name}: two layers share this name")

    # -- shapes and parameters -----------------------------------------------------
    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.input.shape

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.layers[-1].output_shape

    def param_specs(self) -> list[ParamSpec]:
        """Every parameter in layer order, weight before bias."""
        return [spec for layer in self.layers for spec in layer.param_specs()]

    @property
    def param_count(self) -> int:
        return sum(spec.size for spec in self.param_specs())

    def training_flops(self) -> int:
        """Multiply-adds x 2 of one sample's training step in the dense and convolution layers
        (forward, the weight gradient, and the input gradient where one is passed on)."""
        flops = 0
        for position, layer in enumerate(self.layers):
            if isinstance(layer, Conv2D):
                products = math.prod(layer.output_shape) * layer.products
            elif isinstance(layer, Dense):
                products = layer.out_features * layer.input_shape[0]
            else:
                continue
            flops += 2 * products * (3 if position else 2)
        return flops

    def layer(self, name: str) -> Layer:
        """The layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer named {name!r}; the layers are {[layer.name for layer in self.layers]}")

    def init_params(self, seed: int = 0) -> dict[str, np.ndarray]:
        """Fresh float64 parameters: He normal for layers feeding a rectifier, Glorot uniform
        otherwise, biases zero.

        Each layer draws from its own stream (seed, position), so adding a layer does not
        change the others' initial values.
        """
        params = {}
        for position, layer in enumerate(self.layers):
            following = self.layers[position + 1] if position + 1 < len(self.layers) else None
            rng = np.random.default_rng([seed, position])
            for spec in layer.param_specs():
                if spec.role == "bias":
                    params[spec.name] = np.zeros(spec.shape)
                elif following is not None and is_rectifier(following):
                    params[spec.name] = rng.normal(0.0, np.sqrt(2.0 / spec.fan_in), spec.shape)
                else:
                    limit = np.sqrt(6.0 / (spec.fan_in + spec.fan_out))
                    params[spec.name] = rng.uniform(-limit, limit, spec.shape)
        return params

    def check_params(self, params: dict) -> dict[str, np.ndarray]:
        """``params`` checked against the model's specs: every name, no extra, right shapes, finite."""
        if not isinstance(params, dict):
            raise TypeError(f"params: expected a dict of arrays, got {type(params).__name__}")
        specs = self.param_specs()
        expected = [spec.name for spec in specs]
        missing = [name for name in expected if name not in params]
        extra = [name for name in params if name not in expected]
        if missing or extra:
            raise ValueError(f"params: missing {missing}, unexpected {extra}; expected {expected}")
        checked = {}
        for spec in specs:
            value = np.asarray(params[spec.name])
            if value.dtype.kind not in "biuf":
                raise ValueError(f"params: {spec.name} must hold numbers, got dtype {value.dtype}")
            if value.shape != spec.shape:
                raise ValueError(f"params: {spec.name} must have shape {spec.shape}, got {value.shape}")
            if not np.isfinite(value).all():
                raise ValueError(f"params: {spec.name} contains NaN or infinity")
            checked[spec.name] = value
        return checked

    def check_input_shape(self, x, argument: str = "x") -> np.ndarray:
        """``x`` as an array of numbers shaped as a batch of samples (not yet converted, nor
        checked for NaN: see :meth:`check_inputs`), or a ValueError."""
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise ValueError(f"{argument}: expected numbers, got dtype {x.dtype}")
        if x.shape[1:] != self.input_shape or x.ndim != len(self.input_shape) + 1:
            raise ValueError(f"{argument}: expected shape (n, {', '.join(map(str, self.input_shape))}) "
                             f"for {self.input.describe()}, got {x.shape}")
        return x

    def check_inputs(self, x, dtype=np.float64, argument: str = "x") -> np.ndarray:
        """``x`` as a C-contiguous batch of ``dtype`` samples of the input shape, or a ValueError."""
        x = self.check_input_shape(x, argument)
        # Checked after the conversion: 1e39 is finite in float64 but not in float32 (where
        # casting it warns, needlessly: the error below says so).
        if x.dtype == dtype:
            converted = np.ascontiguousarray(x)
        else:
            with np.errstate(over="ignore"):
                converted = np.ascontiguousarray(x, dtype=dtype)
        if not np.isfinite(converted).all():
            if np.isfinite(x).all():
                raise ValueError(f"{argument}: contains values too large for {np.dtype(dtype).name} "
                                 "(they overflow to infinity)")
            raise ValueError(f"{argument}: contains NaN or infinity")
        return converted

    # -- reports -------------------------------------------------------------------
    def summary_text(self, batch: int = 64, dtype: str = "float32", threads: int = 1) -> str:
        """The table that :meth:`summary` prints, then the bytes of the parameters and of all
        the buffers of the model compiled for ``batch`` samples of ``dtype`` on ``threads`` threads."""
        check_settings(dtype, batch)
        positive_integer(threads, "threads")
        rows = [("layer", "declared as", "output shape", "parameters")]
        rows.append(("input", self.input.describe(), str(self.input_shape), "0"))
        for layer in self.layers:
            count = sum(spec.size for spec in layer.param_specs())
            rows.append((layer.name, layer.describe(), str(layer.output_shape), f"{count:,}"))
        rows.append(("loss", self.loss.describe(), "()", "0"))
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        lines = []
        for index, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row[:3], widths)] + [row[3].rjust(widths[3])]
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append("-" * len(lines[0]))
        itemsize = np.dtype(dtype).itemsize
        lines.append(f"total parameters: {self.param_count:,} ({show_bytes(self.param_count * itemsize)} as {dtype})")
        lines.append(f"buffers for {compiled_batch(batch, dtype, threads)}: "
                     f"{show_bytes(buffer_bytes(self, batch, dtype, threads))}")
        return "\n".join(lines)

    def summary(self, batch: int = 64, dtype: str = "float32", threads: int = 1) -> None:
        """Print the layers, their output shapes and parameter counts, and the bytes of the
        parameters and of a net compiled for ``batch`` samples of ``dtype`` (see :meth:`summary_text`)."""
        print(self.summary_text(batch, dtype, threads))

    def derivation(self) -> Derivation:
        """The model's :class:`~symnet.derive.Derivation` (computed once)."""
        if self._derivation is None:
            self._derivation = derive(self)
        return self._derivation

    def __repr__(self) -> str:
        parts = [self.input.describe(), *(layer.describe() for layer in self.layers)]
        return f"Sequential({', '.join(parts)}, loss={self.loss.describe()})"
