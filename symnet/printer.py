"""Print: SymPy formulas as C99 statements and comments, for the emitter.

:class:`CPrinter` is SymPy's C99 printer with the few nodes of symnet's own: indexed
tensors as flat arrays with constant strides, Kronecker deltas as comparisons, piecewise
functions as one-line conditionals, and every constant as a literal of the net's dtype.
:func:`elementwise` turns a formula into statements (constants folded, common
subexpressions first, small powers as products); :func:`comment` makes any text safe
inside a C comment.
"""

from __future__ import annotations

import math
import re

import numpy as np
import sympy as sp
from sympy.codegen.ast import float32, float64, real
from sympy.printing.c import C99CodePrinter

from .errors import FormulaError
from .formulas import fold_constants

DTYPES = {"float32": ("float", float32), "float64": ("double", float64)}


class CPrinter(C99CodePrinter):
    """C99 for symnet's formulas: indexed tensors as flat arrays with constant strides,
    Kronecker deltas as comparisons, piecewise functions as one-line conditionals."""

    def __init__(self, dtype: str, arrays: dict | None = None, names: dict | None = None,
                 arithmetic: str | None = None, own_exp: bool = False):
        # arithmetic: the type the C computes in (its functions and literals), the net's dtype
        # unless a formula needs more (a loss's gradient, where float's 1 - p cancels); the
        # constants are checked against the net's dtype either way.
        super().__init__({"type_aliases": {real: DTYPES[arithmetic or dtype][1]}, "math_macros": {}})
        self.dtype = dtype
        self.arrays = arrays or {}   # base label -> (C name, shape without the batch axis)
        self.names = names or {}     # base label -> C name, for indexed symbols printed as scalars
        # own_exp: e^x in float as sn_expf (templates/helpers/exp.c.j2), which a loop over a
        # tensor vectorizes, where expf is a call per value; the caller emits that helper
        self.own_exp = own_exp and DTYPES[arithmetic or dtype][0] == "float"

    def _print_Indexed(self, expr):
        label = str(expr.base.label)
        if label in self.names:
            return self.names[label]
        name, shape = self.arrays[label]
        strides = np.cumprod((1,) + tuple(shape[::-1]))[::-1]  # row-major; first is the batch stride
        # Written in the formula's own order, one index per term: 784*n + 28*(r + u - 2) + (c + v - 2).
        terms = []
        for index, stride in zip(expr.indices, strides[-len(expr.indices):]):
            index_text = self._print(index)
            if isinstance(index, sp.Add):
                index_text = f"({index_text})"
            terms.append(index_text if stride == 1 else f"{int(stride)}*{index_text}")
        return f"{name}[{' + '.join(terms)}]"

    # Numbers. Every constant of a formula is a literal of the net's dtype, checked to fit it:
    # integers past int's range would otherwise be truncated by C, and named constants
    # (pi, E, ...) would be declared as variables in the middle of an expression.
    def _literal(self, value: float) -> str:
        if not math.isfinite(value) or abs(value) > float(np.finfo(self.dtype).max):
            raise FormulaError(f"the constant {value!r} does not fit in {self.dtype}")
        return super()._print_Float(sp.Float(value, 17))

    def _print_Float(self, expr):
        return self._literal(float(expr))

    def _print_Integer(self, expr):
        if abs(int(expr)) < 2 ** 31:
            return super()._print_Integer(expr)
        return self._literal(float(expr))

    def _print_Rational(self, expr):
        if max(abs(expr.p), abs(expr.q)) < 2 ** 31:
            return super()._print_Rational(expr)
        return self._literal(float(expr))

    def _print_NumberSymbol(self, expr):
        return self._literal(float(expr.evalf(17)))

    _print_Exp1 = _print_Pi = _print_EulerGamma = _print_GoldenRatio = _print_Catalan = _print_NumberSymbol

    def _print_Pow(self, expr):
        # SymPy's x**(1/3) is the principal root (not real for x < 0, NaN in NumPy), while
        # C99's cbrt, which the base printer would use, is the real root: pow keeps them equal.
        if expr.exp == sp.Rational(1, 3):
            return f"{self._ns}pow{self._get_func_suffix(real)}({self._print(expr.base)}, {self._print(expr.exp)})"
        return super()._print_Pow(expr)

    def _print_exp(self, expr):
        if self.own_exp:
            return f"sn_expf({self._print(expr.args[0])})"
        return super()._print_exp(expr)

    def _print_KroneckerDelta(self, expr):
        return f"({self._print(expr.args[0])} == {self._print(expr.args[1])})"

    def _print_Piecewise(self, expr):
        out = self._print(expr.args[-1].expr)
        for value, cond in reversed(expr.args[:-1]):
            out = f"(({self._print(cond)}) ? {self._print(value)} : {out})"
        return out


def expand_powers(expr: sp.Expr, largest: int = 4) -> sp.Expr:
    """Integer powers up to ``largest`` as products, which C computes faster than pow():
    ``y**2`` becomes ``y*y`` and ``y**-2`` becomes ``1/(y*y)``."""
    def small(node):
        return node.is_Pow and node.exp.is_Integer and 2 <= abs(int(node.exp)) <= largest

    def product(node):
        # UnevaluatedExpr keeps SymPy from folding the product straight back into a power.
        times = sp.UnevaluatedExpr(sp.Mul(*[node.base] * abs(int(node.exp)), evaluate=False))
        return times if node.exp > 0 else 1 / times

    return expr.replace(small, product)


def elementwise(expr: sp.Expr, printer: CPrinter, result: str, owner: str, operator: str = "=",
                ctype: str = "real") -> list[str]:
    """C statements computing ``result = expr`` (or ``result += expr`` with ``operator``):
    constants folded, common subexpressions first (declared as ``ctype``), small powers
    expanded to products. A constant that does not fit the dtype is a FormulaError naming
    ``owner``."""
    replacements, (reduced,) = sp.cse([fold_constants(expr)], symbols=sp.numbered_symbols("c"))
    try:
        lines = [f"const {ctype} {symbol} = {printer.doprint(expand_powers(value))};" for symbol, value in replacements]
        lines.append(f"{result} {operator} {printer.doprint(expand_powers(reduced))};")
    except FormulaError as error:
        raise FormulaError(f"{owner}: {error}") from None
    return lines


# Characters that would end a line inside a comment, or that a reader's terminal or editor
# might act on: C0 and C1 controls, DEL, and Unicode's line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def comment(text) -> str:
    """``text`` made safe for one line of a C block comment: control characters (newlines
    among them) written as ``\\xNN``, and ``*/`` or ``/*`` broken apart so that the text can
    neither end the comment nor open another. Every text that reaches a C comment (names,
    formulas, descriptions) goes through here; applying it twice changes nothing."""
    text = _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", str(text))
    while "*/" in text or "/*" in text:
        text = text.replace("*/", "* /").replace("/*", "/ *")
    return text
