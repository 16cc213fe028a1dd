"""Train: optimizer steps and fit for a compiled net, where divergence is an error.

A step whose loss, or whose update of any parameter, is NaN or infinite raises
:class:`DivergenceError` and leaves the net with the weights, optimizer state and step
counts it had before that step, so a diverged net is never used, saved or trained on as if it were
fine. The check is one vectorized pass over the parameters per call into C (``sn_finite``,
about 5 µs for the MLP's 101,770 float32 parameters); the weights to go back to are copied
once per call of fit, and once per 16 calls of step while a step's inputs are at most half
the weights' bytes, else once per step (see :attr:`Training.STEPS_PER_COPY`).
"""

from __future__ import annotations

import math
import sys

import numpy as np

from .layers.base import MAX_ELEMENTS
from .optim.rule import number as optim_number
from .optim.schedules import Schedule
from .optim.state import CONSTANT
from .settings import positive_integer

# The numbers of the constant schedule (none: one unused value), for steps without a schedule.
NO_SCHEDULE = CONSTANT.value_array()


class DivergenceError(FloatingPointError):
    """Training made the loss or a parameter NaN or infinite; the net keeps the weights it
    had before the step that did.

    ``step`` is that step (minibatch) within its epoch and ``epoch`` its epoch (None for
    :meth:`~Training.step`), both counted from 1 as the message counts them; ``history``
    holds what :meth:`~Training.fit` recorded for the epochs before.
    """

    def __init__(self, message: str, epoch: int | None = None, step: int = 1, history: dict | None = None):
        super().__init__(message)
        self.epoch, self.step, self.history = epoch, step, history


def number(value, argument: str, low: float = 0.0, high: float = math.inf, open_low: bool = False) -> float:
    """A finite float in [low, high) (or (low, high) with ``open_low``), or a ValueError."""
    return optim_number(value, argument, low=low, high=high, open_low=open_low)


def _kept(array: np.ndarray, given: tuple) -> np.ndarray:
    """``array``, made from a call's arguments ``given``, as a step kept for undoing holds it: a
    copy, unless the conversion already made one of its own (the caller may change what it
    passed once the call returns)."""
    if array.base is None and not any(array is argument for argument in given):
        return array
    return array.copy()


class Training:
    """The training calls of :class:`~symnet.run.CompiledNet`, which supplies the buffers
    (``_flat``, ``_state`` and the copies ``_flat_before``, ``_state_before``), the step
    counts, ``_steps_since_copy`` (None whenever the weights are set), ``_settings``,
    ``_activate``, ``_batch``, ``_targets`` and ``_train`` (one call into sn_train; the
    caller holds ``_lock``)."""

    # -- divergence ----------------------------------------------------------------
    def _finite_params(self) -> bool:
        """Whether every parameter is finite: one vectorized pass in C (``sn_finite``), which
        allocates nothing and wakes no BLAS threads (NumPy's dot product of the weights with
        themselves took about as long as the rest of a step at batch 1)."""
        return bool(self.built.lib.sn_finite(self._c["params"], self._flat.size))

    def _save(self) -> None:
        """Copy the weights, the optimizer's state, the running statistics and the step counts
        before a call into C."""
        np.copyto(self._flat_before, self._flat)
        np.copyto(self._state_before, self._state)
        np.copyto(self._buffers_before, self._buffers)
        self._counts_before = (self.step_count, self._optimizer_steps)

    def _restore(self) -> None:
        np.copyto(self._flat, self._flat_before)
        np.copyto(self._state, self._state_before)
        np.copyto(self._buffers, self._buffers_before)
        self._step_count, self._optimizer_steps = self._counts_before

    def _why(self, loss: float, optimizer, hyper: np.ndarray, lr: float) -> tuple[str, str]:
        """What went non-finite in the step just taken, and what may have caused it."""
        if not math.isfinite(loss):
            what = f"the loss was {loss}"
        else:
            name, values = next((name, values) for name, values in self.params.items() if not np.isfinite(values).all())
            what = f"its update made {name} {'NaN' if np.isnan(values).any() else 'infinite'}"
        settings = dict(zip(optimizer.hyper, hyper), lr=lr)
        with np.errstate(over="ignore"):
            huge = [f"{argument}={value:g} is infinite in {self.dtype}"
                    for argument, value in settings.items() if not np.isfinite(self._np(value))]
        return what, "; ".join(huge) or f"lr={lr:g}; a smaller lr may help"

    def _find_divergence(self, x, targets, chosen, batch_size: int, optimizer, hyper,
                         schedule: np.ndarray) -> tuple[int, tuple[str, str]]:
        """After a call into C whose steps diverged: the first step of it that made the loss or
        a parameter non-finite, and why. The state before the call is restored and the steps
        taken again one by one to find it; then the steps before it are taken again in one call
        (the C is deterministic, and the schedule's rate follows the restored step count), so
        the net ends with exactly the state before that step."""
        self._restore()
        steps = -(-len(chosen) // batch_size)
        for bad in range(steps):
            rate = float(self._rates(schedule, hyper[0], self.step_count, np.empty(1))[0])
            loss = self._train(x, targets, chosen[bad * batch_size:(bad + 1) * batch_size], batch_size, hyper,
                               schedule, training=True)[0]
            if not (math.isfinite(loss) and self._finite_params()):
                why = self._why(loss, optimizer, hyper, rate)
                break
        else:  # pragma: no cover - the C gives the same steps the same results
            raise AssertionError("the steps that diverged did not diverge when taken again")
        self._restore()
        if bad:
            self._train(x, targets, chosen[:bad * batch_size], batch_size, hyper, schedule, training=True)
        return bad, why

    # -- the calls -----------------------------------------------------------------
    # Undoing a step needs the weights from before it. Copying them before every step would
    # cost more than checking them (a step at batch 1 is short), so while a step's inputs take
    # at most half the bytes of what a copy holds (weights, optimizer state, running
    # statistics), step copies those once per STEPS_PER_COPY steps and keeps the steps taken
    # since (with copies of their inputs): going back to the copy and taking those steps
    # again, which the C does exactly alike, undoes the last one. Each step then copies at
    # most about half what a copy of the weights would (the MLP at batch 64: 201 kB, not
    # 407 kB), and the steps kept take at most 8 times the bytes of a copy.
    STEPS_PER_COPY = 16

    def step(self, x, y, lr: float | None = None, momentum: float | None = None,
             weight_decay: float | None = None, comm=None) -> float:
        """One step of :attr:`optimizer` on the batch ``x, y`` in the net's mode
        (``net.training``); returns the loss before the step.

        With ``comm``, an mpi4py communicator, every process passes its share of the
        minibatch and every process takes the step of the whole minibatch (see
        :mod:`symnet.distributed`); the loss returned is the whole minibatch's.

        ``lr`` (and, for an optimizer that has them, ``momentum`` and ``weight_decay``)
        replace the optimizer's own for this call only. Raises :class:`DivergenceError`, with
        the weights, state and step counts left as they were, when the loss or the updated
        parameters are NaN or infinite.
        """
        if comm is not None:
            from . import distributed
            return distributed.step(self, comm, x, y, lr=lr, momentum=momentum, weight_decay=weight_decay)
        if momentum is None and weight_decay is None:
            loss = self._quick_step(x, y, lr)   # the common call, in one call into C (symnet.quick_step)
            if loss is not None:
                return loss
        optimizer, hyper = self._settings(lr, momentum=momentum, weight_decay=weight_decay)
        given = (x, y)
        x, targets = self._batch(x, y)
        training = self.training
        self._minibatch(len(x), training)
        with self._lock:
            self._activate(optimizer)
            small = (x.nbytes + targets.nbytes) * 2 <= self._flat.nbytes + self._state.nbytes + self._buffers.nbytes
            steps = self._steps_to_keep(small)
            loss = float(self._train(x, targets, None, len(x), hyper, NO_SCHEDULE, training)[0])
            if math.isfinite(loss) and self._finite_params():
                if steps is not None:
                    steps.append((_kept(x, given), _kept(targets, given), hyper, training))
                return loss
            self._undo_step(loss, optimizer, hyper, steps)

    def _steps_to_keep(self, keep: bool) -> list | None:
        """The steps kept since the last copy, which the step about to be taken joins if
        ``keep`` (None if not): a new copy first, and an empty list, when there is none yet,
        when STEPS_PER_COPY steps are kept already, or when this step is not kept. The caller
        holds the lock."""
        steps = self._steps_since_copy if keep else None
        if steps is None or len(steps) == self.STEPS_PER_COPY:
            self._save()
            steps = [] if keep else None
        self._steps_since_copy = steps
        return steps

    def _undo_step(self, loss: float, optimizer, hyper: np.ndarray, steps: list | None) -> None:
        """Raise step's DivergenceError after undoing the step just taken (its ``loss``, with
        ``optimizer`` and ``hyper``): back to the copy, and the ``steps`` kept since taken
        again. The caller holds the lock."""
        what, hint = self._why(loss, optimizer, hyper, hyper[0])
        self._restore()
        for kept_x, kept_targets, kept_hyper, kept_training in steps or ():
            self._train(kept_x, kept_targets, None, len(kept_x), kept_hyper, NO_SCHEDULE, kept_training)
        raise DivergenceError(f"step: training diverged: {what}; the net keeps the weights from before the step "
                              f"({hint})")

    def _fit_settings(self, epochs, batch_size, lr, momentum, weight_decay, lr_decay, schedule, train_accuracy):
        """``fit``'s arguments checked, in one process and over a communicator alike:
        ``(epochs, batch_size, optimizer, hyper, lr_decay, schedule, scheduled)``, where no
        schedule is the constant one and ``scheduled`` says whether one was given."""
        epochs = positive_integer(epochs, "epochs")
        batch_size = self.batch if batch_size is None else positive_integer(batch_size, "batch_size")
        optimizer, hyper = self._settings(lr, momentum=momentum, weight_decay=weight_decay)
        lr_decay = number(lr_decay, "lr_decay", high=1.0 + 1e-12, open_low=True)
        scheduled = schedule is not None
        if scheduled:
            if not isinstance(schedule, Schedule):
                raise TypeError(f"schedule: expected a schedule such as sn.schedules.cosine(...), "
                                f"got {type(schedule).__name__}")
            if lr_decay != 1.0:
                raise ValueError("lr_decay: give a schedule or lr_decay, not both")
        if train_accuracy and not self.model.loss.classifies:
            raise ValueError(f"train_accuracy: {self.model.loss.describe()} does not classify, so there is no accuracy")
        return epochs, batch_size, optimizer, hyper, lr_decay, schedule if scheduled else CONSTANT, scheduled

    def _next_rate(self, optimizer, schedule, numbers, lr: float) -> float:
        """The rate of the net's next step under ``schedule`` (its numbers ``numbers``, its base
        rate ``lr``), as the C computes it: what fit's history records for an epoch."""
        with self._lock:
            self._activate(optimizer, schedule)
            return float(self._rates(numbers, lr, self.step_count, np.empty(1))[0])

    def fit(self, x, y, epochs: int = 1, lr: float | None = None, momentum: float | None = None,
            weight_decay: float | None = None, lr_decay: float = 1.0, schedule: Schedule | None = None,
            batch_size: int | None = None, shuffle: bool = True, seed: int = 0, validation=None,
            progress: bool | None = None, train_accuracy: bool = False, comm=None) -> dict[str, list[float]]:
        """Train with minibatches and :attr:`optimizer`; returns the history: one value per
        epoch under each key.

        - ``"loss"``: the mean of the epoch's minibatch losses, each taken in training mode
          before its step (as the progress bar shows it);
        - ``"lr"``: the learning rate of the epoch's first step (the schedule's, or ``lr``
          times ``lr_decay`` per epoch);
        - ``"accuracy"``: with ``train_accuracy=True`` (classifiers), the accuracy on all of
          ``x`` in eval mode after the epoch: one more forward pass over the training data,
          about a third of an epoch's work, so it is asked for;
        - ``"val_loss"``, ``"val_accuracy"``: with ``validation``, what :meth:`evaluate`
          gives for it after the epoch (accuracy for classifiers).

        Minibatches of ``batch_size`` (default: the compiled batch) are drawn in a
        shuffled order seeded by ``seed``. ``lr`` (and ``momentum``, ``weight_decay``) replace
        the optimizer's own for this call; the learning rate is multiplied by ``lr_decay``
        after each epoch, or set for every step by ``schedule`` (see :mod:`symnet.optim.schedules`),
        a formula of the net's :attr:`step_count` and that rate, which the C evaluates for each
        step. Before any step, the rates of every step of the call are computed by that C, and
        one that is negative or not finite is a ValueError naming the step. Training runs in training mode, whatever ``net.training``
        says (which it leaves as it was); ``validation=(x, y)`` is evaluated in eval mode after
        each epoch. A progress bar with the running loss is shown when ``progress`` is true, or,
        by default, when standard error is a terminal. :func:`symnet.plot.history` draws the
        history.

        Raises :class:`DivergenceError`, naming the epoch and step, when a minibatch's loss
        or its update of the parameters is NaN or infinite; the net then keeps the weights
        it had after the last good step.

        With ``comm``, an mpi4py communicator, every process passes its shard of the data set
        (and of ``validation``), ``batch_size`` is the global minibatch, and every process
        takes the steps one process would over the shards concatenated in rank order (see
        :mod:`symnet.distributed`).
        """
        if comm is not None:
            from . import distributed
            return distributed.fit(self, comm, x, y, epochs=epochs, lr=lr, momentum=momentum,
                                   weight_decay=weight_decay, lr_decay=lr_decay, schedule=schedule,
                                   batch_size=batch_size, shuffle=shuffle, seed=seed, validation=validation,
                                   progress=progress, train_accuracy=train_accuracy)
        from tqdm.auto import tqdm

        epochs, batch_size, optimizer, hyper, lr_decay, schedule, scheduled = self._fit_settings(
            epochs, batch_size, lr, momentum, weight_decay, lr_decay, schedule, train_accuracy)
        numbers = schedule.value_array()
        x, targets = self._batch(x, y)
        # A minibatch larger than all samples is all samples: the same steps, and sn_train's
        # int counters stay within what it counts.
        batch_size = min(batch_size, len(x))
        if validation is not None:
            val_x, val_y = validation
            # checked now, a block at a time, and converted again by each epoch's evaluate,
            # so no copy of them all is kept
            val_x = self.model.check_input_shape(val_x, "validation x")
            for _ in self._blocks(val_x, "validation x"):
                pass
            self._targets(val_y, len(val_x))
            self._count(len(val_x))
        show = sys.stderr.isatty() if progress is None else bool(progress)
        rng = np.random.default_rng(seed)
        history: dict[str, list[float]] = {"loss": []}
        sizes = np.minimum(batch_size, len(x) - batch_size * np.arange(-(-len(x) // batch_size)))
        for size in dict.fromkeys((int(sizes[0]), int(sizes[-1]))):   # the chunk rule, before any step
            self._minibatch(size, True)
        # One call into C per epoch; with a progress bar, one per twentieth of an epoch. sn_train
        # counts a call's samples in int, up to one minibatch past the last.
        per_call = -(-len(sizes) // 20) if show else len(sizes)
        per_call = max(1, min(per_call, (MAX_ELEMENTS - self.batch) // batch_size))
        if scheduled:   # every step's rate, before the first step (the constant one is lr, checked)
            with self._lock:
                self._activate(optimizer, schedule)
                self._check_rates(schedule, numbers, hyper[0], epochs * len(sizes))
        for epoch in range(epochs):
            order = (rng.permutation(len(x)) if shuffle else np.arange(len(x))).astype(np.int32)
            losses = np.empty(len(sizes))
            rate = self._next_rate(optimizer, schedule, numbers, hyper[0]) if scheduled else float(hyper[0])
            with tqdm(total=len(sizes), desc=f"epoch {epoch + 1}/{epochs}", unit="batch", disable=not show,
                      leave=True) as bar:
                for first in range(0, len(sizes), per_call):
                    chosen = order[first * batch_size:(first + per_call) * batch_size]
                    with self._lock:
                        self._activate(optimizer, schedule)
                        self._steps_since_copy = None  # the copy step keeps is overwritten
                        self._save()
                        part = self._train(x, targets, chosen, batch_size, hyper, numbers, training=True)
                        if not (np.isfinite(part).all() and self._finite_params()):
                            bad, (what, hint) = self._find_divergence(x, targets, chosen, batch_size, optimizer,
                                                                      hyper, numbers)
                            step = first + bad + 1
                            raise DivergenceError(
                                f"fit: training diverged at epoch {epoch + 1}, step {step} of {len(sizes)}: {what}; "
                                f"the net keeps the weights from before that step ({hint})",
                                epoch=epoch + 1, step=step, history=history)
                    done = first + len(part)
                    losses[first:done] = part
                    bar.update(len(part))
                    bar.set_postfix(loss=f"{losses[:done] @ sizes[:done] / sizes[:done].sum():.4f}", refresh=False)
            history["loss"].append(float(losses @ sizes / len(x)))
            history.setdefault("lr", []).append(rate)
            if train_accuracy:
                history.setdefault("accuracy", []).append(self.evaluate(x, y)["accuracy"])
            hyper = hyper.copy()
            hyper[0] *= lr_decay
            if validation is not None:
                for name, value in self.evaluate(val_x, val_y).items():
                    history.setdefault(f"val_{name}", []).append(value)
                if show:
                    bar.write(f"epoch {epoch + 1}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items()))
        return history
