"""What every layer kind shares: naming, argument checks, shapes, and the interface.

A layer kind keeps all of its faces in one class: its declaration (arguments, output
shape, parameters), its symbolic definition (for Derive), and its NumPy mechanics (for
the reference interpreter). Adding a kind means adding one such class.
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

    @property
    def name(self) -> str:
        return f"{self.layer}.{self.role}"

    @property
    def size(self) -> int:
        return math.prod(self.shape)  # exact: np.prod would wrap around past 2**63


@dataclass
class Symbols:
    """A layer's symbolic definition, written with SymPy indexed symbols.

    ``output`` is the output element ``y[n, ...]`` (``n`` indexes the batch) and
    ``forward`` its value. A linear layer (dense, convolution, average pool) computes a
    sum of ``term`` over ``reduction`` (plus ``bias``); its partials are those of one
    term, with respect to each factor (``∂ term / ∂ x[...] = w``), and ``∂ y / ∂ term = 1``.
    ``partials`` maps the factor differentiated by (an ``Indexed``, or a ``Symbol`` for an
    elementwise layer) to the local partial derivative. ``ranges`` gives each free index
    symbol its extent, so a C printer can turn the expressions into loops.
    """

    output: sp.Expr
    forward: sp.Expr
    partials: dict
    ranges: dict = field(default_factory=dict)
    term: sp.Expr | None = None
    reduction: tuple = ()
    bias: sp.Expr | None = None
    notes: tuple[str, ...] = ()


class Layer:
    """Base of every layer kind.

    Subclasses set ``kind`` (the stem of default names: ``conv``, ``dense``, ...) and
    implement ``_output_shape``; layers with parameters implement ``param_specs``.
    """

    kind = "layer"

    def __init__(self, name: str | None = None):
        self.name = None if name is None else check_name(name, f"{self.describe()}: name")
        self.input_shape: Shape | None = None
        self.output_shape: Shape | None = None

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

    def build(self, input_shape: Shape) -> Shape:
        """Fix the layer's input shape and return its output shape."""
        self.input_shape = tuple(input_shape)
        self.output_shape = tuple(self._output_shape(self.input_shape))
        what = "one sample" if isinstance(self, Input) else "its output"
        check_elements(math.prod(self.output_shape), f"{what} {self.output_shape}", self.label)
        for spec in self.param_specs():
            check_elements(spec.size, f"{spec.role} {spec.shape}", self.label)
        return self.output_shape

    def _output_shape(self, input_shape: Shape) -> Shape:
        raise NotImplementedError

    def param_specs(self) -> list[ParamSpec]:
        """The layer's parameters, weight before bias."""
        return []

    def config(self) -> dict:
        """The constructor's arguments, as JSON values: ``type(self)(**config)`` rebuilds it."""
        return {"name": self.name}

    def require_rank(self, input_shape: Shape, rank: int, hint: str):
        if len(input_shape) != rank:
            raise self.error(f"expects a {rank}-D input per sample, got shape {input_shape}; {hint}")

    # -- Derive ------------------------------------------------------------------
    def symbols(self) -> Symbols:
        """The symbolic definition (see :class:`Symbols`)."""
        raise NotImplementedError

    # -- reference mechanics (NumPy, float64, batch first) ------------------------
    def forward(self, x: np.ndarray, params: dict) -> tuple[np.ndarray, object]:
        """Output for input ``x``, and what ``backward`` needs."""
        raise NotImplementedError

    def backward(self, dy: np.ndarray, saved, params: dict) -> tuple[np.ndarray, dict]:
        """``(d loss / d input, {param name: d loss / d param})`` from ``d loss / d output``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.describe()


class Input(Layer):
    """The shape of one sample: ``Input(channels, height, width)`` or ``Input(features)``."""

    kind = "input"

    def __init__(self, *shape: int, name: str | None = None):
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])  # Input((1, 28, 28)) as well as Input(1, 28, 28)
        owner = f"Input{shape}"
        if not shape:
            raise DeclarationError(f"{owner}: give the shape of one sample, e.g. Input(1, 28, 28) or Input(784)")
        self.shape = tuple(positive_int(size, "every size", owner) for size in shape)
        super().__init__(name)

    def describe(self) -> str:
        return f"Input({', '.join(map(str, self.shape))})"

    def config(self) -> dict:
        return {"shape": list(self.shape), "name": self.name}

    def _output_shape(self, input_shape: Shape) -> Shape:
        return self.shape


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
