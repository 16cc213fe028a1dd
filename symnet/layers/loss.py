"""Losses: the batch mean of a per-sample or per-element cost of the outputs.

This module holds the base of every loss and the elementwise ones: :class:`Loss` (any
per-element SymPy cost of output and target), and the regression losses built on it,
:class:`MeanSquaredError`, :class:`L1` and :class:`Huber`. The cross-entropies are in
:mod:`symnet.layers.cross_entropy`.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable

import numpy as np
import sympy as sp

from ..formulas import check_formula, evaluate, numpy_function
from ..names import check_name
from ..printer import CPrinter, comment, elementwise
from ..symbolic import differentiate, real_symbol, simplest, text
from .base import DeclarationError, Partial, Shape, Symbols, indices

BATCH = sp.Symbol("N", integer=True, positive=True)

# Every loss kind by the name its saved form carries (the class name): see register_loss().
LOSSES: dict[str, type] = {}


def register_loss(cls):
    """Make ``cls`` a loss kind, found by its class name when a saved model is read."""
    LOSSES[cls.__name__] = cls
    return cls


class LossFunction:
    """Base of the losses: declaration, symbolic definition and NumPy mechanics."""

    name = "loss"
    template = ""       # templates/layers/<template>.c.j2
    FIELDS: dict = {}   # the saved form: field -> type (see symnet.saving)
    OPTIONAL: tuple = ()   # fields a saved form may leave out, for the constructor's default
    target_type = "real"   # the C type of a target: the net's dtype, or int32_t for class labels
    classifies = False     # the outputs are class scores: predict gives the top class, evaluate accuracy

    def __init__(self):
        self.output_shape: Shape | None = None

    @classmethod
    def from_fields(cls, fields: dict, where: str):
        """The loss a saved file describes, from its checked ``FIELDS``."""
        return cls(**fields)

    def template_context(self, symbols: Symbols, dtype: str) -> dict:
        """What the loss's template needs: its formulas printed as C."""
        raise NotImplementedError

    def torch_loss(self):
        """The same loss as a PyTorch criterion."""
        raise NotImplementedError

    def peer_targets(self, t: np.ndarray) -> np.ndarray:
        """The targets as the peers read them (float32; see :mod:`symnet.peers`)."""
        return np.asarray(t, dtype=np.float32)

    def peer_loss(self, ops, z, t):
        """The batch's loss in a peer framework from the outputs ``z`` and :meth:`peer_targets`."""
        raise NotImplementedError

    def comments(self, symbols: Symbols) -> list[str]:
        """The loss's formulas, for the comment above its C."""
        lines = [f"L = {text(symbols.forward)}"]
        lines += [f"∂L/∂{text(partial.factor)} = {text(partial.expr)}" for partial in symbols.partials]
        return [comment(line) for line in lines + list(symbols.notes)]

    def describe(self) -> str:
        return f"{type(self).__name__}()"

    def error(self, reason: str) -> DeclarationError:
        return DeclarationError(f"loss ({self.describe()}): {reason}")

    def config(self) -> dict:
        """The constructor's arguments, as JSON values."""
        return {}

    def build(self, output_shape: Shape) -> None:
        """Check the model's output shape suits this loss."""
        self.output_shape = tuple(output_shape)

    def targets(self, t, count: int) -> np.ndarray:
        """``t`` checked and converted for ``count`` samples, or a ValueError saying why."""
        raise NotImplementedError

    @property
    def targets_per_sample(self) -> int:
        """How many target values each sample has: one per output."""
        return int(np.prod(self.output_shape))

    def random_targets(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """Targets for ``count`` samples, drawn from ``rng`` (for checks and benchmarks)."""
        return rng.normal(size=(count, *self.output_shape))

    def symbols(self) -> Symbols:
        raise NotImplementedError

    def value(self, z: np.ndarray, t: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        """``d loss / d z`` for the batch mean."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.describe()


@register_loss
class Loss(LossFunction):
    """A per-element cost ``fn(y, t)`` of output ``y`` and target ``t``; the loss is its mean.

    ``Loss("squared", lambda y, t: (y - t)**2)`` equals :class:`MeanSquaredError`.
    """

    template = "loss_elementwise"
    FIELDS = {"name": "function", "formula": "formula"}
    # A user's derivative is simplified (sinh/cosh -> tanh). A built-in keeps SymPy's own
    # derivative where simplification would trade its numerics away: exp(-|y|) for
    # exp(|y|), which overflows, or a sign for a division by |y - t|, undefined at the kink.
    simplify_derivative = True

    def __init__(self, name: str, fn: Callable):
        super().__init__()
        check_name(name, f"Loss({name!r})" if isinstance(name, str) else "Loss")
        self.name = name
        self.y, self.t = real_symbol("y"), real_symbol("t")
        owner = f"Loss({name!r})"
        try:
            formula = fn(self.y, self.t)
        except Exception as error:  # the user's callable failed on SymPy symbols
            raise DeclarationError(f"{owner}: calling fn on SymPy symbols failed: {error}") from error
        self.expr = check_formula(formula, (self.y, self.t), owner)
        if not self.expr.has(self.y):
            raise DeclarationError(f"{owner}: the cost {self.expr} does not depend on the output y")
        self.derivative = differentiate(self.expr, self.y, owner)
        if self.simplify_derivative and sp.count_ops(self.derivative) < 80:  # small enough to simplify quickly
            self.derivative = simplest(self.derivative, (self.y, self.t))
        self._cost = numpy_function(self.expr, self.y, self.t)
        self._slope = numpy_function(self.derivative, self.y, self.t)

    def describe(self) -> str:
        return f"Loss({self.name!r}, {self.expr})"

    def config(self) -> dict:
        return {"name": self.name, "formula": sp.srepr(self.expr)}

    @classmethod
    def from_fields(cls, fields: dict, where: str):
        from ..formulas import read_formula

        if cls is not Loss:   # a built-in (MeanSquaredError, Huber, ...): its own arguments
            return cls(**fields)
        y, t = real_symbol("y"), real_symbol("t")
        formula = read_formula(fields["formula"], (y, t), f"{where}.formula")
        return cls(fields["name"], lambda a, b: formula.xreplace({y: a, t: b}))

    def template_context(self, symbols: Symbols, dtype: str) -> dict:
        owner = f"loss ({self.describe()})"
        # Inside the loss loops, z and t are scalars of the current element. The gradient is
        # computed in double: σ(z) - t at a confident logit is 1 - 4e-7 less 1, which float
        # would leave with a 1% error (templates/layers/loss_elementwise.c.j2).
        printer = CPrinter(dtype, names={"z": "z", "t": "t"}, arithmetic="float64")
        cost = self.expr.subs({self.y: sp.Symbol("z", real=True), self.t: sp.Symbol("t", real=True)})
        gradient = symbols.partials[0].expr.subs(BATCH, sp.Symbol("total", positive=True))
        return {"size": int(np.prod(self.output_shape)),
                "cost": elementwise(cost, CPrinter(dtype), "cost", owner),
                "gradient": elementwise(gradient, printer, "dz[e]", owner, ctype="double")}

    def torch_loss(self):
        from ..export.torch import FormulaLoss

        return FormulaLoss(self.expr, self.y, self.t)

    def peer_loss(self, ops, z, t):
        return ops.mean(evaluate(self.expr, {self.y: z, self.t: t}, ops.backend), ())

    def targets(self, t, count: int) -> np.ndarray:
        t = np.asarray(t)
        if t.dtype.kind not in "biuf":
            raise ValueError(f"targets: expected numbers, got dtype {t.dtype}")
        expected = (count, *self.output_shape)
        if t.shape != expected and t.size == int(np.prod(expected)) and self.output_shape == (1,):
            t = t.reshape(expected)  # one output per sample: (n,) is as good as (n, 1)
        if t.shape != expected:
            raise ValueError(f"targets: expected shape {expected} (like the outputs), got {t.shape}")
        t = t.astype(np.float64)
        if not np.isfinite(t).all():
            raise ValueError("targets: contain NaN or infinity")
        return t

    def symbols(self) -> Symbols:
        n, e = indices("n", "e")
        z, t = sp.IndexedBase("z"), sp.IndexedBase("t")
        count = BATCH * int(np.prod(self.output_shape))
        at = {self.y: z[n, e], self.t: t[n, e]}
        forward = sp.Sum(self.expr.subs(at), (n, 0, BATCH - 1), (e, 0, int(np.prod(self.output_shape)) - 1)) / count
        return Symbols(
            output=sp.Symbol("L"), forward=forward,
            partials=(Partial(0, z[n, e], self.derivative.subs(at) / count),),
            ranges={e: int(np.prod(self.output_shape))},
            notes=("z[n, e]: element e of sample n's outputs; the loss is the mean over all of them",),
        )

    def value(self, z, t) -> float:
        return float(np.mean(self._cost(z, t)))

    def gradient(self, z, t):
        return self._slope(z, t) / z.size


class BuiltInLoss(Loss):
    """A built-in elementwise loss: its saved form is its FIELDS (constructor arguments), its
    PyTorch twin ``torch.nn.<TORCH>`` with the same arguments."""

    TORCH = ""

    def describe(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{key}={value!r}' for key, value in self.config().items())})"

    def config(self) -> dict:
        return {field: getattr(self, field) for field in self.FIELDS}

    def torch_loss(self):
        import torch

        return getattr(torch.nn, self.TORCH)(**self.config())


@register_loss
class MeanSquaredError(BuiltInLoss):
    """``mean((y - t)**2)`` over all elements, as ``torch.nn.MSELoss()``."""

    FIELDS = {}
    TORCH = "MSELoss"

    def __init__(self):
        super().__init__("mse", lambda y, t: (y - t) ** 2)

    # The reference computes the mechanics directly rather than from the formula.
    def value(self, z, t) -> float:
        return float(np.mean((z - t) ** 2))

    def gradient(self, z, t):
        return 2.0 * (z - t) / z.size


@register_loss
class L1(BuiltInLoss):
    """``mean(|y - t|)`` over all elements, as ``torch.nn.L1Loss()``.

    Its derivative is SymPy's ``-sign(t - y)``: 0 where ``y == t``, as PyTorch's ``sign``.
    """

    FIELDS = {}
    TORCH = "L1Loss"
    simplify_derivative = False   # simplify writes (y - t)/|y - t| with a branch for the kink

    def __init__(self):
        super().__init__("l1", lambda y, t: sp.Abs(y - t))

    # The reference computes the mechanics directly rather than from the formula.
    def value(self, z, t) -> float:
        return float(np.mean(np.abs(z - t)))

    def gradient(self, z, t):
        return np.sign(z - t) / z.size


@register_loss
class Huber(BuiltInLoss):
    """Squared near the target, absolute beyond ``delta``, as ``torch.nn.HuberLoss(delta=delta)``:

    ``(y - t)**2 / 2`` where ``|y - t| < delta``, else ``delta * (|y - t| - delta / 2)``,
    averaged over all elements. The two pieces meet with equal slope at ``|y - t| == delta``,
    so the derivative (``y - t``, or ``delta * sign(y - t)``) is continuous there.
    """

    FIELDS = {"delta": "number"}
    TORCH = "HuberLoss"
    simplify_derivative = False   # SymPy's piecewise derivative is already the clearest form

    def __init__(self, delta: float = 1.0):
        self.delta = delta
        if not is_real_number(delta) or not 0 < delta < math.inf:
            raise DeclarationError(f"loss (Huber(delta={delta!r})): delta must be a positive finite number, "
                                   f"got {delta!r}")
        self.delta = float(delta)
        d = formula_constant(self.delta)
        super().__init__("huber", lambda y, t: sp.Piecewise(((y - t) ** 2 / 2, sp.Abs(y - t) < d),
                                                             (d * (sp.Abs(y - t) - d / 2), True)))

    # The reference computes the mechanics directly: its slope is PyTorch's clamp.
    def value(self, z, t) -> float:
        d = np.abs(z - t)
        return float(np.mean(np.where(d < self.delta, 0.5 * d * d, self.delta * (d - 0.5 * self.delta))))

    def gradient(self, z, t):
        return np.clip(z - t, -self.delta, self.delta) / z.size


def is_real_number(value) -> bool:
    """True for a real number that is not a bool (``True`` is not a delta)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def formula_constant(value: float) -> sp.Expr:
    """``value`` for a formula: an Integer when whole, so that ``delta=1`` prints as ``1``."""
    return sp.Integer(int(value)) if float(value).is_integer() else sp.Float(value)
