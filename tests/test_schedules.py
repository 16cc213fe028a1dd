"""Schedules: formulas of the step count equal to torch's schedulers stepped once per
optimizer step, in NumPy (the reference) and in the compiled C; printed into the C with
their numbers read at run time; applied by fit per step from the net's step count; and
refused when malformed or when a rate would be negative or not finite."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch
from symnet import schedules
from symnet.emit import emit

torch = pytest.importorskip("torch")
STEPS = 600
BASE = 0.1


def torch_rates(make, steps=STEPS, lr=BASE):
    """The learning rate of each optimizer step when ``make(optimizer)``'s scheduler steps once per step."""
    parameter = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([parameter], lr=lr)
    scheduler = make(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(rates)


S = torch.optim.lr_scheduler
CASES = [
    (schedules.step(30, gamma=0.5), lambda o: S.StepLR(o, step_size=30, gamma=0.5)),
    (schedules.step(49, gamma=0.9), lambda o: S.StepLR(o, step_size=49, gamma=0.9)),
    (schedules.exponential(0.995), lambda o: S.ExponentialLR(o, gamma=0.995)),
    (schedules.cosine(200), lambda o: S.CosineAnnealingLR(o, T_max=200)),
    (schedules.cosine(250, min_lr=1e-3), lambda o: S.CosineAnnealingLR(o, T_max=250, eta_min=1e-3)),
    (schedules.warmup(40), lambda o: S.LinearLR(o, total_iters=40)),
    (schedules.warmup(50, start_factor=0.1, then=schedules.cosine(300)),
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=50), S.CosineAnnealingLR(o, T_max=300)],
                              milestones=[50])),
    (schedules.warmup(20, then=schedules.exponential(0.99)),
     lambda o: S.SequentialLR(o, [S.LinearLR(o, total_iters=20), S.ExponentialLR(o, gamma=0.99)], milestones=[20])),
    (schedules.warmup(25, then=schedules.step(100, gamma=0.3)),
     lambda o: S.SequentialLR(o, [S.LinearLR(o, total_iters=25), S.StepLR(o, step_size=100, gamma=0.3)],
                              milestones=[25])),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("schedule, make", CASES, ids=[case[0].description for case in CASES])
def test_each_schedule_equals_torch(schedule, make):
    ours, theirs = schedule.rates(BASE, 0, STEPS), torch_rates(make)
    # relative to the base rate: torch computes most of these by a running product or ratio
    assert np.max(np.abs(ours - theirs)) / BASE < 1e-10
    assert len(np.unique(ours)) > 3    # the rate does change
    assert schedule.rates(BASE, 100, 50) == pytest.approx(ours[100:150], rel=0, abs=0)   # keyed on the step


def compiled_rates(net, schedule, lr=BASE, first=0, count=STEPS):
    """The rates of ``count`` steps from ``first`` as the net's C computes them for ``fit``."""
    with net._lock:
        net._activate(net.optimizer, schedule)
        return net._rates(schedule.value_array(), lr, first, np.empty(count))


def pointwise_error(ours, theirs):
    """The largest ``|ours - theirs| / |theirs|`` (0 where both are 0)."""
    difference = np.abs(ours - theirs)
    return float(np.max(np.where(difference == 0, 0.0, difference / np.maximum(np.abs(theirs), 1e-300))))


@pytest.fixture(scope="module")
def tiny_net():
    model = sn.Sequential(sn.Input(2), sn.Dense(2), loss=sn.MeanSquaredError())
    return sn.compile(model, batch=2, dtype="float64")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("schedule, make", CASES, ids=[case[0].description for case in CASES])
def test_each_compiled_schedule_equals_torch(tiny_net, schedule, make):
    ours, theirs = compiled_rates(tiny_net, schedule), torch_rates(make)
    assert pointwise_error(ours, theirs) < 1e-12   # every rate, relative to itself (the cosines reach 0)
    assert pointwise_error(compiled_rates(tiny_net, schedule, first=250, count=100), theirs[250:350]) < 1e-12
    # and the reference's NumPy evaluation of the same formula, to rounding
    assert pointwise_error(schedule.rates(BASE, 0, STEPS), ours) < 1e-13


def test_the_numbers_reach_the_c_at_run_time_and_the_structure_picks_the_module():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    x, y = random_batch(model, 8, 0)
    net = sn.compile(model, batch=4, dtype="float64")
    net.fit(x, y, schedule=schedules.warmup(3, then=schedules.cosine(10)), progress=False)
    module = net.built
    other = schedules.warmup(7, start_factor=0.5, then=schedules.cosine(90, min_lr=1e-3))
    net.fit(x, y, schedule=other, progress=False)
    assert net.built is module   # other numbers: the same C
    theirs = torch_rates(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=7),
                                                      S.CosineAnnealingLR(o, T_max=90, eta_min=1e-3)],
                                                  milestones=[7]), steps=120)
    assert pointwise_error(compiled_rates(net, other, count=120), theirs) < 1e-12
    net.fit(x, y, schedule=schedules.warmup(3, then=schedules.exponential(0.9)), progress=False)
    assert net.built is not module   # another composition: another module
    net.step(x[:4], y[:4])
    assert net.step_count == 7
    net.fit(x, y, schedule=schedules.warmup(5, then=schedules.cosine(4)), progress=False)
    assert net.built is module   # kept by the net


def test_the_emitted_c_evaluates_the_formula_with_it_in_a_comment():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    source = emit(model, "float64", 4, sn.Adam(), schedules.step(30, gamma=0.5)).source
    assert ("static __attribute__((noinline)) double schedule_rate(double t, double lr, const double *restrict schedule)\n"
            "{\n"
            "    const double sc_step_size = schedule[0];   /* step_size */\n"
            "    const double sc_gamma = schedule[1];   /* gamma */\n"
            "    /* lr(t) = gamma**floor((t + 1/2)/step_size)*lr */\n"
            "    return lr*pow(sc_gamma, floor((t + 1.0/2.0)/sc_step_size));\n"
            "}\n") in source
    assert "        step_hyper[0] = schedule_rate((double)(steps + step), hyper[0], schedule);\n" in source
    assert emit(model, "float64", 4, sn.Adam(), schedules.step(7, gamma=0.9)).source == source   # numbers: run time
    plain = emit(model, "float64", 4, sn.Adam()).source   # without a schedule: the rate is lr
    assert "    /* lr(t) = lr */\n    return lr;\n" in plain


def test_a_schedule_of_ones_own_with_numbers():
    decay = sympy.Symbol("decay")
    inverse = schedules.Schedule(schedules.RATE / (1 + decay * schedules.STEP), "inverse time", {"decay": 0.05})
    assert str(inverse) == "inverse time: lr(t) = lr/(decay*t + 1), where decay = 0.05"
    expected = BASE / (1 + 0.05 * np.arange(50))
    assert pointwise_error(inverse.rates(BASE, 0, 50), expected) < 1e-15
    model = sn.Sequential(sn.Input(2), sn.Dense(2), loss=sn.MeanSquaredError())
    assert pointwise_error(compiled_rates(sn.compile(model, batch=2, dtype="float64"), inverse, count=50),
                           expected) < 1e-15


@pytest.mark.parametrize("make, message", [
    (lambda: schedules.Schedule(schedules.RATE, "x", {"t": 1.0}), "values: the name 't'"),
    (lambda: schedules.Schedule(schedules.RATE, "x", {"a b": 1.0}), "values: the name 'a b'"),
    (lambda: schedules.Schedule(schedules.RATE, "x", {"k": "0.1"}), "k: expected a number"),
    (lambda: schedules.Schedule(schedules.RATE, "x", {"k": float("inf")}), "k: must be in"),
    (lambda: schedules.Schedule(schedules.RATE * sympy.Symbol("k"), "x"),
     "schedule x: the formula k\\*lr uses the free symbol k"),
    (lambda: schedules.Schedule(schedules.RATE, "x", [("k", 1.0)]), "values: expected a dict"),
])
def test_a_malformed_schedule_of_ones_own_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@settings(max_examples=30, deadline=None)
@given(size=st.integers(1, 500), gamma=st.floats(0.05, 0.999))
def test_the_step_schedule_drops_exactly_at_multiples(size, gamma):
    rates = schedules.step(size, gamma=gamma).rates(1.0, 0, 3 * size + 1)
    drops = np.flatnonzero(np.diff(rates)) + 1
    assert list(drops) == [size, 2 * size, 3 * size]


def test_a_schedule_prints_its_formula_and_numbers():
    assert str(schedules.warmup(10, then=schedules.cosine(100))) == (
        "warmup(10, start_factor=0.333333, then=cosine(100, min_lr=0)): lr(t) = (lr*(start_factor + t*(1 - "
        "start_factor)/steps) if steps > t else then_min_lr + (lr - then_min_lr)*(cos(pi*(-steps + t)/"
        "then_total_steps) + 1)/2), where steps = 10, start_factor = 0.333333, then_total_steps = 100, then_min_lr = 0")
    assert str(schedules.step(30, gamma=0.5)) == (
        "step(30, gamma=0.5): lr(t) = gamma**floor((t + 1/2)/step_size)*lr, where step_size = 30, gamma = 0.5")
    assert str(schedules.constant()) == "constant(): lr(t) = lr"
    assert r"\cos" in schedules.cosine(100).latex()


def test_fit_applies_the_schedule_per_step_from_the_step_count():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(0)
    x, y = random_batch(model, 24, 0)
    schedule = schedules.warmup(4, then=schedules.cosine(10))
    optimizer = sn.Adam(lr=0.05)
    fitted = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=optimizer.copy())
    fitted.fit(x, y, epochs=2, batch_size=6, seed=3, schedule=schedule, progress=True)
    stepped = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=optimizer.copy())
    rates = compiled_rates(stepped, schedule, lr=0.05, count=8)   # what fit's C computes for each step
    assert pointwise_error(rates, schedule.rates(0.05, 0, 8)) < 1e-14   # the reference's, to rounding
    rng = np.random.default_rng(3)
    for _ in range(2):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 6):
            chosen = order[start:start + 6]
            stepped.step(x[chosen], y[chosen], lr=rates[stepped.step_count])
    assert fitted.step_count == stepped.step_count == 8
    for name, value in fitted.params.items():
        assert np.array_equal(value, stepped.params[name]), name
    unscheduled = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=optimizer.copy())
    unscheduled.fit(x, y, epochs=2, batch_size=6, seed=3, progress=False)
    assert not np.array_equal(unscheduled.params["dense1.weight"], fitted.params["dense1.weight"])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fit_with_a_schedule_split_across_calls_is_bit_identical_to_one_call(dtype):
    model = sn.Sequential(sn.Input(4), sn.Dense(5), sn.Tanh(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    params = model.init_params(1)
    x, y = random_batch(model, 30, 2)
    schedule = schedules.warmup(4, start_factor=0.2, then=schedules.step(5, gamma=0.7))
    nets = [sn.compile(model, batch=4, dtype=dtype, params=params, optimizer=sn.AdamW(lr=0.02)) for _ in range(3)]
    nets[0].fit(x, y, epochs=4, batch_size=4, shuffle=False, schedule=schedule, progress=False)
    nets[1].fit(x, y, epochs=1, batch_size=4, shuffle=False, schedule=schedule, progress=False)
    nets[1].fit(x, y, epochs=3, batch_size=4, shuffle=False, schedule=schedule, progress=True)   # and 20 calls an epoch
    for _ in range(4):   # from step 8, the schedule's t: restarting it would differ
        nets[2].fit(x, y, epochs=1, batch_size=4, shuffle=False, schedule=schedule, progress=False)
    assert nets[0].step_count == nets[1].step_count == nets[2].step_count == 32
    for net in nets[1:]:
        for name, value in nets[0].params.items():
            assert np.array_equal(value, net.params[name]), name
        for state, values in nets[0].optimizer_state.items():
            assert all(np.array_equal(value, net.optimizer_state[state][name]) for name, value in values.items())
    restarted = sn.compile(model, batch=4, dtype=dtype, params=params, optimizer=sn.AdamW(lr=0.02))
    restarted.fit(x, y, epochs=1, batch_size=4, shuffle=False, schedule=schedule, progress=False)
    restarted.step_count = 0   # the schedule starts over
    restarted.fit(x, y, epochs=3, batch_size=4, shuffle=False, schedule=schedule, progress=False)
    assert not np.array_equal(restarted.params["dense2.weight"], nets[0].params["dense2.weight"])


@pytest.mark.parametrize("make, error, message", [
    (lambda: schedules.step(0), ValueError, "step_size: expected a positive integer"),
    (lambda: schedules.step(10, gamma=-1), ValueError, "gamma: must be in"),
    (lambda: schedules.cosine(2.5), ValueError, "total_steps: expected a positive integer"),
    (lambda: schedules.cosine(10, min_lr=float("nan")), ValueError, "min_lr: must be in"),
    (lambda: schedules.warmup(5, start_factor=0), ValueError, "start_factor: must be in"),
    (lambda: schedules.warmup(5, then=0.1), TypeError, "then: expected a schedule"),
])
def test_bad_schedules_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_fit_schedules_are_refused_before_any_step():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    x, y = random_batch(model, 8, 0)
    net = sn.compile(model, batch=4)
    before = net.params
    with pytest.raises(ValueError, match="lr_decay: give a schedule or lr_decay, not both"):
        net.fit(x, y, schedule=schedules.cosine(10), lr_decay=0.5, progress=False)
    with pytest.raises(TypeError, match="schedule: expected a schedule"):
        net.fit(x, y, schedule=lambda t: 0.1, progress=False)
    falling = schedules.Schedule(schedules.RATE * (1 - schedules.STEP), "falling below zero")
    with pytest.raises(ValueError, match="schedule: falling below zero gives the rate -0.01 at step 2"):
        net.fit(x, y, epochs=2, schedule=falling, lr=0.01, progress=False)
    # the first epoch's rates were fine, and the second's are refused before any step runs
    assert net.step_count == 0 and all(np.array_equal(before[name], value) for name, value in net.params.items())
    root = schedules.Schedule(schedules.RATE * sympy.sqrt(5 - schedules.STEP), "a root of a negative number")
    net.fit(x, y, epochs=2, schedule=root, progress=False)   # steps 0 to 3
    with pytest.raises(ValueError, match="schedule: a root of a negative number gives the rate nan at step 6"):
        net.fit(x, y, epochs=2, schedule=root, progress=False)   # steps 4 to 7
    assert net.step_count == 4
    net.fit(x, y, epochs=1, schedule=root, progress=False)   # steps 4 and 5
    assert net.step_count == 6


def test_divergence_under_a_schedule_names_the_step_and_its_rate():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.MeanSquaredError())
    params = model.init_params(0)
    x, y = random_batch(model, 12, 0)
    schedule = schedules.exponential(1e4)   # the rate grows 10,000-fold a step
    net = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=sn.SGD(lr=1e-3))
    with pytest.raises(sn.DivergenceError, match=r"fit: training diverged at epoch \d+, step \d of 3: ") as caught:
        net.fit(x, y, epochs=20, batch_size=4, shuffle=False, schedule=schedule, progress=False)
    error, bad = caught.value, net.step_count   # the net keeps the weights from before the step that diverged
    assert bad > 3 and (error.epoch - 1) * 3 + error.step - 1 == bad
    rate = compiled_rates(net, schedule, lr=1e-3, first=bad, count=1)[0]
    assert f"(lr={rate:g}; a smaller lr may help)" in str(error)
    stepped = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=sn.SGD(lr=1e-3))
    rates = compiled_rates(stepped, schedule, lr=1e-3, count=bad)
    for t in range(bad):
        start = 4 * (t % 3)
        stepped.step(x[start:start + 4], y[start:start + 4], lr=rates[t])
    for name, value in net.params.items():
        assert np.isfinite(value).all() and np.array_equal(value, stepped.params[name]), name
