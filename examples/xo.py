"""The X/O walk-through, then the X/O convnet trained from random weights.

First the walk-through: filter a 9x9 X with the three features, pool and rectify, every
picture computed by symnet's NumPy reference. Then the same network, compiled to C,
learns its own features from X's and O's drawn shifted, scaled, turned, with thin and
thick strokes and some noise, and is scored on pictures it never saw:

    python examples/xo.py
    python examples/xo.py --plot DIR   # also the walk-through as pictures (needs matplotlib)

With ``--plot DIR`` it writes PNG files into DIR: the X and the three features, the X
filtered, pooled and rectified (walk_through_x.png), the features the net learned, and the
trained net's maps and votes for the walk-through X and for the four held-out pictures it
finds hardest (tricky_1.png ...).
"""

import argparse
import time
from pathlib import Path

import numpy as np

import symnet as sn
from symnet.datasets import xo_pictures
from symnet.zoo import XO_FEATURES, xo

# The X of the walk-through: 1 is ink, -1 is paper.
X = np.array([
    [-1, -1, -1, -1, -1, -1, -1, -1, -1],
    [-1, 1, -1, -1, -1, -1, -1, 1, -1],
    [-1, -1, 1, -1, -1, -1, 1, -1, -1],
    [-1, -1, -1, 1, -1, 1, -1, -1, -1],
    [-1, -1, -1, -1, 1, -1, -1, -1, -1],
    [-1, -1, -1, 1, -1, 1, -1, -1, -1],
    [-1, -1, 1, -1, -1, -1, 1, -1, -1],
    [-1, 1, -1, -1, -1, -1, -1, 1, -1],
    [-1, -1, -1, -1, -1, -1, -1, -1, -1],
], dtype=float)
FEATURE_NAMES = ("\\ diagonal", "small x", "/ diagonal")


def show(title: str, picture: np.ndarray) -> None:
    print(title)
    for row in picture:
        print("  " + " ".join(f"{value:5.2f}" for value in row))
    print()


# What each stage of the walk-through does, for the pictures' headings.
CAPTIONS = {"conv1": "filtered (1 = a perfect match)",
            "maxpool1": "pooled (the largest of each 2x2 window)", "relu1": "rectified (negatives become 0)"}


def walk_through_reference() -> sn.Reference:
    """The walk-through's network in the text's order (filter, pool, rectify) with the text's
    three features as its filters."""
    # Filtering: each output is the mean of the products of a feature and a patch.
    model = sn.Sequential(
        sn.Input(1, 9, 9),
        sn.Conv2D(3, 3, bias=False, mean=True),
        sn.MaxPool(2, ceil_mode=True),   # window 2, stride 2, edge windows kept: 7x7 -> 4x4
        sn.ReLU(),
        sn.Flatten(), sn.Dense(2),
        loss=sn.SoftmaxCrossEntropy(), name="xo_walk_through",
    )
    params = model.init_params()
    params["conv1.weight"] = np.array(XO_FEATURES, dtype=float)[:, None]
    return sn.Reference(model, params)


def walk_through() -> list[np.ndarray]:
    """Filter, pool and rectify the X in the text's order; returns the three stages."""
    reference = walk_through_reference()
    params = reference.params
    filtered, pooled, rectified = reference.activations(X[None, None])[:3]

    show("The X (1 is ink, -1 is paper):", X)
    for k, name in enumerate(FEATURE_NAMES):
        show(f"Feature {k + 1} ({name}):", params["conv1.weight"][k, 0])
    for k, name in enumerate(FEATURE_NAMES):
        show(f"Filtered with feature {k + 1} ({name}), 1 = perfect match:", filtered[0, k])
    for k in range(3):
        show(f"Pooled, feature {k + 1} (max of each 2x2 window, edges kept):", pooled[0, k])
    for k in range(3):
        show(f"ReLU'd, feature {k + 1} (negatives become 0):", rectified[0, k])

    # Max pooling and ReLU commute, so the built-in xo model (ReLU first) agrees.
    builtin = xo()
    same = sn.Reference(builtin, {**builtin.init_params(), "conv1.weight": params["conv1.weight"]})
    assert np.allclose(same.activations(X[None, None])[2], rectified)
    print("The built-in 'xo' model (filter, ReLU, then pool) gives the same pictures.")
    return [filtered, pooled, rectified]


def train(epochs: int = 30, seed: int = 0, plot: Path | None = None) -> float:
    """Train the xo model from random weights; returns its held-out accuracy. With ``plot``
    (a folder), draws the pictures there (see :func:`pictures`)."""
    x_train, y_train = xo_pictures(3000, seed=seed)
    x_test, y_test = xo_pictures(1000, seed=seed + 1)
    net = sn.compile(xo(), batch=32, params=xo().init_params(seed))
    started = time.perf_counter()
    net.fit(x_train, y_train, epochs=epochs, lr=0.1, momentum=0.9, seed=seed, progress=False)
    seconds = time.perf_counter() - started
    accuracy = net.evaluate(x_test, y_test)["accuracy"]
    print(f"\nTrained on {len(x_train)} pictures in {seconds:.2f} s: held-out accuracy {accuracy:.1%} "
          f"on {len(x_test)} new pictures.")
    print("What the trained net votes for a few of them:")
    shown = np.concatenate([np.flatnonzero(y_test == 0)[:2], np.flatnonzero(y_test == 1)[:2]])
    votes = np.exp(net.forward(x_test[shown]).astype(np.float64))
    votes /= votes.sum(axis=1, keepdims=True)
    for picture, label, vote in zip(x_test[shown], y_test[shown], votes):
        print()
        for row in picture[0]:
            print("  " + " ".join("#" if value > 0 else "." for value in row))
        print(f"  votes: X {vote[0]:.2f}, O {vote[1]:.2f}   (it is an {'XO'[label]})")
    if plot is not None:
        pictures(Path(plot), net, x_test, y_test)
    return accuracy


def trickiest(net, x, y, count: int = 4) -> np.ndarray:
    """The indices of the ``count`` pictures (half X's, half O's) to whose true letter the net
    gives the lowest probability: the pictures it finds hardest, right or wrong."""
    logits = net.forward(x).astype(np.float64)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    truth = probabilities[np.arange(len(y)), y]
    chosen = [np.flatnonzero(y == label)[np.argsort(truth[y == label])[:count // 2]] for label in (0, 1)]
    return np.concatenate(chosen)


def pictures(folder: Path, net, x_test, y_test) -> list[Path]:
    """Write the walk-through as PNG files into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    reference = walk_through_reference()
    written = [folder / name for name in ("features.png", "walk_through_x.png", "trained_features.png",
                                          "trained_x.png")]
    # The text's pictures: -1 (paper) white, 1 (ink, or a perfect match) black; matches run -1..1.
    sn.plot.filters(reference, "conv1", cmap="gray_r", title="The three features: \\ diagonal, small x, / diagonal",
                    path=written[0])
    sn.plot.feature_maps(reference, X, cmap="gray_r", scale=1, votes=False, captions=CAPTIONS,
                         title="The X of the walk-through, filtered with the three features, pooled and rectified",
                         path=written[1])
    sn.plot.filters(net, "conv1", cmap="gray_r", title="The features the net learned from 3,000 pictures",
                    path=written[2])
    sn.plot.feature_maps(net, X, classes=("X", "O"), cmap="gray_r", captions=CAPTIONS,
                         title="The walk-through X through the trained net", path=written[3])
    for rank, index in enumerate(trickiest(net, x_test, y_test), 1):
        written.append(folder / f"tricky_{rank}.png")
        sn.plot.feature_maps(net, x_test[index], classes=("X", "O"), cmap="gray_r", captions=CAPTIONS,
                             title=f"A harder held-out picture (number {index}, an {'XO'[y_test[index]]})",
                             path=written[-1])
    print(f"\nWrote {len(written)} pictures to {folder}: {', '.join(path.name for path in written)}")
    return written


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="DIR", type=Path, help="also write the walk-through as PNG files into DIR")
    args = parser.parse_args(argv)
    walk_through()
    train(plot=args.plot)


if __name__ == "__main__":
    main()
