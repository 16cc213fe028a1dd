"""ONNX out: a model and its weights as an ONNX file that onnxruntime runs.

Each layer kind writes its own nodes (``Layer.onnx_nodes``, beside its PyTorch twin); this
module walks the graph, gives each layer a :class:`LayerWriter` (the names of the tensors
it reads and of its output, its parameters as initializers, constants of the model's
dtype), and checks the result with ``onnx.checker`` before writing it. Every tensor keeps
its symnet name (``input``, ``conv1``, ...); a layer's inner values are ``<layer>/<k>``.

The graph is the eval form: BatchNorm normalizes with its running statistics and Dropout
is ONNX's Dropout outside training (the identity, its ratio kept for readers). The batch
is the symbolic dimension ``N``. Needs the ``onnx`` extra (``pip install symnet[onnx]``).
"""

from __future__ import annotations

import numpy as np

from .onnx_formula import OnnxError

# Opset 17 (onnxruntime 1.13 and later run it); IR version 8 is the one it came with, so
# that older runtimes load the file too.
OPSET = 17
IR_VERSION = 8
DTYPES = ("float32", "float64")
ACTIVATION_TAG = "symnet activation "   # the doc_string of the node that writes a custom activation


def _onnx():
    try:
        import onnx
    except ImportError:   # an extra, not a dependency
        raise ImportError("ONNX export and import need the onnx package: pip install 'symnet[onnx]'") from None
    return onnx


class LayerWriter:
    """What a layer's ``onnx_nodes`` writes through: ``inputs`` (the names of the tensors it
    reads), ``output`` (the name its last node must write), :meth:`node`, :meth:`param`,
    :meth:`buffer` and :meth:`constant`."""

    def __init__(self, writer: "GraphWriter", node):
        self.writer, self.layer = writer, node.layer
        self.name = node.name
        self.inputs = list(node.inputs)
        self.output = node.name
        self._count = 0

    def _fresh(self) -> str:
        self._count += 1
        return f"{self.name}/{self._count}"

    def node(self, op: str, inputs: list[str], output: str | None = None, **attributes) -> str:
        """Add node ``op`` reading ``inputs`` and writing ``output`` (default: a fresh inner
        value); returns the name of the value it writes."""
        output = output or self._fresh()
        self.writer.nodes.append(_onnx().helper.make_node(op, inputs, [output], name=f"{self.name}/{op}_{len(self.writer.nodes)}",
                                                          **attributes))
        return output

    def param(self, role: str) -> str:
        """The initializer holding parameter ``<layer>.<role>`` in the model's dtype."""
        return self.writer.initializer(f"{self.name}.{role}", self.writer.params[f"{self.name}.{role}"])

    def buffer(self, role: str) -> str:
        """The initializer holding running statistic ``<layer>.<role>``."""
        return self.writer.initializer(f"{self.name}.{role}", self.writer.buffers[f"{self.name}.{role}"])

    def constant(self, value, name: str | None = None) -> str:
        """An initializer holding ``value``: a float (or array of floats) in the model's dtype,
        a NumPy bool, or a NumPy int64 array (shapes, axes) as it is."""
        array = np.asarray(value)
        if array.dtype.kind == "f" or isinstance(value, (int, float)):
            array = array.astype(self.writer.dtype)
        return self.writer.initializer(name or f"{self.name}/const{len(self.writer.initializers)}", array)

    def formula(self, expr, symbol, source: str, output: str) -> str:
        """The nodes of an elementwise SymPy formula of ``symbol``, read from ``source``."""
        from .onnx_formula import FormulaWriter

        written = FormulaWriter(self, symbol, source, self.layer.label).write(expr, output)
        self.tag_activation()
        return written

    def tag_activation(self) -> None:
        """Say on the node writing the layer's output that an activation ends there, and its
        name: sn.from_onnx then gives back one layer, so named, and does not fuse it with the
        activation after it."""
        last = next(node for node in reversed(self.writer.nodes) if list(node.output) == [self.output])
        last.doc_string = f"{ACTIVATION_TAG}{self.layer.function_name}"


class GraphWriter:
    """The nodes and initializers of one model's ONNX graph, in one dtype."""

    def __init__(self, model, params: dict, buffers: dict, dtype: str):
        self.dtype = np.dtype(dtype)
        self.params = _cast(model.check_params(params), self.dtype, "params")
        self.buffers = _cast(model.check_buffers(buffers), self.dtype, "buffers")
        self.nodes, self.initializers, self._names = [], [], set()

    def initializer(self, name: str, array: np.ndarray) -> str:
        if name not in self._names:
            self._names.add(name)
            self.initializers.append(_onnx().numpy_helper.from_array(np.array(array, order="C"), name))
        return name


def _cast(arrays: dict, dtype: np.dtype, argument: str) -> dict:
    out = {}
    for name, value in arrays.items():
        with np.errstate(over="ignore"):
            out[name] = np.asarray(value, dtype=dtype)
        if not np.isfinite(out[name]).all():
            raise ValueError(f"{argument}: {name} does not fit in {dtype.name} (it overflows to infinity)")
    return out


def to_onnx(model, params: dict, buffers: dict | None = None, dtype: str = "float32"):
    """``model`` with ``params`` (and the running statistics ``buffers``, default the model's
    initial ones) as a checked ``onnx.ModelProto`` computing ``forward`` in eval mode, in
    ``dtype`` ("float32" or "float64"). An OnnxError names the first layer with no exact
    ONNX form (a custom activation using a function ONNX lacks, such as ``log1p``)."""
    onnx = _onnx()
    if dtype not in DTYPES:
        raise ValueError(f"dtype: expected one of {DTYPES}, got {dtype!r}")
    writer = GraphWriter(model, params, model.init_buffers() if buffers is None else buffers, dtype)
    for node in model.graph.nodes:
        try:
            node.layer.onnx_nodes(LayerWriter(writer, node))
        except NotImplementedError:
            raise OnnxError(f"{node.layer.label}: this layer kind has no ONNX form") from None
    elem = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    graph = onnx.helper.make_graph(
        writer.nodes, model.name, [onnx.helper.make_tensor_value_info(model.graph.input_name, elem, ["N", *model.input_shape])],
        [onnx.helper.make_tensor_value_info(model.graph.output, elem, ["N", *model.output_shape])], writer.initializers,
        doc_string=repr(model))
    proto = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", OPSET)], producer_name="symnet",
                                   producer_version=_version(), ir_version=IR_VERSION)
    onnx.checker.check_model(proto, full_check=True)   # shapes inferred and checked too
    return proto


def _version() -> str:
    from .. import __version__

    return __version__


def export_onnx(model, params: dict, path, buffers: dict | None = None, dtype: str = "float32") -> None:
    """Write :func:`to_onnx`'s model to ``path``, atomically (a reader sees the old file or the
    new one)."""
    from ..files import write_atomically

    proto = to_onnx(model, params, buffers, dtype)
    data = proto.SerializeToString()
    write_atomically(path, lambda file: file.write(data))
