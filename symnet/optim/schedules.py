"""Learning-rate schedules: the rate as a SymPy formula of the step count.

A schedule is a formula in ``t`` (the steps the net has taken before this one: 0 on its
first step), ``lr`` (the base rate: the optimizer's ``lr`` hyperparameter, or the ``lr=``
given to ``fit``) and the schedule's own numbers, named symbols with values
(``step_size``, ``gamma``, ...), equal to the matching ``torch.optim.lr_scheduler`` stepped
once per optimizer step::

    sn.schedules.warmup(100, then=sn.schedules.cosine(900))   # LinearLR, then CosineAnnealingLR

The formula with its numbers as symbols is the schedule's structure, which the C is
compiled for (:mod:`symnet.optim.c` prints it into ``sn_train``, which evaluates it for
every step); the numbers reach the C at run time, as an optimizer's hyperparameters do,
so another ``gamma`` or ``total_steps`` compiles nothing. NumPy evaluates the same
formula for the reference (:meth:`Schedule.rates`, :meth:`Schedule.__call__`).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from ..formulas import check_formula, evaluate, fold_constants
from ..names import is_name
from ..symbolic import latex, real_symbol, text
from .rule import number

STEP, RATE = real_symbol("t"), real_symbol("lr")
MAX_VALUES = 64

__all__ = ["Schedule", "constant", "cosine", "exponential", "step", "warmup"]


@functools.lru_cache(maxsize=64)
def _srepr(formula: sp.Expr) -> str:
    """``sp.srepr(formula)``, once per formula: every training call asks for its schedule's
    structure, and printing it took about as long as a step at batch 1."""
    return sp.srepr(formula)


class Schedule:
    """A learning rate as a formula of the step count ``t``, the base rate ``lr`` and the
    schedule's numbers ``values`` (a dict of name to number, each a symbol of the formula).

    ``Schedule(formula, description, values)`` declares one of one's own: for example
    ``Schedule(lr / (1 + decay * t), "inverse time", {"decay": 1e-3})`` with
    ``decay = sympy.Symbol("decay")``.
    """

    def __init__(self, formula: sp.Expr, description: str, values: dict | None = None):
        if not isinstance(description, str):
            raise TypeError(f"description: expected a string, got {type(description).__name__}")
        values = {} if values is None else values
        if not isinstance(values, dict) or len(values) > MAX_VALUES:
            raise ValueError(f"values: expected a dict of at most {MAX_VALUES} names and numbers, got {values!r:.80}")
        for name in values:
            if not is_name(name) or name in ("t", "lr"):
                raise ValueError(f"values: the name {name!r:.60} is not an identifier, or is t or lr (the step "
                                 "count and the base rate)")
        self.values = {name: number(value, name) for name, value in values.items()}
        symbols = {name: real_symbol(name) for name in ("t", "lr", *self.values)}
        if isinstance(formula, sp.Basic):   # the user's own Symbol("gamma") is the schedule's gamma
            formula = formula.xreplace({s: symbols[s.name] for s in formula.free_symbols
                                        if isinstance(s, sp.Symbol) and s.name in symbols})
        self.formula = check_formula(formula, tuple(symbols.values()), f"schedule {description}")
        self.description = description
        self._numeric = fold_constants(self.formula)

    # -- what the C is compiled for, and what it reads at run time -----------------------
    def structure(self) -> tuple:
        """What the compiled C follows from: the formula with its numbers as symbols, and the
        order in which the C reads those numbers. Schedules that differ only in their values
        share one compiled module."""
        return ("schedule", _srepr(self.formula), tuple(self.values))

    def compiled_form(self) -> dict:
        """The structure as JSON: part of the compiled module's cache key."""
        return {"formula": sp.srepr(self.formula), "values": list(self.values)}

    def value_array(self) -> np.ndarray:
        """The numbers in the order the C reads them (float64; one unused 0 when there are none)."""
        return np.array(list(self.values.values()) or [0.0], np.float64)

    # -- the reference: NumPy evaluates the same formula ----------------------------------
    def rates(self, lr: float, first: int, count: int) -> np.ndarray:
        """The rates of ``count`` steps from step ``first`` (float64), evaluated at once by
        NumPy. A rate that is negative or not finite is a ValueError naming the step."""
        steps = np.arange(first, first + count, dtype=np.float64)
        known = {STEP: steps, RATE: np.float64(lr)}
        known.update({real_symbol(name): np.float64(value) for name, value in self.values.items()})
        with np.errstate(all="ignore"):
            rates = evaluate(self._numeric, known)
        rates = np.ascontiguousarray(np.broadcast_to(np.asarray(rates, np.float64), steps.shape))
        self.check_rates(rates, first)
        return rates

    def check_rates(self, rates: np.ndarray, first: int) -> None:
        """A ValueError naming the step (counted as ``t``, from ``first``) of the first rate
        in ``rates`` that is negative or not finite."""
        bad = np.flatnonzero(~(np.isfinite(rates) & (rates >= 0)))
        if len(bad):
            raise ValueError(f"schedule: {self.description} gives the rate {rates[bad[0]]} at step {first + bad[0]}")

    def __call__(self, t: int, lr: float = 1.0) -> float:
        """The rate at step ``t`` for a base rate ``lr``."""
        return float(self.rates(lr, t, 1)[0])

    # -- printing -------------------------------------------------------------------------
    def where(self) -> str:
        """The numbers, as ``name = value`` (empty when there are none)."""
        return ", ".join(f"{name} = {value:g}" for name, value in self.values.items())

    def __str__(self) -> str:
        numbers = self.where()
        return f"{self.description}: lr(t) = {text(self.formula)}" + (f", where {numbers}" if numbers else "")

    __repr__ = __str__

    def latex(self) -> str:
        return rf"\mathrm{{lr}}(t) = {latex(self.formula)}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"


def _symbols(*names: str) -> list[sp.Symbol]:
    return [real_symbol(name) for name in names]


def constant() -> Schedule:
    """The optimizer's rate at every step (what ``fit`` and ``step`` use without a schedule)."""
    return Schedule(RATE, "constant()")


def step(step_size: int, gamma: float = 0.1) -> Schedule:
    """``lr · γ^⌊t / step_size⌋``: torch's ``StepLR(step_size, gamma)``. (The formula adds
    ``1/2`` to ``t`` inside the floor: a rounded ``t / step_size`` could fall just below a
    whole number, and the half step keeps the floor exact.)"""
    size = _count(step_size, "step_size")
    gamma = number(gamma, "gamma", low=0.0)
    s, g = _symbols("step_size", "gamma")
    return Schedule(RATE * g ** sp.floor((STEP + sp.Rational(1, 2)) / s), f"step({size}, gamma={gamma:g})",
                    {"step_size": size, "gamma": gamma})


def exponential(gamma: float) -> Schedule:
    """``lr · γ^t``: torch's ``ExponentialLR(gamma)``."""
    gamma = number(gamma, "gamma", low=0.0)
    (g,) = _symbols("gamma")
    return Schedule(RATE * g ** STEP, f"exponential({gamma:g})", {"gamma": gamma})


def cosine(total_steps: int, min_lr: float = 0.0) -> Schedule:
    """``min_lr + (lr - min_lr)(1 + cos(π t / total_steps)) / 2``: torch's
    ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)`` (rising again past total_steps, as it does)."""
    total = _count(total_steps, "total_steps")
    low = number(min_lr, "min_lr", low=0.0)
    T, m = _symbols("total_steps", "min_lr")
    return Schedule(m + (RATE - m) * (1 + sp.cos(sp.pi * STEP / T)) / 2, f"cosine({total}, min_lr={low:g})",
                    {"total_steps": total, "min_lr": low})


def warmup(steps: int, start_factor: float = 1 / 3, then: Schedule | None = None) -> Schedule:
    """The rate rising linearly from ``start_factor · lr`` to ``lr`` over ``steps`` steps, then
    ``then`` (counted from the end of the warm-up), or ``lr``: torch's ``LinearLR(start_factor,
    total_iters=steps)``, or ``SequentialLR([LinearLR(...), then], milestones=[steps])``. The
    numbers of ``then`` are named with ``then_`` in front (``then_total_steps``)."""
    count = _count(steps, "steps")
    start = number(start_factor, "start_factor", low=0.0, high=1.0, open_low=True, closed_high=True)
    if then is not None and not isinstance(then, Schedule):
        raise TypeError(f"then: expected a schedule, got {type(then).__name__}")
    n, f = _symbols("steps", "start_factor")
    values = {"steps": count, "start_factor": start}
    after = RATE
    if then is not None:
        renamed = {real_symbol(name): real_symbol(f"then_{name}") for name in then.values}
        after = then.formula.xreplace({**renamed, STEP: STEP - n})
        values.update({f"then_{name}": value for name, value in then.values.items()})
    rising = RATE * (f + (1 - f) * STEP / n)
    described = f"warmup({count}, start_factor={start:g}{'' if then is None else ', then=' + then.description})"
    return Schedule(sp.Piecewise((rising, STEP < n), (after, True)), described, values)


def _count(value, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{argument}: expected a positive integer, got {value!r:.60}")
    if value > 2 ** 40:
        raise ValueError(f"{argument}: at most 2**40, got {value}")
    return int(value)
