"""Emit: deterministic, readable C with the derived formulas, printed exactly."""

import subprocess
import sys

import pytest
import sympy as sp

import symnet as sn
from symnet.emit import emit, lane_folds
from symnet.printer import CPrinter, elementwise
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
    assert elementwise(g * y * (1 - y), CPrinter("float32"), "dx[e]", "test") == ["dx[e] = g*y*(1 - y);"]
    assert elementwise(g * (1 - y**2), CPrinter("float64"), "dx[e]", "test") == ["dx[e] = g*(1 - (y*y));"]


def test_common_subexpressions_are_shared():
    lines = elementwise(sp.exp(-x) / (1 + sp.exp(-x)) ** 2, CPrinter("float32"), "out[e]", "test")
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
    dense_backward = source.index("/* dW += dy^T x      (∂term/∂W[o, i] = x[n, i])")
    assert dense_backward < source.index("sn_gemm(128, 784, count, 1, dy, 1, 128, x, 784, 1, dW, 784, 1, pack_a, pack_b);")
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


def test_float_activations_take_the_vectorizable_exp():
    # In float an activation's e^x is sn_expf (templates/helpers/exp.c.j2), emitted once with
    # the model; in double, and outside the activations' loops, the C library's.
    assert CPrinter("float32", own_exp=True).doprint(1 / (1 + sp.exp(-x))) == "1.0F/(1 + sn_expf(-x))"
    assert CPrinter("float64", own_exp=True).doprint(sp.exp(x)) == "exp(x)"
    assert CPrinter("float32").doprint(sp.exp(x)) == "expf(x)"
    source = emit(mlp(), "float32", 64).source
    assert source.count("static inline __attribute__((unused)) float sn_expf(float x)") == 1
    assert "out[e] = 1.0F/(1 + sn_expf(-x));" in source
    assert "sn_expf" not in emit(lenet(), "float32", 64).source   # ReLU: no e^x, no helper


def test_sn_expf_is_within_an_ulp_of_exp():
    # Every 4096th float from -87.33 (below which e^x is under FLT_MIN, and sn_expf gives 0) to
    # 88.72 (above, +inf), and the ends, through a compiled net whose activation is e^x,
    # against exp in double; NaN stays NaN (sqrt of -1), infinity past the top, 0 far below.
    import numpy as np

    low, high = np.float32(-87.33654), np.float32(88.72283)
    negative = np.arange(np.float32(-0.0).view(np.int32), low.view(np.int32), 4096, dtype=np.int32)
    positive = np.arange(0, high.view(np.int32), 4096, dtype=np.int32)
    values = np.concatenate([negative.view(np.float32), positive.view(np.float32), [low, high, -87.3, 88.5]])
    values = np.concatenate([values, np.zeros(-len(values) % 1000, np.float32)]).astype(np.float32)
    model = sn.Sequential(sn.Input(1000), sn.Activation("exp", sp.exp), loss=sn.MeanSquaredError())
    net = sn.compile(model, batch=64, threads=1)
    got = net.forward(values.reshape(-1, 1000)).ravel().astype(np.float64)
    exact = np.exp(values.astype(np.float64))
    rounded = exact.astype(np.float32)
    ulp = np.spacing(rounded).astype(np.float64)
    assert np.max(np.abs(got - exact) / ulp) <= 1.0
    root = sn.compile(sn.Sequential(sn.Input(3), sn.Activation("exp_root", lambda v: sp.exp(sp.sqrt(v))),
                                    loss=sn.MeanSquaredError()), batch=1, threads=1)
    out = root.forward(np.array([[-1.0, 1e4, 4.0]], np.float32))[0]
    assert np.isnan(out[0]) and out[1] == np.inf and abs(out[2] - np.exp(2.0)) <= np.spacing(np.float32(np.exp(2.0)))
    assert net.forward(np.full((1, 1000), -90.0, np.float32)).max() == 0.0


def test_lane_folds_pair_the_halves_of_every_group():
    # Four lanes: groups of 4 fold to groups of 2 (x's then y's), which fold to single lanes.
    assert lane_folds(4) == [(4, [0, 1, 4, 5], [2, 3, 6, 7]), (2, [0, 2, 4, 6], [1, 3, 5, 7])]
    assert [width for width, _, _ in lane_folds(16)] == [16, 8, 4, 2]
    source = emit(lenet(), "float32", 1).source
    assert "case 2: return SN_SHUFFLE(x, y, 0, 2, 4, 6)\n                   + SN_SHUFFLE(x, y, 1, 3, 5, 7);" in source


def test_shapes_are_compile_time_constants():
    source = emit(lenet(), "float64", 32).source
    assert "typedef double real;" in source and "#define SN_BATCH 32" in source
    assert "#define CONV2_GROUP 6" in source                  # 6 samples: 600 columns per multiply
    assert "sn_gemm(16, ld, 150, 1, W, 150, 1, col, ld, 1, stage, ld, 0, pack_a, pack_b);" in source
    assert "const real *restrict in = source + (i * 32 + r + u) * 32 + v;" in source  # padded 28 x 28
    assert "for (int n = 0; n < count; n++)" in source


def test_mean_convolution_scales_the_matrix_multiply():
    model = sn.Sequential(sn.Input(1, 9, 9), sn.Conv2D(3, 3, mean=True), sn.Flatten(), sn.Dense(2),
                          loss=sn.SoftmaxCrossEntropy())
    source = emit(model, "float32", 8).source
    assert "sn_gemm(3, ld, 9, 1.0F/9.0F, W, 9, 1, col, ld, 1, stage, ld, 0, pack_a, pack_b);" in source
    assert "out[p] = from[p] + (1.0F/9.0F)*b[o];" in source
    assert "db[o] += 1.0F/9.0F * sn_sum(stage + (long)o * ld, ld);" in source


def test_the_matrix_lowering_is_checked_against_the_derivation():
    from symnet.layers import Partial
    from symnet.lower import matrix_lowering

    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.MeanSquaredError())
    step = model.derivation().layers[0]
    assert matrix_lowering(step, CPrinter("float32"))["scale"] == "1"
    wrong = Partial("weight", step.factor("weight"), 2 * step.partial("weight"))
    step.symbols.partials = tuple(wrong if p.of == "weight" else p for p in step.symbols.partials)
    with pytest.raises(AssertionError, match="do not match the matrix lowering"):
        matrix_lowering(step, CPrinter("float32"))


@pytest.mark.parametrize("kwargs, message", [
    ({"dtype": "float16"}, "dtype: expected one of"),
    ({"batch": 0}, "batch: expected a positive integer"),
    ({"batch": 2.5}, "batch: expected a positive integer"),
])
def test_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        emit(mlp(), **{"dtype": "float32", "batch": 8, **kwargs})


# -- no text reaches C unescaped ---------------------------------------------------------
import re  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from symnet.printer import comment  # noqa: E402
from symnet.names import is_name  # noqa: E402

_TOKEN = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|[A-Za-z_]\w*|\d[\w.]*|\S", re.S)


def structure(source: str) -> tuple[int, list[str]]:
    """How many comments the C has, and its code as token kinds: what text in a comment or a
    name could change only by breaking out of its place."""
    comments, kinds = 0, []
    for token in _TOKEN.findall(source):
        if token.startswith(("/*", "//")):
            comments += 1
        elif token[0].isalpha() or token[0] == "_":
            kinds.append("identifier")
        elif token[0].isdigit():
            kinds.append("number")
        else:
            kinds.append(token)
    return comments, kinds


@given(st.text())
@settings(max_examples=300)
def test_comment_text_cannot_leave_its_comment(text):
    safe = comment(text)
    assert "*/" not in safe and "/*" not in safe
    assert not any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029" for ch in safe)
    assert comment(safe) == safe
    assert structure(f"/* {safe} */ int x;") == (1, ["identifier", "identifier", ";"])


NAME_TEXT = st.one_of(st.text(max_size=70), st.sampled_from(
    ["conv1*/ __attribute__((constructor)) static void f(void) {} /*", "a\nb", "loss", "sn_forward", "x", "real",
     "count", "_", "A" * 64, "A" * 65, "é", "dense_1", "int", "SN_BATCH"]))


@given(NAME_TEXT, NAME_TEXT, NAME_TEXT)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_names_are_refused_or_leave_the_c_intact(layer_name, function_name, model_name):
    def declare(names: bool):
        return sn.Sequential(
            sn.Input(3), sn.Dense(2, name=layer_name if names else None),
            sn.Activation(function_name if names else "act", lambda x: sp.tanh(x) + x / 3), sn.Dense(2),
            loss=sn.MeanSquaredError(), name=model_name if names else "model")

    try:
        named = declare(True)
    except ValueError as error:
        assert not (is_name(layer_name) and is_name(function_name) and is_name(model_name)), error
        return
    assert is_name(layer_name) and is_name(function_name) and is_name(model_name)
    assert structure(emit(named, "float32", 4).source) == structure(emit(declare(False), "float32", 4).source)
