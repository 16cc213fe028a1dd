"""Run the full benchmark and record it: benchmarks/results.json and benchmarks/results.md.

    python benchmarks/run.py    # xo, mlp, lenet, lenet_modern, convnet32, resnet at batch 1, 16, 64, 256; 1 and 2 threads

Each model trains with its recipe's optimizer (SGD; AdamW for lenet_modern and resnet, whose
BatchNorm needs at least two samples, so they have no batch-1 rows).

Needs PyTorch for the comparison (pip install -e '.[dev]'); takes about ten minutes on
two cores. The README's table is results.md.
"""

import json
import sys
from pathlib import Path

from symnet.bench import run, table
from symnet.saving import write_atomically

HERE = Path(__file__).resolve().parent


def main() -> int:
    results = run(["xo", "mlp", "lenet", "lenet_modern", "convnet32", "resnet"], [1, 16, 64, 256], [1, 2])
    write_atomically(HERE / "results.json", lambda file: file.write(json.dumps(results, indent=1).encode()))
    text = table(results)
    write_atomically(HERE / "results.md", lambda file: file.write((text + "\n").encode()))
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
