"""The matrix multiply's paths for a dense layer's forward pass, y = x W^T: with fewer than
SN_NT_ROWS (128) samples in a chunk, or with W at most half of the L2 cache, the dot products
of sn_gemm_nt; with many samples and a larger W, the packed multiply. Each path is held to
NumPy in float64 (a wrong stride, a sample or row left out, would be far off), one thread and
two, batches on both sides of 128 rows."""

import numpy as np
import pytest

import symnet as sn


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("batch", [127, 128, 200])
@pytest.mark.parametrize("inputs, outputs", [(784, 128), (300, 700), (33, 5)])
def test_dense_forward_matches_numpy_on_every_path(dtype, threads, batch, inputs, outputs):
    model = sn.Sequential(sn.Input(inputs), sn.Dense(outputs), loss=sn.SoftmaxCrossEntropy())
    net = sn.compile(model, batch=batch, dtype=dtype, threads=threads, params=model.init_params(3))
    x = np.random.default_rng(batch + inputs).normal(size=(batch, inputs))
    W, b = (net.params[f"dense1.{name}"].astype(np.float64) for name in ("weight", "bias"))
    expected = x.astype(dtype).astype(np.float64) @ W.T + b
    tolerance = 1e-12 if dtype == "float64" else 2e-5
    got = net.forward(x.astype(dtype))
    assert np.max(np.abs(got - expected)) <= tolerance * np.max(np.abs(expected))

