"""Learning-rate schedules: the rate as a SymPy formula of the step count.

A schedule is a formula in ``t`` (the steps the net has taken before this one: 0 on its
first step) and ``lr`` (the optimizer's learning rate), equal to the matching
``torch.optim.lr_scheduler`` stepped once per optimizer step. ``fit(schedule=...)``
evaluates it for every step of an epoch at once with NumPy (:meth:`Schedule.rates`, from
the same formula that prints) and hands C the array, so no Python runs per step::

    sn.schedules.warmup(100, then=sn.schedules.cosine(900))   # LinearLR, then CosineAnnealingLR
"""

from __future__ import annotations


import numpy as np
import sympy as sp

from ..formulas import check_formula, evaluate, fold_constants
from ..symbolic import latex, real_symbol, text
from .rule import number

STEP, RATE = real_symbol("t"), real_symbol("lr")

__all__ = ["Schedule", "constant", "cosine", "exponential", "step", "warmup"]


class Schedule:
    """A learning rate as a formula of the step count ``t`` and the base rate ``lr``."""

    def __init__(self, formula: sp.Expr, description: str):
        self.formula = check_formula(formula, (STEP, RATE), f"schedule {description}")
        self.description = description
        self._numeric = fold_constants(self.formula)

    def rates(self, lr: float, first: int, count: int) -> np.ndarray:
        """The rates of ``count`` steps from step ``first`` (float64), evaluated at once. A rate
        that is negative or not finite is a ValueError naming the step."""
        steps = np.arange(first, first + count, dtype=np.float64)
        with np.errstate(all="ignore"):
            rates = evaluate(self._numeric, {STEP: steps, RATE: np.float64(lr)})
        rates = np.ascontiguousarray(np.broadcast_to(np.asarray(rates, np.float64), steps.shape))
        bad = np.flatnonzero(~(np.isfinite(rates) & (rates >= 0)))
        if len(bad):
            raise ValueError(f"schedule: {self.description} gives the rate {rates[bad[0]]} at step {first + bad[0]}")
        return rates

    def __call__(self, t: int, lr: float = 1.0) -> float:
        """The rate at step ``t`` for a base rate ``lr``."""
        return float(self.rates(lr, t, 1)[0])

    def __str__(self) -> str:
        return f"{self.description}: lr(t) = {text(self.formula)}"

    __repr__ = __str__

    def latex(self) -> str:
        return rf"\mathrm{{lr}}(t) = {latex(self.formula)}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"


def constant() -> Schedule:
    """The optimizer's rate at every step."""
    return Schedule(RATE, "constant()")


def step(step_size: int, gamma: float = 0.1) -> Schedule:
    """``lr · γ^⌊t / step_size⌋``: torch's ``StepLR(step_size, gamma)``. (The formula adds
    ``1/(2·step_size)`` inside the floor: ``t · (1/step_size)`` rounds below a whole number at
    some multiples of ``step_size``, and the half step keeps the floor exact.)"""
    size = _count(step_size, "step_size")
    gamma = number(gamma, "gamma", low=0.0)
    return Schedule(RATE * sp.Float(gamma) ** sp.floor((STEP + sp.Rational(1, 2)) / size),
                    f"step({size}, gamma={gamma:g})")


def exponential(gamma: float) -> Schedule:
    """``lr · γ^t``: torch's ``ExponentialLR(gamma)``."""
    gamma = number(gamma, "gamma", low=0.0)
    return Schedule(RATE * sp.Float(gamma) ** STEP, f"exponential({gamma:g})")


def cosine(total_steps: int, min_lr: float = 0.0) -> Schedule:
    """``min_lr + (lr - min_lr)(1 + cos(π t / total_steps)) / 2``: torch's
    ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)`` (rising again past total_steps, as it does)."""
    total = _count(total_steps, "total_steps")
    low = number(min_lr, "min_lr", low=0.0)
    return Schedule(low + (RATE - low) * (1 + sp.cos(sp.pi * STEP / total)) / 2,
                    f"cosine({total}, min_lr={low:g})")


def warmup(steps: int, start_factor: float = 1 / 3, then: Schedule | None = None) -> Schedule:
    """The rate rising linearly from ``start_factor · lr`` to ``lr`` over ``steps`` steps, then
    ``then`` (counted from the end of the warm-up), or ``lr``: torch's ``LinearLR(start_factor,
    total_iters=steps)``, or ``SequentialLR([LinearLR(...), then], milestones=[steps])``."""
    count = _count(steps, "steps")
    start = number(start_factor, "start_factor", low=0.0, high=1.0, open_low=True, closed_high=True)
    if then is not None and not isinstance(then, Schedule):
        raise TypeError(f"then: expected a schedule, got {type(then).__name__}")
    after = RATE if then is None else then.formula.xreplace({STEP: STEP - count})
    rising = RATE * (sp.Float(start) + (1 - sp.Float(start)) * STEP / count)
    described = f"warmup({count}, start_factor={start:g}{'' if then is None else ', then=' + then.description})"
    return Schedule(sp.Piecewise((rising, STEP < count), (after, True)), described)


def _count(value, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{argument}: expected a positive integer, got {value!r:.60}")
    if value > 2 ** 40:
        raise ValueError(f"{argument}: at most 2**40, got {value}")
    return int(value)


