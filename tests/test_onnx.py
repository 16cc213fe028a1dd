"""ONNX out and in: files that onnx.checker accepts and onnxruntime runs to symnet's outputs,
files PyTorch writes read back to PyTorch's outputs, round trips that keep every value, and
refusals that name the layer, node and field."""

import re
import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symnet as sn
from symnet.cli import main
from symnet.export.onnx import to_onnx
from symnet.zoo import MODELS
from test_graph import EXAMPLES
from test_graph_properties import graphs
from test_properties import architectures

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
torch = pytest.importorskip("torch")
helper, numpy_helper = onnx.helper, onnx.numpy_helper

CUSTOM = {   # formulas of every shape the writer handles: powers, quotients, Piecewise, Max, Abs, ...
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "swish": lambda x: x / (1 + sp.exp(-x)),
    "gelu": lambda x: x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
    "elu": lambda x: sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True)),
    "smooth_l1": lambda x: sp.Piecewise((x ** 2 / 2, sp.And(x < 1, x > -1)), (sp.Abs(x) - sp.Rational(1, 2), True)),
    # each small enough that the search for a derivative in terms of the output ends quickly
    "max_abs": lambda x: sp.Max(x, sp.sin(x)) / (2 + sp.Abs(x)) + sp.tanh(x) ** 3,
    "steps": lambda x: 2 ** x * sp.cos(x) - sp.Heaviside(x),
    "roots": lambda x: sp.sqrt(1 + x ** 2) + 2 ** x,
    "quotient": lambda x: x ** -2 * sp.atan(x) ** 2 + sp.Piecewise((1, sp.Ne(x, 0)), (0, True)),
}


def run_onnx(path_or_proto, x: np.ndarray) -> np.ndarray:
    proto = onnx.load(path_or_proto) if not isinstance(path_or_proto, onnx.ModelProto) else path_or_proto
    onnx.checker.check_model(proto, full_check=True)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x.astype(np.float32)})[0]


def close32(theirs, mine) -> float:
    """The largest difference relative to the largest output: float32's 1e-5 bar."""
    return float(np.abs(theirs - mine).max() / max(np.abs(mine).max(), 1e-30))


def random_state(model, seed: int):
    """Weights, and running statistics away from their start (so eval mode shows them)."""
    rng = np.random.default_rng(seed)
    params = {name: value + rng.normal(0, 0.1, value.shape) for name, value in model.init_params(seed).items()}
    buffers = {spec.name: rng.uniform(0.5, 2.0, spec.shape) if spec.role == "running_var" else rng.normal(0, 0.3, spec.shape)
               for spec in model.buffer_specs()}
    return params, buffers


def described(layer) -> str:
    """How a layer is declared; a MaxPool whose ceil_mode keeps no window is written (and read
    back) in floor mode, the same windows."""
    if isinstance(layer, sn.MaxPool) and layer.ceil_mode:
        floor = tuple((n - k) // s + 1 for n, k, s in zip(layer.input_shape[1:], layer.kernel, layer.stride))
        if floor == layer.output_shape[1:]:
            return layer.describe().replace(", ceil_mode=True", "")
    return layer.describe()


def assert_round_trip(model, params, buffers, path, x):
    """float64 ONNX read back: the same layers, and outputs to 1e-12."""
    sn.export_onnx(model, params, path, buffers, dtype="float64")
    again, again_params = sn.from_onnx(path)
    assert [layer.describe() for layer in again.layers] == [described(layer) for layer in model.layers]
    ref = sn.Reference(model, params, buffers).eval()
    theirs = sn.Reference(again, again_params).eval()   # running statistics: the imported model's own
    assert sn.relative_error(theirs.forward(x), ref.forward(x)) < 1e-12


@pytest.mark.parametrize("name", sorted(MODELS))
def test_zoo_models_run_in_onnxruntime_as_the_compiled_net(name, tmp_path):
    model = MODELS[name]()
    params, buffers = random_state(model, 1)
    net = sn.compile(model, batch=4, dtype="float32", params=params, buffers=buffers).eval()
    path = tmp_path / f"{name}.onnx"
    net.export_onnx(path)
    x = np.random.default_rng(2).normal(size=(5, *model.input_shape)).astype(np.float32)
    assert close32(run_onnx(str(path), x), net.forward(x)) < 1e-5
    assert_round_trip(model, params, buffers, tmp_path / "64.onnx", x.astype(np.float64))


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_every_layer_kind_runs_in_onnxruntime_and_reads_back(kind, tmp_path):
    make, shapes = EXAMPLES[kind]
    x = sn.Input(*shapes[0])
    # a join's other inputs come from the one input through 1x1 convolutions
    inputs = [x] + [sn.Conv2D(shape[0], 1)(x) for shape in shapes[1:]]
    model = sn.Model(x, make()(*inputs), loss=sn.MeanSquaredError())
    params, buffers = random_state(model, 3)
    data = np.random.default_rng(4).normal(size=(6, *shapes[0]))
    ref = sn.Reference(model, params, buffers).eval()
    assert close32(run_onnx(to_onnx(model, params, buffers), data), ref.forward(data)) < 1e-5
    assert_round_trip(model, params, buffers, tmp_path / "m.onnx", data)


@pytest.mark.parametrize("function", sorted(CUSTOM))
def test_custom_activations_become_onnx_operators_and_come_back_as_one_layer(function, tmp_path):
    model = sn.Sequential(sn.Input(5), sn.Dense(6), sn.Activation(function, CUSTOM[function]), sn.Dense(3),
                          loss=sn.MeanSquaredError())
    params = model.init_params(5)
    x = np.random.default_rng(6).normal(0, 2, size=(40, 5))
    ref = sn.Reference(model, params)
    assert close32(run_onnx(to_onnx(model, params), x), ref.forward(x)) < 1e-5
    sn.export_onnx(model, params, tmp_path / "m.onnx", dtype="float64")
    again, again_params = sn.from_onnx(tmp_path / "m.onnx")
    activation = again.layers[1]
    assert type(activation) is sn.Activation and len(again.layers) == 3 and activation.function_name == function
    # the same function (constants folded to float64, so compared by value)
    grid = np.linspace(-4, 4, 801)
    grid = grid[grid != 0]
    assert np.allclose(activation._forward(grid), model.layers[1]._forward(grid), rtol=1e-13, atol=1e-13)
    assert sn.relative_error(sn.Reference(again, again_params).forward(x), ref.forward(x)) < 1e-12


def test_built_in_activations_are_onnx_operators():
    model = sn.Sequential(sn.Input(4), sn.ReLU(), sn.Dense(4), sn.Sigmoid(), sn.Dense(4), sn.Tanh(),
                          loss=sn.MeanSquaredError())
    proto = to_onnx(model, model.init_params())
    assert [node.op_type for node in proto.graph.node] == ["Relu", "Gemm", "Sigmoid", "Gemm", "Tanh"]
    assert [node.output[0] for node in proto.graph.node] == ["relu1", "dense1", "sigmoid1", "dense2", "tanh1"]


SLOW = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_random_model_runs_and_reads_back(model, seed):
    import tempfile
    from pathlib import Path

    params, buffers = random_state(model, seed)
    x = np.random.default_rng(seed).normal(size=(3, *model.input_shape))
    ref = sn.Reference(model, params, buffers).eval()
    assert close32(run_onnx(to_onnx(model, params, buffers), x), ref.forward(x)) < 1e-5
    with tempfile.TemporaryDirectory() as folder:   # hypothesis runs many examples in one test
        assert_round_trip(model, params, buffers, Path(folder) / "m.onnx", x)


@SLOW
@given(graphs(), st.integers(0, 1000))
def test_random_graphs_run_in_onnxruntime_and_read_back(model, seed):
    assert_random_model_runs_and_reads_back(model, seed)


@SLOW
@given(architectures(), st.integers(0, 1000))
def test_random_chains_of_every_kind_run_in_onnxruntime_and_read_back(model, seed):
    assert_random_model_runs_and_reads_back(model, seed)


# -- files PyTorch writes --------------------------------------------------------------------
class ResidualNet(torch.nn.Module):
    """Not from symnet: a stem, a residual block with BatchNorm, a concatenation, global
    pooling, dropout and a linear head."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(2, 6, 3, padding=1)
        self.conv = torch.nn.Conv2d(6, 6, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(6)
        self.pool = torch.nn.MaxPool2d(2, ceil_mode=True)
        self.gap = torch.nn.AdaptiveAvgPool2d(1)
        self.drop = torch.nn.Dropout(0.25)
        self.head = torch.nn.Linear(12, 5)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        r = torch.relu(self.bn(self.conv(h)) + h)
        c = self.pool(torch.cat([r, torch.sigmoid(h)], dim=1))
        return self.head(self.drop(torch.flatten(self.gap(c), 1)))


def trained_looking(module: torch.nn.Module) -> torch.nn.Module:
    torch.manual_seed(0)
    with torch.no_grad():
        for sub in module.modules():
            if isinstance(sub, torch.nn.BatchNorm2d):
                sub.running_mean.normal_(0, 0.3)
                sub.running_var.uniform_(0.5, 2.0)
                sub.weight.normal_(1, 0.2)
                sub.bias.normal_(0, 0.2)
    return module.eval()


@pytest.mark.parametrize("exporter", ["dynamo", "torchscript"])
def test_a_file_written_by_pytorch_reads_to_pytorchs_outputs(exporter, tmp_path):
    module = trained_looking(ResidualNet())
    x = torch.randn(3, 2, 9, 9)
    path = tmp_path / "net.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "dynamo":   # PyTorch's default: its weights in net.onnx.data beside the file
            torch.onnx.export(module, (x,), path, dynamo=True, dynamic_shapes=({0: torch.export.Dim("n")},))
        else:
            torch.onnx.export(module, (x,), path, dynamo=False, input_names=["x"], dynamic_axes={"x": {0: "n"}})
    model, params = sn.from_onnx(path)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert {"Conv2D", "Add", "Concat", "MaxPool", "GlobalAvgPool", "Dense", "ReLU", "Sigmoid"} <= set(kinds)
    with torch.no_grad():
        expected = module(x).numpy()
    assert close32(sn.Reference(model, params).eval().forward(x.numpy()), expected) < 1e-5


# -- refusals ----------------------------------------------------------------------------------
def write_graph(path, nodes, initializers=(), shape=(None, 2, 6, 6), out_rank=4):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, list(shape))],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [None] * out_rank)],
                              [numpy_helper.from_array(np.asarray(a, dtype=np.float32), n) for n, a in initializers])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return path


WEIGHT = ("w", np.ones((3, 2, 3, 3)))


@pytest.mark.parametrize("node, initializers, message", [
    (helper.make_node("HardSwish", ["x"], ["y"]), [], "node 0 'bad' (HardSwish): symnet has no layer for the ONNX operator HardSwish"),
    (helper.make_node("Conv", ["x", "w"], ["y"], dilations=[2, 2]), [WEIGHT], "(Conv): dilations [2, 2]: symnet's Conv2D has no dilation"),
    (helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 0, 0]), [WEIGHT], "(Conv): pads [1, 1, 0, 0]: asymmetric"),
    (helper.make_node("Conv", ["x", "w"], ["y"], group=2), [("w", np.ones((4, 1, 3, 3)))], "(Conv): group 2"),
    (helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER"), [WEIGHT], "(Conv): auto_pad SAME_UPPER"),
    (helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[2, 2]), [WEIGHT], "kernel_shape [2, 2] differs from W's [3, 3]"),
    (helper.make_node("Conv", ["x", "w"], ["y"]), [("w", np.ones((3, 5, 3, 3)))],
     "(Conv): weight: shape (3, 5, 3, 3), where Conv2D(3, 3, bias=False) reading (2, 6, 6) needs (3, 2, 3, 3)"),
    (helper.make_node("Conv", ["x", "w"], ["y"], foo=1), [WEIGHT], "onnx.checker refuses it: Unrecognized attribute: foo for operator Conv"),
    (helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], pads=[1, 1, 1, 1]), [],
     "(MaxPool): pads [1, 1, 1, 1]: symnet's pooling has no padding"),
    (helper.make_node("Mul", ["x", "x2"], ["y"]), [("x2", np.ones((2, 6, 6)))], "(Mul): input 1: a constant of shape (2, 6, 6)"),
])
def test_unsupported_nodes_and_attributes_are_refused_by_name(node, initializers, message, tmp_path):
    node.name = "bad"
    path = write_graph(tmp_path / "bad.onnx", [node], initializers)
    with pytest.raises(sn.OnnxError) as error:
        sn.from_onnx(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_a_scaled_or_transposed_gemm_is_refused(tmp_path):
    for attributes, message in (({"transA": 1}, "transA 1"), ({"alpha": 0.5}, "alpha 0.5")):
        flatten = helper.make_node("Flatten", ["x"], ["f"])
        gemm = helper.make_node("Gemm", ["f", "w"], ["y"], transB=1, **attributes)
        path = write_graph(tmp_path / "g.onnx", [flatten, gemm], [("w", np.ones((3, 72)))], out_rank=2)
        with pytest.raises(sn.OnnxError, match=message):
            sn.from_onnx(path)


def test_external_data_outside_the_models_folder_is_refused(tmp_path):
    module = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(72, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.randn(2, 2, 6, 6),), tmp_path / "m.onnx", dynamo=True)
    proto = onnx.load(tmp_path / "m.onnx", load_external_data=False)
    for tensor in proto.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = "../secret.data"
    onnx.save(proto, tmp_path / "evil.onnx")
    with pytest.raises(sn.OnnxError, match="external data '../secret.data' is not a file in the model's folder"):
        sn.from_onnx(tmp_path / "evil.onnx")


def test_a_file_that_is_not_onnx_is_refused(tmp_path):
    (tmp_path / "junk.onnx").write_bytes(b"\x00not a model\xff" * 10)
    with pytest.raises(sn.OnnxError, match="junk.onnx"):
        sn.from_onnx(tmp_path / "junk.onnx")


def test_a_custom_activation_without_an_onnx_operator_is_refused_naming_it():
    from sympy.codegen.cfunctions import log1p

    model = sn.Sequential(sn.Input(3), sn.Activation("soft", lambda x: log1p(sp.exp(x))), sn.Dense(2),
                          loss=sn.MeanSquaredError())
    with pytest.raises(sn.OnnxError, match=r"soft1 \(Activation\('soft', .*\)\): the function log1p"):
        to_onnx(model, model.init_params())


# -- the command line ----------------------------------------------------------------------------
def test_export_writes_onnx_of_a_built_in_model_and_of_a_saved_net(tmp_path, capsys):
    assert main(["export", "lenet", "--onnx", str(tmp_path / "lenet.onnx")]) == 0
    assert "wrote" in capsys.readouterr().out
    model = MODELS["lenet"]()
    x = np.random.default_rng(0).normal(size=(2, 1, 28, 28))
    assert close32(run_onnx(str(tmp_path / "lenet.onnx"), x), sn.Reference(model).forward(x)) < 1e-5
    net = sn.compile(MODELS["mlp"](), batch=4, params=random_state(MODELS["mlp"](), 7)[0])
    net.save(tmp_path / "mlp.npz")
    assert main(["export", str(tmp_path / "mlp.npz"), "--onnx", str(tmp_path / "mlp.onnx")]) == 0
    x = np.random.default_rng(1).normal(size=(3, 784)).astype(np.float32)
    assert close32(run_onnx(str(tmp_path / "mlp.onnx"), x), net.forward(x)) < 1e-5
    assert main(["export", "lenet"]) == 2
    assert "--out DIR (standalone C), --onnx FILE, or both" in capsys.readouterr().err
    assert main(["export", "mlp", "--out", str(tmp_path / "c"), "--onnx", str(tmp_path / "both.onnx")]) == 0
    assert (tmp_path / "c" / "mlp.c").is_file() and (tmp_path / "c" / "Makefile").is_file()
    assert close32(run_onnx(str(tmp_path / "both.onnx"), x), sn.Reference(MODELS["mlp"]()).forward(x)) < 1e-5
    assert main(["export", "mlp", "--weights", str(tmp_path / "mlp.npz"), "--onnx", str(tmp_path / "saved.onnx")]) == 0
    assert close32(run_onnx(str(tmp_path / "saved.onnx"), x), net.forward(x)) < 1e-5   # the saved weights
    capsys.readouterr()
    assert main(["export", str(tmp_path / "mlp.npz"), "--onnx", str(tmp_path / "n.onnx"), "--out", str(tmp_path / "n")]) == 2
    assert "give a saved net as --weights" in capsys.readouterr().err
    assert not (tmp_path / "n.onnx").exists() and not (tmp_path / "n").exists()   # neither half written


def test_activations_in_a_row_stay_one_layer_each(tmp_path):
    model = sn.Sequential(sn.Input(4), sn.Dense(5), sn.Tanh(), sn.ReLU(), sn.Activation("softplus", CUSTOM["softplus"]),
                          sn.Activation("swish", CUSTOM["swish"]), sn.Sigmoid(), sn.Dense(3), loss=sn.MeanSquaredError())
    params = model.init_params(3)
    x = np.random.default_rng(0).normal(size=(5, 4))
    assert close32(run_onnx(to_onnx(model, params), x), sn.Reference(model, params).forward(x)) < 1e-5
    assert_round_trip(model, params, {}, tmp_path / "m.onnx", x)


def test_elementwise_operators_from_elsewhere_fuse_into_one_activation(tmp_path):
    """x * sigmoid(x) as PyTorch writes SiLU: Sigmoid, then Mul with its input: one activation."""
    nodes = [helper.make_node("Flatten", ["x"], ["f"]), helper.make_node("Gemm", ["f", "w"], ["g"], transB=1),
             helper.make_node("Sigmoid", ["g"], ["s"]), helper.make_node("Mul", ["g", "s"], ["m"]),
             helper.make_node("Mul", ["m", "half"], ["y"])]
    weight = np.random.default_rng(0).normal(size=(3, 72))
    path = write_graph(tmp_path / "silu.onnx", nodes, [("w", weight), ("half", 0.5)], out_rank=2)
    model, params = sn.from_onnx(path)
    assert [layer.describe() for layer in model.layers] == ["Flatten()", "Dense(3, bias=False)",
                                                            "Activation('formula', 0.5*x/(1 + exp(-x)))"]
    x = np.random.default_rng(1).normal(size=(4, 2, 6, 6))
    assert close32(run_onnx(str(path), x), sn.Reference(model, params).forward(x)) < 1e-5


@pytest.mark.parametrize("nodes, initializers, message", [
    # x - x is 0, then 10, then 10**(2**50): SymPy would compute that power exactly, for ever
    ([helper.make_node("Sub", ["x", "x"], ["z"]), helper.make_node("Add", ["z", "ten"], ["t"]),
      helper.make_node("Pow", ["t", "huge"], ["y"])], [("ten", 10.0), ("huge", 2.0 ** 50)],
     "node 0 (Sub): computes the constant 0"),
    # (2·x)**(2**50) would become 2**(2**50) · x**(2**50)
    ([helper.make_node("Mul", ["x", "two"], ["t"]), helper.make_node("Pow", ["t", "huge"], ["y"])],
     [("two", 2.0), ("huge", 2.0 ** 50)], "node 1 (Pow): the exponent 1125899906842624: symnet reads powers of at most 1024"),
    # exponents within the bound, composed until the exact number outgrows float64's range
    ([helper.make_node("Mul", ["x", "two"], ["a"]), helper.make_node("Pow", ["a", "big"], ["b"]),
      helper.make_node("Pow", ["b", "big"], ["y"])], [("two", 2.0), ("big", 1000.0)],
     "node 2 (Pow): a number beyond float64's range"),
])
def test_formulas_that_would_never_finish_are_refused(nodes, initializers, message, tmp_path):
    """A small file must not start an exact computation without bound (SECURITY.md)."""
    path = write_graph(tmp_path / "bomb.onnx", nodes, initializers)
    with pytest.raises(sn.OnnxError, match=re.escape(message)):
        sn.from_onnx(path)


def test_a_flatten_by_the_batch_size_as_torchscript_writes_it_reads_as_a_flatten(tmp_path):
    """x.view(x.size(0), -1): Shape, Gather, Unsqueeze and Concat make the Reshape's shape."""
    from test_torch_io import Residual

    module = Residual().eval()
    x = torch.randn(3, 3, 7, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), tmp_path / "r.onnx", dynamo=False, input_names=["x"],
                          dynamic_axes={"x": {0: "n"}})
    assert "Shape" in [node.op_type for node in onnx.load(tmp_path / "r.onnx").graph.node]
    model, params = sn.from_onnx(tmp_path / "r.onnx")
    assert [type(layer).__name__ for layer in model.layers][-2:] == ["Flatten", "Dense"]
    with torch.no_grad():
        assert close32(sn.Reference(model, params).forward(x.numpy()), module(x).numpy()) < 1e-5


@pytest.mark.parametrize("exporter", ["dynamo", "torchscript"])
def test_activations_pytorch_writes_as_onnx_operators_read_back(exporter, tmp_path):
    """Gelu (both forms), Elu, LeakyRelu, Softplus as operators with attributes, SiLU as Sigmoid
    and Mul: onnxruntime's outputs (the file's Softplus has no threshold; PyTorch's has)."""
    from test_torch_io import Activations

    module = Activations().eval()
    x = torch.randn(5, 4)
    path = tmp_path / "a.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter == "dynamo":
            torch.onnx.export(module, (x,), path, dynamo=True, dynamic_shapes=({0: torch.export.Dim("n")},))
        else:
            torch.onnx.export(module, (x,), path, dynamo=False, input_names=["x"], dynamic_axes={"x": {0: "n"}})
    model, params = sn.from_onnx(path)
    names = [layer.name for layer in model.layers]
    assert {"gelu1", "gelu2", "elu1", "leaky_relu1"} <= set(names), names
    assert close32(sn.Reference(model, params).forward(x.numpy()), run_onnx(str(path), x.numpy())) < 1e-5


@pytest.mark.parametrize("op, attributes", [
    ("Selu", {}), ("Selu", {"alpha": 1.5, "gamma": 0.9}), ("HardSigmoid", {}), ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}),
    ("Softsign", {}), ("Softplus", {}), ("Elu", {"alpha": 0.5}), ("LeakyRelu", {"alpha": 0.3}),
    ("Gelu", {}), ("Gelu", {"approximate": "tanh"}),
])
def test_onnx_activations_with_attributes_read_to_onnxruntimes_outputs(op, attributes, tmp_path):
    opset = 20 if op == "Gelu" else 17
    nodes = [helper.make_node("Flatten", ["x"], ["f"]), helper.make_node(op, ["f"], ["y"], **attributes)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 2, 3])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [None, 6])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9), tmp_path / "a.onnx")
    model, params = sn.from_onnx(tmp_path / "a.onnx")
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Activation"]
    x = np.random.default_rng(0).normal(0, 3, size=(50, 2, 3))
    assert close32(sn.Reference(model, params).forward(x), run_onnx(str(tmp_path / "a.onnx"), x)) < 1e-5
