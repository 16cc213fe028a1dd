"""F(4x4, 3x3) on small pictures, several samples' pictures to a vector (sn_wino4_fused with across x
down samples side by side; resnet's 7x7 stage), the weight gradient by F(2x2, 3x3): the forward and d
input passes against PyTorch and the float64 reference in both dtypes, channels that are not a
multiple of the 8 a multiply block takes (nor of 16), batches whose shares leave a vector's last
samples empty (3 of 4 with floats, on two threads), every vector width (how many samples a vector
takes follows it: 2 x 2 with 16 floats, 1 x 2 with 8, none with 4), and which pictures qualify: a
7x7 picture padded by 1 in either pass; not padding 0 or 2 (a picture would show through its
neighbour's tiles, or its tiles are too many), nor 8x8."""

import platform

import numpy as np
import pytest

import symnet as sn
from symnet.emit import emit

torch = pytest.importorskip("torch")


def model_with(shape=(10, 7, 7), out=11, padding=1):
    """A convolution that is not Winograd's (3 channels in) to shape's channels before the packed one, so
    that its d input pass runs too, and a dense head."""
    return sn.Sequential(sn.Input(3, *shape[1:]), sn.Conv2D(shape[0], 3, padding=1), sn.Tanh(),
                         sn.Conv2D(out, 3, padding=padding), sn.Tanh(), sn.Flatten(), sn.Dense(3),
                         loss=sn.SoftmaxCrossEntropy())


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("channels", [(10, 11), (13, 9)])
def test_packed_winograd_matches_pytorch(channels, dtype, threads):
    from symnet.export.torch import to_torch

    model = model_with((channels[0], 7, 7), out=channels[1])
    conv = model.layer("conv2")
    assert (conv.winograd_tile, conv.winograd_weights_tile) == (4, 2)
    params = model.init_params(seed=5)
    net = sn.compile(model, batch=6, dtype=dtype, params=params, threads=threads)
    assert "sn_wino4_fused(" in net.source and "sn_wino_weights(" in net.source
    assert "sn_wino_conv(" not in net.source and "sn_wino4_weights(" not in net.source
    rng = np.random.default_rng(channels[0])
    x = rng.normal(size=(11, *model.input_shape))        # 11 samples: a compiled batch of 6 and 5
    y = rng.integers(0, 3, size=11)
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
@pytest.mark.parametrize("samples", [9, 13])
def test_packed_winograd_agrees_with_the_reference_on_two_threads(samples, dtype):
    model = model_with(out=9)
    net = sn.compile(model, batch=7, dtype=dtype, threads=2)
    report = sn.check(model, dtype=dtype, batch=7, samples=samples, net=net)
    assert report.ok, str(report)


def test_a_residual_stage_of_seven_by_seven_agrees_with_the_reference():
    """resnet's last stage in small: two packed convolutions in a residual block, BatchNorm between."""
    model = sn.Sequential(
        sn.Input(3, 7, 7), sn.Conv2D(12, 3, padding=1), sn.ReLU(),
        sn.Residual(sn.Conv2D(12, 3, padding=1, bias=False), sn.BatchNorm(), sn.ReLU(),
                    sn.Conv2D(12, 3, padding=1, bias=False), sn.BatchNorm()), sn.ReLU(),
        sn.GlobalAvgPool(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    report = sn.check(model, dtype="float64", batch=10)
    assert report.ok, str(report)


def test_which_pictures_go_several_to_a_vector():
    def tiles(shape, padding):
        conv = model_with(shape, padding=padding).layer("conv2")
        return conv.winograd_tile, conv.winograd_weights_tile

    assert tiles((10, 7, 7), 1) == (4, 2)       # both passes 7x7 padded by 1: 1 + 7 <= 8, 7 + 2 <= 8 + 1
    assert tiles((10, 8, 8), 1) == (2, 2)       # 1 + 8 > 8: a picture would show through the next one's tiles
    assert tiles((10, 9, 9), 0) == (2, 2)       # forward: 0 + 9 > 8
    assert tiles((10, 7, 7), 2) == (2, 2)       # a 9x9 output: 3 x 3 tiles
    assert tiles((10, 7, 12), 1) == (2, 2)      # 3 tiles a row
    assert tiles((10, 14, 14), 1) == (4, 4)     # large enough for F(4x4, 3x3) one sample at a time
    source = emit(model_with((10, 7, 7)), "float32", 4).source
    assert "sn_wino4_fused_10_7_7_1_1_11_7_7(" in source and "sn_wino4_fused_11_7_7_1_1_10_7_7(" in source
    assert "sn_wino_weights_10_7_7_1_1_11_7_7_" in source


# The number of samples a vector takes follows the vector width.
WIDTHS = {"avx2": "-mno-avx512f", "sse": "-mno-avx"}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86 vector widths")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("width", WIDTHS)
def test_packed_winograd_at_every_vector_width_agrees_with_the_reference(width, dtype, monkeypatch):
    monkeypatch.setenv("CC", f"cc {WIDTHS[width]}")
    report = sn.check(model_with(out=9), dtype=dtype, batch=5, samples=7)
    assert report.ok, str(report)
