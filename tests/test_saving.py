"""Save and load: declaration and weights round-trip, atomically, without pickle."""

import json

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from symnet.saving import model_from_dict, model_to_dict
from symnet.zoo import MODELS


def custom_model():
    return sn.Sequential(
        sn.Input(2, 7, 7), sn.Conv2D(3, (3, 2), stride=(2, 1), padding=1, mean=True, name="features"),
        sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x))), sn.MaxPool(2, ceil_mode=True),
        sn.AvgPool(2, stride=1), sn.Flatten(), sn.Dense(4, bias=False), sn.Tanh(), sn.Dense(2),
        loss=sn.Loss("log_cosh", lambda y, t: sp.log(sp.cosh(y - t))), name="custom")


@pytest.mark.parametrize("make", [custom_model, *MODELS.values()])
def test_declarations_round_trip(make):
    model = make()
    again = model_from_dict(json.loads(json.dumps(model_to_dict(model))))
    assert repr(again) == repr(model) and again.name == model.name
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert str(again.derivation()) == str(model.derivation())


def test_a_loaded_net_predicts_identically(tmp_path):
    model = custom_model()
    net = sn.compile(model, batch=3, dtype="float64")
    x, y = np.random.default_rng(0).normal(size=(5, 2, 7, 7)), np.random.default_rng(1).normal(size=(5, 2))
    net.step(x, y, lr=0.1)
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = sn.load(path)
    assert loaded.batch == 3 and loaded.dtype == "float64"
    assert np.array_equal(loaded.forward(x), net.forward(x))
    assert sn.load(path, batch=2, dtype="float32").forward(x).dtype == np.float32
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]   # no temporary left behind
    with np.load(path, allow_pickle=False) as stored:                # readable without pickle
        assert "header" in stored.files


def test_a_failed_save_leaves_the_old_file(tmp_path, monkeypatch):
    net = sn.compile(MODELS["four_pixel"](), batch=4)
    path = tmp_path / "net.npz"
    net.save(path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        net.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]


def test_bad_files(tmp_path):
    np.savez(tmp_path / "plain.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="plain.npz: not a symnet net"):
        sn.load(tmp_path / "plain.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match="text.npz: not a symnet net"):
        sn.load(tmp_path / "text.npz")
