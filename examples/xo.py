"""The X/O walk-through, then the X/O convnet trained from random weights.

First the walk-through: filter a 9x9 X with the three features, pool and rectify, every
picture computed by symnet's NumPy reference. Then the same network, compiled to C,
learns its own features from X's and O's drawn shifted, scaled, turned, with thin and
thick strokes and some noise, and is scored on pictures it never saw:

    python examples/xo.py
"""

import time

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


def walk_through() -> list[np.ndarray]:
    """Filter, pool and rectify the X in the text's order; returns the three stages."""
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
    filtered, pooled, rectified = sn.Reference(model, params).activations(X[None, None])[:3]

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


def train(epochs: int = 30, seed: int = 0) -> float:
    """Train the xo model from random weights; returns its held-out accuracy."""
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
    return accuracy


if __name__ == "__main__":
    walk_through()
    train()
