"""Formulas: the allow-list, the NumPy interpreter, and the reader of stored formulas."""

import math
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from sympy.codegen.cfunctions import log1p
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symnet as sn
from symnet.errors import FormulaError
from symnet.formulas import FUNCTIONS, MAX_DEPTH, check_formula, numpy_function, read_formula
from symnet.symbolic import differentiate, real_symbol

x, y, t = real_symbol("x"), real_symbol("y"), real_symbol("t")
ROOT = Path(__file__).resolve().parent.parent


def one_argument(function):
    return function not in (sp.atan2, sp.Max, sp.Min)


def applied(function, arg):
    return function(arg, 1) if function is sp.atan2 else function(arg, -arg) if function in (sp.Max, sp.Min) \
        else function(arg)


@pytest.mark.parametrize("formula, message", [
    (x * sp.Symbol("a"), r"free symbol a besides its inputs \(x\)"),
    (x * sp.Symbol("x"), r"free symbol x besides"),            # not the real x: another symbol
    (sp.Function("f")(x), "undefined function 'f'"),
    (sp.Function("__import__('os')")(x), "undefined function"),
    (sp.erfinv(x), "function erfinv"),
    (sp.besselj(0, x), "function besselj"),
    (sp.LambertW(x), "function LambertW"),
    (sp.gamma(x), "function gamma"),
    (sp.Integral(x, (x, 0, 1)) + x, "Integral"),
    (sp.Sum(x, (sp.Symbol("k", integer=True), 0, 3)), "Sum"),
    (sp.I * x, "imaginary unit"),
    (sp.log(-1) + x, "imaginary unit"),
    (sp.exp(1000) * x, "constant part exp"),
    (sp.Piecewise((x, x > 0), (sp.acos(2), True)), "constant part acos"),   # a complex choice
    (sp.Piecewise((x, x > sp.exp(1000)), (0, True)), "constant part exp"),   # in a condition
    (sp.Integer(10) ** 400 * x, "overflows float64"),
    (sp.oo * x, "not a finite number"),
    (sp.zoo + x, "not a finite number"),
    (sp.Eq(x, 1), "must be a SymPy expression"),
    ("x + 1", "must be a SymPy expression"),
    (True, "must be a SymPy expression"),
])
def test_unsupported_formulas_are_refused_naming_the_part(formula, message):
    with pytest.raises(FormulaError, match=message):
        check_formula(formula, (x,), "Activation('a')")


def test_a_deep_formula_is_refused_before_anything_recurses():
    deep = x
    for _ in range(MAX_DEPTH + 5):
        deep = sp.exp(deep)
    with pytest.raises(FormulaError, match="too large"):
        check_formula(deep, (x,), "Activation('deep')")


def test_python_numbers_are_formulas():
    assert check_formula(2, (x,), "a") == sp.Integer(2)
    assert check_formula(0.5, (x,), "a") == sp.Float(0.5)


@pytest.mark.parametrize("function", sorted(FUNCTIONS, key=lambda f: f.__name__), ids=lambda f: f.__name__)
def test_numpy_agrees_with_sympy_for_every_function(function):
    points = np.array([-2.7, -0.9, -0.31, 0.0, 0.44, 0.8, 1.5, 3.2])
    formula = applied(function, x)
    got = numpy_function(formula, x)(points)
    for value, result in zip(points, got):
        exact = complex(formula.subs(x, value).evalf(30))
        if abs(exact.imag) > 1e-12 or not math.isfinite(exact.real):
            assert not np.isfinite(result) or function in (sp.Heaviside,), (value, result, exact)
            continue
        assert result == pytest.approx(exact.real, rel=1e-12, abs=1e-14), (function, value)


@pytest.mark.parametrize("function", sorted(FUNCTIONS, key=lambda f: f.__name__), ids=lambda f: f.__name__)
def test_every_supported_function_differentiates_into_supported_ones(function):
    derivative = differentiate(applied(function, 2 * x + 1), x, "test")
    check_formula(derivative, (x,), "test")


def test_steps_have_derivative_zero():
    for formula in (sp.sign(x), sp.floor(2 * x), sp.ceiling(x ** 2), sp.Heaviside(x - 1)):
        assert differentiate(formula + x, x, "step") == 1


def test_piecewise_and_logic_evaluate_like_sympy():
    formula = sp.Piecewise((x ** 2, sp.And(x > -1, x < 1)), (sp.Abs(x), sp.Or(x > 5, sp.Not(x > -3))), (1, True))
    points = np.linspace(-6, 6, 49)
    expected = [float(formula.subs(x, value)) for value in points]
    assert np.allclose(numpy_function(formula, x)(points), expected, rtol=1e-15)


# -- reading stored formulas ----------------------------------------------------------
STORED = [
    sp.Piecewise((x, x > 0), (0, True)),
    1 / (1 + sp.exp(-x)),
    x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
    sp.pi * x + sp.E + sp.EulerGamma + sp.GoldenRatio * sp.Catalan,
    sp.Float("0.1") * x ** sp.Rational(3, 2) - sp.Rational(-7, 3),
    sp.Max(x, 0.01 * x) + sp.Min(x, 2) + sp.atan2(x, 3) + sp.Heaviside(x),
    sp.Piecewise((sp.sin(x), sp.And(x >= 0, x <= 1)), (sp.cos(x), sp.Or(x < -1, sp.Eq(x, 2))), (-x, True)),
    sp.Integer(10) ** 20 * x,
    log1p(sp.exp(-sp.Abs(x))),
]


@pytest.mark.parametrize("formula", STORED, ids=str)
def test_stored_formulas_read_back_equal(formula):
    assert read_formula(sp.srepr(formula), (x,), "f") == formula


def test_a_loss_formula_reads_back_in_its_own_symbols():
    formula = sp.log(sp.cosh(y - t))
    assert read_formula(sp.srepr(formula), (y, t), "loss") == formula
    with pytest.raises(FormulaError, match="malformed Symbol"):
        read_formula(sp.srepr(formula), (x,), "loss")


HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "Symbol('x', real=True).subs(Symbol('q', real=True), '__import__(\"os\").system(\"touch {marker}\")')",
    "exp('__import__(\"os\").system(\"touch {marker}\")')",
    "Add(Symbol('x', real=True), Symbol('__import__(\"os\").system(\"touch {marker}\")', real=True))",
    "Function('__import__(\"os\").system(\"touch {marker}\")')(Symbol('x', real=True))",
    "Add(*[Integer(1)])", "Add(Symbol('x', real=True), evaluate=False)", "Integer('1')", "Integer(1.5)",
    "Float('nan')", "Float(0.5)", "Float('1e999')", "Rational(1, 0)", "Symbol('x')", "Symbol('x', real=False)",
    "Pow(Integer(10), Integer(1000000000))", "loggamma(Integer(1000000000))",
    "exp(Integer(1000000000000))", "erfinv(Symbol('x', real=True))", "(lambda: 1)()", "exp.__class__",
    "Add(" * 150 + ")" * 150, "[" * 1000 + "]" * 1000, "Integer(" + "9" * 5000 + ")", "", "x" * 200_000,
    "sympify('x')", "S('x')", "Piecewise(('x', true))",
    # exact arithmetic that would run without bound, or exhaust memory
    "Pow(Pow(Pow(Integer(10), Integer(1000)), Integer(1000)), Integer(1000))", "exp(Float('1e100000000'))",
    "sin(Float('1e100000'))", "ceiling(Float('1e10000000000000'))", "floor(Float('1e100000000'))",
    "Float('1e-100000000')", "Pow(Symbol('x', real=True), Integer(" + "9" * 400 + "))",
    "Piecewise(ExprCondPair(Symbol('x', real=True), StrictGreaterThan(Symbol('x', real=True), Integer(0))))",
]


@pytest.mark.parametrize("payload", HOSTILE, ids=lambda p: p[:40])
def test_hostile_stored_formulas_run_nothing(payload, tmp_path):
    marker = tmp_path / "marker"
    with pytest.raises(FormulaError):
        read_formula(payload.format(marker=marker), (x,), "model.layers[2].formula")
    assert not marker.exists()


def formulas(depth=3):
    """Random formulas over the supported functions, constants and arithmetic."""
    leaves = st.sampled_from([x, x, sp.Integer(2), sp.Rational(1, 3), sp.Float("0.25"), sp.pi, sp.E])
    unary = sorted((f for f in FUNCTIONS if one_argument(f)), key=lambda f: f.__name__)

    def applied(pair):
        """The function applied, or None where SymPy refuses the argument (Heaviside of a
        complex constant raises)."""
        try:
            return pair[0](pair[1])
        except (ValueError, TypeError):
            return None

    def extend(inner):
        return st.one_of(
            st.tuples(st.sampled_from(unary), inner).map(applied).filter(lambda formula: formula is not None),
            st.tuples(inner, inner).map(lambda pair: pair[0] + pair[1]),
            st.tuples(inner, inner).map(lambda pair: pair[0] * pair[1]),
            st.tuples(inner, st.sampled_from([2, 3, -1, sp.Rational(1, 2)])).map(lambda pair: pair[0] ** pair[1]),
            st.tuples(inner, inner).map(lambda pair: sp.Piecewise((pair[0], x > 0), (pair[1], True))),
        )
    return st.recursive(leaves, extend, max_leaves=6)


@given(formulas(), st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_stored_formulas_are_read_or_refused(formula, data):
    """A stored formula with characters changed is either a formula or a FormulaError."""
    text = sp.srepr(formula)
    if check_or_none(formula) is not None:
        assert read_formula(text, (x,), "f") == formula
    for _ in range(3):
        position = data.draw(st.integers(0, len(text)))
        piece = data.draw(st.sampled_from(["(", ")", ",", "'", "__", ".", "*", "1", "-", "x", "Symbol", "lambda ",
                                           "Integer(", "exp", " ", "\\", "\"", "[", "import os", "9" * 30]))
        text = text[:position] + piece + text[position + data.draw(st.integers(0, 3)):]
    try:
        result = read_formula(text, (x,), "f")
    except FormulaError:
        return
    assert isinstance(result, sp.Expr) and result.free_symbols <= {x}


def check_or_none(formula):
    try:
        return check_formula(formula, (x,), "f")
    except FormulaError:
        return None


def test_declaration_is_bounded():
    """The rewrite search that once ran for minutes (exp(30 x)) ends, in a fresh process."""
    code = ("import sympy as sp, symnet as sn\n"
            "a = sn.Activation('fast', lambda x: sp.exp(30 * x))\n"
            "print(a.derivative, a.derivative_in_output)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["30*y", "True"]


def test_the_time_limit_falls_back_to_the_derivative_in_x(monkeypatch):
    import symnet.symbolic as symbolic

    monkeypatch.setattr(symbolic, "SEARCH_SECONDS", 1e-6)
    symbolic.derivative_in_output.cache_clear()
    try:
        with pytest.warns(UserWarning, match=r"stopped after 1e-06 s; it stays in terms of the input"):
            derivative, in_output = symbolic.derivative_in_output(1 / (1 + sp.exp(-2 * x)) + x / 7, x, y)
    finally:
        symbolic.derivative_in_output.cache_clear()
    assert not in_output and derivative.has(x)


def test_the_rewrite_search_is_bounded_by_work_not_by_the_clock(monkeypatch):
    """The scaled tanh's rewrite in y is found among the last candidates; the result must
    not depend on how fast the machine is, so the search has no deadline of its own."""
    import symnet.symbolic as symbolic

    clock = iter(range(0, 10 ** 6, 1000))   # a clock that jumps 1000 s at every look
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    symbolic.derivative_in_output.cache_clear()
    try:
        derivative, in_output = symbolic.derivative_in_output(sp.Float(1.7159) * sp.tanh(2 * x / 3), x, y)
    finally:
        symbolic.derivative_in_output.cache_clear()
    assert in_output and not derivative.has(x)
    assert sp.Poly(derivative, y).degree() == 2


def test_erf_derivative_stays_computable():
    erf = sn.Activation("erf", sp.erf)
    assert erf.derivative == 2 * sp.exp(-x ** 2) / sp.sqrt(sp.pi) and not erf.derivative_in_output


# -- what declaration accepts, compiles and agrees ----------------------------------
def formula_net(formulas_in_x, width=6):
    """Input -> Dense (the identity, so each activation sees the inputs exactly) -> the
    activations -> Dense(1), with a mean squared error: every activation's value and, through
    d loss / d input, its derivative reach C's and the reference's outputs unmixed."""
    layers = [sn.Input(width), sn.Dense(width, bias=False)]
    layers += [sn.Activation(f"f{index}", lambda x, f=f: f.xreplace({X: x})) for index, f in enumerate(formulas_in_x)]
    model = sn.Sequential(*layers, sn.Dense(1), loss=sn.MeanSquaredError())
    params = model.init_params(0)
    params["dense1.weight"] = np.eye(width)
    return model, params


X = x


def assert_agree(expected, got, what):
    both = np.isfinite(expected) & np.isfinite(got)
    scale = np.maximum(np.abs(expected), 1e-300)
    worst = np.max(np.where(both, np.abs(got - expected) / np.maximum(scale, 1e-12), 0), initial=0)
    assert worst < 1e-9, f"{what}: relative difference {worst:.2e}"


@given(formulas(), st.integers(0, 2 ** 16))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_accepted_formulas_compile_and_agree_with_the_reference(formula, seed):
    from hypothesis import assume

    try:
        model, params = formula_net([formula])
    except FormulaError:
        assume(False)
    net = sn.compile(model, batch=4, dtype="float64", params=params, threads=1)
    ref = sn.Reference(model, params)
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-3, 3, size=(9, 6))
    targets = np.zeros((9, 1))
    for index, (c, r) in enumerate(zip(net.activations(inputs), ref.activations(inputs))):
        assert_agree(r, c, f"{formula}: layer {index} output")
    for index, (c, r) in enumerate(zip(net.deltas(inputs, targets), ref.deltas(inputs, targets))):
        assert_agree(r, c, f"{formula}: d loss / d layer {index} output")


EDGE_FORMULAS = [
    sp.Integer(10) ** 20 * x, x * (1 + sp.erf(x / sp.sqrt(2))) / 2, sp.pi * x + sp.EulerGamma, sp.sign(x) * x ** 2,
    sp.floor(2 * x) + x, sp.Heaviside(x) * x, sp.atan2(x, 2) + sp.Max(x, 0.1 * x),
    sp.Piecewise((sp.log(x), x > 1), (x - 1, True)), sp.exp(sp.Rational(1, 3)) * sp.tanh(x), sp.erf(x),
    sp.cbrt(x), sp.pi ** 2 * x, log1p(sp.exp(-sp.Abs(x))),
]


def test_edge_formulas_agree_in_both_dtypes():
    model, params = formula_net(EDGE_FORMULAS, width=4)
    ref = sn.Reference(model, params)
    inputs = np.random.default_rng(1).uniform(-3, 3, size=(7, 4))
    for dtype, tolerance in (("float64", 1e-9), ("float32", 1e-4)):
        net = sn.compile(model, batch=4, dtype=dtype, params=params)
        for c, r in zip(net.activations(inputs), ref.activations(inputs)):
            both = np.isfinite(c) & np.isfinite(r)
            assert np.allclose(c[both], r[both], rtol=tolerance, atol=tolerance), dtype


def test_a_constant_beyond_float32_is_refused_before_compiling():
    model = sn.Sequential(sn.Input(3), sn.Activation("huge", lambda x: sp.Float(1e39) * x), sn.Dense(2),
                          loss=sn.MeanSquaredError())
    with pytest.raises(FormulaError, match=r"huge1.*1e\+39 does not fit in float32"):
        sn.compile(model, dtype="float32")
    sn.compile(model, dtype="float64", batch=2)


def test_edge_formulas_under_the_sanitizers(tmp_path):
    from symnet.build import sanitizer_runtime

    preload = sanitizer_runtime()
    if not all(Path(path).is_absolute() for path in preload.split()):
        pytest.skip("the compiler has no AddressSanitizer runtime")
    code = (
        "import numpy as np, sympy as sp, symnet as sn\n"
        "from test_formulas import EDGE_FORMULAS, formula_net\n"
        "model, params = formula_net(EDGE_FORMULAS, width=4)\n"
        "for dtype in ('float64', 'float32'):\n"
        "    net = sn.compile(model, batch=3, dtype=dtype, params=params, sanitize=True)\n"
        "    x = np.random.default_rng(0).uniform(-3, 3, size=(5, 4))\n"
        "    net.activations(x); net.gradients(x, np.zeros((5, 1)))\n"
        "    try:\n"
        "        net.step(x, np.zeros((5, 1)), lr=1e-3)\n"
        "    except sn.DivergenceError:\n"
        "        pass   # cbrt of a negative input is NaN: the step is refused, its weights restored\n"
        "print('clean')\n")
    env = {**__import__("os").environ, "SYMNET_CACHE": str(tmp_path), "LD_PRELOAD": preload,
           "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1", "UBSAN_OPTIONS": "halt_on_error=1",
           "PYTHONPATH": str(ROOT / "tests")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("clean")


def test_a_piecewise_needs_a_last_branch_for_every_other_case():
    with pytest.raises(FormulaError, match="Piecewise without a last branch"):
        sn.Activation("partial", lambda x: sp.Piecewise((x, x > 0)))


def test_the_rewrite_search_is_bounded_in_any_thread():
    import threading

    found = []
    worker = threading.Thread(target=lambda: found.append(sn.Activation("p", lambda x: x ** (2 ** 40))))
    worker.start()
    worker.join(120)
    assert not worker.is_alive() and found[0].derivative == 2 ** 40 * x ** (2 ** 40 - 1)


@pytest.mark.parametrize("text", ["Float('0\\ 5', precision=53)", "Symbol('x\\ ', real=True)"])
def test_a_tampered_formula_with_an_invalid_escape_is_refused_without_a_warning(text):
    """Python's parser warns of an invalid escape in a string; the reader refuses the text
    and the parser's warning does not reach the user (a hypothesis mutation found it)."""
    x = real_symbol("x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FormulaError, match="malformed"):
            read_formula(text, (x,), "f")
