"""The peers (JAX, PyTensor, tinygrad) compute symnet's training step: from the same weights
and batch, their parameters after one step and their gradients equal the NumPy reference's
(float64) to TOLERANCE in float32; a peer given other weights, or a wrong layer rule, is
reported as disagreeing. Each peer's tests skip when it is not installed."""

import shutil
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import symnet as sn
from symnet.bench import random_data
from symnet.bench_table import table
from symnet.bench_table import machine_line
from symnet.machine import cpu_identity, describe, native_target, vector_width
from symnet.peers import TOLERANCE, agreement, installed, measure, module, relative_difference
from symnet.peers.ops import dropout_scales
from symnet.zoo import lenet, mlp


def _available(name: str):
    framework = {"jax": "jax", "pytensor": "pytensor", "tinygrad": "tinygrad"}[name]
    marks = [pytest.mark.skipif(name not in installed(), reason=f"{framework} is not installed")]
    if name == "tinygrad":   # its CPU device compiles its kernels with clang
        marks.append(pytest.mark.skipif(shutil.which("clang") is None, reason="tinygrad's CPU device needs clang"))
    return pytest.param(name, marks=marks)


PEERS = [_available(name) for name in ("jax", "pytensor", "tinygrad")]


def graph():
    """Every layer kind in one small graph: a strided, padded convolution, BatchNorm, a mean
    convolution, Add, Concat, MaxPool in ceil mode, AvgPool, GlobalAvgPool, Dropout, a formula
    activation, Sigmoid and Tanh; a smoothed cross-entropy."""
    x = sn.Input(2, 9, 9)
    h = sn.ReLU()(sn.BatchNorm()(sn.Conv2D(4, 3, stride=2, padding=1)(x)))
    r = sn.Tanh()(sn.Conv2D(4, 3, padding=1, mean=True)(h))
    c = sn.Concat()(sn.Add()(h, r), r)
    pooled = sn.GlobalAvgPool()(sn.AvgPool(2, stride=1)(sn.MaxPool(2, ceil_mode=True)(c)))
    d = sn.Dropout(0.25)(sn.Activation("softplus", lambda v: sp.log(1 + sp.exp(v)))(sn.Dense(6)(pooled)))
    return sn.Model(x, sn.Dense(3)(sn.Sigmoid()(d)), loss=sn.SoftmaxCrossEntropy(label_smoothing=0.1))


def regression():
    """A vector model with BatchNorm1d, Dropout and an elementwise loss (Huber)."""
    return sn.Sequential(sn.Input(5), sn.Dense(7), sn.BatchNorm(), sn.Tanh(), sn.Dropout(0.5), sn.Dense(2),
                         loss=sn.Huber(delta=0.5))


def one_step(name, model, optimizer, batch=4, start=None):
    """The peer's agreement after one step from ``start`` (default: the model's first weights),
    measured against the reference from the model's first weights."""
    params = model.init_params()
    x, y = random_data(model, batch)
    peer = module(name).build(model, optimizer, params if start is None else start, model.init_buffers(), batch,
                              dropout_scales(model, 0, batch))
    peer.bind(x, model.loss.peer_targets(y))
    peer.step()
    return agreement(peer, model, optimizer, params, x, y, peer.parameters())


@pytest.mark.parametrize("name", PEERS)
@pytest.mark.parametrize("make, optimizer", [
    (mlp, sn.SGD(lr=0.05)),
    (lenet, sn.SGD(lr=0.01, momentum=0.9)),
    (graph, sn.AdamW(lr=1e-3)),
    (regression, sn.RMSprop(lr=1e-3)),
], ids=["mlp-sgd", "lenet-momentum", "graph-adamw", "regression-rmsprop"])
def test_a_peer_takes_symnets_step(name, make, optimizer):
    result = one_step(name, make(), optimizer)
    assert result["gradient"] < TOLERANCE and result["step"] < TOLERANCE, result


@pytest.mark.parametrize("name", PEERS)
def test_a_peer_given_other_weights_disagrees(name):
    model = mlp()
    start = model.init_params()
    start["dense1.weight"] = start["dense1.weight"] * 1.01   # one tensor 1% off
    result = one_step(name, model, sn.SGD(lr=0.05), start=start)
    assert result["step"] > 5 * TOLERANCE


@pytest.mark.parametrize("name", PEERS)
def test_a_wrong_layer_rule_is_reported(name, monkeypatch):
    """A ReLU that leaks (0.1 x below zero) changes the gradient: the check says so."""
    monkeypatch.setattr(sn.ReLU, "peer_forward", lambda self, ops, inputs, params, run:
                        ops.relu(inputs[0]) - ops.relu(-inputs[0]) * 0.1)
    model = sn.Sequential(sn.Input(6), sn.Dense(8), sn.ReLU(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    result = one_step(name, model, sn.SGD(lr=0.05))
    assert result["gradient"] > 5 * TOLERANCE


@pytest.mark.parametrize("name", [param for param in PEERS if param.values[0] == "jax"])
def test_measure_times_and_checks_a_peer(name):
    row = measure(name, mlp(), sn.SGD(lr=1e-4), 8, lambda step, batch: (step(), 1000.0)[1])
    assert row["rate"] == 1000.0 and row["agrees"] and row["first_call"] > 0
    assert "jax.jit" in row["how"]


@pytest.mark.parametrize("name", [param for param in PEERS if param.values[0] == "tinygrad"])
def test_what_a_peer_cannot_compute_is_na_with_the_reason(name):
    model = sn.Sequential(sn.Input(3), sn.Dense(2), sn.Activation("erfc", sp.erfc), sn.Dense(2),
                          loss=sn.MeanSquaredError())
    row = measure(name, model, sn.SGD(), 4, lambda step, batch: 1.0)
    assert set(row) == {"na"} and "erfc" in row["na"]


def test_relative_difference_is_per_tensor_and_can_ignore_elements():
    reference = {"a": np.array([1.0, -2.0]), "b": np.array([1e-3, 0.0])}
    assert relative_difference(reference, reference) == 0
    assert relative_difference({"a": np.array([1.0, -2.2]), "b": reference["b"]}, reference) == pytest.approx(0.1)
    assert relative_difference({"a": reference["a"], "b": np.array([2e-3, 0.0])}, reference) == pytest.approx(1.0)
    where = {"a": np.array([True, True]), "b": np.array([False, True])}
    assert relative_difference({"a": reference["a"], "b": np.array([2e-3, 0.0])}, reference, where) == 0
    # a tensor far below the others (an exact zero gradient, in rounding) is held to their scale
    tiny = {"a": np.array([1.0, -2.0]), "b": np.array([1e-18, 0.0])}
    assert relative_difference({"a": tiny["a"], "b": np.array([1e-9, 0.0])}, tiny) == pytest.approx(1e-9 / 2e-4)


def test_the_machine_record_names_the_cpu_and_the_vector_width():
    machine = describe()
    assert machine["cpu"] and machine["cores"] >= 1
    assert machine["vector"]["isa"] in ("AVX-512", "AVX2", "AVX", "SSE2", "NEON", "none")
    assert "-march=native" in machine["vector"]["flags"]


def test_the_vector_width_is_the_compilers_answer(tmp_path):
    fake = tmp_path / "cc"
    fake.write_text("#!/bin/sh\ncase \"$*\" in *--version*) echo 'fake cc 1.0';; "
                    "*) printf '#define __SSE2__ 1\\n#define __AVX2__ 1\\n';; esac\n")
    fake.chmod(0o755)
    assert vector_width([str(fake)])["isa"] == "AVX2" and vector_width([str(fake)])["bits"] == 256
    assert vector_width([str(tmp_path / "missing")])["isa"] == "none"


def test_the_record_names_the_cpu_family_and_what_native_stands_for(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n"
                       "model name\t: AMD EPYC\n\nprocessor\t: 1\ncpu family\t: 26\nmodel\t\t: 2\n")
    assert cpu_identity(str(cpuinfo)) == "family 25, model 1"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Some ARM core\n")
    assert cpu_identity(str(cpuinfo)) == "" and cpu_identity(str(tmp_path / "missing")) == ""
    gcc = tmp_path / "cc"
    gcc.write_text("#!/bin/sh\nprintf '  -march=                     \t\tznver3\n  -mtune=  \t\tznver3\n'\n")
    gcc.chmod(0o755)
    assert native_target([str(gcc)], ("-O3", "-march=native")) == "znver3"
    assert native_target([str(tmp_path / "missing")], ()) == ""
    machine = {"cpu": "AMD EPYC", "cpu_identity": "family 25, model 1", "cores": 2, "python": "3.11.7",
               "vector": {"isa": "AVX2", "bits": 256, "flags": "-O3 -march=native", "target": "znver3"}}
    assert machine_line(machine) == ("Machine: AMD EPYC (family 25, model 1), 2 cores; symnet's C targets AVX2 "
                                     "(256-bit vectors, cc -O3 -march=native; -march=native is znver3); Python 3.11.7.")
    del machine["cpu_identity"], machine["vector"]["target"]   # a record from before these fields
    assert machine_line(machine) == ("Machine: AMD EPYC, 2 cores; symnet's C targets AVX2 (256-bit vectors, "
                                     "cc -O3 -march=native); Python 3.11.7.")


def test_the_table_shows_each_peer_flags_disagreement_and_says_na():
    peers = {"jax": {"rate": 30000.0, "first_call": 2.5, "gradient": 2e-6, "step": 1e-7, "agrees": True,
                     "cpu_per_wall": 0.98, "how": "jitted"},
             "pytensor": {"rate": 50000.0, "first_call": 9.0, "gradient": 0.2, "step": 0.1, "agrees": False,
                          "cpu_per_wall": 1.0, "how": "cvm"},
             "tinygrad": {"na": "act1: cannot evaluate erfc"}}
    results = {"machine": {"cpu": "Some CPU", "cores": 2, "python": "3.11",
                           "vector": {"isa": "AVX2", "bits": 256, "flags": "-O3 -march=native"}},
               "runs": [{"threads": 1, "matmul_gflops": 100.0, "rows": [
                   {"model": "mlp", "optimizer": "SGD", "batch": 64, "symnet": 40000.0, "symnet_fit": 36000.0, "symnet_gradient": 3e-7,
                    "torch": 20000.0, "reference": 900.0, "gflops": 16.0, "peers": peers}]}],
               "compile": {}, "limits": {"1": {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"}}}
    text = table(results)
    assert "Machine: Some CPU, 2 cores; symnet's C targets AVX2 (256-bit vectors, cc -O3 -march=native)" in text
    assert "| mlp (SGD) | 64 | 1 | 40,000 | 36,000 | 20,000 | 30,000 | 50,000 ≠ | n/a | 900 | 1.33x JAX | 1.20x | 16.0 (16%) |" in text
    assert "| mlp | 64 | 1 | 3e-07 | 2e-06, 2.5 s | 2e-01, 9.0 s | n/a |" in text
    assert "- n/a, tinygrad: act1: cannot evaluate erfc" in text
    assert "XLA_FLAGS='--xla_cpu_multi_thread_eigen=false'" in text


def test_bench_refuses_an_unknown_peer():
    done = subprocess.run([sys.executable, "-m", "symnet.cli", "bench", "mlp", "--peers", "jax,theano"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "unknown peer 'theano'" in done.stderr
