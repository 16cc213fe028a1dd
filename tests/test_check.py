"""Finite differences and the relative error they are judged by."""

import numpy as np
import pytest

import symnet as sn


class Quadratic:
    """loss = Σ a * p**2, whose gradient is 2 a p."""

    def __init__(self):
        self.params = {"p": np.array([1.0, -2.0, 0.5])}

    def loss(self, x, y):
        return float(np.sum(x * self.params["p"] ** 2))


def test_finite_differences_of_a_quadratic():
    net = Quadratic()
    a = np.array([3.0, 1.0, -2.0])
    grads = sn.finite_difference_gradients(net, a, None)
    assert np.allclose(grads["p"], 2 * a * net.params["p"], rtol=1e-8)
    assert net.params["p"].tolist() == [1.0, -2.0, 0.5]  # restored


def test_relative_error():
    assert sn.relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert sn.relative_error([0.0], [0.0]) == 0.0
    assert sn.relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2))
    assert sn.relative_error([100.0], [101.0]) == pytest.approx(1 / 101)
