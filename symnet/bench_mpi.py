"""Scaling over MPI: ``symnet bench MODEL --mpi N``.

Images per second of data-parallel training steps (``net.step(x, y, comm=comm)``, batch 64
per process, float32, one thread each) for 1, 2, ..., N processes started by mpiexec;
against one process with N threads stepping the same global batch; and against PyTorch's
DistributedDataParallel over gloo with the same processes (one thread each), where
PyTorch is installed. Each run also times, per step, the allreduce of the gradient buffer
alone and the step without it, the two terms of docs/scaling.md's model.

Every process must call the collectives the same number of times, so rank 0 decides how
many steps each timing takes and tells the others; each figure is the median of five
timings of about a quarter of a second each, after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from .bench import THREAD_VARIABLES, optimizer_of, random_data
from .zoo import load_model


def _timed(comm, step, repeats: int = 5, seconds: float = 0.25) -> float:
    """Median seconds per call of ``step`` on every process of ``comm``, the same calls on each."""
    step()
    comm.Barrier()
    started = time.perf_counter()
    for _ in range(3):
        step()
    inner = comm.bcast(max(1, int(seconds / max((time.perf_counter() - started) / 3, 1e-9))), root=0)
    times = []
    for _ in range(repeats):
        comm.Barrier()
        started = time.perf_counter()
        for _ in range(inner):
            step()
        comm.Barrier()
        times.append((time.perf_counter() - started) / inner)
    return statistics.median(times)


def _symnet(comm, name: str, batch: int, threads: int, seconds: float) -> dict:
    from mpi4py import MPI

    from .run import compile

    model = load_model(name)
    if comm.rank == 0:   # one compile; the others load it from the cache
        net = compile(model, batch=batch, threads=threads, optimizer=optimizer_of(name))
    comm.Barrier()
    if comm.rank:
        net = compile(model, batch=batch, threads=threads, optimizer=optimizer_of(name))
    x, y = random_data(model, batch, seed=comm.rank)
    step = _timed(comm, lambda: net.step(x, y, comm=comm), seconds=seconds)
    alone = _timed(comm, lambda: net.step(x, y), seconds=seconds)   # the same step without the allreduce
    grads = net._grads
    allreduce = _timed(comm, lambda: comm.Allreduce(MPI.IN_PLACE, grads, op=MPI.SUM), seconds=seconds)
    grads[:] = 0
    return {"step_seconds": step, "compute_seconds": alone, "allreduce_seconds": allreduce,
            "gradient_bytes": int(grads.nbytes), "images_per_second": comm.size * batch / step}


def _torch(comm, name: str, batch: int, store: str) -> dict | None:
    try:
        import torch
        import torch.distributed as dist
    except ImportError:
        return None
    from .bench import torch_twin
    from .export.torch import KeyedDropout

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=comm.rank, world_size=comm.size)
    try:
        model = load_model(name)
        net = torch_twin(model, model.init_params()).float()
        for key, module in net.nodes.items():   # PyTorch's own dropout: the twin's keyed masks are for tests
            if isinstance(module, KeyedDropout):
                net.nodes[key] = torch.nn.Dropout(module.layer.p)
        ddp = torch.nn.parallel.DistributedDataParallel(net)
        optimizer = optimizer_of(name).torch_optimizer(ddp.parameters())
        loss_fn = model.loss.torch_loss()
        x, y = (torch.from_numpy(array) for array in random_data(model, batch, seed=comm.rank))

        def step():
            optimizer.zero_grad()
            loss_fn(ddp(x), y).backward()
            optimizer.step()

        seconds = _timed(comm, step)
    finally:
        dist.destroy_process_group()
    return {"step_seconds": seconds, "images_per_second": comm.size * batch / seconds}


def worker(argv: list[str]) -> int:
    """One run under mpiexec: rank 0 prints its figures as JSON."""
    from mpi4py import MPI

    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--torch-store")
    parser.add_argument("--seconds", type=float, default=0.25)
    args = parser.parse_args(argv)
    comm = MPI.COMM_WORLD
    result = {"processes": comm.size, "threads": args.threads, "batch": args.batch,
              "symnet": _symnet(comm, args.model, args.batch, args.threads, args.seconds)}
    if args.torch_store:
        result["torch_ddp"] = _torch(comm, args.model, args.batch, args.torch_store)
    if comm.rank == 0:
        print(json.dumps(result), flush=True)
    return 0


def run(name: str, processes: int, batch: int = 64, torch: bool = True, seconds: float = 0.25) -> dict:
    """Every measurement for 1..``processes`` processes, and ``processes`` threads in one; each
    timing about ``seconds`` long."""
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        raise ValueError("--mpi: there is no mpiexec on PATH: pip install 'symnet[mpi]'")
    results = {"model": name, "batch_per_process": batch, "cores": os.cpu_count(), "runs": []}
    with tempfile.TemporaryDirectory() as folder:
        for count in range(1, processes + 1):
            env = {**os.environ, **{variable: "1" for variable in THREAD_VARIABLES}}
            argv = [mpiexec, "-n", str(count), sys.executable, "-m", "symnet.bench_mpi", name, "--batch", str(batch),
                    "--seconds", str(seconds)]
            if torch:
                argv += ["--torch-store", os.path.join(folder, f"store{count}")]
            done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True, check=True)
            results["runs"].append(json.loads(done.stdout))
        env = {**os.environ, **{variable: str(processes) for variable in THREAD_VARIABLES}}
        argv = [sys.executable, "-m", "symnet.bench_mpi", name, "--batch", str(batch * processes),
                "--threads", str(processes), "--seconds", str(seconds)]
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True, check=True)
        results["threads"] = json.loads(done.stdout)
    return results


def table(results: dict) -> str:
    """The figures as a table: images per second and scaling efficiency for each count."""
    runs = results["runs"]
    one = runs[0]["symnet"]["images_per_second"]
    lines = [f"{results['model']}: batch {results['batch_per_process']} per process, float32, "
             f"{results['cores']} cores on this machine",
             f"{'processes':>9} {'images/s':>10} {'efficiency':>10} {'step ms':>8} {'compute ms':>10} "
             f"{'allreduce ms':>12} {'torch DDP/s':>12}"]
    for row in runs:
        own, peer = row["symnet"], row.get("torch_ddp")
        lines.append(f"{row['processes']:>9} {own['images_per_second']:>10,.0f} "
                     f"{own['images_per_second'] / (row['processes'] * one):>10.2f} {own['step_seconds'] * 1e3:>8.2f} "
                     f"{own['compute_seconds'] * 1e3:>10.2f} {own['allreduce_seconds'] * 1e3:>12.3f} "
                     f"{peer['images_per_second'] if peer else float('nan'):>12,.0f}")
    threads = results["threads"]
    lines.append(f"one process, {threads['threads']} threads, batch {threads['batch']}: "
                 f"{threads['symnet']['compute_seconds'] and threads['batch'] / threads['symnet']['compute_seconds']:,.0f} "
                 "images/s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(worker(sys.argv[1:]))
