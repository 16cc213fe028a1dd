"""ONNX in: a symnet model and its weights from an ONNX file (symnet's, PyTorch's, anyone's).

The file is parsed by the onnx package (protobuf) and checked by ``onnx.checker``; nothing
in it is evaluated as code, and external data is read only from regular files inside the
model's folder. Every node is then held
to what symnet computes exactly: an operator symnet has no layer for, an attribute it does
not read, or a value it cannot represent (asymmetric pads, dilation, groups, a scaled
``Gemm``, a padded pooling, a reshape that is not a flatten) is refused with the node and
the field named, never approximated. Weights must be initializers (or ``Constant`` nodes)
whose shapes fit the layer they become.

Operators: Conv, Gemm, MatMul (with a following Add of a bias), MaxPool, AveragePool,
GlobalAveragePool, ReduceMean over height and width, Flatten, Reshape to (batch, -1) (its
shape a constant, or from Shape, Gather, Unsqueeze and Concat of the batch size), Add and
Sum of tensors, Concat along channels, BatchNormalization (eval), Dropout, Identity, and the
elementwise operators of :mod:`symnet.export.onnx_formula` (Relu, Sigmoid, Tanh, Exp, Log,
Erf, Pow, Where, comparisons, ...) with scalar constants, which become activations, and
Gelu, Elu, LeakyRelu, Selu, HardSigmoid, Softsign and Softplus; each
operator's reading is in :mod:`symnet.export.onnx_ops`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..names import is_name
from .importing import Builder, Value
from .onnx import ACTIVATION_TAG, _onnx
from .onnx_formula import ELEMENTWISE_IN, OnnxError
from .onnx_ops import Operators

MIN_OPSET = 13   # Dropout's ratio as an input, ReduceMean's axes as an attribute until 18


def from_onnx(path, loss=None, name: str = "model") -> tuple:
    """``(model, params)`` read from the ONNX file ``path``; ``loss`` defaults to
    ``SoftmaxCrossEntropy()`` for a vector of scores and ``MeanSquaredError()`` otherwise.
    Running statistics (BatchNormalization's) become ``model.init_buffers()``. An
    :class:`OnnxError` (a ValueError) names the file, the first node symnet cannot represent
    and why."""
    onnx = _onnx()
    source = str(path)
    try:
        proto = onnx.load(path, load_external_data=False)   # external data only once its paths are checked
    except OSError:
        raise
    except Exception as error:   # protobuf's DecodeError and the like
        raise OnnxError(f"{source}: not an ONNX model ({type(error).__name__}: {error})") from None
    _external_data(proto, Path(path), source)
    try:
        onnx.checker.check_model(proto)
    except onnx.checker.ValidationError as error:
        raise OnnxError(f"{source}: onnx.checker refuses it: {str(error).strip().splitlines()[0]}") from None
    return Reader(proto, source).read(loss, name)


def _external_data(proto, path: Path, source: str) -> None:
    """Load the weights kept beside the file (PyTorch's exporter writes ``<file>.data``), each
    only from a regular file inside the model's folder: a location that is absolute, climbs out
    with ``..`` or leads out through a link is refused, naming the initializer."""
    onnx = _onnx()
    from onnx.external_data_helper import ExternalDataInfo, load_external_data_for_model

    folder = path.resolve().parent
    external = [tensor for tensor in proto.graph.initializer if tensor.data_location == onnx.TensorProto.EXTERNAL]
    for tensor in external:
        location = ExternalDataInfo(tensor).location
        target = (folder / location).resolve()
        if Path(location).is_absolute() or folder not in target.parents or not target.is_file():
            raise OnnxError(f"{source}: initializer {tensor.name!r}: external data {location!r} is not a file in "
                            f"the model's folder {folder}")
    if external:
        try:
            load_external_data_for_model(proto, str(folder))
        except (OSError, ValueError) as error:
            raise OnnxError(f"{source}: external data: {error}") from None


class Reader(Operators):
    """One file's graph, walked node by node into a :class:`Builder`."""

    def __init__(self, proto, source: str):
        self.onnx, self.proto, self.source, self.graph = _onnx(), proto, source, proto.graph
        self.opset = self._opset()
        self.values: dict[str, object] = {}   # ONNX value name -> Value or a constant np.ndarray
        self.skip: dict[int, str] = {}        # nodes folded into an earlier one -> the value they alias
        self.readers: dict[str, list[int]] = {}
        self.producers = {name: (index, node) for index, node in enumerate(self.graph.node) for name in node.output}
        for index, node in enumerate(self.graph.node):
            for name in node.input:
                self.readers.setdefault(name, []).append(index)
        for output in self.graph.output:
            self.readers.setdefault(output.name, []).append(-1)

    def fail(self, where: str, reason: str) -> OnnxError:
        return OnnxError(f"{self.source}: {where}: {reason}")

    def _opset(self) -> int:
        versions = {entry.domain: entry.version for entry in self.proto.opset_import}
        version = versions.get("", versions.get("ai.onnx"))
        if version is None or version < MIN_OPSET:
            raise self.fail("opset_import", f"default-domain opset {version}; symnet reads opset {MIN_OPSET} and later")
        return version

    # -- the graph's inputs, initializers and output -------------------------------------------
    def _constants(self) -> None:
        if len(self.graph.sparse_initializer):
            raise self.fail("sparse_initializer", "symnet reads dense initializers only")
        for tensor in self.graph.initializer:
            self.values[tensor.name] = self._array(tensor, f"initializer {tensor.name!r}")

    def _array(self, tensor, where: str) -> np.ndarray:
        if tensor.data_location == self.onnx.TensorProto.EXTERNAL:
            raise self.fail(where, "its data is in an external file, which symnet does not read")
        try:
            array = self.onnx.numpy_helper.to_array(tensor)
        except Exception as error:
            raise self.fail(where, f"unreadable ({type(error).__name__}: {error})") from None
        if array.dtype.kind not in "fbi":
            raise self.fail(where, f"data type {array.dtype}: symnet reads floating point, integer and bool tensors")
        return array

    def _input(self) -> Builder:
        inputs = [value for value in self.graph.input if value.name not in self.values]
        if len(inputs) != 1:
            raise self.fail("graph.input", f"{len(inputs)} inputs besides the initializers; a symnet model has one")
        value = inputs[0]
        where = f"input {value.name!r}"
        kind = value.type.WhichOneof("value")
        if kind != "tensor_type":
            raise self.fail(where, f"a {kind}, not a tensor")
        elem = value.type.tensor_type.elem_type
        if elem not in (self.onnx.TensorProto.FLOAT, self.onnx.TensorProto.DOUBLE):
            raise self.fail(where, f"elem_type {self.onnx.TensorProto.DataType.Name(elem)}: symnet reads float and double")
        dims = value.type.tensor_type.shape.dim
        if len(dims) < 2:
            raise self.fail(where, f"rank {len(dims)}: symnet reads a batch of samples (batch, ...)")
        shape = []
        for axis, dim in enumerate(dims[1:], 1):
            if not dim.HasField("dim_value") or dim.dim_value < 1:
                raise self.fail(where, f"dimension {axis} is {dim.dim_param or 'unknown'!r}; all but the batch must be "
                                "fixed sizes")
            shape.append(int(dim.dim_value))
        self.batch = dims[0].dim_value if dims[0].HasField("dim_value") else None
        builder = Builder(tuple(shape), self.source)
        self.values[value.name] = builder.input_value
        return builder

    def read(self, loss, name: str) -> tuple:
        self._constants()
        self.builder = self._input()
        for index, node in enumerate(self.graph.node):
            where = f"node {index} {node.name!r} ({node.op_type})" if node.name else f"node {index} ({node.op_type})"
            if index in self.skip:
                self.values[node.output[0]] = self.values[self.skip[index]]
                continue
            self._node(index, node, where)
        if len(self.graph.output) != 1:
            raise self.fail("graph.output", f"{len(self.graph.output)} outputs; a symnet model has one")
        output = self.values.get(self.graph.output[0].name)
        if not isinstance(output, Value):
            raise self.fail("graph.output", f"{self.graph.output[0].name!r} is not computed from the input")
        return self.builder.finish(output, loss, name)

    # -- nodes ---------------------------------------------------------------------------------
    def _node(self, index: int, node, where: str) -> None:
        if node.domain not in ("", "ai.onnx"):
            raise self.fail(where, f"operator domain {node.domain!r}: symnet reads the default ONNX operators")
        handler = getattr(self, f"op_{node.op_type}", None)
        if handler is None and node.op_type not in ELEMENTWISE_IN:
            raise self.fail(where, f"symnet has no layer for the ONNX operator {node.op_type}")
        args = []
        for name in node.input:
            if name == "":
                args.append(None)   # an optional input left out
            elif name not in self.values:
                raise self.fail(where, f"reads {name!r}, which no initializer or earlier node gives")
            else:
                args.append(self.values[name])
        outputs = [name for name in node.output if name]
        if len(outputs) != 1 or node.output[0] == "":
            raise self.fail(where, f"writes {len(outputs)} outputs ({', '.join(outputs)}); symnet reads operators "
                            "that write one")
        if handler is None:
            result = self.elementwise(node, args, where)
            if isinstance(result, Value):
                tag = node.doc_string   # symnet's: an activation layer ends here
                tagged = tag.startswith(ACTIVATION_TAG) and is_name(tag[len(ACTIVATION_TAG):])
                if tagged:
                    result.function = tag[len(ACTIVATION_TAG):]
                if tagged or self.read_by_a_layer(node.output[0]):
                    result = self.builder.made(result, where)
        else:
            result = handler(index, node, args, where)
        self.values[node.output[0]] = result

    def read_by_a_layer(self, name: str) -> bool:
        """Whether a node other than an elementwise one (or the graph's output) reads ``name``:
        then its formula is made a layer where it is computed, and the elementwise readers read
        that layer rather than computing the formula again inside their own."""
        return any(reader < 0 or self.graph.node[reader].op_type not in ELEMENTWISE_IN
                   for reader in self.readers.get(name, []))
