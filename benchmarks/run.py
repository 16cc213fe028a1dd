"""Run the full benchmark and record it: benchmarks/results.json and benchmarks/results.md.

    python benchmarks/run.py    # xo, mlp, lenet, lenet_modern, convnet32, resnet at batch 1, 16, 64, 256; 1 and 2 threads
    python benchmarks/run.py --models lenet,resnet --batches 32,128 --peers jax,tinygrad

Each model trains with its recipe's optimizer (SGD; AdamW for lenet_modern and resnet, whose
BatchNorm needs at least two samples, so they have no batch-1 rows), in symnet, the NumPy
reference, PyTorch and each installed peer (JAX, PyTensor, tinygrad), all from the same
weights; each peer's step is checked against the reference before it is timed. The record
holds the machine (CPU model, cores, the vector width of symnet's C) and how each peer's
threads were limited.

Needs PyTorch and the peers (pip install -e '.[peers]'). symnet and PyTorch alone take about
ten minutes on two cores; the peers add their compiles (each model, batch and thread count
is a new step to build), about an hour more for the whole table. The README's table is
results.md.
"""

import argparse
import json
import sys
from pathlib import Path

from symnet.bench import peer_names, run, table
from symnet.saving import write_atomically

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="xo,mlp,lenet,lenet_modern,convnet32,resnet")
    parser.add_argument("--batches", default="1,16,64,256")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--peers", default="all", help="some of jax,pytensor,tinygrad, all (installed) or none")
    parser.add_argument("--out", default=str(HERE), help="folder for results.json and results.md")
    args = parser.parse_args(argv)
    try:
        frameworks = peer_names(args.peers)
        batches, threads = ([int(part) for part in text.split(",")] for text in (args.batches, args.threads))
    except ValueError as error:
        parser.error(str(error))
    out = Path(args.out)
    # Made (and a bad path refused) before the run, which takes many minutes, not after it.
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        parser.error(f"--out: {error}")
    results = run(args.models.split(","), batches, threads, frameworks=frameworks)
    write_atomically(out / "results.json", lambda file: file.write(json.dumps(results, indent=1).encode()))
    text = table(results)
    write_atomically(out / "results.md", lambda file: file.write((text + "\n").encode()))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
