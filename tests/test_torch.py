"""The reference against PyTorch, an independent framework, on random networks of every kind."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch
from test_properties import architectures

torch = pytest.importorskip("torch")
nn = torch.nn

TORCH_ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "softplus": nn.Softplus, "swish": nn.SiLU}


class Scale(nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor


def torch_model(model: sn.Sequential, params: dict) -> nn.Sequential:
    """The same network in PyTorch, with the same parameters (float64)."""
    modules = []
    for layer in model.layers:
        if isinstance(layer, sn.Conv2D):
            conv = nn.Conv2d(layer.input_shape[0], layer.out_channels, layer.kernel, layer.stride, layer.padding,
                             bias=layer.use_bias)
            modules.append(conv)
            if layer.mean:
                modules.append(Scale(1.0 / layer.products))
        elif isinstance(layer, sn.Dense):
            modules.append(nn.Linear(layer.input_shape[0], layer.out_features, bias=layer.use_bias))
        elif isinstance(layer, sn.MaxPool):
            modules.append(nn.MaxPool2d(layer.kernel, layer.stride, ceil_mode=layer.ceil_mode))
        elif isinstance(layer, sn.AvgPool):
            modules.append(nn.AvgPool2d(layer.kernel, layer.stride))
        elif isinstance(layer, sn.Flatten):
            modules.append(nn.Flatten())
        else:
            modules.append(TORCH_ACTIVATIONS[layer.function_name]())
    net = nn.Sequential(*modules).double()
    weights = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    named = [layer for layer in model.layers if isinstance(layer, (sn.Conv2D, sn.Dense))]
    with torch.no_grad():
        for module, layer in zip(weights, named):
            module.weight.copy_(torch.from_numpy(params[f"{layer.name}.weight"]))
            if layer.use_bias:
                module.bias.copy_(torch.from_numpy(params[f"{layer.name}.bias"]))
    return net


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
