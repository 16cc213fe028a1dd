"""The optimizer's C: an update rule (see :mod:`symnet.optim.rule`) as one loop over the
parameters, and a learning-rate schedule (:mod:`symnet.optim.schedules`) as a function of the
step count.

The rule's assignments become local variables, one per assignment (``m1``, ``p1``, ...),
so each reads exactly the values assigned before it. Parts of a formula that depend
only on the hyperparameters and the step count (``lr/(1 - beta1**t)``, ``1 - beta2``) are
loop-invariant: they are computed once per step in double, before the loop, and the
loop multiplies by them. What remains is printed by the project's C printer after
``cse()``, each assignment with its formula in a comment beside it.
"""

from __future__ import annotations

import sympy as sp

from ..formulas import fold_constants
from ..printer import CPrinter, comment, expand_powers
from ..symbolic import real_symbol, text
from .rule import GRAD, PARAM, STEP, Optimizer
from .schedules import RATE, Schedule


def _invariant(expr: sp.Basic, invariant: set) -> bool:
    return expr.free_symbols <= invariant


class _Hoister:
    """Replaces the largest loop-invariant parts of formulas by symbols ``k0, k1, ...``."""

    def __init__(self, invariant: set):
        self.invariant = invariant
        self.parts: dict[sp.Basic, sp.Symbol] = {}

    def name(self, part: sp.Basic) -> sp.Basic:
        if part.is_Atom:   # a number or a lone hyperparameter needs no variable of its own
            return part
        if part not in self.parts:
            self.parts[part] = sp.Symbol(f"k{len(self.parts)}", real=True)
        return self.parts[part]

    def __call__(self, expr: sp.Basic) -> sp.Basic:
        if _invariant(expr, self.invariant):
            return self.name(expr)
        if isinstance(expr, (sp.Add, sp.Mul)):
            # the invariant factors (terms) of a product (sum) become one: lr*(1 - b)**-1*m -> k0*m
            fixed = [arg for arg in expr.args if _invariant(arg, self.invariant)]
            varying = [self(arg) for arg in expr.args if not _invariant(arg, self.invariant)]
            if fixed:
                varying.insert(0, self.name(expr.func(*fixed)))
            return expr.func(*varying)
        if not expr.args:
            return expr
        return expr.func(*[self(arg) for arg in expr.args])


def _local(name: str, version: int) -> sp.Symbol:
    """The C local holding the ``version``-th value of ``name`` (0: read from memory)."""
    return sp.Symbol(f"{name}{version}" if name in ("p", "g") else f"s_{name}{version}", real=True)


def fusable_when(optimizer: Optimizer) -> list[int] | None:
    """When ``optimizer``'s update is plain gradient descent, ``p ← p - lr·g`` with no state:
    the indices in hyper[] of the hyperparameters that must be 0 at run time for that (SGD's
    weight_decay), else None. Such an update can be folded into the multiply that makes a
    dense layer's weight gradient (W += -lr · dy^T x): one pass over the weights where the
    gradient's sum and the update took three. The rule's assignments are composed into one
    formula of p, g and the hyperparameters, and that formula, with those hyperparameters 0,
    must be exactly ``p - lr·g``."""
    hyper = list(optimizer.hyper)
    if optimizer.rule_state() or not hyper or hyper[0] != "lr":
        return None
    current: dict = {}
    for target, formula in optimizer.rule():
        if target not in ("p", "g"):
            return None
        current[real_symbol(target)] = formula.xreplace(current)
    lr = real_symbol("lr")
    final = current.get(PARAM, PARAM)
    others = sorted((symbol for symbol in final.free_symbols - {PARAM, GRAD, lr}), key=str)
    names = {real_symbol(name): index for index, name in enumerate(hyper)}
    if any(symbol not in names for symbol in others):   # the step count, or a constant's symbol
        return None
    if sp.expand(final.xreplace({symbol: 0 for symbol in others}) - (PARAM - lr * GRAD)) != 0:
        return None
    return [names[symbol] for symbol in others]


def update_context(optimizer: Optimizer, dtype: str) -> dict:
    """What ``templates/optimizer.c.j2`` needs to write ``optimizer``'s update for ``dtype``."""
    rule = optimizer.rule()
    hyper, states = list(optimizer.hyper), list(optimizer.rule_state())
    hyper_symbols = {real_symbol(name) for name in hyper}
    as_real = {symbol: sp.Symbol(f"hr_{symbol}", real=True) for symbol in hyper_symbols}
    as_double = {symbol: sp.Symbol(f"hd_{symbol}", real=True) for symbol in hyper_symbols}
    # Each assignment gets a fresh local; later formulas read the newest one.
    current = {real_symbol(name): _local(name, 0) for name in ("p", "g", *states)}
    versions: dict[str, int] = {}
    hoist = _Hoister(hyper_symbols | {STEP})
    assignments = []
    for target, formula in rule:
        formula = hoist(fold_constants(formula).xreplace(current)).xreplace(as_real)
        versions[target] = versions.get(target, 0) + 1
        local = _local(target, versions[target])
        current[real_symbol(target)] = local
        assignments.append((target, formula, local))
    # Common subexpressions of the loop, each written just before the first assignment needing it.
    replacements, reduced = sp.cse([formula for _, formula, _ in assignments], symbols=sp.numbered_symbols("c"))
    printer, double = CPrinter(dtype), CPrinter("float64")
    pending, lines = dict(replacements), []

    def write_needed(expr):
        for symbol in sorted(expr.free_symbols, key=str):
            if symbol in pending:
                value = pending.pop(symbol)
                write_needed(value)
                lines.append(f"const real {symbol} = {printer.doprint(expand_powers(value))};")

    for (target, _, local), value, (_, declared) in zip(assignments, reduced, rule):
        write_needed(value)
        lines.append(f"const real {local} = {printer.doprint(expand_powers(value))};"
                     f"   /* {comment(target)} ← {comment(text(declared))} */")
    used = set().union(*(value.free_symbols for value in reduced), *(v.free_symbols for _, v in replacements))
    return {
        "describe": comment(optimizer.describe_rule()),
        "rule": [f"{comment(target)} ← {comment(text(formula))}" for target, formula in rule],
        "hyper": hyper, "states": states,
        "loads": [(name, str(_local(name, 0))) for name in ("p", "g", *states) if _local(name, 0) in used],
        "stores": [(name, str(current[real_symbol(name)])) for name in ("p", *states)
                   if current[real_symbol(name)] != _local(name, 0)],
        "real_hyper": [(name, str(as_real[real_symbol(name)])) for name in hyper if as_real[real_symbol(name)] in used],
        "double_hyper": [(name, str(as_double[real_symbol(name)])) for name in hyper
                         if any(real_symbol(name) in part.free_symbols for part in hoist.parts)],
        "uses_step": any(STEP in part.free_symbols for part in hoist.parts),
        "invariants": [{"name": str(symbol),
                        "type": "int" if isinstance(part, sp.logic.boolalg.Boolean) else "real",
                        "code": double.doprint(part.xreplace(as_double)), "formula": comment(text(part))}
                       for part, symbol in hoist.parts.items()],
        "lines": lines,
        "fusable_when": fusable_when(optimizer),
    }


def schedule_context(schedule: Schedule) -> dict:
    """What ``templates/schedule.c.j2`` needs to write ``schedule``'s rate as a C function of
    the step count ``t`` and the base rate ``lr``, in double: the formula printed by the
    project's C printer after ``cse()``, its numbers read at run time (``sc_<name>``)."""
    names = {real_symbol(name): sp.Symbol(f"sc_{name}", real=True) for name in schedule.values}
    names.update({STEP: sp.Symbol("t", real=True), RATE: sp.Symbol("lr", real=True)})
    formula = fold_constants(schedule.formula).xreplace(names)
    replacements, (reduced,) = sp.cse([formula], symbols=sp.numbered_symbols("c"))
    printer = CPrinter("float64")
    lines = [f"const double {symbol} = {printer.doprint(expand_powers(value))};" for symbol, value in replacements]
    used = reduced.free_symbols.union(*(value.free_symbols for _, value in replacements))
    return {
        "formula": comment(text(schedule.formula)),
        "names": [comment(name) for name in schedule.values],
        # (index in schedule[], C local, name) of each number the formula reads
        "loads": [(index, str(names[real_symbol(name)]), name) for index, name in enumerate(schedule.values)
                  if names[real_symbol(name)] in used],
        "lines": lines,
        "rate": printer.doprint(expand_powers(reduced)),
        "unused": [name for name in ("t", "lr") if sp.Symbol(name, real=True) not in used],
    }
