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


# -- a wrong derivative is found, and named ------------------------------------------------
import dataclasses  # noqa: E402


def private_cache(monkeypatch, tmp_path):
    """An empty build cache of this test's own: the broken C must not be found in, nor left
    in, the shared one. (Its keys follow the declaration and symnet's source files, neither
    of which a monkeypatch changes, so the shared cache would hand back the correct module.)"""
    monkeypatch.setenv("SYMNET_CACHE", str(tmp_path / "cache"))


def wrong_partial(monkeypatch, cls, of, factor=2):
    """Make ``cls`` derive its partial with respect to ``of`` times ``factor``."""
    original = cls.symbols

    def symbols(self):
        derived = original(self)
        partials = tuple(dataclasses.replace(p, expr=factor * p.expr) if p.of == of else p for p in derived.partials)
        return dataclasses.replace(derived, partials=partials)

    monkeypatch.setattr(cls, "symbols", symbols)


def test_check_names_the_layer_whose_derivative_is_wrong(monkeypatch, tmp_path):
    private_cache(monkeypatch, tmp_path)
    model = sn.Sequential(sn.Input(3), sn.Dense(4), sn.Tanh(name="squash"), sn.Dense(2),
                          loss=sn.MeanSquaredError())
    assert len(model.graph.tensors["dense1"].readers) == 1   # the tanh's input has one reader
    wrong_partial(monkeypatch, sn.Tanh, 0)
    assert model.derivation().layer("squash").partial(0) == 2 * model.layer("squash").derivative
    report = sn.check(model, dtype="float64", batch=4)
    assert report.first_disagreement == "squash" and not report.ok, str(report)
    assert "DISAGREES: first at squash" in str(report)


def test_check_names_the_join_whose_derivative_is_wrong(monkeypatch, tmp_path):
    private_cache(monkeypatch, tmp_path)
    x = sn.Input(3)
    joined = sn.Add(name="join")(sn.Dense(2)(x), sn.Tanh()(sn.Dense(2)(x)))
    model = sn.Model(x, sn.Dense(2)(joined), loss=sn.MeanSquaredError())
    wrong_partial(monkeypatch, sn.Add, 1, factor=3)
    report = sn.check(model, dtype="float64", batch=4)
    assert report.first_disagreement == "join" and not report.ok, str(report)


def test_a_wrong_weight_partial_is_refused_by_the_matrix_lowering(monkeypatch, tmp_path):
    private_cache(monkeypatch, tmp_path)
    model = sn.Sequential(sn.Input(3), sn.Dense(4), sn.Tanh(), sn.Dense(2), loss=sn.MeanSquaredError())
    wrong_partial(monkeypatch, sn.Dense, "weight")
    with pytest.raises(AssertionError, match=r"^dense1: derived partials do not match the matrix lowering$"):
        sn.check(model, dtype="float64", batch=4)
