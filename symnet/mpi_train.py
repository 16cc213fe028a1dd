"""``symnet train MODEL`` under ``mpiexec -n N``: data-parallel training of a built-in model.

Every process loads the recipe's data and keeps its shard of the training and test sets
(contiguous, the first ``len % N`` shards one sample longer); ``fit`` then takes the steps
one process would take over the whole set (see :mod:`symnet.distributed`), the recipe's
batch being the global minibatch. Rank 0 alone prints, writes the saved net and draws
``--plot``'s curves (the history is the same on every process). Each process uses its
share of this machine's cores as threads. Rank 0 compiles first and the others then load
its build from the cache; a compile that fails raises on every process.
"""

from __future__ import annotations

import os
import time

import numpy as np

# What mpiexec sets in each process it starts (MPICH's Hydra, Open MPI, Slurm's PMI).
SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE")


def launched_by_mpiexec() -> bool:
    """Whether this process is one of several that mpiexec started."""
    for name in SIZE_VARIABLES:
        try:
            if int(os.environ.get(name, "1")) > 1:
                return True
        except ValueError:
            pass
    return False


def world():
    """MPI's world communicator; an ImportError saying what to install without mpi4py."""
    from .distributed import check_comm

    try:
        from mpi4py import MPI
    except ImportError:
        check_comm(None)   # raises the ImportError that says what to install
    return MPI.COMM_WORLD


def shard(array: np.ndarray, rank: int, size: int) -> np.ndarray:
    """Rank ``rank``'s contiguous part of ``array`` split over ``size`` processes."""
    base, extra = divmod(len(array), size)
    first = rank * base + min(rank, extra)
    return array[first:first + base + (rank < extra)]


def train(args, model, recipe, optimizer, epochs: int, batch: int, data) -> int:
    """Train ``model`` on every process of MPI's world: the body of ``symnet train`` there."""
    from .distributed import agree, evaluate
    from .run import compile, default_threads

    comm = world()
    rank, size = comm.rank, comm.size
    threads = max(1, default_threads() // _local_size(comm))
    say = print if rank == 0 else (lambda *_, **__: None)
    x_train, y_train, x_test, y_test = data
    say(f"{model.name}: {len(x_train)} training and {len(x_test)} test samples, {optimizer}; "
        f"{size} processes, {threads} thread{'s' * (threads > 1)} each")
    parts = [shard(array, rank, size) for array in data]
    started = time.perf_counter()
    net = None
    for compiling in (rank == 0, rank != 0):   # one compile; the others then load it from the cache
        error = None
        if compiling:
            try:
                net = compile(model, batch=batch, dtype=args.dtype, optimizer=optimizer, threads=threads)
            except Exception as caught:   # shared below, so no process waits for one that failed
                error = caught
        agree(comm, error, "failed to compile")   # raises on every process when any failed; a barrier otherwise
    compiled = time.perf_counter() - started
    started = time.perf_counter()
    history = net.fit(parts[0], parts[1], epochs=epochs, seed=args.seed, lr_decay=recipe.lr_decay,
                      batch_size=batch, schedule=recipe.make_schedule(batch, epochs, len(x_train)),
                      validation=(parts[2], parts[3]), progress=False if args.no_progress else None, comm=comm,
                      **({"train_accuracy": model.loss.classifies} if args.plot else {}))
    trained = time.perf_counter() - started
    result = evaluate(comm, net, parts[2], parts[3])
    say(f"test accuracy {result['accuracy']:.4f}, test loss {result['loss']:.4f}")
    say(f"compile {compiled:.2f} s, training {trained:.1f} s ({epochs * len(x_train) / trained:,.0f} samples/s "
        f"over {size} processes)")
    if args.save and rank == 0:
        net.save(args.save)
        say(f"saved to {args.save}")
    if args.plot and rank == 0:
        from .cli_extras import write_curves

        write_curves(history, args.plot, f"symnet train {args.model}: {optimizer.kind}, {epochs} epochs, "
                                          f"minibatches of {batch} over {size} processes")
    return 0


def _local_size(comm) -> int:
    """How many of the processes run on this machine (they share its cores)."""
    from mpi4py import MPI

    return comm.Split_type(MPI.COMM_TYPE_SHARED).size
