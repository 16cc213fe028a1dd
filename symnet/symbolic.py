"""Symbolic helpers shared by the layers and the derivation.

The central piece is :func:`derivative_in_output`: given an elementwise function
``y = f(x)`` it differentiates ``f`` and, where that is possible, rewrites ``f'(x)`` as
an expression in the output ``y`` alone (the sigmoid's ``y*(1 - y)``, the tanh's
``1 - y**2``, the ReLU's step). It works for any formula, not a table of known ones:
it tries several rewrites, keeps only those that agree with ``f'(x)`` when ``y = f(x)``
is substituted back at many sample points, and picks the simplest.
"""

from __future__ import annotations

import functools
import math

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.printing.str import StrPrinter

# Sample inputs used to confirm a rewrite; irrational-ish values so no sample sits on a
# kink (0) or a pole of a common formula.
_SAMPLES = (-6.3, -3.7, -2.2, -1.31, -0.77, -0.29, 0.13, 0.41, 0.86, 1.47, 2.53, 4.1, 7.2)
# Formulas larger than this are not handed to the equation solver, which can take
# unbounded time on large expressions; their derivative stays in terms of x.
_MAX_SOLVE_OPS = 40


def real_symbol(name: str) -> sp.Symbol:
    """A real SymPy symbol (so that ``Abs`` differentiates to ``sign`` and so on)."""
    return sp.Symbol(name, real=True)


def check_elementwise(expr, allowed: tuple[sp.Symbol, ...], what: str) -> sp.Expr:
    """Return ``expr`` as a SymPy expression whose only free symbols are ``allowed``.

    Raises ValueError naming ``what`` when the formula is not an expression or has
    another free symbol.
    """
    try:
        expr = sp.sympify(expr, strict=True)
    except (sp.SympifyError, TypeError) as error:
        raise ValueError(f"{what}: the formula is not a SymPy expression ({error})") from None
    if not isinstance(expr, sp.Expr):
        raise ValueError(f"{what}: the formula must be a SymPy expression, got {type(expr).__name__}")
    stray = sorted(str(s) for s in expr.free_symbols - set(allowed))
    if stray:
        names = ", ".join(str(s) for s in allowed)
        raise ValueError(f"{what}: the formula has free symbols {stray} besides its inputs ({names})")
    return expr


def differentiate(expr: sp.Expr, wrt: sp.Symbol, what: str) -> sp.Expr:
    """``d expr / d wrt``, raising ValueError naming ``what`` if SymPy cannot do it."""
    derivative = sp.diff(expr, wrt)
    if derivative.has(sp.Derivative, sp.Subs):
        raise ValueError(f"{what}: SymPy cannot differentiate the formula {expr} with respect to {wrt}")
    if derivative.has(sp.nan, sp.zoo):
        raise ValueError(f"{what}: the derivative of {expr} is undefined ({derivative})")
    return derivative


def _numeric(expr: sp.Expr, symbol: sp.Symbol, value: float) -> complex | None:
    try:
        result = complex(expr.subs(symbol, value).evalf())
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not (math.isfinite(result.real) and math.isfinite(result.imag)):
        return None
    return result


def _agrees(candidate: sp.Expr, derivative: sp.Expr, f: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> bool:
    """True if ``candidate(y = f(x))`` equals ``derivative(x)`` at the sample points."""
    checked = 0
    for value in _SAMPLES:
        expected = _numeric(derivative, x, value)
        output = _numeric(f, x, value)
        if expected is None or output is None or abs(expected.imag) > 1e-12 or abs(output.imag) > 1e-12:
            continue  # outside the formula's real domain
        got = _numeric(candidate, y, output.real)
        if got is None or abs(got - expected) > 1e-9 * max(1.0, abs(expected)):
            return False
        checked += 1
    return checked >= 3


def _generators(f: sp.Expr, x: sp.Symbol) -> list[sp.Expr]:
    """Subexpressions of f that depend on x, smallest first: candidates to solve for."""
    found = {node for node in sp.preorder_traversal(f) if isinstance(node, sp.Expr) and node.has(x)}
    return sorted(found, key=lambda node: (sp.count_ops(node), sp.default_sort_key(node)))


def _rewrites(derivative: sp.Expr, f: sp.Expr, x: sp.Symbol, y: sp.Symbol):
    """Yield candidate expressions for ``derivative`` written in ``y``."""
    # 1. f itself may occur in its derivative (tanh' = 1 - tanh**2).
    structural = derivative.subs(f, y)
    yield structural
    if sp.count_ops(f) > _MAX_SOLVE_OPS:
        return
    # 2. Solve y = f for one of f's x-dependent parts g, and put g(y) into the
    #    derivative (sigmoid: exp(-x) = (1 - y)/y).
    u = sp.Dummy("u")
    for generator in _generators(f, x):
        in_u = f.subs(generator, u)
        if in_u.has(x):
            continue
        try:
            solutions = sp.solve(sp.Eq(y, in_u), u)
        except (NotImplementedError, ValueError, TypeError):
            continue
        for solution in solutions:
            for start in (structural, derivative):
                if generator == x:
                    yield start.subs(x, solution)
                else:
                    yield start.subs(generator, solution)


def _simplest_in_output(derivative: sp.Expr, f: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> sp.Expr | None:
    best = None
    for candidate in _rewrites(derivative, f, x, y):
        if candidate.has(x):
            continue
        candidate = sp.factor_terms(sp.simplify(candidate))
        if candidate.has(x) or candidate.has(sp.nan, sp.zoo):
            continue
        if not _agrees(candidate, derivative, f, x, y):
            continue
        if best is None or sp.count_ops(candidate) < sp.count_ops(best):
            best = candidate
    return best


def _piecewise_in_output(f: sp.Piecewise, x: sp.Symbol, y: sp.Symbol) -> sp.Expr | None:
    """Rewrite the derivative of a piecewise f branch by branch.

    Each branch's derivative is rewritten with that branch's formula, and its condition
    on x becomes one on y through the branch's inverse (ReLU: x > 0 becomes y > 0).
    """
    branches = list(f.args)
    # Piecewise((c, cond), (g, True)) is rewritten as Piecewise((g, ~cond), (c, True)) so
    # that the constant branch, which has no inverse, comes last.
    if len(branches) == 2 and not branches[0].expr.has(x) and branches[1].cond == sp.true:
        branches = [(branches[1].expr, sp.Not(branches[0].cond)), (branches[0].expr, sp.true)]
    pieces = []
    for index, (expr, cond) in enumerate(branches):
        slope = sp.diff(expr, x)
        if slope.has(x):
            slope = _simplest_in_output(slope, expr, x, y)
            if slope is None:
                return None
        if cond != sp.true and cond.has(x):
            if not expr.has(x):
                return None
            inverses = [] if sp.count_ops(expr) > _MAX_SOLVE_OPS else sp.solve(sp.Eq(y, expr), x)
            if len(inverses) != 1:
                return None
            cond = cond.subs(x, inverses[0])
        pieces.append((slope, cond))
        if cond == sp.true and index < len(branches) - 1:
            break
    return sp.Piecewise(*pieces)


@functools.lru_cache(maxsize=256)
def derivative_in_output(f: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> tuple[sp.Expr, bool]:
    """Differentiate ``y = f(x)`` and rewrite the derivative in terms of ``y`` if possible.

    Returns ``(derivative, in_output)``: the derivative as an expression in ``y`` with
    ``in_output=True`` when a rewrite was found and confirmed, else the plain ``f'(x)``
    with ``in_output=False``. ``f`` must already be differentiable (see
    :func:`differentiate`).
    """
    if isinstance(f, (sp.Max, sp.Min)) or f.has(sp.Max, sp.Min, sp.Heaviside):
        f = f.rewrite(sp.Piecewise)
    derivative = sp.diff(f, x)
    if not derivative.has(x):
        return derivative, False
    candidate = None
    if isinstance(f, sp.Piecewise):
        candidate = _piecewise_in_output(f, x, y)
        if candidate is not None and not _agrees(candidate, derivative, f, x, y):
            candidate = None
    else:
        candidate = _simplest_in_output(derivative, f, x, y)
    if candidate is None:
        return derivative, False
    return candidate, True


class WindowMax(ExprWithLimits):
    """The maximum of an indexed expression over a window: ``max_{u<2, v<2} x[...]``."""

    def _latex(self, printer):
        limits = ", ".join(f"{printer._print(i)} < {printer._print(hi + 1)}" for i, lo, hi in self.limits)
        return rf"\max_{{{limits}}} {printer._print(self.function)}"

    def doit(self, **hints):
        """Expand the window into ``Max`` of its terms (the limits must be numbers)."""
        terms = [self.function]
        for symbol, low, high in self.limits:
            terms = [term.subs(symbol, value) for term in terms for value in range(int(low), int(high) + 1)]
        return sp.Max(*terms)


class TextPrinter(StrPrinter):
    """Plain-text printing of derivations: sums as Σ, Kronecker deltas as [a = b]."""

    def _limits(self, expr) -> str:
        return ", ".join(f"{self._print(i)}<{self._print(hi + 1)}" for i, lo, hi in expr.limits)

    def _print_Sum(self, expr):
        return f"Σ_{{{self._limits(expr)}}} {self.parenthesize(expr.function, 60)}"

    def _print_WindowMax(self, expr):
        return f"max_{{{self._limits(expr)}}} {self._print(expr.function)}"

    def _print_KroneckerDelta(self, expr):
        return f"[{self._print(expr.args[0])} = {self._print(expr.args[1])}]"

    def _print_Piecewise(self, expr):
        parts = []
        for value, cond in expr.args:
            if cond == sp.true:
                parts.append(self._print(value))
            else:
                parts.append(f"{self._print(value)} if {self._print(cond)} else")
        return "(" + " ".join(parts) + ")"

    def _print_Indexed(self, expr):
        return f"{self._print(expr.base)}[{', '.join(self._print(i) for i in expr.indices)}]"


def text(expr) -> str:
    """Readable one-line text of a SymPy expression."""
    return TextPrinter().doprint(expr)


def latex(expr) -> str:
    """LaTeX of a SymPy expression."""
    return sp.latex(expr)
