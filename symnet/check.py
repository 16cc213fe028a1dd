"""Check: hold derivatives to the math with central finite differences.

Finite differences depend on nothing but the forward pass, so they judge the
reference's backward pass (and, through it, every derived partial) independently.
"""

from __future__ import annotations

import numpy as np


def relative_error(a, b) -> float:
    """``|a - b| / max(|a|, |b|)`` in the Euclidean norm; 0 when both are 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0.0 else float(np.linalg.norm(a - b) / scale)


def finite_difference_gradients(net, x, y, eps: float = 1e-6, names=None) -> dict[str, np.ndarray]:
    """Central differences ``(L(p + eps) - L(p - eps)) / 2 eps`` for every parameter element.

    ``net`` is anything with ``params`` and ``loss(x, y)`` (the reference, or a compiled
    net in float64); ``names`` limits the parameters differenced. Costs two loss
    evaluations per element, so it is meant for small models.
    """
    params = {name: np.array(value, dtype=np.float64) for name, value in net.params.items()}
    grads = {}
    try:
        for name in names or list(params):
            grad = np.zeros_like(params[name])
            flat, out = params[name].reshape(-1), grad.reshape(-1)
            for index in range(flat.size):
                original = flat[index]
                flat[index] = original + eps
                net.params = params
                up = net.loss(x, y)
                flat[index] = original - eps
                net.params = params
                down = net.loss(x, y)
                flat[index] = original
                out[index] = (up - down) / (2 * eps)
            grads[name] = grad
    finally:
        net.params = params
    return grads
