"""BatchNorm: its declaration, its derivation (SymPy over the batch index), the reference
and the compiled net against finite differences and PyTorch in both modes, the thread
counts, the chunk rule, running statistics saved and loaded, and a broken partial caught."""

import re

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from helpers import assert_gradients_match, random_batch
from symnet.layers import norm

torch = pytest.importorskip("torch")


def pictures(affine=True, momentum=0.1, eps=1e-5):
    """Conv (no bias: BatchNorm removes it) -> BatchNorm -> ReLU -> ... -> BatchNorm of vectors."""
    return sn.Sequential(sn.Input(2, 5, 5), sn.Conv2D(3, 3, bias=False), sn.BatchNorm(momentum, eps, affine),
                         sn.ReLU(), sn.Flatten(), sn.Dense(4, bias=False), sn.BatchNorm(eps=1e-3), sn.Tanh(),
                         sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def residual_graph():
    x = sn.Input(2, 4, 4)
    h = sn.BatchNorm()(sn.Conv2D(3, 3, padding=1, bias=False)(x))
    r = sn.BatchNorm(affine=False)(sn.Conv2D(3, 3, padding=1, bias=False)(sn.ReLU()(h)))
    out = sn.Dense(2)(sn.Flatten()(sn.Add()(h, r)))
    return sn.Model(x, out, loss=sn.MeanSquaredError())


def noisy_params(model, seed=0, scale=0.2):
    params = model.init_params(seed)
    rng = np.random.default_rng(seed + 100)
    return {name: value + rng.normal(0, scale, value.shape) for name, value in params.items()}


# -- declaration --------------------------------------------------------------------------
@pytest.mark.parametrize("arguments, message", [
    ({"momentum": -0.1}, r"momentum must be a number in \[0.0, 1.0\], got -0.1"),
    ({"momentum": 1.5}, "momentum must be a number in"),
    ({"momentum": float("nan")}, "momentum must be a number in"),
    ({"momentum": True}, "momentum must be a number in"),
    ({"eps": 0.0}, r"eps must be a number in \(0.0, ∞\), got 0.0"),
    ({"eps": -1e-5}, "eps must be a number in"),
    ({"eps": "small"}, "eps must be a number in"),
    ({"affine": "False"}, "affine must be True or False, got 'False'"),
])
def test_bad_arguments_are_refused_naming_the_layer(arguments, message):
    with pytest.raises(sn.DeclarationError, match=r"^BatchNorm\(momentum=.*" + message):
        sn.BatchNorm(**arguments)


def test_an_unsupported_shape_is_refused_before_any_c_runs():
    with pytest.raises(sn.DeclarationError, match=r"^batchnorm1 \(BatchNorm\(\)\): normalizes pictures .* got shape "
                                                  r"\(3, 4\)"):
        sn.Sequential(sn.Input(3, 4), sn.BatchNorm(), sn.Flatten(), sn.Dense(2), loss=sn.MeanSquaredError())


def test_declaration_parameters_buffers_summary_and_saved_form():
    model = pictures(momentum=0.2)
    bn = model.layer("batchnorm1")
    assert bn.describe() == "BatchNorm(momentum=0.2)" and model.layer("batchnorm2").describe() == "BatchNorm(eps=0.001)"
    assert [spec.name for spec in model.buffer_specs()] == [
        "batchnorm1.running_mean", "batchnorm1.running_var", "batchnorm2.running_mean", "batchnorm2.running_var"]
    params = model.init_params(3)
    assert (params["batchnorm1.weight"] == 1).all() and (params["batchnorm1.bias"] == 0).all()
    buffers = model.init_buffers()
    assert (buffers["batchnorm2.running_mean"] == 0).all() and (buffers["batchnorm2.running_var"] == 1).all()
    summary = model.summary_text()
    assert re.search(r"\nbatchnorm1 +BatchNorm\(momentum=0.2\) +conv1 +\(3, 3, 3\) +6\n", summary), summary
    assert "running statistics: 14 values, not trained by gradients (net.buffers)" in summary
    assert sn.BatchNorm(affine=False).param_specs() == []
    again = sn.saving.model_from_dict(model.to_dict())
    assert again.to_dict() == model.to_dict() and again.layer("batchnorm1").momentum == 0.2


# -- the derivation -----------------------------------------------------------------------
def test_sympy_derives_the_classic_backward_from_the_sums_over_the_batch():
    derived = norm.batch_partials(True)
    dy, xhat, j, i = norm.DY, norm.XHAT, norm.J, norm.I
    total = sp.Sum(dy[j], (j, 0, norm.M - 1))
    total_xhat = sp.Sum(dy[j] * xhat[j], (j, 0, norm.M - 1))
    classic = norm.GAMMA / (norm.M * sp.sqrt(norm.VAR + norm.EPS)) * (norm.M * dy[i] - total - xhat[i] * total_xhat)
    assert sp.simplify(derived["x"] - classic) == 0
    assert derived["weight"] == total_xhat and derived["bias"] == total
    assert derived["x_eval"] == norm.GAMMA / sp.sqrt(norm.RUNNING_VAR + norm.EPS)
    text = str(pictures().derivation())
    assert "∂L/∂x[i] = Σ_j dy[j]·∂y[j]/∂x[i] = γ*(M*dy[i] - x̂[i]*Σ_{j<M} (dy[j]*x̂[j]) - Σ_{j<M} dy[j])/(M*sqrt(ε + σ²))" \
        in text
    assert "running_var = (1 - 0.1)·running_var + 0.1·σ²·M/(M - 1)" in text


def test_the_numeric_check_refuses_a_wrong_form():
    right = norm.batch_partials(False)["x"]
    norm.check_partials("bn", right, affine=False)
    for wrong in (2 * right, right + norm.DY[norm.I] / norm.M, right.subs(norm.EPS, 0)):
        with pytest.raises(AssertionError, match="^bn: the derived ∂L/∂x"):
            norm.check_partials("bn", wrong, affine=False)


def test_the_input_gradient_is_printed_as_its_coefficients_in_dy_and_x():
    from symnet.printer import CPrinter

    layer = sn.BatchNorm(name="bn")
    named = sp.sympify("invstd*w*(g*m - sum_dy - sum_dy_xhat*xhat)/m")
    lines = layer._linear_form(named, CPrinter("float32"))
    assert lines == ["const real k0 = invstd*w;", "const real k1 = 1.0F/m;", "scale_dy = k0;",
                     "scale_x = -k1*sum_dy_xhat*w*invstd*invstd;",
                     "shift = k0*k1*(invstd*mean*sum_dy_xhat - sum_dy);"]
    with pytest.raises(AssertionError, match=r"^bn: the derived ∂L/∂x .* is not linear in dy and x"):
        layer._linear_form(named * sp.Symbol("xhat"), CPrinter("float32"))


@pytest.mark.parametrize("offset", [0.0, 1e3, -3e4])
def test_statistics_in_one_pass_hold_for_values_far_from_zero(offset):
    """The variance in one pass (Σ d² / M - (Σ d / M)², d = x - a value of the channel) against
    NumPy's two passes in float64, for values whose spread is small beside their mean."""
    model = sn.Sequential(sn.Input(2, 6, 6), sn.BatchNorm(), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    x = (np.random.default_rng(1).normal(size=(8, 2, 6, 6)) * 0.5 + offset).astype(np.float32)
    net = sn.compile(model, batch=8, dtype="float32")
    ref = sn.Reference(model, params=net.params)
    got, want = net.activations(x)[0], ref.activations(x.astype(np.float64))[0]
    assert np.allclose(got, want, rtol=0, atol=2e-3), float(np.abs(got - want).max())


@pytest.mark.parametrize("make", [pictures, lambda: pictures(affine=False), residual_graph])
def test_reference_backward_matches_finite_differences_in_training_mode(make):
    assert_gradients_match(make(), count=4, params=noisy_params(make()))


def test_compiled_backward_matches_finite_differences_in_float64():
    model = residual_graph()
    net = sn.compile(model, batch=5, dtype="float64", params=noisy_params(model))
    x, y = random_batch(model, 5, seed=6)
    numeric = sn.finite_difference_gradients(net, x, y)
    for name, grad in net.gradients(x, y).items():
        assert sn.relative_error(grad, numeric[name]) < 1e-6, name


def test_reference_backward_matches_finite_differences_in_eval_mode():
    model = pictures()
    ref = sn.Reference(model, noisy_params(model))
    rng = np.random.default_rng(1)
    ref.buffers = {name: rng.uniform(0.5, 2, value.shape) for name, value in ref.buffers.items()}
    ref.eval()
    x, y = random_batch(model, 3, seed=2)
    numeric = sn.finite_difference_gradients(ref, x, y)
    for name, grad in ref.gradients(x, y).items():
        assert sn.relative_error(grad, numeric[name]) < 1e-6, name


# -- against PyTorch ----------------------------------------------------------------------
@pytest.mark.parametrize("threads", [1, 2])
def test_compiled_net_matches_pytorch_in_both_modes_and_its_running_statistics(threads):
    from symnet.export.torch import to_torch

    model = pictures(momentum=0.3)
    params = noisy_params(model)
    net = sn.compile(model, batch=8, dtype="float64", params=params, threads=threads)
    ref = sn.Reference(model, params)
    twin = to_torch(model, params)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(5)
    for _ in range(4):
        x, y = rng.normal(size=(8, 2, 5, 5)), rng.integers(0, 3, 8)
        optimizer.zero_grad()
        outputs = twin(torch.from_numpy(x))
        loss = loss_fn(outputs, torch.from_numpy(y))
        loss.backward()
        for mine in (net, ref):
            assert mine.forward(x) == pytest.approx(outputs.detach().numpy(), rel=1e-10, abs=1e-12)
            assert mine.loss(x, y) == pytest.approx(loss.item(), rel=1e-12)
            grads = mine.gradients(x, y)
            for spec in model.param_specs():
                assert sn.relative_error(grads[spec.name], twin.parameter(spec).grad.numpy()) < 1e-10, spec.name
        net.step(x, y, lr=0.1)
        ref.step(x, y, lr=0.1)
        # each of net and ref ran forward, loss, gradients and step on x: four forwards in
        # training mode with the weights before the step, each updating the running
        # statistics; the twin ran one, and three more
        with torch.no_grad():
            for _ in range(3):
                twin(torch.from_numpy(x))
        optimizer.step()
    for mine in (net, ref):
        for spec in model.buffer_specs():
            assert sn.relative_error(mine.buffers[spec.name], twin.parameter(spec).numpy()) < 1e-10, spec.name
        for spec in model.param_specs():
            assert sn.relative_error(mine.params[spec.name], twin.parameter(spec).detach().numpy()) < 1e-10
    twin.eval()
    optimizer.zero_grad()
    x, y = rng.normal(size=(20, 2, 5, 5)), rng.integers(0, 3, 20)
    outputs = twin(torch.from_numpy(x))
    loss_fn(outputs, torch.from_numpy(y)).backward()
    for mine in (net.eval(), ref.eval()):
        assert sn.relative_error(mine.forward(x), outputs.detach().numpy()) < 1e-12
        grads = mine.gradients(x, y)   # eval mode: 20 samples walk a compiled batch of 8 in chunks
        for spec in model.param_specs():
            assert sn.relative_error(grads[spec.name], twin.parameter(spec).grad.numpy()) < 1e-10, spec.name


@pytest.mark.parametrize("threads", [1, 2])
def test_running_statistics_follow_pytorch_over_forwards_and_steps_mixed(threads):
    """Every forward in training mode updates them once, a step once, fit once a minibatch;
    predict, evaluate and eval mode never: after each call, net, reference and PyTorch agree."""
    from symnet.export.torch import to_torch

    model = pictures(momentum=0.3)
    params = noisy_params(model, seed=2)
    net = sn.compile(model, batch=8, dtype="float64", params=params, threads=threads,
                     optimizer=sn.SGD(lr=0.1, momentum=0.5))
    ref = sn.Reference(model, params, optimizer=sn.SGD(lr=0.1, momentum=0.5))
    twin = to_torch(model, params)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.5)
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = np.random.default_rng(9)

    def torch_forward(x, y, training=True):
        twin.train(training)
        with torch.no_grad():
            twin(torch.from_numpy(x))
        twin.train()

    def torch_step(x, y):
        optimizer.zero_grad()
        loss_fn(twin(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()

    def fit(mine, x, y):   # two minibatches of 8, in order
        if mine is net:
            return net.fit(x, y, epochs=1, batch_size=8, shuffle=False, progress=False)
        for start in (0, 8):
            mine.step(x[start:start + 8], y[start:start + 8])

    def torch_fit(x, y):
        for start in (0, 8):
            torch_step(x[start:start + 8], y[start:start + 8])

    def in_eval_mode(mine, x, y):
        mine.eval().forward(x)
        mine.train()

    calls = {
        "forward": (lambda mine, x, y: mine.forward(x), torch_forward),
        "activations": (lambda mine, x, y: mine.activations(x), torch_forward),
        "loss": (lambda mine, x, y: mine.loss(x, y), torch_forward),
        "gradients": (lambda mine, x, y: mine.gradients(x, y), torch_forward),   # backward updates nothing
        "deltas": (lambda mine, x, y: mine.deltas(x, y), torch_forward),
        "step": (lambda mine, x, y: mine.step(x, y), torch_step),
        "predict": (lambda mine, x, y: mine.predict(x), lambda x, y: torch_forward(x, y, training=False)),
        "evaluate": (lambda mine, x, y: net.evaluate(x, y) if mine is net else mine.predict(x),
                     lambda x, y: torch_forward(x, y, training=False)),
        "eval mode": (in_eval_mode, lambda x, y: torch_forward(x, y, training=False)),
        "fit": (fit, torch_fit),
    }
    sequence = ["forward", "step", "loss", "predict", "gradients", "forward", "step", "eval mode", "activations",
                "deltas", "fit", "evaluate", "step", "forward", "forward", "fit", "loss"]
    for position, name in enumerate(sequence):
        count = 16 if name == "fit" else 8
        x, y = rng.normal(size=(count, 2, 5, 5)), rng.integers(0, 3, count)
        ours, theirs = calls[name]
        for mine in (net, ref):
            ours(mine, x, y)
        theirs(x, y)
        for spec in model.buffer_specs():
            expected = twin.parameter(spec).numpy()
            for mine in (net, ref):
                assert sn.relative_error(mine.buffers[spec.name], expected) < 1e-12, (position, name, spec.name)
    for spec in model.param_specs():   # and the steps between them trained alike
        for mine in (net, ref):
            assert sn.relative_error(mine.params[spec.name], twin.parameter(spec).detach().numpy()) < 1e-12
    # the statistics did move far from where they started, and eval mode used them
    assert not np.allclose(net.buffers["batchnorm1.running_var"], 1.0, atol=0.05)


def test_check_and_finite_differences_leave_the_running_statistics_as_they_were():
    model = pictures()
    net = sn.compile(model, batch=6, dtype="float64", optimizer=sn.Adam(lr=0.01))
    x, y = random_batch(model, 6, seed=1)
    for _ in range(2):
        net.step(x, y)
    before = (net.params, net.buffers, net.optimizer_state, net.step_count, net._optimizer_steps)
    report = sn.check(model, net=net, steps=2)
    assert report.ok, str(report)
    assert max(layer.stepped for layer in report.layers if layer.name.startswith("batchnorm")) > 0   # compared
    after = (net.params, net.buffers, net.optimizer_state, net.step_count, net._optimizer_steps)
    for kept, now in zip(before[:2], after[:2]):
        assert all(np.array_equal(value, now[name]) for name, value in kept.items())
    assert all(np.array_equal(value, after[2][state][name])
               for state, values in before[2].items() for name, value in values.items())
    assert before[3:] == after[3:] == (2, 2)
    ref = sn.Reference(model, net.params, net.buffers)
    for mine in (net, ref):
        statistics = mine.buffers
        sn.finite_difference_gradients(mine, x, y, names=["dense2.bias"])   # 6 losses in training mode
        assert all(np.array_equal(value, mine.buffers[name]) for name, value in statistics.items())
    mine.loss(x, y)   # which do update them, one at a time
    assert not np.array_equal(statistics["batchnorm1.running_mean"], mine.buffers["batchnorm1.running_mean"])


def test_a_fit_that_diverges_keeps_the_running_statistics_from_before_that_step():
    model = pictures()
    params = noisy_params(model, seed=3)
    x, y = random_batch(model, 24, seed=3)
    schedule = sn.schedules.exponential(1e10)   # in float32 the rate is infinite by the sixth step
    net = sn.compile(model, batch=8, params=params, optimizer=sn.SGD(lr=1e-3))
    with pytest.raises(sn.DivergenceError, match="fit: training diverged at epoch"):
        net.fit(x, y, epochs=2, batch_size=8, shuffle=False, schedule=schedule, progress=False)
    bad = net.step_count
    assert bad >= 1
    stepped = sn.compile(model, batch=8, params=params, optimizer=sn.SGD(lr=1e-3))
    with stepped._lock:
        stepped._activate(stepped.optimizer, schedule)
        rates = stepped._rates(schedule.value_array(), 1e-3, 0, np.empty(bad))
    for t in range(bad):
        start = 8 * (t % 3)
        stepped.step(x[start:start + 8], y[start:start + 8], lr=rates[t])
    for name, value in stepped.buffers.items():
        assert np.array_equal(value, net.buffers[name]), name
    for name, value in stepped.params.items():
        assert np.array_equal(value, net.params[name]), name


def test_validation_in_fit_leaves_the_running_statistics_be():
    model = pictures()
    x, y = random_batch(model, 16, seed=4)
    nets = [sn.compile(model, batch=8, dtype="float64") for _ in range(2)]
    nets[0].fit(x, y, epochs=2, batch_size=8, progress=False)
    nets[1].fit(x, y, epochs=2, batch_size=8, validation=(x, y), progress=False)
    for name, value in nets[0].buffers.items():
        assert np.array_equal(value, nets[1].buffers[name]), name


# -- reference against compiled, threads, the chunk rule ----------------------------------
@pytest.mark.parametrize("make", [pictures, residual_graph])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_check_agrees_in_training_mode_and_in_eval_mode(make, dtype):
    model = make()
    net = sn.compile(model, batch=6, dtype=dtype)
    report = sn.check(model, net=net, steps=3)
    assert report.ok and report.samples == 6, str(report)
    assert max(layer.stepped for layer in report.layers if layer.name.startswith("batchnorm")) > 0   # compared
    net.eval()
    report = sn.check(model, net=net, steps=2)
    assert report.ok and report.samples == 10, str(report)   # eval mode: chunks, and a remainder


def only_batchnorm():
    """Every layer's result is the same whatever the split of samples between threads: the
    BatchNorms' channel sums are one thread's each, in sample order; the rest is per sample."""
    return sn.Sequential(sn.Input(4, 3, 3), sn.BatchNorm(), sn.Tanh(), sn.BatchNorm(momentum=0.5), sn.Flatten(),
                         sn.BatchNorm(affine=False), loss=sn.MeanSquaredError())


@pytest.mark.parametrize("training", [True, False])
def test_results_are_bit_identical_for_one_two_and_three_threads(training):
    from symnet.emit import min_share

    model = only_batchnorm()
    assert min_share(model) == 1   # so 2 and 3 threads do split the 7 samples
    params = noisy_params(model)
    x, y = random_batch(model, 7, seed=3)
    results = []
    for threads in (1, 2, 3):
        net = sn.compile(model, batch=7, dtype="float32", params=params, threads=threads).train(training)
        results.append((net.activations(x), net.deltas(x, y), net.gradients(x, y)))
        for _ in range(3):
            net.step(x, y, lr=0.1)
        results[-1] += (net.params, net.buffers)
    for other in results[1:]:
        for left, right in zip(results[0], other):
            pairs = zip(left.values(), right.values()) if isinstance(left, dict) else zip(left, right)
            assert all(np.array_equal(a, b) for a, b in pairs)
    if training:   # and the statistics did move
        assert not np.array_equal(results[0][4]["batchnorm1.running_mean"], np.zeros(4))


def test_a_training_minibatch_larger_than_the_compiled_batch_is_refused_naming_the_layer():
    model = pictures()
    net = sn.compile(model, batch=4, dtype="float64")
    x, y = random_batch(model, 6)
    message = (r"^batchnorm1 \(BatchNorm\(\)\): in training mode its statistics span the whole minibatch, which the C "
               r"holds only within one compiled batch: at most 4 samples per minibatch, got 6")
    before = net.params
    for call in (net.forward, net.activations, lambda x: net.loss(x, y), lambda x: net.gradients(x, y),
                 lambda x: net.deltas(x, y), lambda x: net.step(x, y)):
        with pytest.raises(ValueError, match=message):
            call(x)
    with pytest.raises(ValueError, match=message.replace("6", "5")):
        net.fit(x, y, batch_size=5)
    assert all(np.array_equal(before[name], value) for name, value in net.params.items()) and net.step_count == 0
    # one sample of a vector BatchNorm: a single value per channel (PyTorch refuses it too)
    with pytest.raises(ValueError, match=r"^batchnorm2 \(BatchNorm\(eps=0.001\)\): in training mode each channel "
                                         r"needs more than one value"):
        net.forward(x[:1])
    with pytest.raises(ValueError, match="needs more than one value"):
        net.fit(x[:5], y[:5], batch_size=4)   # the last minibatch would hold one sample
    # eval mode, predict and evaluate take any number of samples, in chunks
    ref = sn.Reference(model, net.params).eval()
    assert sn.relative_error(net.eval().forward(x), ref.forward(x)) < 1e-12
    net.train()
    assert np.array_equal(net.predict(x), ref.predict(x))
    assert net.evaluate(x, y)["loss"] == pytest.approx(ref.loss(x, y), rel=1e-12)


# -- a broken partial is caught -------------------------------------------------------------
def test_a_broken_batchnorm_partial_is_refused_by_its_numeric_check(monkeypatch, tmp_path):
    from test_check import private_cache, wrong_partial

    private_cache(monkeypatch, tmp_path)
    model = pictures()
    wrong_partial(monkeypatch, sn.BatchNorm, 0)
    with pytest.raises(AssertionError, match=r"^batchnorm1: the derived ∂L/∂x 2\*γ"):
        sn.compile(model, batch=4, dtype="float64")


def test_a_broken_batchnorm_partial_that_reached_the_c_is_named_by_check(monkeypatch, tmp_path):
    from test_check import private_cache, wrong_partial

    private_cache(monkeypatch, tmp_path)
    model = sn.Sequential(sn.Input(3), sn.Dense(4, bias=False), sn.BatchNorm(name="norm"), sn.Tanh(), sn.Dense(2),
                          loss=sn.MeanSquaredError())
    wrong_partial(monkeypatch, sn.BatchNorm, 0, factor=1.5)
    monkeypatch.setattr(norm, "check_partials", lambda *args, **kwargs: None)   # let it through to the C
    report = sn.check(model, dtype="float64", batch=4)
    assert report.first_disagreement == "norm" and not report.ok, str(report)


# -- saving, modes ----------------------------------------------------------------------------
def test_running_statistics_and_the_step_count_are_saved_and_loaded(tmp_path):
    model = residual_graph()
    net = sn.compile(model, batch=5, dtype="float64")
    x, y = random_batch(model, 5)
    for _ in range(3):
        net.step(x, y, lr=0.05)
    assert net.step_count == 3
    assert not np.array_equal(net.buffers["batchnorm1.running_var"], np.ones(3))
    net.save(tmp_path / "net.npz")
    again = sn.load(tmp_path / "net.npz")
    assert again.step_count == 3 and again.training
    for name, value in net.buffers.items():
        assert np.array_equal(again.buffers[name], value), name
    assert np.array_equal(again.eval().forward(x), net.eval().forward(x))
    # a file missing a running statistic is refused, naming it
    import zipfile

    with zipfile.ZipFile(tmp_path / "net.npz") as source, zipfile.ZipFile(tmp_path / "cut.npz", "w") as cut:
        for item in source.namelist():
            if item != "buffer:batchnorm2.running_mean.npy":
                cut.writestr(item, source.read(item))
    with pytest.raises(ValueError, match=r"cut.npz: buffers: missing \['batchnorm2.running_mean'\]"):
        sn.load(tmp_path / "cut.npz")


def test_modes_switch_at_run_time_and_fit_trains_in_training_mode_and_validates_in_eval_mode():
    model = pictures()
    net = sn.compile(model, batch=8, dtype="float64")
    x, y = random_batch(model, 16, seed=4)
    source = net.source_path
    train_out = net.forward(x[:8])
    assert net.training and net.eval() is net and not net.training
    eval_out = net.forward(x[:8])
    assert not np.allclose(train_out, eval_out) and net.source_path == source   # one module, a flag
    history = net.fit(x, y, epochs=2, lr=0.05, validation=(x, y), progress=False)
    assert not net.training   # fit leaves the mode as it found it
    assert net.step_count == 4
    assert history["val_loss"][-1] == pytest.approx(net.evaluate(x, y)["loss"])
    ref = sn.Reference(model, net.params, net.buffers).eval()
    assert net.evaluate(x, y)["loss"] == pytest.approx(ref.loss(x, y), rel=1e-12)
    net.train()
    assert net.evaluate(x, y)["loss"] == pytest.approx(ref.loss(x, y), rel=1e-12)   # evaluate: always eval mode


# -- with the optimizers ----------------------------------------------------------------
def modern():
    """BatchNorm and Dropout together, as a modern recipe uses them."""
    return sn.Sequential(sn.Input(2, 5, 5), sn.Conv2D(3, 3, bias=False), sn.BatchNorm(), sn.ReLU(), sn.Flatten(),
                         sn.Dense(6), sn.ReLU(), sn.Dropout(0.3), sn.Dense(3),
                         loss=sn.SoftmaxCrossEntropy(label_smoothing=0.1))


def test_adamw_with_a_schedule_follows_the_reference_in_training_mode():
    """Steps of AdamW through BatchNorm and Dropout: the compiled net and the reference draw
    the same masks, normalize by the same statistics and take the same steps."""
    model = modern()
    params = noisy_params(model, 3)
    optimizer = sn.AdamW(lr=0.01, weight_decay=0.05)
    net = sn.compile(model, batch=8, dtype="float64", params=params, optimizer=optimizer.copy(), threads=2)
    ref = sn.Reference(model, params, optimizer=optimizer.copy())
    for seed in range(6):
        x, y = random_batch(model, 8, seed)
        assert net.step(x, y) == pytest.approx(ref.step(x, y), rel=1e-12)
    assert net.step_count == ref.step_count == 6
    for name, value in ref.params.items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-10, atol=1e-12, err_msg=name)
    for name, value in ref.buffers.items():
        np.testing.assert_allclose(net.buffers[name], value, rtol=1e-10, atol=1e-12, err_msg=name)


def test_training_with_batchnorm_dropout_and_adamw_resumes_bit_identically(tmp_path):
    model = modern()
    params = noisy_params(model, 1)
    x, y = random_batch(model, 48, 2)
    schedule = sn.schedules.warmup(4, then=sn.schedules.cosine(20))

    def epoch(net, number):
        net.fit(x, y, epochs=1, batch_size=8, seed=number, schedule=schedule, progress=False)

    straight = sn.compile(model, batch=8, params=params, optimizer=sn.AdamW(lr=0.01))
    for number in range(4):
        epoch(straight, number)
    first = sn.compile(model, batch=8, params=params, optimizer=sn.AdamW(lr=0.01))
    for number in range(2):
        epoch(first, number)
    first.save(tmp_path / "net.npz")
    resumed = sn.load(tmp_path / "net.npz")
    for number in range(2, 4):
        epoch(resumed, number)
    for name, value in straight.params.items():
        assert np.array_equal(value, resumed.params[name]), name
    for name, value in straight.buffers.items():
        assert np.array_equal(value, resumed.buffers[name]), name
    # without the running statistics the resumed run differs: the test can fail
    forgetful = sn.load(tmp_path / "net.npz")
    forgetful.buffers = model.init_buffers()
    for number in range(2, 4):
        epoch(forgetful, number)
    assert not all(np.array_equal(value, forgetful.buffers[name]) for name, value in straight.buffers.items())
