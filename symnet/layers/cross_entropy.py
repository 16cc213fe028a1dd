"""The cross-entropies: of a softmax against class labels (optionally smoothed), and of a
sigmoid against probabilities, each taken from the raw scores (logits) for range."""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p

from ..printer import CPrinter, elementwise
from .base import Partial, Shape, Symbols, indices
from .loss import BATCH, Loss, LossFunction, is_real_number, register_loss


@register_loss
class SoftmaxCrossEntropy(LossFunction):
    """Cross-entropy of the softmax of the outputs against integer class labels.

    Equals ``torch.nn.CrossEntropyLoss(label_smoothing=label_smoothing)``: with ε the
    smoothing and K the classes, ``mean_n ((1 - ε) (log Σ_k exp z[n,k] - z[n, t[n]])
    + ε mean_k (log Σ_j exp z[n,j] - z[n,k]))``; ε = 0 (the default) is the plain
    cross-entropy, ε > 0 spreads ε of each label's weight evenly over all classes.
    """

    name = "softmax_cross_entropy"
    template = "loss_softmax_cross_entropy"
    target_type = "int32_t"
    classifies = True
    FIELDS = {"label_smoothing": "number"}
    OPTIONAL = ("label_smoothing",)   # files written before the option have none: 0

    def __init__(self, label_smoothing: float = 0.0):
        super().__init__()
        self.label_smoothing = label_smoothing
        if not is_real_number(label_smoothing) or not 0 <= label_smoothing < 1:
            raise self.error(f"label_smoothing must be a number in [0, 1), got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def describe(self) -> str:
        if self.label_smoothing == 0:
            return "SoftmaxCrossEntropy()"
        return f"SoftmaxCrossEntropy(label_smoothing={self.label_smoothing!r})"

    def config(self) -> dict:
        # The default is left out, so a plain cross-entropy saves as it did before the option.
        return {"label_smoothing": self.label_smoothing} if self.label_smoothing else {}

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
        elif t.dtype.kind not in "iu":   # booleans are not class indices
            raise ValueError(f"labels: expected integer class indices, got dtype {t.dtype}")
        labels = t.astype(np.int64)
        # Both bounds in one pass: read as unsigned, a negative label is larger than any class.
        if count and labels.view(np.uint64).max() >= self.classes:
            raise ValueError(f"labels: must lie in [0, {self.classes}), got values from {t.min()} to {t.max()}")
        return labels

    def _weights(self) -> tuple[sp.Expr, sp.Expr]:
        """(1 - ε) on the label's score and ε / K on every score, as formula constants."""
        eps = sp.Float(self.label_smoothing)
        return 1 - eps, eps / self.classes

    def symbols(self) -> Symbols:
        n, k, j = indices("n", "k", "j")
        z, t, p = sp.IndexedBase("z"), sp.IndexedBase("t"), sp.IndexedBase("p")
        classes = (j, 0, self.classes - 1)
        if self.label_smoothing == 0:
            per_sample = sp.log(sp.Sum(sp.exp(z[n, j]), classes)) - z[n, t[n]]
        else:   # (1 - ε)(lse - z[t]) + ε (lse - mean_j z[j]), gathered
            keep, share = self._weights()
            per_sample = sp.log(sp.Sum(sp.exp(z[n, j]), classes)) - keep * z[n, t[n]] - share * sp.Sum(z[n, j], classes)
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
        # In double, as p is (templates/layers/loss_softmax_cross_entropy.c.j2).
        printer = CPrinter(dtype, names={"p": "p", "z": "z", "t": "t"}, arithmetic="float64")
        context = {"classes": self.classes, "gradient": elementwise(gradient, printer, "dz[k]", owner, ctype="double"),
                   "description": self.describe(), "smoothing": self.label_smoothing != 0}
        if self.label_smoothing:   # the loss is summed in double whatever the dtype
            keep, share = self._weights()
            context.update(keep=CPrinter("float64").doprint(keep), share=CPrinter("float64").doprint(share))
        return context

    def torch_loss(self):
        import torch

        return torch.nn.CrossEntropyLoss(label_smoothing=self.label_smoothing)

    def peer_targets(self, t):
        """Each label as a row of class weights: 1 - ε + ε/K on the label, ε/K elsewhere."""
        share = self.label_smoothing / self.classes
        weights = np.full((len(t), self.classes), share, dtype=np.float32)
        weights[np.arange(len(t)), np.asarray(t, dtype=np.int64)] += 1.0 - self.label_smoothing
        return weights

    def peer_loss(self, ops, z, t):
        # mean_n Σ_k w[n,k] (log Σ_j exp z[n,j] - z[n,k]), w from peer_targets (Σ_k w[n,k] = 1)
        return ops.mean(t * ops.log_softmax(z), ()) * (-float(self.classes))

    @staticmethod
    def _softmax(z):
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True), shifted, e

    # The reference follows PyTorch's definition: (1 - ε) of the label's -log p plus ε of
    # the mean over classes of -log p.
    def value(self, z, t) -> float:
        _, shifted, e = self._softmax(z)
        log_p = shifted - np.log(e.sum(axis=1, keepdims=True))
        labelled = -np.mean(log_p[np.arange(len(t)), t])
        if self.label_smoothing == 0:
            return float(labelled)
        return float((1 - self.label_smoothing) * labelled - self.label_smoothing * np.mean(log_p))

    def gradient(self, z, t):
        p = self._softmax(z)[0]
        p[np.arange(len(t)), t] -= 1.0 - self.label_smoothing
        if self.label_smoothing:
            p -= self.label_smoothing / self.classes
        return p / len(t)


@register_loss
class BinaryCrossEntropyWithLogits(Loss):
    """Cross-entropy of ``sigmoid(y)`` against a probability ``t``, per element, averaged
    over all elements: ``torch.nn.BCEWithLogitsLoss()``.

    Written as PyTorch computes it, ``max(y, 0) - y t + log1p(exp(-|y|))``, which equals
    ``-t log σ(y) - (1 - t) log(1 - σ(y))`` but never takes the exponential of a large
    number: a logit of ±1e4 gives a finite loss and gradient. Its derivative, ``σ(y) - t``,
    is SymPy's derivative of that form, which is as safe.
    """

    FIELDS = {}
    simplify_derivative = False   # simplify rewrites exp(-|y|) as exp(|y|), which overflows

    def __init__(self):
        super().__init__("bce_with_logits", lambda y, t: sum(_parts(y, t)))

    def describe(self) -> str:
        return "BinaryCrossEntropyWithLogits()"

    def config(self) -> dict:
        return {}

    def template_context(self, symbols: Symbols, dtype: str) -> dict:
        context = super().template_context(symbols, dtype)
        # C adds a sum's terms left to right in the printer's order (-t*z + log1p(...) + fmax(0, z)),
        # which rounds log1p's tiny term away against z when the answer is right (z = 40, t = 1).
        # The margin max(z, 0) - t z is taken first, as PyTorch does, and the tiny term added last.
        margin, tail = _parts(sp.Symbol("z", real=True), sp.Symbol("t", real=True))
        printer = CPrinter(dtype)
        context["cost"] = [f"const real margin = {printer.doprint(margin)};"] + elementwise(
            sp.Symbol("margin", real=True) + tail, printer, "cost", f"loss ({self.describe()})")
        return context

    def torch_loss(self):
        import torch

        return torch.nn.BCEWithLogitsLoss()

    def targets(self, t, count: int) -> np.ndarray:
        """Probabilities in [0, 1] shaped like the outputs (0 and 1 are hard labels)."""
        t = super().targets(t, count)
        if t.size and not (0 <= t.min() and t.max() <= 1):
            raise ValueError(f"targets: must be probabilities in [0, 1] (BinaryCrossEntropyWithLogits), "
                             f"got values from {t.min():g} to {t.max():g}")
        return t

    def random_targets(self, rng: np.random.Generator, count: int) -> np.ndarray:
        return rng.random((count, *self.output_shape))

    # The reference computes the mechanics its own way: softplus(-|z|) + the part of z that
    # the target does not take (z (1 - t) where z > 0, -z t elsewhere), which never subtracts
    # two large numbers when the target is right; and σ(z) without exp of a positive number.
    def value(self, z, t) -> float:
        return float(np.mean(np.logaddexp(0, -np.abs(z)) + np.where(z > 0, z * (1 - t), -z * t)))

    def gradient(self, z, t):
        small = np.exp(-np.abs(z))
        sigmoid = np.where(z >= 0, 1 / (1 + small), small / (1 + small))
        return (sigmoid - t) / z.size


def _parts(y, t) -> tuple[sp.Expr, sp.Expr]:
    """The binary cross-entropy's two parts: the margin ``max(y, 0) - y t``, which is 0 when
    the answer is right, and ``log1p(exp(-|y|))``, which is tiny then."""
    return sp.Max(y, 0) - y * t, log1p(sp.exp(-sp.Abs(y)))
