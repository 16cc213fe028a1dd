"""F(4x4, 3x3) convolutions a vector of tiles at a time (sn_wino4_fused in templates/winograd4.c.j2):
the forward and d input passes against PyTorch and the float64 reference, in both dtypes, on pictures
whose rows of tiles do not fill the vectors (rows of 6 tiles: 2 rows of them to a vector of floats,
the last block of rows half empty; rows of 9 or 10 tiles: one row a vector, two blocks of columns with
8 doubles), output channels that are not a multiple of the 8 a multiply block takes, padding 0, 1
and 2 (the d input pass pads by 2, 1 and 0), a batch that is not a multiple of the compiled one,
and two threads."""

import numpy as np
import pytest

import symnet as sn
from symnet.emit import emit

torch = pytest.importorskip("torch")


def model_with(padding: int, shape=(5, 30, 22), out=13):
    """A convolution that is not Winograd's (5 channels in) before the F(4x4, 3x3) one, so that its
    d input pass runs too, and a dense head."""
    return sn.Sequential(sn.Input(*shape), sn.Conv2D(20, 3, padding=1), sn.Tanh(),
                         sn.Conv2D(out, 3, padding=padding), sn.Tanh(), sn.Flatten(), sn.Dense(3),
                         loss=sn.SoftmaxCrossEntropy())


SHAPES = {"rows-of-6": (5, 30, 22), "rows-of-10": (5, 18, 38)}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("shape", SHAPES)
def test_fused_winograd_matches_pytorch(shape, padding, dtype, threads):
    from symnet.export.torch import to_torch

    model = model_with(padding, SHAPES[shape])
    conv = model.layer("conv2")
    assert conv.winograd_tile == 4 and all(pass_["fused"] for pass_ in conv.winograd_passes())
    params = model.init_params(seed=3)
    net = sn.compile(model, batch=4, dtype=dtype, params=params, threads=threads)
    assert "sn_wino4_fused(" in net.source
    rng = np.random.default_rng(padding)
    x = rng.normal(size=(7, *model.input_shape))         # 7 samples: a compiled batch of 4 and 3
    y = rng.integers(0, 3, size=7)
    twin = to_torch(model, params)
    inputs = torch.from_numpy(x).requires_grad_(True)
    activations = {}
    twin.nodes.conv2.register_forward_hook(lambda module, args, output: activations.update(conv2=output))
    loss = torch.nn.functional.cross_entropy(twin(inputs), torch.from_numpy(y))
    loss.backward()
    tolerance = 1e-10 if dtype == "float64" else 2e-4

    def close(ours, theirs, what):
        theirs = theirs.detach().numpy()
        error = np.abs(ours - theirs).max() / np.abs(theirs).max()
        assert error < tolerance, f"{what}: relative difference {error:.1e}"

    close(net.activations(x.astype(dtype))[2], activations["conv2"], "conv2's output")
    grads = net.gradients(x.astype(dtype), y)
    for name, parameter in twin.named_parameters():
        close(grads[name.removeprefix("nodes.")], parameter.grad, name)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("padding", [0, 1, 2])
def test_fused_winograd_agrees_with_the_reference_on_two_threads(padding, dtype):
    model = model_with(padding, out=9)
    net = sn.compile(model, batch=6, dtype=dtype, threads=2)
    report = sn.check(model, dtype=dtype, batch=6, samples=11, net=net)
    assert report.ok, str(report)


def test_only_the_4x4_convolutions_are_fused():
    """F(2x2, 3x3) keeps its drivers over groups of samples; the weight gradient of both sizes too."""
    model = sn.Sequential(sn.Input(3, 16, 16), sn.Conv2D(8, 3, padding=1), sn.Conv2D(8, 3, padding=1),
                          sn.MaxPool(2), sn.Conv2D(8, 3, padding=1), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    big, small = (model.layer(name).winograd_passes() for name in ("conv2", "conv3"))
    assert [pass_["fused"] for pass_ in big + small] == [True, True, False, False]
    assert big[0]["conv"] == "sn_wino4_fused_8_16_16_1_1_8_16_16"
    assert small[0]["conv"].startswith("sn_wino_conv_8_8_8_1_1_8_8_8_")
    source = emit(model, "float32", 4).source
    assert "sn_wino4_fused(" in source and "sn_wino4_conv(" not in source and "sn_wino_conv(" in source
    assert "sn_wino4_weights(" in source and "sn_wino_weights(" in source
