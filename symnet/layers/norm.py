"""Batch normalization: each channel (or feature) standardized over the minibatch.

The backward pass is not written here: SymPy differentiates the loss's dependence on
one channel, ``Σ_j ∂L/∂y[j] · y[j]``, where ``y[j]`` is written with the batch mean and
variance as sums over the batch index; the result is rewritten in the normalized values
``x̂`` and checked numerically against a differentiation of the same sums at a concrete
batch size before the template prints it (see :func:`batch_partials`, :func:`check_partials`).
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np
import sympy as sp
from sympy.concrete.delta import deltasummation

from ..printer import CPrinter, comment, elementwise, expand_powers
from ..symbolic import text
from .base import BufferSpec, DeclarationError, Layer, ParamSpec, Partial, Shape, Symbols, register

# One channel's symbols: i and j run over its M values in the minibatch (every sample's
# pixels), dy[j] is ∂L/∂y[j], x̂ the normalized input, μ and σ² the batch statistics.
I, J = sp.symbols("i j", integer=True, nonnegative=True)
M = sp.Symbol("M", integer=True, positive=True)
X, Y, DY, XHAT = (sp.IndexedBase(name) for name in ("x", "y", "dy", "x̂"))
GAMMA, BETA, EPS = sp.Symbol("γ", real=True), sp.Symbol("β", real=True), sp.Symbol("ε", positive=True)
MU, VAR = sp.Symbol("μ", real=True), sp.Symbol("σ²", nonnegative=True)
RUNNING_MEAN, RUNNING_VAR = sp.Symbol("running_mean", real=True), sp.Symbol("running_var", nonnegative=True)


def _sums(expr: sp.Expr) -> sp.Expr:
    """Every sum over the batch done where it can be: split into terms, factors that do not
    depend on its index moved out, Kronecker deltas collapsed, sums of 1 counted."""
    def one(node):
        (index, low, high), total = node.limits[0], 0
        for term in sp.Add.make_args(sp.expand(node.function)):
            factor, rest = term.as_independent(index, as_Add=False)
            if rest == 1:
                total += factor * (high - low + 1)
            elif rest.has(sp.KroneckerDelta):
                total += factor * deltasummation(rest, (index, low, high), no_piecewise=True)
            else:
                total += factor * sp.Sum(rest, (index, low, high))
        return total

    return expr.replace(lambda node: isinstance(node, sp.Sum), one)


def _statistics(expr: sp.Expr) -> sp.Expr:
    """The batch mean and variance, where their sums appear, as the symbols μ and σ²."""
    expr = expr.subs(sp.Sum(X[J], (J, 0, M - 1)), M * MU)
    return expr.subs(sp.Sum((X[J] - MU) ** 2, (J, 0, M - 1)), M * VAR)


def _normalized(expr: sp.Expr) -> sp.Expr:
    """``x[k]`` written as ``μ + x̂[k]·sqrt(σ² + ε)`` inside and outside the sums, then the sums
    done again: what is left is in x̂, Σ dy and Σ dy·x̂."""
    def of_xhat(node):
        return node.xreplace({X[J]: MU + XHAT[J] * sp.sqrt(VAR + EPS)})

    expr = expr.xreplace({X[I]: MU + XHAT[I] * sp.sqrt(VAR + EPS)})
    expr = expr.replace(lambda node: isinstance(node, sp.Sum), lambda node: sp.Sum(sp.expand(of_xhat(node.function)),
                                                                                   *node.limits))
    return sp.factor(sp.expand(_sums(expr)))


def _forward(affine: bool, batch: bool = True) -> sp.Expr:
    """``y[i]``: with the statistics of the batch written as sums over it (``batch``), or in
    eval mode with the running statistics."""
    scale, shift = (GAMMA, BETA) if affine else (1, 0)
    if not batch:
        return scale * (X[I] - RUNNING_MEAN) / sp.sqrt(RUNNING_VAR + EPS) + shift
    mean = sp.Sum(X[J], (J, 0, M - 1)) / M
    variance = sp.Sum((X[J] - mean) ** 2, (J, 0, M - 1)) / M
    return scale * (X[I] - mean) / sp.sqrt(variance + EPS) + shift


@functools.lru_cache(maxsize=None)
def batch_partials(affine: bool) -> dict[str, sp.Expr]:
    """SymPy's derivatives of one channel's share of the loss, ``Σ_j dy[j]·y[j]``, with
    respect to ``x[i]`` (training mode: through the batch statistics), γ and β; and
    ``∂y/∂x`` in eval mode. Written in x̂, Σ_j dy[j] and Σ_j dy[j]·x̂[j]."""
    forward = _forward(affine).xreplace({I: J})
    share = sp.Sum(DY[J] * forward, (J, 0, M - 1))
    derivative = sp.diff(share, X[I])
    # The first _statistics names the inner sums, so that _sums can split the outer ones.
    derivative = _statistics(_sums(_statistics(derivative)))
    out = {"x": _normalized(derivative)}
    if affine:
        out["weight"] = _normalized(_statistics(_sums(_statistics(sp.diff(share, GAMMA)))))
        out["bias"] = _normalized(_statistics(_sums(_statistics(sp.diff(share, BETA)))))
    out["x_eval"] = sp.diff(_forward(affine, batch=False), X[I])
    return out


def check_partials(owner: str, partial: sp.Expr, affine: bool, size: int = 5, seed: int = 0) -> None:
    """An AssertionError naming ``owner`` unless ``partial`` (∂L/∂x[i] in x̂ and the batch's
    sums) equals, at random values of a batch of ``size``, what SymPy gets by differentiating
    the forward formula's explicit sums there: the form the template prints is checked, not
    trusted."""
    rng = np.random.default_rng(seed)
    xs, dys = rng.normal(size=size), rng.normal(size=size)
    scale, shift, eps, at = float(rng.uniform(0.5, 2)), float(rng.normal()), 1e-3, 2
    values = {X[j]: sp.Float(xs[j]) for j in range(size)} | {DY[j]: sp.Float(dys[j]) for j in range(size)}
    values |= {GAMMA: scale, BETA: shift, EPS: eps}
    share = sum(DY[j] * _forward(affine).subs({I: j, M: size}).doit() for j in range(size))
    expected = float(sp.diff(share, X[at]).subs(values))
    mean, var = xs.mean(), xs.var()
    xhat = (xs - mean) / math.sqrt(var + eps)
    given = partial.subs({I: at, M: size}).doit()
    given = given.subs({XHAT[j]: xhat[j] for j in range(size)} | values | {MU: mean, VAR: var})
    try:
        given = float(given)
    except TypeError:
        raise AssertionError(f"{owner}: the derived ∂L/∂x {partial} holds more than x̂, dy, Σ dy and Σ dy·x̂") from None
    if not math.isclose(given, expected, rel_tol=1e-9, abs_tol=1e-12):
        raise AssertionError(f"{owner}: the derived ∂L/∂x {partial} gives {given} where differentiating the batch "
                             f"sums gives {expected}")


def _number_in(value, argument: str, owner: str, low: float, high: float | None, open_low: bool) -> float:
    """``value`` as a float in [low, high] (``(low, ...`` with ``open_low``; no upper bound when
    ``high`` is None), or a DeclarationError naming ``owner`` and ``argument``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or value < low or (open_low and value == low) or (high is not None and value > high):
        bounds = f"{'(' if open_low else '['}{low}, {high if high is not None else '∞'}{']' if high is not None else ')'}"
        raise DeclarationError(f"{owner}: {argument} must be a number in {bounds}, got {value!r}")
    return float(value)


@register
class BatchNorm(Layer):
    """Each channel of a picture ``(C, H, W)`` (or each feature of a vector) standardized with
    the mean and variance of the minibatch, then scaled by γ (``weight``) and shifted by β
    (``bias``); PyTorch's BatchNorm2d / BatchNorm1d.

    Training mode normalizes with the minibatch's statistics (biased variance), and every
    forward in training mode (a training step's included, once) updates ``running_mean``
    and ``running_var`` (unbiased variance) by ``momentum``, as PyTorch's does; eval mode
    normalizes with those running statistics.
    """

    kind = "batchnorm"
    template = "batchnorm"
    FIELDS = {"momentum": "number", "eps": "number", "affine": "bool", "name": "name"}
    uses_run = True
    couples_samples = True
    takes_epilogue = True
    prints_partials = False
    helpers = ("helpers/barrier.c.j2", "helpers/threads.c.j2")

    def __init__(self, momentum: float = 0.1, eps: float = 1e-5, affine: bool = True, name: str | None = None):
        owner = f"BatchNorm(momentum={momentum!r}, eps={eps!r})"
        self.momentum = _number_in(momentum, "momentum", owner, 0.0, 1.0, open_low=False)
        self.eps = _number_in(eps, "eps", owner, 0.0, None, open_low=True)
        if not isinstance(affine, (bool, np.bool_)):   # "False" would read as true
            raise DeclarationError(f"{owner}: affine must be True or False, got {affine!r:.60}")
        self.affine = bool(affine)
        super().__init__(name)

    def describe(self) -> str:
        args = [f"momentum={self.momentum:g}"] if self.momentum != 0.1 else []
        args += [f"eps={self.eps:g}"] if self.eps != 1e-5 else []
        args += ["affine=False"] if not self.affine else []
        return f"BatchNorm({', '.join(args)})"

    def config(self) -> dict:
        return {"momentum": self.momentum, "eps": self.eps, "affine": self.affine, "name": self.name}

    def _output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) not in (1, 3):
            raise self.error(f"normalizes pictures (channels, height, width) per channel or vectors (features,) "
                             f"per feature, got shape {input_shape}")
        return input_shape

    @property
    def channels(self) -> int:
        return self.input_shape[0]

    @property
    def pixels(self) -> int:
        """Values of one channel in one sample (1 for a vector)."""
        return math.prod(self.input_shape[1:])

    def param_specs(self) -> list[ParamSpec]:
        if not self.affine:
            return []
        shape = (self.channels,)
        return [ParamSpec(self.name, "weight", shape, fill=1.0), ParamSpec(self.name, "bias", shape, fill=0.0)]

    def buffer_specs(self) -> list[BufferSpec]:
        shape = (self.channels,)
        return [BufferSpec(self.name, "running_mean", shape, 0.0), BufferSpec(self.name, "running_var", shape, 1.0)]

    def state_size(self) -> int:
        # mean, 1/sqrt(var + eps), var, Σ dy, Σ dy·x̂, and the input gradient's coefficients
        # (dx = scale_dy·dy + scale_x·x + shift) per channel
        return 8 * self.channels

    # -- Derive ------------------------------------------------------------------
    def symbols(self) -> Symbols:
        partials = batch_partials(self.affine)
        own = [Partial(0, X[I], partials["x"])]
        if self.affine:
            own += [Partial("weight", GAMMA, partials["weight"]), Partial("bias", BETA, partials["bias"])]
        where = "every sample's pixels" if len(self.input_shape) == 3 else "every sample"
        return Symbols(
            output=Y[I], forward=_statistics(_forward(self.affine)),
            partials=tuple(own),
            notes=(f"per channel c: i, j run over its M values in the minibatch ({where}); dy[j] = ∂L/∂y[j]",
                   f"μ = {text(sp.Sum(X[J], (J, 0, M - 1)) / M)}, σ² = {text(sp.Sum((X[J] - MU) ** 2, (J, 0, M - 1)) / M)}"
                   " (biased), "
                   "x̂[j] = (x[j] - μ)/sqrt(σ² + ε)",
                   f"eval mode: μ, σ² are running_mean[c], running_var[c], constants: ∂y/∂x[i] = "
                   f"{text(partials['x_eval'])}",
                   f"each forward in training mode: running_mean = (1 - {self.momentum:g})·running_mean + {self.momentum:g}·μ, "
                   f"running_var = (1 - {self.momentum:g})·running_var + {self.momentum:g}·σ²·M/(M - 1)"),
        )

    def partial_lines(self, symbols: Symbols, fmt) -> list[tuple[str, str]]:
        names = {"x": "x[i]", "weight": "γ", "bias": "β"}
        return [(f"∂L/∂{names['x' if partial.of == 0 else partial.of]} = Σ_j dy[j]·∂y[j]/∂"
                 f"{names['x' if partial.of == 0 else partial.of]}", fmt(partial.expr)) for partial in symbols.partials]

    # -- reference mechanics ---------------------------------------------------------
    def _axes(self) -> tuple[int, ...]:
        return (0, 2, 3) if len(self.input_shape) == 3 else (0,)

    def _per_channel(self, values: np.ndarray) -> np.ndarray:
        return values.reshape((1, -1) + (1,) * (len(self.input_shape) - 1))

    def values_per_channel(self, count: int) -> int:
        """How many values each channel's statistics span in a minibatch of ``count`` samples."""
        return count * self.pixels

    def check_minibatch(self, count: int) -> None:
        """A ValueError naming the layer unless a minibatch of ``count`` samples gives each
        channel more than one value to normalize (training mode)."""
        if self.values_per_channel(count) < 2:
            raise ValueError(f"{self.label}: in training mode each channel needs more than one value in the "
                             f"minibatch to normalize, got {count} sample{'s' if count != 1 else ''} of "
                             f"{self.pixels} value{'s' if self.pixels != 1 else ''} per channel")

    def evaluate(self, inputs, params, run=None):
        x = inputs[0]
        training = run is None or run.training
        buffers = run.buffers if run is not None and run.buffers else self.initial_buffers()
        if training:
            self.check_minibatch(len(x))
            mean, var = x.mean(axis=self._axes()), x.var(axis=self._axes())
            if run is not None and run.update:
                count = self.values_per_channel(len(x))
                for role, batch in (("running_mean", mean), ("running_var", var * count / (count - 1))):
                    name = f"{self.name}.{role}"
                    run.updates[name] = (1 - self.momentum) * buffers[name] + self.momentum * batch
        else:
            mean, var = buffers[f"{self.name}.running_mean"], buffers[f"{self.name}.running_var"]
        invstd = 1.0 / np.sqrt(var + self.eps)
        xhat = (x - self._per_channel(mean)) * self._per_channel(invstd)
        scale, shift = self._affine(params)
        return xhat * self._per_channel(scale) + self._per_channel(shift), (xhat, invstd, training)

    def initial_buffers(self) -> dict[str, np.ndarray]:
        """Running statistics before any step: mean 0, variance 1, as PyTorch starts them."""
        return {spec.name: np.full(spec.shape, spec.fill) for spec in self.buffer_specs()}

    def _affine(self, params):
        if not self.affine:
            return np.ones(self.channels), np.zeros(self.channels)
        return params[f"{self.name}.weight"], params[f"{self.name}.bias"]

    def pull_back(self, dy, saved, params):
        xhat, invstd, training = saved
        scale = self._affine(params)[0]
        axes = self._axes()
        sum_dy, sum_dy_xhat = dy.sum(axis=axes), (dy * xhat).sum(axis=axes)
        grads = {f"{self.name}.weight": sum_dy_xhat, f"{self.name}.bias": sum_dy} if self.affine else {}
        if training:   # the classic form, written out here: the reference is independent of Derive
            count = dy.size // self.channels
            dx = self._per_channel(scale * invstd / count) * (
                count * dy - self._per_channel(sum_dy) - xhat * self._per_channel(sum_dy_xhat))
        else:
            dx = dy * self._per_channel(scale * invstd)
        return [dx], grads

    # -- Emit ----------------------------------------------------------------------
    def template_context(self, lowering) -> dict:
        symbols = lowering.step.symbols
        check_partials(self.name, symbols.partial(0).expr, self.affine)
        printer = CPrinter(lowering.dtype)
        sums = {sp.Sum(DY[J], (J, 0, M - 1)): sp.Symbol("sum_dy"),
                sp.Sum(DY[J] * XHAT[J], (J, 0, M - 1)): sp.Symbol("sum_dy_xhat")}
        names = {GAMMA: sp.Symbol("w"), BETA: sp.Symbol("b"), MU: sp.Symbol("mean"), M: sp.Symbol("m"),
                 X[I]: sp.Symbol("v"), DY[I]: sp.Symbol("g"), XHAT[I]: sp.Symbol("xhat"),
                 1 / sp.sqrt(VAR + EPS): sp.Symbol("invstd"), 1 / sp.sqrt(RUNNING_VAR + EPS): sp.Symbol("invstd")}

        def c_form(expr, what):
            named = expr.xreplace(sums).subs(names)
            stray = named.free_symbols - {symbol for symbol in names.values()} - set(sums.values())
            if stray or named.has(sp.Sum, sp.Indexed):
                raise AssertionError(f"{self.name}: the derived {what} {expr} uses more than the template computes")
            return named

        # ∂L/∂x is linear in dy[i] and x[i] (through x̂ = (x - μ)·invstd): per channel, its three
        # coefficients are computed once, and each value costs two multiply-adds
        train_coefficients = self._linear_form(c_form(symbols.partial(0).expr, "∂L/∂x"), printer)
        eval_coefficients = self._linear_form(c_form(batch_partials(self.affine)["x_eval"] * DY[I],
                                                     "∂y/∂x (eval)"), printer)
        context = {
            # eps and momentum are used in double (the statistics are summed in double): as
            # double literals, repr's shortest form that reads back to the same number.
            "C": self.channels, "HW": self.pixels, "eps": repr(self.eps), "momentum": repr(self.momentum),
            "eval_partial_text": comment(text(batch_partials(self.affine)["x_eval"])),
            "forward": elementwise(c_form(symbols.forward.subs(1 / sp.sqrt(VAR + EPS), sp.Symbol("invstd")), "y"),
                                   printer, "out", self.name, "="),
            "dx_train": train_coefficients,
            # eval mode: ∂y/∂x is a local partial, so the gradient is dy times it
            "dx_eval": eval_coefficients,
            "state": f"{self.name.upper()}_STATE",
            "running_mean": f"{self.name.upper()}_RUNNING_MEAN", "running_var": f"{self.name.upper()}_RUNNING_VAR",
        }
        if self.affine:   # the template adds Σ dy·x̂ to dγ and Σ dy to dβ: only if that is what SymPy derived
            for role, expected in (("weight", "sum_dy_xhat"), ("bias", "sum_dy")):
                if c_form(symbols.partial(role).expr, f"∂L/∂{role}") != sp.Symbol(expected):
                    raise AssertionError(f"{self.name}: the derived ∂L/∂{role} {symbols.partial(role).expr} is not "
                                         f"the template's {expected}")
        return context

    def _linear_form(self, named: sp.Expr, printer: CPrinter) -> list[str]:
        """C statements for the coefficients of ``named`` (∂L/∂x in the template's names g, v, x̂)
        as ``dx = scale_dy·g + scale_x·v + shift`` with x̂ written as (v - mean)·invstd:
        ``const real`` lines for shared subexpressions, then assignments to scale_dy, scale_x and
        shift (declared by the template). An
        AssertionError naming the layer unless the form equals ``named``."""
        g, v, xhat = sp.Symbol("g"), sp.Symbol("v"), sp.Symbol("xhat")
        mean, invstd = sp.Symbol("mean"), sp.Symbol("invstd")
        expanded = sp.expand(named.xreplace({xhat: (v - mean) * invstd}))
        parts = sp.collect(expanded, [g, v], evaluate=False)
        coefficients = [sp.factor(parts.pop(key, sp.S.Zero)) for key in (g, v, sp.S.One)]
        if parts or any(c.has(g, v) for c in coefficients) or \
                sp.expand(coefficients[0] * g + coefficients[1] * v + coefficients[2] - expanded) != 0:
            raise AssertionError(f"{self.name}: the derived ∂L/∂x {named} is not linear in dy and x")
        replacements, reduced = sp.cse(coefficients, symbols=sp.numbered_symbols("k"))
        lines = [f"const real {symbol} = {printer.doprint(expand_powers(value))};" for symbol, value in replacements]
        return lines + [f"{name} = {printer.doprint(expand_powers(value))};"
                        for name, value in zip(("scale_dy", "scale_x", "shift"), reduced)]

    def training_flops(self, input_gradient: bool) -> int:
        # Not products of a matrix multiply, but counted: statistics (3), normalization (4),
        # the backward sums (3) and, when passed on, the input gradient (6) per value.
        return math.prod(self.input_shape) * (10 + (6 if input_gradient else 0))

    def torch_module(self):
        import torch

        kind = torch.nn.BatchNorm2d if len(self.input_shape) == 3 else torch.nn.BatchNorm1d
        return kind(self.channels, eps=self.eps, momentum=self.momentum, affine=self.affine)

    def peer_forward(self, ops, inputs, params, run):
        # Training mode: the batch's statistics (biased variance) normalize; the running ones
        # move by momentum towards the mean and the unbiased variance, as evaluate does.
        x = inputs[0]
        axes = self._axes()
        shape = (1, self.channels, 1, 1) if len(self.input_shape) == 3 else (1, self.channels)
        mean = ops.mean(x, axes)
        centred = x - ops.reshape(mean, shape)
        var = ops.mean(centred * centred, axes)
        count = self.values_per_channel(run.batch)
        for role, batch in (("running_mean", mean), ("running_var", var * (count / (count - 1)))):
            name = f"{self.name}.{role}"
            run.updates[name] = run.buffers[name] * (1 - self.momentum) + batch * self.momentum
        y = centred * ops.reshape(1.0 / ops.sqrt(var + self.eps), shape)
        if self.affine:
            y = y * ops.reshape(params[f"{self.name}.weight"], shape) + ops.reshape(params[f"{self.name}.bias"], shape)
        return y

    def onnx_nodes(self, onnx):
        # Eval form: the running statistics; ONNX's momentum weighs the old running value, so 1 - symnet's.
        if self.affine:
            scale, shift = onnx.param("weight"), onnx.param("bias")
        else:
            scale, shift = (onnx.constant(np.full(self.channels, fill), f"{self.name}.{role}")
                            for fill, role in ((1.0, "scale"), (0.0, "shift")))
        onnx.node("BatchNormalization", [onnx.inputs[0], scale, shift, onnx.buffer("running_mean"),
                                         onnx.buffer("running_var")], onnx.output, epsilon=self.eps,
                  momentum=1.0 - self.momentum)
