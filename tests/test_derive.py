"""The derivation: formulas that compute what the reference computes, partials, chains, printing."""

import itertools

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from symnet.layers.loss import BATCH
from symnet.zoo import lenet


def evaluate(expr, values: dict, at: dict):
    """Evaluate an indexed formula: index symbols from ``at``, tensors from ``values``
    (zero outside their bounds, as padding is)."""
    expr = expr.subs(at).doit()

    def lookup(element):
        array = values[str(element.base)]
        index = tuple(int(i) for i in element.indices)
        inside = all(0 <= i < size for i, size in zip(index, array.shape))
        return sp.Float(array[index]) if inside else sp.Integer(0)

    expr = expr.replace(lambda e: isinstance(e, sp.Indexed), lookup)
    return float(expr)


@pytest.mark.parametrize("layer, input_shape", [
    (sn.Dense(3), (4,)),
    (sn.Dense(2, bias=False), (3,)),
    (sn.Conv2D(2, 3, padding=1), (2, 4, 4)),
    (sn.Conv2D(2, (2, 3), stride=(2, 1), mean=True, bias=False), (1, 5, 5)),
    (sn.Conv2D(3, 2, mean=True), (2, 4, 4)),
    (sn.AvgPool(2), (2, 4, 4)),
    (sn.MaxPool(2, ceil_mode=True), (1, 5, 5)),
    (sn.MaxPool(3, stride=2), (1, 5, 5)),
])
def test_forward_formulas_compute_what_the_reference_computes(layer, input_shape):
    model = sn.Sequential(sn.Input(*input_shape), layer, loss=sn.MeanSquaredError())
    params = model.init_params(seed=1)
    for name in params:
        params[name] = params[name] + 0.1  # nonzero biases
    x = np.random.default_rng(0).normal(size=(2, *input_shape))
    expected = sn.Reference(model, params).forward(x)
    symbols = model.derivation().layers[0].symbols
    name = model.layers[0].name
    values = {"x": x, "W": params.get(f"{name}.weight"), "b": params.get(f"{name}.bias")}
    free = symbols.output.indices
    positions = [range(2) if s.name == "n" else range(symbols.ranges[s]) for s in free]
    for position in itertools.islice(itertools.product(*positions), 40):
        at = dict(zip(free, position))
        index = tuple(int(i) for i in symbols.output.subs(at).indices)
        assert evaluate(symbols.forward, values, at) == pytest.approx(expected[index], rel=1e-12, abs=1e-12)


def test_dense_partials_are_weight_input_and_one():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.MeanSquaredError())
    layer = model.derivation().layer("dense1")
    n, o, i = sp.symbols("n o i", integer=True, nonnegative=True)
    W, x = sp.IndexedBase("W"), sp.IndexedBase("x")
    assert layer.partial(0) == W[o, i]
    assert layer.partial("weight") == x[n, i]
    assert layer.partial("bias") == 1
    assert layer.factor(0) == x[n, i]


def test_conv_partials_index_the_window():
    model = sn.Sequential(sn.Input(2, 6, 6), sn.Conv2D(3, 3, stride=2, padding=1, mean=True),
                          loss=sn.MeanSquaredError())
    layer = model.derivation().layer("conv1")
    n, o, i, r, c, u, v = sp.symbols("n o i r c u v", integer=True, nonnegative=True)
    W, x = sp.IndexedBase("W"), sp.IndexedBase("x")
    assert layer.factor(0) == x[n, i, 2 * r + u - 1, 2 * c + v - 1]
    assert layer.partial(0) == W[o, i, u, v] / 18
    assert layer.partial("weight") == x[n, i, 2 * r + u - 1, 2 * c + v - 1] / 18
    assert layer.partial("bias") == sp.Rational(1, 18)  # mean=True divides the whole output


def test_pool_partials_route_the_gradient():
    model = sn.Sequential(sn.Input(1, 4, 4), sn.MaxPool(2), sn.AvgPool(2), loss=sn.MeanSquaredError())
    derivation = model.derivation()
    n, c, r, q, u, v = sp.symbols("n c r q u v", integer=True, nonnegative=True)
    assert derivation.layer("maxpool1").partial(0) == sp.KroneckerDelta(2 * u + v, sp.IndexedBase("argmax")[n, c, r, q])
    assert derivation.layer("avgpool1").partial(0) == sp.Rational(1, 4)


def test_activation_partials_are_in_the_output():
    model = sn.Sequential(sn.Input(3), sn.Sigmoid(), sn.Tanh(), loss=sn.MeanSquaredError())
    derivation = model.derivation()
    y = sp.Symbol("y", real=True)
    assert sp.expand(derivation.layer("sigmoid1").partial(0) - (y - y**2)) == 0
    assert sp.expand(derivation.layer("tanh1").partial(0) - (1 - y**2)) == 0


def test_softmax_cross_entropy_gradient_simplifies_to_softmax_minus_one_hot():
    model = sn.Sequential(sn.Input(3), sn.Dense(4), loss=sn.SoftmaxCrossEntropy())
    gradient = model.derivation().loss_gradient()
    n, k = sp.symbols("n k", integer=True, nonnegative=True)
    p, t = sp.IndexedBase("p"), sp.IndexedBase("t")
    assert sp.simplify(gradient - (p[n, k] - sp.KroneckerDelta(k, t[n])) / BATCH) == 0
    # and evaluates to what the reference computes
    rng = np.random.default_rng(0)
    z, labels = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = model.loss.gradient(z, labels)
    for sample, cls in itertools.product(range(5), range(4)):
        value = gradient.subs({BATCH: 5, n: sample, k: cls}).subs(t[sample], int(labels[sample]))
        value = value.subs(p[sample, cls], softmax[sample, cls])
        assert float(value) == pytest.approx(expected[sample, cls], rel=1e-12)


def test_custom_loss_gradient_is_its_derivative_over_the_element_count():
    loss = sn.Loss("absolute_cubed", lambda y, t: sp.Abs(y - t) ** 3)
    model = sn.Sequential(sn.Input(3), sn.Dense(2), loss=loss)
    gradient = model.derivation().loss_gradient()
    n, e = sp.symbols("n e", integer=True, nonnegative=True)
    z, t = sp.IndexedBase("z"), sp.IndexedBase("t")
    expected = 3 * (z[n, e] - t[n, e]) * sp.Abs(z[n, e] - t[n, e]) / (2 * BATCH)
    point = {z[n, e]: 0.3, t[n, e]: -1.2, BATCH: 7}
    assert float(gradient.subs(point)) == pytest.approx(float(expected.subs(point)))


def test_chains_multiply_the_partials_along_the_path():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), sn.Sigmoid(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    chains = model.derivation().chains
    assert list(chains) == ["dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"]
    chain = chains["dense1.weight"]
    assert [(f.numerator, f.denominator) for f in chain.factors] == [
        ("L", "dense2"), ("dense2", "sigmoid1"), ("sigmoid1", "dense1"), ("dense1", "dense1.weight")]
    assert chain.symbolic() == "∂L/∂dense2 · ∂dense2/∂sigmoid1 · ∂sigmoid1/∂dense1 · ∂dense1/∂dense1.weight"
    y = sp.Symbol("y", real=True)
    assert sp.expand(chain.factors[2].expr - (y - y**2)) == 0
    assert [f.denominator for f in chains["dense2.bias"].factors] == ["dense2", "dense2.bias"]


def test_each_partial_says_what_it_belongs_to():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), sn.Sigmoid(), loss=sn.MeanSquaredError())
    dense, sigmoid = model.derivation().layers
    assert [partial.of for partial in dense.symbols.partials] == [0, "weight", "bias"]
    assert dense.factor("weight") == sp.IndexedBase("W")[sp.Symbol("o", integer=True, nonnegative=True),
                                                         sp.Symbol("i", integer=True, nonnegative=True)]
    assert [partial.of for partial in sigmoid.symbols.partials] == [0]


def test_text_and_latex():
    derivation = lenet().derivation()
    printed = str(derivation)
    assert "conv1: Conv2D(6, 5, padding=2)   reads input (1, 28, 28) -> (6, 28, 28)" in printed
    assert "Gradients of the tensors" not in printed   # a chain: the products alone
    assert "∂y/∂x = (1 if y > 0 else 0)   (in terms of the output y)" in printed
    assert "∂L/∂z[n, k] = (-[k = t[n]] + p[n, k])/N" in printed
    assert "∂L/∂conv1.weight = ∂L/∂dense3 · ∂dense3/∂relu4" in printed
    assert len(derivation.chains) == 10
    tex = derivation.latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    assert r"\frac{\partial L}{\partial \mathrm{conv1.weight}}" in tex
    assert derivation._repr_latex_().startswith("$$")


def test_derivation_is_computed_once():
    model = lenet()
    assert model.derivation() is model.derivation()
