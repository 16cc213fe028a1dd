"""Shared test helpers: random data for a model and the finite-difference verdict."""

from __future__ import annotations

import numpy as np

import symnet as sn


def random_batch(model: sn.Sequential, count: int = 3, seed: int = 0):
    """Inputs and targets suited to the model's input shape and loss."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(count, *model.input_shape))
    return x, model.loss.random_targets(rng, count)


def gradient_errors(model: sn.Sequential, count: int = 3, seed: int = 0, params=None) -> dict[str, float]:
    """Relative error of the reference's gradients against central differences, per parameter."""
    ref = sn.Reference(model, params if params is not None else model.init_params(seed))
    x, y = random_batch(model, count, seed)
    analytic = ref.gradients(x, y)
    numeric = sn.finite_difference_gradients(ref, x, y)
    return {name: sn.relative_error(analytic[name], numeric[name]) for name in analytic}


def assert_gradients_match(model: sn.Sequential, tolerance: float = 1e-6, **kwargs) -> None:
    errors = gradient_errors(model, **kwargs)
    worst = max(errors, key=errors.get)
    assert errors[worst] < tolerance, f"{worst}: relative error {errors[worst]:.2e} (all: {errors})"
