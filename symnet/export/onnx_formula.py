"""Formulas and ONNX: a SymPy formula as ONNX elementwise operators, and back.

Writing walks the formula's tree (after its constant parts are folded into numbers, as the
C printer folds them) and emits one node per operation, each distinct subexpression once:
``exp`` becomes ``Exp``, a ``Piecewise`` nested ``Where`` nodes with comparisons, ``x**2``
a product (as the C prints it), ``sqrt`` ``Sqrt``. A function ONNX has no operator for
(``log1p``, ``erfc``, ``atan2``) is refused by name rather than rewritten into something
that rounds differently.

Reading maps each elementwise ONNX operator to the SymPy function it computes; the reader
(:mod:`symnet.export.onnx_in`) composes them into one formula per activation.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p

from ..formulas import fold_constants

# SymPy functions with an ONNX operator of the same meaning.
UNARY_OUT = {
    sp.exp: "Exp", sp.log: "Log", sp.tanh: "Tanh", sp.erf: "Erf", sp.sin: "Sin", sp.cos: "Cos", sp.tan: "Tan",
    sp.asin: "Asin", sp.acos: "Acos", sp.atan: "Atan", sp.sinh: "Sinh", sp.cosh: "Cosh", sp.asinh: "Asinh",
    sp.acosh: "Acosh", sp.atanh: "Atanh", sp.Abs: "Abs", sp.sign: "Sign", sp.floor: "Floor", sp.ceiling: "Ceil",
}
RELATIONS_OUT = {sp.StrictGreaterThan: "Greater", sp.GreaterThan: "GreaterOrEqual", sp.StrictLessThan: "Less",
                 sp.LessThan: "LessOrEqual", sp.Eq: "Equal"}


class OnnxError(ValueError):
    """A model that has no exact ONNX form, or an ONNX file that is not a symnet model: the
    message names the layer or the node, and the field."""


class FormulaWriter:
    """Emits ``expr`` (a formula in ``symbol``) through ``onnx``, a :class:`symnet.export.onnx.LayerWriter`:
    ``onnx.node(op, inputs, output)`` adds a node and returns its output's name, and
    ``onnx.constant(value)`` a scalar of the model's dtype."""

    def __init__(self, onnx, symbol: sp.Symbol, source: str, owner: str):
        self.onnx, self.owner = onnx, owner
        self.names: dict = {symbol: source}   # every subexpression already computed, by its value's name

    def write(self, expr: sp.Expr, output: str) -> str:
        """The nodes computing ``expr``, the last of them writing ``output``."""
        return self.value(fold_constants(expr), output)

    def value(self, expr, output: str | None = None) -> str:
        expr = sp.sympify(expr)
        if expr in self.names:
            name = self.names[expr]
        elif isinstance(expr, sp.Number) or isinstance(expr, sp.NumberSymbol):
            name = self.onnx.constant(float(expr))
        elif expr in (sp.true, sp.false):
            name = self.onnx.constant(np.bool_(expr == sp.true))
        else:
            name = self._operation(expr, output)
        self.names[expr] = name
        if output is not None and name != output:   # y = x, a constant, or a value computed before
            name = self.onnx.node("Identity", [name], output)
        return name

    def _node(self, op: str, args: list, output: str | None) -> str:
        return self.onnx.node(op, [self.value(arg) for arg in args], output)

    def _chain(self, op: str, args: list, output: str | None) -> str:
        """``op`` of two operands folded over ``args`` in order, as symnet's C evaluates them."""
        name = self.value(args[0])
        for position, arg in enumerate(args[1:], 2):
            name = self.onnx.node(op, [name, self.value(arg)], output if position == len(args) else None)
        return name

    def _operation(self, expr, output: str | None) -> str:
        if isinstance(expr, sp.Add):
            return self._sum(expr, output)
        if isinstance(expr, sp.Mul):
            return self._product(expr, output)
        if isinstance(expr, sp.Pow):
            return self._power(expr, output)
        if isinstance(expr, sp.Piecewise):
            return self._piecewise(list(expr.args), output)
        if expr.func in UNARY_OUT:
            return self._node(UNARY_OUT[expr.func], list(expr.args), output)
        if expr.func in (sp.Max, sp.Min):
            return self._node("Max" if expr.func is sp.Max else "Min", list(expr.args), output)
        if expr.func in RELATIONS_OUT:
            return self._node(RELATIONS_OUT[expr.func], list(expr.args), output)
        if isinstance(expr, sp.Ne):
            return self.onnx.node("Not", [self._node("Equal", list(expr.args), None)], output)
        if isinstance(expr, (sp.And, sp.Or)):
            return self._chain("And" if isinstance(expr, sp.And) else "Or", list(expr.args), output)
        if isinstance(expr, sp.Not):
            return self._node("Not", list(expr.args), output)
        if isinstance(expr, sp.Heaviside):   # 1 above 0, 0 below, h0 (default 1/2) at 0
            x, at_zero = expr.args[0], expr.args[1] if len(expr.args) > 1 else sp.Rational(1, 2)
            return self._piecewise([(1, x > 0), (0, x < 0), (at_zero, True)], output)
        raise OnnxError(f"{self.owner}: the function {expr.func.__name__} in {expr} has no ONNX operator "
                           f"(ONNX has: {', '.join(sorted(f.__name__ for f in UNARY_OUT))}, Max, Min, powers, "
                           "Piecewise, comparisons)")

    def _sum(self, expr, output):
        terms = list(expr.args)
        # a - b as Sub, not a + (-1)*b: one node, and the rounding symnet's C does
        first = next((k for k, term in enumerate(terms) if not term.could_extract_minus_sign()), 0)
        terms.insert(0, terms.pop(first))
        name = self.value(terms[0])
        for position, term in enumerate(terms[1:], 2):
            last = output if position == len(terms) else None
            if term.could_extract_minus_sign():
                name = self.onnx.node("Sub", [name, self.value(-term)], last)
            else:
                name = self.onnx.node("Add", [name, self.value(term)], last)
        return name

    def _product(self, expr, output):
        coefficient, factors = expr.as_coeff_mul()
        numerators = [f for f in factors if not (isinstance(f, sp.Pow) and f.exp == -1)]
        denominators = [f.base for f in factors if isinstance(f, sp.Pow) and f.exp == -1]
        if coefficient == -1 and (numerators or denominators):
            return self.onnx.node("Neg", [self.value(-expr)], output)
        if coefficient != 1:
            numerators.insert(0, coefficient)
        if not numerators:
            numerators = [sp.Integer(1)]
        if not denominators:
            return self._chain("Mul", numerators, output) if len(numerators) > 1 else self.value(numerators[0])
        name = self._chain("Mul", numerators, None) if len(numerators) > 1 else self.value(numerators[0])
        for position, base in enumerate(denominators, 1):
            name = self.onnx.node("Div", [name, self.value(base)], output if position == len(denominators) else None)
        return name

    def _power(self, expr, output):
        base, exponent = expr.args
        if exponent == sp.Rational(1, 2):
            return self._node("Sqrt", [base], output)
        if exponent == -1:
            return self._node("Reciprocal", [base], output)
        if exponent == -sp.Rational(1, 2):
            return self.onnx.node("Reciprocal", [self._node("Sqrt", [base], None)], output)
        if exponent in (2, 3):   # products, as symnet's C computes small integer powers
            return self._chain("Mul", [base] * int(exponent), output)
        return self._node("Pow", [base, exponent], output)

    def _piecewise(self, pieces: list, output):
        (value, condition), rest = pieces[0], pieces[1:]
        if condition == sp.true or not rest:
            return self.value(value)
        otherwise = self._piecewise(rest, None)
        return self.onnx.node("Where", [self.value(condition), self.value(value), otherwise], output)


# -- activations that ONNX and PyTorch both name, as SymPy formulas ----------------------------
def number(value) -> sp.Expr:
    """A Python number as SymPy holds it exactly: 0.01 as 1/100, which C prints back as 0.01."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r:.40}")
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(float(value)))


def gelu(x, approximate="none"):
    if approximate == "tanh":
        return x * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Float("0.044715") * x ** 3))) / 2
    if approximate != "none":
        raise TypeError(f"approximate={approximate!r}")
    return x * (1 + sp.erf(x / sp.sqrt(2))) / 2


def elu(x, alpha=1.0):
    return sp.Piecewise((x, x > 0), (number(alpha) * (sp.exp(x) - 1), True))


def leaky_relu(x, negative_slope=0.01):
    return sp.Piecewise((x, x > 0), (number(negative_slope) * x, True))


def softplus(x, beta=1.0, threshold=None):
    """log(1 + exp(beta x)) / beta, with log1p; PyTorch's is linear where beta x passes its threshold."""
    beta = number(beta)
    smooth = log1p(sp.exp(beta * x)) / beta
    return smooth if threshold is None else sp.Piecewise((x, beta * x > number(threshold)), (smooth, True))


def hard_sigmoid(x, alpha, beta):
    """max(0, min(1, alpha x + beta)) as a Piecewise (SymPy's derivative of Max of Min holds ITE)."""
    line = number(alpha) * x + number(beta)
    return sp.Piecewise((0, line <= 0), (1, line >= 1), (line, True))


# -- reading: each elementwise ONNX operator as the SymPy function it computes --------------
def _relu(a):
    return sp.Piecewise((a, a > 0), (0, True))


# An imported power's exponent, when a number, is at most this in its numerator and
# denominator: SymPy computes powers of numbers exactly (and (2·x)**n as 2**n · x**n), so a
# file's exponent of 2**50 would start a computation without end.
MAX_EXPONENT = 1024
# The digits an imported formula's exact numbers may have: float64's range and then some.
MAX_EXACT = 10 ** 400


def bounded_power(base, exponent):
    """``base ** exponent``, refused (ValueError) for a numeric exponent beyond MAX_EXPONENT."""
    if isinstance(exponent, sp.Rational) and max(abs(exponent.p), abs(exponent.q)) > MAX_EXPONENT:
        raise ValueError(f"the exponent {exponent}: symnet reads powers of at most {MAX_EXPONENT}")
    if isinstance(exponent, sp.Float) and abs(exponent) > MAX_EXPONENT:
        raise ValueError(f"the exponent {exponent}: symnet reads powers of at most {MAX_EXPONENT}")
    return base ** exponent


UNARY_IN = {op: function for function, op in UNARY_OUT.items()}
UNARY_IN.update({
    "Neg": lambda a: -a, "Reciprocal": lambda a: 1 / a, "Sqrt": sp.sqrt, "Identity": lambda a: a,
    "Sigmoid": lambda a: 1 / (1 + sp.exp(-a)), "Relu": _relu, "Not": sp.Not,
})
BINARY_IN = {
    "Add": lambda a, b: a + b, "Sub": lambda a, b: a - b, "Mul": lambda a, b: a * b, "Div": lambda a, b: a / b,
    "Pow": bounded_power, "Greater": sp.StrictGreaterThan, "GreaterOrEqual": sp.GreaterThan,
    "Less": sp.StrictLessThan, "LessOrEqual": sp.LessThan, "Equal": sp.Eq, "And": sp.And, "Or": sp.Or,
}
VARIADIC_IN = {"Max": sp.Max, "Min": sp.Min, "Sum": sp.Add}
# Operators of one tensor with attributes: (the activation's name, its attributes' defaults, formula).
ATTRIBUTED_IN = {
    "Gelu": ("gelu", {"approximate": "none"}, gelu),
    "Elu": ("elu", {"alpha": 1.0}, elu),
    "LeakyRelu": ("leaky_relu", {"alpha": 0.01}, lambda x, alpha: leaky_relu(x, alpha)),
    "Softplus": ("softplus", {}, softplus),
    "Softsign": ("softsign", {}, lambda x: x / (1 + sp.Abs(x))),
    "HardSigmoid": ("hard_sigmoid", {"alpha": 0.2, "beta": 0.5}, lambda x, alpha, beta: hard_sigmoid(x, alpha, beta)),
    "Selu": ("selu", {"alpha": 1.67326319217681884765625, "gamma": 1.05070102214813232421875},
             lambda x, alpha, gamma: number(gamma) * elu(x, alpha)),
}
# Where(condition, a, b): a where the condition holds, else b.
WHERE = "Where"
ELEMENTWISE_IN = set(UNARY_IN) | set(BINARY_IN) | set(VARIADIC_IN) | set(ATTRIBUTED_IN) | {WHERE}


def apply_in(op: str, args: list) -> sp.Basic:
    """The SymPy value of ONNX operator ``op`` applied to ``args`` (SymPy values)."""
    if op in UNARY_IN:
        return UNARY_IN[op](args[0])
    if op in BINARY_IN:
        return BINARY_IN[op](args[0], args[1])
    if op in VARIADIC_IN:
        return VARIADIC_IN[op](*args)
    condition, a, b = args
    return sp.Piecewise((a, condition), (b, True))
