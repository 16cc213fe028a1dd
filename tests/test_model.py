"""Sequential: naming, parameters, initialization, summary."""

import numpy as np
import pytest

import symnet as sn
from symnet.zoo import lenet


def test_layers_are_named_by_kind_and_position():
    model = sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(2, 3), sn.ReLU(), sn.Conv2D(2, 3, name="second"),
                          sn.Conv2D(2, 2), sn.Flatten(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    assert [layer.name for layer in model.layers] == ["conv1", "relu1", "second", "conv2", "flatten1", "dense1"]


def test_a_layer_object_can_serve_two_models():
    dense = sn.Dense(3)
    first = sn.Sequential(sn.Input(4), dense, loss=sn.MeanSquaredError())
    second = sn.Sequential(sn.Input(7), dense, loss=sn.MeanSquaredError())
    assert first.param_specs()[0].shape == (3, 4)
    assert second.param_specs()[0].shape == (3, 7)


def test_init_params_is_deterministic_and_scaled_by_fan_in():
    model = lenet()
    params = model.init_params(seed=3)
    again = model.init_params(seed=3)
    other = model.init_params(seed=4)
    assert list(params) == [spec.name for spec in model.param_specs()]
    assert all(np.array_equal(params[name], again[name]) for name in params)
    assert not np.array_equal(params["dense1.weight"], other["dense1.weight"])
    assert all(not params[name].any() for name in params if name.endswith(".bias"))
    # dense1 feeds a ReLU: He normal, std sqrt(2 / 400)
    assert params["dense1.weight"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    # dense3 feeds the loss: Glorot uniform, limit sqrt(6 / (84 + 10))
    limit = np.sqrt(6 / 94)
    assert np.abs(params["dense3.weight"]).max() <= limit
    assert params["dense3.weight"].std() == pytest.approx(limit / np.sqrt(3), rel=0.1)


def test_changing_one_layer_keeps_the_others_initial_values():
    a = sn.Sequential(sn.Input(4), sn.Dense(3), sn.Dense(2), loss=sn.MeanSquaredError()).init_params()
    b = sn.Sequential(sn.Input(4), sn.Dense(3), sn.Dense(5), loss=sn.MeanSquaredError()).init_params()
    assert np.array_equal(a["dense1.weight"], b["dense1.weight"])


def test_check_params_names_what_is_wrong():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.MeanSquaredError())
    good = model.init_params()
    with pytest.raises(ValueError, match=r"missing \['dense1.bias'\]"):
        model.check_params({"dense1.weight": good["dense1.weight"]})
    with pytest.raises(ValueError, match=r"dense1.weight must have shape \(3, 4\), got \(4, 3\)"):
        model.check_params({**good, "dense1.weight": good["dense1.weight"].T})
    with pytest.raises(ValueError, match="dense1.bias contains NaN"):
        model.check_params({**good, "dense1.bias": np.array([0.0, np.nan, 0.0])})
    with pytest.raises(TypeError, match="expected a dict"):
        model.check_params([1, 2])


def test_summary_lists_layers_shapes_and_counts(capsys):
    lenet().summary()
    printed = capsys.readouterr().out
    assert "conv2     Conv2D(16, 5)            maxpool1  (16, 10, 10)       2,416" in printed
    assert "total parameters: 61,706" in printed
    assert lenet().param_count == 61706


def test_summary_shows_the_bytes_of_parameters_and_buffers():
    lines = lenet().summary_text().splitlines()
    assert lines[-2] == "total parameters: 61,706 (241.0 KiB as float32)"
    assert lines[-1] == "buffers for a compiled batch of 64 (float32, 1 thread): 10.1 MiB"
    assert lenet().summary_text(batch=1, dtype="float64", threads=2).splitlines()[-2:] == [
        "total parameters: 61,706 (482.1 KiB as float64)",
        "buffers for a compiled batch of 1 (float64, 2 threads): 7.5 MiB"]
    with pytest.raises(ValueError, match="batch: expected a positive integer"):
        lenet().summary_text(batch=0)


def test_repr_shows_the_declaration():
    model = sn.Sequential(sn.Input(4), sn.Dense(2, bias=False), loss=sn.MeanSquaredError())
    assert repr(model) == "Sequential(Input(4), Dense(2, bias=False), loss=MeanSquaredError())"
