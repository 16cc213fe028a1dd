"""Each layer kind's declaration: shapes, parameters, and the errors of bad declarations."""

import numpy as np
import pytest
import sympy as sp

import symnet as sn


def build(*layers, loss=None):
    return sn.Sequential(*layers, loss=loss or sn.MeanSquaredError())


@pytest.mark.parametrize("layer, input_shape, output_shape", [
    (sn.Conv2D(6, 5, padding=2), (1, 28, 28), (6, 28, 28)),
    (sn.Conv2D(4, 3, stride=2), (2, 9, 9), (4, 4, 4)),
    (sn.Conv2D(2, (3, 1), stride=(1, 2), padding=(1, 0)), (1, 5, 6), (2, 5, 3)),
    (sn.MaxPool(2), (3, 7, 7), (3, 3, 3)),
    (sn.MaxPool(2, ceil_mode=True), (3, 7, 7), (3, 4, 4)),
    (sn.MaxPool(3, stride=2, ceil_mode=True), (1, 6, 6), (1, 3, 3)),
    (sn.AvgPool(2), (2, 6, 6), (2, 3, 3)),
    (sn.AvgPool(3, stride=1), (1, 5, 4), (1, 3, 2)),
    (sn.Flatten(), (2, 3, 4), (24,)),
    (sn.Dense(7), (5,), (7,)),
    (sn.ReLU(), (2, 3), (2, 3)),
])
def test_output_shapes(layer, input_shape, output_shape):
    model = build(sn.Input(*input_shape), layer)
    assert model.output_shape == output_shape


def test_parameter_layouts_follow_pytorch():
    model = build(sn.Input(3, 8, 8), sn.Conv2D(5, (3, 2)), sn.Flatten(), sn.Dense(4), sn.Dense(2, bias=False))
    shapes = {spec.name: spec.shape for spec in model.param_specs()}
    assert shapes == {"conv1.weight": (5, 3, 3, 2), "conv1.bias": (5,),
                      "dense1.weight": (4, 5 * 6 * 7), "dense1.bias": (4,), "dense2.weight": (2, 4)}


@pytest.mark.parametrize("make, message", [
    (lambda: sn.Conv2D(0, 3), r"Conv2D\(0, 3\): out_channels must be a positive integer"),
    (lambda: sn.Conv2D(4, 3, stride=0), r"Conv2D\(4, 3\): stride must be a positive integer"),
    (lambda: sn.Conv2D(4, 3, padding=-1), r"padding must be an integer >= 0"),
    (lambda: sn.Conv2D(4, (3, 3, 3)), r"kernel_size must be an integer or a pair"),
    (lambda: sn.MaxPool(2, stride=0), r"MaxPool\(2\): stride must be a positive integer"),
    (lambda: sn.AvgPool(0), r"AvgPool\(0\): kernel_size"),
    (lambda: sn.Dense(2.5), r"Dense\(2.5\): out_features"),
    (lambda: sn.Input(), r"give the shape of one sample"),
    (lambda: sn.Input(3, 0), r"every size must be a positive integer"),
    (lambda: sn.Activation("scaled", lambda x: x * sp.Symbol("a")), r"Activation\('scaled'\).*free symbol a besides its inputs \(x\)"),
    (lambda: sn.Activation("mystery", lambda x: sp.Function("f")(x)), r"Activation\('mystery'\).*undefined function 'f'"),
    (lambda: sn.Activation("boom", lambda x: 1 / 0), r"Activation\('boom'\): calling fn"),
    (lambda: sn.Activation("not name", lambda x: x), r"Activation\('not name'\): a name must be an ASCII identifier"),
    (lambda: sn.Loss("free", lambda y, t: (y - t) * sp.Symbol("s")), r"Loss\('free'\).*free symbol s besides its inputs \(y, t\)"),
    (lambda: sn.Loss("constant", lambda y, t: t**2), r"does not depend on the output"),
])
def test_bad_arguments_name_the_layer(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("layers, message", [
    ((sn.Input(1, 4, 4), sn.Conv2D(2, 5)), r"conv1 \(Conv2D\(2, 5\)\): kernel 5x5 is larger than its padded input 4x4"),
    ((sn.Input(1, 4, 4), sn.Conv2D(2, 3, name="edges"), sn.Conv2D(2, 3)),
     r"conv1 \(Conv2D\(2, 3\)\): kernel 3x3 is larger than its padded input 2x2"),
    ((sn.Input(1, 3, 3), sn.MaxPool(4)), r"maxpool1 \(MaxPool\(4\)\): window 4x4 is larger than its input 3x3"),
    ((sn.Input(2, 4, 4), sn.Dense(3)), r"dense1 \(Dense\(3\)\): expects a 1-D input.*add Flatten\(\)"),
    ((sn.Input(16), sn.Conv2D(2, 3)), r"conv1 \(Conv2D\(2, 3\)\): expects a 3-D input"),
    ((sn.Input(16), sn.AvgPool(2)), r"avgpool1 \(AvgPool\(2\)\): expects a 3-D input"),
    ((sn.Dense(3),), r"Dense\(3\): comes before any Input"),
    ((sn.Input(4), sn.Dense(3), sn.Input(3)), r"a model has one Input"),
    ((sn.Input(4),), r"at least one layer"),
    ((sn.Input(4), sn.Dense(3, name="same"), sn.Dense(3, name="same")), r"same: two layers share this name"),
])
def test_models_that_cannot_work_fail_at_declaration(layers, message):
    with pytest.raises(ValueError, match=message):
        build(*layers)


def test_loss_errors_name_the_loss():
    with pytest.raises(ValueError, match=r"loss \(SoftmaxCrossEntropy\(\)\): needs one score per class"):
        sn.Sequential(sn.Input(1, 4, 4), sn.Conv2D(2, 3), loss=sn.SoftmaxCrossEntropy())
    with pytest.raises(ValueError, match="loss must be a loss"):
        sn.Sequential(sn.Input(4), sn.Dense(2))


def test_declaration_errors_are_value_errors():
    assert issubclass(sn.DeclarationError, ValueError)


def test_activation_exposes_its_symbols_and_derivative():
    sigmoid = sn.Sigmoid()
    assert sigmoid.x.name == "x" and sigmoid.y.name == "y"
    assert sp.simplify(sigmoid.expr - 1 / (1 + sp.exp(-sigmoid.x))) == 0
    assert sp.simplify(sigmoid.derivative - sigmoid.y * (1 - sigmoid.y)) == 0
    assert sp.simplify(sn.Tanh().derivative - (1 - sn.Tanh().y ** 2)) == 0
    relu = sn.ReLU()
    assert relu.derivative.subs(relu.y, 2) == 1 and relu.derivative.subs(relu.y, 0) == 0
    swish = sn.Activation("swish", lambda x: x / (1 + sp.exp(-x)))
    assert not swish.derivative_in_output and swish.derivative.has(swish.x)


def test_maxpool_routes_to_the_first_largest_value():
    model = build(sn.Input(1, 2, 2), sn.MaxPool(2), sn.Flatten())
    ref = sn.Reference(model, {})
    x = np.array([[[[1.0, 3.0], [3.0, 2.0]]]])
    assert ref.forward(x).tolist() == [[3.0]]
    layer = model.layers[0]
    _, saved = layer.forward(x, {})
    dx, _ = layer.backward(np.ones((1, 1, 1, 1)), saved, {})
    assert dx[0, 0].tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_maxpool_ceil_mode_keeps_the_edge_windows():
    model = build(sn.Input(1, 3, 3), sn.MaxPool(2, ceil_mode=True))
    x = np.arange(9.0).reshape(1, 1, 3, 3) * -1   # largest values at the top left
    out = sn.Reference(model, {}).forward(x)
    assert out[0, 0].tolist() == [[0.0, -2.0], [-6.0, -8.0]]


def test_mean_convolution_scores_a_perfect_match_as_one():
    feature = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    model = build(sn.Input(1, 3, 3), sn.Conv2D(1, 3, bias=False, mean=True))
    ref = sn.Reference(model, {"conv1.weight": feature[None, None]})
    assert ref.forward(feature[None, None]).item() == pytest.approx(1.0)
    assert ref.forward(-feature[None, None]).item() == pytest.approx(-1.0)


LIMIT = "more than the 2,147,483,647 the emitted C can index"


@pytest.mark.parametrize("layers, message", [
    # np.prod wrapped this around to a shape of (0,)
    ((sn.Input(1, 2**32, 2**32), sn.Flatten()),
     r"Input\(1, 4294967296, 4294967296\): one sample \(1, 4294967296, 4294967296\): 18,446,744,073,709,551,616"),
    ((sn.Input(2**16, 2**15), sn.ReLU()), r"Input\(65536, 32768\): one sample"),
    ((sn.Input(1, 28, 28), sn.Conv2D(2, 3, padding=10**9)),
     r"conv1 \(Conv2D\(2, 3, padding=1000000000\)\): its padded"),
    ((sn.Input(64, 2048, 2048), sn.Conv2D(64, 3, padding=1)), r"conv1 .*: its im2col columns for one sample"),
    ((sn.Input(4), sn.Dense(2**31)), r"dense1 \(Dense\(2147483648\)\): its output \(2147483648,\)"),
    ((sn.Input(2**20), sn.Dense(2**12)), r"dense1 \(Dense\(4096\)\): weight \(4096, 1048576\): 4,294,967,296"),
    ((sn.Input(2**15), sn.Dense(2**15), sn.Dense(2**15)), r"model: its parameters in all: 2,147,549,184"),
    ((sn.Input(2**31 - 1), sn.Dense(1)), r"model: its parameters in all: 2,147,483,648"),
])
def test_sizes_the_c_cannot_index_fail_at_declaration(layers, message):
    with pytest.raises(sn.DeclarationError, match=message) as caught:
        build(*layers)
    assert LIMIT in str(caught.value)


def test_sizes_are_exact_up_to_the_limit():
    assert sn.layers.ParamSpec("dense1", "weight", (2**40, 2**40)).size == 2**80
    model = build(sn.Input(1, 2**15, 2**16 - 1), sn.Flatten(), sn.Dense(1, bias=False))
    assert model.output_shape == (1,) and model.layers[0].output_shape == (2**31 - 2**15,)
    assert build(sn.Input(2**31 - 1), sn.Dense(1, bias=False)).param_count == 2**31 - 1
