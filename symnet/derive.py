"""Derive: every layer's local partial derivatives, and the chain rule over the graph.

One loop over the graph's nodes asks each layer kind for its symbolic definition
(:class:`~symnet.layers.Symbols`: the forward formula and the local partials that SymPy
derived from it, each saying which input or parameter it belongs to). The gradient of a
tensor is the sum, over the layers that read it, of what each sends back (the
multivariable chain rule); in a chain every tensor has one reader, and the gradient of a
parameter is the product of the local partials on its path from the loss. The same
structure feeds the printers here and the C emitter.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .symbolic import latex, text


@dataclass(frozen=True)
class LayerDerivation:
    """One node's forward formula and local partials."""

    node: object   # symnet.graph.Node
    symbols: object   # symnet.layers.Symbols

    @property
    def layer(self):
        return self.node.layer

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def reads(self) -> tuple[str, ...]:
        """The tensors the layer reads, in slot order."""
        return self.node.inputs

    def partial(self, of) -> sp.Expr:
        """The local partial with respect to input slot ``of`` (0, 1, ...) or parameter role ``of``."""
        return self.symbols.partial(of).expr

    def factor(self, of) -> sp.Expr:
        """The symbol or indexed element the ``of`` partial is taken with respect to."""
        return self.symbols.partial(of).factor

    def lines(self, fmt) -> list[tuple[str, str]]:
        """(left side, right side) of each formula, printed with ``fmt``."""
        s = self.symbols
        return [(fmt(s.output), fmt(s.forward))] + self.layer.partial_lines(s, fmt)


@dataclass(frozen=True)
class Factor:
    """One local partial of a chain: ``∂ numerator / ∂ denominator = expr`` (``expr`` is None
    for a tensor's whole gradient, which has an equation of its own)."""

    numerator: str
    denominator: str
    expr: sp.Expr | None


@dataclass(frozen=True)
class Chain:
    """``∂L/∂param`` as a product of partials from the loss back to the parameter.

    Products sum over the indices their factors share, as matrix products do.
    """

    param: str
    factors: tuple[Factor, ...]

    def symbolic(self) -> str:
        return " · ".join(f"∂{f.numerator}/∂{f.denominator}" for f in self.factors)

    def formulas(self, fmt=text) -> str:
        return " · ".join(f"∂{f.numerator}/∂{f.denominator}" if f.expr is None else _wrapped(fmt(f.expr))
                          for f in self.factors)


@dataclass(frozen=True)
class TensorGradient:
    """``∂L/∂tensor`` as the sum over its readers of ``∂L/∂reader · ∂reader/∂tensor``.

    ``terms`` are ``(reader derivation, slot)`` in topological order; the output's gradient
    comes from the loss alone (no terms)."""

    tensor: str
    terms: tuple

    def symbolic(self) -> str:
        return " + ".join(f"∂L/∂{step.name} · ∂{step.name}/∂{self.tensor}" for step, _ in self.terms)

    def formulas(self, fmt=text) -> str:
        return " + ".join(f"∂L/∂{step.name} · {_wrapped(fmt(step.partial(slot)))}" for step, slot in self.terms)


class Derivation:
    """The derivation of a model: local partials per layer, the loss, the gradient of every
    tensor, and the chain for every parameter.

    ``str(derivation)`` is readable text, :meth:`latex` LaTeX, and Jupyter shows it
    typeset.
    """

    def __init__(self, model, layers: list[LayerDerivation], loss, gradients: dict[str, TensorGradient],
                 chains: dict[str, Chain]):
        self.model = model
        self.layers = layers
        self.loss = loss
        self.gradients = gradients
        self.chains = chains
        self.optimizer = None

    def with_optimizer(self, optimizer) -> "Derivation":
        """This derivation, printed with ``optimizer``'s update rule at the end."""
        from .optim.state import check_optimizer

        copy = Derivation(self.model, self.layers, self.loss, self.gradients, self.chains)
        copy.optimizer = check_optimizer(optimizer)
        return copy

    def layer(self, name: str) -> LayerDerivation:
        """The derivation of the layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer named {name!r}")

    def loss_gradient(self) -> sp.Expr:
        """``∂L/∂z``: the loss's partial with respect to the model's outputs."""
        return self.loss.partial(0).expr

    def _reads(self, step: LayerDerivation) -> str:
        shapes = self.model.graph.tensors
        if len(step.reads) == 1:
            return f"{step.reads[0]} {step.layer.input_shape}"
        return ", ".join(f"{name} {shapes[name].shape}" for name in step.reads)

    def __str__(self) -> str:
        model = self.model
        out = [f"Derivation of {model.name}: {model.input.describe()} -> {len(model.layers)} layers -> "
               f"{model.loss.describe()}", "", "Local partial derivatives (n indexes the samples of a batch)"]
        for layer in self.layers:
            item = layer.layer
            out.append(f"  {item.name}: {item.describe()}   reads {self._reads(layer)} -> {item.output_shape}")
            out += [f"      {left} = {right}" for left, right in layer.lines(text)]
            out += [f"      ({note})" for note in layer.symbols.notes]
        out.append(f"  loss: {model.loss.describe()}   of the outputs z = {model.graph.output}")
        out.append(f"      L = {text(self.loss.forward)}")
        for partial in self.loss.partials:
            out.append(f"      ∂L/∂{text(partial.factor)} = {text(partial.expr)}")
        out += [f"      ({note})" for note in self.loss.notes]
        if not model.graph.is_chain:
            out += ["", "Gradients of the tensors, from the loss back: where several layers read a tensor,",
                    "its gradient is the sum of what each sends back (the multivariable chain rule)"]
            for gradient in self.gradients.values():
                if gradient.terms:
                    out.append(f"  ∂L/∂{gradient.tensor} = {gradient.symbolic()}")
                    out.append(f"      = {gradient.formulas()}")
        out += ["", "Chain rule: each gradient is the product of the local partials on its path",
                "(products sum over the indices their factors share, as matrix products do)"]
        for chain in self.chains.values():
            out.append(f"  ∂L/∂{chain.param} = {chain.symbolic()}")
            out.append(f"      = {chain.formulas()}")
        if self.optimizer is not None:
            out += ["", str(self.optimizer.derivation())]
        return "\n".join(out)

    def latex(self) -> str:
        """The derivation as a LaTeX ``aligned`` block."""
        rows = []
        for layer in self.layers:
            item = layer.layer
            rows.append(rf"&\textbf{{{_tex_name(item.name)}}}\ \text{{{_tex_text(item.describe())}}} \\")
            s = layer.symbols
            rows.append(rf"{latex(s.output)} &= {latex(s.forward)} \\")
            for partial in s.partials:
                numerator = "y" if s.term is None or not s.term.has(partial.factor) else r"\mathrm{term}"
                rows.append(rf"\frac{{\partial {numerator}}}{{\partial {latex(partial.factor)}}} &= "
                            rf"{latex(partial.expr)} \\")
        rows.append(rf"&\textbf{{loss}}\ \text{{{_tex_text(self.model.loss.describe())}}} \\")
        rows.append(rf"L &= {latex(self.loss.forward)} \\")
        for partial in self.loss.partials:
            rows.append(rf"\frac{{\partial L}}{{\partial {latex(partial.factor)}}} &= {latex(partial.expr)} \\")
        if not self.model.graph.is_chain:
            rows.append(r"&\textbf{gradients of the tensors} \\")
            for gradient in self.gradients.values():
                if gradient.terms:
                    total = " + ".join(rf"{_tex_partial('L', step.name)} \cdot {_tex_partial(step.name, gradient.tensor)}"
                                       for step, _ in gradient.terms)
                    rows.append(rf"{_tex_partial('L', gradient.tensor)} &= {total} \\")
        rows.append(r"&\textbf{chain rule} \\")
        for chain in self.chains.values():
            product = r" \cdot ".join(_tex_partial(f.numerator, f.denominator) for f in chain.factors)
            rows.append(rf"{_tex_partial('L', chain.param)} &= {product} \\")
        if self.optimizer is not None:
            rows += self.optimizer.derivation().rows()
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


def _tex_partial(numerator: str, denominator: str) -> str:
    top = "L" if numerator == "L" else _tex_name(numerator)   # the loss, as the formulas call it
    return rf"\frac{{\partial {top}}}{{\partial {_tex_name(denominator)}}}"


def _tex_text(value: str) -> str:
    return value.replace("\\", r"\textbackslash{}").replace("_", r"\_").replace("{", r"\{").replace("}", r"\}")


def derive(model) -> Derivation:
    """Derive the local partials of every layer of ``model``, the gradient of every tensor
    (summed over its readers) and the chain of every parameter."""
    graph = model.graph
    layers = [LayerDerivation(node, node.layer.symbols()) for node in graph.nodes]
    by_name = {step.name: step for step in layers}
    loss = model.loss.symbols()
    gradients = {}
    for step in reversed(layers):   # from the loss back, as backward computes them
        readers = graph.tensors[step.name].readers
        gradients[step.name] = TensorGradient(step.name, tuple((by_name[node.name], slot) for node, slot in readers))
    chains = {}
    for step in layers:
        path = _path(graph, by_name, loss, step.name)
        for spec in step.layer.param_specs():
            chains[spec.name] = Chain(spec.name, tuple(path + [Factor(step.name, spec.name, step.partial(spec.role))]))
    return Derivation(model, layers, loss, gradients, chains)


def _path(graph, by_name: dict, loss, tensor: str) -> list[Factor]:
    """The factors from the loss back to ``tensor``: each reader's local partial while every
    tensor on the way has one reader; where one has several, its gradient (a sum with an
    equation of its own) stands for the rest of the way."""
    factors = []
    while tensor != graph.output:
        readers = graph.tensors[tensor].readers
        if len(readers) != 1:
            return [Factor("L", tensor, None)] + factors
        node, slot = readers[0]
        factors.insert(0, Factor(node.name, tensor, by_name[node.name].partial(slot)))
        tensor = node.name
    return [Factor("L", tensor, loss.partial(0).expr)] + factors
