"""Distributed: data-parallel training over MPI (mpi4py), equal to one process.

``net.step(x, y, comm=comm)`` and ``net.fit(x, y, comm=comm)`` with an mpi4py communicator:
every process holds the same net and passes its own samples. A step's minibatch is the
union of every process's share, numbered rank by rank (rank 0's samples first): each
process runs forward and backward over its share as that part of the minibatch (the mean
is over the global count, Dropout's mask is keyed by the sample's global index), the
gradient buffer is summed over the processes by one ``MPI_Allreduce``, and every process
applies the same update (``sn_update``, the update sn_train takes) to the same weights, so
the weights, the optimizer's state and the step counts stay identical on every process.

For ``fit`` each process passes its shard of the data set; the data set is the shards
concatenated in rank order. Each epoch draws one permutation of it from ``seed`` (the same
on every process), whose minibatches of ``batch_size`` (global) each process walks, taking
the samples of its shard: the same global minibatches one process would step through.

BatchNorm normalizes with each process's share of the minibatch and updates its running
statistics from it, as PyTorch's DistributedDataParallel does by default; after each step
the running statistics of the first rank whose share was not empty (rank 0's unless it
passed no samples, in which case its statistics were not updated) are broadcast, as DDP's
``broadcast_buffers`` does, so they too stay identical everywhere.

Every error is raised on every process: inputs are checked on each, and the outcome shared
before any C runs; a step that diverges does so on all (the weights are the same), so no
process is left waiting in a collective call.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from .training import DivergenceError, NO_SCHEDULE

__all__ = ["check_comm", "evaluate", "first_with_samples", "fit", "share_offsets", "step"]

INSTALL = "pip install 'symnet[mpi]' (mpi4py and an MPI library such as mpich)"


def check_comm(comm):
    """The mpi4py module, once ``comm`` is known to be an mpi4py intracommunicator; an
    ImportError saying what to install when mpi4py is not, a TypeError otherwise."""
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError(f"comm: data-parallel training needs mpi4py: {INSTALL}") from None
    if not isinstance(comm, MPI.Intracomm):
        raise TypeError(f"comm: expected an mpi4py communicator such as MPI.COMM_WORLD, got {type(comm).__name__}")
    return MPI


def agree(comm, error: BaseException | None, what: str = "refused its share"):
    """Raise on every process when any failed: its own error on a process that failed, and on
    the others a ValueError naming the first rank that did and ``what`` it did (so none waits
    in a collective)."""
    failed = comm.allgather(None if error is None else f"{type(error).__name__}: {error}")
    if error is not None:
        raise error
    first = next((rank for rank, message in enumerate(failed) if message is not None), None)
    if first is not None:
        raise ValueError(f"comm: rank {first} of {comm.size} {what} ({failed[first]})")


def share_offsets(counts) -> np.ndarray:
    """Where each rank's share begins in the minibatch, numbered rank by rank."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _check_share(net, x, y, training: bool):
    """A process's share checked and converted for C; it may be empty."""
    x = net.model.check_inputs(x, net._np)
    targets = net._targets(y, len(x))
    if len(x):
        net._count(len(x))
        net._minibatch(len(x), training)
    return x, targets


def _accumulate(net, x, targets, offset: int, total: int, training: bool) -> float:
    """Forward and backward over this process's ``x`` as samples ``offset, offset + 1, ...`` of a
    minibatch of ``total``: adds their share of the mean's gradient to the (zero) gradients and
    returns their share of its loss. The caller holds the lock."""
    lib, c, loss = net.built.lib, net._c, 0.0
    for start, count in net._chunks(len(x)):
        net._forward_chunk(x, start, count, training, offset + start)
        t = net._pointer(targets[start:start + count])
        loss += lib.sn_loss(count, total, c["work"], t)
        lib.sn_backward(count, total, net._pointer(x[start:start + count]), t, c["params"], c["work"], c["index"],
                        c["grads"], c["thread_grads"], net.threads, net._pacing, training, net.step_count,
                        offset + start)
    return loss


def _sum(MPI, comm, net, loss: float) -> float:
    """The gradients and the loss summed over every process (in place), in one allreduce each,
    started together."""
    losses = np.array([loss])
    requests = [comm.Iallreduce(MPI.IN_PLACE, net._grads, op=MPI.SUM),
                comm.Iallreduce(MPI.IN_PLACE, losses, op=MPI.SUM)]
    MPI.Request.Waitall(requests)
    return float(losses[0])


def first_with_samples(counts) -> int:
    """The first rank whose share of a step is not empty: the one whose running statistics
    were updated by the step, broadcast to all."""
    return next(rank for rank, count in enumerate(counts) if count)


def _one_step(MPI, comm, net, x, targets, offset: int, total: int, hyper, numbers, training: bool,
              root: int) -> float:
    """One data-parallel step: the update of the whole minibatch, on every process; the running
    statistics (BatchNorm's) are then ``root``'s, which must have had samples. The caller holds
    the lock and has saved the state to go back to."""
    try:
        loss = _accumulate(net, x, targets, offset, total, training) if len(x) else 0.0
        loss = _sum(MPI, comm, net, loss)
        c = net._c
        net.built.lib.sn_update(c["params"], c["grads"], c["state"], net._pointer(hyper), net._pointer(numbers),
                                net.step_count, net._optimizer_steps)
    except BaseException:
        net._grads[:] = 0
        raise
    net._step_count += 1
    net._optimizer_steps += 1
    if training and net.layout.buffer_size:
        comm.Bcast(net._buffers, root=root)
    return loss


def step(net, comm, x, y, lr=None, momentum=None, weight_decay=None) -> float:
    """:meth:`~symnet.run.CompiledNet.step` over every process of ``comm``: see the module."""
    MPI = check_comm(comm)
    training, error = net.training, None
    try:
        optimizer, hyper = net._settings(lr, momentum=momentum, weight_decay=weight_decay)
        x, targets = _check_share(net, x, y, training)
    except (ValueError, TypeError) as caught:
        error = caught
    agree(comm, error)
    counts = comm.allgather(len(x))
    total = sum(counts)
    if not total:
        raise ValueError("x: no samples on any process")
    with net._lock:
        net._activate(optimizer)
        net._steps_since_copy = None   # the copy kept for undoing one process's steps is overwritten
        net._save()
        loss = _one_step(MPI, comm, net, x, targets, int(share_offsets(counts)[comm.rank]), total, hyper,
                         NO_SCHEDULE, training, first_with_samples(counts))
        if math.isfinite(loss) and net._finite_params():
            return loss
        what, hint = net._why(loss, optimizer, hyper, hyper[0])
        net._restore()
    raise DivergenceError(f"step: training diverged: {what}; the net keeps the weights from before the step "
                          f"({hint})")


def _plan(sizes, batch_size: int, order: np.ndarray, rank: int):
    """For one epoch's ``order`` of the concatenated shards (``sizes`` samples each): each
    minibatch's samples of shard ``rank`` (indices into it, in the order drawn), where they
    begin in the minibatch numbered rank by rank, and how many every shard gives to each."""
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    for first in range(0, len(order), batch_size):
        chosen = order[first:first + batch_size]
        shares = np.diff(np.searchsorted(np.sort(chosen), bounds))
        mine = chosen[(chosen >= bounds[rank]) & (chosen < bounds[rank + 1])] - bounds[rank]
        yield mine, int(shares[:rank].sum()), shares


def _orders(total: int, epochs: int, shuffle: bool, seed):
    """Each epoch's order of the concatenated shards, drawn one epoch at a time from a fresh
    ``default_rng(seed)`` (so a second pass gives the same sequence without holding them all)."""
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        yield rng.permutation(total) if shuffle else np.arange(total)


def _check_shares(net, sizes, batch_size: int, orders) -> None:
    """The chunk rule (BatchNorm) for every share of every minibatch of the epochs' orders;
    every process computes every share, so each raises the same error."""
    if not net.model.couples_samples:
        return
    seen = set()
    for order in orders:
        for _, _, shares in _plan(sizes, batch_size, order, 0):
            seen.update(int(share) for share in shares if share)
    for share in sorted(seen):
        net._minibatch(share, True)


def evaluate(comm, net, x, y) -> dict[str, float]:
    """``net.evaluate`` of the shards concatenated: each process's result weighted by its
    samples, the same on every process."""
    result = net.evaluate(x, y) if len(x) else {}
    names = ["loss"] + (["accuracy"] if net.model.loss.classifies else [])
    sums = np.array([result.get(name, 0.0) * len(x) for name in names] + [len(x)], np.float64)
    totals = np.empty_like(sums)
    comm.Allreduce(sums, totals)
    return {name: float(totals[k] / totals[-1]) for k, name in enumerate(names)}


def fit(net, comm, x, y, epochs=1, lr=None, momentum=None, weight_decay=None, lr_decay=1.0, schedule=None,
        batch_size=None, shuffle=True, seed=0, validation=None, progress=None,
        train_accuracy=False) -> dict[str, list[float]]:
    """:meth:`~symnet.run.CompiledNet.fit` over every process of ``comm``, each passing its
    shard of the data set (and of ``validation``); ``batch_size`` is the global minibatch.
    Returns the same history on every process (its keys as one process's); rank 0 alone
    shows progress."""
    from tqdm.auto import tqdm

    MPI, error = check_comm(comm), None
    try:
        epochs, batch_size, optimizer, hyper, lr_decay, schedule, scheduled = net._fit_settings(
            epochs, batch_size, lr, momentum, weight_decay, lr_decay, schedule, train_accuracy)
        x, targets = _check_share(net, x, y, False)
        if validation is not None:
            val_x, val_y = validation
            val_x = net.model.check_inputs(val_x, net._np, "validation x")
            net._targets(val_y, len(val_x))
    except (ValueError, TypeError) as caught:
        error = caught
    agree(comm, error)
    numbers = schedule.value_array()
    sizes = comm.allgather(len(x))
    total = sum(sizes)
    if not total:
        raise ValueError("x: no samples on any process")
    batch_size = min(batch_size, total)
    steps = -(-total // batch_size)
    _check_shares(net, sizes, batch_size, _orders(total, epochs, shuffle, seed))   # the same outcome everywhere
    if scheduled:
        with net._lock:
            net._activate(optimizer, schedule)
            net._check_rates(schedule, numbers, hyper[0], epochs * steps)
    show = (sys.stderr.isatty() if progress is None else bool(progress)) and comm.rank == 0
    history: dict[str, list[float]] = {"loss": []}
    rate = np.empty(1)
    for epoch, order in enumerate(_orders(total, epochs, shuffle, seed)):
        losses = np.empty(steps)
        first_rate = net._next_rate(optimizer, schedule, numbers, hyper[0]) if scheduled else float(hyper[0])
        sizes_of = np.minimum(batch_size, total - batch_size * np.arange(steps))
        with tqdm(total=steps, desc=f"epoch {epoch + 1}/{epochs}", unit="batch", disable=not show,
                  leave=True) as bar:
            for k, (mine, offset, shares) in enumerate(_plan(sizes, batch_size, order, comm.rank)):
                share_x, share_targets = x[mine], targets[mine]
                with net._lock:
                    net._activate(optimizer, schedule)
                    net._steps_since_copy = None
                    net._save()
                    loss = _one_step(MPI, comm, net, share_x, share_targets, offset, int(sizes_of[k]), hyper,
                                     numbers, True, first_with_samples(shares))
                    if not (math.isfinite(loss) and net._finite_params()):
                        taken = float(net._rates(numbers, hyper[0], net.step_count - 1, rate)[0])
                        what, hint = net._why(loss, optimizer, hyper, taken)
                        net._restore()
                        raise DivergenceError(
                            f"fit: training diverged at epoch {epoch + 1}, step {k + 1} of {steps}: {what}; "
                            f"the net keeps the weights from before that step ({hint})",
                            epoch=epoch + 1, step=k + 1, history=history)
                losses[k] = loss
                bar.update(1)
                bar.set_postfix(loss=f"{losses[:k + 1] @ sizes_of[:k + 1] / sizes_of[:k + 1].sum():.4f}",
                                refresh=False)
        history["loss"].append(float(losses @ sizes_of / total))
        history.setdefault("lr", []).append(first_rate)
        if train_accuracy:
            history.setdefault("accuracy", []).append(evaluate(comm, net, x, y)["accuracy"])
        hyper = hyper.copy()
        hyper[0] *= lr_decay
        if validation is not None:
            for name, value in evaluate(comm, net, val_x, val_y).items():
                history.setdefault(f"val_{name}", []).append(value)
            if show:
                bar.write(f"epoch {epoch + 1}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in history.items()))
    return history
