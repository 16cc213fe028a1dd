"""What every layer kind shares: the registry, naming, argument checks, shapes, the interface.

A layer kind is one registered class that holds every face of the kind (the way a
PyTensor Op does): its declaration (arguments, output shape, parameters, saved form),
its symbolic definition (for Derive), its NumPy mechanics (for the reference), its C
template and what that template needs, its PyTorch twin and its cost in FLOPs. Stages
look kinds up in :data:`LAYERS` and ask the layer; none of them lists or switches on kinds.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..errors import DeclarationError
from ..names import check_name

Shape = tuple[int, ...]

# The emitted C counts elements in ``int`` (32 bits): loops such as ``for (int e = 0; e <
# count * SIZE; e++)`` and index expressions such as ``784*n + 28*r + c``. So no tensor of
# one sample, no parameter tensor and no parameter count may pass this many elements; a
# compiled batch is held to the same limit over all its samples (see symnet.sizes).
MAX_ELEMENTS = 2**31 - 1

# Every layer kind by the name its saved form carries (the class name): see register().
LAYERS: dict[str, type] = {}


def register(cls):
    """Make ``cls`` a layer kind: found by its class name when a saved model is read, and
    enumerated by the tests, which hold every kind to having all of its faces."""
    LAYERS[cls.__name__] = cls
    return cls


def check_elements(count: int, what: str, owner: str) -> int:
    """``count`` if the C can index that many elements, else a DeclarationError naming ``owner``."""
    if count > MAX_ELEMENTS:
        raise DeclarationError(f"{owner}: {what}: {count:,} elements, more than the {MAX_ELEMENTS:,} "
                               "the emitted C can index (with 32-bit int)")
    return count


def positive_int(value, argument: str, owner: str) -> int:
    """``value`` as an int >= 1, or a ValueError naming ``owner`` and ``argument``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise DeclarationError(f"{owner}: {argument} must be a positive integer, got {value!r}")
    return int(value)


def pair(value, argument: str, owner: str, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints as ``(rows, cols)``, each at least ``minimum``."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise DeclarationError(f"{owner}: {argument} must be an integer or a pair, got {value!r}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral) or item < minimum:
            bound = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise DeclarationError(f"{owner}: {argument} must be {bound}, got {value!r}")
    return int(items[0]), int(items[1])


def show_pair(value: tuple[int, int]):
    """A pair as the user would have written it: 3 for (3, 3)."""
    return value[0] if value[0] == value[1] else value


@dataclass(frozen=True)
class ParamSpec:
    """One parameter tensor of a layer: ``<layer>.<role>`` with a shape and an init rule."""

    layer: str
    role: str  # "weight" or "bias"
    shape: Shape
    fan_in: int = 1
    fan_out: int = 1
    fill: float | None = None   # a constant start (BatchNorm's scale starts at 1), else drawn by fan

    @property
    def name(self) -> str:
        return f"{self.layer}.{self.role}"

    @property
    def size(self) -> int:
        return math.prod(self.shape)  # exact: np.prod would wrap around past 2**63


@dataclass(frozen=True)
class BufferSpec:
    """One tensor of a layer's state that is not trained by gradients (BatchNorm's running
    statistics): ``<layer>.<role>``, PyTorch's name, starting at ``fill``."""

    layer: str
    role: str   # "running_mean", "running_var"
    shape: Shape
    fill: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.layer}.{self.role}"

    @property
    def size(self) -> int:
        return math.prod(self.shape)


@dataclass
class RunState:
    """How the reference runs the layers that depend on the mode (see ``Layer.uses_run``):
    ``training`` (batch statistics, dropout masks) or eval mode; ``step``, the optimizer steps
    taken before this one (part of Dropout's key); the running statistics ``buffers``; and,
    with ``update``, the new running statistics each layer computes (set into ``updates``)."""

    training: bool = True
    step: int = 0
    buffers: dict = field(default_factory=dict)
    update: bool = False
    updates: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Partial:
    """One local partial derivative, and what it belongs to.

    ``of`` is an input slot (0 for the first tensor the layer reads, 1 for the second, ...)
    or a parameter role (``"weight"``, ``"bias"``); ``factor`` is the element
    differentiated by (``x[n, i]``, ``W[o, i]``, or a scalar symbol for an elementwise
    layer) and ``expr`` the derivative, ``∂y/∂factor`` (or ``∂term/∂factor``).
    """

    of: int | str
    factor: sp.Expr
    expr: sp.Expr


@dataclass
class Symbols:
    """A layer's symbolic definition, written with SymPy indexed symbols.

    ``output`` is the output element ``y[n, ...]`` (``n`` indexes the batch) and
    ``forward`` its value. A linear layer (dense, convolution, average pool) computes a
    sum of ``term`` over ``reduction`` (plus ``bias``); its partials are those of one
    term, with respect to each factor (``∂ term / ∂ x[...] = w``), and ``∂ y / ∂ term = 1``.
    ``ranges`` gives each free index symbol its extent, so a C printer can turn the
    expressions into loops.
    """

    output: sp.Expr
    forward: sp.Expr
    partials: tuple[Partial, ...]
    ranges: dict = field(default_factory=dict)
    term: sp.Expr | None = None
    reduction: tuple = ()
    bias: sp.Expr | None = None
    notes: tuple[str, ...] = ()

    def partial(self, of: int | str) -> Partial:
        """The partial with respect to input slot ``of`` or parameter role ``of``."""
        for partial in self.partials:
            if partial.of == of:
                return partial
        raise KeyError(f"no partial with respect to {of!r}")


class Layer:
    """Base of every layer kind.

    Subclasses set ``kind`` (the stem of default names: ``conv``, ``dense``, ...),
    ``template`` (``templates/layers/<template>.c.j2``) and ``FIELDS`` (the saved form),
    and implement ``_output_shape``; layers with parameters implement ``param_specs``.
    A layer reads ``arity`` tensors (``None``: two or more, as a join does).
    """

    kind = "layer"
    template = ""
    arity: int | None = 1
    FIELDS: dict = {"name": "name"}   # saved field -> its type (see symnet.saving)
    rectifies = False   # ReLU-like (see Activation): the layers it reads want He init
    # Depends on the mode (training or eval) and the step: its C functions take the run
    # (sn_run) as a last argument, and the reference passes it a RunState.
    uses_run = False
    # Its backward can fold a plain gradient-descent update of its weight and bias into the
    # multiply that makes the weight's gradient (see templates/layers/dense.c.j2).
    fuses_update = False
    # Such a kind can also run its forward by rows of its weight over every sample of the chunk
    # ({name}_forward_rows), the rows each share steps: a step's first layer does, so that a
    # thread reads only the weights it writes (see lower.head_call and model.c.j2's sn_step_chunk).
    forward_by_rows = False
    # Its forward loop can also run an elementwise activation that alone reads its output, in
    # the same pass, writing the activation's output too (see lower.epilogues; BatchNorm, Add).
    takes_epilogue = False
    # It is such an activation: one formula of its one input, element by element, whose forward
    # can run in the loop of the layer it reads (lower.epilogue_context prints its expr).
    is_epilogue = False
    # In training mode one sample's output depends on the others' (BatchNorm's statistics),
    # so a minibatch must fit in one compiled batch (see CompiledNet's chunk rule).
    couples_samples = False
    # The base template context prints each partial as C; a kind whose partials hold sums
    # over the batch prints its own (BatchNorm).
    prints_partials = True
    helpers: tuple[str, ...] = ()   # templates of C helpers the kind's code calls, emitted once per model

    def __init__(self, name: str | None = None):
        self.name = None if name is None else check_name(name, f"{self.describe()}: name")
        self.input_shapes: tuple[Shape, ...] | None = None
        self.output_shape: Shape | None = None
        self.called = False

    # -- declaration -------------------------------------------------------------
    def describe(self) -> str:
        """The layer as it would be declared, e.g. ``Conv2D(6, 5, padding=2)``."""
        return f"{type(self).__name__}()"

    @property
    def label(self) -> str:
        """``name (Kind(...))``, how errors and reports refer to the layer."""
        return f"{self.name} ({self.describe()})" if self.name else self.describe()

    def error(self, reason: str) -> DeclarationError:
        return DeclarationError(f"{self.label}: {reason}")

    def __call__(self, *inputs):
        """The tensor this layer computes from ``inputs`` (the functional form ``y = layer(x)``)."""
        from ..graph import apply

        return apply(self, inputs)

    # What Sequential asks of each item (a layer, or a Residual block of several).
    def parts(self) -> list:
        """The layers this item adds to a chain, in the order they are connected."""
        return [self]

    def connect(self, tensor, parts: list):
        """Connect ``parts`` (fresh copies of :meth:`parts`) after ``tensor``; the chain's new end."""
        return parts[0](tensor)

    @property
    def input_labels(self) -> list[str]:
        """What the tensors the layer reads are called in its formulas and its C: ``x``, or
        ``x0, x1, ...`` for a join."""
        return ["x"] if self.arity == 1 else [f"x{slot}" for slot in range(len(self.input_shapes))]

    @property
    def input_shape(self) -> Shape | None:
        """The shape of the (first) tensor the layer reads."""
        return None if self.input_shapes is None else self.input_shapes[0]

    def build(self, input_shapes) -> Shape:
        """Fix the layer's input shapes and return its output shape."""
        self.input_shapes = tuple(tuple(shape) for shape in input_shapes)
        self.output_shape = tuple(self._output_shape(*self.input_shapes))
        check_elements(math.prod(self.output_shape), f"its output {self.output_shape}", self.label)
        for spec in self.param_specs():
            check_elements(spec.size, f"{spec.role} {spec.shape}", self.label)
        return self.output_shape

    def _output_shape(self, input_shape: Shape) -> Shape:
        raise NotImplementedError

    def param_specs(self) -> list[ParamSpec]:
        """The layer's parameters, weight before bias."""
        return []

    def buffer_specs(self) -> list[BufferSpec]:
        """The layer's running statistics (tensors kept in ``net.buffers``, not trained)."""
        return []

    def state_size(self) -> int:
        """Elements of work this layer keeps for the whole chunk between its forward and
        backward and shares between threads (BatchNorm's per-channel statistics)."""
        return 0

    def config(self) -> dict:
        """The constructor's arguments, as JSON values: ``type(self)(**config)`` rebuilds it."""
        return {"name": self.name}

    @classmethod
    def from_fields(cls, fields: dict, where: str):
        """The layer a saved file describes, from its checked ``FIELDS``."""
        return cls(**fields)

    def require_rank(self, input_shape: Shape, rank: int, hint: str):
        if len(input_shape) != rank:
            raise self.error(f"expects a {rank}-D input per sample, got shape {input_shape}; {hint}")

    # -- Derive ------------------------------------------------------------------
    def symbols(self) -> Symbols:
        """The symbolic definition (see :class:`Symbols`)."""
        raise NotImplementedError

    def partial_lines(self, symbols: Symbols, fmt) -> list[tuple[str, str]]:
        """(left, right) of each local partial as the derivation prints it with ``fmt``."""
        out = []
        if symbols.term is not None and symbols.reduction:
            out.append(("∂y/∂term", "1 for each term of the sum"))
        for partial in symbols.partials:
            numerator = "term" if symbols.term is not None and symbols.term.has(partial.factor) else "y"
            out.append((f"∂{numerator}/∂{fmt(partial.factor)}", fmt(partial.expr)))
        return out

    # -- reference mechanics (NumPy, float64, batch first) ------------------------
    def forward(self, x: np.ndarray, params: dict) -> tuple[np.ndarray, object]:
        """Output for input ``x``, and what ``backward`` needs."""
        raise NotImplementedError

    def backward(self, dy: np.ndarray, saved, params: dict) -> tuple[np.ndarray, dict]:
        """``(d loss / d input, {param name: d loss / d param})`` from ``d loss / d output``."""
        raise NotImplementedError

    def evaluate(self, inputs: list, params: dict, run: RunState | None = None) -> tuple[np.ndarray, object]:
        """Output for the tensors ``inputs`` (one per slot), and what ``pull_back`` needs;
        ``run`` is the mode and step, which only kinds with ``uses_run`` read (None: training
        mode at step 0 with the initial running statistics)."""
        return self.forward(inputs[0], params)

    def pull_back(self, dy: np.ndarray, saved, params: dict) -> tuple[list, dict]:
        """``([d loss / d input per slot], {param name: d loss / d param})``."""
        dx, grads = self.backward(dy, saved, params)
        return [dx], grads

    # -- Emit ----------------------------------------------------------------------
    def template_context(self, lowering) -> dict:
        """What this kind's template needs beyond what every template gets: ``lowering`` is a
        :class:`symnet.lower.Lowering` (the node's derivation, printers, the base context)."""
        return {}

    def scratch_size(self) -> int:
        """Elements of per-thread scratch this layer needs past the matrix multiply's packing."""
        return 0

    def index_size(self) -> int:
        """int32 values this layer keeps per sample between forward and backward (an argmax)."""
        return 0

    def check_minibatch(self, count: int) -> None:
        """For a kind that couples the samples: a ValueError naming the layer unless a training
        minibatch of ``count`` samples is one it can take (BatchNorm needs two values a channel)."""

    def training_flops(self, input_gradient: bool) -> int:
        """Floating-point operations of one sample's training step in this layer's products
        (forward, the weight gradient, and the input gradient when it is passed on)."""
        return 0

    # -- PyTorch -------------------------------------------------------------------
    def torch_module(self):
        """The same layer as a ``torch.nn.Module`` taking the same inputs in the same order;
        its parameters (if any) are attributes named by role (``weight``, ``bias``)."""
        raise NotImplementedError

    # -- peers (JAX, PyTensor, tinygrad) ---------------------------------------------
    def peer_forward(self, ops, inputs: list, params: dict, run):
        """The layer's training-mode output in a peer framework (:mod:`symnet.peers`): computed
        from ``ops``' primitives (a :class:`symnet.peers.ops.Ops`) and the arrays' arithmetic;
        ``params`` maps parameter names to the peer's arrays; ``run`` is a PeerRun."""
        from ..peers.ops import Unsupported

        raise Unsupported(f"{self.label}: the peers have no rule for {type(self).__name__}")

    def peer_scale(self, step: int, count: int) -> np.ndarray | None:
        """What the layer multiplies its input by at optimizer step ``step`` for ``count`` samples,
        given to the peers as an input (Dropout's scaled mask); None for a kind without one."""
        return None

    # -- ONNX ----------------------------------------------------------------------
    def onnx_nodes(self, onnx) -> None:
        """Write the layer as ONNX nodes (eval mode) through ``onnx``, a
        :class:`symnet.export.onnx.LayerWriter`: they read ``onnx.inputs`` and the last
        writes ``onnx.output``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.describe()


@register
class Input(Layer):
    """The shape of one sample: ``Input(channels, height, width)`` or ``Input(features)``.

    In a ``Sequential`` it comes first; in the functional form it is the model's input
    tensor, which layers are called on.
    """

    kind = "input"
    arity = 0
    FIELDS = {"shape": "shape", "name": "name"}

    def __init__(self, *shape: int, name: str | None = None):
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])  # Input((1, 28, 28)) as well as Input(1, 28, 28)
        owner = f"Input{shape}"
        if not shape:
            raise DeclarationError(f"{owner}: give the shape of one sample, e.g. Input(1, 28, 28) or Input(784)")
        self.shape = tuple(positive_int(size, "every size", owner) for size in shape)
        super().__init__(name)
        self.output_shape = self.shape
        self.tensor = None   # the tensor this input is, once a layer is called on it

    def describe(self) -> str:
        return f"Input({', '.join(map(str, self.shape))})"

    def config(self) -> dict:
        return {"shape": list(self.shape), "name": self.name}

    @classmethod
    def from_fields(cls, fields: dict, where: str):
        return cls(*fields["shape"], name=fields["name"])


def indices(*names: str) -> tuple[sp.Symbol, ...]:
    """Integer index symbols."""
    return sp.symbols(names, integer=True, nonnegative=True)


def window(u: int, v: int, stride: tuple[int, int], out_hw: tuple[int, int]) -> tuple[slice, ...]:
    """Index of the input pixel at offset ``(u, v)`` of every output's window.

    ``x[window(u, v, ...)]`` has the output's height and width: the NumPy mechanics of
    convolution and pooling loop over the few kernel offsets, never over pixels.
    """
    (sh, sw), (oh, ow) = stride, out_hw
    return (..., slice(u, u + sh * (oh - 1) + 1, sh), slice(v, v + sw * (ow - 1) + 1, sw))
