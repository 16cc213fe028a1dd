"""The compiled net against the reference: every layer kind, both dtypes, random
architectures, remainders of the compiled batch, training, and bad inputs."""

import platform

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch
from symnet.zoo import four_pixel as four_pixel_model
from symnet.zoo import xo
from test_properties import architectures

BODIES = {
    "conv": [sn.Conv2D(2, 3)],
    "conv-stride-padding": [sn.Conv2D(2, 3, stride=2, padding=1)],
    "conv-rectangular": [sn.Conv2D(2, (3, 2), stride=(2, 1), padding=(0, 1), bias=False)],
    "conv-mean": [sn.Conv2D(3, 3, mean=True)],
    "maxpool": [sn.Conv2D(2, 2), sn.MaxPool(2)],
    "maxpool-ceil": [sn.Conv2D(2, 2), sn.MaxPool(2, ceil_mode=True)],
    "maxpool-overlapping": [sn.MaxPool(3, stride=2, ceil_mode=True)],
    "avgpool": [sn.AvgPool(2)],
    "avgpool-overlapping": [sn.AvgPool(3, stride=2)],
    "relu": [sn.Conv2D(2, 3), sn.ReLU()],
    "sigmoid": [sn.Sigmoid()],
    "tanh": [sn.Tanh()],
    "softplus": [sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x)))],
    "swish": [sn.Activation("swish", lambda x: x / (1 + sp.exp(-x)))],
    "elu": [sn.Activation("elu", lambda x: sp.Piecewise((x, x > 0), (sp.exp(x) - 1, True)))],
}
LOSSES = {
    "cross-entropy": sn.SoftmaxCrossEntropy,
    "mse": sn.MeanSquaredError,
    "log-cosh": lambda: sn.Loss("log_cosh", lambda y, t: sp.log(sp.cosh(y - t))),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("body", BODIES)
def test_every_layer_kind_agrees_with_the_reference(body, loss, dtype):
    model = sn.Sequential(sn.Input(2, 7, 7), *BODIES[body], sn.Flatten(), sn.Dense(3), loss=LOSSES[loss]())
    report = sn.check(model, dtype=dtype, batch=4)
    assert report.ok, str(report)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(architectures(), st.sampled_from(["float64", "float32"]), st.integers(1, 5))
def test_random_architectures_agree_with_the_reference(model, dtype, batch):
    report = sn.check(model, dtype=dtype, batch=batch)
    assert report.ok, str(report)


# The matrix multiplies are written once for every vector width and picked by the target:
# 64-byte vectors on this machine's native build, 32 without AVX-512, 16 without AVX.
WIDTHS = {"avx2": "-mno-avx512f", "sse": "-mno-avx"}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86 vector widths")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch", [1, 5])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_vector_width_agrees_with_the_reference(width, batch, dtype, monkeypatch):
    # Dot products of every block shape (4 x 4, 4 x 1, 1 x 4, 1 x 1), of lengths that are a
    # multiple of the vector, end in a partial vector, or are shorter than one vector.
    monkeypatch.setenv("CC", f"cc {WIDTHS[width]}")
    model = sn.Sequential(sn.Input(3, 9, 9), sn.Conv2D(5, 3), sn.ReLU(), sn.Conv2D(4, 3, stride=2),
                          sn.Flatten(), sn.Dense(6), sn.Tanh(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    report = sn.check(model, dtype=dtype, batch=batch)
    assert report.ok, str(report)


@pytest.mark.parametrize("count", [1, 3, 4, 5, 11])
def test_any_number_of_samples_through_a_batch_of_four(count):
    model = sn.Sequential(sn.Input(1, 5, 5), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    ref = sn.Reference(model)
    net = sn.compile(model, batch=4, dtype="float64", params=ref.params)
    x, y = random_batch(model, count, seed=count)
    assert np.allclose(net.forward(x), ref.forward(x), rtol=1e-12, atol=1e-14)
    assert net.loss(x, y) == pytest.approx(ref.loss(x, y), rel=1e-12)
    for name, grad in net.gradients(x, y).items():
        assert np.allclose(grad, ref.gradients(x, y)[name], rtol=1e-10, atol=1e-14), name


def test_inputs_are_converted_when_safe():
    model = sn.Sequential(sn.Input(1, 4, 4), sn.Flatten(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    net = sn.compile(model, batch=2, dtype="float32")
    x = np.random.default_rng(0).normal(size=(3, 1, 4, 8))[..., ::2]          # not contiguous
    assert np.allclose(net.forward(x), net.forward(np.ascontiguousarray(x, dtype=np.float32)))
    assert net.forward(np.ones((2, 1, 4, 4), dtype=np.int64)).dtype == np.float32
    assert net.loss(x, np.array([0.0, 1.0, 1.0])) == net.loss(x, np.array([0, 1, 1], dtype=np.uint8))


def test_step_and_sgd_match_pytorch_with_momentum_and_weight_decay():
    torch = pytest.importorskip("torch")
    from test_torch import torch_model

    model = sn.Sequential(sn.Input(1, 6, 6), sn.Conv2D(2, 3), sn.Tanh(), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(1)
    net = sn.compile(model, batch=4, dtype="float64", params=params)
    twin = torch_model(model, params)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
    x, y = random_batch(model, 7, seed=2)
    for _ in range(4):
        ours = net.step(x, y, lr=0.1, momentum=0.9, weight_decay=0.01)
        optimizer.zero_grad()
        loss = torch.nn.CrossEntropyLoss()(twin(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        optimizer.step()
        assert ours == pytest.approx(loss.item(), rel=1e-12)
    for (name, value), theirs in zip(net.params.items(), twin.parameters()):
        assert np.allclose(value, theirs.detach().numpy(), rtol=1e-10, atol=1e-12), name


def test_fit_is_seeded_and_learns():
    from symnet.datasets import four_pixel

    x, y = four_pixel(600, seed=0)
    val = four_pixel(200, seed=1)
    histories, params = [], []
    for _ in range(2):
        net = sn.compile(four_pixel_model(), batch=16)
        histories.append(net.fit(x, y, epochs=8, lr=0.1, momentum=0.9, validation=val, progress=False))
        params.append(net.params)
    assert histories[0] == histories[1]
    assert all(np.array_equal(params[0][k], params[1][k]) for k in params[0])
    assert set(histories[0]) == {"loss", "lr", "val_loss", "val_accuracy"} and len(histories[0]["loss"]) == 8
    assert histories[0]["lr"] == [0.1] * 8
    assert histories[0]["loss"][-1] < histories[0]["loss"][0] / 3
    assert histories[0]["val_accuracy"][-1] > 0.9
    assert net.evaluate(*val)["accuracy"] == histories[0]["val_accuracy"][-1]
    assert net.predict(val[0]).shape == (200,) and net.predict(val[0]).dtype.kind == "i"


@pytest.mark.parametrize("progress", [False, True])
@pytest.mark.parametrize("loss", ["cross-entropy", "mse"])
def test_fit_takes_the_steps_that_step_would(loss, progress):
    """fit crosses into C once per epoch (or per twentieth of one, with a progress bar),
    gathering shuffled minibatches there: the same steps as calling step on each."""
    model = sn.Sequential(sn.Input(1, 5, 5), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(3),
                          loss=LOSSES[loss]())
    params = model.init_params(3)
    x, y = random_batch(model, 23, seed=4)
    fitted = sn.compile(model, batch=4, dtype="float64", params=params)
    history = fitted.fit(x, y, epochs=2, lr=0.05, momentum=0.9, lr_decay=0.5, batch_size=6, seed=7,
                         progress=progress)
    stepped = sn.compile(model, batch=4, dtype="float64", params=params)
    rng, lr, losses = np.random.default_rng(7), 0.05, []
    for _ in range(2):
        order, total = rng.permutation(len(x)), 0.0
        for start in range(0, len(x), 6):
            chosen = order[start:start + 6]
            total += stepped.step(x[chosen], y[chosen], lr=lr, momentum=0.9) * len(chosen)
        losses.append(total / len(x))
        lr *= 0.5
    assert history["loss"] == pytest.approx(losses, rel=1e-12)
    for name, value in fitted.params.items():
        assert np.array_equal(value, stepped.params[name]), name


@pytest.mark.parametrize("first", ["gradients", "deltas"])
def test_a_step_after_inspecting_gradients_is_a_plain_step(first):
    # sn_train expects the gradient sums at 0; calls that add gradients in Python's sight clear them.
    model = sn.Sequential(sn.Input(1, 5, 5), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(5)
    x, y = random_batch(model, 6, seed=5)
    inspected, plain = (sn.compile(model, batch=4, dtype="float64", params=params) for _ in range(2))
    getattr(inspected, first)(x[::-1], y[::-1])
    assert inspected.step(x, y, lr=0.1) == plain.step(x, y, lr=0.1)
    for name, value in inspected.params.items():
        assert np.array_equal(value, plain.params[name]), name


def test_fit_shows_a_progress_bar_when_asked(capsys):
    model = sn.Sequential(sn.Input(3), sn.Dense(2), loss=sn.MeanSquaredError())
    net = sn.compile(model, batch=4)
    x, y = random_batch(model, 10)
    net.fit(x, y, epochs=1, progress=True)
    assert "epoch 1/1" in capsys.readouterr().err
    net.fit(x, y, epochs=1, progress=False)
    assert capsys.readouterr().err == ""


def test_regression_predict_returns_outputs():
    model = sn.Sequential(sn.Input(3), sn.Dense(2), loss=sn.MeanSquaredError())
    net = sn.compile(model, batch=4)
    x, y = random_batch(model, 5)
    assert net.predict(x).shape == (5, 2) and set(net.evaluate(x, y)) == {"loss"}


def test_inspection():
    net = sn.compile(xo(), batch=8)
    assert net.source_path.read_text() == net.source
    assert "-O3" in net.flags and "Derivation of xo" in str(net.derivation())
    assert "CompiledNet(xo, batch=8, dtype='float32'" in repr(net)


@pytest.fixture(scope="module")
def net():
    model = sn.Sequential(sn.Input(1, 4, 4), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    return sn.compile(model, batch=4)


GOOD_X = np.zeros((2, 1, 4, 4))


@pytest.mark.parametrize("call, args, message", [
    ("forward", (np.zeros((2, 4, 4)),), r"x: expected shape \(n, 1, 4, 4\)"),
    ("forward", (np.zeros((2, 1, 4, 5)),), r"x: expected shape"),
    ("forward", (np.zeros(16),), r"x: expected shape"),
    ("forward", (np.array([[["a"]]]),), "x: expected numbers"),
    ("forward", (np.full((1, 1, 4, 4), np.nan),), "x: contains NaN"),
    ("activations", (np.full((1, 1, 4, 4), np.inf),), "x: contains NaN or infinity"),
    ("predict", (np.zeros((2, 1, 4, 4), dtype=complex),), "x: expected numbers"),
    ("loss", (GOOD_X, [0, 3]), r"labels: must lie in \[0, 3\)"),
    ("loss", (GOOD_X, [0]), r"labels: expected shape \(2,\)"),
    ("gradients", (GOOD_X, [-1, 0]), r"labels: must lie in \[0, 3\)"),
    ("step", (GOOD_X, np.array([0, -2**63])), r"labels: must lie in \[0, 3\)"),
    ("step", (GOOD_X, np.array([2, 2**64 - 1], dtype=np.uint64)), r"labels: must lie in \[0, 3\)"),
    ("gradients", (GOOD_X, [0.5, 1]), "labels: must be whole class indices"),
    ("step", (GOOD_X, [0, 1]), None),
    ("step", (GOOD_X, [0, 9]), r"labels: must lie"),
    ("evaluate", (GOOD_X, [0, 1, 2]), r"labels: expected shape"),
    ("loss", (np.zeros((0, 1, 4, 4)), []), "x: no samples"),
])
def test_bad_inputs_raise_before_c_runs(net, call, args, message):
    if message is None:
        getattr(net, call)(*args)
        return
    with pytest.raises(ValueError, match=message):
        getattr(net, call)(*args)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": -0.1}, r"lr: must be in \(0.0, inf\)"),
    ({"lr": float("nan")}, "lr: must be in"),
    ({"lr": "fast"}, "lr: expected a number"),
    ({"momentum": 1.0}, r"momentum: must be in \[0.0, 1.0\)"),
    ({"weight_decay": -1}, "weight_decay: must be in"),
])
def test_bad_hyperparameters(net, kwargs, message):
    with pytest.raises(ValueError, match=message):
        net.step(GOOD_X, [0, 1], **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs: expected a positive integer"),
    ({"batch_size": 0}, "batch_size: expected a positive integer"),
    ({"lr_decay": 0}, "lr_decay: must be in"),
    ({"validation": (np.zeros((2, 3)), [0, 1])}, r"validation x: expected shape"),
])
def test_bad_fit_settings(net, kwargs, message):
    with pytest.raises(ValueError, match=message):
        net.fit(GOOD_X, [0, 1], progress=False, **kwargs)


def test_bad_params_and_settings(net):
    with pytest.raises(ValueError, match=r"conv1.weight must have shape \(2, 1, 3, 3\)"):
        net.params = {**net.params, "conv1.weight": np.zeros((2, 3, 3))}
    with pytest.raises(ValueError, match="contains NaN"):
        net.params = {**net.params, "dense1.bias": np.array([np.nan, 0, 0])}
    with pytest.raises(ValueError, match="dense1.bias does not fit in float32"):
        net.params = {**net.params, "dense1.bias": np.array([1e39, 0, 0])}
    with pytest.raises(ValueError, match="threads: expected a positive integer"):
        sn.compile(net.model, threads=-2)
    with pytest.raises(ValueError, match="batch: expected a positive integer"):
        sn.compile(net.model, batch=0)
    with pytest.raises(ValueError, match="dtype: expected one of"):
        sn.compile(net.model, dtype="float16")
    with pytest.raises(TypeError, match="model: expected a sn.Model or sn.Sequential"):
        sn.compile("lenet")


def test_params_round_trip_and_are_copies(net):
    params = net.params
    params["dense1.bias"][:] = 5.0
    assert not (net.params["dense1.bias"] == 5.0).any()
    net.params = params
    assert (net.params["dense1.bias"] == 5.0).all()


def test_threads_split_the_batch_deterministically():
    model = sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(3, 3), sn.ReLU(), sn.MaxPool(2), sn.Flatten(), sn.Dense(4),
                          loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(0)
    x, y = random_batch(model, 13, seed=4)
    one = sn.compile(model, batch=8, dtype="float64", params=params, threads=1)
    two = sn.compile(model, batch=8, dtype="float64", params=params, threads=2)
    assert one.source_path == two.source_path          # the C does not depend on the thread count
    first, again = two.gradients(x, y), two.gradients(x, y)
    for name, grad in one.gradients(x, y).items():
        assert np.array_equal(first[name], again[name])   # same order of sums every time
        assert np.allclose(first[name], grad, rtol=1e-12, atol=1e-15)
    # how samples are split between threads decides the summation order, so across
    # thread counts results agree to rounding; for one thread count they are identical
    assert np.allclose(one.forward(x), two.forward(x), rtol=1e-12, atol=1e-15)
    assert np.array_equal(two.forward(x), two.forward(x))
    with pytest.raises(ValueError, match="threads: expected a positive integer"):
        sn.compile(model, threads=0)


@pytest.mark.parametrize("layers, batch, message", [
    ((sn.Input(2**20), sn.Dense(1)), 2**11,
     r"batch: 2,048 samples of the input \(1,048,576 elements each\) make 2,147,483,648, more than the "
     r"2,147,483,647 elements the emitted C indexes with int; compile a batch of at most 2,047"),
    ((sn.Input(4), sn.Dense(2**20)), 2**11, r"batch: 2,048 samples of dense1 \(Dense\(1048576\)\)'s output"),
    ((sn.Input(2**20), sn.ReLU(), sn.ReLU()), 2**10, r"batch: the work buffer of a compiled batch of 1,024 holds "
     r"4,295,[0-9,]+ elements, more than the 2,147,483,647 the emitted C indexes with int; "
     r"compile a batch of at most 511"),
    # a convolution multiplies 16 one-pixel outputs at once: 16 samples' im2col columns
    ((sn.Input(1, 2**14, 2**14), sn.Conv2D(1, 2**14)), 1,
     r"conv1 \(Conv2D\(1, 16384\)\): its scratch room \(4,295,[0-9,]+ elements\)"),
])
def test_batches_the_c_cannot_index_are_refused_before_compiling(layers, batch, message, monkeypatch):
    monkeypatch.setattr("symnet.run.build", None)  # refused before anything is compiled
    model = sn.Sequential(*layers, loss=sn.MeanSquaredError())
    with pytest.raises(ValueError, match=message):
        sn.compile(model, batch=batch)


def test_batches_the_machine_cannot_hold_are_refused(monkeypatch):
    model = sn.Sequential(sn.Input(3), sn.Dense(2), loss=sn.MeanSquaredError())
    needed = sn.compile(model, batch=4096, threads=1).buffer_bytes
    monkeypatch.setattr("symnet.sizes.physical_memory", lambda: needed - 1)
    with pytest.raises(ValueError, match=rf"batch: a compiled batch of 4,096 \(float32, 1 thread\) needs .* "
                                         rf"\({needed:,} bytes\) of buffers, more than this machine's"):
        sn.compile(model, batch=4096, threads=1)
    # where the machine does not say, or says more than it can give, NumPy's MemoryError is the answer
    monkeypatch.setattr("symnet.sizes.physical_memory", lambda: None)
    with pytest.raises(ValueError, match=r"batch: the buffers of a compiled batch of 4 \(float32, 1000000000 threads\) "
                                         r"need .* TiB"):
        sn.compile(model, batch=4, threads=10**9)


def test_buffer_bytes_are_what_the_net_allocates():
    model = sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(3, 3), sn.MaxPool(2), sn.Flatten(), sn.Dense(4),
                          loss=sn.SoftmaxCrossEntropy())
    for batch, dtype, threads in [(5, "float32", 1), (3, "float64", 2)]:
        net = sn.compile(model, batch=batch, dtype=dtype, threads=threads)
        arrays = [value for value in vars(net).values() if isinstance(value, np.ndarray)]
        assert net.buffer_bytes == sum(array.nbytes for array in arrays)
        assert f"buffers for a compiled batch of {batch} ({dtype}, {threads} thread" in model.summary_text(
            batch, dtype, threads)


@pytest.mark.parametrize("call", ["loss", "gradients", "deltas", "step", "evaluate", "fit", "validation"])
def test_targets_and_inputs_are_checked_in_the_nets_dtype(call):
    # 1e39 is finite in float64, where the loss checks targets, and infinite in float32.
    model = sn.Sequential(sn.Input(3), sn.Dense(2), loss=sn.MeanSquaredError())
    net = sn.compile(model, batch=4, dtype="float32")
    before = net.params
    x, y = random_batch(model, 3)
    big_y, big_x = y.copy(), x.copy()
    big_y[1, 0], big_x[2, 1] = 1e39, -1e39

    def run(x, y):
        if call == "fit":
            return net.fit(x, y, progress=False)
        if call == "validation":
            return net.fit(*random_batch(model, 3), validation=(x, y), progress=False)
        return getattr(net, call)(x, y)

    with pytest.raises(ValueError, match="targets: contain values too large for float32"):
        run(x, big_y)
    with pytest.raises(ValueError, match="x: contains values too large for float32"):
        run(big_x, y)
    assert all(np.array_equal(value, before[name]) for name, value in net.params.items())
    wide = sn.compile(model, batch=4, dtype="float64")
    assert np.isfinite(wide.loss(big_x, big_y))


def conv_classifier():
    return sn.Sequential(sn.Input(1, 5, 5), sn.Conv2D(2, 3), sn.ReLU(), sn.Flatten(), sn.Dense(3),
                         loss=sn.SoftmaxCrossEntropy())


def assert_same_state(net, other):
    """The same finite weights, the same optimizer state (velocity for momentum) and step counts."""
    for name, value in net.params.items():
        assert np.isfinite(value).all() and np.array_equal(value, other.params[name]), name
    mine, theirs = net.optimizer_state, other.optimizer_state
    zeros = {name: np.zeros_like(value) for name, value in net.params.items()}   # a state not kept yet is zero
    for state in mine.keys() | theirs.keys():
        ours, others = mine.get(state, zeros), theirs.get(state, zeros)
        assert all(np.array_equal(value, others[name]) for name, value in ours.items()), state
    assert (net.step_count, net._optimizer_steps) == (other.step_count, other._optimizer_steps)


@pytest.mark.parametrize("progress", [False, True])
@pytest.mark.parametrize("dtype, lr", [("float64", 1e30), ("float32", 1e10), ("float32", 1e30)])
def test_fit_stops_where_training_diverges_with_the_weights_of_the_last_good_step(dtype, lr, progress):
    model = conv_classifier()
    params = model.init_params(3)
    x, y = random_batch(model, 23, seed=4)
    fitted = sn.compile(model, batch=4, dtype=dtype, params=params)
    with pytest.raises(sn.DivergenceError, match=r"fit: training diverged at epoch \d, step \d of 4: the loss "
                                                 r"was (nan|inf); the net keeps the weights from before that step") \
            as caught:
        fitted.fit(x, y, epochs=5, lr=lr, momentum=0.5, batch_size=6, seed=7, progress=progress)
    # The same minibatches, stepped one call at a time (as fit would take them) until one diverges.
    stepped = sn.compile(model, batch=4, dtype=dtype, params=params)
    rng, where = np.random.default_rng(7), None
    for epoch in range(1, 6):
        order = rng.permutation(len(x))
        for step, start in enumerate(range(0, len(x), 6), 1):
            chosen = order[start:start + 6]
            try:
                stepped.step(x[chosen], y[chosen], lr=lr, momentum=0.5)
            except sn.DivergenceError:
                where = (epoch, step)
                break
        if where:
            break
    error = caught.value
    assert isinstance(error, FloatingPointError) and (error.epoch, error.step) == where
    assert f"at epoch {where[0]}, step {where[1]} of 4" in str(error) and len(error.history["loss"]) == where[0] - 1
    assert_same_state(fitted, stepped)
    # nothing else is left behind: from fresh weights it trains as a fresh net does
    fresh = sn.compile(model, batch=4, dtype=dtype, params=params)
    fitted.params = params
    assert fitted.fit(x, y, epochs=2, lr=0.05, progress=False) == fresh.fit(x, y, epochs=2, lr=0.05, progress=False)
    assert_same_state(fitted, fresh)


def test_fit_notices_parameters_that_diverge_while_the_loss_is_finite():
    # Each epoch is one minibatch: its loss is taken before its update makes the weights NaN.
    model = conv_classifier()
    x, y = random_batch(model, 7, seed=1)
    net, twin = (sn.compile(model, batch=4, dtype="float32") for _ in range(2))
    with pytest.raises(sn.DivergenceError, match=r"fit: training diverged at epoch 1, step 1 of 1: its update "
                                                 r"made conv1.weight (NaN|infinite); .* "
                                                 r"\(lr=1e\+300 is infinite in float32\)"):
        net.fit(x, y, epochs=2, lr=1e300, batch_size=100, progress=False)
    assert_same_state(net, twin)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": 1e300}, r"its update made conv1.weight (NaN|infinite); .* \(lr=1e\+300 is infinite in float32\)"),
    ({"lr": 0.01, "weight_decay": 1e40},
     r"its update made conv1.weight (NaN|infinite); .* \(weight_decay=1e\+40 is infinite in float32\)"),
])
def test_a_step_that_diverges_raises_and_changes_nothing(kwargs, message):
    model = conv_classifier()
    x, y = random_batch(model, 5, seed=2)
    net, twin = (sn.compile(model, batch=4, dtype="float32") for _ in range(2))
    for each in (net, twin):
        each.step(x, y, lr=0.1, momentum=0.9)   # a velocity to keep
    with pytest.raises(sn.DivergenceError, match="step: training diverged: " + message):
        net.step(x, y, momentum=0.9, **kwargs)
    assert_same_state(net, twin)
    # and it goes on training normally
    for each in (net, twin):
        each.step(x, y, lr=0.1, momentum=0.9)
    assert_same_state(net, twin)


def test_a_step_whose_loss_is_nan_keeps_the_last_finite_weights():
    model = conv_classifier()
    x, y = random_batch(model, 5, seed=2)
    net, twin = (sn.compile(model, batch=4, dtype="float32") for _ in range(2))
    for each in (net, twin):
        each.step(x, y, lr=1e30, momentum=0.9)   # finite: the loss is taken before the update
    with pytest.raises(sn.DivergenceError, match=r"step: training diverged: the loss was (nan|inf); .* "
                                                 r"\(lr=1e\+30; a smaller lr may help\)") as caught:
        net.step(x, y, lr=1e30, momentum=0.9)
    assert caught.value.epoch is None and caught.value.step == 1
    assert_same_state(net, twin)


@pytest.mark.parametrize("good_steps", [0, 1, 15, 16, 17, 40])
def test_a_diverging_step_after_many_keeps_the_weights_of_the_one_before(good_steps):
    # With inputs small beside the weights, step copies the weights once per few steps and
    # takes the steps since again to undo one.
    model = sn.Sequential(sn.Input(4), sn.Dense(64), sn.ReLU(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    x, y = random_batch(model, 1, seed=3)
    x = x.astype(np.float32)  # as C takes it: used, not copied, when checked
    net, twin = (sn.compile(model, batch=1, dtype="float32") for _ in range(2))
    for k in range(good_steps):
        settings = {"lr": 0.01 * (k % 3 + 1), "momentum": 0.9 * (k % 2), "weight_decay": 0.001 * (k % 4)}
        for each in (net, twin):
            each.step(x, y, **settings)
        assert net._steps_since_copy  # the path under test
        x += 0.25  # the caller's arrays change after a step; the steps kept do not
    if good_steps == 17:
        net.params = twin.params = model.init_params(1)  # what step copied is of other weights
    with pytest.raises(sn.DivergenceError):
        net.step(x, y, lr=1e300, momentum=0.9)
    assert_same_state(net, twin)
    for each in (net, twin):
        each.step(x, y, lr=0.01, momentum=0.9)
    assert_same_state(net, twin)


@pytest.mark.parametrize("call", ["forward", "predict", "evaluate", "loss"])
def test_memory_does_not_grow_with_the_samples_beyond_the_answer(call):
    import tracemalloc  # NumPy reports its allocations to it

    model = sn.Sequential(sn.Input(1, 8, 8), sn.Conv2D(4, 3), sn.ReLU(), sn.MaxPool(2), sn.Flatten(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy())
    net = sn.compile(model, batch=16)

    def peak(count):
        x, y = random_batch(model, count, seed=count)  # float64, converted for C as it goes
        tracemalloc.start()
        try:
            answer = getattr(net, call)(*((x,) if call in ("forward", "predict") else (x, y)))
            return tracemalloc.get_traced_memory()[1], np.asarray(answer).nbytes
        finally:
            tracemalloc.stop()

    (small, small_answer), (large, large_answer) = peak(2000), peak(8000)
    # What may grow: the answer, and the labels converted for C (int64, then int32). Keeping
    # every layer's output would add 1,452 bytes a sample; converting all inputs first, 256.
    labels = 12 * (call in ("evaluate", "loss"))
    assert large - small <= large_answer - small_answer + 6000 * labels + 32 * 1024
    assert small <= small_answer + 2000 * labels + 2 * net.BLOCK_BYTES
