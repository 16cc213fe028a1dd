"""A compiled net's optimizer: which compiled module trains, its state, and the step counts.

The C of a net is compiled for one update rule (an optimizer's :meth:`structure`) and one
learning-rate schedule (a schedule's :meth:`~symnet.optim.schedules.Schedule.structure`:
its formula with its numbers as symbols; ``step`` and ``fit`` without a schedule use
:func:`~symnet.optim.schedules.constant`); the hyperparameters and the schedule's numbers
are passed at run time. Changing only those keeps the module; changing a structure
(another kind, or a built-in option such as ``amsgrad``, or a momentum going to or from
zero; another schedule, or another composition) loads the module of that structure, from
the net's own modules when it has used it before, else from the cache, else compiled.

The state is one array of (states x parameters) in the order the active rule names its
states. States the active rule does not use (a momentum buffer while a call overrides the
momentum to zero) are kept aside by name and come back when a rule uses them again, as
PyTorch keeps a buffer it does not update. Changing the optimizer's kind starts from a
fresh state, as a new ``torch.optim`` optimizer would.

``step_count`` counts every step the net has taken (schedules and Dropout key on it);
``optimizer_steps`` the steps its optimizer's state has seen (``t - 1`` in the rule). Both
start at 0 when the weights are set, and both are saved with the net.
"""

from __future__ import annotations

import numpy as np

from ..settings import count
from .builtin import SGD
from .rule import Optimizer
from .schedules import Schedule, constant

CONSTANT = constant()   # the schedule of a step, and of fit without one: the rate is lr


def check_optimizer(value) -> Optimizer:
    """``value`` if it is an optimizer (``sn.SGD(...)``, ``sn.Adam(...)``, ``sn.Optimizer(...)``)."""
    if not isinstance(value, Optimizer):
        raise TypeError(f"optimizer: expected an optimizer such as sn.SGD(...) or sn.Adam(...), "
                        f"got {type(value).__name__}")
    value.structure()   # options that do not go together are refused before any C runs
    return value


def starts_afresh(old: Optimizer, new: Optimizer) -> bool:
    """True if ``new`` has another kind or rule than ``old``: its state starts from zero, as a
    new ``torch.optim`` optimizer's does."""
    return new.kind != old.kind or (new.kind == "Optimizer" and new.structure() != old.structure())


def for_one_call(optimizer: Optimizer, lr=None, **overrides) -> tuple[Optimizer, dict]:
    """``optimizer`` with the hyperparameters given to one call (``lr``, and the older
    ``momentum`` and ``weight_decay``) in place of its own, and its hyperparameters by name
    (``lr`` first); checked before any C runs. The compiled net and the reference both use it."""
    given = {name: value for name, value in overrides.items() if value is not None}
    if given:   # (checked apart from the common case: a step at batch 1 takes tens of µs)
        unknown = [name for name in given if name not in optimizer.hyper]
        if unknown:
            raise TypeError(f"{unknown[0]}: {optimizer.describe()} has no hyperparameter {unknown[0]}")
        optimizer = optimizer.with_hyper(**given)
    optimizer.structure()   # refuses options that do not go together
    hyper = dict(optimizer.hyper)
    if lr is not None:
        hyper["lr"] = optimizer._check_value("lr", lr)
    return optimizer, hyper


class OptimizerState:
    """The optimizer part of :class:`~symnet.run.CompiledNet`, which supplies ``_load_module``
    (a built module for an optimizer), ``_arrays`` (the buffers passed to C by name),
    ``_pointer``, ``_np``, ``layout`` and ``_lock``."""

    def _start_optimizer(self, optimizer) -> None:
        self._optimizer = SGD() if optimizer is None else check_optimizer(optimizer)
        self._modules, self._active, self._active_rule, self._state_names, self._parked = {}, None, None, (), {}
        self._step_count = self._optimizer_steps = 0
        self._activate(self._optimizer)

    @property
    def step_count(self) -> int:
        """Every step the net has taken (``step`` adds 1, ``fit`` one per minibatch): the t of
        schedules and part of Dropout's key; saved with the weights."""
        return self._step_count

    @step_count.setter
    def step_count(self, value) -> None:
        self._step_count = count(value, "step_count")
        self._steps_since_copy = None   # steps kept for undoing were taken at other counts (Dropout's key)

    @property
    def optimizer(self) -> Optimizer:
        """The optimizer that ``step`` and ``fit`` use. Its hyperparameters may be changed at any
        time (``net.optimizer.lr = 1e-4``) without compiling; assigning another kind starts its
        state afresh and loads (or compiles) the module of its rule."""
        return self._optimizer

    @optimizer.setter
    def optimizer(self, value) -> None:
        value = check_optimizer(value)
        with self._lock:
            old, self._optimizer = self._optimizer, value
            if starts_afresh(old, value):
                self._clear_state()
            self._activate(value)

    @property
    def built(self):
        """The compiled module of the active update rule and schedule."""
        return self._modules[self._active]

    def _activate(self, optimizer: Optimizer, schedule: Schedule = CONSTANT) -> None:
        """Make the module of ``optimizer``'s rule and ``schedule`` the one C trains with (the
        caller holds the lock, or the net is being made). The optimizer's state is laid out
        again only when the rule changes."""
        key = (optimizer.structure(), schedule.structure())
        if key == self._active:
            return
        if key not in self._modules:
            self._modules[key] = self._load_module(optimizer, schedule)
        if optimizer.structure() != self._active_rule:
            self._lay_out_state(optimizer)
        self._active, self._active_pair = key, (optimizer, schedule)
        self._c = {name: self._pointer(array) for name, array in self._arrays.items()}
        self._pacing = self.built.ffi.cast("sn_pacing *", self.built.ffi.from_buffer(self._pacing_bytes))
        self._steps_since_copy = None   # steps kept for undoing were taken with another module

    def _lay_out_state(self, optimizer: Optimizer) -> None:
        """The state array for ``optimizer``'s rule: the states it keeps, in its order, taken
        from those kept aside by name (zero for a state not seen before)."""
        size = self.layout.param_size
        for index, name in enumerate(self._state_names):
            self._parked[name] = self._state[index * size:(index + 1) * size]
        names = optimizer.rule_state()
        state = np.zeros(max(1, len(names) * size), self._np)   # (a rule without state: one value, unread)
        for index, name in enumerate(names):
            if name in self._parked:
                state[index * size:(index + 1) * size] = self._parked.pop(name)
        self._state, self._state_before, self._state_names = state, np.zeros_like(state), names
        self._arrays["state"] = state
        self._active_rule = optimizer.structure()

    def _clear_state(self) -> None:
        """A fresh state for the net's own optimizer (as a new torch.optim optimizer starts)."""
        self._activate(self._optimizer)
        self._state[:] = 0
        self._parked = {}
        self._optimizer_steps = 0
        self._steps_since_copy = None

    def _reset_training(self) -> None:
        """New weights: a fresh optimizer state and step counts."""
        self._clear_state()
        self._step_count = 0

    @property
    def optimizer_state(self) -> dict[str, dict[str, np.ndarray]]:
        """A copy of the optimizer's state: ``{state name: {parameter name: array}}``."""
        size = self.layout.param_size
        rows = dict(self._parked)
        rows.update({name: self._state[index * size:(index + 1) * size] for index, name in enumerate(self._state_names)})
        return {name: {param: row[offset:offset + int(np.prod(shape))].reshape(shape).copy()
                       for param, (offset, shape) in self.layout.params.items()} for name, row in rows.items()}

    def _set_training_state(self, state: dict, step_count: int, optimizer_steps: int) -> None:
        """Restore what :attr:`optimizer_state` and the counts held (as :func:`symnet.load` does)."""
        size = self.layout.param_size
        with self._lock:
            self._clear_state()
            for name, arrays in state.items():
                row = np.zeros(size, self._np)
                with np.errstate(over="ignore"):   # a float64 state past float32's range: refused below
                    for param, (offset, shape) in self.layout.params.items():
                        row[offset:offset + int(np.prod(shape))] = np.asarray(arrays[param], self._np).reshape(-1)
                if not np.isfinite(row).all():
                    raise ValueError(f"state:{name}: does not fit in {self.dtype} (it overflows to infinity)")
                if name in self._state_names:
                    index = self._state_names.index(name)
                    self._state[index * size:(index + 1) * size] = row
                else:
                    self._parked[name] = row
            self._step_count, self._optimizer_steps = int(step_count), int(optimizer_steps)

    def _settings(self, lr=None, **overrides) -> tuple[Optimizer, np.ndarray]:
        """The optimizer for one call, with the hyperparameters given to that call (``lr``, and
        the older ``momentum`` and ``weight_decay``) in place of its own, and its hyperparameters
        as C reads them. Checked before any C runs."""
        optimizer, hyper = for_one_call(self._optimizer, lr, **overrides)
        return optimizer, np.fromiter(hyper.values(), np.float64, len(hyper))

    # Blocks of steps whose rates are checked at a time: the rates of a long call are not all held.
    RATE_BLOCK = 1 << 16

    def _check_rates(self, schedule: Schedule, values: np.ndarray, lr: float, count: int) -> None:
        """A ValueError naming the step unless the rates of the next ``count`` steps, as the
        active module's C computes them (``sn_rates``, the function ``sn_train`` calls), are
        finite and not negative. The caller holds the lock, with ``schedule``'s module active."""
        rates = np.empty(min(count, self.RATE_BLOCK))
        for first in range(0, count, self.RATE_BLOCK):
            block = rates[:min(self.RATE_BLOCK, count - first)]
            self._rates(values, lr, self._step_count + first, block)
            schedule.check_rates(block, self._step_count + first)

    def _rates(self, values: np.ndarray, lr: float, first: int, out: np.ndarray) -> np.ndarray:
        """``out`` filled with the rates of steps ``first, first + 1, ...`` of the active schedule
        (its numbers ``values``), computed by its C. The caller holds the lock."""
        self.built.lib.sn_rates(first, len(out), lr, self._pointer(values), self._pointer(out))
        return out
