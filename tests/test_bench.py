"""The benchmark harness: FLOP counts, timing, the table, and the command."""

import json

import pytest

from symnet.bench import median_rate, side_by_side, table, training_flops
from symnet.cli import main
from symnet.zoo import lenet, mlp


def test_training_flops_of_lenet_and_mlp():
    # mlp: forward and weight gradient of both layers, input gradient of the second only
    assert training_flops(mlp()) == 2 * (784 * 128 * 2 + 128 * 10 * 3)
    conv1 = 6 * 28 * 28 * 25
    conv2 = 16 * 10 * 10 * 150
    dense = 400 * 120 + 120 * 84 + 84 * 10
    assert training_flops(lenet()) == 2 * (2 * conv1 + 3 * conv2 + 3 * dense)


def test_median_rate_counts_samples_per_second():
    calls = []
    rate = median_rate(lambda: calls.append(1), samples=10, repeats=3, seconds=0.01)
    assert rate > 1000 and len(calls) > 3


def test_side_by_side_times_every_step_in_turn_each_round(monkeypatch):
    """On a clock that each call moves by its step's cost: exact rates, every step in every
    round, the order turned by one each round, and the CPU time over the wall time."""
    from types import SimpleNamespace

    from symnet import bench

    clock, cpu, order = [0.0], [0.0], []

    def step(name, cost, busy):
        def run():
            order.append(name)
            clock[0] += cost
            cpu[0] += cost * busy
        return run

    monkeypatch.setattr(bench, "time", SimpleNamespace(perf_counter=lambda: clock[0], process_time=lambda: cpu[0]))
    steps = {"a": (step("a", 0.001, 1.0), 2), "b": (step("b", 0.004, 2.0), 1), "c": (step("c", 0.5, 1.0), 8)}
    timed = side_by_side(steps, rounds=3, seconds=0.02)
    assert timed == {"a": (pytest.approx(2000.0), pytest.approx(1.0)), "b": (pytest.approx(250.0), pytest.approx(2.0)),
                     "c": (pytest.approx(16.0), pytest.approx(1.0))}
    rounds = [name for index, name in enumerate(order[6:]) if index == 0 or order[6:][index - 1] != name]
    assert rounds == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]   # after two warm-up calls each
    assert order.count("a") == 2 + 20 * 3 and order.count("c") == 2 + 3   # 20 calls fill a round; one at least


def test_table_shows_ratios():
    results = {"runs": [{"threads": 1, "matmul_gflops": 100.0, "rows": [
        {"model": "lenet", "optimizer": "AdamW", "batch": 64, "symnet": 20000.0, "torch": 10000.0, "reference": 900.0, "gflops": 50.0}]}],
        "compile": {"lenet": {"cold_seconds": 2.0, "warm_seconds": 0.01}}}
    text = table(results)
    assert "| lenet (AdamW) | 64 | 1 | 20,000 | - | 10,000 | 900 | 2.00x PyTorch | - | 50.0 (50%) |" in text
    assert "lenet: cold compile 2.00 s, warm load 10 ms." in text
    results["compile"]["lenet"]["cold_cpu_seconds"] = 2.5
    assert "lenet: cold compile 2.00 s (2.50 s of processor time), warm load 10 ms." in table(results)


def test_compile_times_are_cold_then_warm():
    from symnet.bench import compile_times

    times = compile_times("xo")
    assert sorted(times) == ["cold_cpu_seconds", "cold_seconds", "load", "warm_seconds"]
    assert min(times["cold_seconds"], times["cold_cpu_seconds"], times["warm_seconds"]) > 0


def test_bench_command(tmp_path, capsys):
    path = tmp_path / "results.json"
    assert main(["bench", "xo", "--batches", "4", "--threads", "1", "--no-peers", "--json", str(path)]) == 0
    assert "| xo (SGD) | 4 | 1 |" in capsys.readouterr().out
    results = json.loads(path.read_text())
    row = results["runs"][0]["rows"][0]
    assert row["symnet"] > 0 and row["symnet_fit"] > 0 and "xo" in results["compile"]


def test_bench_rejects_unknown_models(capsys):
    assert main(["bench", "nope"]) == 2
    with pytest.raises(SystemExit):
        main(["bench"])


def test_the_bench_trains_a_recipe_with_its_optimizer_against_torch_with_the_same():
    """lenet_modern's row: AdamW in both, PyTorch's own Dropout; batch 1 is skipped (BatchNorm)."""
    pytest.importorskip("torch")
    from symnet.bench import worker

    result = worker(["lenet_modern"], [1, 4], 1, peers=True)
    (row,) = result["rows"]
    assert (row["model"], row["optimizer"], row["batch"]) == ("lenet_modern", "AdamW", 4)
    assert row["symnet"] > 0 and row["torch"] > 0 and row["reference"] > 0


def test_a_worker_keeps_to_its_thread_count_of_cores():
    import os
    import subprocess
    import sys

    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs two cores and sched_setaffinity")
    code = "import os; from symnet.bench import pin_to_cores; pin_to_cores(1); print(len(os.sched_getaffinity(0)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "1"
