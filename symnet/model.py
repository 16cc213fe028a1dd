"""Declare: a model is a graph of layers from one Input to one output, and a loss.

``Model(inputs, outputs, loss=...)`` takes the functional form (``y = layer(x)``);
``Sequential(...)`` is the builder of a chain. Either way the model copies its layers,
names those without a name by kind and a counter in a topological order (the order the
layers were called, which for a ``Residual`` is its block's layers, its projection, then
its ``Add``), infers every shape over the graph (:class:`symnet.graph.Graph`) and lays
out the parameters, so a model that cannot work fails here, with the layer named,
before anything is derived or compiled.
"""

from __future__ import annotations

import copy

import numpy as np
import numpy.random  # noqa: F401 - init_params draws with it; NumPy imports it lazily, on first use, for 8-20 ms

from .derive import Derivation, derive
from .graph import Graph, Tensor, trace
from .layers import DeclarationError, Input, Layer, LossFunction, ParamSpec
from .layers.base import check_elements
from .names import check_name
from .settings import check_settings, positive_integer
from .sizes import buffer_bytes, compiled_batch, show_bytes


def fresh(layer):
    """A copy of ``layer`` (or of a Residual) not yet called on anything."""
    twin = copy.copy(layer)
    twin.called = False
    if isinstance(twin, Input):
        twin.tensor = None
    return twin


def name_layers(layers: list[Layer], taken: set[str]) -> None:
    """Name every unnamed layer by its kind and a counter, in order, skipping names taken."""
    given = [layer.name for layer in layers if layer.name]
    for name in given:
        if given.count(name) > 1 or name in taken:
            raise DeclarationError(f"{name}: two layers share this name")
    taken = taken | set(given)
    counts: dict[str, int] = {}
    for layer in layers:
        while layer.name is None:
            counts[layer.kind] = counts.get(layer.kind, 0) + 1
            candidate = f"{layer.kind}{counts[layer.kind]}"
            if candidate not in taken:
                layer.name = candidate
                taken.add(candidate)


def _only(value, kind, argument: str):
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(items) != 1 or not isinstance(items[0], kind):
        raise DeclarationError(f"Model: {argument} must be one {kind.__name__} (a model has one input and one "
                               f"output), got {value!r:.80}")
    return items[0]


class Model:
    """A graph of layers from ``inputs`` (one :class:`~symnet.layers.Input`) to ``outputs``
    (one tensor), ending in ``loss``.

    >>> x = Input(784)                                      # doctest: +SKIP
    >>> model = Model(x, Dense(10)(x), loss=SoftmaxCrossEntropy())
    """

    def __init__(self, inputs, outputs, loss: LossFunction | None = None, name: str = "model"):
        model_input = _only(inputs, Input, "inputs")
        output = _only(outputs, Tensor, "outputs")
        traced = trace(model_input, output)
        model_input = fresh(model_input)
        layers = [fresh(layer) for layer, _ in traced]
        name_layers(layers, {model_input.name or "input"})
        names = [model_input.name or "input"] + [layer.name for layer in layers]
        nodes = [(layer, tuple(names[index + 1] for index in reads)) for layer, (_, reads) in zip(layers, traced)]
        self._finish(model_input, nodes, loss, name)

    @classmethod
    def from_nodes(cls, model_input: Input, nodes: list[tuple[Layer, tuple[str, ...]]], loss: LossFunction,
                   name: str = "model") -> "Model":
        """A model from its nodes: fresh layers, each with the names of the tensors it reads
        (as a saved file lists them). Unnamed layers are named as :class:`Model` names them."""
        name_layers([layer for layer, _ in nodes], {model_input.name or "input"})
        model = cls.__new__(cls)
        model._finish(model_input, list(nodes), loss, name)
        return model

    def _finish(self, model_input: Input, nodes: list, loss, name: str) -> None:
        if not isinstance(loss, LossFunction):
            raise DeclarationError(f"{type(self).__name__}: loss must be a loss such as sn.SoftmaxCrossEntropy(), "
                                   f"got {loss!r:.80}")
        self.name = check_name(name, f"{type(self).__name__}: name")
        self.graph = Graph(model_input, nodes)
        self.input = model_input
        self.layers: list[Layer] = [node.layer for node in self.graph.nodes]
        self.loss = copy.copy(loss)
        self.loss.build(self.output_shape)
        # The C walks all parameters (an SGD step) with an int counter.
        check_elements(self.param_count, "its parameters in all", self.name)
        self._derivation = None
        self.start_buffers = None   # the running statistics an imported model came with (init_buffers)

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

    def buffer_specs(self) -> list:
        """Every running statistic (BatchNorm's ``running_mean``, ``running_var``), in layer order."""
        return [spec for layer in self.layers for spec in layer.buffer_specs()]

    def init_buffers(self) -> dict[str, np.ndarray]:
        """Fresh running statistics (float64): PyTorch's start, means 0 and variances 1; for a
        model imported by ``sn.from_onnx`` or ``sn.from_torch``, the ones it came with."""
        if self.start_buffers is not None:
            return {name: value.copy() for name, value in self.start_buffers.items()}
        return {spec.name: np.full(spec.shape, float(spec.fill)) for spec in self.buffer_specs()}

    def check_buffers(self, buffers: dict) -> dict[str, np.ndarray]:
        """``buffers`` checked against the model's running statistics: every name, right shapes,
        finite, and variances not negative."""
        if not isinstance(buffers, dict):
            raise TypeError(f"buffers: expected a dict of arrays, got {type(buffers).__name__}")
        expected = [spec.name for spec in self.buffer_specs()]
        missing, extra = [n for n in expected if n not in buffers], [n for n in buffers if n not in expected]
        if missing or extra:
            raise ValueError(f"buffers: missing {missing}, unexpected {extra}; expected {expected}")
        checked = {}
        for spec in self.buffer_specs():
            value = np.asarray(buffers[spec.name])
            if value.dtype.kind not in "biuf" or value.shape != spec.shape:
                raise ValueError(f"buffers: {spec.name} must be numbers of shape {spec.shape}, got {value.dtype} "
                                 f"of shape {value.shape}")
            if not np.isfinite(value).all() or (spec.role == "running_var" and (value < 0).any()):
                raise ValueError(f"buffers: {spec.name} contains NaN, infinity"
                                 f"{' or a negative variance' if spec.role == 'running_var' else ''}")
            checked[spec.name] = value
        return checked

    @property
    def couples_samples(self) -> list:
        """The layers whose output for one sample depends on the others' in training mode."""
        return [layer for layer in self.layers if layer.couples_samples]

    @property
    def param_count(self) -> int:
        return sum(spec.size for spec in self.param_specs())

    def training_flops(self) -> int:
        """Floating-point operations of one sample's training step in the layers' products:
        forward, the weight gradients, and the input gradients that are passed on."""
        graph = self.graph
        return sum(node.layer.training_flops(any(graph.gradient_mode(node, slot) for slot in range(len(node.inputs))))
                   for node in graph.nodes)

    def layer(self, name: str) -> Layer:
        """The layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer named {name!r}; the layers are {[layer.name for layer in self.layers]}")

    def init_rules(self) -> dict[str, tuple[str, float]]:
        """How :meth:`init_params` starts each parameter: ``("fill", value)`` (a constant, 0
        for biases), ``("normal", std)`` (He: std = sqrt(2 / fan_in), for layers whose readers
        are all rectifiers) or ``("uniform", limit)`` (Glorot: limit = sqrt(6 / (fan_in +
        fan_out)), otherwise). The exported C (:mod:`symnet.export.c`) draws by the same rules."""
        rules = {}
        for node in self.graph.nodes:
            readers = self.graph.tensors[node.name].readers
            rectified = bool(readers) and all(reader.layer.rectifies for reader, _ in readers)
            for spec in node.layer.param_specs():
                if spec.fill is not None:
                    rules[spec.name] = ("fill", float(spec.fill))
                elif spec.role == "bias":
                    rules[spec.name] = ("fill", 0.0)
                elif rectified:
                    rules[spec.name] = ("normal", float(np.sqrt(2.0 / spec.fan_in)))
                else:
                    rules[spec.name] = ("uniform", float(np.sqrt(6.0 / (spec.fan_in + spec.fan_out))))
        return rules

    def init_params(self, seed: int = 0) -> dict[str, np.ndarray]:
        """Fresh float64 parameters: He normal for layers whose readers are all rectifiers,
        Glorot uniform otherwise, biases zero (see :meth:`init_rules`).

        Each layer draws from its own stream (seed, position), so adding a layer does not
        change the others' initial values.
        """
        params, rules = {}, self.init_rules()
        for position, node in enumerate(self.graph.nodes):
            rng = np.random.default_rng([seed, position])
            for spec in node.layer.param_specs():
                kind, scale = rules[spec.name]
                if kind == "fill":
                    params[spec.name] = np.full(spec.shape, scale)
                elif kind == "normal":
                    params[spec.name] = rng.normal(0.0, scale, spec.shape)
                else:
                    params[spec.name] = rng.uniform(-scale, scale, spec.shape)
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

    # -- the declaration as data ------------------------------------------------------
    def to_dict(self) -> dict:
        """The declaration as JSON values: every layer's kind and constructor arguments, and
        the tensors it reads (see symnet.saving for the reading side)."""
        return {
            "name": self.name,
            "input": {"kind": "Input", **self.input.config()},
            "layers": [{"kind": type(node.layer).__name__, **node.layer.config(), "inputs": list(node.inputs)}
                       for node in self.graph.nodes],
            "loss": {"kind": type(self.loss).__name__, **self.loss.config()},
        }

    # -- reports -------------------------------------------------------------------
    def summary_text(self, batch: int = 64, dtype: str = "float32", threads: int = 1) -> str:
        """The table that :meth:`summary` prints (each layer, what it reads, its output shape
        and parameter count), then the bytes of the parameters and of all the buffers of the
        model compiled for ``batch`` samples of ``dtype`` on ``threads`` threads."""
        check_settings(dtype, batch)
        positive_integer(threads, "threads")
        rows = [("layer", "declared as", "reads", "output shape", "parameters")]
        rows.append((self.graph.input_name, self.input.describe(), "", str(self.input_shape), "0"))
        for node in self.graph.nodes:
            count = sum(spec.size for spec in node.layer.param_specs())
            rows.append((node.name, node.layer.describe(), ", ".join(node.inputs), str(node.layer.output_shape),
                         f"{count:,}"))
        rows.append(("loss", self.loss.describe(), self.graph.output, "()", "0"))
        widths = [max(len(row[column]) for row in rows) for column in range(5)]
        lines = []
        for index, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row[:4], widths)] + [row[4].rjust(widths[4])]
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append("-" * len(lines[0]))
        itemsize = np.dtype(dtype).itemsize
        lines.append(f"total parameters: {self.param_count:,} ({show_bytes(self.param_count * itemsize)} as {dtype})")
        running = sum(spec.size for spec in self.buffer_specs())
        if running:
            lines.append(f"running statistics: {running:,} values, not trained by gradients (net.buffers)")
        lines.append(f"buffers for {compiled_batch(batch, dtype, threads)}: "
                     f"{show_bytes(buffer_bytes(self, batch, dtype, threads))}")
        return "\n".join(lines)

    def summary(self, batch: int = 64, dtype: str = "float32", threads: int = 1) -> None:
        """Print the layers, what each reads, their output shapes and parameter counts, and the
        bytes of a net compiled for ``batch`` samples of ``dtype`` (see :meth:`summary_text`)."""
        print(self.summary_text(batch, dtype, threads))

    def derivation(self, optimizer=None) -> Derivation:
        """The model's :class:`~symnet.derive.Derivation` (computed once); with ``optimizer``,
        its update rule is printed after the chain rule."""
        if self._derivation is None:
            self._derivation = derive(self)
        if optimizer is None:
            return self._derivation
        return self._derivation.with_optimizer(optimizer)

    def __repr__(self) -> str:
        if self.graph.is_chain:   # as the Sequential that declares the same chain
            parts = [self.input.describe(), *(layer.describe() for layer in self.layers)]
            return f"Sequential({', '.join(parts)}, loss={self.loss.describe()})"
        return (f"Model({self.name}: {self.input.describe()} -> {len(self.layers)} layers -> "
                f"{self.graph.output}, loss={self.loss.describe()})")


class Sequential(Model):
    """Layers applied in order to one input, ending in a loss: the builder of a chain.

    >>> model = Sequential(Input(784), Dense(10), loss=SoftmaxCrossEntropy())  # doctest: +SKIP

    Items after the Input are layers or :class:`~symnet.layers.Residual` blocks. Layers are
    copied, so one layer object can be used in several models. Layers without a ``name``
    are named by kind and position among their kind: ``conv1``, ``relu2``, ...
    """

    def __init__(self, *layers, loss: LossFunction | None = None, name: str = "model"):
        if not layers or not isinstance(layers[0], Input):
            first = layers[0].label if layers and isinstance(layers[0], Layer) else repr(layers[:1])
            raise DeclarationError(f"{first}: comes before any Input; start the model with sn.Input(...)")
        for position, item in enumerate(layers):
            if not hasattr(item, "parts") or not hasattr(item, "connect"):
                raise DeclarationError(f"Sequential: item {position} is {item!r:.80}, not a layer")
            if position and isinstance(item, Input):
                raise DeclarationError(f"{item.label}: a model has one Input, and it comes first")
        if not isinstance(loss, LossFunction):
            raise DeclarationError(f"Sequential: loss must be a loss such as sn.SoftmaxCrossEntropy(), got {loss!r}")
        if len(layers) < 2:
            raise DeclarationError("Sequential: declare at least one layer after the Input")
        self.declared = layers
        model_input = fresh(layers[0])
        # Named before they are connected, so that a shape error names the layer.
        parts = [[fresh(part) for part in item.parts()] for item in layers[1:]]
        name_layers([part for group in parts for part in group], {model_input.name or "input"})
        tensor = model_input
        for item, group in zip(layers[1:], parts):
            tensor = item.connect(tensor, group)
        super().__init__(model_input, tensor, loss=loss, name=name)

    def __repr__(self) -> str:
        parts = [item.describe() for item in self.declared]
        return f"Sequential({', '.join(parts)}, loss={self.loss.describe()})"
