"""What each ONNX operator becomes in symnet, for :class:`symnet.export.onnx_in.Reader`.

One method per operator, ``op_<Type>(index, node, args, where)``: ``args`` are the node's
inputs as symnet holds them (a :class:`~symnet.export.importing.Value` for a tensor computed
from the input, a NumPy array for a constant, None for an optional input left out), and
``where`` names the node in errors. Each checks every attribute it reads against what symnet
computes exactly, refusing the rest by name, and returns the node's output.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..layers import BatchNorm, Concat, Conv2D, Dense, Dropout, MaxPool
from ..layers.pool import AvgPool
from .importing import Value
from .onnx_formula import ATTRIBUTED_IN, apply_in


def _single_float(value) -> float:
    """An ONNX float attribute (float32) as the shortest decimal that reads back to it: 1e-5, not 9.99999974e-06."""
    return float(str(np.float32(value)))


class Operators:
    """The operator methods and their checks; the :class:`~symnet.export.onnx_in.Reader` gives
    ``fail``, ``values``, ``builder``, ``graph``, ``readers``, ``producers``, ``skip``,
    ``opset``, ``batch`` and ``_array``."""

    def attributes(self, node, where: str, **defaults) -> dict:
        """The node's attributes, each one ``defaults`` names (others are refused), with the defaults filled in."""
        got = {}
        for attribute in node.attribute:
            if attribute.name not in defaults:
                raise self.fail(where, f"attribute {attribute.name}: symnet does not read it")
            value = self.onnx.helper.get_attribute_value(attribute)
            got[attribute.name] = value.decode() if isinstance(value, bytes) else value
        return {**defaults, **got}

    def tensor(self, arg, where: str, what: str) -> Value:
        if not isinstance(arg, Value):
            raise self.fail(where, f"{what}: a constant, where symnet's layers read a tensor computed from the input")
        return arg

    def constant(self, arg, where: str, what: str) -> np.ndarray:
        if not isinstance(arg, np.ndarray):
            raise self.fail(where, f"{what}: computed from the input, where symnet needs a constant (an initializer)")
        return arg

    def scalar(self, arg, where: str, what: str):
        array = self.constant(arg, where, what)
        if array.size != 1:
            raise self.fail(where, f"{what}: a constant of shape {array.shape}; symnet's elementwise functions take "
                            "scalar constants")
        value = array.reshape(()).item()
        if array.dtype == np.bool_:
            return sp.true if value else sp.false
        if float(value).is_integer() and abs(value) < 2 ** 53:
            return sp.Integer(int(value))
        if not math.isfinite(value):
            raise self.fail(where, f"{what}: {value}, not a finite number")
        # float32 constants as the shortest decimal that reads back to them (0.1, not 0.100000001)
        return sp.Float(str(np.float32(value)) if array.dtype == np.float32 else float(value), 17)

    def pair(self, values, where: str, field: str, minimum: int = 1) -> tuple[int, int]:
        values = list(values)
        if len(values) != 2 or any(v < minimum for v in values):
            raise self.fail(where, f"{field} {values}: symnet reads two values of at least {minimum} (height, width)")
        return int(values[0]), int(values[1])

    def symmetric_pads(self, pads, where: str) -> tuple[int, int]:
        pads = list(pads)
        if len(pads) != 4 or min(pads) < 0:
            raise self.fail(where, f"pads {pads}: expected four values of at least 0 (top, left, bottom, right)")
        if pads[0] != pads[2] or pads[1] != pads[3]:
            raise self.fail(where, f"pads {pads}: asymmetric (top, left differ from bottom, right); symnet pads both "
                            "sides alike")
        return pads[0], pads[1]

    def peek_constant(self, name: str) -> np.ndarray | None:
        """The constant ``name`` holds, whether read already or written by a later Constant node
        (exporters put them anywhere before their reader); None for anything else."""
        if isinstance(self.values.get(name), np.ndarray):
            return self.values[name]
        index, node = self.producers.get(name, (None, None))
        if node is None or node.op_type != "Constant":
            return None
        return self.op_Constant(index, node, [], f"node {index} ({node.op_type})")

    def only_reader(self, index: int, name: str) -> int | None:
        """The node that alone reads ``name`` (None when several do, or the graph's output)."""
        readers = self.readers.get(name, [])
        return readers[0] if len(readers) == 1 and readers[0] > index else None

    # -- operators -------------------------------------------------------------------------------
    def op_Conv(self, index, node, args, where):
        a = self.attributes(node, where, kernel_shape=None, strides=[1, 1], pads=[0, 0, 0, 0], dilations=[1, 1],
                            group=1, auto_pad="NOTSET")
        x = self.tensor(args[0], where, "X")
        weight = self.constant(args[1], where, "W")
        bias = self.constant(args[2], where, "B") if len(args) > 2 and args[2] is not None else None
        if weight.ndim != 4:
            raise self.fail(where, f"W: shape {weight.shape}; symnet's Conv2D reads 2-D kernels (out, in, kh, kw)")
        if a["kernel_shape"] is not None and list(a["kernel_shape"]) != list(weight.shape[2:]):
            raise self.fail(where, f"kernel_shape {list(a['kernel_shape'])} differs from W's {list(weight.shape[2:])}")
        if list(a["dilations"]) != [1, 1]:
            raise self.fail(where, f"dilations {list(a['dilations'])}: symnet's Conv2D has no dilation")
        if a["group"] != 1:
            raise self.fail(where, f"group {a['group']}: symnet's Conv2D has no groups")
        if a["auto_pad"] not in ("NOTSET", "VALID"):
            raise self.fail(where, f"auto_pad {a['auto_pad']}: symnet reads explicit pads")
        padding = self.symmetric_pads(a["pads"], where) if a["auto_pad"] == "NOTSET" else (0, 0)
        stride = self.pair(a["strides"], where, "strides")
        mean = self._mean_division(index, node, x, weight)
        layer = Conv2D(int(weight.shape[0]), tuple(weight.shape[2:]), stride, padding, bias=bias is not None, mean=mean)
        weights = {"weight": weight, **({"bias": bias} if bias is not None else {})}
        return self.builder.layer(layer, [x], where, weights)

    def _mean_division(self, index, node, x, weight) -> bool:
        """Whether the Conv's only reader divides it by in·kh·kw (symnet's ``mean=True``, as
        symnet writes it): then that Div is folded into the Conv2D."""
        reader = self.only_reader(index, node.output[0])
        if reader is None:
            return False
        div = self.graph.node[reader]
        if div.op_type != "Div" or list(div.input[:1]) != [node.output[0]]:
            return False
        divisor = self.peek_constant(div.input[1])
        if not (isinstance(divisor, np.ndarray) and divisor.size == 1 and float(divisor.reshape(())) == math.prod(weight.shape[1:])):
            return False
        self.skip[reader] = node.output[0]
        return True

    def op_Gemm(self, index, node, args, where):
        a = self.attributes(node, where, alpha=1.0, beta=1.0, transA=0, transB=0)
        x = self.tensor(args[0], where, "A")
        matrix = self.constant(args[1], where, "B")
        bias = self.constant(args[2], where, "C") if len(args) > 2 and args[2] is not None else None
        for field, value in (("transA", a["transA"]), ("alpha", a["alpha"])):
            if value != (0 if field == "transA" else 1.0):
                raise self.fail(where, f"{field} {value}: symnet's Dense computes x Wᵀ + b, nothing scaled or transposed")
        if bias is not None and a["beta"] != 1.0:
            raise self.fail(where, f"beta {a['beta']}: symnet's Dense adds its bias unscaled")
        if matrix.ndim != 2:
            raise self.fail(where, f"B: shape {matrix.shape}, not a matrix")
        weight = matrix if a["transB"] else matrix.T
        if bias is not None:
            if bias.shape not in ((weight.shape[0],), (1, weight.shape[0])):
                raise self.fail(where, f"C: shape {bias.shape}; symnet's Dense adds one bias per output "
                                f"({weight.shape[0]},)")
            bias = bias.reshape(-1)
        return self._dense(x, weight, bias, where)

    def _dense(self, x, weight, bias, where):
        layer = Dense(int(weight.shape[0]), bias=bias is not None)
        return self.builder.layer(layer, [x], where, {"weight": weight, **({"bias": bias} if bias is not None else {})})

    def op_MatMul(self, index, node, args, where):
        self.attributes(node, where)
        x = self.tensor(args[0], where, "A")
        matrix = self.constant(args[1], where, "B")
        if matrix.ndim != 2:
            raise self.fail(where, f"B: shape {matrix.shape}, not a matrix")
        bias = None
        reader = self.only_reader(index, node.output[0])   # x B + c, as some exporters write a linear layer
        if reader is not None and self.graph.node[reader].op_type == "Add":
            other = [name for name in self.graph.node[reader].input if name != node.output[0]]
            value = self.peek_constant(other[0]) if len(other) == 1 else None
            if isinstance(value, np.ndarray) and value.shape in ((matrix.shape[1],), (1, matrix.shape[1])):
                bias = value.reshape(-1)
                self.skip[reader] = node.output[0]
        return self._dense(x, matrix.T, bias, where)

    def _pool(self, node, where, **extra):
        a = self.attributes(node, where, kernel_shape=None, strides=[1, 1], pads=[0, 0, 0, 0], ceil_mode=0,
                            dilations=[1, 1], auto_pad="NOTSET", **extra)
        if a["kernel_shape"] is None:
            raise self.fail(where, "kernel_shape: missing")
        if any(a["pads"]):
            raise self.fail(where, f"pads {list(a['pads'])}: symnet's pooling has no padding")
        if list(a["dilations"]) != [1, 1]:
            raise self.fail(where, f"dilations {list(a['dilations'])}: symnet's pooling has no dilation")
        if a["auto_pad"] not in ("NOTSET", "VALID"):
            raise self.fail(where, f"auto_pad {a['auto_pad']}: symnet's pooling has no padding")
        return a, self.pair(a["kernel_shape"], where, "kernel_shape"), self.pair(a["strides"], where, "strides")

    def op_MaxPool(self, index, node, args, where):
        a, kernel, stride = self._pool(node, where, storage_order=0)
        # ceil_mode keeps the windows that start inside the input, as symnet's, PyTorch's and onnxruntime's do
        return self.builder.layer(MaxPool(kernel, stride, ceil_mode=bool(a["ceil_mode"])),
                                  [self.tensor(args[0], where, "X")], where)

    def op_AveragePool(self, index, node, args, where):
        a, kernel, stride = self._pool(node, where, count_include_pad=0)   # no pads: the count is the window's
        x = self.tensor(args[0], where, "X")
        if a["ceil_mode"] and len(x.shape) == 3:
            ceil = [math.ceil((size - k) / s) + 1 for size, k, s in zip(x.shape[1:], kernel, stride)]
            if ceil != [(size - k) // s + 1 for size, k, s in zip(x.shape[1:], kernel, stride)]:
                raise self.fail(where, "ceil_mode 1 with windows over the edge: symnet's AvgPool has no ceil mode")
        return self.builder.layer(AvgPool(kernel, stride), [x], where)

    def op_GlobalAveragePool(self, index, node, args, where):
        self.attributes(node, where)
        return self.builder.global_average(self.tensor(args[0], where, "X"), where, keep=True)

    def op_ReduceMean(self, index, node, args, where):
        defaults = {"keepdims": 1, "noop_with_empty_axes": 0} if self.opset >= 18 else {"keepdims": 1, "axes": None}
        a = self.attributes(node, where, **defaults)
        x = self.tensor(args[0], where, "data")
        axes = a.get("axes") if self.opset < 18 else (self.constant(args[1], where, "axes").tolist()
                                                      if len(args) > 1 and args[1] is not None else None)
        if axes is None or len(x.shape) != 3 or sorted(k % 4 for k in axes) != [2, 3]:
            raise self.fail(where, f"axes {axes}: symnet averages over height and width of pictures only")
        return self.builder.global_average(x, where, keep=bool(a["keepdims"]))

    def op_Flatten(self, index, node, args, where):
        a = self.attributes(node, where, axis=1)
        if a["axis"] != 1:
            raise self.fail(where, f"axis {a['axis']}: symnet flattens each sample (axis 1)")
        return self.builder.flatten(self.tensor(args[0], where, "input"), where)

    def op_Reshape(self, index, node, args, where):
        a = self.attributes(node, where, allowzero=0)
        x = self.tensor(args[0], where, "data")
        if isinstance(args[1], Dims):   # [x.size(0), -1] as the TorchScript exporter computes it
            target = list(args[1])
        else:
            target = [int(v) for v in self.constant(args[1], where, "shape").reshape(-1)]
        size = math.prod(x.shape)
        batch = {-1, BATCH} | ({0} if not a["allowzero"] else set()) | ({self.batch} if self.batch else set())
        if len(target) != 2 or target[0] not in batch or target[1] not in ({size, -1} if target[0] != -1 else {size}):
            raise self.fail(where, f"shape {target}: symnet reshapes only by flattening each sample (to [-1, {size}])")
        return self.builder.flatten(x, where)

    def op_Concat(self, index, node, args, where):
        a = self.attributes(node, where, axis=None)
        if any(isinstance(arg, Dims) for arg in args):
            return self._dims_concat(args, a["axis"], where)
        values = [self.tensor(arg, where, f"input {slot}") for slot, arg in enumerate(args)]
        rank = len(values[0].shape) + 1
        if a["axis"] is None or a["axis"] % rank != 1:
            raise self.fail(where, f"axis {a['axis']}: symnet concatenates along channels (axis 1)")
        return self.builder.layer(Concat(), values, where)

    def op_BatchNormalization(self, index, node, args, where):
        a = self.attributes(node, where, epsilon=1e-5, momentum=0.9, training_mode=0)
        if a["training_mode"]:
            raise self.fail(where, "training_mode 1: symnet reads the eval form (running statistics)")
        x = self.tensor(args[0], where, "X")
        scale, shift, mean, var = (self.constant(arg, where, field)
                                   for arg, field in zip(args[1:], ("scale", "B", "input_mean", "input_var")))
        if (var < 0).any():
            raise self.fail(where, "input_var: a negative variance")
        eps = _single_float(a["epsilon"])
        # ONNX's momentum weighs the old running value; symnet's (PyTorch's) the new batch
        momentum = float(f"{1.0 - _single_float(a['momentum']):.12g}")
        try:
            layer = BatchNorm(momentum=momentum, eps=eps)
        except ValueError as error:
            raise self.fail(where, str(error)) from None
        return self.builder.layer(layer, [x], where, {"weight": scale, "bias": shift},
                                  {"running_mean": mean, "running_var": var})

    def op_Dropout(self, index, node, args, where):
        seed = self.attributes(node, where, seed=0)["seed"]
        x = self.tensor(args[0], where, "data")
        ratio = 0.5 if len(args) < 2 or args[1] is None else float(self.scalar(args[1], where, "ratio"))
        if len(args) > 2 and args[2] is not None and bool(self.constant(args[2], where, "training_mode").reshape(-1)[0]):
            raise self.fail(where, "training_mode true: symnet reads the eval form")
        if not 0 <= ratio < 1:
            raise self.fail(where, f"ratio {ratio}: must be in [0, 1)")
        if not 0 <= seed < 2 ** 31:
            raise self.fail(where, f"seed {seed}: symnet's Dropout takes a seed in [0, 2**31)")
        return self.builder.layer(Dropout(ratio, seed=seed), [x], where)

    def op_Constant(self, index, node, args, where):
        a = self.attributes(node, where, value=None, value_float=None, value_floats=None, value_int=None,
                            value_ints=None)
        given = [(key, value) for key, value in a.items() if value is not None]
        if len(given) != 1:
            raise self.fail(where, "expected one of value, value_float(s), value_int(s)")
        key, value = given[0]
        if key == "value":
            return self._array(value, where)
        return np.asarray(value, dtype=np.float32 if "float" in key else np.int64)

    def op_Identity(self, index, node, args, where):
        self.attributes(node, where)
        return args[0]

    def _joins(self, node, args, where):
        """Add or Sum of tensors computed from the input: symnet's Add (or a formula of one tensor)."""
        if all(isinstance(arg, Value) for arg in args):
            return self.builder.add(list(args), where)
        return None

    def elementwise(self, node, args, where):
        if node.op_type in ATTRIBUTED_IN:
            return self._activation(node, args, where)
        self.attributes(node, where)
        if node.op_type in ("Add", "Sum"):
            joined = self._joins(node, args, where)
            if joined is not None:
                return joined
        operands = [arg if isinstance(arg, Value) else self.scalar(arg, where, f"input {slot}")
                    for slot, arg in enumerate(args)]
        return self.builder.elementwise(lambda *exprs: apply_in(node.op_type, list(exprs)), operands, where)

    def _activation(self, node, args, where):
        """An ONNX activation with attributes (Gelu, Elu, LeakyRelu, ...): its formula, its
        float32 attributes read as the shortest decimals that give them back."""
        name, defaults, formula = ATTRIBUTED_IN[node.op_type]
        given = self.attributes(node, where, **defaults)
        options = {key: _single_float(value) if isinstance(value, float) else value for key, value in given.items()}
        x = self.tensor(args[0], where, "X")
        # A layer of its own, as the module it was in PyTorch; but Softplus, which PyTorch's
        # exporter wraps in the arithmetic of its beta and threshold, goes on into them.
        layer = node.op_type != "Softplus"
        try:
            value = self.builder.elementwise(lambda v: formula(v, **options),
                                             [self.builder.made(x, where) if layer else x], where)
        except TypeError as error:
            raise self.fail(where, f"{error}") from None
        value.function = name
        return self.builder.made(value, where) if layer else value

    # -- a shape computed from the batch: Shape, Gather, Unsqueeze, Concat into a Reshape --------
    def op_Shape(self, index, node, args, where):
        a = self.attributes(node, where, start=0, end=None)
        x = self.tensor(args[0], where, "data")
        return Dims([BATCH, *x.shape][a["start"]:a["end"]])

    def op_Gather(self, index, node, args, where):
        a = self.attributes(node, where, axis=0)
        if not isinstance(args[0], Dims) or a["axis"] != 0:
            raise self.fail(where, "symnet reads Gather only as picking dimensions of a tensor's shape")
        picks = self.constant(args[1], where, "indices")
        if picks.dtype.kind != "i" or picks.ndim > 1 or not all(-len(args[0]) <= k < len(args[0]) for k in picks.reshape(-1)):
            raise self.fail(where, f"indices {picks.tolist()}: not dimensions of the shape {list(args[0])}")
        return Dims(args[0][int(k)] for k in picks.reshape(-1))   # a scalar pick as one dimension

    def op_Unsqueeze(self, index, node, args, where):
        axes = self.constant(args[1], where, "axes") if len(args) > 1 and args[1] is not None else None
        if self.opset < 13 or not isinstance(args[0], Dims) or len(args[0]) != 1 or axes is None \
                or axes.reshape(-1).tolist() != [0]:
            raise self.fail(where, "symnet reads Unsqueeze only as making one picked dimension a shape")
        self.attributes(node, where)
        return args[0]

    def _dims_concat(self, args, axis, where):
        if axis != 0:
            raise self.fail(where, f"axis {axis}: a shape is concatenated along axis 0")
        out = Dims()
        for slot, arg in enumerate(args):
            out.extend(arg if isinstance(arg, Dims) else
                       (int(v) for v in self.constant(arg, where, f"input {slot}").reshape(-1)))
        return out


BATCH = "batch"   # the batch dimension of a shape, known only when the model runs


class Dims(list):
    """Dimensions taken from a tensor's shape (``Shape``): sizes, and :data:`BATCH`."""
