"""Formulas: what a formula may contain, how NumPy evaluates it, and how it is read back.

A formula (an activation, a loss, a derivative) is a SymPy expression built from its
own real symbols, numbers, arithmetic, comparisons, ``Piecewise`` and the functions of
:data:`FUNCTIONS`: each of those has a C implementation (printed by the emitter) and a
NumPy one (here), so whatever declaration accepts, the compiled net and the reference
both compute. Anything else (an undefined ``Function('f')``, ``erfinv``, ``Sum``,
``Integral``, the imaginary unit, an infinite constant) is refused at declaration, with
the formula's owner and the offending piece named.

Nothing here evaluates text as code: :func:`evaluate` walks the expression tree and
calls, for each node it knows, the implementation a :class:`Backend` gives (NumPy's
here; PyTorch's in :mod:`symnet.export.torch`), and :func:`read_formula` parses a stored ``srepr``
with :mod:`ast` and builds only the classes of the allow-list from literal arguments.
"""

from __future__ import annotations

import ast
import math
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p
from sympy.core.function import AppliedUndef
from sympy.functions.elementary.piecewise import ExprCondPair

from .errors import FormulaError

# One NumPy implementation per supported SymPy function; the C99 printer knows the C one
# (exp -> exp/expf, Abs -> fabs, Max -> fmax, sign -> a comparison, ...). fmax and fmin,
# not maximum and minimum, because C's fmax ignores a NaN argument as they do. log1p(u),
# SymPy's codegen function for log(1 + u), keeps the digits of a tiny u that 1 + u rounds
# away (the binary cross-entropy's log(1 + exp(-|z|)) for large |z|).
_erf = np.vectorize(math.erf, otypes=[float])
_erfc = np.vectorize(math.erfc, otypes=[float])
FUNCTIONS = {
    sp.exp: np.exp, sp.log: np.log, log1p: np.log1p,
    sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.asin: np.arcsin, sp.acos: np.arccos, sp.atan: np.arctan, sp.atan2: np.arctan2,
    sp.sinh: np.sinh, sp.cosh: np.cosh, sp.tanh: np.tanh,
    sp.asinh: np.arcsinh, sp.acosh: np.arccosh, sp.atanh: np.arctanh,
    sp.erf: _erf, sp.erfc: _erfc,
    sp.Abs: np.abs, sp.sign: np.sign, sp.floor: np.floor, sp.ceiling: np.ceil,
    sp.Max: lambda *args: fold(np.fmax, args), sp.Min: lambda *args: fold(np.fmin, args),
    sp.Heaviside: lambda x, h0=0.5: np.heaviside(x, h0),
}
RELATIONS = {
    sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
    sp.StrictLessThan: np.less, sp.LessThan: np.less_equal,
    sp.Equality: np.equal, sp.Unequality: np.not_equal,
}
LOGIC = {sp.And: np.logical_and, sp.Or: np.logical_or}
# Named constants a formula may use; each becomes a floating literal in C.
CONSTANTS = {"pi": sp.pi, "E": sp.E, "EulerGamma": sp.EulerGamma, "GoldenRatio": sp.GoldenRatio,
             "Catalan": sp.Catalan, "true": sp.true, "false": sp.false}
# The largest value a float64 holds; a constant beyond it is refused.
FLOAT64_MAX = float(np.finfo(np.float64).max)
# Bounds on a formula's tree: deeper or larger ones are refused before anything walks them
# recursively (SymPy's own printers and differentiation recurse).
MAX_DEPTH = 100
MAX_NODES = 5000


def fold(function, args):
    """``function(function(args[0], args[1]), args[2]) ...``: a binary operation over all ``args``."""
    result = args[0]
    for arg in args[1:]:
        result = function(result, arg)
    return result


def supported_names() -> list[str]:
    """The names of the functions a formula may use, for error messages and the README."""
    return sorted(function.__name__ for function in FUNCTIONS)


def _walk(expr: sp.Basic, what: str):
    """Every node of ``expr`` once per occurrence, depth first, within MAX_DEPTH and MAX_NODES."""
    stack, count = [(expr, 1)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            raise FormulaError(f"{what}: the formula is too large (at most {MAX_NODES} nodes, "
                               f"{MAX_DEPTH} levels deep)")
        yield node
        stack.extend((arg, depth + 1) for arg in reversed(node.args))


def unsupported_part(expr: sp.Basic, symbols) -> str | None:
    """A description of the first part of ``expr`` that symnet cannot compute, or None."""
    for node in _walk(expr, "formula"):
        problem = _node_problem(node, symbols)
        if problem:
            return problem
    return None


def _node_problem(node: sp.Basic, symbols) -> str | None:
    if isinstance(node, sp.Symbol):
        return None if node in symbols else f"the free symbol {node} besides its inputs ({', '.join(map(str, symbols))})"
    if isinstance(node, AppliedUndef):
        return f"the undefined function {type(node).__name__!r} (use SymPy's functions: {', '.join(supported_names())})"
    if node is sp.I:
        return "the imaginary unit I (formulas are real)"
    if node in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return f"the constant {node} (not a finite number)"
    if isinstance(node, (sp.Integer, sp.Rational, sp.Float)):
        if not math.isfinite(float(node)) or abs(float(node)) > FLOAT64_MAX:
            return f"the constant {_short(node)}, which overflows float64"
        return None
    if isinstance(node, sp.NumberSymbol) and str(node) in CONSTANTS:
        return None
    if node.func in FUNCTIONS or node.func in RELATIONS or node.func in LOGIC:
        return None
    if isinstance(node, sp.Piecewise) and node.args[-1].cond != sp.true:
        return f"a Piecewise without a last branch for every other case ({_short(node)}: end it with (value, True))"
    if isinstance(node, (sp.Add, sp.Mul, sp.Pow, sp.Piecewise, ExprCondPair, sp.Not)) or node in (sp.true, sp.false):
        return None
    if isinstance(node, sp.Function):
        return (f"the function {node.func.__name__}, which symnet cannot compute in C and NumPy "
                f"(supported: {', '.join(supported_names())})")
    return f"{type(node).__name__} ({_short(node)}), which symnet cannot compute in C and NumPy"


def _short(node) -> str:
    text = str(node)
    return text if len(text) <= 60 else text[:57] + "..."


def check_formula(expr, symbols: tuple[sp.Symbol, ...], what: str) -> sp.Expr:
    """``expr`` as a SymPy expression in ``symbols`` that symnet can compute, or a FormulaError.

    Accepts a SymPy expression or a Python number; refuses any other object, a free symbol
    besides ``symbols``, any function not in :data:`FUNCTIONS`, and any constant (a number,
    or a constant part such as ``exp(1000)`` or ``log(-1)``) that is not a finite float64.
    """
    if isinstance(expr, bool) or not isinstance(expr, (sp.Expr, int, float)):
        raise FormulaError(f"{what}: the formula must be a SymPy expression, got {type(expr).__name__}")
    if isinstance(expr, (int, float)):
        expr = sp.Integer(expr) if isinstance(expr, int) else sp.Float(expr)
    problem = unsupported_part(expr, symbols)
    if problem:
        raise FormulaError(f"{what}: the formula {_short(expr)} uses {problem}")
    for part in constant_parts(expr):
        value = part.evalf(20)
        if not value.is_real or not value.is_finite or abs(float(value)) > FLOAT64_MAX:
            raise FormulaError(f"{what}: the constant part {_short(part)} of the formula is {_short(value)}, "
                               f"not a finite real float64")
    return expr


def constant_parts(expr: sp.Expr) -> list[sp.Expr]:
    """The largest parts of ``expr`` without symbols that are not plain numbers: ``exp(2)``,
    ``sqrt(2)``, ``pi/4``. C gets each as one floating literal. The choices and conditions of
    a ``Piecewise`` (pairs and relations, not expressions) are searched too: ``acos(2)`` in
    one is as complex as anywhere else."""
    if isinstance(expr, (sp.Integer, sp.Rational, sp.Float)) or not isinstance(expr, sp.Basic):
        return []
    if isinstance(expr, sp.Expr) and not expr.free_symbols:
        return [expr]
    return [part for arg in expr.args for part in constant_parts(arg)]


def fold_constants(expr: sp.Expr) -> sp.Expr:
    """Each part of ``expr`` without symbols (``exp(2)``, ``sqrt(2)/2``, ``pi``) as one
    float64 number: C gets it as one literal, and NumPy evaluates it once, not per call."""
    parts = constant_parts(expr)
    return expr.xreplace({part: sp.Float(part.evalf(17), 17) for part in parts}) if parts else expr


@dataclass(frozen=True)
class Backend:
    """How :func:`evaluate` computes over one kind of array: an implementation of every
    class a formula may hold (``functions``: those of :data:`FUNCTIONS`, :data:`RELATIONS`,
    :data:`LOGIC`, and ``Not``), of sums, products and powers, of constants, and of a
    ``Piecewise`` (``select``: the first choice whose condition holds, NaN where none does)."""

    functions: dict
    add: Callable
    multiply: Callable
    power: Callable
    number: Callable
    boolean: Callable
    select: Callable


def _numpy_select(conditions: list, choices: list):
    conditions = [np.asarray(condition, dtype=bool) for condition in conditions]
    choices = [np.asarray(choice, dtype=np.float64) for choice in choices]
    shape = np.broadcast_shapes(*(a.shape for a in conditions + choices))
    return np.select([np.broadcast_to(c, shape) for c in conditions],
                     [np.broadcast_to(c, shape) for c in choices], np.nan)


NUMPY = Backend(functions={**FUNCTIONS, **RELATIONS, **LOGIC, sp.Not: np.logical_not}, add=np.add,
                multiply=np.multiply, power=lambda base, exponent: np.power(np.asarray(base, dtype=np.float64), exponent),
                number=np.float64, boolean=np.bool_, select=_numpy_select)


def evaluate(expr: sp.Basic, values: dict, backend: Backend = NUMPY):
    """``expr`` evaluated over arrays: ``values`` maps each symbol to an array.

    A tree walk over the supported nodes only (see :data:`FUNCTIONS`), each computed by
    ``backend`` (NumPy in float64 by default).
    """
    if isinstance(expr, sp.Symbol):
        return values[expr]
    if not expr.free_symbols and isinstance(expr, sp.Expr):
        return backend.number(float(expr))
    if expr in (sp.true, sp.false):
        return backend.boolean(expr == sp.true)
    if isinstance(expr, sp.Piecewise):
        return backend.select([evaluate(condition, values, backend) for _, condition in expr.args],
                              [evaluate(value, values, backend) for value, _ in expr.args])
    args = [evaluate(arg, values, backend) for arg in expr.args]
    if isinstance(expr, sp.Add):
        return fold(backend.add, args)
    if isinstance(expr, sp.Mul):
        return fold(backend.multiply, args)
    if isinstance(expr, sp.Pow):
        return backend.power(*args)
    function = backend.functions.get(expr.func)
    if function is None:
        raise FormulaError(f"cannot evaluate {type(expr).__name__} ({_short(expr)})")
    return function(*args)


def numpy_function(expr: sp.Expr, *symbols: sp.Symbol):
    """A NumPy function of ``symbols`` evaluating ``expr`` in float64, broadcast to its
    inputs' shape (so a constant derivative still gives a full array)."""
    expr = fold_constants(expr)

    def run(*arrays):
        arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
        with np.errstate(all="ignore"):
            result = evaluate(expr, dict(zip(symbols, arrays)))
        return np.broadcast_to(np.asarray(result, dtype=np.float64), np.broadcast(*arrays).shape)

    return run


# -- reading a stored formula ------------------------------------------------------------
# The classes a stored srepr may call, by the name srepr writes.
CALLABLE = {cls.__name__: cls for cls in (*FUNCTIONS, *RELATIONS, *LOGIC)}
CALLABLE.update(Add=sp.Add, Mul=sp.Mul, Pow=sp.Pow, Piecewise=sp.Piecewise, ExprCondPair=ExprCondPair, Not=sp.Not)
MAX_TEXT = 100_000
_FLOAT_TEXT = set("0123456789.e+-")


def read_formula(text: str, symbols: tuple[sp.Symbol, ...], what: str) -> sp.Expr:
    """The formula stored as ``text`` (SymPy's ``srepr``), read without evaluating any code.

    ``text`` is parsed by :mod:`ast` and walked: only calls of the classes SymPy's srepr
    writes for supported formulas, with literal arguments where a literal belongs
    (``Integer(2)``, ``Rational(1, 3)``, ``Float('0.5', precision=53)``,
    ``Symbol('x', real=True)`` for one of ``symbols``) and nested calls everywhere else.
    The result is then held to :func:`check_formula`. Anything else is a FormulaError
    naming ``what``.
    """
    if not isinstance(text, str) or not text or len(text) > MAX_TEXT:
        raise FormulaError(f"{what}: expected a stored formula (text of at most {MAX_TEXT} characters)")
    try:
        # A tampered text may hold what Python's parser warns of (an invalid escape in a
        # string): the reader refuses or reads it below, so the parser's warning is not the user's.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise FormulaError(f"{what}: not a stored formula ({type(error).__name__})") from None
    reader = _Reader({str(symbol): symbol for symbol in symbols}, what)
    try:
        expr = reader.build(tree.body, 1)
    except FormulaError:
        raise
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError, MemoryError) as error:
        raise FormulaError(f"{what}: not a valid formula ({type(error).__name__}: {_short(error)})") from None
    return check_formula(expr, symbols, what)


def _float_in_range(text: str) -> bool:
    """True for the text of a number within float64's range (or 0): SymPy keeps a Float's
    exponent exactly, and functions of 1e100000000 take minutes to evaluate."""
    try:
        value = float(text)
    except ValueError:
        return False
    if not math.isfinite(value):
        return False
    try:
        return value != 0 or float(text.lower().split("e")[0]) == 0   # 0, not an underflow to 0
    except ValueError:
        return False


def _constant(node: ast.AST):
    """The value of a literal (``2``, ``-1``, ``'x'``, ``True``), or None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and type(node.operand.value) is int:
        return -node.operand.value
    return node.value if isinstance(node, ast.Constant) else None


class _Reader:
    """Builds SymPy objects from an ``ast`` tree of a stored srepr (see :func:`read_formula`)."""

    def __init__(self, symbols: dict, what: str):
        self.symbols = symbols
        self.what = what
        self.nodes = 0

    def refuse(self, reason: str):
        raise FormulaError(f"{self.what}: not a stored formula: {reason}")

    def build(self, node: ast.AST, depth: int):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            self.refuse(f"too large (at most {MAX_NODES} nodes, {MAX_DEPTH} levels deep)")
        if isinstance(node, ast.Name):
            if node.id not in CONSTANTS:
                self.refuse(f"unknown name {node.id[:40]!r}")
            return CONSTANTS[node.id]
        if isinstance(node, ast.Tuple):   # Piecewise's (value, condition) pairs
            return tuple(self.build(item, depth + 1) for item in node.elts)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            self.refuse(f"unexpected {type(node).__name__}")
        name = node.func.id
        if name in ("Integer", "Rational", "Float", "Symbol"):
            return self.literal(name, node)
        if name not in CALLABLE:
            self.refuse(f"unknown class {name[:40]!r}")
        if node.keywords:
            self.refuse(f"{name} takes no keywords")
        args = [self.build(arg, depth + 1) for arg in node.args]
        if name == "Pow":
            self.check_power(args)
        elif CALLABLE[name] in FUNCTIONS and any(isinstance(arg, sp.Expr) and not arg.free_symbols for arg in args):
            self.check_small_constants(name, args)
        return CALLABLE[name](*args)

    def literal(self, name: str, node: ast.Call):
        values = [_constant(arg) for arg in node.args]
        keywords = {k.arg: _constant(k.value) for k in node.keywords}
        if name == "Integer" and len(values) == 1 and type(values[0]) is int and not keywords:
            if abs(values[0]) > 10 ** 309:
                self.refuse("an integer beyond float64's range")
            return sp.Integer(values[0])
        if name == "Rational" and len(values) == 2 and all(type(v) is int for v in values) and not keywords:
            if values[1] == 0 or max(abs(v) for v in values) > 10 ** 309:
                self.refuse("a rational with a zero or huge part")
            return sp.Rational(values[0], values[1])
        if (name == "Float" and len(values) == 1 and type(values[0]) is str and 0 < len(values[0]) <= 40
                and set(values[0].lower()) <= _FLOAT_TEXT and _float_in_range(values[0]) and set(keywords) <= {"precision"}
                and type(keywords.get("precision", 53)) is int and 1 <= keywords.get("precision", 53) <= 256):
            return sp.Float(values[0], precision=keywords.get("precision", 53))
        if name == "Symbol" and len(values) == 1 and values[0] in self.symbols and keywords == {"real": True}:
            return self.symbols[values[0]]
        self.refuse(f"a malformed {name}(...)")

    def check_power(self, args):
        """A power of numbers is computed exactly by SymPy: keep it within float64's range.
        A power of a symbol stays symbolic, as at declaration, whatever its exponent."""
        if len(args) != 2:
            self.refuse("Pow takes two arguments")
        base, exponent = args
        if base.free_symbols or exponent.free_symbols:
            return
        # A power of numbers is computed exactly: its base a plain number or constant, and
        # the result within float64's range (10**308), so no exact power grows without bound.
        if isinstance(exponent, sp.Rational):
            # about |log10| of the base: its larger part's digits, or its value (its own parts
            # were held to these bounds when they were built)
            if isinstance(base, sp.Rational):
                digits = max(len(str(abs(base.p))), len(str(base.q))) - 1
            else:
                value = abs(complex(base.evalf(20)))
                if not math.isfinite(value):
                    self.refuse("a power of numbers beyond float64's range")
                digits = abs(math.log10(value)) if value > 0 else 0
            if max(abs(exponent.p), abs(exponent.q)) > 1024 or abs(exponent) * digits > 400:
                self.refuse("a power of numbers beyond float64's range")

    def check_small_constants(self, name: str, args):
        """SymPy evaluates some functions of exact numbers exactly (a factorial for a large
        integer's loggamma): their exact arguments stay small."""
        for arg in args:
            for node in sp.preorder_traversal(arg):
                if (isinstance(node, sp.Rational) and max(abs(node.p), abs(node.q)) > 10 ** 6) \
                        or (isinstance(node, sp.Float) and abs(node) > 10 ** 6):
                    self.refuse(f"{name} of a huge number")
