"""The explicit graph between Declare and Emit: nodes, and a table of tensors.

A node is a layer and the tensors it reads; a tensor is named by the layer that
computes it (the model's input by its Input's name, ``input`` by default), has a shape,
and knows which layers read it, in topological order. Derive, the reference, Emit, Run,
Check and save/load all walk this one structure. The nodes are kept in a topological
order (each reads only tensors computed before it), so every stage is one loop over
them, forward or reversed.

The multivariable chain rule lives here as one rule: where several layers read a tensor,
its gradient is the sum of what each sends back. Backward visits the readers in reverse
topological order, so the last reader's contribution arrives first and is written, and
the others add to it (:meth:`Graph.gradient_mode`).

Declaring a graph goes through :func:`apply` (``y = layer(x)``), which records a
:class:`Tensor`, and :func:`trace`, which collects what a model's output depends on.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from .errors import DeclarationError
from .layers.base import Input, Layer, Shape, check_elements

_created = itertools.count()


def next_order() -> int:
    """A place in the creation order of tensors, for a tensor created later that belongs here
    (an importer declares an activation where its formula ended, once something reads it)."""
    return next(_created)


class Tensor:
    """A value of a graph being declared: what ``layer`` computes from ``inputs``.

    ``shape`` is the shape of one sample. Tensors are made by calling a layer, and by
    calling a layer on an :class:`~symnet.layers.Input`.
    """

    __slots__ = ("layer", "inputs", "shape", "order")

    def __init__(self, layer: Layer, inputs: tuple, shape: Shape):
        self.layer, self.inputs, self.shape = layer, inputs, shape
        self.order = next(_created)   # creation order: a topological order of every graph

    def __repr__(self) -> str:
        return f"<tensor {self.shape} from {self.layer.label}>"


def _as_tensor(item, layer: Layer) -> Tensor:
    if isinstance(item, Input):
        if item.tensor is None:
            check_elements(math.prod(item.shape), f"one sample {item.shape}", item.describe())
            item.tensor = Tensor(item, (), item.shape)
        return item.tensor
    if isinstance(item, Tensor):
        return item
    raise DeclarationError(f"{layer.label}: called on {item!r:.80}; call a layer on tensors (an sn.Input, or "
                           "what calling a layer returned)")


def apply(layer: Layer, items) -> Tensor:
    """The tensor ``layer`` computes from ``items``: checked, with its shape inferred."""
    if isinstance(layer, Input):
        raise DeclarationError(f"{layer.label}: an Input is the tensor layers are called on; it is not called")
    inputs = tuple(_as_tensor(item, layer) for item in items)
    _check_reads(layer, [id(tensor) for tensor in inputs])
    if layer.called:
        raise layer.error("this layer object is already used once in a graph; a layer is used once "
                          "(declare another one for a second use)")
    shape = layer.build([tensor.shape for tensor in inputs])
    layer.called = True
    return Tensor(layer, inputs, shape)


def _check_reads(layer: Layer, keys: list) -> None:
    """Refuse a number of inputs ``layer`` does not take, or one tensor passed twice (``keys``
    tell the tensors apart: their ids while declaring, their names in a graph)."""
    count = len(keys)
    if layer.arity is None and count < 2:
        raise layer.error(f"joins two or more tensors, got {count}")
    if layer.arity is not None and count != layer.arity:
        raise layer.error(f"reads {layer.arity} tensor{'s' if layer.arity != 1 else ''}, got {count}")
    if len(set(keys)) < count:
        raise layer.error("reads the same tensor twice; pass each tensor once")


def trace(model_input: Input, output: Tensor) -> list[tuple[Layer, tuple[int, ...]]]:
    """What ``output`` depends on, as ``(layer, indices of the tensors it reads)`` in creation
    order; index -1 is ``model_input``. Refuses a graph that reads another Input, or that does
    not depend on ``model_input``."""
    if not isinstance(output, Tensor) or isinstance(output.layer, Input):
        raise DeclarationError(f"Model: outputs must be a tensor computed by a layer, got {output!r:.80}")
    seen: dict[int, Tensor] = {}
    foreign = None   # the first read of another Input: refused once the walk has shown the input is used
    stack = [output]
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen[id(tensor)] = tensor
        for source in tensor.inputs:
            if isinstance(source.layer, Input) and source.layer is not model_input:
                foreign = foreign or (tensor, source)
                continue
            stack.append(source)
    if model_input.tensor is None or id(model_input.tensor) not in seen:
        raise DeclarationError(f"Model: the input {model_input.describe()} is unused: the output does not depend on it")
    if foreign is not None:
        tensor, source = foreign
        raise tensor.layer.error(f"reads {source.layer.describe()}, which is not this model's input "
                                 f"{model_input.describe()} (a tensor from another model?)")
    computed = sorted((t for t in seen.values() if not isinstance(t.layer, Input)), key=lambda t: t.order)
    position = {id(model_input.tensor): -1, **{id(t): index for index, t in enumerate(computed)}}
    return [(t.layer, tuple(position[id(source)] for source in t.inputs)) for t in computed]


@dataclass(frozen=True, eq=False)
class Node:
    """One layer of the graph and the tensors it reads, by name, in slot order."""

    layer: Layer
    inputs: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.layer.name


@dataclass(eq=False)
class TensorInfo:
    """One tensor: its shape, the node computing it (None for the input), and its readers
    as ``(node, slot)`` in topological order."""

    name: str
    shape: Shape
    producer: Node | None
    readers: list = field(default_factory=list)


class Graph:
    """Nodes in topological order, and the table of tensors; built only from a checked
    list, so every stage can walk it without checking again.

    ``nodes`` are ``(layer, names of the tensors it reads)``; every layer must be named.
    Raises DeclarationError, naming the layer, for a read of a tensor no earlier node
    computes (a cycle, or an unknown name), a wrong number of inputs, shapes that do not
    fit, or a node whose output nothing uses.
    """

    def __init__(self, model_input: Input, nodes: list[tuple[Layer, tuple[str, ...]]]):
        if not nodes:
            raise DeclarationError("Model: declare at least one layer after the Input")
        self.input = model_input
        check_elements(math.prod(model_input.shape), f"one sample {model_input.shape}", model_input.describe())
        input_name = model_input.name or "input"
        self.tensors: dict[str, TensorInfo] = {input_name: TensorInfo(input_name, model_input.shape, None)}
        self.nodes: list[Node] = []
        for layer, reads in nodes:
            if layer.name in self.tensors:
                raise layer.error(f"the name {layer.name!r} is taken by another layer or the input")
            missing = [name for name in reads if name not in self.tensors]
            if missing:
                raise layer.error(f"reads {missing[0]!r}, which no layer before it computes "
                                  "(a cycle, or a name that is not in the model)")
            _check_reads(layer, list(reads))
            node = Node(layer, tuple(reads))
            layer.build([self.tensors[name].shape for name in reads])
            for slot, name in enumerate(reads):
                self.tensors[name].readers.append((node, slot))
            self.tensors[layer.name] = TensorInfo(layer.name, layer.output_shape, node)
            self.nodes.append(node)
        upper = {}
        for name in self.tensors:  # the emitted C names buffers in capitals (CONV1_Y)
            if name.upper() in upper:
                raise DeclarationError(f"{name}: differs from {upper[name.upper()]} only in case; the emitted C "
                                       "names each layer's buffers in capitals")
            upper[name.upper()] = name
        for info in self.tensors.values():
            if not info.readers and info.name != self.output:
                owner = info.producer.layer.label if info.producer else model_input.describe()
                raise DeclarationError(f"{owner}: its output is not used by any layer nor is it the model's output")

    @property
    def input_name(self) -> str:
        return self.input.name or "input"

    @property
    def output(self) -> str:
        """The tensor the loss reads: the last node's output."""
        return self.nodes[-1].name

    def node(self, name: str) -> Node:
        """The node computing tensor ``name``."""
        producer = self.tensors[name].producer
        if producer is None:
            raise KeyError(f"{name!r} is the input, not a layer")
        return producer

    @property
    def is_chain(self) -> bool:
        """True when every layer reads the one before it and nothing else does."""
        previous = self.input_name
        for node in self.nodes:
            if node.inputs != (previous,) or len(self.tensors[previous].readers) != 1:
                return False
            previous = node.name
        return True

    def gradient_mode(self, node: Node, slot: int) -> str | None:
        """How ``node``'s backward stores d loss / d its input ``slot``: ``"write"`` for the
        first contribution backward makes to that tensor's gradient, ``"add"`` for the later
        ones, ``None`` for the model's input, whose gradient nothing needs."""
        name = node.inputs[slot]
        if name == self.input_name:
            return None
        first = self.tensors[name].readers[-1]  # the last reader is the first backward visits
        return "write" if first == (node, slot) else "add"
