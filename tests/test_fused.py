"""Plain gradient descent folded into the dense layers' backward (W += -lr · dy^T x in the
weight gradient's multiply; with two threads, each takes its rows of W): which rules qualify,
that the C takes that path only where it holds, and that every path - folded on one thread or
two, minibatches of several chunks, weight decay, a rate that rounds to 0 - trains as
torch.optim.SGD does (float64)."""

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from helpers import random_batch
from symnet.bench import torch_twin
from symnet.emit import emit, min_share
from symnet.optim.c import fusable_when

torch = pytest.importorskip("torch")
torch.set_num_threads(1)


def dense_model():
    return sn.Sequential(sn.Input(20), sn.Dense(12), sn.Sigmoid(), sn.Dense(5, bias=False), sn.Tanh(), sn.Dense(3),
                         loss=sn.SoftmaxCrossEntropy())


def conv_model():
    """A convolution first: its weights are updated by the update loop, between dense weights that are not."""
    return sn.Sequential(sn.Input(1, 6, 6), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(7), sn.Tanh(),
                         sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def test_plain_gradient_descent_is_recognised_from_the_rule():
    assert fusable_when(sn.SGD()) == [3]                       # weight_decay must be 0 at run time
    assert fusable_when(sn.SGD(weight_decay=0.1)) == [3]
    for other in (sn.SGD(momentum=0.9), sn.Adam(), sn.AdamW(), sn.RMSprop()):
        assert fusable_when(other) is None, other
    p, g, lr, scale, decay = sp.symbols("p g lr scale decay")
    assert fusable_when(sn.Optimizer("gd", hyper={"lr": 0.1}, update={"p": p - lr * g})) == []
    assert fusable_when(sn.Optimizer("gd", hyper={"lr": 0.1, "decay": 0.0},
                                     update={"p": p - lr * (g + decay * p)})) == [1]
    # not p - lr·g whatever the other hyperparameters are
    assert fusable_when(sn.Optimizer("scaled", hyper={"lr": 0.1, "scale": 2.0},
                                     update={"p": p - lr * scale * g})) is None
    assert fusable_when(sn.Optimizer("sign", hyper={"lr": 0.1}, update={"p": p - lr * sp.sign(g)})) is None
    assert fusable_when(sn.Optimizer("half", hyper={"lr": 0.1}, update={"p": p - lr * g / 2})) is None


def test_only_a_fusable_optimizer_emits_the_folded_update():
    model = dense_model()
    folded = emit(model, "float32", 8, optimizer=sn.SGD()).source
    assert folded.count("if (run->descent != 0)   /* the step is folded") == 3
    # every parameter belongs to a dense layer: the update and the shares' sums have nothing left
    assert "static const long sn_unfused[SN_UNFUSED + 1][2] = {{0, 0}};" in folded
    # the convolution's weight and bias (2·9 + 2 values, first) are still updated by the loop
    assert "sn_unfused[SN_UNFUSED + 1][2] = {{0, 20}, {0, 0}};" in emit(conv_model(), "float32", 8).source
    for other in (sn.SGD(momentum=0.9), sn.AdamW()):
        source = emit(model, "float32", 8, optimizer=other).source
        assert "run->descent" not in source and "sn_unfused" not in source
    assert "run->descent" not in emit(model, "float32", 8, backward=False).source


def torch_sgd(model, params, steps, **options):
    twin = torch_twin(model, params)
    optimizer = torch.optim.SGD(twin.parameters(), **options)
    for x, y in steps:
        optimizer.zero_grad()
        torch.nn.CrossEntropyLoss()(twin(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()
    return {name: p.detach().numpy() for name, p in zip(params, twin.parameters())}


def assert_trained_alike(net, expected, params):
    for name, value in expected.items():
        assert sn.relative_error(net.params[name], value) < 1e-10, name
        assert sn.relative_error(value, params[name]) > 1e-4, name   # it did train


@pytest.mark.parametrize("make", [dense_model, conv_model])
@pytest.mark.parametrize("threads, count, weight_decay",
                         [(1, 6, 0.0), (1, 1, 0.0), (1, 3, 0.0), (1, 40, 0.0), (2, 32, 0.0), (2, 40, 0.0),
                          (1, 6, 0.05), (2, 32, 0.05)],
                         ids=["folded", "one", "few", "chunks", "threads", "threads-chunks", "weight-decay",
                              "threads-weight-decay"])
def test_every_path_steps_as_torch(make, threads, count, weight_decay):
    model = make()
    if threads > 1:   # each thread gets a share worth its cost, so the threads do run
        assert min(count, 32) // min_share(model) >= threads
    params = model.init_params(2)
    data = [random_batch(model, count, seed) for seed in range(20)]
    net = sn.compile(model, batch=32, dtype="float64", params=params, threads=threads,
                     optimizer=sn.SGD(lr=0.3, weight_decay=weight_decay))
    for x, y in data:
        net.step(x, y)
    assert_trained_alike(net, torch_sgd(model, params, data, lr=0.3, weight_decay=weight_decay), params)
    assert not net._grads.any()   # the gradients are left 0 for the next call, on every path


@pytest.mark.parametrize("threads", [1, 2])
def test_many_rows_and_samples_step_as_torch(threads):
    # From 64 samples the folded step multiplies the rows in blocks of at most 64 (150: 64, 64, 22)
    model = sn.Sequential(sn.Input(30), sn.Dense(150), sn.Sigmoid(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(3)
    data = [random_batch(model, 64, seed) for seed in range(5)]
    net = sn.compile(model, batch=64, dtype="float64", params=params, threads=threads, optimizer=sn.SGD(lr=0.3))
    for x, y in data:
        net.step(x, y)
    assert_trained_alike(net, torch_sgd(model, params, data, lr=0.3), params)


def test_a_steps_first_dense_layer_runs_forward_by_the_rows_it_steps():
    """With the descent folded, a step on several shares runs the first layer's forward by rows
    of its weight (each share the rows its descent writes); a first layer that does not fold
    the step (a convolution, or any layer under Adam) keeps the samples' split. The steps above
    on two threads hold those rows to PyTorch (an off-by-one there fails them)."""
    head = "dense1_forward_rows(s, shares, count, x, work + DENSE1_Y, params, work + SN_SCRATCH_AT + (long)s * SN_SCRATCH);"
    source = emit(dense_model(), "float64", 32).source
    assert source.count(head) == 2   # on all threads, and share after share on one
    assert "if (!whole->by_rows)   /* else sn_step_chunk ran it by rows */\n            dense1_forward(" in source
    assert "_forward_rows" not in emit(conv_model(), "float64", 32).source
    assert "_forward_rows" not in emit(dense_model(), "float64", 32, optimizer=sn.Adam()).source
    # a step on all threads and one after another on the calling thread: the same to the bit
    model = dense_model()
    data = [random_batch(model, 32, seed) for seed in range(3)]
    trained = []
    for policy in ("all", "one"):
        net = sn.compile(model, batch=32, params=model.init_params(4), threads=2, optimizer=sn.SGD(lr=0.3))
        net.thread_policy = policy
        losses = [net.step(x, y) for x, y in data]
        assert net.thread_use["step"][policy] == len(data)
        trained.append((losses, net.params))
    assert trained[0][0] == trained[1][0]
    for name, value in trained[0][1].items():
        np.testing.assert_array_equal(trained[1][1][name], value, err_msg=name)


def test_a_step_by_rows_splits_fewer_samples_than_other_calls():
    """The MLP (min_share 16): 16 samples on two threads are one share for a forward pass but
    two for a step whose first layer runs by rows (SN_MIN_SHARE_ROWS), and that step equals
    PyTorch's; with Adam (no rows) the step keeps one share."""
    from symnet import zoo
    from symnet.emit import MIN_SHARE_ROWS

    model = zoo.mlp()
    assert min_share(model) == 16 and MIN_SHARE_ROWS == 8
    params = model.init_params(5)
    data = [random_batch(model, 16, seed) for seed in range(3)]
    net = sn.compile(model, batch=16, dtype="float64", params=params, threads=2, optimizer=sn.SGD(lr=0.3))
    net.thread_policy = "all"
    for x, y in data:
        net.step(x, y)
    net.forward(data[0][0])
    assert net.thread_use["step"] == {"all": 3, "one": 0}
    assert net.thread_use["forward"] == {"all": 0, "one": 1}
    assert_trained_alike(net, torch_sgd(model, params, data, lr=0.3), params)
    adam = sn.compile(model, batch=16, params=params, threads=2, optimizer=sn.Adam())
    adam.thread_policy = "all"
    adam.step(*data[0])
    assert adam.thread_use["step"] == {"all": 0, "one": 1}


def test_fit_folds_alike_and_a_rate_that_rounds_to_zero_changes_nothing():
    model = dense_model()
    params = model.init_params(4)
    x, y = random_batch(model, 24, 7)
    net = sn.compile(model, batch=8, params=params, optimizer=sn.SGD(lr=0.2))
    # 1e-50 is a positive float64 rate, 0 in float32: the C must not fold (it would skip the
    # weights' update with their gradients left in place) and the step leaves the weights as they were
    before = {name: value.copy() for name, value in net.params.items()}
    net.step(x[:8], y[:8], lr=1e-50)
    assert all(np.array_equal(net.params[name], before[name]) for name in params)
    assert not net._grads.any()
    net.fit(x, y, epochs=2, batch_size=8, shuffle=False, progress=False)
    expected = torch_sgd(model, params, [(x[k:k + 8].astype(np.float64), y[k:k + 8])
                                         for _ in range(2) for k in range(0, 24, 8)], lr=0.2)
    for name, value in expected.items():
        assert sn.relative_error(net.params[name], value) < 1e-5, name   # float32


@pytest.mark.parametrize("threads, count, settings",
                         [(1, 1, {}), (1, 3, {}), (1, 4, {}), (1, 9, {}), (2, 32, {}), (1, 64, {}), (2, 64, {}),
                          (1, 3, {"momentum": 0.9}), (2, 32, {"weight_decay": 0.01})],
                         ids=["one", "few", "four", "gemm", "threads", "blocks", "threads-blocks", "update",
                              "threads-update"])
def test_a_step_notices_every_weight_that_is_not_finite(threads, count, settings):
    # A step tests each weight as it writes it (the folded descent: in its loop for up to 3
    # samples, else its rows after the multiply; the update loop) in place of a pass over all
    # of them after it. Each weight in turn, NaN or infinite before the step (written past the
    # checks of the setter), is NaN or infinite after it: the step must notice and be undone.
    # (from 64 samples the rows are multiplied in blocks of 64: 150 rows make three)
    model = sn.Sequential(sn.Input(37), sn.Dense(150 if count >= 64 else 13), sn.Sigmoid(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(1)
    net = sn.compile(model, batch=64, params=params, threads=threads, optimizer=sn.SGD(lr=0.01, **settings))
    net.thread_policy = "all"   # the shares on both threads, each testing its own rows
    x, y = random_batch(model, count, 2)
    x = x.astype(np.float32)
    net.step(x, y)
    assert net._quick is not None   # the quick path (sn_step), whose weights' check this is
    good = {name: value.copy() for name, value in net.params.items()}
    for where in range(net._flat.size):
        bad = (np.nan, np.inf, -np.inf)[where % 3]
        net._flat[where] = bad
        with pytest.raises(sn.DivergenceError):
            net.step(x, y)
        net.params = good
