"""step's quick path (symnet.quick_step): the common call (samples in the net's dtype, labels
int64 or int32) in one call into C gives the general path's weights to the bit, refuses the
same bad inputs with the same errors before anything changes, and undoes a diverging step
from the copies it kept itself."""

import numpy as np
import pytest
import torch

import symnet as sn
from helpers import random_batch


def mlp(hidden=32, classes=10, inputs=20):
    return sn.Sequential(sn.Input(inputs), sn.Dense(hidden), sn.Sigmoid(), sn.Dense(classes),
                         loss=sn.SoftmaxCrossEntropy())


def state(net):
    return ({name: value.copy() for name, value in net.params.items()}, net.step_count,
            {name: {p: v.copy() for p, v in rows.items()} for name, rows in net.optimizer_state.items()})


def assert_same_state(net, twin):
    (params, steps, rows), (twin_params, twin_steps, twin_rows) = state(net), state(twin)
    assert steps == twin_steps
    for name in params:
        assert np.array_equal(params[name], twin_params[name]), name
    assert rows.keys() == twin_rows.keys()


def general(x):
    """``x`` as a call the quick path does not take (Fortran order): the general path."""
    return np.asfortranarray(x) if x.ndim > 1 and x.shape[0] > 1 and x.shape[1] > 1 else list(x)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch, count", [(1, 1), (16, 16), (16, 5), (256, 200)])   # 200: too many to keep
@pytest.mark.parametrize("labels", [np.int64, np.int32])
@pytest.mark.parametrize("threads", [1, 2])
def test_the_quick_path_trains_as_the_general_path(dtype, batch, count, labels, threads):
    model = mlp()
    net, twin = (sn.compile(model, batch=batch, dtype=dtype, threads=threads) for _ in range(2))
    rng = np.random.default_rng(count)
    for k in range(20):
        x = rng.normal(size=(count, 20)).astype(dtype)
        y = rng.integers(0, 10, count).astype(labels)
        loss = net.step(x, y, lr=0.05 * (k % 3 + 1))
        assert net._quick is not None   # the path under test
        twin_loss = twin.step(general(x), list(y), lr=0.05 * (k % 3 + 1))
        assert loss == twin_loss
    assert_same_state(net, twin)
    assert (net._quick.kept_samples >= count) == (count != 200)


def test_a_quick_step_equals_torch():
    model = mlp()
    net = sn.compile(model, batch=8, dtype="float64", threads=1)
    x, y = random_batch(model, 8, seed=4)
    torch_model = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.Sigmoid(), torch.nn.Linear(32, 10)).double()
    with torch.no_grad():
        for (name, value), parameter in zip(net.params.items(), torch_model.parameters()):
            parameter.copy_(torch.from_numpy(value))
    optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.3)
    for _ in range(3):
        loss = net.step(x, y, lr=0.3)
        optimizer.zero_grad()
        torch_loss = torch.nn.functional.cross_entropy(torch_model(torch.from_numpy(x)), torch.from_numpy(y))
        torch_loss.backward()
        optimizer.step()
        assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    for value, parameter in zip(net.params.values(), torch_model.parameters()):
        np.testing.assert_allclose(value, parameter.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("x_bad, y_bad, message", [
    ("nan", None, "x: contains NaN or infinity"),
    ("inf", None, "x: contains NaN or infinity"),
    (None, 10, r"labels: must lie in \[0, 10\)"),
    (None, -1, r"labels: must lie in \[0, 10\)"),
    (None, 2 ** 40, r"labels: must lie in \[0, 10\)"),
])
@pytest.mark.parametrize("labels", [np.int64, np.int32])
def test_bad_inputs_are_named_before_anything_changes(x_bad, y_bad, message, labels):
    if labels is np.int32 and y_bad == 2 ** 40:
        pytest.skip("not an int32")
    model = mlp()
    net, twin = (sn.compile(model, batch=4, dtype="float32", threads=1) for _ in range(2))
    x, y = random_batch(model, 4, seed=1)
    x, y = x.astype(np.float32), y.astype(labels)
    for each in (net, twin):
        each.step(x, y, lr=0.1)
    if x_bad:
        x[2, 7] = float(x_bad)
    if y_bad is not None:
        y[3] = y_bad
    with pytest.raises(ValueError, match=message):
        net.step(x, y, lr=0.1)
    assert_same_state(net, twin)


@pytest.mark.parametrize("x, y, message", [
    (np.zeros((2, 21), np.float32), np.zeros(2, np.int64), r"x: expected shape \(n, 20\)"),
    (np.zeros((2, 20), np.complex64), np.zeros(2, np.int64), "x: expected numbers, got dtype complex64"),
    (np.full((2, 20), 1e39), np.zeros(2, np.int64), "x: contains values too large for float32"),
    (np.zeros((2, 20), np.float32), np.zeros(3, np.int64), r"labels: expected shape \(2,\)"),
    (np.zeros((2, 20), np.float32), np.array([0.5, 1.0]), "labels: must be whole class indices"),
    (np.zeros((2, 20), np.float32), np.array([True, False]), "labels: expected integer class indices"),
    (np.zeros((0, 20), np.float32), np.zeros(0, np.int64), "x: no samples"),
])
def test_calls_the_quick_path_does_not_take_are_checked_as_before(x, y, message):
    net = sn.compile(mlp(), batch=4, dtype="float32", threads=1)
    before = state(net)
    with pytest.raises(ValueError, match=message):
        net.step(x, y)
    assert np.array_equal(state(net)[0]["dense1.weight"], before[0]["dense1.weight"])


@pytest.mark.parametrize("good_steps", [0, 1, 15, 16, 17, 40])
def test_a_diverging_quick_step_keeps_the_weights_of_the_one_before(good_steps):
    model = mlp()
    net, twin = (sn.compile(model, batch=2, dtype="float32", threads=1) for _ in range(2))
    x, y = random_batch(model, 2, seed=3)
    x = x.astype(np.float32)
    for k in range(good_steps):
        net.step(x, y, lr=0.1 * (k % 3 + 1))
        twin.step(general(x), y, lr=0.1 * (k % 3 + 1))
        assert net._steps_since_copy   # the quick steps are kept
        x += 0.25   # the caller's arrays change after a step; the steps kept do not
        y[:] = (y + 1) % 10
    with pytest.raises(sn.DivergenceError, match=r"step: training diverged: .*lr=1e\+300 is infinite in float32"):
        net.step(x, y, lr=1e300)
    assert_same_state(net, twin)
    for each in (net, twin):
        each.step(general(x), y, lr=0.1)
    assert_same_state(net, twin)


def test_hyperparameters_and_modules_changed_between_steps_are_used():
    model = mlp()
    net, twin = (sn.compile(model, batch=4, dtype="float32", threads=1) for _ in range(2))
    x, y = random_batch(model, 4, seed=5)
    x = x.astype(np.float32)

    def both(call):
        call(net, x)
        call(twin, general(x))
        assert_same_state(net, twin)

    both(lambda net, x: net.step(x, y))
    for each in (net, twin):
        each.optimizer.lr = 0.5   # the optimizer's own rate, changed in place
    both(lambda net, x: net.step(x, y))
    both(lambda net, x: net.step(x, y, lr=0.2))
    both(lambda net, x: net.fit(x, y, epochs=1, batch_size=2, progress=False,
                                schedule=sn.schedules.cosine(total_steps=10)))   # another module for a while
    both(lambda net, x: net.step(x, y, lr=0.2))
    for each in (net, twin):
        each.optimizer = sn.SGD(lr=0.1, momentum=0.9)   # another rule: another module, a state
    both(lambda net, x: net.step(x, y))
    both(lambda net, x: net.step(x, y))
    for each in (net, twin):
        each.optimizer.momentum = 0.0
    both(lambda net, x: net.step(x, y))
    net.eval(), twin.eval()
    both(lambda net, x: net.step(x, y))


@pytest.mark.parametrize("lr", [True, "0.1", float("nan"), -1.0, 0.0])
def test_a_bad_rate_is_refused_after_a_good_one_was_kept(lr):
    net = sn.compile(mlp(), batch=4, dtype="float32", threads=1)
    x, y = random_batch(net.model, 4)
    x = x.astype(np.float32)
    net.step(x, y, lr=1)
    before = state(net)
    with pytest.raises(ValueError, match="lr: "):
        net.step(x, y, lr=lr)
    assert np.array_equal(state(net)[0]["dense1.weight"], before[0]["dense1.weight"])


def test_read_only_arrays_take_the_quick_path_and_are_not_written():
    model = mlp()
    net, twin = (sn.compile(model, batch=4, dtype="float32", threads=1) for _ in range(2))
    x, y = random_batch(model, 4, seed=6)
    x = x.astype(np.float32)
    x.flags.writeable = y.flags.writeable = False
    copies = x.copy(), y.copy()
    for _ in range(3):
        assert net.step(x, y, lr=0.1) == twin.step(general(x), y, lr=0.1)
    assert net._steps_since_copy and len(net._steps_since_copy) == 3   # kept by the quick path
    assert np.array_equal(x, copies[0]) and np.array_equal(y, copies[1])
    assert_same_state(net, twin)
