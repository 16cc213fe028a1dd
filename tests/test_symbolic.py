"""The derivative rewrite in terms of the output, checked by substitution."""

import numpy as np
import pytest
import sympy as sp

from symnet.symbolic import (
    derivative_in_output, differentiate, latex, real_symbol, text,
)

x, y = real_symbol("x"), real_symbol("y")


def agrees_by_substitution(derivative, f):
    """derivative(y = f(x)) equals f'(x) at many points, including negative ones."""
    slope = sp.diff(f, x)
    for value in np.linspace(-5, 5, 41):
        if abs(value) < 1e-9:
            continue  # the kink of piecewise formulas
        expected = float(slope.subs(x, value))
        got = float(derivative.subs(y, f.subs(x, value)))
        if not np.isclose(got, expected, rtol=1e-10, atol=1e-12):
            return False
    return True


@pytest.mark.parametrize("name, f, expected", [
    ("sigmoid", 1 / (1 + sp.exp(-x)), y * (1 - y)),
    ("sigmoid via exp(x)", sp.exp(x) / (1 + sp.exp(x)), y * (1 - y)),
    ("tanh", sp.tanh(x), 1 - y**2),
    ("tanh from exponentials", (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)), 1 - y**2),
    ("exp", sp.exp(x), y),
])
def test_known_derivatives_come_out_in_the_output(name, f, expected):
    derivative, in_output = derivative_in_output(f, x, y)
    assert in_output
    assert sp.simplify(derivative - expected) == 0
    assert agrees_by_substitution(derivative, f)


def test_relu_derivative_is_the_step_of_its_output():
    f = sp.Piecewise((x, x > 0), (0, True))
    derivative, in_output = derivative_in_output(f, x, y)
    assert in_output and not derivative.has(x)
    assert [derivative.subs(y, v) for v in (-1, 0, 0.5, 3)] == [0, 0, 1, 1]
    assert agrees_by_substitution(derivative, f)


def test_max_spelling_of_relu_is_rewritten_too():
    derivative, in_output = derivative_in_output(sp.Max(0, x), x, y)
    assert in_output
    assert [derivative.subs(y, v) for v in (0, 2)] == [0, 1]


@pytest.mark.parametrize("name, f", [
    ("softplus", sp.log(1 + sp.exp(x))),
    ("elu", sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True))),
    ("leaky relu", sp.Piecewise((x, x > 0), (x / 10, True))),
    ("arctan", sp.atan(x)),
])
def test_custom_activations_rewritten_in_output_agree_by_substitution(name, f):
    derivative, in_output = derivative_in_output(f, x, y)
    assert in_output, name
    assert not derivative.has(x)
    assert agrees_by_substitution(derivative, f)


@pytest.mark.parametrize("name, f", [
    ("swish", x / (1 + sp.exp(-x))),          # not invertible in closed form
    ("square", x**2),                          # not one-to-one: sqrt(y) loses the sign
    ("absolute", sp.Abs(x)),
    ("sine", sp.sin(x)),
    ("gelu", x * (1 + sp.erf(x / sp.sqrt(2))) / 2),
])
def test_derivatives_that_need_the_input_stay_in_the_input(name, f):
    derivative, in_output = derivative_in_output(f, x, y)
    assert not in_output
    probe = np.linspace(-3, 3, 13) + 0.01
    for value in probe:
        assert np.isclose(float(derivative.subs(x, value)), float(sp.diff(f, x).subs(x, value)))


def test_differentiate_rejects_unknown_functions():
    with pytest.raises(ValueError, match="cannot differentiate"):
        differentiate(sp.Function("f")(x), x, "Activation('mystery')")


def test_printers():
    n, k = sp.symbols("n k", integer=True)
    z = sp.IndexedBase("z")
    expr = sp.Sum(z[n, k], (k, 0, 9)) + sp.KroneckerDelta(k, n)
    assert text(expr) == "[k = n] + Σ_{k<10} z[n, k]"
    assert text(sp.Piecewise((1, y > 0), (0, True))) == "(1 if y > 0 else 0)"
    assert r"\sum" in latex(expr)
