"""Benchmarks: training throughput of the compiled net, the NumPy reference and PyTorch.

Each thread count runs in its own worker process, because the BLAS under NumPy fixes
its thread count when it is first loaded. Every figure is the median of several timed
runs after a warm-up. ``python -m symnet.bench`` and ``symnet bench MODEL`` drive it.
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


def _symnet_rate(model, optimizer, batch: int, threads: int) -> float:
    from .run import compile

    net = compile(model, batch=batch, threads=threads, optimizer=optimizer)
    x, y = random_data(model, batch)
    return median_rate(lambda: net.step(x, y), batch)


def _reference_rate(model, optimizer, batch: int) -> float:
    from .reference import Reference

    ref = Reference(model, optimizer=optimizer)
    x, y = random_data(model, batch)
    return median_rate(lambda: ref.step(x, y), batch, repeats=3, seconds=0.2)


def _torch_rate(model, optimizer, batch: int, threads: int) -> float:
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

    return median_rate(step, batch)


def matmul_rate(size: int = 1024) -> float:
    """This process's single-precision matrix-multiply rate through NumPy, in GFLOP/s."""
    a, b = (np.random.default_rng(k).random((size, size), dtype=np.float32) for k in (0, 1))
    return median_rate(lambda: a @ b, 1) * 2 * size**3 / 1e9


def worker(models: list[str], batches: list[int], threads: int, peers: bool) -> dict:
    """Every measurement for one thread count (run in a process whose BLAS uses ``threads``)."""
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
            row = {"model": name, "optimizer": optimizer.kind, "batch": batch,
                   "symnet": _symnet_rate(model, optimizer, batch, threads)}
            if peers:
                row["reference"] = _reference_rate(model, optimizer, batch)
            if have_torch:
                row["torch"] = _torch_rate(model, optimizer, batch, threads)
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


def run(models: list[str], batches: list[int], threads: list[int], peers: bool = True) -> dict:
    """The whole benchmark: one worker process per thread count, plus compile times."""
    results = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "runs": [], "compile": {}}
    for count in threads:
        env = {**os.environ, **{variable: str(count) for variable in THREAD_VARIABLES}}
        argv = [sys.executable, "-m", "symnet.bench", "--worker", "--threads", str(count),
                "--models", ",".join(models), "--batches", ",".join(map(str, batches))]
        if not peers:
            argv.append("--no-peers")
        done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True, check=True)
        results["runs"].append(json.loads(done.stdout))
    for name in models:
        results["compile"][name] = compile_times(name)
    return results


def table(results: dict) -> str:
    """The results as a Markdown table, with the symnet/PyTorch ratios."""
    lines = ["| model | optimizer | batch | threads | symnet img/s | PyTorch img/s | symnet / PyTorch "
             "| NumPy reference img/s | symnet GFLOP/s (% of matmul) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for run_ in results["runs"]:
        for row in run_["rows"]:
            torch_rate = row.get("torch")
            ratio = f"{row['symnet'] / torch_rate:.2f}x" if torch_rate else "-"
            share = 100 * row["gflops"] / run_["matmul_gflops"]
            lines.append(f"| {row['model']} | {row.get('optimizer', 'SGD')} | {row['batch']} | {run_['threads']} | "
                         f"{row['symnet']:,.0f} | "
                         f"{f'{torch_rate:,.0f}' if torch_rate else '-'} | {ratio} | "
                         f"{row.get('reference', 0):,.0f} | {row['gflops']:.1f} ({share:.0f}%) |")
    lines.append("")
    for run_ in results["runs"]:
        lines.append(f"NumPy float32 matrix multiply with {run_['threads']} thread(s): "
                     f"{run_['matmul_gflops']:.1f} GFLOP/s.")
    for name, times in results["compile"].items():
        cpu = f" ({times['cold_cpu_seconds']:.2f} s of processor time)" if "cold_cpu_seconds" in times else ""
        lines.append(f"{name}: cold compile {times['cold_seconds']:.2f} s{cpu}, warm load {times['warm_seconds'] * 1000:.0f} ms.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m symnet.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="xo,mlp,lenet")
    parser.add_argument("--batches", default="1,16,64,256")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--no-peers", action="store_true", help="time symnet only, not the reference or PyTorch")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    models, batches = args.models.split(","), [int(b) for b in args.batches.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    if args.worker:
        print(json.dumps(worker(models, batches, threads[0], not args.no_peers)))
        return 0
    results = run(models, batches, threads, peers=not args.no_peers)
    if args.json:
        from .saving import write_atomically

        write_atomically(args.json, lambda file: file.write(json.dumps(results, indent=1).encode()))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
