"""The NumPy reference: gradients against finite differences for every layer kind and loss."""

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from helpers import assert_gradients_match, gradient_errors, random_batch

CE, MSE = sn.SoftmaxCrossEntropy, sn.MeanSquaredError


def head(loss):
    """Layers that end a picture model in a loss-appropriate output."""
    return [sn.Flatten(), sn.Dense(3)], loss()


@pytest.mark.parametrize("body", [
    pytest.param([sn.Conv2D(2, 3)], id="conv"),
    pytest.param([sn.Conv2D(2, 3, stride=2, padding=1)], id="conv-stride-padding"),
    pytest.param([sn.Conv2D(2, (3, 2), stride=(2, 1), padding=(0, 1), bias=False)], id="conv-rectangular"),
    pytest.param([sn.Conv2D(3, 3, mean=True, bias=False)], id="conv-mean"),
    pytest.param([sn.Conv2D(2, 2), sn.MaxPool(2)], id="maxpool"),
    pytest.param([sn.Conv2D(2, 2), sn.MaxPool(2, ceil_mode=True)], id="maxpool-ceil"),
    pytest.param([sn.Conv2D(2, 2), sn.MaxPool(3, stride=2)], id="maxpool-overlapping"),
    pytest.param([sn.AvgPool(2)], id="avgpool"),
    pytest.param([sn.AvgPool(3, stride=2)], id="avgpool-overlapping"),
    pytest.param([sn.Conv2D(2, 3), sn.ReLU()], id="relu"),
    pytest.param([sn.Conv2D(2, 3), sn.Sigmoid()], id="sigmoid"),
    pytest.param([sn.Conv2D(2, 3), sn.Tanh()], id="tanh"),
])
@pytest.mark.parametrize("loss", [CE, MSE], ids=["cross-entropy", "mse"])
def test_picture_layers_match_finite_differences(body, loss):
    tail, loss_object = head(loss)
    model = sn.Sequential(sn.Input(2, 7, 7), *body, *tail, loss=loss_object)
    assert_gradients_match(model)


CUSTOM_ACTIVATIONS = {
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "swish": lambda x: x / (1 + sp.exp(-x)),
    "elu": lambda x: sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True)),
    "gelu": lambda x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
    "cube": lambda x: x**3 / 3 + x,
}


@pytest.mark.parametrize("name", CUSTOM_ACTIVATIONS)
def test_custom_activations_match_finite_differences(name):
    model = sn.Sequential(sn.Input(5), sn.Dense(4), sn.Activation(name, CUSTOM_ACTIVATIONS[name]), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    assert_gradients_match(model)


CUSTOM_LOSSES = {
    "squared": lambda y, t: (y - t) ** 2,
    "log_cosh": lambda y, t: sp.log(sp.cosh(y - t)),
    "pseudo_huber": lambda y, t: sp.sqrt(1 + (y - t) ** 2) - 1,
    "cross_entropy_binary": lambda y, t: -(t * sp.log(1 / (1 + sp.exp(-y))) + (1 - t) * sp.log(1 - 1 / (1 + sp.exp(-y)))),
}


@pytest.mark.parametrize("name", CUSTOM_LOSSES)
def test_custom_losses_match_finite_differences(name):
    model = sn.Sequential(sn.Input(4), sn.Dense(5), sn.Tanh(), sn.Dense(2),
                          loss=sn.Loss(name, CUSTOM_LOSSES[name]))
    assert_gradients_match(model)


def test_custom_squared_loss_equals_mean_squared_error():
    layers = (sn.Input(3), sn.Dense(2))
    custom = sn.Reference(sn.Sequential(*layers, loss=sn.Loss("squared", lambda y, t: (y - t) ** 2)))
    builtin = sn.Reference(sn.Sequential(*layers, loss=sn.MeanSquaredError()), custom.params)
    x, y = random_batch(builtin.model, 5)
    assert custom.loss(x, y) == pytest.approx(builtin.loss(x, y), rel=1e-12)
    for name, grad in custom.gradients(x, y).items():
        assert np.allclose(grad, builtin.gradients(x, y)[name], rtol=1e-12)


def test_a_wrong_derivative_is_caught():
    """The finite-difference check fails when an activation's derivative is wrong."""
    model = sn.Sequential(sn.Input(4), sn.Dense(3), sn.Sigmoid(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    sigmoid = model.layers[1]
    from symnet.layers.activation import numpy_function
    sigmoid._slope = numpy_function(sigmoid.y * (1 - sigmoid.y) * 1.01, sigmoid.y)  # 1% off
    assert max(gradient_errors(model).values()) > 1e-3


def test_softmax_cross_entropy_values():
    model = sn.Sequential(sn.Input(2), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    ref = sn.Reference(model, {"dense1.weight": np.zeros((3, 2)), "dense1.bias": np.array([0.0, 1.0, 2.0])})
    x = np.zeros((2, 2))
    expected = np.log(np.exp([0, 1, 2]).sum()) - np.array([0.0, 2.0])
    assert ref.loss(x, [0, 2]) == pytest.approx(expected.mean())
    # extreme logits stay finite
    ref.params = {"dense1.weight": np.zeros((3, 2)), "dense1.bias": np.array([0.0, 800.0, -800.0])}
    assert np.isfinite(ref.loss(x, [2, 2]))
    assert np.isfinite(ref.gradients(x, [2, 2])["dense1.bias"]).all()


def test_activations_lists_every_layer_output():
    model = sn.Sequential(sn.Input(1, 6, 6), sn.Conv2D(2, 3), sn.ReLU(), sn.MaxPool(2), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    x, _ = random_batch(model, 2)
    outputs = sn.Reference(model).activations(x)
    assert [o.shape for o in outputs] == [(2, 2, 4, 4), (2, 2, 4, 4), (2, 2, 2, 2), (2, 8), (2, 3)]
    assert (outputs[1] >= 0).all()


@pytest.mark.parametrize("x, y, message", [
    (np.zeros((2, 5)), [0, 1], r"x: expected shape \(n, 4\)"),
    (np.zeros((2, 4), dtype=object), [0, 1], "x: expected numbers"),
    (np.array([[0, 0, 0, np.nan]] * 2), [0, 1], "x: contains NaN"),
    (np.zeros((2, 4)), [0, 3], r"labels: must lie in \[0, 3\)"),
    (np.zeros((2, 4)), [0, -1], r"labels: must lie in \[0, 3\)"),
    (np.zeros((2, 4)), [0.5, 1], "labels: must be whole class indices"),
    (np.zeros((2, 4)), [0, 1, 2], r"labels: expected shape \(2,\)"),
    (np.zeros((2, 4)), ["a", "b"], "labels: expected integer class indices"),
])
def test_bad_inputs_raise_clear_errors(x, y, message):
    ref = sn.Reference(sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.SoftmaxCrossEntropy()))
    with pytest.raises(ValueError, match=message):
        ref.gradients(x, y)


def test_regression_targets_are_checked():
    ref = sn.Reference(sn.Sequential(sn.Input(4), sn.Dense(2), loss=sn.MeanSquaredError()))
    with pytest.raises(ValueError, match=r"targets: expected shape \(3, 2\)"):
        ref.loss(np.zeros((3, 4)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="targets: contain NaN"):
        ref.loss(np.zeros((1, 4)), [[np.nan, 0.0]])


def test_step_descends():
    model = sn.Sequential(sn.Input(4), sn.Dense(8), sn.Tanh(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    ref = sn.Reference(model)
    x, y = random_batch(model, 16)
    first = ref.step(x, y, lr=0.5)
    for _ in range(30):
        last = ref.step(x, y, lr=0.5)
    assert last < 0.5 * first
