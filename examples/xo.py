"""The X/O walk-through: filter a 9x9 X with three features, pool, and rectify.

Every picture is computed by symnet's NumPy reference, from the declared network:

    python examples/xo.py
"""

import numpy as np

import symnet as sn
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


if __name__ == "__main__":
    walk_through()
