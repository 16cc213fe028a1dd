"""Schedules: formulas of the step count equal to torch's schedulers stepped once per
optimizer step, printed, applied by fit per step from the net's step count, and refused
when malformed."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch
from symnet import schedules

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


@settings(max_examples=30, deadline=None)
@given(size=st.integers(1, 500), gamma=st.floats(0.05, 0.999))
def test_the_step_schedule_drops_exactly_at_multiples(size, gamma):
    rates = schedules.step(size, gamma=gamma).rates(1.0, 0, 3 * size + 1)
    drops = np.flatnonzero(np.diff(rates)) + 1
    assert list(drops) == [size, 2 * size, 3 * size]


def test_a_schedule_prints_its_formula():
    text = str(schedules.warmup(10, then=schedules.cosine(100)))
    assert text.startswith("warmup(10, start_factor=0.333333, then=cosine(100, min_lr=0)): lr(t) = ")
    assert "cos(" in text and "t < 10" in text
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
    rng = np.random.default_rng(3)
    for _ in range(2):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 6):
            chosen = order[start:start + 6]
            stepped.step(x[chosen], y[chosen], lr=schedule(stepped.step_count, 0.05))
    assert fitted.step_count == stepped.step_count == 8
    for name, value in fitted.params.items():
        assert np.array_equal(value, stepped.params[name]), name
    unscheduled = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=optimizer.copy())
    unscheduled.fit(x, y, epochs=2, batch_size=6, seed=3, progress=False)
    assert not np.array_equal(unscheduled.params["dense1.weight"], fitted.params["dense1.weight"])


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


def test_bad_fit_schedules_are_refused_before_c_runs():
    model = sn.Sequential(sn.Input(4), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    x, y = random_batch(model, 8, 0)
    net = sn.compile(model, batch=4)
    with pytest.raises(ValueError, match="lr_decay: give a schedule or lr_decay, not both"):
        net.fit(x, y, schedule=schedules.cosine(10), lr_decay=0.5, progress=False)
    with pytest.raises(TypeError, match="schedule: expected a schedule"):
        net.fit(x, y, schedule=lambda t: 0.1, progress=False)
    rising = schedules.Schedule(schedules.RATE * (1 - schedules.STEP), "falling below zero")
    with pytest.raises(ValueError, match="schedule: falling below zero gives the rate -0.01 at step 2"):
        net.fit(x, y, epochs=2, schedule=rising, lr=0.01, progress=False)
    assert net.step_count == 2   # the first epoch's rates were fine; the second's are refused before C runs
