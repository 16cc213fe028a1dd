"""Symbolic helpers shared by the layers and the derivation.

The central piece is :func:`derivative_in_output`: given an elementwise function
``y = f(x)`` it differentiates ``f`` and, where that is possible, rewrites ``f'(x)`` as
an expression in the output ``y`` alone (the sigmoid's ``y*(1 - y)``, the tanh's
``1 - y**2``, the ReLU's step). It works for any formula, not a table of known ones:
it tries several rewrites, keeps only those that agree with ``f'(x)`` when ``y = f(x)``
is substituted back at many sample points, and picks the simplest.
"""

from __future__ import annotations

import contextlib
import functools
import math
import signal
import threading
import warnings

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.printing.str import StrPrinter

from .errors import FormulaError
from .formulas import unsupported_part

# Sample inputs used to confirm a rewrite; irrational-ish values so no sample sits on a
# kink (0) or a pole of a common formula.
_SAMPLES = (-6.3, -3.7, -2.2, -1.31, -0.77, -0.29, 0.13, 0.41, 0.86, 1.47, 2.53, 4.1, 7.2)
# Formulas larger than this are not handed to the equation solver, which can take
# unbounded time on large expressions; their derivative stays in terms of x.
_MAX_SOLVE_OPS = 40
# The rewrite search's budget is counted in work, so that its result does not depend on
# the machine or its load: distinct candidates tried and their size before simplify().
# A wall-clock limit remains as a safety net for formulas these bounds do not tame; no
# formula symnet ships or tests comes near it, and when it fires a warning says so.
_MAX_CANDIDATES = 32
_MAX_CANDIDATE_OPS = 60
SEARCH_SECONDS = 30.0
# What SymPy raises when a rewrite cannot be carried out; the search then skips that
# candidate (it is a search: any candidate may fail, and another may succeed).
_SYMPY_FAILURES = (TypeError, ValueError, NotImplementedError, ZeroDivisionError, AttributeError, RecursionError)
# solve() without checking or simplifying its solutions: each candidate is confirmed
# numerically instead, and checking the roots of exp(30*u) = y alone takes minutes.
_SOLVE = {"check": False, "simplify": False, "rational": False}


def real_symbol(name: str) -> sp.Symbol:
    """A real SymPy symbol (so that ``Abs`` differentiates to ``sign`` and so on)."""
    return sp.Symbol(name, real=True)


def differentiate(expr: sp.Expr, wrt: sp.Symbol, what: str) -> sp.Expr:
    """``d expr / d wrt``, in functions symnet computes, or a ValueError naming ``what``.

    Steps and rounding (sign, Heaviside, floor, ceiling) have derivative 0 wherever they
    have one, as in PyTorch: SymPy's DiracDelta, and its unevaluated derivatives of floor
    and ceiling, become 0.
    """
    derivative = sp.diff(expr, wrt)
    derivative = derivative.replace(lambda node: isinstance(node, sp.DiracDelta), lambda node: sp.Integer(0))
    steps = [node for node in sp.preorder_traversal(derivative)
             if isinstance(node, (sp.Derivative, sp.Subs)) and _is_step(node)]
    derivative = derivative.xreplace({node: sp.Integer(0) for node in steps})  # outermost first
    if derivative.has(sp.Derivative, sp.Subs):
        raise FormulaError(f"{what}: SymPy cannot differentiate the formula {expr} with respect to {wrt}")
    if derivative.has(sp.nan, sp.zoo):
        raise FormulaError(f"{what}: the derivative of {expr} is undefined ({derivative})")
    problem = unsupported_part(derivative, tuple(derivative.free_symbols))
    if problem:
        raise FormulaError(f"{what}: the derivative of {expr} with respect to {wrt} uses {problem}")
    return derivative


def _is_step(node: sp.Basic) -> bool:
    """True for SymPy's unevaluated derivative of floor or ceiling (0 wherever it exists)."""
    inner = node.expr
    while isinstance(inner, (sp.Derivative, sp.Subs)):
        inner = inner.expr
    return isinstance(inner, (sp.floor, sp.ceiling))


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
        if in_u.has(x) or _high_power(in_u):
            continue
        try:
            solutions = sp.solve(sp.Eq(y, in_u), u, **_SOLVE)
        except (NotImplementedError, ValueError, TypeError):
            continue
        for solution in solutions:
            if solution.has(sp.I, sp.nan, sp.zoo, sp.oo):
                continue  # a complex root (the real one is among the others), or none
            for start in (structural, derivative):
                try:
                    yield start.subs(generator, solution)
                except _SYMPY_FAILURES:
                    continue  # SymPy cannot put this solution in (a NaN comparison in a Piecewise, ...)


def _high_power(expr: sp.Expr) -> bool:
    """True if ``expr`` raises something to a power with a numerator or denominator past 16:
    solving it means finding that many roots (x**(2**40) once took a second per formula)."""
    return any(isinstance(node, sp.Pow) and node.exp.is_Rational and max(abs(node.exp.p), abs(node.exp.q)) > 16
               for node in sp.preorder_traversal(expr))


def _simplest_in_output(derivative: sp.Expr, f: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> sp.Expr | None:
    """The simplest confirmed rewrite of ``derivative`` in ``y``, or None.

    Candidates are gathered first (at most _MAX_CANDIDATES distinct ones), then simplified
    in order: algebraic in y before those that apply a function to y (1 - y**2 costs a
    multiply in C, 1/cosh(log(...))**2 three library calls), smaller before larger. Once
    an algebraic rewrite is confirmed the others are not simplified: they cannot win, and
    simplifying them is most of the search's time.
    """
    candidates = []
    for candidate in _rewrites(derivative, f, x, y):
        if candidate in candidates:
            continue
        if len(candidates) >= _MAX_CANDIDATES:
            break
        candidates.append(candidate)
    candidates = [candidate for candidate in candidates
                  if not candidate.has(x) and sp.count_ops(candidate) <= _MAX_CANDIDATE_OPS
                  and unsupported_part(candidate, (y,)) is None]  # erf' through erfinv(y): C has none
    candidates.sort(key=lambda candidate: (_applies_function(candidate, y), sp.count_ops(candidate),
                                           sp.default_sort_key(candidate)))
    best = None
    for candidate in candidates:
        if best is not None and _applies_function(candidate, y) > _applies_function(best, y):
            break
        try:
            candidate = sp.factor_terms(sp.simplify(candidate))
            if candidate.has(x) or candidate.has(sp.nan, sp.zoo) or unsupported_part(candidate, (y,)) is not None:
                continue
            if not _agrees(candidate, derivative, f, x, y):
                continue
        except _SYMPY_FAILURES:
            continue
        if best is None or _rank(candidate, y) < _rank(best, y):
            best = candidate
    return best


def _applies_function(expr: sp.Expr, y: sp.Symbol) -> bool:
    """True if ``expr`` applies a function (exp, cosh, a Piecewise, ...) to something in y."""
    return any(isinstance(node, sp.Function) and node.has(y) for node in sp.preorder_traversal(expr))


def _rank(expr: sp.Expr, y: sp.Symbol) -> tuple:
    """Order of preference among confirmed rewrites: algebraic first, then fewest operations."""
    return _applies_function(expr, y), sp.count_ops(expr)


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
            inverses = [] if sp.count_ops(expr) > _MAX_SOLVE_OPS else sp.solve(sp.Eq(y, expr), x, **_SOLVE)
            if len(inverses) != 1 or unsupported_part(inverses[0], (y,)) is not None:
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

    The search is bounded by the size and number of candidates, so its result is the
    same on any machine; SEARCH_SECONDS of wall-clock time is a safety net past which the
    derivative stays in terms of x, with a warning.
    """
    if isinstance(f, (sp.Max, sp.Min)) or f.has(sp.Max, sp.Min, sp.Heaviside):
        f = f.rewrite(sp.Piecewise)
    derivative = differentiate(f, x, "formula")
    if not derivative.has(x):
        return derivative, False
    candidate = None
    try:
        with _time_limit(SEARCH_SECONDS):
            if isinstance(f, sp.Piecewise):
                candidate = _piecewise_in_output(f, x, y)
                if candidate is not None and not _agrees(candidate, derivative, f, x, y):
                    candidate = None
            else:
                candidate = _simplest_in_output(derivative, f, x, y)
    except _OutOfTime:
        warnings.warn(f"the rewrite of the derivative of {f} in its output stopped after {SEARCH_SECONDS:g} s; "
                      "it stays in terms of the input", stacklevel=2)
        candidate = None
    except _SYMPY_FAILURES:
        candidate = None
    if candidate is None:
        return derivative, False
    return candidate, True


def simplest(expr: sp.Expr, symbols: tuple[sp.Symbol, ...]) -> sp.Expr:
    """``sp.simplify(expr)`` if it stays in supported functions, else ``expr`` unchanged;
    also unchanged, with a warning, if simplify runs past the SEARCH_SECONDS safety net."""
    try:
        with _time_limit(SEARCH_SECONDS):
            simpler = sp.simplify(expr)
    except _OutOfTime:
        warnings.warn(f"simplifying {expr} stopped after {SEARCH_SECONDS:g} s; it is kept as derived", stacklevel=2)
        return expr
    return simpler if unsupported_part(simpler, symbols) is None else expr


class _OutOfTime(BaseException):
    """Raised by the timer of :func:`_time_limit`; a BaseException so that no
    ``except Exception`` inside SymPy swallows it."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _OutOfTime in the block after ``seconds``. A timer signal is the only way to
    stop SymPy mid-computation; it exists in the main thread only, so elsewhere the block
    runs unbounded except by the search's own size limits."""
    if (threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer")
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):   # not ours to take over
        yield
        return

    def expire(signum, frame):
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
