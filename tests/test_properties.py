"""Property tests over random small architectures of every layer kind."""

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch

ACTIVATIONS = [
    sn.ReLU, sn.Sigmoid, sn.Tanh,
    lambda: sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x))),
    lambda: sn.Activation("swish", lambda x: x / (1 + sp.exp(-x))),
]
LOSSES = [
    sn.SoftmaxCrossEntropy, sn.MeanSquaredError,
    lambda: sn.Loss("log_cosh", lambda y, t: sp.log(sp.cosh(y - t))),
]


def picture_layer(draw, shape):
    """A random picture layer that fits ``shape`` (channels, height, width)."""
    _, height, width = shape
    side = min(height, width)
    kind = draw(st.sampled_from(["conv", "maxpool", "avgpool", "activation"]))
    if kind == "conv":
        padding = draw(st.integers(0, 1))
        kernel = draw(st.integers(1, min(3, side + 2 * padding)))
        return sn.Conv2D(draw(st.integers(1, 3)), kernel, stride=draw(st.integers(1, 2)), padding=padding,
                         bias=draw(st.booleans()), mean=draw(st.booleans()))
    if kind in ("maxpool", "avgpool"):
        kernel = draw(st.integers(1, min(3, side)))
        stride = draw(st.integers(1, kernel))
        if kind == "maxpool":
            return sn.MaxPool(kernel, stride, ceil_mode=draw(st.booleans()))
        return sn.AvgPool(kernel, stride)
    return draw(st.sampled_from(ACTIVATIONS))()


@st.composite
def architectures(draw):
    layers = []
    if draw(st.booleans()):
        shape = (draw(st.integers(1, 2)), draw(st.integers(3, 7)), draw(st.integers(3, 7)))
        layers.append(sn.Input(*shape))
        probe = shape
        for _ in range(draw(st.integers(1, 3))):
            layer = picture_layer(draw, probe)
            probe = sn.Sequential(sn.Input(*probe), layer, loss=sn.MeanSquaredError()).output_shape
            layers.append(layer)
        layers.append(sn.Flatten())
    else:
        layers.append(sn.Input(draw(st.integers(1, 5))))
    for _ in range(draw(st.integers(0, 2))):
        layers += [sn.Dense(draw(st.integers(1, 4)), bias=draw(st.booleans())), draw(st.sampled_from(ACTIVATIONS))()]
    layers.append(sn.Dense(draw(st.integers(2, 3))))
    return sn.Sequential(*layers, loss=draw(st.sampled_from(LOSSES))())


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(architectures(), st.integers(1, 4))
def test_inferred_shapes_are_what_the_reference_produces(model, count):
    x, _ = random_batch(model, count)
    outputs = sn.Reference(model).activations(x)
    assert [o.shape for o in outputs] == [(count, *layer.output_shape) for layer in model.layers]


@PROPERTY
@given(architectures(), st.integers(0, 1000))
def test_gradients_match_finite_differences(model, seed):
    params = model.init_params(seed)
    rng = np.random.default_rng(seed)
    for name in params:  # nonzero biases, so no two outputs tie by construction
        params[name] = params[name] + rng.normal(0, 0.1, params[name].shape)
    ref = sn.Reference(model, params)
    x, y = random_batch(model, 3, seed)
    analytic = ref.gradients(x, y)
    numeric = sn.finite_difference_gradients(ref, x, y)
    for name in analytic:
        scale = max(np.linalg.norm(analytic[name]), np.linalg.norm(numeric[name]), 1e-6)
        error = np.linalg.norm(analytic[name] - numeric[name]) / scale
        assert error < 1e-6, f"{name}: {error:.2e} in {model!r}"
