"""A step in one call into C: ``net.step`` on a classifier's batch as NumPy usually holds it.

At batch 1 the MLP's step takes about 21 µs in C (the weights' check included), and the
Python around it (checking the samples, converting the labels, resolving the
hyperparameters, the pointers, keeping the step for undoing) took about 20 µs more; now
about 4 µs. For the common call, samples already in the net's
dtype, C-contiguous and shaped as the model's input, at most a compiled batch of them,
with int64 or int32 class labels, one C function (``sn_step`` in model.c.j2) checks the
samples for NaN and infinity, checks and converts the labels, copies both into the slot
that keeps the step for undoing, takes the step and checks the loss and the weights. What
it finds wrong in the inputs it reports before anything changes, and :meth:`Training.step`
then takes the general path, which names the argument in its ValueError; a step that
diverged is undone as the general path undoes it.

What a step needs from Python besides its inputs is made once and kept: the pointers to
the net's buffers (one ``sn_net`` struct), the hyperparameters as C reads them (until the
optimizer, a hyperparameter, ``lr`` or the active module changes), and the slots for the
kept steps' inputs.
"""

from __future__ import annotations

import numpy as np

from .training import NO_SCHEDULE

# What sn_step returns (see model.c.j2).
TAKEN, BAD_SAMPLES, BAD_LABELS, DIVERGED = 0, 1, 2, 3


class Quick:
    """What a quick step reads besides its inputs while one module is active (``c``, the
    net's pointers to its buffers, is made again when another becomes active), and the
    hyperparameters of the last call (``key``: the optimizer, its values and ``lr``)."""

    def __init__(self, net):
        built, c = net.built, net._c
        self.lib, self.ffi = built.lib, built.ffi
        self.c = c   # the struct points into these; they live as long as the module is active
        self.net = built.ffi.new("sn_net *", {
            "params": c["params"], "grads": c["grads"], "state": c["state"], "work": c["work"],
            "thread_grads": c["thread_grads"], "staging_x": c["staging_x"], "buffers": c["buffers"],
            "index": c["index"], "staging_targets": c["staging_targets"], "pacing": net._pacing,
            "threads": net.threads})
        self.key = self.optimizer = self.hyper = self.hyper_pointer = None
        self.schedule_pointer = net._pointer(NO_SCHEDULE)
        self.loss = built.ffi.new("double *")
        self.sample_type = f"{net._CTYPES[net._quick_dtype]}[]"
        # Steps whose inputs take at most half the bytes of a copy of the weights, state and
        # statistics are kept for undoing (see Training.STEPS_PER_COPY): this many samples.
        # (np.empty maps the slots' pages only as steps write them.)
        copy_bytes = net._flat.nbytes + net._state.nbytes + net._buffers.nbytes
        sample_bytes = int(np.prod(net.model.input_shape)) * net._flat.itemsize + 4   # and its int32 label
        self.kept_samples = min(net.batch, copy_bytes // (2 * sample_bytes))
        slots, room = net.STEPS_PER_COPY, max(1, self.kept_samples)
        self.kept_x = np.empty((slots, room, *net.model.input_shape), net._np)
        self.kept_labels = np.empty((slots, room), np.int32)
        self.kept_pointers = [(net._pointer(self.kept_x[slot]), net._pointer(self.kept_labels[slot]))
                              for slot in range(slots)]
        self.labels = np.empty(net.batch, np.int32)   # a step not kept converts its labels here
        self.labels_pointer = net._pointer(self.labels)


class QuickStep:
    """The quick path of :meth:`~symnet.training.Training.step` for :class:`~symnet.run.CompiledNet`,
    which supplies ``_quick_dtype``: the net's dtype for a classifier, else None."""

    _quick: Quick | None = None
    _LABEL_TYPES = {np.dtype(np.int64): ("int64_t[]", 1), np.dtype(np.int32): ("int32_t[]", 0)}

    def _quick_settings(self, lr) -> Quick:
        """The kept :class:`Quick`, with the hyperparameters of this call's ``lr``: made again
        when the active module changed, its hyperparameters when the optimizer, one of its
        hyperparameters or ``lr`` did. The caller holds the lock."""
        optimizer = self._optimizer
        key = (optimizer, tuple(optimizer.hyper.values()), type(lr), lr)
        quick = self._quick
        if quick is None or quick.c is not self._c or quick.key != key:
            optimizer, hyper = self._settings(lr)   # checked as the general path checks them
            self._activate(optimizer)
            if quick is None or quick.c is not self._c:
                quick = self._quick = Quick(self)
            quick.key, quick.optimizer, quick.hyper, quick.hyper_pointer = key, optimizer, hyper, self._pointer(hyper)
        return quick

    def _quick_step(self, x, y, lr) -> float | None:
        """``step(x, y, lr=lr)`` in one call into C, or None, having changed nothing, when the
        call is not one it takes (see the module's docstring) or its inputs hold something
        wrong, which the general path then names."""
        if not (type(x) is np.ndarray and type(y) is np.ndarray and x.dtype is self._quick_dtype
                and x.shape[1:] == self.model.input_shape and 0 < len(x) <= self.batch and y.shape == (len(x),)
                and y.dtype in self._LABEL_TYPES and x.flags.c_contiguous and y.flags.c_contiguous):
            return None
        count, training = len(x), self.training
        if training and self.model.couples_samples:
            self._minibatch(count, training)
        label_type, wide = self._LABEL_TYPES[y.dtype]
        with self._lock:
            quick = self._quick_settings(lr)
            keep = count <= quick.kept_samples
            steps = self._steps_to_keep(keep)
            kept_x, kept_labels = quick.kept_pointers[len(steps)] if keep else (quick.ffi.NULL, quick.labels_pointer)
            ffi = quick.ffi
            code = quick.lib.sn_step(quick.net, count, ffi.from_buffer(quick.sample_type, x),
                                     ffi.from_buffer(label_type, y), wide, kept_x, kept_labels, quick.hyper_pointer,
                                     quick.schedule_pointer, self._step_count, self._optimizer_steps, training,
                                     quick.loss)
            if code == TAKEN:
                self._step_count += 1
                self._optimizer_steps += 1
                if keep:
                    slot = len(steps)
                    steps.append((quick.kept_x[slot, :count], quick.kept_labels[slot, :count], quick.hyper, training))
                return quick.loss[0]
            if code == DIVERGED:
                self._undo_step(quick.loss[0], quick.optimizer, quick.hyper, steps)   # raises
        return None   # the inputs: the general path names what is wrong
