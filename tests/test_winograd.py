"""3x3 convolutions of stride 1 through Winograd's F(2x2, 3x3) (templates/winograd.c.j2) and, on
pictures at least WINOGRAD4_SIDE wide and high, F(4x4, 3x3) (templates/winograd4.c.j2; 7x7 pictures
several to a vector: tests/test_winograd_packed.py), held
to the reference: both passes through the input (forward, and d input as a convolution of dy
padded by 2 - padding), every padding it takes, odd and rectangular pictures (a last row or
column of tiles half outside), groups of samples with a remainder, a gradient added to another
layer's, the mean scale, no bias, and every vector width."""

import platform

import pytest

import symnet as sn
from symnet.emit import emit
from symnet.layout import WINOGRAD4_SIDE, WINOGRAD_CHANNELS, WINOGRAD_SIDE
from symnet.zoo import resnet


def model_around(conv, shape=(3, 13, 13), channels=WINOGRAD_CHANNELS):
    """A convolution that is not Winograd's (3 channels in) before ``conv``, so that conv's
    d input is checked too, and a dense head after it."""
    return sn.Sequential(sn.Input(*shape), sn.Conv2D(channels, 3, padding=1), sn.Tanh(), conv, sn.Tanh(),
                         sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


CASES = {
    "padding-1": lambda: model_around(sn.Conv2D(9, 3, padding=1)),
    "padding-0": lambda: model_around(sn.Conv2D(9, 3), shape=(3, 15, 15)),
    "padding-2": lambda: model_around(sn.Conv2D(9, 3, padding=2)),
    "rectangular": lambda: model_around(sn.Conv2D(10, 3, padding=(0, 2)), shape=(3, 14, 17)),
    "mean-no-bias": lambda: model_around(sn.Conv2D(8, 3, padding=1, bias=False, mean=True), shape=(3, 12, 12)),
    "wide": lambda: model_around(sn.Conv2D(8, 3, padding=1), shape=(3, 12, 40), channels=11),
    # Short rows of tiles share a vector (sn_wino_rows): 4 x 4 tiles of an 8x8 picture fill a vector
    # of 16 floats with 4 rows of tiles and one of 8 doubles with 2; the d input pass of an unpadded
    # 9x9 picture has rows of 5 tiles (2 rows to a vector of floats); 6 rows of 4 tiles leave the
    # last vector half full; rows of 5 tiles take 2 rows of 8 lanes, the last alone. (A 7x7 picture
    # padded by 1 takes F(4x4, 3x3), several samples to a vector: tests/test_winograd_packed.py.)
    "eight": lambda: model_around(sn.Conv2D(8, 3, padding=1), shape=(3, 8, 8)),
    "seven-unpadded": lambda: model_around(sn.Conv2D(9, 3), shape=(3, 9, 9)),
    "tall-narrow": lambda: model_around(sn.Conv2D(8, 3, padding=1, bias=False), shape=(3, 11, 7)),
    "odd-rows": lambda: model_around(sn.Conv2D(8, 3, padding=1), shape=(3, 9, 10)),
    "residual": lambda: sn.Sequential(
        sn.Input(3, 13, 12), sn.Conv2D(8, 3, padding=1), sn.ReLU(),
        sn.Residual(sn.Conv2D(8, 3, padding=1), sn.Tanh(), sn.Conv2D(8, 3, padding=1)), sn.ReLU(),
        sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy()),
}


# F(4x4, 3x3): 4 x 4 tiles, a 6 x 6 window each. Rows of 4 tiles (16x16) fill a vector of 16 floats
# 4 rows at a time, as 14x14's do (their last row and column half outside); 17x17 leaves a last row
# and column of tiles mostly outside; a 28x28 picture's rows
# of 7 tiles go 2 to a vector of floats and alone in one of 8 doubles; the d input pass of an
# unpadded 18x18 picture is padded by 2; rectangular pictures; a residual block adds two gradients.
CASES4 = {
    "f4-padding-1": lambda: model_around(sn.Conv2D(9, 3, padding=1), shape=(3, 16, 16)),
    "f4-partial": lambda: model_around(sn.Conv2D(8, 3, padding=1), shape=(3, 17, 17)),
    "f4-28": lambda: model_around(sn.Conv2D(8, 3, padding=1, bias=False), shape=(3, 28, 28)),
    "f4-14": lambda: model_around(sn.Conv2D(8, 3, padding=1, bias=False), shape=(3, 14, 14)),
    "f4-padding-0": lambda: model_around(sn.Conv2D(9, 3), shape=(3, 18, 18)),
    "f4-padding-2": lambda: model_around(sn.Conv2D(8, 3, padding=2, mean=True), shape=(3, 16, 16)),
    "f4-rectangular": lambda: model_around(sn.Conv2D(10, 3, padding=(0, 2)), shape=(3, 19, 37), channels=11),
    "f4-residual": lambda: sn.Sequential(
        sn.Input(3, 16, 18), sn.Conv2D(8, 3, padding=1), sn.ReLU(),
        sn.Residual(sn.Conv2D(8, 3, padding=1), sn.Tanh(), sn.Conv2D(8, 3, padding=1)), sn.ReLU(),
        sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy()),
}


def winograd_layers(model):
    return [layer.name for layer in model.layers if getattr(layer, "winograd", False)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES)
def test_winograd_convolutions_agree_with_the_reference(case, dtype):
    model = CASES[case]()
    assert winograd_layers(model), "the case should exercise Winograd"
    assert "sn_wino_conv(" in emit(model, dtype, 5).source
    report = sn.check(model, dtype=dtype, batch=5)   # 8 samples: a group of samples and a remainder
    assert report.ok, str(report)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES4)
def test_winograd_4x4_convolutions_agree_with_the_reference(case, dtype):
    model = CASES4[case]()
    layers = winograd_layers(model)
    assert layers and all(model.layer(name).winograd_tile == 4 for name in layers)
    source = emit(model, dtype, 5).source
    assert "sn_wino4_fused(" in source and "sn_wino_conv(" not in source   # F(2x2, 3x3) left out when unused
    report = sn.check(model, dtype=dtype, batch=5)
    assert report.ok, str(report)


def test_both_tile_sizes_in_one_model_agree_with_the_reference():
    model = sn.Sequential(sn.Input(3, 16, 16), sn.Conv2D(8, 3, padding=1), sn.Conv2D(8, 3, padding=1), sn.Tanh(),
                          sn.MaxPool(2), sn.Conv2D(8, 3, padding=1), sn.Tanh(),
                          sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    assert [model.layer(name).winograd_tile for name in winograd_layers(model)] == [4, 2]
    source = emit(model, "float32", 4).source
    assert "sn_wino4_fused(" in source and "sn_wino_conv(" in source
    report = sn.check(model, dtype="float32", batch=4)
    assert report.ok, str(report)


def test_winograd_groups_and_threads_agree_with_the_reference():
    model = model_around(sn.Conv2D(8, 3, padding=1), shape=(3, 42, 42))   # F(4x4, 3x3): 121 tiles a sample
    [name] = winograd_layers(model)
    forward, dx = model.layer(name).winograd_passes()
    # several samples per multiply, and each thread's 6 or 7 samples make whole groups and a remainder
    assert 1 < forward["group"] < 6 and 1 < dx["group"] < 6
    net = sn.compile(model, batch=16, dtype="float64", threads=2)
    report = sn.check(model, dtype="float64", batch=16, samples=13, net=net)
    assert report.ok, str(report)


def test_only_convolutions_that_gain_take_winograd():
    model = sn.Sequential(
        sn.Input(3, 12, 12),
        sn.Conv2D(8, 3, padding=1),                  # 3 channels in: the multiplies would sum 3 products
        sn.Conv2D(8, 3, padding=1),                  # Winograd
        sn.Conv2D(8, 3, stride=2, padding=1),        # strided
        sn.Conv2D(8, 5, padding=2),                  # 5x5
        sn.Conv2D(8, 3, padding=1),                  # 6x6 pictures: too small
        sn.Flatten(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    assert winograd_layers(model) == ["conv2"]
    assert WINOGRAD_SIDE == 7   # 7x7 pictures (resnet's last stage) take Winograd
    assert model.layer("conv2").winograd_tile == 2 and model.layer("conv1").winograd_tile == 0
    # F(4x4, 3x3) where every picture of both passes is at least 14 wide and high: resnet's 28x28
    # and 14x14 stages (a 14x14 picture's 4 x 4 tiles fill a vector of 16 floats); and its 7x7 one,
    # whose pictures go several to a vector, with the weight gradient by F(2x2, 3x3)
    assert WINOGRAD4_SIDE == 14
    tiles = {layer.input_shape[1:]: (layer.winograd_tile, layer.winograd_weights_tile)
             for layer in resnet().layers if getattr(layer, "winograd", 0)}
    assert tiles == {(28, 28): (4, 4), (14, 14): (4, 4), (7, 7): (4, 2)}
    source = emit(model, "float32", 4).source
    assert "sn_wino_conv(" in source and "conv1_im2col" in source


# The transforms shuffle lanes, with indices written out for each vector width.
WIDTHS = {"avx2": "-mno-avx512f", "sse": "-mno-avx"}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86 vector widths")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", ["rectangular", "tall-narrow", "eight", "f4-padding-1", "f4-rectangular"])
def test_winograd_at_every_vector_width_agrees_with_the_reference(case, width, dtype, monkeypatch):
    monkeypatch.setenv("CC", f"cc {WIDTHS[width]}")
    report = sn.check({**CASES, **CASES4}[case](), dtype=dtype, batch=3)
    assert report.ok, str(report)
