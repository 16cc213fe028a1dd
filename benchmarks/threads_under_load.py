"""Training speed with the default thread count when other processes keep the cores busy.

    python benchmarks/threads_under_load.py [--models lenet,mlp] [--batch 64] [--rounds 5]

For each model: `fit` throughput (images/s, epochs of 4,096 random images for at least half
a second a round) of
a net compiled with threads=1, and of nets with the default thread count (all cores) under
the policies "adaptive" (the default) and "all" (every call on all threads: what symnet
did before the policy existed), each with 0, 1 and N spinning processes beside it (N = the
cores). The nets take turns round by round, so a change of load touches them alike; each
figure is the median of the rounds. Writes benchmarks/threads_under_load.json and .md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import symnet as sn
from symnet.files import write_atomically
from symnet.machine import describe
from symnet.zoo import load_model

HERE = Path(__file__).resolve().parent
SAMPLES = 4096
SPIN_SECONDS = 600   # a spinner stops by itself after this, whatever happens to this script


def _spin(stop) -> None:
    """Keep one core busy until ``stop`` is set (or SPIN_SECONDS pass)."""
    end = time.monotonic() + SPIN_SECONDS
    while not stop.is_set() and time.monotonic() < end:
        for _ in range(100_000):
            pass


def _rate(net, x, y, seconds: float = 0.5) -> float:
    """Images per second of epochs of fit, over at least ``seconds``."""
    started, epochs = time.perf_counter(), 0
    while epochs == 0 or time.perf_counter() - started < seconds:
        net.fit(x, y, epochs=1, lr=0.01, progress=False)
        epochs += 1
    return epochs * SAMPLES / (time.perf_counter() - started)


def measure(name: str, batch: int, rounds: int, spinners: int) -> dict:
    """Median images/s of fit for threads=1, adaptive and all, with ``spinners`` busy processes."""
    model = load_model(name)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, *model.input_shape)).astype(np.float32)
    y = model.loss.random_targets(rng, SAMPLES)
    params = model.init_params(0)
    nets = {"threads=1": sn.compile(model, batch=batch, params=params, threads=1)}
    for policy in ("adaptive", "all"):
        net = sn.compile(model, batch=batch, params=params)
        net.thread_policy = policy
        nets[policy] = net
    for net in nets.values():   # warm: pages touched, the adaptive policy settled
        _rate(net, x, y)
    stop = multiprocessing.Event()
    busy = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(spinners)]
    for process in busy:
        process.start()
    try:
        rates = {label: [] for label in nets}
        for _ in range(rounds):
            for label, net in nets.items():
                rates[label].append(_rate(net, x, y))
    finally:
        stop.set()
        for process in busy:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
    medians = {label: statistics.median(values) for label, values in rates.items()}
    return {"model": name, "batch": batch, "spinners": spinners, "threads": nets["adaptive"].threads,
            "images_per_second": medians, "load_average": os.getloadavg()[0],
            "adaptive_over_one": medians["adaptive"] / medians["threads=1"],
            "all_over_one": medians["all"] / medians["threads=1"]}


def table(rows: list[dict]) -> str:
    lines = ["| model | batch | busy processes | threads=1 img/s | default (adaptive) img/s | adaptive / 1 thread "
             "| all threads img/s | all / 1 thread |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        rate = row["images_per_second"]
        lines.append(f"| {row['model']} | {row['batch']} | {row['spinners']} | {rate['threads=1']:,.0f} | "
                     f"{rate['adaptive']:,.0f} | {row['adaptive_over_one']:.2f}x | {rate['all']:,.0f} | "
                     f"{row['all_over_one']:.2f}x |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="lenet,mlp")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    rows = []
    for name in args.models.split(","):
        for spinners in sorted({0, 1, cores}):
            row = measure(name, args.batch, args.rounds, spinners)
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
    record = {"machine": describe(), "rows": rows}
    write_atomically(HERE / "threads_under_load.json", lambda file: file.write(json.dumps(record, indent=1).encode()))
    text = table(rows)
    write_atomically(HERE / "threads_under_load.md", lambda file: file.write((text + "\n").encode()))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
