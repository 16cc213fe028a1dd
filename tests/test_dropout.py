"""Dropout: its declaration, the keyed generator (the same masks in C and NumPy, for any
thread count and chunking), PyTorch's dropout given the same mask, the modes, and the
step count that keys the masks."""

import numpy as np
import pytest

import symnet as sn
from helpers import random_batch
from symnet.layers import dropout

torch = pytest.importorskip("torch")


def chain(p=0.3):
    return sn.Sequential(sn.Input(3, 4, 4), sn.Conv2D(2, 3), sn.ReLU(), sn.Dropout(p), sn.Flatten(), sn.Dense(5),
                         sn.Dropout(p, seed=7), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def graph():
    x = sn.Input(6)
    h = sn.Tanh()(sn.Dense(5)(x))
    out = sn.Dense(2)(sn.Add()(sn.Dropout(0.5)(h), sn.Dropout(0.2)(h)))
    return sn.Model(x, out, loss=sn.MeanSquaredError())


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, float("nan"), "half", True])
def test_p_outside_zero_one_is_refused(p):
    with pytest.raises(sn.DeclarationError, match=r"^Dropout\(.*\): p, the probability of zeroing an element, must "
                                                  r"be in \[0, 1\)"):
        sn.Dropout(p)


def test_a_bad_seed_is_refused():
    with pytest.raises(sn.DeclarationError, match=r"seed must be an integer in \[0, 2\*\*31\), got -1"):
        sn.Dropout(0.5, seed=-1)


def test_the_generator_is_splitmix64():
    # splitmix64 seeded with 0 gives 0xE220A8397B1DCDAF first (Vigna's reference sequence): the
    # (e+1)-th output from state key is fmix(key + (e+1)·G).
    assert dropout.fmix(0 + dropout.GOLDEN) == 0xE220A8397B1DCDAF
    first = dropout.fmix(np.array([dropout.GOLDEN], dtype=np.uint64))
    assert int(first[0]) == 0xE220A8397B1DCDAF
    u = dropout.uniforms(123, 4, np.arange(50), 400)
    assert u.shape == (50, 400) and 0 <= u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01 and abs((u < 0.3).mean() - 0.3) < 0.01
    assert not np.array_equal(u, dropout.uniforms(123, 5, np.arange(50), 400))    # another step
    assert not np.array_equal(u[1], u[0])                                            # another sample
    assert np.array_equal(u[7:9], dropout.uniforms(123, 4, np.array([7, 8]), 400))   # a sample's own numbers


@pytest.mark.parametrize("settings", [{"batch": 10, "threads": 1}, {"batch": 10, "threads": 2},
                                      {"batch": 10, "threads": 3}, {"batch": 3, "threads": 2}])
def test_the_c_draws_the_references_masks_for_any_thread_count_and_chunking(settings):
    model = chain()
    params = model.init_params(1)
    for name in params:
        params[name] = params[name] + 0.1   # no exact zeros before the dropout
    x, y = random_batch(model, 10, seed=2)
    net = sn.compile(model, dtype="float64", params=params, **settings)
    ref = sn.Reference(model, params)
    for step in (0, 5):
        net.step_count = ref.step_count = step
        mine, theirs = net.activations(x), ref.activations(x)
        for layer, a, b in zip(model.layers, mine, theirs):
            assert sn.relative_error(a, b) < 1e-14, layer.name
        dropped = theirs[2] != 0
        expected = model.layer("dropout1").mask(step, np.arange(10)).astype(bool)
        assert np.array_equal(dropped, expected & (theirs[1] != 0))
        grads, ref_grads = net.gradients(x, y), ref.gradients(x, y)
        for name in grads:
            assert sn.relative_error(grads[name], ref_grads[name]) < 1e-12, name


def test_equal_to_pytorch_given_the_same_mask():
    model = chain(p=0.4)
    params = model.init_params(3)
    x, y = random_batch(model, 6, seed=1)
    net = sn.compile(model, batch=8, dtype="float64", params=params)
    net.step_count = 11
    # PyTorch's dropout zeroes and scales kept elements by 1/(1 - p): its own mask, its rule
    probe = torch.from_numpy(np.random.default_rng(0).normal(size=(200, 50)))
    torch.manual_seed(0)
    dropped = torch.nn.functional.dropout(probe, 0.4, training=True)
    kept = dropped != 0
    assert torch.equal(dropped[kept], probe[kept] * (1 / (1 - 0.4))) and 0.5 < kept.double().mean() < 0.7
    # the same rule with symnet's masks, in PyTorch: the same loss, outputs and gradients
    from symnet.export.torch import to_torch

    twin = to_torch(model, params)
    twin.nodes["dropout1"].step = twin.nodes["dropout2"].step = 11
    hand = {}
    for name in ("dropout1", "dropout2"):
        layer = model.layer(name)
        hand[name] = torch.from_numpy(layer.mask(11, np.arange(6)) / (1 - layer.p))
        twin.nodes[name].forward = (lambda h, name=name: h * hand[name])   # the mask, applied by hand
    outputs = twin(torch.from_numpy(x))
    loss = torch.nn.CrossEntropyLoss()(outputs, torch.from_numpy(y))
    loss.backward()
    assert sn.relative_error(net.forward(x), outputs.detach().numpy()) < 1e-14
    assert net.loss(x, y) == pytest.approx(loss.item(), rel=1e-13)
    grads = net.gradients(x, y)
    for spec in model.param_specs():
        assert sn.relative_error(grads[spec.name], twin.parameter(spec).grad.numpy()) < 1e-12, spec.name


def test_the_twin_draws_symnets_masks_and_is_the_identity_in_eval_mode():
    from symnet.export.torch import to_torch

    model = graph()
    params = model.init_params(2)
    x, _ = random_batch(model, 5)
    ref = sn.Reference(model, params)
    ref.step_count = 3
    twin = to_torch(model, params)
    for node in ("dropout1", "dropout2"):
        twin.nodes[node].step = 3
    assert sn.relative_error(twin(torch.from_numpy(x)).detach().numpy(), ref.forward(x)) < 1e-14
    twin.eval()
    assert sn.relative_error(twin(torch.from_numpy(x)).detach().numpy(), ref.eval().forward(x)) < 1e-14


@pytest.mark.parametrize("make", [chain, graph])
def test_check_is_exact_in_training_mode(make):
    report = sn.check(make(), dtype="float64", batch=4)
    assert report.ok, str(report)
    assert max(layer.worst() for layer in report.layers) < 1e-12, str(report)


def test_eval_mode_is_the_identity_and_predict_uses_it():
    model = graph()
    net = sn.compile(model, batch=4, dtype="float64")
    x, y = random_batch(model, 9)
    ref = sn.Reference(model, net.params).eval()
    train_out = net.forward(x)
    assert not np.allclose(train_out, ref.forward(x))   # dropout dropped something
    assert np.allclose(net.predict(x), ref.forward(x), rtol=1e-14)   # predict: eval mode
    net.eval()
    assert sn.relative_error(net.forward(x), ref.forward(x)) < 1e-14
    for name, grad in net.gradients(x, y).items():
        assert sn.relative_error(grad, ref.gradients(x, y)[name]) < 1e-12
    assert net.step(x, y) == pytest.approx(ref.loss(x, y)) and net.step_count == 1   # a step in eval mode


def test_the_step_count_keys_the_masks_and_counts_every_step(tmp_path):
    model = chain()
    net = sn.compile(model, batch=4, dtype="float64")
    x, y = random_batch(model, 8)
    first = net.forward(x)
    net.step(x, y, lr=1e-9)   # one step of 8 samples in two chunks: the masks follow the sample
    assert net.step_count == 1
    assert not np.allclose(first, net.forward(x), rtol=1e-6)   # a new step, new masks
    net.fit(x, y, epochs=2, batch_size=3, progress=False)
    assert net.step_count == 1 + 2 * 3
    net.save(tmp_path / "net.npz")
    again = sn.load(tmp_path / "net.npz")
    assert again.step_count == 7 and np.array_equal(again.forward(x), net.forward(x))


def test_a_rate_near_one_is_shown_as_given():
    assert sn.Dropout(0.999999999).describe() == "Dropout(0.999999999)"
