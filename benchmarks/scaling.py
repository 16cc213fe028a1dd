"""The scaling model of docs/scaling.md, from what ``symnet bench MODEL --mpi N --json FILE`` measured.

    python benchmarks/scaling.py benchmarks/mpi_lenet.json benchmarks/mpi_resnet.json

A data-parallel step on P processes, without overlap, takes the compute of one process's
share plus a ring allreduce of the float32 gradient:

    T(P) = b * c + 2 (P - 1) / P * bytes / bandwidth + 2 (P - 1) * latency

with c the measured compute time per sample at b = 64 per process (one process, one
thread), and the scaling efficiency is b * c / T(P). Prints the predictions (markdown) and
the check against the runs measured here.
"""

from __future__ import annotations

import json
import sys

NETWORKS = {"10 Gbit/s": (10e9 / 8, 20e-6), "100 Gbit/s": (100e9 / 8, 2e-6)}   # bytes/s, seconds per message
PROCESSES = (8, 64, 512)


def ring_allreduce(processes: int, size: int, bandwidth: float, latency: float) -> float:
    """Seconds of a ring allreduce of ``size`` bytes over ``processes``."""
    if processes == 1:
        return 0.0
    return 2 * (processes - 1) / processes * size / bandwidth + 2 * (processes - 1) * latency


def efficiency(compute: float, processes: int, size: int, bandwidth: float, latency: float) -> float:
    return compute / (compute + ring_allreduce(processes, size, bandwidth, latency))


def report(results: dict) -> str:
    one = results["runs"][0]["symnet"]
    compute, size, batch = one["compute_seconds"], one["gradient_bytes"], results["batch_per_process"]
    lines = [f"### {results['model']}",
             "",
             f"Compute {compute * 1e3:.2f} ms per step of {batch} ({compute / batch * 1e6:.0f} µs per sample), "
             f"gradient {size:,} bytes (float32).",
             "",
             "| network | " + " | ".join(f"P = {p}" for p in PROCESSES) + " |",
             "|---|" + "---|" * len(PROCESSES)]
    for name, (bandwidth, latency) in NETWORKS.items():
        cells = []
        for processes in PROCESSES:
            allreduce = ring_allreduce(processes, size, bandwidth, latency)
            cells.append(f"{efficiency(compute, processes, size, bandwidth, latency):.2f} "
                         f"({allreduce * 1e3:.2f} ms)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Measured here (shared memory):", "",
              "| P | step ms | compute ms | allreduce ms | compute + allreduce ms | efficiency | torch DDP images/s |",
              "|---|---|---|---|---|---|---|"]
    for run in results["runs"]:
        own, peer = run["symnet"], run.get("torch_ddp")
        lines.append(f"| {run['processes']} | {own['step_seconds'] * 1e3:.2f} | {own['compute_seconds'] * 1e3:.2f} | "
                     f"{own['allreduce_seconds'] * 1e3:.3f} | "
                     f"{(own['compute_seconds'] + own['allreduce_seconds']) * 1e3:.2f} | "
                     f"{own['images_per_second'] / (run['processes'] * one['images_per_second']):.2f} | "
                     f"{peer['images_per_second'] if peer else float('nan'):,.0f} |")
    threads = results["threads"]
    lines += ["", f"One process, {threads['threads']} threads, batch {threads['batch']}: "
              f"{threads['batch'] / threads['symnet']['compute_seconds']:,.0f} images/s "
              f"(1 process, 1 thread: {one['images_per_second']:,.0f})."]
    return "\n".join(lines)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path) as file:
            print(report(json.load(file)))
        print()
