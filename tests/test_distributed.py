"""Data-parallel training over MPI: N processes (``mpiexec -n 2`` and ``-n 3``) train to the
weights of one process stepping through the same global minibatches.

Each case writes a script, runs it under mpiexec (every rank saves what it ended with), and
compares every rank with one process in this one. Skipped, with the reason, when mpiexec or
mpi4py is missing (the ``mpi`` and ``dev`` extras bring both).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import symnet as sn
from symnet import distributed

try:
    import mpi4py  # noqa: F401
    HAVE_MPI4PY = True
except ImportError:
    HAVE_MPI4PY = False

MPIEXEC = shutil.which("mpiexec")
needs_mpi = pytest.mark.skipif(MPIEXEC is None or not HAVE_MPI4PY,
                               reason="needs mpiexec and mpi4py: pip install 'symnet[mpi]'")
ROOT = Path(__file__).resolve().parents[1]

# The models, the data and its shards: shared by the script each rank runs and the one-process
# side here. The shards are uneven (rank r holds about r + 1 parts), 37 samples in all.
COMMON = '''
import numpy as np
import symnet as sn

TOTAL = 37


def model(kind):
    middle = {"dropout": [sn.Dropout(0.3, seed=5)], "bn": [sn.BatchNorm()], "plain": [], "relu": []}[kind]
    activation = sn.ReLU() if kind == "relu" else sn.Tanh()
    return sn.Sequential(sn.Input(6), sn.Dense(9), *middle, activation, sn.Dense(4),
                         loss=sn.SoftmaxCrossEntropy(), name="dp_" + kind)


def data():
    rng = np.random.default_rng(1)
    return rng.normal(size=(TOTAL, 6)), rng.integers(0, 4, TOTAL)


def bounds(processes):
    weights = np.arange(1, processes + 1)
    sizes = TOTAL * weights // weights.sum()
    sizes[-1] += TOTAL - sizes.sum()
    return np.concatenate([[0], np.cumsum(sizes)])


def compiled(kind, dtype, optimizer):
    m = model(kind)
    return sn.compile(m, batch=4, dtype=dtype, threads=1, params=m.init_params(seed=3), optimizer=optimizer)
'''

WORKER = COMMON + '''
import sys
from mpi4py import MPI

comm = MPI.COMM_WORLD
case, kind, dtype, out = sys.argv[1:5]
X, Y = data()
lo, hi = bounds(comm.size)[comm.rank:comm.rank + 2]
x, y = X[lo:hi], Y[lo:hi]
result = {}
if case == "train":
    net = compiled(kind, dtype, sn.SGD(lr=0.1, momentum=0.9))
    result["losses"] = [net.step(x, y, comm=comm) for _ in range(3)]
    result["history"] = net.fit(x, y, epochs=2, batch_size=10, seed=7, lr_decay=0.5, comm=comm)["loss"]
elif case == "schedule":
    net = compiled(kind, dtype, sn.Adam(lr=0.01))
    history = net.fit(x, y, epochs=3, batch_size=8, seed=2, comm=comm, train_accuracy=True,
                      schedule=sn.schedules.cosine(total_steps=15))
    result["history"], result["lr"], result["accuracy"] = history["loss"], history["lr"], history["accuracy"]
elif case == "empty":
    net = compiled(kind, dtype, sn.SGD(lr=0.1, momentum=0.9))
    keep = slice(0, 0) if comm.rank == 1 else slice(None)
    result["losses"] = [net.step(x[keep], y[keep], comm=comm) for _ in range(2)]
elif case == "bn":
    net = compiled(kind, dtype, sn.SGD(lr=0.1))
    result["losses"] = [net.step(x[:4], y[:4], comm=comm)]
elif case == "bn_empty":   # rank 0 passes nothing: the statistics broadcast are rank 1's
    net = compiled(kind, dtype, sn.SGD(lr=0.1))
    keep = slice(0, 0) if comm.rank == 0 else slice(0, 4)
    result["losses"] = [net.step(x[keep], y[keep], comm=comm)]
elif case == "diverge":
    net = compiled(kind, dtype, sn.SGD(lr=1e30, momentum=0.9))
    try:
        for _ in range(10):
            net.step(x, y, comm=comm)
    except sn.DivergenceError as error:
        result["error"] = str(error)
    fitted = compiled(kind, dtype, sn.SGD(lr=1e30, momentum=0.9))
    try:
        fitted.fit(x, y, epochs=5, batch_size=10, comm=comm)
    except sn.DivergenceError as error:
        result["fit_error"] = str(error)
        result["fit_weights"] = fitted.params["dense2.weight"]
elif case == "refuse":
    net = compiled(kind, dtype, sn.SGD(lr=0.1))
    try:
        net.step(x if comm.rank != 1 else x[:, :5], y, comm=comm)
    except ValueError as error:
        result["error"] = str(error)
np.savez(f"{out}.{comm.rank}.npz", step_count=net.step_count,
         **{"result." + k: np.array(v) for k, v in result.items()},
         **{"param." + k: v for k, v in net.params.items()}, **{"buffer." + k: v for k, v in net.buffers.items()},
         **{"state." + k: v for k, v in net.optimizer_state.get("b", {}).items()})
'''

namespace: dict = {}
exec(COMMON, namespace)   # the same definitions on this side (the text above, written by this file)
compiled, data, bounds = namespace["compiled"], namespace["data"], namespace["bounds"]


def run(tmp_path, processes: int, case: str, kind: str, dtype: str) -> list[dict]:
    """What every rank of ``mpiexec -n processes`` ended with."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    out = tmp_path / f"{case}-{kind}-{dtype}-{processes}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1"}
    done = subprocess.run([MPIEXEC, "-n", str(processes), sys.executable, str(script), case, kind, dtype, str(out)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    ranks = []
    for rank in range(processes):
        with np.load(f"{out}.{rank}.npz") as saved:
            ranks.append({name: saved[name] for name in saved.files})
    return ranks


def assert_ranks_identical(ranks: list[dict]) -> None:
    """Every process holds bit for bit the same weights, statistics and state."""
    for rank in ranks[1:]:
        for name, value in ranks[0].items():
            assert np.array_equal(rank[name], value), name


def assert_close(saved: dict, net, rtol: float) -> None:
    for name, value in net.params.items():
        scale = np.abs(value).max()
        assert np.abs(saved["param." + name] - value).max() <= rtol * scale, name
    for name, value in net.buffers.items():
        np.testing.assert_allclose(saved["buffer." + name], value, rtol=rtol, atol=rtol)
    assert int(saved["step_count"]) == net.step_count


def by_rank(chosen: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """A minibatch's samples numbered rank by rank, as the processes number them."""
    return chosen[np.argsort(np.searchsorted(edges, chosen, "right"), kind="stable")]


TOLERANCE = {"float64": 1e-12, "float32": 2e-6}


@needs_mpi
@pytest.mark.parametrize("processes", [2, 3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["dropout", "plain"])
def test_steps_and_fit_equal_one_process(tmp_path, processes, dtype, kind):
    ranks = run(tmp_path, processes, "train", kind, dtype)
    assert_ranks_identical(ranks)
    X, Y = data()
    edges = bounds(processes)
    net = compiled(kind, dtype, sn.SGD(lr=0.1, momentum=0.9))
    losses = [net.step(X, Y) for _ in range(3)]   # the shards concatenated in rank order
    order, history, lr = np.random.default_rng(7), [], 0.1
    for _ in range(2):   # fit's epochs: the same permutation, each minibatch numbered rank by rank
        permutation, total = order.permutation(len(X)), 0.0
        for first in range(0, len(X), 10):
            chosen = by_rank(permutation[first:first + 10], edges)
            total += net.step(X[chosen], Y[chosen], lr=lr) * len(chosen)
        history.append(total / len(X))
        lr *= 0.5
    rtol = TOLERANCE[dtype]
    assert_close(ranks[0], net, rtol)
    for name, value in net.optimizer_state["b"].items():
        assert np.abs(ranks[0]["state." + name] - value).max() <= rtol * max(np.abs(value).max(), 1e-300)
    np.testing.assert_allclose(ranks[0]["result.losses"], losses, rtol=rtol)
    np.testing.assert_allclose(ranks[0]["result.history"], history, rtol=rtol)


@needs_mpi
@pytest.mark.parametrize("processes", [2, 3])
def test_fit_with_a_schedule_equals_fit_of_the_concatenated_shards(tmp_path, processes):
    """Without Dropout the order within a minibatch matters only to rounding: fit over the
    shards equals one process's fit over them concatenated, schedule, Adam's state and all."""
    ranks = run(tmp_path, processes, "schedule", "plain", "float64")
    assert_ranks_identical(ranks)
    X, Y = data()
    net = compiled("plain", "float64", sn.Adam(lr=0.01))
    history = net.fit(X, Y, epochs=3, batch_size=8, seed=2, train_accuracy=True,
                      schedule=sn.schedules.cosine(total_steps=15))
    assert_close(ranks[0], net, 1e-12)
    for key in ("history", "lr", "accuracy"):   # the same history as one process's, key for key
        np.testing.assert_allclose(ranks[0][f"result.{key}"], history["loss" if key == "history" else key], rtol=1e-12)


@needs_mpi
def test_a_process_may_pass_no_samples(tmp_path):
    ranks = run(tmp_path, 3, "empty", "dropout", "float64")
    assert_ranks_identical(ranks)
    X, Y = data()
    edges = bounds(3)
    chosen = np.r_[edges[0]:edges[1], edges[2]:edges[3]]   # rank 1 passes nothing
    net = compiled("dropout", "float64", sn.SGD(lr=0.1, momentum=0.9))
    losses = [net.step(X[chosen], Y[chosen]) for _ in range(2)]
    assert_close(ranks[0], net, 1e-12)
    np.testing.assert_allclose(ranks[0]["result.losses"], losses, rtol=1e-12)


@needs_mpi
def test_deterministic_for_a_given_count(tmp_path):
    first = run(tmp_path, 3, "train", "dropout", "float32")
    again = run(tmp_path / ".." / tmp_path.name, 3, "train", "dropout", "float32")
    for one, other in zip(first, again):
        for name, value in one.items():
            assert np.array_equal(other[name], value), name


def assert_per_process_batchnorm_step(rank: dict, shares: list) -> None:
    """A rank's weights after one SGD step (lr 0.1) of the BatchNorm model over ``shares``
    (the non-empty ones, four samples each), each normalized with its own statistics: the
    count-weighted mean of each share's gradient; its running statistics those of the first
    share, which its rank broadcast."""
    net = compiled("bn", "float64", sn.SGD(lr=0.1))
    before = net.params
    gradient = {name: 0.0 for name in before}
    for x, y in shares:
        for name, value in net.gradients(x, y).items():
            gradient[name] = gradient[name] + value * len(x) / (4 * len(shares))
    reference = compiled("bn", "float64", sn.SGD(lr=0.1))
    reference.forward(shares[0][0])
    for name, value in before.items():
        np.testing.assert_allclose(rank["param." + name], value - 0.1 * gradient[name], rtol=1e-12, atol=1e-15)
    for name, value in reference.buffers.items():
        np.testing.assert_allclose(rank["buffer." + name], value, rtol=1e-12)


@needs_mpi
@pytest.mark.parametrize("processes", [2, 3])
def test_batchnorm_statistics_are_per_process(tmp_path, processes):
    """BatchNorm normalizes each process's share with that share's statistics (PyTorch DDP's
    default): the gradient is the count-weighted mean of each share's own, and the running
    statistics are rank 0's, broadcast."""
    ranks = run(tmp_path, processes, "bn", "bn", "float64")
    assert_ranks_identical(ranks)
    X, Y = data()
    edges = bounds(processes)
    shares = [(X[lo:lo + 4], Y[lo:lo + 4]) for lo in edges[:-1]]
    assert_per_process_batchnorm_step(ranks[0], shares)   # rank 0's running statistics
    declared = namespace["model"]("bn")
    one_process = sn.compile(declared, batch=16, dtype="float64", threads=1, params=declared.init_params(seed=3),
                             optimizer=sn.SGD(lr=0.1))
    one_process.step(np.concatenate([x for x, _ in shares]), np.concatenate([y for _, y in shares]))
    assert not np.allclose(one_process.params["dense1.weight"], ranks[0]["param.dense1.weight"], rtol=1e-9), \
        "statistics over the global minibatch would give this; the per-process ones differ"


@needs_mpi
def test_batchnorm_statistics_come_from_the_first_rank_with_samples(tmp_path):
    """When rank 0 passes no samples its running statistics are not updated by the step: the
    ones broadcast are those of rank 1, the first rank whose share is not empty."""
    ranks = run(tmp_path, 3, "bn_empty", "bn", "float64")
    assert_ranks_identical(ranks)
    X, Y = data()
    edges = bounds(3)
    shares = [(X[lo:lo + 4], Y[lo:lo + 4]) for lo in edges[1:-1]]
    assert_per_process_batchnorm_step(ranks[0], shares)   # rank 1's running statistics
    untouched = compiled("bn", "float64", sn.SGD(lr=0.1)).buffers
    assert any(not np.allclose(ranks[0]["buffer." + name], value) for name, value in untouched.items())


@needs_mpi
def test_divergence_raised_on_every_rank(tmp_path):
    """Every rank raises, and keeps the weights of the last good step, as one process does."""
    ranks = run(tmp_path, 3, "diverge", "relu", "float32")
    assert_ranks_identical(ranks)
    X, Y = data()
    net = compiled("relu", "float32", sn.SGD(lr=1e30, momentum=0.9))
    with pytest.raises(sn.DivergenceError) as raised:
        for _ in range(10):
            net.step(X, Y)
    for rank in ranks:
        assert str(rank["result.error"]) == str(raised.value)
    assert_close(ranks[0], net, 1e-5)
    assert str(ranks[0]["result.fit_error"]).startswith("fit: training diverged at epoch ")
    assert np.isfinite(ranks[0]["result.fit_weights"]).all()


@needs_mpi
def test_bad_share_refused_on_every_rank(tmp_path):
    ranks = run(tmp_path, 3, "refuse", "plain", "float64")
    assert "x: expected shape" in str(ranks[1]["result.error"])
    for rank in (ranks[0], ranks[2]):
        assert "comm: rank 1 of 3 refused its share" in str(rank["result.error"])
        assert int(rank["step_count"]) == 0


def test_comm_must_be_a_communicator():
    net = compiled("plain", "float64", sn.SGD(lr=0.1))
    x, y = data()
    if HAVE_MPI4PY:
        with pytest.raises(TypeError, match="comm: expected an mpi4py communicator"):
            net.step(x, y, comm="world")
    else:
        with pytest.raises(ImportError, match=r"symnet\[mpi\]"):
            net.step(x, y, comm="world")


def test_without_mpi4py_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)   # import mpi4py then raises ImportError
    net = compiled("plain", "float64", sn.SGD(lr=0.1))
    x, y = data()
    with pytest.raises(ImportError, match=r"comm: data-parallel training needs mpi4py: pip install 'symnet\[mpi\]'"):
        net.fit(x, y, comm=object())
    assert net.step_count == 0


def test_share_offsets():
    assert distributed.share_offsets([5, 0, 3, 2]).tolist() == [0, 5, 5, 8]


def test_first_with_samples():
    assert distributed.first_with_samples([5, 0, 3]) == 0
    assert distributed.first_with_samples([0, 0, 3, 2]) == 2


def test_epoch_orders_are_drawn_one_at_a_time_from_the_seed():
    """fit draws each epoch's permutation as it needs it; a second pass gives the same ones."""
    orders = distributed._orders(10, 3, True, 7)
    assert not isinstance(orders, list)
    rng = np.random.default_rng(7)
    for order in orders:
        assert np.array_equal(order, rng.permutation(10))
    assert [o.tolist() for o in distributed._orders(4, 2, False, 7)] == [[0, 1, 2, 3]] * 2


def _cli(argv: list[str], processes: int | None, cwd) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "symnet.cli", *argv]
    if processes:
        command = [MPIEXEC, "-n", str(processes), *command]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@needs_mpi
@pytest.mark.parametrize("processes", [2, 3])
def test_train_under_mpiexec_equals_one_process(tmp_path, processes):
    """``mpiexec -n N symnet train MODEL``: rank 0 alone prints and saves, and the net saved is
    the one process's (the same global minibatches; rounding apart)."""
    argv = ["train", "four_pixel", "--epochs", "2", "--dtype", "float64", "--no-progress"]
    alone = _cli([*argv, "--save", "one.npz"], None, tmp_path)
    together = _cli([*argv, "--save", "many.npz", "--plot", "curves.png"], processes, tmp_path)
    assert together.count("test accuracy") == 1 and together.count("saved to many.npz") == 1
    assert together.count("wrote the training curves to curves.png") == 1   # rank 0 alone draws them
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert f"{processes} processes, 1 thread each" in together
    accuracy = [line for line in alone.splitlines() if line.startswith("test accuracy")]
    assert accuracy and accuracy[0] in together
    one, many = sn.load(tmp_path / "one.npz"), sn.load(tmp_path / "many.npz")
    assert many.step_count == one.step_count
    for name, value in one.params.items():
        np.testing.assert_allclose(many.params[name], value, rtol=1e-10, atol=1e-12)


COMPILE_FAILS = '''
import types

import numpy as np
from mpi4py import MPI

import symnet.run
from symnet import mpi_train

rank = MPI.COMM_WORLD.rank
real = symnet.run.compile


def compile(*args, **kwargs):
    if rank == 0:
        raise RuntimeError("no C compiler")
    return real(*args, **kwargs)


symnet.run.compile = compile
args = types.SimpleNamespace(dtype="float32", seed=0, no_progress=True, save=None, plot=None, model="m")
try:
    mpi_train.train(args, types.SimpleNamespace(name="m"), None, "SGD", 1, 2, tuple(np.zeros(4) for _ in range(4)))
except Exception as error:
    print(f"rank {rank}: {type(error).__name__}: {error}", flush=True)
'''


@needs_mpi
def test_a_compile_that_fails_on_rank_0_raises_on_every_rank(tmp_path):
    """Rank 0 compiles while the others wait: its failure reaches them instead of leaving
    them in a barrier."""
    script = tmp_path / "compile_fails.py"
    script.write_text(COMPILE_FAILS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1"}
    done = subprocess.run([MPIEXEC, "-n", "3", sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = sorted(re.findall(r"rank \d: [^\n]*?(?:compiler\)?)", done.stdout))   # the ranks' lines may interleave
    others = "ValueError: comm: rank 0 of 3 failed to compile (RuntimeError: no C compiler)"
    assert lines == ["rank 0: RuntimeError: no C compiler", f"rank 1: {others}", f"rank 2: {others}"]


def test_distributed_without_mpi4py_says_what_to_install(monkeypatch, capsys):
    from symnet import cli

    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.delenv("SYMNET_DEBUG", raising=False)
    assert cli.main(["train", "four_pixel", "--epochs", "1", "--distributed", "--no-progress"]) == 2
    assert capsys.readouterr().err == ("symnet: --distributed: comm: data-parallel training needs mpi4py: "
                                       "pip install 'symnet[mpi]' (mpi4py and an MPI library such as mpich)\n")


@needs_mpi
def test_bench_mpi_measures_every_process_count(tmp_path):
    from symnet import bench_mpi
    from symnet.zoo import xo

    results = bench_mpi.run("xo", 2, batch=4, torch=False, seconds=0.01)
    assert [run["processes"] for run in results["runs"]] == [1, 2]
    for run in results["runs"]:
        figures = run["symnet"]
        assert figures["gradient_bytes"] == 4 * xo().param_count
        assert figures["images_per_second"] > 0 and figures["allreduce_seconds"] >= 0
    assert results["threads"]["threads"] == 2 and results["threads"]["batch"] == 8
    table = bench_mpi.table(results)
    assert table.splitlines()[0] == "xo: batch 4 per process, float32, %d cores on this machine" % os.cpu_count()
