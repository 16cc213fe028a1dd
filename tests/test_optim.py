"""Optimizers: every built-in with every option against torch.optim (the reference and the
compiled net, float64, 100 steps), rules of one's own against NumPy loops written by hand,
hyperparameters changed without compiling, resuming from a saved net bit for bit, the
printed rule and its C, and what is refused."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symnet as sn
from helpers import random_batch
from symnet.bench import torch_twin

torch = pytest.importorskip("torch")
torch.set_num_threads(1)   # small tensors: threads only contend with the tests running beside

STEPS = 100


def small_model():
    return sn.Sequential(sn.Input(6), sn.Dense(5), sn.Tanh(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())


def batches(model, steps=STEPS, count=4):
    return [random_batch(model, count, seed) for seed in range(steps)]


def torch_trained(model, params, make_optimizer, data):
    """PyTorch's weights after a step of ``make_optimizer(parameters)`` on each batch (float64)."""
    twin = torch_twin(model, params)
    optimizer = make_optimizer(twin.parameters())
    for x, y in data:
        optimizer.zero_grad()
        torch.nn.CrossEntropyLoss()(twin(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()
    return [p.detach().numpy() for p in twin.parameters()]


def ours_trained(net, data):
    for x, y in data:
        net.step(x, y)
    return list(net.params.values())


def worst_error(mine, theirs) -> float:
    return max(sn.relative_error(a, b) for a, b in zip(mine, theirs))


# Each optimizer with each of its options, as symnet and as torch.optim declare it.
CASES = [
    ("SGD", {}),
    ("SGD", {"weight_decay": 0.05}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("Adam", {}),
    ("Adam", {"betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"amsgrad": True}),
    ("Adam", {"amsgrad": True, "weight_decay": 0.05}),
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0.1, "amsgrad": True, "betas": (0.85, 0.995)}),
    ("RMSprop", {}),
    ("RMSprop", {"alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": 0.5}),
    ("RMSprop", {"centered": True, "momentum": 0.7, "weight_decay": 0.02}),
]
RATES = {"SGD": 0.05, "Adam": 0.01, "AdamW": 0.01, "RMSprop": 0.003}


@pytest.mark.parametrize("kind, options", CASES, ids=[f"{k}-{'-'.join(o) or 'default'}" for k, o in CASES])
@pytest.mark.parametrize("where", ["reference", "compiled"])
def test_each_optimizer_equals_torch(kind, options, where):
    model = small_model()
    params = model.init_params(1)
    data = batches(model)
    options = {"lr": RATES[kind], **options}
    theirs = torch_trained(model, params, lambda p: getattr(torch.optim, kind)(p, **options), data)
    optimizer = getattr(sn, kind)(**options)
    if where == "reference":
        net = sn.Reference(model, params, optimizer=optimizer)
    else:
        net = sn.compile(model, batch=4, dtype="float64", params=params, optimizer=optimizer)
    mine = ours_trained(net, data)
    assert worst_error(mine, theirs) < 1e-10
    assert net.step_count == STEPS
    assert worst_error(mine, [params[name] for name in params]) > 1e-3   # it did train


def test_a_wrong_formula_is_caught_by_the_comparison():
    # Adam without its bias corrections: a plausible slip that the torch comparison must catch.
    p, g, m, v = (sp.Symbol(name, real=True) for name in "pgmv")
    lr, b1, b2, eps = (sp.Symbol(name, real=True) for name in ("lr", "beta1", "beta2", "eps"))
    slip = sn.Optimizer("adam_slip", hyper={"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, state=["m", "v"],
                        update=[("m", b1 * m + (1 - b1) * g), ("v", b2 * v + (1 - b2) * g ** 2),
                                ("p", p - lr * m / (sp.sqrt(v) + eps))])
    model = small_model()
    params = model.init_params(1)
    data = batches(model, 20)
    theirs = torch_trained(model, params, lambda q: torch.optim.Adam(q, lr=0.01), data)
    assert worst_error(ours_trained(sn.Reference(model, params, optimizer=slip), data), theirs) > 1e-3
    assert worst_error(ours_trained(sn.Reference(model, params, optimizer=sn.Adam(lr=0.01)), data), theirs) < 1e-10


# beta2 from 0.5: near 0 the update is about lr*sign(g), where rounding differences of one ulp
# (torch's lerp for m, its division by sqrt(1 - beta2**t)) grow past 1e-10 within 20 steps.
@settings(max_examples=8, deadline=None)
@given(lr=st.floats(1e-4, 0.1), beta1=st.floats(0.0, 0.99), beta2=st.floats(0.5, 0.9999),
       eps=st.floats(1e-10, 1e-2), weight_decay=st.floats(0.0, 0.5), amsgrad=st.booleans(),
       decoupled=st.booleans())
def test_adam_equals_torch_for_any_hyperparameters(lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled):
    kind = "AdamW" if decoupled else "Adam"
    options = {"lr": lr, "betas": (beta1, beta2), "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad}
    model = small_model()
    params = model.init_params(2)
    data = batches(model, 20)
    theirs = torch_trained(model, params, lambda p: getattr(torch.optim, kind)(p, **options), data)
    mine = ours_trained(sn.Reference(model, params, optimizer=getattr(sn, kind)(**options)), data)
    assert worst_error(mine, theirs) < 1e-10


# -- rules of one's own ------------------------------------------------------------------
def lion():
    return sn.Optimizer("lion", hyper={"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.1}, state=["m"],
                        update=lambda p, g, m, lr, beta1, beta2, weight_decay: [
                            ("p", p * (1 - lr * weight_decay) - lr * sp.sign(beta1 * m + (1 - beta1) * g)),
                            ("m", beta2 * m + (1 - beta2) * g)])


def lion_by_hand(p, g, state, lr=0.01, beta1=0.9, beta2=0.99, weight_decay=0.1):
    m = state.setdefault("m", np.zeros_like(p))
    p = p * (1 - lr * weight_decay) - lr * np.sign(beta1 * m + (1 - beta1) * g)
    state["m"] = beta2 * m + (1 - beta2) * g
    return p


def sign_sgd():
    # the user's own symbols, matched to the rule's by name
    p, g, lr = sp.symbols("p g lr")
    return sn.Optimizer("sign_sgd", hyper={"lr": 0.02}, update={"p": p - lr * sp.sign(g)})


def sign_sgd_by_hand(p, g, state, lr=0.02):
    return p - lr * np.sign(g)


@pytest.mark.parametrize("make, by_hand", [(lion, lion_by_hand), (sign_sgd, sign_sgd_by_hand)])
@pytest.mark.parametrize("where", ["reference", "compiled"])
def test_a_rule_of_ones_own_equals_its_numpy_loop(make, by_hand, where):
    model = small_model()
    params = model.init_params(3)
    data = batches(model, 30)
    # The hand-written loop takes each step's gradients at the weights it has reached from a
    # reference following those weights.
    follower, expected, states = sn.Reference(model, params), dict(params), {name: {} for name in params}
    for x, y in data:
        follower.params = expected
        grads = follower.gradients(x, y)
        expected = {name: by_hand(expected[name], grads[name], states[name]) for name in params}
    net = (sn.Reference(model, params, optimizer=make()) if where == "reference"
           else sn.compile(model, batch=4, dtype="float64", params=params, optimizer=make()))
    ours_trained(net, data)
    assert worst_error([net.params[name] for name in params], [expected[name] for name in params]) < 1e-12


def test_the_readme_lion_compiles_and_trains():
    model = small_model()
    x, y = random_batch(model, 64, 0)
    net = sn.compile(model, batch=16, optimizer=lion())
    before = net.loss(x, y)
    net.fit(x, y, epochs=20, progress=False)
    assert net.loss(x, y) < 0.85 * before
    assert "sign" in net.source and "s_m1" in net.source


# -- hyperparameters at run time, kinds by module ----------------------------------------
def test_hyperparameters_change_without_compiling_and_kinds_load_their_module():
    model = small_model()
    x, y = random_batch(model, 8, 0)
    net = sn.compile(model, batch=4, dtype="float64", optimizer=sn.Adam(lr=1e-3))
    module = net.built
    ref = sn.Reference(model, net.params, optimizer=sn.Adam(lr=1e-3))
    for changed in (sn.Adam(lr=1e-2, betas=(0.5, 0.9)), None):
        for each in (net, ref):
            if changed is None:
                each.optimizer.eps = 1e-3
            else:
                each.optimizer = changed.copy()
            each.step(x, y)
        assert net.built is module       # the same compiled module: hyperparameters are run-time values
    assert worst_error(list(net.params.values()), list(ref.params.values())) < 1e-12
    net.optimizer = sn.Adam(amsgrad=True)   # another rule: another module
    assert net.built is not module
    net.optimizer = sn.Adam(lr=0.5)
    assert net.built is module        # the first module again, kept by the net
    net.optimizer = sn.SGD(momentum=0.9)   # another kind starts from a fresh state
    assert net._optimizer_steps == 0 and not np.any(net._state)


def test_call_overrides_keep_the_optimizer():
    model = small_model()
    x, y = random_batch(model, 8, 0)
    net = sn.compile(model, batch=4, dtype="float64", optimizer=sn.SGD(lr=0.1))
    ref = sn.Reference(model, net.params)
    net.step(x, y, lr=0.3, momentum=0.5)
    ref.step(x, y, lr=0.3, momentum=0.5)
    net.step(x, y)
    ref.step(x, y, lr=0.1)
    assert net.optimizer.lr == 0.1 and net.optimizer.momentum == 0.0
    assert worst_error(list(net.params.values()), list(ref.params.values())) < 1e-12
    with pytest.raises(TypeError, match="momentum: Adam"):
        sn.compile(model, batch=4, optimizer=sn.Adam()).step(x, y, momentum=0.9)


# -- saved and resumed -------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", [sn.Adam(lr=0.01, amsgrad=True), sn.SGD(lr=0.05, momentum=0.9, nesterov=True),
                                       lion()], ids=["adam", "sgd", "lion"])
def test_training_resumed_from_a_file_is_bit_identical(tmp_path, optimizer):
    model = small_model()
    params = model.init_params(4)
    x, y = random_batch(model, 40, 1)
    schedule = sn.schedules.warmup(5, then=sn.schedules.cosine(30))

    def epoch(net, number):
        net.fit(x, y, epochs=1, batch_size=8, seed=number, schedule=schedule, progress=False)

    straight = sn.compile(model, batch=8, params=params, optimizer=optimizer.copy())
    for number in range(4):
        epoch(straight, number)
    first = sn.compile(model, batch=8, params=params, optimizer=optimizer.copy())
    for number in range(2):
        epoch(first, number)
    first.save(tmp_path / "net.npz")
    resumed = sn.load(tmp_path / "net.npz")
    assert resumed.step_count == first.step_count == 10 and repr(resumed.optimizer) == repr(first.optimizer)
    for number in range(2, 4):
        epoch(resumed, number)
    for name, value in straight.params.items():
        assert np.array_equal(value, resumed.params[name]), name
    for state, values in straight.optimizer_state.items():
        for name, value in values.items():
            assert np.array_equal(value, resumed.optimizer_state[state][name]), (state, name)
    fresh = sn.compile(model, batch=8, params=first.params, optimizer=optimizer.copy())   # without the state
    for number in range(2, 4):
        epoch(fresh, number)
    assert not all(np.array_equal(value, fresh.params[name]) for name, value in straight.params.items())


def test_a_saved_formula_is_read_never_run(tmp_path):
    import json
    import zipfile

    model = small_model()
    net = sn.compile(model, batch=4, optimizer=lion())
    net.save(tmp_path / "net.npz")
    with zipfile.ZipFile(tmp_path / "net.npz") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(str(np.load(tmp_path / "net.npz")["header"]))
    header["training"]["optimizer"]["update"][0][1] = "__import__('os').system('touch pwned')"
    bad = tmp_path / "bad.npz"
    arrays = {name[:-4]: np.load(tmp_path / "net.npz")[name[:-4]] for name in members if name != "header.npy"}
    np.savez(bad, header=np.array(json.dumps(header)), **arrays)
    with pytest.raises(ValueError, match=r"bad.npz: header.training.optimizer.update\[0\]: not a stored formula"):
        sn.load(bad)
    header["training"]["optimizer"] = {"kind": "Adam", "lr": -1, "betas": [0.9, 0.999], "eps": 1e-8,
                                       "weight_decay": 0, "amsgrad": False}
    np.savez(bad, header=np.array(json.dumps(header)), **arrays)
    with pytest.raises(ValueError, match=r"lr: must be in"):
        sn.load(bad)


# -- printed and emitted -----------------------------------------------------------------
def test_the_rule_prints_with_the_derivation():
    model = small_model()
    rule = str(sn.Adam(amsgrad=True).derivation())
    assert "m ← beta1*m + g*(1 - beta1)" in rule and "v_max ← Max(v, v_max)" in rule
    text = str(model.derivation(optimizer=sn.RMSprop(centered=True)))
    assert text.startswith("Derivation of") and "a ← a*alpha + g*(1 - alpha)" in text
    latex = model.derivation(optimizer=sn.SGD(momentum=0.9)).latex()
    assert r"b &\leftarrow \begin{cases} g & \text{for}\: t = 1" in latex
    net = sn.compile(model, batch=4, optimizer=sn.Adam())
    assert "Update rule: Adam(" in str(net.derivation())


def test_the_c_hoists_what_depends_only_on_hyperparameters_and_the_step():
    net = sn.compile(small_model(), batch=4, optimizer=sn.Adam())
    source = net.source
    assert "const real k3 = (real)(-hd_lr/(1 - pow(hd_beta1, t)));   /* -lr/(1 - beta1**t) */" in source
    loop = source[source.index("for (int k = 0; k < SN_PARAMS; k++)"):source.index("void sn_train")]
    assert "pow(" not in loop and "/* m ← beta1*m + g*(1 - beta1) */" in loop


# -- refused before any C runs -----------------------------------------------------------
@pytest.mark.parametrize("make, error, message", [
    (lambda: sn.SGD(lr=-0.1), ValueError, r"lr: must be in \(0.0, inf\)"),
    (lambda: sn.Adam(betas=(0.9, 1.0)), ValueError, r"beta2: must be in \[0.0, 1.0\)"),
    (lambda: sn.Adam(betas=0.9), ValueError, "betas: expected a pair"),
    (lambda: sn.RMSprop(alpha=-0.5), ValueError, "alpha: must be in"),
    (lambda: sn.SGD(nesterov=True), ValueError, "nesterov: needs a momentum above 0"),
    (lambda: sn.SGD(momentum=0.9, nesterov="yes"), ValueError, "nesterov: expected True or False"),
    (lambda: sn.Optimizer("x", hyper={"rate": 1.0}, update=[("p", sp.Symbol("p"))]), ValueError, "learning rate 'lr'"),
    (lambda: sn.Optimizer("x", hyper={"lr": 1.0}, update=[("q", sp.Symbol("p"))]), ValueError, "unknown target 'q'"),
    (lambda: sn.Optimizer("x", hyper={"lr": 1.0}, update=[("p", sp.Symbol("p") - sp.Symbol("mu") * sp.Symbol("g"))]),
     sn.FormulaError, "the free symbol mu"),
    (lambda: sn.Optimizer("x", hyper={"lr": 1.0}, update=lambda p, g, velocity: [("p", p)]), ValueError,
     "takes velocity"),
    (lambda: sn.Optimizer("x", hyper={"lr": 1.0}, state=["g"], update=[("p", sp.Symbol("p"))]), ValueError,
     "the name 'g' is taken"),
    (lambda: sn.Optimizer("x", hyper={"lr": 1.0}, update=[("g", sp.Symbol("g"))]), ValueError, "never assigns p"),
    (lambda: sn.Optimizer("x", hyper={"lr": 1.0}, update=[("p", "p - lr*g")]), sn.FormulaError, "SymPy expression"),
    (lambda: sn.Optimizer("x y", hyper={"lr": 1.0}, update=[("p", sp.Symbol("p"))]), ValueError, "name:"),
])
def test_bad_optimizers_are_refused_naming_the_argument(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_bad_settings_are_refused_before_c_runs():
    model = small_model()
    x, y = random_batch(model, 4, 0)
    net = sn.compile(model, batch=4, optimizer=sn.Adam())
    before = net.params
    with pytest.raises(ValueError, match=r"beta1: must be in"):
        net.optimizer.beta1 = 1.5
    with pytest.raises(AttributeError, match="'momentum' is not a hyperparameter"):
        net.optimizer.momentum = 0.9
    with pytest.raises(TypeError, match="optimizer: expected an optimizer"):
        net.optimizer = "adam"
    with pytest.raises(TypeError, match="optimizer: expected an optimizer"):
        sn.compile(model, batch=4, optimizer=torch.optim.Adam)
    with pytest.raises(ValueError, match=r"lr: must be in"):
        net.step(x, y, lr=-1)
    assert net.step_count == 0 and all(np.array_equal(before[k], v) for k, v in net.params.items())


def rewritten(path, tmp_path, edit_header=None, edit_arrays=None):
    """A copy of the saved file ``path`` with its header and arrays edited."""
    import json

    saved = np.load(path)
    header = json.loads(str(saved["header"]))
    arrays = {name: saved[name] for name in saved.files if name != "header"}
    if edit_header:
        edit_header(header)
    if edit_arrays:
        edit_arrays(arrays)
    bad = tmp_path / "edited.npz"
    np.savez(bad, header=np.array(json.dumps(header)), **arrays)
    return bad


def test_tampered_optimizer_state_is_refused_naming_it(tmp_path):
    model = small_model()
    net = sn.compile(model, batch=4, optimizer=sn.Adam(lr=0.01))
    x, y = random_batch(model, 4, 0)
    net.step(x, y)
    net.save(tmp_path / "net.npz")
    sn.load(tmp_path / "net.npz")   # as saved: accepted

    def poison(arrays):
        arrays["state:m:dense1.bias"] = np.full_like(arrays["state:m:dense1.bias"], np.nan)

    with pytest.raises(ValueError, match=r"edited.npz: state:m:dense1.bias: holds NaN or infinite values"):
        sn.load(rewritten(tmp_path / "net.npz", tmp_path, edit_arrays=poison))

    def amsgrad(header):
        header["training"]["optimizer"]["amsgrad"] = True   # keeps v_max, which the file does not hold

    with pytest.raises(ValueError, match=r"edited.npz: state:v_max: missing, and Adam\(.*amsgrad=True\) keeps it"):
        sn.load(rewritten(tmp_path / "net.npz", tmp_path, edit_header=amsgrad))

    def threads(header):
        header["training"]["threads"] = 0

    with pytest.raises(ValueError, match=r"header.training.threads: must be a positive integer, got 0"):
        sn.load(rewritten(tmp_path / "net.npz", tmp_path, edit_header=threads))


def test_a_net_loads_with_the_thread_count_and_mode_it_was_saved_with(tmp_path):
    """The thread count sets the order of the gradient's sums: a float32 net trained on one
    thread, saved and resumed, continues bit for bit."""
    model = small_model()
    params = model.init_params(2)
    x, y = random_batch(model, 64, 3)

    def epoch(net, number):
        net.fit(x, y, epochs=1, batch_size=32, seed=number, progress=False)

    straight = sn.compile(model, batch=32, params=params, threads=1, optimizer=sn.Adam(lr=0.01))
    first = sn.compile(model, batch=32, params=params, threads=1, optimizer=sn.Adam(lr=0.01))
    for number in range(2):
        epoch(straight, number)
    epoch(first, 0)
    first.eval()
    first.save(tmp_path / "net.npz")
    resumed = sn.load(tmp_path / "net.npz")
    assert resumed.threads == 1 and resumed.training is False
    assert sn.load(tmp_path / "net.npz", threads=2).threads == 2
    epoch(resumed, 1)
    for name, value in straight.params.items():
        assert np.array_equal(value, resumed.params[name]), name


def test_what_a_net_was_compiled_for_is_read_only_and_its_mode_and_counts_are_checked():
    model = small_model()
    net = sn.compile(model, batch=4, threads=1)
    for setting, value in (("threads", 16), ("batch", 64), ("dtype", "float64")):
        with pytest.raises(AttributeError):
            setattr(net, setting, value)
    for target in (net, sn.Reference(model)):
        with pytest.raises(TypeError, match=r"training: expected True or False, got 'no'"):
            target.training = "no"
        with pytest.raises(TypeError, match=r"training: expected True or False, got 'no'"):
            target.train("no")
        assert target.train(np.bool_(False)).training is False
    with pytest.raises(ValueError, match=r"step_count: expected a count .* got -1"):
        net.step_count = -1
    with pytest.raises(ValueError, match=r"lr: expected a number, got '0.1'"):
        sn.SGD(lr="0.1")
    with pytest.raises(ValueError, match=r"lr: expected a number, got '0.1'"):
        net.optimizer.lr = "0.1"


def test_check_steps_the_nets_own_optimizer():
    model = small_model()
    net = sn.compile(model, batch=4, dtype="float64", optimizer=sn.Adam(lr=0.01))
    assert sn.check(model, net=net).ok


def test_a_step_count_set_by_hand_keeps_undo_exact_and_saves(tmp_path):
    """After net.step_count is set, a diverged step still leaves exactly the weights before it,
    and a file whose step count is below the optimizer's steps loads."""
    # weights large enough against a batch that step keeps its batches to take again, not copies
    model = sn.Sequential(sn.Input(6), sn.Dense(64), sn.Dropout(0.3), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    net = sn.compile(model, batch=4, optimizer=sn.SGD(lr=0.1))
    x, y = random_batch(model, 4, 0)
    net.step(x, y)
    net.step(x, y)
    net.step_count = 100
    net.step(x, y, lr=1e36)    # huge weights, still finite: kept to be taken again on an undo
    before, count = net.params, net.step_count
    with pytest.raises(sn.DivergenceError):
        net.step(x, y)
    assert net.step_count == count == 101
    for name, value in before.items():
        assert np.array_equal(value, net.params[name]), name
    net.step_count = 0
    net.save(tmp_path / "net.npz")
    assert sn.load(tmp_path / "net.npz").step_count == 0


def test_a_state_past_float32_is_refused_when_loaded_as_float32(tmp_path):
    model = small_model()
    net = sn.compile(model, batch=4, dtype="float64", optimizer=sn.Adam(lr=0.01))
    x, y = random_batch(model, 4, 0)
    net.step(x, y)
    net.save(tmp_path / "net.npz")

    def huge(arrays):
        arrays["state:v:dense1.weight"] = np.full_like(arrays["state:v:dense1.weight"], 1e300)

    edited = rewritten(tmp_path / "net.npz", tmp_path, edit_arrays=huge)
    sn.load(edited)   # fits in float64
    with pytest.raises(ValueError, match=r"edited.npz: state:v: does not fit in float32"):
        sn.load(edited, dtype="float32")
