"""The weights' check after each step (sn_finite): an infinity or a NaN anywhere among the
parameters, in the vectors or in the last values past them, is found; finite values, even
those whose squares overflow, pass; and a step that makes a weight infinite is undone."""

import numpy as np
import pytest

import symnet as sn
from helpers import random_batch


def small_net(dtype):
    model = sn.Sequential(sn.Input(5), sn.Dense(3), sn.Tanh(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    return sn.compile(model, batch=4, dtype=dtype, threads=1)   # 18 + 8 = 26 parameters: vectors and a tail


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_non_finite_parameter_is_found(dtype):
    net = small_net(dtype)
    flat = net._flat
    assert net._finite_params()
    flat[:] = np.finfo(dtype).max / 2   # finite; the sum of their squares is not
    assert net._finite_params()
    flat[:] = 0.5
    for where in range(flat.size):
        for bad in (np.inf, -np.inf, np.nan):
            flat[where] = bad
            assert not net._finite_params(), (where, bad)
            flat[where] = 0.5
    assert net._finite_params()


def test_a_step_that_makes_a_weight_infinite_is_undone():
    net = small_net("float32")
    x, y = random_batch(net.model, 4)
    params = dict(net.params)
    params["dense2.bias"] = np.full(2, 3.3e38)   # finite, and so are the logits' softmax and loss
    net.params = params
    before = {name: value.copy() for name, value in net.params.items()}
    with pytest.raises(sn.DivergenceError, match="its update made dense2.bias infinite"):
        net.step(x, y, lr=1e38)   # the bias of a class whose gradient is negative passes float32's largest
    assert all(np.array_equal(net.params[name], value) for name, value in before.items())
