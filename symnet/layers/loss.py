"""Losses: the batch mean of a per-sample or per-element cost of the outputs."""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp

from ..formulas import check_formula, numpy_function
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
        if sp.count_ops(self.derivative) < 80:  # small enough to simplify quickly: sinh/cosh -> tanh
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

        if cls is not Loss:   # a built-in: MeanSquaredError
            return cls(**fields)
        y, t = real_symbol("y"), real_symbol("t")
        formula = read_formula(fields["formula"], (y, t), f"{where}.formula")
        return cls(fields["name"], lambda a, b: formula.xreplace({y: a, t: b}))

    def template_context(self, symbols: Symbols, dtype: str) -> dict:
        owner = f"loss ({self.describe()})"
        # Inside the loss loops, z and t are scalars of the current element.
        printer = CPrinter(dtype, names={"z": "z", "t": "t"})
        cost = self.expr.subs({self.y: sp.Symbol("z", real=True), self.t: sp.Symbol("t", real=True)})
        gradient = symbols.partials[0].expr.subs(BATCH, sp.Symbol("total", positive=True))
        return {"size": int(np.prod(self.output_shape)),
                "cost": elementwise(cost, CPrinter(dtype), "cost", owner),
                "gradient": elementwise(gradient, printer, "dz[e]", owner)}

    def torch_loss(self):
        from ..export.torch import FormulaLoss

        return FormulaLoss(self.expr, self.y, self.t)

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


@register_loss
class MeanSquaredError(Loss):
    """``mean((y - t)**2)`` over all elements, as ``torch.nn.MSELoss()``."""

    FIELDS = {}

    def __init__(self):
        super().__init__("mse", lambda y, t: (y - t) ** 2)

    def describe(self) -> str:
        return "MeanSquaredError()"

    def config(self) -> dict:
        return {}

    def torch_loss(self):
        import torch

        return torch.nn.MSELoss()

    # The reference computes the mechanics directly rather than from the formula.
    def value(self, z, t) -> float:
        return float(np.mean((z - t) ** 2))

    def gradient(self, z, t):
        return 2.0 * (z - t) / z.size


@register_loss
class SoftmaxCrossEntropy(LossFunction):
    """Cross-entropy of the softmax of the outputs against integer class labels.

    Equals ``torch.nn.CrossEntropyLoss()``: ``mean_n (log Σ_k exp z[n,k] - z[n, t[n]])``.
    """

    name = "softmax_cross_entropy"
    template = "loss_softmax_cross_entropy"
    target_type = "int32_t"
    classifies = True

    def random_targets(self, rng: np.random.Generator, count: int) -> np.ndarray:
        return rng.integers(0, self.classes, count)

    def build(self, output_shape: Shape) -> None:
        if len(output_shape) != 1 or output_shape[0] < 2:
            raise self.error(f"needs one score per class (at least 2) per sample, got output shape "
                             f"{tuple(output_shape)}; end the model with Dense(classes)")
        super().build(output_shape)

    @property
    def classes(self) -> int:
        return self.output_shape[0]

    @property
    def targets_per_sample(self) -> int:
        """One class label per sample."""
        return 1

    def targets(self, t, count: int) -> np.ndarray:
        t = np.asarray(t)
        if t.ndim != 1 or len(t) != count:
            raise ValueError(f"labels: expected shape ({count},) (one class index per sample), got {t.shape}")
        if t.dtype.kind == "f":
            if not np.isfinite(t).all() or (t != np.round(t)).any():
                raise ValueError("labels: must be whole class indices, got fractions or NaN")
        elif t.dtype.kind not in "biu":
            raise ValueError(f"labels: expected integer class indices, got dtype {t.dtype}")
        labels = t.astype(np.int64)
        # Both bounds in one pass: read as unsigned, a negative label is larger than any class.
        if count and labels.view(np.uint64).max() >= self.classes:
            raise ValueError(f"labels: must lie in [0, {self.classes}), got values from {t.min()} to {t.max()}")
        return labels

    def symbols(self) -> Symbols:
        n, k, j = indices("n", "k", "j")
        z, t, p = sp.IndexedBase("z"), sp.IndexedBase("t"), sp.IndexedBase("p")
        classes = (j, 0, self.classes - 1)
        per_sample = sp.log(sp.Sum(sp.exp(z[n, j]), classes)) - z[n, t[n]]
        # d/dz[n,k] leaves Σ_j exp(z[n,j]) [j = k]; doit() collapses that sum to exp(z[n,k])
        # for k in range (SymPy adds a Piecewise for k outside it, which never happens here).
        slope = sp.diff(per_sample, z[n, k]).replace(
            lambda node: isinstance(node, sp.Sum) and node.has(sp.KroneckerDelta), lambda node: node.doit())
        slope = slope.replace(lambda node: isinstance(node, sp.Piecewise), lambda node: node.args[0].expr)
        softmax = sp.exp(z[n, k]) / sp.Sum(sp.exp(z[n, j]), classes)
        slope = slope.subs(softmax, p[n, k])
        return Symbols(
            output=sp.Symbol("L"), forward=sp.Sum(per_sample, (n, 0, BATCH - 1)) / BATCH,
            partials=(Partial(0, z[n, k], slope / BATCH),),
            ranges={k: self.classes},
            notes=(f"p[n, k] = exp(z[n, k]) / Σ_j exp(z[n, j]), the softmax; t[n] is sample n's class",),
        )

    def template_context(self, symbols: Symbols, dtype: str) -> dict:
        owner = f"loss ({self.describe()})"
        t_n = sp.IndexedBase("t")[sp.Symbol("n", integer=True, nonnegative=True)]
        gradient = symbols.partials[0].expr.subs({t_n: sp.Symbol("label", integer=True),
                                                  BATCH: sp.Symbol("total", positive=True)})
        # Inside the loops, z and p are scalars of the current class.
        printer = CPrinter(dtype, names={"p": "p", "z": "z", "t": "t"})
        return {"classes": self.classes, "gradient": elementwise(gradient, printer, "dz[k]", owner)}

    def torch_loss(self):
        import torch

        return torch.nn.CrossEntropyLoss()

    @staticmethod
    def _softmax(z):
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True), shifted, e

    def value(self, z, t) -> float:
        _, shifted, e = self._softmax(z)
        log_p = shifted - np.log(e.sum(axis=1, keepdims=True))
        return float(-np.mean(log_p[np.arange(len(t)), t]))

    def gradient(self, z, t):
        p = self._softmax(z)[0]
        p[np.arange(len(t)), t] -= 1.0
        return p / len(t)
