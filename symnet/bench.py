"""Benchmarks: training throughput of the compiled net, the NumPy reference, PyTorch and the
installed peers (JAX, PyTensor, tinygrad: :mod:`symnet.peers`), from the same weights.

Each thread count runs in its own worker process, because the BLAS under NumPy (and XLA,
PyTensor's BLAS, tinygrad) fix their thread count when first loaded. In a worker, every
contender for a row (symnet's step and fit, PyTorch, each peer) is built first and then timed
side by side (:func:`side_by_side`): in rounds, each contender in turn, so that a machine that
slows down for a second or two (a shared one does) slows every contender's round alike rather
than one contender's whole timing. Every figure is the median of its rounds after a warm-up.
``python -m symnet.bench`` and ``symnet bench MODEL`` drive it; :mod:`symnet.bench_table` prints the results.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from .bench_table import table  # noqa: F401 - where symnet.bench has always offered it
from .zoo import load_model

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def training_flops(model) -> int:
    """Floating-point operations of one sample's training step (see Model.training_flops)."""
    return model.training_flops()


def median_rate(step, samples: int, repeats: int = 5, seconds: float = 0.25) -> float:
    """Samples per second of ``step``: the median of ``repeats`` timings after a warm-up,
    each long enough (``seconds``) to swamp the timer."""
    step()
    started, calls = time.perf_counter(), 0
    while calls < 2 or time.perf_counter() - started < seconds / 2:
        step()
        calls += 1
    per_call = (time.perf_counter() - started) / calls
    inner = max(1, int(seconds / max(per_call, 1e-9)))
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(inner):
            step()
        rates.append(inner * samples / (time.perf_counter() - started))
    return statistics.median(rates)


def side_by_side(steps: dict, rounds: int = 5, seconds: float = 0.25) -> dict:
    """Samples per second of each of ``steps`` (name: (step, samples per call)), timed in
    ``rounds`` rounds, each running every step in turn for about ``seconds`` (at least one
    call), the order turned by one each round: the median of each step's rounds, and the
    process's CPU time over the wall time of its rounds (about the threads it kept busy)."""
    calls = {}
    for name, (step, _) in steps.items():   # the warm-up, which also sizes each round
        step()
        started = time.perf_counter()
        step()
        calls[name] = max(1, int(seconds / max(time.perf_counter() - started, 1e-9)))
    rates = {name: [] for name in steps}
    busy = {name: [0.0, 0.0] for name in steps}
    names = list(steps)
    for turn in range(rounds):
        for name in names[turn % len(names):] + names[:turn % len(names)]:
            step, samples = steps[name]
            cpu, started = time.process_time(), time.perf_counter()
            for _ in range(calls[name]):
                step()
            wall = time.perf_counter() - started
            rates[name].append(calls[name] * samples / wall)
            busy[name][0] += time.process_time() - cpu
            busy[name][1] += wall
    return {name: (statistics.median(rates[name]), busy[name][0] / busy[name][1]) for name in steps}


def random_data(model, batch: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, *model.input_shape)).astype(np.float32)
    y = model.loss.random_targets(rng, batch)
    return x, (y.astype(np.float32) if y.dtype.kind == "f" else y)


def torch_twin(model, params: dict):
    """The same network in PyTorch, holding copies of ``params`` (float64; call .float() for float32)."""
    from .export.torch import to_torch

    return to_torch(model, params)


def optimizer_of(name: str):
    """What the benchmark trains ``name`` with: its recipe's optimizer when the recipe names
    one (AdamW for lenet_modern and resnet), else SGD; at a small rate, so that no run diverges."""
    from .optim.builtin import SGD
    from .zoo import RECIPES

    recipe = RECIPES.get(name)
    optimizer = SGD() if recipe is None or recipe.optimizer is None else recipe.optimizer()
    optimizer.lr = 1e-4
    return optimizer


def _symnet_steps(model, optimizer, batch: int, threads: int) -> tuple[dict, float]:
    """symnet's step (``net.step``) and fit (``net.fit``) for :func:`side_by_side`, and its
    float32 gradient's relative difference from the reference's (float64) at the first weights,
    the measure the peers are held to. ``fit`` takes an epoch of about FIT_SECONDS (at most
    FIT_SAMPLES samples, at least 8 minibatches) in minibatches of ``batch``, shuffled: the
    gather of each minibatch and the calls between them are in its rate, where the peers' rate
    is their step on a batch already in place."""
    from .peers import relative_difference
    from .reference import Reference
    from .run import compile

    params = model.init_params()
    net = compile(model, batch=batch, threads=threads, optimizer=optimizer, params=params)
    net.thread_policy = "all"   # the speed of this many threads, as the peers are timed, even on a busy machine
    x, y = random_data(model, batch)
    difference = relative_difference(net.gradients(x, y), Reference(model, params=params).gradients(
        x.astype(np.float64), y))
    rate = median_rate(lambda: net.step(x, y), batch, repeats=1, seconds=0.1)   # to size fit's epoch
    samples = batch * max(8, min(FIT_SAMPLES, int(rate * FIT_SECONDS)) // batch)
    xs, ys = random_data(model, samples, seed=1)
    return {"symnet": (lambda: net.step(x, y), batch),
            "symnet_fit": (lambda: net.fit(xs, ys, epochs=1, batch_size=batch, progress=False), samples)}, difference


# The epoch that times net.fit: about this long, and at most this many samples.
FIT_SECONDS, FIT_SAMPLES = 0.5, 8192


def _reference_rate(model, optimizer, batch: int) -> float:
    from .reference import Reference

    ref = Reference(model, optimizer=optimizer)
    x, y = random_data(model, batch)
    return median_rate(lambda: ref.step(x, y), batch, repeats=3, seconds=0.2)


def _torch_step(model, optimizer, batch: int, threads: int):
    """PyTorch's training step for :func:`side_by_side` (eager, ``threads`` threads)."""
    import torch

    from .export.torch import KeyedDropout

    torch.set_num_threads(threads)
    net = torch_twin(model, model.init_params()).float()
    for name, module in net.nodes.items():   # PyTorch's own dropout: the twin's keyed masks are for tests
        if isinstance(module, KeyedDropout):
            net.nodes[name] = torch.nn.Dropout(module.layer.p)
    optimizer = optimizer.torch_optimizer(net.parameters())
    loss_fn = model.loss.torch_loss()
    x, y = (torch.from_numpy(array) for array in random_data(model, batch))

    def step():
        optimizer.zero_grad()
        loss_fn(net(x), y).backward()
        optimizer.step()

    return step


def matmul_rate(size: int = 1024) -> float:
    """This process's single-precision matrix-multiply rate through NumPy, in GFLOP/s."""
    a, b = (np.random.default_rng(k).random((size, size), dtype=np.float32) for k in (0, 1))
    return median_rate(lambda: a @ b, 1) * 2 * size**3 / 1e9


def pin_to_cores(count: int) -> None:
    """Keep this process, and every thread it starts from now on, on ``count`` of its cores: a
    framework whose own settings still leave extra threads running (XLA's CPU runtime used 1.7
    cores at one intra-op thread) gets no more than the thread count it is timed at."""
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) > count:
            os.sched_setaffinity(0, cores[:count])


def worker(models: list[str], batches: list[int], threads: int, peers: bool, frameworks: list[str] = ()) -> dict:
    """Every measurement for one thread count (run in a process whose BLAS uses ``threads``):
    with ``peers``, the reference and PyTorch too; and each of ``frameworks`` (peer names)."""
    from .peers import prepare

    result = {"threads": threads, "matmul_gflops": matmul_rate(), "rows": []}
    try:
        import torch  # noqa: F401
        have_torch = peers
    except ImportError:
        have_torch = False
    for name in models:
        model, optimizer = load_model(name), optimizer_of(name)
        for batch in batches:
            if batch < 2 and model.couples_samples:   # BatchNorm cannot train on one vector at a time
                continue
            steps, difference = _symnet_steps(model, optimizer, batch, threads)
            row = {"model": name, "optimizer": optimizer.kind, "batch": batch, "symnet_gradient": difference}
            if peers:   # far slower than the rest: timed on its own
                row["reference"] = _reference_rate(model, optimizer, batch)
            if have_torch:
                steps["torch"] = (_torch_step(model, optimizer, batch, threads), batch)
            prepared = {peer: prepare(peer, model, optimizer, batch) for peer in frameworks}
            steps.update({peer: (ready["step"], batch) for peer, ready in prepared.items() if "step" in ready})
            timed = side_by_side(steps)
            row.update({key: timed[key][0] for key in ("symnet", "symnet_fit", "torch") if key in timed})
            if frameworks:
                row["peers"] = {peer: ready["finish"](*timed[peer]) if "step" in ready else ready
                                for peer, ready in prepared.items()}
            row["gflops"] = row["symnet"] * training_flops(model) / 1e9
            result["rows"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return result


# Times sn.compile alone, and the processor time it took (its own and its compilers'), which a
# busy machine stretches far less than the time on the clock.
_TIMED = """
import resource, sys, time
import symnet as sn
from symnet.zoo import load_model

def used():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

model = load_model(sys.argv[1])
cpu, started = used(), time.perf_counter()
sn.compile(model, batch=64)
print(time.perf_counter() - started, used() - cpu)
"""


def compile_times(name: str) -> dict:
    """Cold compile (derive + emit + C compile into an empty cache, the shared runtime
    included) and warm load (the same call again in a new process: a cache hit), in seconds,
    each timing ``sn.compile(model, batch=64)`` alone; with the cold compile's processor time
    and the load average when it ran."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SYMNET_CACHE": cache}
        load = os.getloadavg()[0]
        (cold, cpu), (warm, _) = (map(float, subprocess.run([sys.executable, "-c", _TIMED, name], env=env,
                                                             capture_output=True, text=True, check=True).stdout.split())
                                  for _ in range(2))
    return {"cold_seconds": cold, "cold_cpu_seconds": cpu, "warm_seconds": warm, "load": load}


def run(models: list[str], batches: list[int], threads: list[int], peers: bool = True,
        frameworks: list[str] | None = None) -> dict:
    """The whole benchmark: one worker process per thread count, plus compile times and the
    machine. ``frameworks``: the peers to time (None: every installed one, if ``peers``)."""
    from . import peers as peer_module
    from .machine import describe

    if frameworks is None:
        frameworks = peer_module.installed() if peers else []
    results = {"machine": describe(), "runs": [], "compile": {}, "limits": {}}
    for count in threads:
        limits = {variable: str(count) for variable in THREAD_VARIABLES}
        limits.update(peer_module.thread_env(frameworks, count))
        results["limits"][str(count)] = limits
        argv = [sys.executable, "-m", "symnet.bench", "--worker", "--threads", str(count),
                "--models", ",".join(models), "--batches", ",".join(map(str, batches)),
                "--peers", ",".join(frameworks) or "none"]
        if not peers:
            argv.append("--no-peers")
        done = subprocess.run(argv, env={**os.environ, **limits}, stdout=subprocess.PIPE, text=True, check=True)
        results["runs"].append(json.loads(done.stdout))
    for name in models:
        results["compile"][name] = compile_times(name)
    return results


def peer_names(text: str) -> list[str] | None:
    """``--peers``: comma-separated peer names, ``all`` (None: every installed one) or ``none``."""
    from .peers import PEERS

    if text == "all":
        return None
    names = [] if text == "none" else text.split(",")
    unknown = [name for name in names if name not in PEERS]
    if unknown:
        raise ValueError(f"--peers: unknown peer {unknown[0]!r}; give some of {', '.join(PEERS)}, all or none")
    return names


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m symnet.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="xo,mlp,lenet")
    parser.add_argument("--batches", default="1,16,64,256")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--no-peers", action="store_true", help="time symnet only: no reference, PyTorch or peers")
    parser.add_argument("--peers", default="all", help="peers to time: some of jax,pytensor,tinygrad, all "
                        "(every installed one) or none")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    models, batches = args.models.split(","), [int(b) for b in args.batches.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    frameworks = None if args.no_peers else peer_names(args.peers)
    if args.worker:   # a process of its own (see run), kept to its thread count of cores
        pin_to_cores(threads[0])
        print(json.dumps(worker(models, batches, threads[0], not args.no_peers, frameworks or [])))
        return 0
    results = run(models, batches, threads, peers=not args.no_peers, frameworks=frameworks)
    if args.json:
        from .saving import write_atomically

        write_atomically(args.json, lambda file: file.write(json.dumps(results, indent=1).encode()))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
