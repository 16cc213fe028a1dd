"""The reference against PyTorch, an independent framework, on random networks of every kind."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch
from symnet.bench import torch_twin as torch_model
from test_properties import architectures

torch = pytest.importorskip("torch")
nn = torch.nn


def torch_loss(model: sn.Sequential):
    if isinstance(model.loss, sn.SoftmaxCrossEntropy):
        return nn.CrossEntropyLoss(), torch.long
    if isinstance(model.loss, sn.MeanSquaredError):
        return nn.MSELoss(), torch.float64
    return (lambda z, t: torch.mean(torch.log(torch.cosh(z - t)))), torch.float64


def compare(model: sn.Sequential, seed: int, count: int = 3, compiled: bool = False):
    """Loss and gradients of the reference (or of the compiled net, float64) against PyTorch's."""
    params = model.init_params(seed)
    rng = np.random.default_rng(seed)
    for name in params:
        params[name] = params[name] + rng.normal(0, 0.1, params[name].shape)
    ref = sn.compile(model, batch=2, dtype="float64", params=params) if compiled else sn.Reference(model, params)
    x, y = random_batch(model, count, seed)
    net = torch_model(model, params)
    loss_fn, target_dtype = torch_loss(model)
    loss = loss_fn(net(torch.from_numpy(x)), torch.from_numpy(np.asarray(y)).to(target_dtype))
    loss.backward()
    torch_grads = [p.grad.numpy() for p in net.parameters()]
    assert ref.loss(x, y) == pytest.approx(loss.item(), rel=1e-10)
    ours = ref.gradients(x, y)
    assert list(ours) == [name for name in params]  # same order as PyTorch's parameters()
    for (name, grad), theirs in zip(ours.items(), torch_grads):
        scale = max(np.linalg.norm(theirs), 1e-8)
        assert np.linalg.norm(grad - theirs) / scale < 1e-9, name


@settings(max_examples=60, deadline=None)
@given(architectures(), st.integers(0, 1000))
def test_reference_matches_pytorch_on_random_networks(model, seed):
    compare(model, seed)


@settings(max_examples=25, deadline=None)
@given(architectures(), st.integers(0, 1000))
def test_compiled_net_matches_pytorch_on_random_networks(model, seed):
    compare(model, seed, count=5, compiled=True)


def test_lenet_matches_pytorch():
    from symnet.zoo import lenet

    compare(lenet(), seed=0, count=4)
    compare(lenet(), seed=0, count=5, compiled=True)


def test_swish_activation_matches_silu():
    model = sn.Sequential(sn.Input(6), sn.Dense(5), sn.Activation("swish", lambda x: x / (1 + sp.exp(-x))),
                          sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    compare(model, seed=1)


def test_every_formula_function_has_a_pytorch_twin():
    from symnet.export.torch import FUNCTIONS as TORCH_FUNCTIONS
    from symnet.formulas import FUNCTIONS

    assert set(FUNCTIONS) <= set(TORCH_FUNCTIONS), set(FUNCTIONS) - set(TORCH_FUNCTIONS)
