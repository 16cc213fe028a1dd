"""Threads: a call's shares of the samples give the same results on all threads or on one,
and the adaptive policy (the C's sn_pacing) switches to the faster way."""

from __future__ import annotations

import numpy as np
import pytest

import symnet as sn
from symnet import zoo

from helpers import random_batch


def _graph():
    """Branches, a join, Dropout and BatchNorm: every kind of call a share loop must get right."""
    x = sn.Input(2, 8, 8)
    a = sn.ReLU()(sn.Conv2D(4, 3, padding=1)(x))
    b = sn.Tanh()(sn.Conv2D(4, 1)(x))
    h = sn.BatchNorm()(sn.Add()(a, b))
    h = sn.Concat()(h, sn.Conv2D(2, 3, padding=1)(x))
    y = sn.Dense(5)(sn.Dropout(0.25)(sn.Flatten()(sn.MaxPool(2)(h))))
    return sn.Model(x, y, loss=sn.SoftmaxCrossEntropy(), name="shares")


def _run(model, policy: str, threads: int, batch: int):
    """Everything a net computes over a few calls, with ``thread_policy`` set to ``policy``."""
    params = model.init_params(1)
    x, y = random_batch(model, 3 * batch + 5, seed=2)
    net = sn.compile(model, batch=batch, params=params, threads=threads)
    net.thread_policy = policy
    history = net.fit(x, y, epochs=2, batch_size=batch, progress=False)
    gradients = net.gradients(x[:batch], y[:batch])
    outputs = net.forward(x[:batch])   # training mode: a minibatch's statistics
    net.eval()
    outputs = np.concatenate([outputs, net.forward(x)])
    net.train()
    net.step(x[:batch], y[:batch])
    return net, {"history": history, "gradients": gradients, "outputs": outputs, "params": net.params,
                 "buffers": net.buffers}


@pytest.mark.parametrize("make, batch", [(zoo.mlp, 48), (zoo.lenet_modern, 16), (_graph, 12)])
@pytest.mark.parametrize("threads", [2, 3])
def test_results_do_not_depend_on_how_many_threads_ran_the_shares(make, batch, threads):
    model = make()
    runs = {policy: _run(model, policy, threads, batch) for policy in ("all", "one", "adaptive")}
    ran_all, expected = runs["all"]
    ran_one, _ = runs["one"]
    for kind in ("forward", "backward", "step"):
        assert ran_all.thread_use[kind]["all"] > 0 and ran_one.thread_use[kind]["all"] == 0, kind
    for policy in ("one", "adaptive"):
        got = runs[policy][1]
        assert got["history"] == expected["history"], policy
        np.testing.assert_array_equal(got["outputs"], expected["outputs"])
        for part in ("gradients", "params", "buffers"):
            for name, value in expected[part].items():
                np.testing.assert_array_equal(got[part][name], value, err_msg=f"{policy}: {part} {name}")


def test_the_shares_decide_the_sums():
    """The thread count still decides the order of the sums (shares), as before: a negative
    check that the comparison above can tell results apart. (The gradients: the weights of a
    step of plain gradient descent are summed over every sample in order, see test_fused.)"""
    model = zoo.mlp()
    _, two = _run(model, "one", 2, 48)
    _, one = _run(model, "one", 1, 48)
    assert not all(np.array_equal(two["gradients"][name], one["gradients"][name]) for name in one["gradients"])
    for name, value in one["gradients"].items():
        np.testing.assert_allclose(two["gradients"][name], value, rtol=1e-4, atol=1e-6)


def _forward_calls(net, x, calls: int):
    for _ in range(calls):
        net.forward(x)


def test_adaptive_switches_to_one_thread_when_all_threads_are_slower():
    model = zoo.mlp()
    net = sn.compile(model, batch=32, threads=2)
    x, _ = random_batch(model, 32)
    _forward_calls(net, x, 8)   # on all threads, then a first try of one
    pace = net._pacing.forward
    # as a loaded machine would make it: all threads at a second a sample
    pace.way, pace.per_sample[0] = 0, 1.0
    pace.probe_at = pace.calls[0] + pace.calls[1]
    before = net.thread_use["forward"]
    _forward_calls(net, x, 3)
    after = net.thread_use["forward"]
    assert after["one"] - before["one"] == 3 and after["all"] == before["all"]
    assert pace.way == 1
    # one thread is now the way in use, and all threads are tried again within a few calls
    assert pace.probe_at - (pace.calls[0] + pace.calls[1]) <= 4


def test_adaptive_tries_the_slower_way_rarely():
    model = zoo.mlp()
    net = sn.compile(model, batch=32, threads=2)
    x, _ = random_batch(model, 32)
    _forward_calls(net, x, 8)
    pace = net._pacing.forward
    # one thread measured a million times faster than anything can run: every try of all
    # threads loses by far, so the next try waits the longest interval (1,024 calls)
    pace.way, pace.per_sample[1] = 1, 1e-15
    calls = pace.calls[0] + pace.calls[1]
    pace.probe_at = calls
    _forward_calls(net, x, 1)
    assert pace.way == 1 and net.thread_use["forward"]["all"] >= 1
    assert pace.probe_at == calls + 1 + 1024
    before = net.thread_use["forward"]["all"]
    _forward_calls(net, x, 20)
    assert net.thread_use["forward"]["all"] == before


def test_one_share_runs_on_the_calling_thread():
    model = zoo.mlp()
    net = sn.compile(model, batch=8, threads=2)
    x, y = random_batch(model, 1)
    net.step(x, y)
    net.forward(x)
    use = net.thread_use
    assert use["forward"]["all"] == use["backward"]["all"] == use["step"]["all"] == 0
    assert use["forward"]["one"] == 1 and use["step"]["one"] == 1 and use["backward"]["one"] == 0


def test_thread_policy_is_checked_and_survives_a_change_of_optimizer():
    model = zoo.mlp()
    net = sn.compile(model, batch=8, threads=2)
    assert net.thread_policy == "adaptive"
    with pytest.raises(ValueError, match=r"thread_policy: one of 'adaptive', 'all', 'one', got 'fast'"):
        net.thread_policy = "fast"
    net.thread_policy = "one"
    x, y = random_batch(model, 32)
    net.optimizer = sn.Adam(lr=1e-3)   # another module: the pacing state is kept
    net.fit(x, y, progress=False)
    assert net.thread_policy == "one"
    assert net.thread_use["step"]["all"] == 0 and net.thread_use["step"]["one"] > 0


def test_importing_symnet_shortens_openmp_spinning_unless_set(tmp_path):
    import os
    import subprocess
    import sys

    code = "import os, symnet; print(os.environ['GOMP_SPINCOUNT'])"
    env = {key: value for key, value in os.environ.items() if key != "GOMP_SPINCOUNT"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "3000"
    env["GOMP_SPINCOUNT"] = "17"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "17"
