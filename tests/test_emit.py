"""Emit: deterministic, readable C with the derived formulas, printed exactly."""

import subprocess
import sys

import pytest
import sympy as sp

import symnet as sn
from symnet.emit import CPrinter, elementwise, emit
from symnet.zoo import lenet, mlp

y, x, g = sp.Symbol("y", real=True), sp.Symbol("x", real=True), sp.Symbol("g")


def test_emitted_c_is_byte_identical_across_processes():
    here = emit(lenet(), "float32", 64).source
    code = "import sys; from symnet.emit import emit; from symnet.zoo import lenet; " \
           "sys.stdout.write(emit(lenet(), 'float32', 64).source)"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout
    assert here == other


def test_sigmoid_backward_is_printed_from_its_derivative():
    assert elementwise(g * y * (1 - y), CPrinter("float32"), "dx[e]") == ["dx[e] = g*y*(1 - y);"]
    assert elementwise(g * (1 - y**2), CPrinter("float64"), "dx[e]") == ["dx[e] = g*(1 - (y*y));"]


def test_common_subexpressions_are_shared():
    lines = elementwise(sp.exp(-x) / (1 + sp.exp(-x)) ** 2, CPrinter("float32"), "out[e]")
    assert lines == ["const real c0 = expf(-x);", "out[e] = c0*1.0F/((c0 + 1)*(c0 + 1));"]


def test_printer_nodes():
    printer = CPrinter("float64", {"x": ("x", (3, 4, 5)), "W": ("W", (2, 3))})
    n, i, r, c, o = sp.symbols("n i r c o", integer=True)
    assert printer.doprint(sp.IndexedBase("x")[n, i, r + 1, c]) == "x[60*n + 20*i + 5*(r + 1) + c]"
    assert printer.doprint(sp.IndexedBase("W")[o, i]) == "W[3*o + i]"
    assert printer.doprint(sp.KroneckerDelta(o, i)) == "(i == o)"
    assert printer.doprint(sp.Piecewise((1, y > 0), (0, True))) == "((y > 0) ? 1 : 0)"
    assert CPrinter("float32").doprint(sp.exp(x) / 3) == "(1.0F/3.0F)*expf(x)"
    assert CPrinter("float64").doprint(sp.exp(x) / 3) == "(1.0/3.0)*exp(x)"


def test_formulas_sit_in_comments_above_their_code():
    source = emit(mlp(), "float32", 16).source
    comment = source.index(" *   ∂y/∂x = y*(1 - y)   (in terms of the output y)")
    code = source.index("dx[e] = g*y*(1 - y);")
    assert comment < code
    assert "∂term/∂W[o, i] = x[n, i]" in source
    assert "dW[784*o + i] += g * x[784*n + i];" in source
    assert "∂L/∂z[n, k] = (-[k = t[n]] + p[n, k])/N" in source
    assert "dz[k] = (-(k == label) + p)/total;" in source


def test_custom_activation_and_loss_need_no_hand_written_c():
    model = sn.Sequential(sn.Input(3), sn.Dense(2),
                          sn.Activation("softplus", lambda v: sp.log(1 + sp.exp(v))),
                          loss=sn.Loss("log_cosh", lambda out, t: sp.log(sp.cosh(out - t))))
    source = emit(model, "float64", 4).source
    assert "out[e] = log(exp(x) + 1);" in source
    assert "dx[e] = g*(1 - exp(-y));" in source
    assert "dz[e] = -1.0/2.0*tanh(t - z)/total;" in source


def test_shapes_are_compile_time_constants():
    source = emit(lenet(), "float64", 32).source
    assert "typedef double real;" in source and "#define SN_BATCH 32" in source
    assert "for (int o = 0; o < 16; o++)" in source
    assert "const int u0 = SN_MAX(0, 2 - r), u1 = SN_MIN(5, 30 - r);" in source


@pytest.mark.parametrize("kwargs, message", [
    ({"dtype": "float16"}, "dtype: expected one of"),
    ({"batch": 0}, "batch: expected a positive integer"),
    ({"batch": 2.5}, "batch: expected a positive integer"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        emit(mlp(), **{"dtype": "float32", "batch": 8, **kwargs})
