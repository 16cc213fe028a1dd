"""Activations whose forward runs in the loop of the layer they read (lower.epilogues):
which pairs qualify, the emitted C, and the results against the float64 reference, PyTorch
and the same net built without them (bit for bit), in both dtypes, on one and two threads."""

import importlib

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from symnet import lower, zoo
from symnet.emit import emit

torch = pytest.importorskip("torch")


def softplus():
    return sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x)))   # its derivative is written in x


def mixed():
    """BatchNorm -> ReLU and Add -> softplus run fused; batchnorm2's output is read by the Add
    and by sigmoid1, so it is not; BatchNorm of vectors -> Tanh is. Odd sizes: 3 and 5 channels,
    7x7 pictures, a stride 2 convolution with padding 0."""
    x = sn.Input(3, 7, 7)
    h = sn.ReLU()(sn.BatchNorm()(sn.Conv2D(5, 3, padding=1, bias=False)(x)))
    b = sn.BatchNorm(affine=False)(sn.Conv2D(5, 3, padding=1, bias=False)(h))
    s = sn.Sigmoid()(b)
    a = softplus()(sn.Add()(b, h))
    c = sn.Conv2D(3, 3, stride=2, bias=False)(sn.Add()(a, s))
    v = sn.Tanh()(sn.BatchNorm(eps=1e-3)(sn.Dense(6, bias=False)(sn.Flatten()(c))))
    return sn.Model(x, sn.Dense(4)(v), loss=sn.SoftmaxCrossEntropy(), name="mixed")


def noisy_params(model, seed=0, scale=0.2):
    params = model.init_params(seed)
    rng = np.random.default_rng(seed + 100)
    return {name: value + rng.normal(0, scale, value.shape) for name, value in params.items()}


def test_resnet_runs_each_relu_after_batchnorm_or_add_in_that_layers_loop():
    fused = {producer: node.name for producer, node in lower.epilogues(zoo.resnet().graph).items()}
    assert fused == {
        "batchnorm1": "relu1", "batchnorm2": "relu2", "add1": "relu3", "batchnorm4": "relu4", "add2": "relu5",
        "batchnorm6": "relu6", "add3": "relu7", "batchnorm8": "relu8", "add4": "relu9",
        "batchnorm10": "relu10", "add5": "relu11", "batchnorm12": "relu12", "add6": "relu13"}


def test_only_an_activation_that_alone_reads_a_batchnorm_or_an_add_is_fused():
    fused = {producer: node.name for producer, node in lower.epilogues(mixed().graph).items()}
    assert fused == {"batchnorm1": "relu1", "add1": "softplus1", "batchnorm3": "tanh1"}
    # an activation of the input, or after a convolution, runs on its own
    chain = sn.Sequential(sn.Input(4), sn.ReLU(), sn.Dense(3), sn.Sigmoid(), loss=sn.MeanSquaredError())
    assert lower.epilogues(chain.graph) == {}


def test_the_emitted_c_runs_the_activation_in_the_producers_loop_and_keeps_its_backward():
    source = emit(mixed()).source
    assert "static void relu1_forward(" not in source
    assert "static void relu1_backward(" in source
    assert "/* relu1: in batchnorm1_forward */" in source
    assert "/* Forward: in batchnorm1_forward's loop, from each value it writes (lower.epilogues). */" in source
    assert "const sn_run *run, real *restrict after)" in source   # batchnorm1_forward's signature
    assert "static void sigmoid1_forward(" in source   # batchnorm2 has two readers
    assert "softplus1_forward(" not in source.split("void forward_range(")[-1].split("\n}\n")[0]   # its definition
    assert "        const real x = x0[e] + x1[e];\n        y[e] = x;\n        after[e] = logf(sn_expf(x) + 1);\n" in source
    assert "relu1_forward" not in emit(mixed(), backward=False).source.replace("/* relu1: in batchnorm1_forward */", "")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("threads", [1, 2])
def test_results_match_the_reference_pytorch_and_the_unfused_net_bit_for_bit(dtype, threads, monkeypatch):
    from symnet.export.torch import to_torch

    model = mixed()
    params = noisy_params(model)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(8, 3, 7, 7)), rng.integers(0, 4, 8)
    xs = x.astype(dtype)
    net = sn.compile(model, batch=8, dtype=dtype, params=params, threads=threads)
    ref = sn.Reference(model, params)
    tolerance = 1e-10 if dtype == "float64" else 2e-4
    activations, expected = net.activations(xs), ref.activations(x)
    for layer, mine, theirs in zip(model.layers, activations, expected):
        assert sn.relative_error(mine, theirs) < tolerance, layer.name
    twin = to_torch(model, params)
    outputs = twin(torch.from_numpy(x))
    torch.nn.CrossEntropyLoss()(outputs, torch.from_numpy(y)).backward()
    assert sn.relative_error(activations[-1], outputs.detach().numpy()) < tolerance
    grads, deltas = net.gradients(xs, y), net.deltas(xs, y)
    for spec in model.param_specs():
        assert sn.relative_error(grads[spec.name], twin.parameter(spec).grad.numpy()) < tolerance * 10, spec.name
    for layer, mine, theirs in zip(model.layers, deltas, ref.deltas(x, y)):
        assert sn.relative_error(mine, theirs) < tolerance * 10, layer.name
    net.step(xs, y, lr=0.1)
    net.eval()
    evaluated = net.activations(xs)

    # the same net with every activation on its own: the same values, to the bit
    # (and not found by its declaration in the cache, where the fused build is, nor recorded there)
    monkeypatch.setattr(importlib.import_module("symnet.emit"), "epilogues", lambda graph: {})
    monkeypatch.setattr(importlib.import_module("symnet.run"), "load_declared", lambda *args, **kwargs: None)
    monkeypatch.setattr(importlib.import_module("symnet.run"), "remember_declared", lambda *args, **kwargs: None)
    plain = sn.compile(model, batch=8, dtype=dtype, params=params, threads=threads)
    assert "static void relu1_forward(" in plain.source
    for layer, mine, theirs in zip(model.layers, activations, plain.activations(xs)):
        np.testing.assert_array_equal(mine, theirs, err_msg=layer.name)
    plain_grads = plain.gradients(xs, y)
    for name in grads:
        np.testing.assert_array_equal(grads[name], plain_grads[name], err_msg=name)
    for layer, mine, theirs in zip(model.layers, deltas, plain.deltas(xs, y)):
        np.testing.assert_array_equal(mine, theirs, err_msg=layer.name)
    plain.step(xs, y, lr=0.1)
    for name, value in net.params.items():
        np.testing.assert_array_equal(value, plain.params[name], err_msg=name)
    for layer, mine, theirs in zip(model.layers, evaluated, plain.eval().activations(xs)):
        np.testing.assert_array_equal(mine, theirs, err_msg=layer.name)
