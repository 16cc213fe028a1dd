"""The reference's training: optimizer steps in NumPy, from the same formulas the C is emitted from.

Mirrors :class:`symnet.optim.state.OptimizerState` and ``CompiledNet.step`` in float64,
so a compiled net can be held to it step for step: the state by name (zero until a rule
first writes it), ``step_count`` and ``optimizer_steps``, and ``lr`` (and ``momentum``,
``weight_decay``) overriding the optimizer's own for one call. A schedule's reference is its
NumPy evaluation (:meth:`~symnet.optim.schedules.Schedule.rates`, and calling it), the same
formula the C of ``fit`` evaluates per step; ``ref.step(x, y, lr=schedule(t, lr))`` takes
the step a scheduled ``fit`` takes at step ``t``.
"""

from __future__ import annotations

import numpy as np

from .builtin import SGD
from .state import check_optimizer, for_one_call, starts_afresh


class ReferenceTraining:
    """``step`` and the optimizer of :class:`~symnet.reference.Reference`."""

    def _start_optimizer(self, optimizer) -> None:
        self._optimizer = SGD() if optimizer is None else check_optimizer(optimizer)
        self.optimizer_state: dict[str, dict[str, np.ndarray]] = {}
        self.step_count = self._optimizer_steps = 0

    def _reset_training(self) -> None:
        self.optimizer_state = {}
        self.step_count = self._optimizer_steps = 0

    @property
    def optimizer(self):
        """The optimizer ``step`` uses; assigning another kind starts its state afresh."""
        return self._optimizer

    @optimizer.setter
    def optimizer(self, value) -> None:
        value = check_optimizer(value)
        old = self._optimizer
        if starts_afresh(old, value):
            self.optimizer_state, self._optimizer_steps = {}, 0
        self._optimizer = value

    def step(self, x, y, lr: float | None = None, momentum: float | None = None,
             weight_decay: float | None = None) -> float:
        """One step of :attr:`optimizer` on the batch ``x, y`` in the reference's mode (its one
        forward updating the running statistics in training mode), its rule evaluated by
        NumPy; returns the loss before it. ``lr`` (``momentum``, ``weight_decay``) replace the
        optimizer's own for this call, as in ``CompiledNet.step``."""
        optimizer, hyper = for_one_call(self._optimizer, lr, momentum=momentum, weight_decay=weight_decay)
        t = self._optimizer_steps + 1
        grads, _, loss = self._backward(x, y)
        for name, grad in grads.items():
            state = {key: arrays[name] for key, arrays in self.optimizer_state.items() if name in arrays}
            self._params[name] = optimizer.apply(self._params[name], grad, state, t, hyper)
            for key, value in state.items():
                self.optimizer_state.setdefault(key, {})[name] = value
        self.step_count += 1
        self._optimizer_steps += 1
        return loss
