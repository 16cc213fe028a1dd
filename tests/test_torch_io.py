"""PyTorch in and out: sn.from_torch on nn.Sequential and fx-traced modules, net.to_torch,
and round trips that keep outputs and gradients (float64, 1e-12); refusals name the node."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symnet as sn
from symnet.zoo import MODELS
from test_graph_properties import graphs

torch = pytest.importorskip("torch")
nn = torch.nn


def settle(module: nn.Module, seed: int = 0) -> nn.Module:
    """float64, with BatchNorm's statistics and affine weights away from their start."""
    torch.manual_seed(seed)
    module = module.double()
    with torch.no_grad():
        for sub in module.modules():
            if isinstance(sub, (nn.BatchNorm1d, nn.BatchNorm2d)):
                sub.running_mean.normal_(0, 0.3)
                sub.running_var.uniform_(0.5, 2.0)
                sub.weight.normal_(1, 0.2)
                sub.bias.normal_(0, 0.2)
    return module


def torch_outputs_and_gradients(module, x, labels):
    module.zero_grad()
    out = module(torch.from_numpy(x))
    nn.CrossEntropyLoss()(out, torch.from_numpy(labels)).backward()
    return out.detach().numpy(), [p.grad.numpy().copy() for p in module.parameters()]


def assert_same_as_torch(module, model, params, x, labels, training: bool):
    """symnet's reference (loss: cross-entropy) against the module, in one mode: outputs and
    the gradient of every parameter, PyTorch's parameters() order being symnet's."""
    module.train(training)
    ref = sn.Reference(model, params).train(training)
    theirs, grads = torch_outputs_and_gradients(module, x, labels)
    assert sn.relative_error(ref.forward(x), theirs) < 1e-12
    ours = ref.gradients(x, labels)
    assert len(ours) == len(grads)
    for (name, grad), expected in zip(ours.items(), grads):
        assert sn.relative_error(grad, expected) < 1e-12, name


def lenet_sequential():
    return nn.Sequential(
        nn.Conv2d(1, 4, 5, padding=2), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, bias=False), nn.Tanh(), nn.AvgPool2d(2, stride=1),
        nn.Flatten(), nn.Linear(6, 12), nn.BatchNorm1d(12), nn.Sigmoid(), nn.Dropout(0.3), nn.Linear(12, 5))


class Residual(nn.Module):
    """Written for PyTorch, traced by torch.fx: a residual block with a strided projection,
    ``+``, ``torch.cat``, functional activations, x.view(x.size(0), -1)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)   # BatchNorm follows
        self.bn1 = nn.BatchNorm2d(8)
        self.conv = nn.Conv2d(8, 8, 3, stride=2, padding=1)
        self.project = nn.Conv2d(8, 8, 1, stride=2, bias=False)
        self.squeeze = nn.Conv2d(16, 4, 1)
        self.pool = nn.MaxPool2d(2, ceil_mode=True)
        self.head = nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):
        h = nn.functional.relu(self.bn1(self.stem(x)))
        r = torch.tanh(self.conv(h)) + self.project(h)
        c = torch.cat([r, torch.sigmoid(r)], dim=1)
        p = self.pool(self.squeeze(c).relu())
        return self.head(p.view(p.size(0), -1))


@pytest.mark.parametrize("make, shape", [(lenet_sequential, (1, 12, 12)), (Residual, (3, 7, 7))])
def test_from_torch_keeps_outputs_and_gradients(make, shape):
    module = settle(make())
    model, params = sn.from_torch(module, shape)
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(4, *shape)), rng.integers(0, 5, 4)
    assert_same_as_torch(module, model, params, x, labels, training=False)   # running statistics, no dropout
    if not any(isinstance(m, nn.Dropout) for m in module.modules()):   # PyTorch's masks are its own
        assert_same_as_torch(module, model, params, x, labels, training=True)
    assert all(name.rstrip("0123456789") == layer.kind for layer in model.layers for name in [layer.name])


def test_the_residual_module_becomes_the_layers_it_computes():
    model, _ = sn.from_torch(Residual(), (3, 7, 7))
    assert [layer.describe() for layer in model.layers] == [
        "Conv2D(8, 3, padding=1, bias=False)", "BatchNorm()", "ReLU()", "Conv2D(8, 3, stride=2, padding=1)", "Tanh()",
        "Conv2D(8, 1, stride=2, bias=False)", "Add()", "Sigmoid()", "Concat()", "Conv2D(4, 1)", "ReLU()",
        "MaxPool(2, ceil_mode=True)", "Flatten()", "Dense(5)"]
    assert model.graph.node("add1").inputs == ("tanh1", "conv3")


def test_a_torch_module_through_symnet_and_back_is_the_same_function():
    module = settle(Residual())
    model, params = sn.from_torch(module, (3, 7, 7))
    twin = sn.to_torch(model, params, model.init_buffers()).eval()
    module.eval()
    x = np.random.default_rng(1).normal(size=(3, 3, 7, 7))
    labels = np.array([0, 4, 2])
    theirs, grads = torch_outputs_and_gradients(module, x, labels)
    ours, our_grads = torch_outputs_and_gradients(twin, x, labels)
    assert sn.relative_error(ours, theirs) < 1e-12
    for ours, expected in zip(our_grads, grads):
        assert sn.relative_error(ours, expected) < 1e-12


def symnet_round_trip(model, params, buffers):
    """model -> to_torch -> from_torch: the same layers, outputs and gradients."""
    again, again_params = sn.from_torch(sn.to_torch(model, params, buffers), model.input_shape, loss=model.loss)
    assert [layer.describe() for layer in again.layers] == [layer.describe() for layer in model.layers]
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert list(again_params) == list(params)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(4, *model.input_shape)), model.loss.random_targets(rng, 4)
    for training in (False, True):
        ref = sn.Reference(model, params, buffers).train(training)
        theirs = sn.Reference(again, again_params).train(training)
        assert sn.relative_error(theirs.forward(x), ref.forward(x)) < 1e-12
        mine, expected = theirs.gradients(x, y), ref.gradients(x, y)
        for name in expected:
            assert sn.relative_error(mine[name], expected[name]) < 1e-12, name


@pytest.mark.parametrize("name", sorted(MODELS))
def test_zoo_models_round_trip_through_pytorch(name):
    model = MODELS[name]()
    rng = np.random.default_rng(0)
    buffers = {spec.name: rng.uniform(0.5, 2, spec.shape) for spec in model.buffer_specs()}
    symnet_round_trip(model, model.init_params(2), buffers)


def test_a_custom_activation_round_trips_through_pytorch():
    act = sn.Activation("bent", lambda x: sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True)) + sp.sqrt(x ** 2 + 1) / 4)
    model = sn.Sequential(sn.Input(2, 6, 6), sn.Conv2D(3, 3), act, sn.GlobalAvgPool(), sn.Dense(4),
                          loss=sn.SoftmaxCrossEntropy())
    symnet_round_trip(model, model.init_params(1), {})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graphs(), st.integers(0, 1000))
def test_random_graphs_round_trip_through_pytorch(model, seed):
    rng = np.random.default_rng(seed)
    params = {name: value + rng.normal(0, 0.1, value.shape) for name, value in model.init_params(seed).items()}
    symnet_round_trip(model, params, {})


def test_a_compiled_net_gives_its_weights_mode_and_masks_to_pytorch():
    model = MODELS["lenet_modern"]()
    net = sn.compile(model, batch=8, dtype="float64", optimizer=sn.AdamW(lr=1e-3))
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 1, 28, 28)), rng.integers(0, 10, 8)
    for _ in range(3):
        net.step(x, y)
    twin = net.to_torch()
    assert twin.training and next(twin.parameters()).dtype == torch.float64
    with torch.no_grad():   # training mode: the batch's statistics, and the masks of the next step
        assert sn.relative_error(twin(torch.from_numpy(x)).numpy(), net.forward(x)) < 1e-12
        net.eval()
        twin = net.to_torch()
        assert not twin.training
        assert sn.relative_error(twin(torch.from_numpy(x)).numpy(), net.forward(x)) < 1e-12
    for name, value in net.params.items():
        layer, role = name.split(".")
        assert np.array_equal(getattr(twin.nodes[layer], role).detach().numpy(), value)
    assert sn.compile(model, batch=8, dtype="float32").to_torch().nodes["conv1"].weight.dtype == torch.float32


class Parametric(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.act = nn.PReLU()

    def forward(self, x):
        return self.act(self.fc(x))


class Direct(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(3, 4))

    def forward(self, x):
        return x @ self.weight.T


class Branching(nn.Module):
    def forward(self, x):
        return x if x.sum() > 0 else -x


class HugePower(nn.Module):
    def forward(self, x):   # (2·x)**(2**50): SymPy would compute 2**(2**50) exactly, for ever
        return (2 * x) ** (2 ** 50)


class Constant(nn.Module):
    def forward(self, x):
        return (x - x) + 10


@pytest.mark.parametrize("module, shape, message", [
    (Parametric(), (4,), "act (act: PReLU): symnet has no layer for torch.nn.modules.activation.PReLU"),
    (nn.Sequential(nn.Conv2d(4, 4, 3, groups=2)), (4, 5, 5), "(0: Conv2d): groups=2: symnet's Conv2D has no groups"),
    (nn.Sequential(nn.Conv2d(2, 4, 3, dilation=2)), (2, 7, 7), "dilation=(2, 2)"),
    (nn.Sequential(nn.MaxPool2d(2, padding=1)), (2, 6, 6), "padding=1: symnet's pooling has no padding"),
    (nn.Sequential(nn.AdaptiveAvgPool2d(2)), (2, 6, 6), "output_size=2"),
    (nn.Sequential(nn.BatchNorm2d(2, track_running_stats=False)), (2, 3, 3), "track_running_stats=False"),
    (Direct(), (4,), "get_attr weight"),
    (Branching(), (4,), "torch.fx cannot trace Branching"),
    (HugePower(), (4,), "the exponent 1125899906842624: symnet reads powers of at most 1024"),
    (Constant(), (4,), "computes the constant 0"),
    (nn.Sequential(nn.Linear(3, 4)), (2, 3), "(0: Linear): Dense(4): expects a 1-D input per sample, got shape (2, 3)"),
])
def test_what_symnet_cannot_compute_is_refused_by_name(module, shape, message):
    with pytest.raises(sn.OnnxError) as error:
        sn.from_torch(module, shape)
    assert message in str(error.value)


def test_activations_in_a_row_round_trip_through_pytorch():
    model = sn.Sequential(sn.Input(4), sn.Dense(5), sn.Tanh(), sn.ReLU(), sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x))),
                          sn.Sigmoid(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    symnet_round_trip(model, model.init_params(4), {})


class Activations(nn.Module):
    """Activations written in PyTorch: modules with options, functions, a formula of calls."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(4, 6), nn.Linear(6, 6), nn.Linear(6, 3)
        self.acts = nn.ModuleList([nn.SiLU(), nn.GELU(), nn.ELU(0.7), nn.LeakyReLU(0.2), nn.Softplus(beta=2),
                                   nn.GELU(approximate="tanh")])

    def forward(self, x):
        h = self.fc1(x)
        h = h * torch.sigmoid(h) / 2 + 1   # one formula
        for act in self.acts:
            h = act(h)
        h = nn.functional.leaky_relu(self.fc2(h), 0.1).exp()
        return self.fc3(nn.functional.softplus(h, beta=0.5, threshold=3.0))


def test_activations_written_in_pytorch_become_symnet_activations():
    module = settle(Activations())
    model, params = sn.from_torch(module, (4,))
    assert [layer.name for layer in model.layers] == [
        "dense1", "formula1", "silu1", "gelu1", "elu1", "leaky_relu1", "softplus1", "gelu2", "dense2", "formula2",
        "softplus2", "dense3"]
    x = np.random.default_rng(5).normal(0, 2, size=(6, 4))
    assert_same_as_torch(module, model, params, x, np.array([0, 1, 2, 0, 1, 2]), training=True)


def test_an_option_symnet_does_not_know_is_refused_by_name():
    class Odd(nn.Module):
        def forward(self, x):
            return nn.functional.gelu(x, approximate="cubic")

    with pytest.raises(sn.OnnxError, match=r"gelu with options \{'approximate': 'cubic'\}: approximate='cubic'"):
        sn.from_torch(Odd(), (3,))
