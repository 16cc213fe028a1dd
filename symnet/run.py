"""Run: a compiled model, with the reference's calls plus training (see symnet.training).

The C works on at most the compiled batch of samples at a time; every call here takes
any number of samples and walks them in chunks, so a remainder is neither dropped nor
padded into the gradient (the loss and gradients are those of the mean over all
samples). Every array is checked before C sees it.
"""

from __future__ import annotations

import math
import os
import threading

import numpy as np

from . import runtime, wrapper
from .build import Built, build, declaration_key, load_declared, remember_declared
from .cache import CacheError
from .emit import Emitted, emit
from .export import Leaving
from .layers.base import MAX_ELEMENTS
from .layout import Layout, plan
from .model import Model
from .modes import Modes
from .optim.builtin import SGD
from .optim.rule import optimizer_from_dict
from .optim.state import CONSTANT, OptimizerState, check_optimizer
from .quick_step import QuickStep
from .saving import read_net, save
from .settings import check_settings, positive_integer
from .sizes import buffer_dtypes, buffer_sizes, check_batch, compiled_batch, show_bytes
from .training import DivergenceError, Training

__all__ = ["CompiledNet", "DivergenceError", "compile", "default_threads", "load"]

NUMPY_DTYPES = {"float32": np.float32, "float64": np.float64}


class CompiledNet(Training, QuickStep, OptimizerState, Modes, Leaving):
    """A model compiled to C for one dtype and batch size; see :func:`compile`.

    ``buffer_bytes`` is what its buffers take: parameters, gradients, the optimizer's state,
    each layer's outputs and gradients for a compiled batch, scratch, and the copies of the
    parameters and state that let training undo a step that diverged.
    """

    def __init__(self, model: Model, batch: int = 64, dtype: str = "float32", params: dict | None = None,
                 sanitize: bool = False, threads: int | None = None, optimizer=None, buffers: dict | None = None):
        if not isinstance(model, Model):
            raise TypeError(f"model: expected a sn.Model or sn.Sequential, got {type(model).__name__}")
        self.model = model
        self._dtype = dtype
        running = model.init_buffers() if buffers is None else buffers   # the name buffers is taken below
        self._emitted: dict = {}
        self._sanitize = sanitize
        check_settings(dtype, batch)
        self._batch_size = int(batch)
        self._threads = default_threads() if threads is None else positive_integer(threads, "threads")
        first = SGD() if optimizer is None else check_optimizer(optimizer)
        # Before compiling: a batch the C cannot index, or the machine cannot hold, is refused.
        self.buffer_bytes = check_batch(model, plan(model, self.batch), self.batch, dtype, self.threads,
                                        states=len(first.rule_state()))
        params = model.init_params() if params is None else model.check_params(params)
        self._np = NUMPY_DTYPES[dtype]
        self._quick_dtype = np.dtype(self._np) if model.loss.target_type == "int32_t" else None   # quick_step
        self.layout = None   # read from the first module loaded (its sn_layout array)
        self._lock = threading.Lock()  # the buffers belong to one call at a time
        # Every buffer the C uses (sizes.buffer_sizes says what each holds). grads are zero
        # between calls: sn_train expects it and clears them as it uses them; a call that adds
        # gradients in Python's sight (gradients, deltas) clears them after.
        self._first_module = self._load_module(first, CONSTANT)
        self.layout = Layout.read(model, self._first_module.lib.sn_layout)
        dtypes = buffer_dtypes(model, dtype)
        self._target_dtype = dtypes["staging_targets"]   # class labels reach C as int32, other targets as dtype
        try:
            buffers = {name: np.zeros(size, dtypes[name])
                       for name, size in buffer_sizes(model, self.layout, self.batch, self.threads).items()
                       if name not in ("state", "state_before")}   # sized for each rule (OptimizerState)
        except MemoryError:
            raise ValueError(f"batch: the buffers of {compiled_batch(self.batch, dtype, self.threads)} need "
                             f"{show_bytes(self.buffer_bytes)} ({self.buffer_bytes:,} bytes), which could not be "
                             "allocated; compile a smaller batch") from None
        self._flat, self._grads = buffers["params"], buffers["grads"]
        self._work, self._thread_grads, self._index = buffers["work"], buffers["thread_grads"], buffers["index"]
        self._staging_x, self._staging_targets = buffers["staging_x"], buffers["staging_targets"]
        self._flat_before = buffers["params_before"]
        self._buffers, self._buffers_before = buffers["buffers"], buffers["buffers_before"]
        # The buffers never move while one module trains, so their C pointers are made when it
        # becomes the active one (a step at batch 1 is short enough that making them on every
        # call would show). The optimizer's state is sized for its rule (OptimizerState).
        self._arrays = {name: array for name, array in buffers.items()
                        if not name.endswith("_before") and name != "state"}
        # Whether each call runs its shares of the samples on all threads or one, and the
        # timings that choose (sn_pacing in model.c.j2): kept across calls, and across modules.
        self._pacing_bytes = bytearray(self._first_module.ffi.sizeof("sn_pacing"))
        self._start_optimizer(first)
        self.params = params
        self.buffers = running
        self.training = True   # the mode: see train() and eval()

    # -- inspection -----------------------------------------------------------------
    # What the C and its buffers were made for: fixed for the net's life (a net for other
    # settings is another sn.compile), so read-only.
    @property
    def batch(self) -> int:
        """The compiled batch: the most samples the C takes in one call."""
        return self._batch_size

    @property
    def dtype(self) -> str:
        """``"float32"`` or ``"float64"``."""
        return self._dtype

    @property
    def threads(self) -> int:
        """The shares each call splits its samples into (fewer when a share would have fewer
        samples than the C's SN_MIN_SHARE, or in a step whose first layer runs by rows of its
        weight SN_MIN_SHARE_ROWS), and the most threads that run them. The results
        depend on this number, never on how many threads ran the shares (see
        :attr:`thread_policy`)."""
        return self._threads

    THREAD_POLICIES = {"adaptive": 0, "all": 1, "one": 2}

    @property
    def thread_policy(self) -> str:
        """How a call runs its shares of the samples: ``"all"`` on :attr:`threads` threads,
        ``"one"`` one after another on the calling thread, or ``"adaptive"`` (the default)
        whichever of the two is faster now: the C times its calls and tries the other way
        now and then, so a machine that other processes keep busy, where the threads of a
        parallel call wait for one another, trains at the speed of one thread rather than a
        fraction of it. The results are the same to the bit whichever way a call runs."""
        pinned = self._pacing.forward.pinned
        return next(name for name, value in self.THREAD_POLICIES.items() if value == pinned)

    @thread_policy.setter
    def thread_policy(self, value: str) -> None:
        if value not in self.THREAD_POLICIES:
            raise ValueError(f"thread_policy: one of {', '.join(map(repr, self.THREAD_POLICIES))}, got {value!r}")
        with self._lock:
            for pace in (self._pacing.forward, self._pacing.backward, self._pacing.step):
                pace.pinned = self.THREAD_POLICIES[value]

    @property
    def thread_use(self) -> dict[str, dict[str, int]]:
        """How many calls into C of each kind ran on all threads and how many on one, since
        the net was made: ``{"forward": {"all": n, "one": m}, "backward": {...}, "step": {...}}``.
        ``step`` counts the training steps of ``step`` and ``fit`` (a chunk's forward and
        backward in one parallel region), ``forward`` and ``backward`` the passes of the other
        calls (``forward``, ``gradients``, ...); each kind is timed and chosen on its own. A
        call with one share (too few samples to split) counts as one thread."""
        pacing = self._pacing
        return {kind: {"all": int(pace.calls[0]), "one": int(pace.calls[1])}
                for kind, pace in (("forward", pacing.forward), ("backward", pacing.backward), ("step", pacing.step))}

    @property
    def source_path(self):
        """The emitted C file."""
        return self.built.source_path

    @property
    def emitted(self) -> Emitted:
        """The emitted C of the active update rule and schedule (derived and emitted on first
        use when the module came from the cache)."""
        return self._emit(*self._active_pair)

    def _emit(self, optimizer, schedule) -> Emitted:
        key = (optimizer.structure(), schedule.structure())
        if key not in self._emitted:
            self._emitted[key] = emit(self.model, self.dtype, self.batch, optimizer, schedule)
        return self._emitted[key]

    def _load_module(self, optimizer, schedule) -> Built:
        """The built module training with ``optimizer``'s rule and ``schedule``: a declaration
        compiled before is loaded without deriving or emitting it again."""
        first = getattr(self, "_first_module", None)
        if first is not None:   # made while reading the layout
            self._first_module = None
            return first
        declaration = {**self.model.to_dict(), "optimizer": optimizer.compiled_form(),
                       "schedule": schedule.compiled_form()}
        declared = declaration_key(declaration, self.dtype, self.batch, self._sanitize)
        built = load_declared(declared, self._sanitize)
        if built is None:
            # the shared runtime compiles in the background meanwhile, if it is not in the cache
            runtime.start(self.dtype, self._sanitize)
            wrapper.start_for(self.dtype, self.model.loss.target_type, self._sanitize)   # cffi's, the same way
            built = build(self._emit(optimizer, schedule), sanitize=self._sanitize)
            remember_declared(declared, built)
        return built

    @property
    def source(self) -> str:
        return self.source_path.read_text()

    @property
    def flags(self) -> tuple[str, ...]:
        return self.built.flags

    def derivation(self):
        """The derivation the C was emitted from, with the optimizer's update rule."""
        return self.model.derivation(optimizer=self._optimizer)

    def __repr__(self) -> str:
        return (f"CompiledNet({self.model.name}, batch={self.batch}, dtype={self.dtype!r}, threads={self.threads}, "
                f"source={self.source_path})")

    # -- parameters -----------------------------------------------------------------
    def _unflatten(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Copies of every parameter-shaped slice of ``flat`` (params, grads), by name."""
        return {name: flat[offset:offset + int(np.prod(shape))].reshape(shape).copy()
                for name, (offset, shape) in self.layout.params.items()}

    @property
    def params(self) -> dict[str, np.ndarray]:
        """A copy of every parameter, in PyTorch's layouts."""
        return self._unflatten(self._flat)

    @params.setter
    def params(self, value: dict) -> None:
        checked = self.model.check_params(value)
        with np.errstate(over="ignore"):
            cast = {name: array.astype(self._np) for name, array in checked.items()}
        for name, array in cast.items():
            if not np.isfinite(array).all():
                raise ValueError(f"params: {name} does not fit in {self.dtype} (it overflows to infinity)")
        for name, (offset, shape) in self.layout.params.items():
            self._flat[offset:offset + int(np.prod(shape))] = cast[name].reshape(-1)
        self._reset_training()   # new weights: a fresh optimizer state; step's copy is of other weights

    # -- the calls into C ------------------------------------------------------------
    # The C type of each NumPy dtype passed to C.
    _CTYPES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double", np.dtype(np.int32): "int32_t",
               np.dtype(np.int64): "int64_t"}

    def _pointer(self, array: np.ndarray):
        """A C pointer to ``array``'s data, typed by its dtype (so cffi refuses a mismatch)."""
        return self.built.ffi.from_buffer(f"{self._CTYPES[array.dtype]}[]", array)

    def _targets(self, y, count: int) -> np.ndarray:
        """Targets checked and converted for C: the loss checks them in float64, so they are
        checked again in the net's dtype, where 1e39 is infinite in float32. Class labels as
        NumPy makes them (int64, one a sample) are checked and converted by the C in one pass
        (``sn_labels``); any others, and labels out of range, by the loss, which names them."""
        if type(y) is np.ndarray and y.dtype == np.int64 and y.shape == (count,) and self._target_dtype == np.int32 \
                and y.flags.c_contiguous:
            labels = np.empty(count, np.int32)
            if self.built.lib.sn_labels(self._pointer(y), self._pointer(labels), count, self.model.loss.classes):
                return labels
        targets = self.model.loss.targets(y, count)
        if targets.dtype.kind != "f" or targets.dtype == self._target_dtype:  # labels, or checked as they are
            return np.ascontiguousarray(targets, dtype=self._target_dtype)
        with np.errstate(over="ignore"):  # casting 1e39 to float32 warns; the error below says why
            targets = np.ascontiguousarray(targets, dtype=self._target_dtype)
        if not np.isfinite(targets).all():
            raise ValueError(f"targets: contain values too large for {self.dtype} (they overflow to infinity)")
        return targets

    def _chunks(self, count: int):
        for start in range(0, count, self.batch):
            yield start, min(self.batch, count - start)

    def _forward_chunk(self, x: np.ndarray, start: int, count: int, training: bool, offset: int | None = None) -> None:
        """Forward for ``x[start:start + count]``; ``offset`` (default ``start``) is the index of
        its first sample within the call's samples, which (with the step) keys Dropout's masks.
        In training mode it updates the running statistics, as PyTorch's forward does."""
        c = self._c
        if training and self.layout.buffer_size:
            self._steps_since_copy = None   # steps kept for undoing would be taken again without this update
        self.built.lib.sn_forward(count, self._pointer(x[start:start + count]), c["params"], c["buffers"], c["work"],
                                  c["index"], self.threads, self._pacing, training, self.step_count,
                                  start if offset is None else offset)

    def _held(self, name: str, count: int, gradient: bool = False) -> np.ndarray:
        """The ``count`` samples of tensor ``name`` in work: its value, or with ``gradient``
        d loss / d it."""
        place, shape = self.layout.tensors[name], self.model.graph.tensors[name].shape
        offset = place.grad if gradient else place.value
        return self._work[offset:offset + count * math.prod(shape)].reshape(count, *shape)

    def _inputs(self, x, argument: str = "x") -> np.ndarray:
        """``x`` checked and converted for C, as ``model.check_inputs`` does it; samples already
        in the net's dtype are checked for NaN and infinity by the C's vectorized pass
        (``sn_finite``), where NumPy's ``isfinite`` made a temporary array of flags."""
        if isinstance(x, np.ndarray) and x.dtype == self._np:
            x = np.ascontiguousarray(self.model.check_input_shape(x, argument))
            if self.built.lib.sn_finite(self._pointer(x), x.size):
                return x
        return self.model.check_inputs(x, self._np, argument)   # converts, or names what is wrong

    def _batch(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets checked and converted for C; at least one sample."""
        x = self._inputs(x)
        targets = self._targets(y, len(x))
        self._count(len(x))
        return x, targets

    def _count(self, count: int) -> None:
        """A ValueError unless the C can take ``count`` samples in one call (at least one)."""
        if not count:
            raise ValueError("x: no samples")
        # sn_train counts samples in int, up to a compiled batch past the last.
        if count > MAX_ELEMENTS - self.batch:
            raise ValueError(f"x: at most {MAX_ELEMENTS - self.batch:,} samples per call, got {count:,}")

    # Calls that keep only what they return convert and check their inputs a block of about
    # this many bytes at a time (whole compiled batches): converting all samples first would
    # hold a copy of them all, and converting each compiled batch alone would cost time at batch 1.
    BLOCK_BYTES = 1 << 18

    def _blocks(self, x: np.ndarray, argument: str = "x"):
        """``(first, block)`` for each block of ``x`` (shaped as checked by
        ``model.check_input_shape``), checked and converted for C."""
        sample = math.prod(self.model.input_shape) * self._flat.itemsize
        size = self.batch * max(1, self.BLOCK_BYTES // (self.batch * sample))
        for first in range(0, len(x), size):
            yield first, self.model.check_inputs(x[first:first + size], self._np, argument)

    def _forwards(self, x: np.ndarray, training: bool):
        """Forward passes over ``x``, a compiled batch at a time: yields ``(start, count)`` while
        those samples' outputs are in work. The caller holds the lock."""
        self._minibatch(len(x), training)
        for first, block in self._blocks(x):
            for start, count in self._chunks(len(block)):
                self._forward_chunk(block, start, count, training, first + start)
                yield first + start, count
            del block  # one block at a time: not held while the next is converted

    def _accumulate(self, x: np.ndarray, targets: np.ndarray) -> float:
        """Add every chunk's gradients into the (zero) gradients; returns the loss of the mean."""
        self._minibatch(len(x), self.training)
        return sum(self._accumulate_chunk(x, targets, start, count, len(x)) for start, count in self._chunks(len(x)))

    def _accumulate_chunk(self, x: np.ndarray, targets: np.ndarray, start: int, count: int, total: int) -> float:
        """Forward and backward for one chunk of a mean over ``total``, in the net's mode;
        returns its share of the loss."""
        lib, c = self.built.lib, self._c
        self._forward_chunk(x, start, count, self.training)
        t = self._pointer(targets[start:start + count])
        loss = lib.sn_loss(count, total, c["work"], t)
        lib.sn_backward(count, total, self._pointer(x[start:start + count]), t, c["params"], c["work"], c["index"],
                        c["grads"], c["thread_grads"], self.threads, self._pacing, self.training, self.step_count, start)
        return loss

    def _train(self, x: np.ndarray, targets: np.ndarray, order: np.ndarray | None, batch_size: int,
               hyper: np.ndarray, schedule: np.ndarray, training: bool = True) -> np.ndarray:
        """Training steps in one call into C with the active update rule and schedule:
        minibatches of ``batch_size`` of the samples ``x[order]`` (``x`` when ``order`` is
        None); ``hyper`` the optimizer's hyperparameters (float64, the base rate first),
        ``schedule`` the schedule's numbers (its :meth:`value_array`), from which the C
        computes each step's rate; in training mode or not. Advances the step counts;
        returns each minibatch's loss. The caller holds the lock, and checks the result
        (see training.Training)."""
        count = len(x) if order is None else len(order)
        steps = -(-count // batch_size)
        losses = np.empty(steps)
        c, built = self._c, self.built
        built.lib.sn_train(
            count, batch_size, built.ffi.NULL if order is None else self._pointer(order),
            self._pointer(x), self._pointer(targets), c["params"], c["grads"],
            c["state"], c["work"], c["index"], c["thread_grads"], c["staging_x"], c["staging_targets"],
            self._pointer(hyper), self._pointer(schedule),
            self.step_count, self._optimizer_steps, self.threads, self._pacing, self._pointer(losses),
            c["buffers"], training)
        self._step_count += steps
        self._optimizer_steps += steps
        return losses

    # -- the contract's calls --------------------------------------------------------
    # forward, predict, loss and evaluate keep only what they return (of each chunk, what
    # they need of the last layer's output), so what they hold does not grow with the samples
    # beyond their answer.
    def forward(self, x) -> np.ndarray:
        """The outputs before the loss (logits), shape ``(n, *output_shape)``."""
        x = self.model.check_input_shape(x)
        outputs = np.empty((len(x), *self.model.output_shape), self._np)
        with self._lock:
            for start, count in self._forwards(x, self.training):
                outputs[start:start + count] = self._held(self.model.graph.output, count)
        return outputs

    def activations(self, x) -> list[np.ndarray]:
        """The output of every layer after the Input, in order."""
        x = self.model.check_inputs(x, self._np)
        outputs = [np.empty((len(x), *layer.output_shape), self._np) for layer in self.model.layers]
        self._minibatch(len(x), self.training)
        with self._lock:
            for start, count in self._chunks(len(x)):
                self._forward_chunk(x, start, count, self.training)
                for layer, out in zip(self.model.layers, outputs):
                    out[start:start + count] = self._held(layer.name, count)
        return outputs

    def loss(self, x, y) -> float:
        """The batch-mean loss of inputs ``x`` against targets ``y``, in the net's mode."""
        return self._evaluate(x, y, accuracy=False, training=self.training)["loss"]

    def gradients(self, x, y) -> dict[str, np.ndarray]:
        """``d loss / d parameter`` for every parameter, over all samples."""
        x, targets = self._batch(x, y)
        with self._lock:
            try:
                self._accumulate(x, targets)
                return self._unflatten(self._grads)
            finally:
                self._grads[:] = 0

    def deltas(self, x, y) -> list[np.ndarray]:
        """``d loss / d output`` of every layer, in order: what backward passes along."""
        x, targets = self._batch(x, y)
        deltas = [np.empty((len(x), *layer.output_shape), self._np) for layer in self.model.layers]
        self._minibatch(len(x), self.training)
        with self._lock:
            try:
                for start, count in self._chunks(len(x)):
                    self._accumulate_chunk(x, targets, start, count, len(x))
                    for layer, out in zip(self.model.layers, deltas):
                        out[start:start + count] = self._held(layer.name, count, gradient=True)
            finally:
                self._grads[:] = 0
        return deltas

    def predict(self, x) -> np.ndarray:
        """Class indices for a classifier; the outputs themselves otherwise; in eval mode."""
        x = self.model.check_input_shape(x)
        if not self.model.loss.classifies:
            outputs = np.empty((len(x), *self.model.output_shape), self._np)
            with self._lock:
                for start, count in self._forwards(x, False):
                    outputs[start:start + count] = self._held(self.model.graph.output, count)
            return outputs
        labels = np.empty(len(x), np.intp)
        with self._lock:
            for start, count in self._forwards(x, False):
                labels[start:start + count] = self._held(self.model.graph.output, count).argmax(axis=1)
        return labels

    def evaluate(self, x, y) -> dict[str, float]:
        """``{"loss": ..., "accuracy": ...}`` (accuracy for classifiers only), in one pass, in eval mode."""
        return self._evaluate(x, y, accuracy=self.model.loss.classifies, training=False)

    def _evaluate(self, x, y, accuracy: bool, training: bool) -> dict[str, float]:
        x = self.model.check_input_shape(x)
        targets = self._targets(y, len(x))
        self._count(len(x))
        loss, correct = 0.0, 0
        with self._lock:
            for start, count in self._forwards(x, training):
                chunk = targets[start:start + count]
                loss += self.built.lib.sn_loss(count, len(x), self._c["work"], self._pointer(chunk))
                if accuracy:
                    correct += int((self._held(self.model.graph.output, count).argmax(axis=1) == chunk).sum())
        result = {"loss": float(loss)}
        if accuracy:
            result["accuracy"] = correct / len(x)
        return result

    def save(self, path) -> None:
        """Store the declaration and weights in ``path`` (.npz, written atomically); see :func:`symnet.load`."""
        save(self, path)

    def export(self, folder, inference: bool = False, epochs: int = 1, schedule=None, run_steps: str | None = None,
               lr_decay: float = 1.0) -> list:
        """Write the net as a standalone C library into ``folder``: ``<name>.c`` and ``<name>.h``
        (the model's C and its API), ``weights.bin`` (the weights, running statistics,
        optimizer state and step counts), a ``Makefile`` building ``lib<name>.a`` and, unless
        ``inference``, the driver ``train`` (``epochs`` its default), and a ``README.md``.
        ``schedule`` (default: constant) is the learning-rate schedule the C trains with, its
        numbers settable by name; the driver sets its number ``run_steps``, if named, to the
        step count at the end of its run, and multiplies the rate by ``lr_decay`` after each
        epoch. See :mod:`symnet.export.c`. Returns the files written."""
        from .export.c import export_net

        return export_net(self, folder, inference=inference, epochs=epochs, schedule=schedule, run_steps=run_steps,
                          lr_decay=lr_decay)


def default_threads() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def compile(model: Model, batch: int = 64, dtype: str = "float32", params: dict | None = None,
            sanitize: bool = False, threads: int | None = None, optimizer=None, buffers: dict | None = None) -> CompiledNet:
    """Emit, compile (or load from the cache) and return ``model`` as a :class:`CompiledNet`.

    ``batch`` is how many samples the C handles per call (any number may be passed);
    ``dtype`` is ``"float32"`` or ``"float64"``; ``params`` default to
    ``model.init_params()``; ``threads`` (default: all cores) split each batch's samples;
    ``optimizer`` (default ``sn.SGD()``) is what ``step`` and ``fit`` train with;
    ``buffers`` (running statistics) default to ``model.init_buffers()``.
    """
    return CompiledNet(model, batch=batch, dtype=dtype, params=params, sanitize=sanitize, threads=threads,
                       optimizer=optimizer, buffers=buffers)


def load(path, batch: int | None = None, dtype: str | None = None, threads: int | None = None) -> CompiledNet:
    """A compiled net from :meth:`CompiledNet.save`'s file: its weights, running statistics,
    optimizer, optimizer state, step counts and mode. ``batch``, ``dtype`` and ``threads``
    default to the saved ones (``threads`` to all cores for a file that does not say): the
    thread count sets the order of the gradient's sums, so training resumed with the saved
    one continues bit for bit.

    A file that is not exactly what ``save`` writes raises one ValueError naming the file and
    the field (see :func:`symnet.saving.read_net`); nothing in it is evaluated as code.
    """
    header, model, params, buffers, state = read_net(path)
    batch = header["batch"] if batch is None else batch
    dtype = header["dtype"] if dtype is None else dtype
    training = header.get("training")
    if threads is None and training is not None:
        threads = training.get("threads")
    try:
        optimizer = None if training is None else optimizer_from_dict(training["optimizer"], "header.training.optimizer")
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    try:
        net = compile(model, batch=batch, dtype=dtype, params=params, threads=threads, optimizer=optimizer,
                      buffers=buffers)
        if training is not None:
            net._set_training_state(state, training["step_count"], training["optimizer_steps"])
            net.training = training.get("mode", "train") == "train"
        return net
    except CacheError:
        raise    # about the cache, not the file
    except ValueError as error:  # the weights (NaN, overflowing the dtype), or the settings asked for
        raise ValueError(f"{path}: {error}") from None
