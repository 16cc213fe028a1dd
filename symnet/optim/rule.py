"""Optimizers: a parameter's update rule as an ordered list of SymPy assignments.

An update rule reads a parameter ``p``, its gradient ``g``, the optimizer's state (one
value per parameter element for each state name, zero before the first step), its
hyperparameters and ``t``, the count of steps this optimizer has taken including the
current one (1 on the first step). Each assignment ``target ← formula`` writes ``p``, a
state, or ``g`` (a value used by the assignments after it and then dropped), and reads
the values assigned before it. One rule serves every stage: it is printed with the
derivation, emitted into C by :mod:`symnet.optim.c`, and evaluated by NumPy in the
reference (:meth:`Optimizer.apply`), so the compiled net and the reference cannot follow
different rules.

Numeric hyperparameters reach the C at run time, so changing them never recompiles;
what the C is compiled for is the rule's formulas (:meth:`Optimizer.structure`).
The built-in rules (:mod:`symnet.optim.builtin`) pick their formulas from their structural
options; :class:`Optimizer` declares a rule of one's own.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers

import numpy as np
import sympy as sp

from ..errors import FormulaError
from ..formulas import check_formula, evaluate, fold_constants, read_formula
from ..names import is_name
from ..symbolic import latex, real_symbol, text

PARAM, GRAD, STEP = real_symbol("p"), real_symbol("g"), real_symbol("t")
RESERVED = ("p", "g", "t")
MAX_ASSIGNMENTS = 64


def number(value, argument: str, low: float = -math.inf, high: float = math.inf, open_low: bool = False,
           closed_high: bool = False) -> float:
    """A finite float in [low, high) (``open_low``: (low, ...; ``closed_high``: ..., high]), or a
    ValueError naming ``argument``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):   # "0.1" is a typo, not a rate
        raise ValueError(f"{argument}: expected a number, got {value!r:.60}")
    value = float(value)
    above = value < low or (open_low and value == low)
    below = value > high or (not closed_high and value == high)
    if not math.isfinite(value) or above or below:
        bounds = f"{'(' if open_low else '['}{low}, {high}{']' if closed_high else ')'}"
        raise ValueError(f"{argument}: must be in {bounds}, got {value}")
    return value


class Optimizer:
    """An update rule of one's own, compiled with no C written by hand.

    ``name`` names it (an identifier); ``hyper`` maps each hyperparameter's name to its
    value, and must hold ``lr`` (the rate that ``step(lr=...)`` and schedules set);
    ``state`` lists the names of the values kept per parameter element between steps;
    ``update`` is the rule: a list of ``(target, formula)`` pairs (or a dict), or a function
    of the symbols it names (``p``, ``g``, ``t``, the states, the hyperparameters) returning
    one. For example, Lion::

        lion = sn.Optimizer("lion", hyper={"lr": 1e-4, "beta1": 0.9, "beta2": 0.99}, state=["m"],
                            update=lambda p, g, m, lr, beta1, beta2: [
                                ("p", p - lr * sympy.sign(beta1 * m + (1 - beta1) * g)),
                                ("m", beta2 * m + (1 - beta2) * g)])

    Hyperparameters are attributes (``lion.lr = 3e-5``); setting one changes no C.
    """

    kind = "Optimizer"

    def __init__(self, name: str, hyper: dict, state=(), update=None):
        if not is_name(name):
            raise ValueError(f"name: an optimizer's name must be an identifier (letters, digits, _), got {name!r:.60}")
        object.__setattr__(self, "name", name)
        if not isinstance(hyper, dict) or "lr" not in hyper:
            raise ValueError(f"hyper: expected a dict of hyperparameters holding the learning rate 'lr', got {hyper!r:.80}")
        if isinstance(state, str) or not all(isinstance(item, str) for item in state):
            raise ValueError(f"state: expected a list of state names, got {state!r:.80}")
        names = ["lr", *[key for key in hyper if key != "lr"]]
        object.__setattr__(self, "state", tuple(state))
        self._check_names(names, tuple(state))
        object.__setattr__(self, "hyper", {key: self._check_value(key, hyper[key]) for key in names})
        object.__setattr__(self, "_rule", self._read_rule(update))

    # -- declaration -------------------------------------------------------------------
    def _check_names(self, hyper_names, state_names) -> None:
        seen = set(RESERVED)
        for what, name in [*(("hyper", n) for n in hyper_names), *(("state", n) for n in state_names)]:
            if not is_name(name) or name in seen:
                reason = "is taken" if name in seen else "is not an identifier"
                raise ValueError(f"{what}: the name {name!r:.60} {reason} (p, g and t are the parameter, its "
                                 "gradient and the step count; names are unique identifiers)")
            seen.add(name)

    def _check_value(self, name: str, value) -> float:
        """A hyperparameter's value checked; built-ins bound each of theirs."""
        return number(value, name, low=0.0, open_low=True) if name == "lr" else number(value, name)

    def symbols(self) -> dict[str, sp.Symbol]:
        """Every symbol a formula of this rule may use, by name: p, g, t, states, hyperparameters."""
        return {name: real_symbol(name) for name in (*RESERVED, *self.state, *self.hyper)}

    def _read_rule(self, update) -> tuple[tuple[str, sp.Expr], ...]:
        """The rule checked: known targets, formulas in known symbols that symnet computes."""
        symbols = self.symbols()
        if callable(update):
            parameters = inspect.signature(update).parameters
            if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):
                update = update(**symbols)
            else:
                unknown = [name for name in parameters if name not in symbols]
                if unknown:
                    raise ValueError(f"update: the function takes {', '.join(unknown)}, which is not p, g, t, "
                                     f"a state ({', '.join(self.state) or 'none'}) or a hyperparameter "
                                     f"({', '.join(self.hyper)})")
                update = update(**{name: symbols[name] for name in parameters})
        if isinstance(update, dict):
            update = list(update.items())
        if not isinstance(update, (list, tuple)) or not 1 <= len(update) <= MAX_ASSIGNMENTS or \
                not all(isinstance(item, (list, tuple)) and len(item) == 2 for item in update):
            raise ValueError(f"update: expected 1 to {MAX_ASSIGNMENTS} (target, formula) pairs, got {update!r:.80}")
        targets = ("p", "g", *self.state)
        by_name = {str(symbol): symbol for symbol in symbols.values()}
        rule = []
        for target, formula in update:
            if target not in targets:
                raise ValueError(f"update: unknown target {target!r:.60}: an assignment writes p, g or a state "
                                 f"({', '.join(self.state) or 'none declared'})")
            if isinstance(formula, sp.Basic):   # the user's own Symbol('m') is the rule's m
                formula = formula.xreplace({s: by_name[s.name] for s in formula.free_symbols
                                            if isinstance(s, sp.Symbol) and s.name in by_name})
            rule.append((target, check_formula(formula, tuple(symbols.values()), f"{self.name}: {target}")))
        if "p" not in [target for target, _ in rule]:
            raise ValueError("update: the rule never assigns p, so it would not train")
        return tuple(rule)

    def rule(self) -> tuple[tuple[str, sp.Expr], ...]:
        """The assignments, in order, that this optimizer's structure compiles."""
        return self._rule

    def structure(self):
        """What the compiled C depends on (hashable, cheap): the same structure, the same C."""
        return (self.kind, self.name, self.state, tuple(self.hyper), self._rule)

    def rule_state(self) -> tuple[str, ...]:
        """The states this structure's rule keeps (a built-in's options may leave some out)."""
        return self.state

    # -- hyperparameters as attributes -------------------------------------------------
    def __getattr__(self, name: str):
        hyper = self.__dict__.get("hyper", {})
        if name in hyper:
            return hyper[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if name not in self.hyper:
            raise AttributeError(f"{type(self).__name__}: {name!r} is not a hyperparameter "
                                 f"({', '.join(self.hyper)})")
        self.hyper[name] = self._check_value(name, value)

    def with_hyper(self, **values) -> "Optimizer":
        """A copy with some hyperparameters changed (checked); unknown names are refused."""
        copy = self.copy()
        for name, value in values.items():
            setattr(copy, name, value)
        return copy

    def copy(self) -> "Optimizer":
        """The same rule with hyperparameters of its own (changing the copy's leaves this one)."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__, hyper=dict(self.hyper))
        return copy

    # -- NumPy: the reference's update -------------------------------------------------
    def apply(self, param: np.ndarray, grad: np.ndarray, state: dict, t: int, hyper: dict | None = None) -> np.ndarray:
        """One update of ``param`` (float64, NumPy) from ``grad``: the rule's formulas evaluated in
        order. ``state`` maps state names to arrays (missing ones start at zero) and is updated
        in place; returns the new parameter."""
        symbols = self.symbols()
        values = {symbols["p"]: param, symbols["g"]: grad, symbols["t"]: np.float64(t)}
        values.update({symbols[name]: np.float64(value) for name, value in (hyper or self.hyper).items()})
        for name in self.rule_state():
            values[symbols[name]] = state.get(name, np.zeros_like(param))
        with np.errstate(all="ignore"):
            for target, formula in _folded(self.rule()):
                result = evaluate(formula, values)
                values[symbols[target]] = np.broadcast_to(np.asarray(result, np.float64), param.shape).copy()
        state.update({name: values[symbols[name]] for name in self.rule_state()})
        return values[symbols["p"]]

    # -- printing ----------------------------------------------------------------------
    def describe(self) -> str:
        settings = ", ".join(f"{name}={value:g}" for name, value in self.hyper.items())
        return f"{self.kind}({self.name!r}, {settings})" if self.kind == "Optimizer" else f"{self.kind}({settings})"

    __repr__ = describe

    def describe_rule(self) -> str:
        """The rule without its hyperparameters' values, which the C reads at run time."""
        return f"Optimizer({self.name!r})"

    def derivation(self) -> "UpdateRule":
        """The update rule, printable as text and LaTeX (Jupyter shows it typeset)."""
        return UpdateRule(self)

    # -- saved form --------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The saved form: formulas as ``srepr`` text, read back by :func:`optimizer_from_dict`
        with the project's safe parser (no code is evaluated)."""
        return {"kind": self.kind, "name": self.name, "hyper": dict(self.hyper), "state": list(self.state),
                "update": [[target, sp.srepr(formula)] for target, formula in self._rule]}

    def compiled_form(self) -> dict:
        """What the C is emitted from, as JSON: part of the compiled module's cache key."""
        return {"kind": self.kind, "name": self.name, "hyper": list(self.hyper), "state": list(self.rule_state()),
                "update": [[target, sp.srepr(formula)] for target, formula in self.rule()]}


@functools.lru_cache(maxsize=64)
def _folded(rule: tuple) -> tuple:
    """The rule with its constant parts folded, once per rule rather than once per step."""
    return tuple((target, fold_constants(formula)) for target, formula in rule)


class UpdateRule:
    """An optimizer's update rule for printing: ``str()`` is text, :meth:`latex` LaTeX."""

    ARROW = "←"

    def __init__(self, optimizer: Optimizer):
        self.optimizer = optimizer

    def __str__(self) -> str:
        opt = self.optimizer
        lines = [f"Update rule: {opt.describe()}",
                 "  for each parameter element p with gradient g, at step t (1 on the first step);"]
        if opt.rule_state():
            lines.append(f"  state kept per element, zero at first: {', '.join(opt.rule_state())}")
        lines += [f"  {target} {self.ARROW} {text(formula)}" for target, formula in opt.rule()]
        return "\n".join(lines)

    def rows(self) -> list[str]:
        """The rule's rows of a LaTeX ``aligned`` block (the model's derivation adds them to its own)."""
        described = self.optimizer.describe().replace("_", r"\_")
        rows = [rf"&\textbf{{update rule}}\ \text{{{described}}} \\"]
        return rows + [rf"{latex(real_symbol(target))} &\leftarrow {latex(formula)} \\"
                       for target, formula in self.optimizer.rule()]

    def latex(self) -> str:
        """The rule as a LaTeX ``aligned`` block."""
        return "\\begin{aligned}\n" + "\n".join(self.rows()) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"


def optimizer_from_dict(spec, where: str = "optimizer") -> Optimizer:
    """An optimizer from :meth:`Optimizer.to_dict`'s output, every field checked; formulas are
    parsed by :func:`symnet.formulas.read_formula`, never evaluated as code."""
    from .builtin import BUILT_IN

    if not isinstance(spec, dict) or not isinstance(spec.get("kind"), str):
        raise ValueError(f"{where}: expected an object with a kind")
    kind = spec["kind"]
    if kind in BUILT_IN:
        return BUILT_IN[kind].from_dict(spec, where)
    if kind != "Optimizer" or set(spec) != {"kind", "name", "hyper", "state", "update"}:
        raise ValueError(f"{where}: unknown optimizer {kind!r:.60} or fields {sorted(spec)!r:.100}; known: "
                         f"{', '.join(BUILT_IN)}, Optimizer")
    hyper, state, update = spec["hyper"], spec["state"], spec["update"]
    if not isinstance(hyper, dict) or not isinstance(state, list) or not isinstance(update, list) or \
            len(update) > MAX_ASSIGNMENTS or len(hyper) > MAX_ASSIGNMENTS or len(state) > MAX_ASSIGNMENTS:
        raise ValueError(f"{where}: malformed hyper, state or update")
    names = [*RESERVED, *state, *hyper]
    if not all(isinstance(name, str) and is_name(name) for name in names):
        raise ValueError(f"{where}: a state or hyperparameter name is not an identifier")
    symbols = tuple(real_symbol(name) for name in names)
    rule = []
    for index, item in enumerate(update):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise ValueError(f"{where}.update[{index}]: expected [target, formula]")
        try:
            rule.append((item[0], read_formula(item[1], symbols, f"{where}.update[{index}]")))
        except FormulaError as error:
            raise ValueError(str(error)) from None
    return Optimizer(spec["name"], hyper=hyper, state=state, update=rule)
