"""Cold and warm sn.compile, several times, as the README's "What a compile costs" reports it.

    python benchmarks/compile_times.py                      # mlp, lenet, resnet; 5 runs each
    python benchmarks/compile_times.py --models mlp --runs 9

Each run is a new process that imports symnet, declares the model and times
``sn.compile(model, batch=64)`` alone, with SYMNET_CACHE pointing at a new, empty folder
(cold: the shared runtime, the model's C and cffi's wrapper all compile), then a second new
process on the same folder (warm: a cache hit). Printed for each model: the cold and warm
times' minimum and median, the cold compile's processor time (Python and every compiler
process) and the one-minute load average before each run, which says how much of the
machine others were using.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

from symnet.bench import _TIMED


def times(name: str, runs: int) -> dict:
    """``runs`` cold and warm compiles of built-in model ``name``: lists of seconds and loads."""
    record = {"cold": [], "cpu": [], "warm": [], "load": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "SYMNET_CACHE": cache}
            record["load"].append(os.getloadavg()[0])
            for kind in ("cold", "warm"):
                said = subprocess.run([sys.executable, "-c", _TIMED, name], env=env, capture_output=True,
                                      text=True, check=True).stdout.split()
                record[kind].append(float(said[0]))
                if kind == "cold":
                    record["cpu"].append(float(said[1]))
    return record


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="mlp,lenet,resnet")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for name in args.models.split(","):
        r = times(name, args.runs)
        print(f"{name}: cold min {min(r['cold']):.2f} s, median {statistics.median(r['cold']):.2f} s "
              f"(processor time median {statistics.median(r['cpu']):.2f} s); warm min {min(r['warm']) * 1000:.0f} ms, "
              f"median {statistics.median(r['warm']) * 1000:.0f} ms; load {min(r['load']):.1f}-{max(r['load']):.1f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
