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
    assert model_to_dict(again) == model_to_dict(model) and again.name == model.name
    if model.graph.is_chain:   # a graph (resnet) comes back as a Model, not as the Sequential that built it
        assert repr(again) == repr(model)
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


# -- tampered files --------------------------------------------------------------------
import zipfile  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from symnet.names import is_name  # noqa: E402
from symnet.saving import _read  # noqa: E402


def write_net_file(path, header: dict, params: dict) -> None:
    """A file laid out as save() lays it out, with whatever header and arrays are given."""
    np.savez(path, header=np.array(json.dumps(header)), **{f"param:{k}": v for k, v in params.items()})


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A legitimately saved net (a custom activation and loss among its layers): its header and weights."""
    path = tmp_path_factory.mktemp("saved") / "net.npz"
    net = sn.compile(custom_model(), batch=3, dtype="float64")
    net.save(path)
    with np.load(path, allow_pickle=False) as stored:
        header = json.loads(str(stored["header"]))
        params = {key.split(":", 1)[1]: stored[key] for key in stored.files if key.startswith("param:")}
    return header, params


def locations(value, path=()):
    """Every path into a JSON value, the value itself first."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from locations(item, (*path, index))


HOSTILE_TEXT = [
    "__import__('os').system('touch {marker}')", "Symbol('x', real=True).subs(Symbol('q'), 'open(\"{marker}\", \"w\")')",
    "conv1*/ __attribute__((constructor)) void f(void){{}} /*", "a\nb", "", "x" * 10_000, "loss", "sn_forward", "é",
    "Float('1e400', precision=53)", "Piecewise", "../../etc/passwd", "\0",
]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(allow_nan=False),
              st.text(max_size=30), st.sampled_from(HOSTILE_TEXT)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def replace_at(value, path, new):
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replace_at(value[head], rest, new) if rest else new
    return copy


@given(st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_a_tampered_header_is_a_legitimate_declaration_or_a_value_error(saved, tmp_path, data):
    header, params = saved
    where = data.draw(st.sampled_from(list(locations(header))))
    new = data.draw(json_values)
    if isinstance(new, str):
        new = new.replace("{marker}", str(tmp_path / "marker"))
    tampered = replace_at(header, where, new)
    path = tmp_path / "tampered.npz"
    write_net_file(path, tampered, params)
    try:
        read_header, model, read_params = _read(path)
    except ValueError as error:
        assert str(error), "a refusal says why"
    else:
        # Accepted: the file describes exactly what model_to_dict writes for the model it
        # declares, but for names left to the model (null), which it fills in.
        written = model_to_dict(model)
        for layer, stored in zip(written["layers"], tampered["model"]["layers"]):
            if stored.get("name", 0) is None:
                layer["name"] = None
        assert written == read_header["model"] == tampered["model"]
    assert not (tmp_path / "marker").exists()


@pytest.mark.parametrize("text", HOSTILE_TEXT)
@pytest.mark.parametrize("field", [("model", "name"), ("model", "layers", 0, "name"), ("model", "layers", 1, "formula"),
                                   ("model", "layers", 1, "function"), ("model", "loss", "formula"),
                                   ("model", "loss", "name"), ("dtype",), ("format",)])
def test_hostile_text_in_every_text_field_is_refused(saved, tmp_path, field, text):
    header, params = saved
    marker = tmp_path / "marker"
    path = tmp_path / "net.npz"
    write_net_file(path, replace_at(header, field, text.format(marker=marker)), params)
    if field[-1] in ("name", "function") and is_name(text):
        try:   # an ordinary name, as any user could choose: a net, or refused (its params are named
            # otherwise, or the next layer reads the tensor by its old name)
            assert sn.load(path).model is not None
        except ValueError as error:
            assert str(error).startswith(f"{path}: param:") or "which no layer before it computes" in str(error)
    else:
        with pytest.raises(ValueError, match=f"{path}: "):
            sn.load(path)
    assert not marker.exists()


def test_malformed_files_are_one_value_error_naming_file_and_field(saved, tmp_path):
    header, params = saved
    path = tmp_path / "net.npz"
    cases = [
        (replace_at(header, ("batch",), 0), params, r"header\.batch"),
        (replace_at(header, ("batch",), True), params, r"header\.batch"),
        (replace_at(header, ("model", "layers", 0, "kernel_size"), [3, "3"]), params, r"layers\[0\]\.kernel_size"),
        (replace_at(header, ("model", "layers", 0, "kind"), "Eval"), params, r"layers\[0\]\.kind"),
        (replace_at(header, ("model", "layers", 0, "extra"), 1), params, r"layers\[0\]: Conv2D has unknown fields"),
        (replace_at(header, ("model", "layers", 0, "padding"), [10 ** 9, 10 ** 9]), params, r"model.layers: features .*padded input"),
        (replace_at(header, ("model", "layers", 0, "inputs"), ["softplus1"]), params,
         r"model.layers: features .*reads 'softplus1', which no layer before it computes \(a cycle"),
        (replace_at(header, ("model", "layers", 1, "inputs"), "features"), params, r"layers\[1\]\.inputs: expected a list"),
        (replace_at(header, ("model", "input", "shape"), [2, 7]), params, r"model.layers: features .*expects a 3-D input"),
        (replace_at(header, ("model", "layers"), [[[[]]]] * 3), params, r"layers\[0\]"),
        ({**header, "extra": 1}, params, "header: expected the fields"),
        (header, {**params, "features.weight": np.zeros((1, 1))}, r"param:features\.weight: expected"),
        (header, {k: v for k, v in params.items() if k != "features.bias"}, r"missing \['features\.bias'\]"),
        (header, {**params, "features.bias": params["features.bias"].astype(np.int64)}, "features.bias"),
        (header, {**params, "features.bias": params["features.bias"] * np.nan}, "NaN"),
        (header, {**params, "other": np.zeros(2)}, "param:other: not a parameter"),
    ]
    for tampered, arrays, field in cases:
        write_net_file(path, tampered, arrays)
        with pytest.raises(ValueError, match=f"{path}: .*{field}"):
            sn.load(path)
    # Not JSON, deeply nested JSON, NaN in JSON, an object array, a non-zip file.
    for text in ("{", "[" * 100_000 + "]" * 100_000, '{"format": NaN}'):
        np.savez(path, header=np.array(text))
        with pytest.raises(ValueError, match=f"{path}: header"):
            sn.load(path)
    with zipfile.ZipFile(path, "w") as archive:
        with archive.open("header.npy", "w") as member:
            np.lib.format.write_array(member, np.array([{"format": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=f"{path}: header.npy: holds objects"):
        sn.load(path)
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(ValueError, match=f"{path}: "):
        sn.load(path)


def test_load_refuses_a_zero_batch_instead_of_falling_back(tmp_path):
    net = sn.compile(MODELS["four_pixel"](), batch=4)
    net.save(tmp_path / "net.npz")
    with pytest.raises(ValueError, match="batch"):
        sn.load(tmp_path / "net.npz", batch=0)


def test_a_high_power_saves_and_loads(tmp_path):
    """What declaration accepts, load accepts: x**(2**40) once could be saved but not read."""
    model = sn.Sequential(sn.Input(3), sn.Dense(2), sn.Activation("high", lambda x: x ** (2 ** 40) / 2 ** 40),
                          sn.Dense(2), loss=sn.MeanSquaredError(), name="high")
    net = sn.compile(model, batch=2, dtype="float64")
    net.save(tmp_path / "high.npz")
    assert repr(sn.load(tmp_path / "high.npz").model) == repr(model)
