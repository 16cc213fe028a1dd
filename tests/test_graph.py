"""Graphs: declaration and its refusals, naming, the tensor table and how gradients are
stored, the derivation's sums over readers, the emitted C, save and load, and the registry
of layer kinds (every kind has all of its faces)."""

import json
import re

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from symnet.emit import emit, template_folder
from symnet.layers import LAYERS, LOSSES, Layer, LossFunction
from symnet.saving import model_from_dict


def branchy():
    """relu1 is read by conv2 and add1, tanh1 by add1 and concat1."""
    x = sn.Input(1, 6, 6)
    h = sn.ReLU()(sn.Conv2D(2, 3, padding=1)(x))
    r = sn.Tanh()(sn.Conv2D(2, 3, padding=1)(h))
    a = sn.Add()(h, r)
    c = sn.Concat()(a, r)
    return sn.Model(x, sn.Dense(3)(sn.GlobalAvgPool()(c)), loss=sn.SoftmaxCrossEntropy(), name="branchy")


def fan():
    """relu1 is read by three layers (sigmoid1, add1, then conv2, which is the last), and
    flatten1 by two dense layers."""
    x = sn.Input(1, 5, 5)
    h = sn.ReLU()(sn.Conv2D(2, 3, padding=1)(x))
    s = sn.Sigmoid()(h)
    a = sn.Add()(h, s)
    c = sn.Conv2D(2, 3, padding=1)(h)
    f = sn.Flatten()(sn.Concat()(a, c))
    d = sn.Add()(sn.Dense(3)(f), sn.Tanh()(sn.Dense(3)(f)))
    return sn.Model(x, sn.Dense(2)(d), loss=sn.MeanSquaredError(), name="fan")


def every_kind_adds():
    """conv1's output is read by a layer of every kind; the last, sigmoid1, writes its gradient
    and all the others add to it. concat3 is read by two dense layers."""
    x = sn.Input(2, 6, 6)
    t = sn.Conv2D(3, 3, padding=1)(x)
    r = sn.ReLU()(t)
    pooled = [sn.MaxPool(2, stride=1)(t), sn.AvgPool(2, stride=1)(t)]
    joined = [sn.Concat()(t, r), sn.Add()(t, r)]
    convolved = sn.Conv2D(3, 2)(t)
    vectors = [sn.GlobalAvgPool()(t), sn.Flatten()(t)]
    last = sn.Sigmoid()(t)
    p = sn.Add()(*pooled, convolved)
    q = sn.Concat()(*joined, last)
    v = sn.Concat()(sn.GlobalAvgPool()(q), sn.Flatten()(p), *vectors)
    out = sn.Add()(sn.Dense(3)(v), sn.Dense(3)(v))
    return sn.Model(x, out, loss=sn.MeanSquaredError(), name="every_kind")


def resnet_chain():
    return sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(4, 3, padding=1), sn.ReLU(),
                         sn.Residual(sn.Conv2D(4, 3, padding=1), sn.ReLU()),
                         sn.Residual(sn.Conv2D(8, 3, stride=2, padding=1), projection=sn.Conv2D(8, 1, stride=2)),
                         sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def names(model):
    return [(node.name, node.inputs) for node in model.graph.nodes]


# -- declaration refusals ----------------------------------------------------------------
def test_add_of_different_shapes_is_refused():
    x = sn.Input(1, 6, 6)
    a, b = sn.Conv2D(2, 3, padding=1)(x), sn.Conv2D(3, 3, padding=1)(x)
    with pytest.raises(sn.DeclarationError, match=r"^join \(Add\(\)\): adds tensors of one shape, got "
                                                  r"\(2, 6, 6\) \(input 0\), \(3, 6, 6\) \(input 1\)"):
        sn.Add(name="join")(a, b)


def test_concat_whose_pictures_differ_in_size_is_refused():
    x = sn.Input(1, 6, 6)
    a, b = sn.Conv2D(2, 3, padding=1)(x), sn.Conv2D(2, 3)(x)
    with pytest.raises(sn.DeclarationError, match=r"^cat \(Concat\(\)\): joins tensors along their first axis, "
                                                  r"so the rest of their shapes must agree; got \(2, 6, 6\)"):
        sn.Concat(name="cat")(a, b)
    sn.Concat()(a, sn.Conv2D(5, 3, padding=1)(x))   # channels may differ


def test_a_layer_object_is_called_once():
    x = sn.Input(4)
    dense = sn.Dense(3, name="shared")
    dense(x)
    with pytest.raises(sn.DeclarationError, match=r"^shared \(Dense\(3\)\): this layer object is already used"):
        dense(x)


def test_the_same_tensor_twice_is_refused():
    h = sn.Dense(3)(sn.Input(4))
    with pytest.raises(sn.DeclarationError, match=r"^twice \(Add\(\)\): reads the same tensor twice"):
        sn.Add(name="twice")(h, h)
    with pytest.raises(sn.DeclarationError, match=r"^one \(Concat\(\)\): joins two or more tensors, got 1"):
        sn.Concat(name="one")(h)


def test_a_tensor_of_another_input_is_refused():
    x, other = sn.Input(1, 6, 6), sn.Input(1, 6, 6)
    mixed = sn.Add()(sn.Conv2D(2, 3, padding=1)(x), sn.Conv2D(2, 3, padding=1, name="stray")(other))
    with pytest.raises(sn.DeclarationError, match=r"^stray \(Conv2D\(2, 3, padding=1\)\): reads Input\(1, 6, 6\), "
                                                  r"which is not this model's input"):
        sn.Model(x, sn.Dense(2)(sn.Flatten()(mixed)), loss=sn.MeanSquaredError())


def test_an_input_the_output_does_not_depend_on_is_refused():
    x, other = sn.Input(4), sn.Input(5)
    with pytest.raises(sn.DeclarationError, match=r"^Model: the input Input\(4\) is unused: the output does not "
                                                  "depend on it"):
        sn.Model(x, sn.Dense(2)(other), loss=sn.MeanSquaredError())


def test_a_residual_block_that_changes_the_shape_needs_a_projection():
    with pytest.raises(sn.DeclarationError, match=r"^Residual\(Conv2D\(8, 3, stride=2, padding=1\)\): its block gives "
                                                  r"\(8, 4, 4\) but its input \(4, 8, 8\); give a projection"):
        sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(4, 3, padding=1),
                      sn.Residual(sn.Conv2D(8, 3, stride=2, padding=1)), sn.Flatten(), sn.Dense(3),
                      loss=sn.SoftmaxCrossEntropy())


@pytest.mark.parametrize("position, reads", [
    (1, ["add1"]),               # relu1 reads what the Add computes later: a cycle
    (2, ["conv2"]),              # conv2 reads itself
    (3, ["conv2", "flatten1"]),  # add1 reads a later layer
])
def test_a_saved_declaration_with_a_cycle_is_refused(position, reads):
    spec = resnet_chain().to_dict()
    layer = spec["layers"][position]
    layer["inputs"] = reads
    with pytest.raises(ValueError, match=rf"{layer['name']} \(.*\): reads '\w+', which no layer before it "
                                         r"computes \(a cycle"):
        model_from_dict(json.loads(json.dumps(spec)))


# -- naming ------------------------------------------------------------------------------
def test_names_follow_the_order_layers_are_called_in():
    x = sn.Input(4)
    late, early = sn.Dense(3), sn.Dense(2)     # constructed in one order, called in the other
    a = sn.ReLU()(early(x))
    b = sn.ReLU(name="relu1")(late(x))         # a given name is kept, and skipped by the counter
    model = sn.Model(x, sn.Dense(2)(sn.Concat()(b, a)), loss=sn.MeanSquaredError())
    assert names(model) == [("dense1", ("input",)), ("relu2", ("dense1",)), ("dense2", ("input",)),
                            ("relu1", ("dense2",)), ("concat1", ("relu1", "relu2")), ("dense3", ("concat1",))]
    assert model.layer("dense1").out_features == 2 and model.layer("dense2").out_features == 3
    assert early.name is None    # the model names its copies, not the caller's objects


def test_residual_names_its_block_then_its_projection_then_its_add():
    assert names(resnet_chain()) == [
        ("conv1", ("input",)), ("relu1", ("conv1",)),
        ("conv2", ("relu1",)), ("relu2", ("conv2",)), ("add1", ("relu2", "relu1")),
        ("conv3", ("add1",)), ("conv4", ("add1",)), ("add2", ("conv3", "conv4")),
        ("flatten1", ("add2",)), ("dense1", ("flatten1",)),
    ]
    model = resnet_chain()
    assert model.layer("conv3").stride == (2, 2) and model.layer("conv4").kernel == (1, 1)   # block, projection
    x = sn.Input(2, 5, 5)   # the functional form names the same way
    y = sn.Residual(sn.Conv2D(3, 3, padding=1), sn.Tanh(), projection=sn.Conv2D(3, 1))(x)
    functional = sn.Model(x, sn.Dense(2)(sn.GlobalAvgPool()(y)), loss=sn.MeanSquaredError())
    assert names(functional) == [("conv1", ("input",)), ("tanh1", ("conv1",)), ("conv2", ("input",)),
                                 ("add1", ("tanh1", "conv2")), ("gap1", ("add1",)), ("dense1", ("gap1",))]


def test_names_do_not_depend_on_other_models_declared_meanwhile():
    expected = names(branchy())
    x = sn.Input(1, 6, 6)
    h = sn.ReLU()(sn.Conv2D(2, 3, padding=1)(x))
    resnet_chain(), fan()                                        # other models, declared in between
    other = sn.Input(3)
    sn.Add()(sn.Dense(2)(other), sn.Dense(2)(other))             # and tensors never used in a model
    r = sn.Tanh()(sn.Conv2D(2, 3, padding=1)(h))
    c = sn.Concat()(sn.Add()(h, r), r)
    model = sn.Model(x, sn.Dense(3)(sn.GlobalAvgPool()(c)), loss=sn.SoftmaxCrossEntropy(), name="branchy")
    assert names(model) == expected
    assert names(branchy()) == expected


# -- the graph -----------------------------------------------------------------------------
def test_the_tensor_table_lists_every_reader_in_topological_order():
    graph = branchy().graph
    readers = {name: [(node.name, slot) for node, slot in info.readers] for name, info in graph.tensors.items()}
    assert readers == {
        "input": [("conv1", 0)], "conv1": [("relu1", 0)], "relu1": [("conv2", 0), ("add1", 0)],
        "conv2": [("tanh1", 0)], "tanh1": [("add1", 1), ("concat1", 1)], "add1": [("concat1", 0)],
        "concat1": [("gap1", 0)], "gap1": [("dense1", 0)], "dense1": [],
    }
    assert graph.tensors["concat1"].shape == (4, 6, 6) and graph.tensors["gap1"].shape == (4,)
    assert graph.tensors["input"].producer is None and graph.tensors["add1"].producer is graph.node("add1")
    assert graph.output == "dense1" and not graph.is_chain
    done = {"input"}
    for node in graph.nodes:   # each node reads only tensors computed before it
        assert set(node.inputs) <= done
        done.add(node.name)
    chain = sn.Sequential(sn.Input(3), sn.Dense(2), sn.Tanh(), loss=sn.MeanSquaredError())
    assert chain.graph.is_chain and not resnet_chain().graph.is_chain


def test_summary_shows_what_each_layer_reads():
    model = branchy()
    lines = model.summary_text(batch=4).splitlines()
    column = lines[0].index("reads")
    assert lines[0].split() == ["layer", "declared", "as", "reads", "output", "shape", "parameters"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert rows["input"][column:].startswith(" " * len("reads "))   # the input reads nothing
    for node in model.graph.nodes:
        assert rows[node.name][column:].startswith(", ".join(node.inputs) + " "), rows[node.name]
    assert rows["loss"][column:].startswith("dense1 ")
    assert "relu1, tanh1" in rows["add1"] and "add1, tanh1" in rows["concat1"]


@pytest.mark.parametrize("make", [branchy, fan, resnet_chain])
def test_exactly_the_last_reader_of_a_tensor_writes_its_gradient(make):
    graph = make().graph
    for name, info in graph.tensors.items():
        modes = [graph.gradient_mode(node, slot) for node, slot in info.readers]
        if name == graph.input_name:
            assert modes == [None] * len(info.readers)
        else:
            assert modes == ["add"] * (len(info.readers) - 1) + ["write"] * bool(info.readers), name


def test_gradient_modes_of_a_graph():
    graph = branchy().graph
    mode = {(node.name, slot): graph.gradient_mode(node, slot)
            for node in graph.nodes for slot in range(len(node.inputs))}
    assert mode[("conv1", 0)] is None                                      # the input
    assert mode[("conv2", 0)] == "add" and mode[("add1", 0)] == "write"     # relu1
    assert mode[("add1", 1)] == "add" and mode[("concat1", 1)] == "write"   # tanh1
    assert mode[("concat1", 0)] == "write" and mode[("dense1", 0)] == "write"


# -- derivation --------------------------------------------------------------------------
def test_the_derivation_sums_the_gradient_of_a_tensor_over_its_readers():
    model = branchy()
    derivation = model.derivation()
    text = str(derivation)
    assert "Gradients of the tensors, from the loss back: where several layers read a tensor," in text
    assert ("  ∂L/∂relu1 = ∂L/∂conv2 · ∂conv2/∂relu1 + ∂L/∂add1 · ∂add1/∂relu1\n"
            "      = ∂L/∂conv2 · (W[o, i, u, v]) + ∂L/∂add1 · (1)\n") in text
    assert ("  ∂L/∂tanh1 = ∂L/∂add1 · ∂add1/∂tanh1 + ∂L/∂concat1 · ∂concat1/∂tanh1\n"
            "      = ∂L/∂add1 · (1) + ∂L/∂concat1 · (0 if c < 2 else 1)\n") in text
    for name, info in model.graph.tensors.items():   # one equation per tensor read by several layers
        if len(info.readers) > 1:
            equations = [line for line in text.splitlines() if line.startswith(f"  ∂L/∂{name} = ")]
            assert len(equations) == 1 and equations[0].count(" + ") == len(info.readers) - 1
    # The chain of a parameter stops where a tensor has several readers: its sum stands for the rest.
    assert "  ∂L/∂conv1.weight = ∂L/∂relu1 · ∂relu1/∂conv1 · ∂conv1/∂conv1.weight\n" in text
    assert "  ∂L/∂conv2.bias = ∂L/∂tanh1 · ∂tanh1/∂conv2 · ∂conv2/∂conv2.bias\n" in text
    add = derivation.layer("add1")
    assert add.partial(0) == 1 and add.partial(1) == 1 and isinstance(add.partial(0), sp.Integer)
    assert "  add1: Add()   reads relu1 (2, 6, 6), tanh1 (2, 6, 6) -> (2, 6, 6)\n" in text
    assert r"\textbf{gradients of the tensors}" in derivation.latex()
    assert (r"\frac{\partial L}{\partial \mathrm{relu1}} &= \frac{\partial L}{\partial \mathrm{conv2}} \cdot "
            r"\frac{\partial \mathrm{conv2}}{\partial \mathrm{relu1}} + \frac{\partial L}{\partial \mathrm{add1}} "
            r"\cdot \frac{\partial \mathrm{add1}}{\partial \mathrm{relu1}} \\") in derivation.latex()


def test_a_chain_has_no_sums_of_gradients():
    chain = sn.Sequential(sn.Input(1, 6, 6), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    assert "Gradients of the tensors" not in str(chain.derivation())
    assert "gradients of the tensors" not in chain.derivation().latex()
    assert "  ∂L/∂conv1.weight = ∂L/∂dense1 · ∂dense1/∂flatten1 · ∂flatten1/∂relu1 · ∂relu1/∂conv1 · " \
           "∂conv1/∂conv1.weight\n" in str(chain.derivation())


# -- the emitted C -------------------------------------------------------------------------
def function(source: str, name: str) -> str:
    """The C function ``name`` (void or int), from its signature to its closing brace (static, or SN_PARTED:
    backward_range, which one part of a model's C compiles and the other calls)."""
    start = re.search(rf"^(?:static|SN_PARTED) (?:void|int) {name}\(", source, re.M).start()
    return source[start:source.index("\n}\n", start) + 3]


def test_one_reader_writes_a_gradient_and_the_others_add_to_it():
    source = emit(fan(), "float64", 4).source
    # relu1: sigmoid1 and add1 add, conv2 (its last reader, the first backward runs) writes.
    conv2 = function(source, "conv2_backward")
    assert "    memset(dx, 0, sizeof(real) * (size_t)count * 50);   /* col2im adds into it */\n" in conv2
    assert "        dx0[e] += g;   /* ∂y/∂x0 = 1 */\n" in function(source, "add1_backward")
    assert "        dx1[e] = g;   /* ∂y/∂x1 = 1 */\n" in function(source, "add1_backward")   # sigmoid1, read by add1 only
    sigmoid = function(source, "sigmoid1_backward")   # slope y*(1 - y), or in x if its rewrite timed out
    assert re.search(r"^        dx\[e\] \+= .*\bg\b.*;$", sigmoid, re.MULTILINE) and "dx[e] =" not in sigmoid
    conv1 = function(source, "conv1_backward")    # the input: no gradient at all
    assert "memset(dx" not in conv1 and "col2im(col" not in conv1
    # flatten1: dense1 adds (beta 1), dense2 writes (beta 0).
    assert (" * dx += dy W        (∂term/∂x[n, i] = W[o, i]; another layer wrote dx first)\n"
            in source)
    assert ("    /* dx[count x 100] += dy[count x 3] · W[3 x 100] */\n"
            "    sn_gemm(count, 100, 3, 1, dy, 3, 1, W, 100, 1, dx, 100, 1, pack_a, pack_b);\n"
            in function(source, "dense1_backward"))
    assert ("    /* dx[count x 100] = dy[count x 3] · W[3 x 100] */\n"
            "    sn_gemm(count, 100, 3, 1, dy, 3, 1, W, 100, 1, dx, 100, 0, pack_a, pack_b);\n"
            in function(source, "dense2_backward"))
    # Backward runs the readers of relu1 in reverse: the writer first.
    backward = function(source, "backward_range")
    calls = [backward.index(f"    {name}_backward(") for name in ("conv2", "add1", "sigmoid1", "relu1", "conv1")]
    assert calls == sorted(calls)
    assert ("        conv2_backward(count, work + RELU1_Y + (long)first * 50,\n"
            "            work + CONV2_Y + (long)first * 50, work + CONV2_DY + (long)first * 50,\n"
            "            work + RELU1_DY + (long)first * 50, params, grads, index, scratch);\n") in backward
    assert ("        conv1_backward(count, x + (long)first * SN_INPUT,\n"
            "            work + CONV1_Y + (long)first * 50, work + CONV1_DY + (long)first * 50,\n"
            "            NULL, params, grads, index, scratch);\n") in backward


def test_every_buffer_is_named_by_a_define():
    model = branchy()
    source = emit(model, "float64", 4).source
    defined = dict(re.findall(r"^#define ([A-Z0-9_]+) +(\d+)$", source, re.MULTILINE))
    for node in model.graph.nodes:
        assert f"{node.name.upper()}_Y" in defined and f"{node.name.upper()}_DY" in defined
    for spec in model.param_specs():
        assert f"{spec.layer.upper()}_{spec.role.upper()}" in defined
    assert "#define CONV1_WEIGHT             0\n" in source and "#define CONV1_BIAS               18\n" in source
    assert "#define CONV1_Y                  0\n" in source and "#define CONV1_DY                 288\n" in source
    assert ("        add1_forward(count, work + RELU1_Y + (long)first * 72, work + TANH1_Y + (long)first * 72,\n"
            "            work + ADD1_Y + (long)first * 72, params, index, scratch);\n") in source


def test_matrix_multiplies_carry_their_shapes():
    source = emit(branchy(), "float64", 4).source
    assert ("    /* y[count x 3] = x[count x 4] · W^T[4 x 3] */\n"
            "    sn_gemm(count, 3, 4, 1, x, 4, 1, W, 1, 4, y, 3, 0, pack_a, pack_b);\n") in source
    assert ("    /* dW[3 x 4] += dy^T[3 x count] · x[count x 4] */\n"
            "    sn_gemm(3, 4, count, 1, dy, 1, 3, x, 4, 1, dW, 4, 1, pack_a, pack_b);\n") in source
    conv2 = function(source, "conv2_forward")
    assert ("        /* stage[2 x ld] = W[2 x 18] · col[18 x ld] */\n"
            "        sn_gemm(2, ld, 18, 1, W, 18, 1, col, ld, 1, stage, ld, 0, pack_a, pack_b);\n") in conv2
    conv2 = function(source, "conv2_backward")
    assert "        /* dW[2 x 18] += dy[2 x ld] · col^T[ld x 18] */\n" in conv2
    assert "        /* col[18 x ld] = W^T[18 x 2] · dy[2 x ld] */\n" in conv2


def test_every_kind_adds_to_a_gradient_another_layer_wrote_in_the_compiled_net():
    model = every_kind_adds()
    graph = model.graph
    modes = {type(node.layer).__name__: graph.gradient_mode(node, slot)
             for node, slot in graph.tensors["conv1"].readers}
    assert modes == {"ReLU": "add", "MaxPool": "add", "AvgPool": "add", "Concat": "add", "Add": "add",
                     "Conv2D": "add", "GlobalAvgPool": "add", "Flatten": "add", "Sigmoid": "write"}
    assert [graph.gradient_mode(node, slot) for node, slot in graph.tensors["concat3"].readers] == ["add", "write"]
    report = sn.check(model, dtype="float64", batch=4)
    assert report.ok, str(report)


# -- save and load -----------------------------------------------------------------------
def test_a_graph_round_trips_through_a_file(tmp_path):
    model = branchy()
    net = sn.compile(model, batch=3, dtype="float64")
    x = np.random.default_rng(0).normal(size=(5, 1, 6, 6))
    net.step(x, np.array([0, 1, 2, 1, 0]), lr=0.1)
    net.save(tmp_path / "graph.npz")
    loaded = sn.load(tmp_path / "graph.npz")
    assert loaded.model.to_dict() == model.to_dict()
    assert names(loaded.model) == names(model)
    assert np.array_equal(loaded.forward(x), net.forward(x))
    assert all(np.array_equal(loaded.params[name], value) for name, value in net.params.items())
    assert str(loaded.model.derivation()) == str(model.derivation())
    spec = json.loads(json.dumps(model.to_dict()))
    assert [layer["inputs"] for layer in spec["layers"]][4:6] == [["relu1", "tanh1"], ["add1", "tanh1"]]
    assert model_from_dict(spec).to_dict() == model.to_dict()


def test_a_declaration_in_the_older_chain_form_still_loads():
    old = {"name": "old", "layers": [
        {"kind": "Input", "shape": [4], "name": None},
        {"kind": "Dense", "out_features": 3, "bias": True, "name": None},
        {"kind": "Tanh", "name": None},
        {"kind": "Dense", "out_features": 2, "bias": False, "name": "head"},
    ], "loss": {"kind": "MeanSquaredError"}}
    model = model_from_dict(old)
    assert model.graph.is_chain and model.input_shape == (4,) and model.output_shape == (2,)
    assert names(model) == [("dense1", ("input",)), ("tanh1", ("dense1",)), ("head", ("tanh1",))]
    assert repr(model) == "Sequential(Input(4), Dense(3), Tanh(), Dense(2, bias=False), loss=MeanSquaredError())"
    assert model.to_dict()["layers"][2] == {"kind": "Dense", "out_features": 2, "bias": False, "name": "head",
                                            "inputs": ["tanh1"]}
    assert model_from_dict(model.to_dict()).to_dict() == model.to_dict()


# -- the registry of kinds -----------------------------------------------------------------
def softplus():
    return sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x)))


# A small instance of every registered kind and the shapes it reads. A kind registered
# without an entry here fails test_every_kind_has_an_example.
EXAMPLES = {
    "Activation": (softplus, [(2, 3)]),
    "ReLU": (sn.ReLU, [(2, 3)]),
    "Sigmoid": (sn.Sigmoid, [(2, 3)]),
    "Tanh": (sn.Tanh, [(5,)]),
    "Conv2D": (lambda: sn.Conv2D(3, (3, 2), stride=(2, 1), padding=1), [(2, 5, 4)]),
    "Dense": (lambda: sn.Dense(3), [(4,)]),
    "Flatten": (sn.Flatten, [(2, 3, 2)]),
    "MaxPool": (lambda: sn.MaxPool(2, ceil_mode=True), [(2, 5, 5)]),
    "AvgPool": (lambda: sn.AvgPool(2, stride=1), [(2, 4, 5)]),
    "GlobalAvgPool": (sn.GlobalAvgPool, [(3, 4, 2)]),
    "Add": (sn.Add, [(2, 3, 3), (2, 3, 3), (2, 3, 3)]),
    "Concat": (sn.Concat, [(1, 3, 3), (2, 3, 3)]),
    "BatchNorm": (lambda: sn.BatchNorm(momentum=0.2, eps=1e-3), [(3, 2, 2)]),
    "Dropout": (lambda: sn.Dropout(0.4, seed=3), [(2, 3)]),
}
LOSS_EXAMPLES = {
    "Loss": (lambda: sn.Loss("log_cosh", lambda y, t: sp.log(sp.cosh(y - t))), (3,)),
    "MeanSquaredError": (sn.MeanSquaredError, (2, 3)),
    "SoftmaxCrossEntropy": (sn.SoftmaxCrossEntropy, (4,)),
    "BinaryCrossEntropyWithLogits": (sn.BinaryCrossEntropyWithLogits, (2, 3)),
    "L1": (sn.L1, (3,)),
    "Huber": (lambda: sn.Huber(delta=0.5), (2, 2)),
}


def test_every_kind_has_an_example():
    assert set(EXAMPLES) == set(LAYERS) - {"Input"}
    assert set(LOSS_EXAMPLES) == set(LOSSES)


@pytest.mark.parametrize("kind", sorted(set(LAYERS) - {"Input"}))
def test_every_layer_kind_has_all_of_its_faces(kind):
    import torch

    cls = LAYERS[kind]
    assert cls.__name__ == kind and issubclass(cls, Layer)
    assert isinstance(cls.template, str) and cls.template
    assert (template_folder() / "layers" / f"{cls.template}.c.j2").is_file()
    assert isinstance(cls.FIELDS, dict) and "name" in cls.FIELDS
    assert cls.torch_module is not Layer.torch_module
    assert cls.onnx_nodes is not Layer.onnx_nodes
    assert cls.peer_forward is not Layer.peer_forward   # the benchmark's peers (symnet.peers)
    make, shapes = EXAMPLES[kind]
    layer = make()
    assert type(layer) is cls
    layer.name = "probe"
    layer.build(shapes)
    # The saved form: exactly FIELDS, and it rebuilds the same layer.
    config = layer.config()
    assert set(config) == set(cls.FIELDS)
    again = cls.from_fields(json.loads(json.dumps(config)), "probe")
    assert again.describe() == layer.describe() and again.config() == config
    for input_gradient in (False, True):
        flops = layer.training_flops(input_gradient)
        assert isinstance(flops, int) and flops >= 0
    # The PyTorch twin computes what the reference computes, with the same parameters.
    rng = np.random.default_rng(0)
    params = {spec.name: rng.normal(size=spec.shape) for spec in layer.param_specs()}
    inputs = [rng.normal(size=(2, *shape)) for shape in shapes]
    twin = layer.torch_module().double()
    with torch.no_grad():
        for spec in layer.param_specs():
            getattr(twin, spec.role).copy_(torch.from_numpy(params[spec.name]))
        theirs = twin(*(torch.from_numpy(value) for value in inputs)).numpy()
    mine = layer.evaluate(inputs, params)[0]
    assert mine.shape == theirs.shape == (2, *layer.output_shape)
    assert sn.relative_error(mine, theirs) < 1e-12


@pytest.mark.parametrize("kind", sorted(LOSSES))
def test_every_loss_kind_has_all_of_its_faces(kind):
    import torch

    cls = LOSSES[kind]
    assert isinstance(cls.template, str) and cls.template
    assert (template_folder() / "layers" / f"{cls.template}.c.j2").is_file()
    assert isinstance(cls.FIELDS, dict)
    assert cls.torch_loss is not LossFunction.torch_loss
    make, shape = LOSS_EXAMPLES[kind]
    loss = make()
    assert type(loss) is cls
    loss.build(shape)
    required = set(cls.FIELDS) - set(getattr(cls, "OPTIONAL", ()))   # an optional field's default is left out
    assert required <= set(loss.config()) <= set(cls.FIELDS)
    rng = np.random.default_rng(1)
    z, t = rng.normal(size=(3, *shape)), loss.random_targets(rng, 3)
    target = torch.from_numpy(np.asarray(t)).to(torch.long if loss.target_type == "int32_t" else torch.float64)
    theirs = loss.torch_loss()(torch.from_numpy(z), target).item()
    assert loss.value(z, loss.targets(t, 3)) == pytest.approx(theirs, rel=1e-12)


def test_joins_and_the_model_input_are_in_their_registries():
    assert LAYERS["Add"] is sn.Add and LAYERS["Concat"] is sn.Concat and LAYERS["GlobalAvgPool"] is sn.GlobalAvgPool
    assert LAYERS["Input"] is sn.Input and "Residual" not in LAYERS   # Residual builds layers; it is not one
    with pytest.raises(sn.DeclarationError, match="an Input is the tensor layers are called on"):
        sn.Input(3)(sn.Input(3))
