"""Derive: every layer's local partial derivatives, and the chain rule for every parameter.

One loop over the model's layers asks each layer kind for its symbolic definition
(:class:`~symnet.layers.Symbols`: the forward formula and the local partials that SymPy
derived from it, written with index symbols). The chain for a parameter is the product
of the local partials along the path from the loss back to it. The same structure feeds
the printers here and the C emitter.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .layers import Activation, Layer, Symbols
from .symbolic import latex, text


def role(factor: sp.Expr) -> str:
    """What a partial is taken with respect to: ``"input"``, ``"weight"`` or ``"bias"``."""
    label = str(factor.base) if isinstance(factor, sp.Indexed) else str(factor)
    return {"x": "input", "W": "weight", "b": "bias", "z": "input"}[label]


@dataclass(frozen=True)
class LayerDerivation:
    """One layer's forward formula and local partials."""

    layer: Layer
    symbols: Symbols
    reads: str  # the tensor the layer reads: "input" or the previous layer's name

    @property
    def name(self) -> str:
        return self.layer.name

    def partial(self, wrt: str) -> sp.Expr:
        """The local partial with respect to ``"input"``, ``"weight"`` or ``"bias"``."""
        for factor, expr in self.symbols.partials.items():
            if role(factor) == wrt:
                return expr
        raise KeyError(f"{self.name} has no partial with respect to its {wrt}")

    def factor(self, wrt: str) -> sp.Expr:
        """The symbol or indexed element the ``wrt`` partial is taken with respect to."""
        return next(factor for factor in self.symbols.partials if role(factor) == wrt)

    def lines(self, fmt) -> list[tuple[str, str]]:
        """(left side, right side) of each formula, printed with ``fmt``."""
        s = self.symbols
        out = [(fmt(s.output), fmt(s.forward))]
        if isinstance(self.layer, Activation):
            where = "in terms of the output y" if self.layer.derivative_in_output else "in terms of the input x"
            out.append(("∂y/∂x", f"{fmt(self.layer.derivative)}   ({where})"))
            return out
        if s.term is not None and s.reduction:
            out.append(("∂y/∂term", "1 for each term of the sum"))
        for factor, expr in s.partials.items():
            numerator = "term" if s.term is not None and s.term.has(factor) else "y"
            out.append((f"∂{numerator}/∂{fmt(factor)}", fmt(expr)))
        return out


@dataclass(frozen=True)
class Factor:
    """One local partial of a chain: ``∂ numerator / ∂ denominator = expr``."""

    numerator: str
    denominator: str
    expr: sp.Expr


@dataclass(frozen=True)
class Chain:
    """``∂L/∂param`` as the product of local partials from the loss back to the parameter.

    Products sum over the indices their factors share, as matrix products do.
    """

    param: str
    factors: tuple[Factor, ...]

    def symbolic(self) -> str:
        return " · ".join(f"∂{f.numerator}/∂{f.denominator}" for f in self.factors)

    def formulas(self, fmt=text) -> str:
        return " · ".join(_wrapped(fmt(f.expr)) for f in self.factors)


class Derivation:
    """The derivation of a model: local partials per layer, the loss, and the chains.

    ``str(derivation)`` is readable text, :meth:`latex` LaTeX, and Jupyter shows it
    typeset.
    """

    def __init__(self, model, layers: list[LayerDerivation], loss: Symbols, chains: dict[str, Chain]):
        self.model = model
        self.layers = layers
        self.loss = loss
        self.chains = chains

    def layer(self, name: str) -> LayerDerivation:
        """The derivation of the layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer named {name!r}")

    def loss_gradient(self) -> sp.Expr:
        """``∂L/∂z``: the loss's partial with respect to the model's outputs."""
        return next(iter(self.loss.partials.values()))

    def __str__(self) -> str:
        model = self.model
        out = [f"Derivation of {model.name}: {model.input.describe()} -> {len(model.layers)} layers -> "
               f"{model.loss.describe()}", "", "Local partial derivatives (n indexes the samples of a batch)"]
        for layer in self.layers:
            item = layer.layer
            out.append(f"  {item.name}: {item.describe()}   reads {layer.reads} {item.input_shape} "
                       f"-> {item.output_shape}")
            out += [f"      {left} = {right}" for left, right in layer.lines(text)]
            out += [f"      ({note})" for note in layer.symbols.notes]
        out.append(f"  loss: {model.loss.describe()}   of the outputs z = {self.layers[-1].name}")
        out.append(f"      L = {text(self.loss.forward)}")
        for factor, expr in self.loss.partials.items():
            out.append(f"      ∂L/∂{text(factor)} = {text(expr)}")
        out += [f"      ({note})" for note in self.loss.notes]
        out += ["", "Chain rule: each gradient is the product of the local partials on its path",
                "(products sum over the indices their factors share, as matrix products do)"]
        for chain in self.chains.values():
            out.append(f"  ∂L/∂{chain.param} = {chain.symbolic()}")
            out.append(f"      = {chain.formulas()}")
        return "\n".join(out)

    def latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block."""
        rows = []
        for layer in self.layers:
            item = layer.layer
            rows.append(rf"&\textbf{{{_tex_name(item.name)}}}\ \text{{{_tex_text(item.describe())}}} \\")
            s = layer.symbols
            rows.append(rf"{latex(s.output)} &= {latex(s.forward)} \\")
            for factor, expr in s.partials.items():
                numerator = "y" if s.term is None or not s.term.has(factor) else r"\mathrm{term}"
                rows.append(rf"\frac{{\partial {numerator}}}{{\partial {latex(factor)}}} &= {latex(expr)} \\")
        rows.append(rf"&\textbf{{loss}}\ \text{{{_tex_text(self.model.loss.describe())}}} \\")
        rows.append(rf"L &= {latex(self.loss.forward)} \\")
        for factor, expr in self.loss.partials.items():
            rows.append(rf"\frac{{\partial L}}{{\partial {latex(factor)}}} &= {latex(expr)} \\")
        rows.append(r"&\textbf{chain rule} \\")
        for chain in self.chains.values():
            product = r" \cdot ".join(
                rf"\frac{{\partial {_tex_name(f.numerator)}}}{{\partial {_tex_name(f.denominator)}}}"
                for f in chain.factors)
            rows.append(rf"\frac{{\partial L}}{{\partial {_tex_name(chain.param)}}} &= {product} \\")
        return "\\begin{aligned}\n" + "\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$$\n{self.latex()}\n$$"


def _wrapped(formula: str) -> str:
    """The formula in parentheses, unless the printer already put it in a pair of them."""
    if formula.startswith("(") and formula.endswith(")") and formula.count("(") == 1:
        return formula
    return f"({formula})"


def _tex_name(name: str) -> str:
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _tex_text(value: str) -> str:
    return value.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("{", r"\{").replace("}", r"\}")


def derive(model) -> Derivation:
    """Derive the local partials of every layer of ``model`` and chain them per parameter."""
    layers = []
    reads = "input"
    for layer in model.layers:
        layers.append(LayerDerivation(layer, layer.symbols(), reads))
        reads = layer.name
    loss = model.loss.symbols()
    loss_factor = Factor("L", layers[-1].name, next(iter(loss.partials.values())))
    chains = {}
    for position, layer in enumerate(layers):
        # From the loss back to this layer: each later layer's partial w.r.t. its input.
        path = [loss_factor] + [Factor(later.name, later.reads, later.partial("input"))
                                for later in reversed(layers[position + 1:])]
        for spec in layer.layer.param_specs():
            own = Factor(layer.name, spec.name, layer.partial(spec.role))
            chains[spec.name] = Chain(spec.name, tuple(path + [own]))
    return Derivation(model, layers, loss, chains)
