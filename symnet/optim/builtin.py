"""The built-in optimizers, each equal to its ``torch.optim`` namesake (single-tensor path).

Each writes PyTorch's update as formulas (see :mod:`symnet.optim.rule`). Structural options
(``nesterov``, ``amsgrad``, ``centered``, and a momentum of zero, where PyTorch keeps no
momentum buffer) pick the formulas, and so the compiled C; numeric hyperparameters are
passed to the C at run time. Their saved form is the kind and the constructor's arguments.
"""

from __future__ import annotations


import sympy as sp

from ..symbolic import real_symbol
from .rule import GRAD, PARAM, STEP, Optimizer, number

POSITIVE = {"low": 0.0, "open_low": True}
NON_NEGATIVE = {"low": 0.0}
FRACTION = {"low": 0.0, "high": 1.0}            # [0, 1)
CLOSED_FRACTION = {"low": 0.0, "high": 1.0, "closed_high": True}


def s(name: str) -> sp.Symbol:
    """The real symbol ``name``: a state or hyperparameter in a rule's formulas."""
    return real_symbol(name)


class BuiltIn(Optimizer):
    """A built-in rule: hyperparameters bounded by ``BOUNDS``, formulas from ``formulas(**structure)``."""

    BOUNDS: dict = {}
    STATE: tuple = ()
    _rules: dict = {}

    def __init__(self, flags: dict, **hyper):
        for flag, value in flags.items():
            if not isinstance(value, bool):
                raise ValueError(f"{flag}: expected True or False, got {value!r:.60}")
        object.__setattr__(self, "name", self.kind.lower())
        object.__setattr__(self, "state", self.STATE)
        object.__setattr__(self, "flags", dict(flags))
        object.__setattr__(self, "hyper", {name: self._check_value(name, value) for name, value in hyper.items()})
        self.structure()   # options that do not go together are refused now

    def _check_value(self, name: str, value) -> float:
        return number(value, name, **self.BOUNDS[name])

    def switches(self) -> dict:
        """The options that pick formulas: the flags, and which numeric settings are zero."""
        return dict(self.flags)

    def structure(self):
        return (self.kind, tuple(self.switches().items()))

    def rule(self):
        key = self.structure()
        if key not in BuiltIn._rules:
            BuiltIn._rules[key] = tuple(self.formulas(**self.switches()))
        return BuiltIn._rules[key]

    def rule_state(self) -> tuple[str, ...]:
        targets = {target for target, _ in self.rule()}
        return tuple(name for name in self.STATE if name in targets)

    def options(self) -> dict:
        """The constructor's arguments."""
        return {**self.hyper, **self.flags}

    def describe(self) -> str:
        return f"{self.kind}({', '.join(f'{name}={value!r}' for name, value in self.options().items())})"

    def torch_optimizer(self, parameters):
        """Its ``torch.optim`` namesake with the same settings, over ``parameters``."""
        import torch

        return getattr(torch.optim, self.kind)(parameters, **self.options())

    __repr__ = describe

    def describe_rule(self) -> str:
        return f"{self.kind}({', '.join(f'{name}={value}' for name, value in self.switches().items())})"

    def to_dict(self) -> dict:
        return {"kind": self.kind, **{name: list(value) if isinstance(value, tuple) else value
                                      for name, value in self.options().items()}}

    @classmethod
    def from_dict(cls, spec: dict, where: str) -> "BuiltIn":
        """The optimizer a saved form declares: exactly the constructor's arguments, as numbers
        (pairs for ``betas``) and booleans, each checked by the constructor."""
        options = {key: value for key, value in spec.items() if key != "kind"}
        expected = set(cls().options())
        if set(options) != expected:
            raise ValueError(f"{where}: {cls.kind} expects the fields {sorted(expected)}, got {sorted(options)!r:.120}")
        for key, value in options.items():
            if isinstance(value, list) and len(value) == 2:
                options[key] = tuple(value)
            elif not isinstance(value, (bool, int, float)):
                raise ValueError(f"{where}.{key}: expected a number or a boolean, got {value!r:.60}")
        try:
            return cls(**options)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{where}: {error}") from None


class SGD(BuiltIn):
    """``torch.optim.SGD``: ``g ← g + λp``; with momentum ``b ← g`` on the first step and
    ``μb + (1-τ)g`` after, ``g ← b`` (or ``g + μb`` with ``nesterov``); ``p ← p - lr·g``."""

    kind = "SGD"
    BOUNDS = {"lr": POSITIVE, "momentum": FRACTION, "dampening": CLOSED_FRACTION, "weight_decay": NON_NEGATIVE}
    STATE = ("b",)

    def __init__(self, lr=0.01, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        super().__init__({"nesterov": nesterov}, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay)

    def switches(self) -> dict:
        nesterov = self.flags["nesterov"]
        if nesterov and (self.hyper["momentum"] == 0 or self.hyper["dampening"] != 0):
            raise ValueError("nesterov: needs a momentum above 0 and a dampening of 0")
        return {"with_momentum": self.hyper["momentum"] != 0, "nesterov": nesterov}

    @staticmethod
    def formulas(with_momentum: bool, nesterov: bool):
        """SGD's rule for one choice of its structural options."""
        p, g, t, b = PARAM, GRAD, STEP, s("b")
        lr, momentum, dampening, weight_decay = s("lr"), s("momentum"), s("dampening"), s("weight_decay")
        rule = [("g", g + weight_decay * p)]
        if with_momentum:   # PyTorch's buffer starts as the first gradient
            rule.append(("b", sp.Piecewise((g, sp.Eq(t, 1)), (momentum * b + (1 - dampening) * g, True))))
            rule.append(("g", g + momentum * b if nesterov else b))
        return rule + [("p", p - lr * g)]


class Adam(BuiltIn):
    """``torch.optim.Adam``: L2 weight decay added to the gradient, moments ``m`` and ``v``,
    bias corrections ``1 - β^t``; ``amsgrad`` divides by the largest ``v`` so far."""

    kind = "Adam"
    BOUNDS = {"lr": POSITIVE, "beta1": FRACTION, "beta2": FRACTION, "eps": NON_NEGATIVE, "weight_decay": NON_NEGATIVE}
    STATE = ("m", "v", "v_max")
    DECOUPLED = False

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise ValueError(f"betas: expected a pair of numbers in [0, 1), got {betas!r:.60}")
        super().__init__({"amsgrad": amsgrad}, lr=lr, beta1=betas[0], beta2=betas[1], eps=eps,
                         weight_decay=weight_decay)

    @property
    def betas(self) -> tuple[float, float]:
        return (self.hyper["beta1"], self.hyper["beta2"])

    def __setattr__(self, name, value):
        if name == "betas":
            self.beta1, self.beta2 = value
        else:
            super().__setattr__(name, value)

    def options(self) -> dict:
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay,
                "amsgrad": self.flags["amsgrad"]}

    @classmethod
    def formulas(cls, amsgrad: bool):
        """Adam's (or AdamW's) rule, with or without amsgrad."""
        p, g, t, m, v, v_max = PARAM, GRAD, STEP, s("m"), s("v"), s("v_max")
        lr, beta1, beta2, eps, weight_decay = s("lr"), s("beta1"), s("beta2"), s("eps"), s("weight_decay")
        if cls.DECOUPLED:    # AdamW shrinks the weights first, apart from the gradient
            rule = [("p", p * (1 - lr * weight_decay))]
        else:
            rule = [("g", g + weight_decay * p)]
        rule += [("m", beta1 * m + (1 - beta1) * g), ("v", beta2 * v + (1 - beta2) * g ** 2)]
        if amsgrad:
            rule.append(("v_max", sp.Max(v_max, v)))
        second = v_max if amsgrad else v
        return rule + [("p", p - lr / (1 - beta1 ** t) * m / (sp.sqrt(second) / sp.sqrt(1 - beta2 ** t) + eps))]


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam with decoupled weight decay ``p ← p(1 - lr·λ)``."""

    kind = "AdamW"
    DECOUPLED = True

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


class RMSprop(BuiltIn):
    """``torch.optim.RMSprop``: ``v ← αv + (1-α)g²``; ``centered`` subtracts the square of the
    mean gradient ``a``; with momentum a buffer ``b`` of the scaled steps."""

    kind = "RMSprop"
    BOUNDS = {"lr": POSITIVE, "alpha": FRACTION, "eps": NON_NEGATIVE, "weight_decay": NON_NEGATIVE,
              "momentum": FRACTION}
    STATE = ("v", "a", "b")

    def __init__(self, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__({"centered": centered}, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum)

    def switches(self) -> dict:
        return {"centered": self.flags["centered"], "with_momentum": self.hyper["momentum"] != 0}

    @staticmethod
    def formulas(centered: bool, with_momentum: bool):
        """RMSprop's rule for one choice of its structural options."""
        p, g, v, a, b = PARAM, GRAD, s("v"), s("a"), s("b")
        lr, alpha, eps, weight_decay, momentum = s("lr"), s("alpha"), s("eps"), s("weight_decay"), s("momentum")
        rule = [("g", g + weight_decay * p), ("v", alpha * v + (1 - alpha) * g ** 2)]
        if centered:
            rule.append(("a", alpha * a + (1 - alpha) * g))
        denominator = sp.sqrt(v - a ** 2 if centered else v) + eps
        if with_momentum:
            return rule + [("b", momentum * b + g / denominator), ("p", p - lr * b)]
        return rule + [("p", p - lr * g / denominator)]


BUILT_IN = {cls.kind: cls for cls in (SGD, Adam, AdamW, RMSprop)}
