"""Property tests over random small graphs: branches that meet in Add and Concat, residual
blocks, pooling beside a convolution, late branches and taps that make tensors with two or
more readers of every kind (the last reader writes the gradient, the others add to it).

Three independent judges: central finite differences (the reference's gradients, away
from the kinks of ReLU and max pooling), PyTorch autograd (the reference's forward, loss
and gradients), and the reference itself (the compiled C, float64 and float32, over a
sample count that is not a multiple of its batch).
"""

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

import symnet as sn
from helpers import random_batch

torch = pytest.importorskip("torch")

ACTIVATIONS = [
    sn.ReLU, sn.Tanh, sn.Sigmoid,
    lambda: sn.Activation("softplus", lambda x: sp.log(1 + sp.exp(x))),
]


def activation(draw):
    return draw(st.sampled_from(ACTIVATIONS))()


def two_activations(draw):
    """Two different activations, one for each branch."""
    first, second = draw(st.permutations(ACTIVATIONS))[:2]
    return first(), second()


def same_shape_conv(draw, channels: int) -> sn.Conv2D:
    """A convolution that keeps height and width: kernel 1 without padding, or 3 with padding 1."""
    kernel = draw(st.sampled_from([1, 3]))
    return sn.Conv2D(channels, kernel, padding=kernel // 2, bias=draw(st.booleans()))


def add_block(draw, t, channels):
    """Two branches of different kernels and activations added; maybe the block's input too,
    and maybe the first branch before its activation (so the activation is not its last reader)."""
    first, second = two_activations(draw)
    before = sn.Conv2D(channels, 3, padding=1)(t)
    a = first(before)
    b = second(sn.Conv2D(channels, 1, bias=draw(st.booleans()))(t))
    addends = [a, b] + ([t] if draw(st.booleans()) else []) + ([before] if draw(st.booleans()) else [])
    return sn.Add()(*draw(st.permutations(addends))), channels


def concat_block(draw, t, channels):
    """Two branches (and maybe the block's input) joined along the channels, then a 1x1
    convolution back to a few channels."""
    first, second = two_activations(draw)
    a = first(same_shape_conv(draw, draw(st.integers(1, 2)))(t))
    b = second(same_shape_conv(draw, draw(st.integers(1, 2)))(t))
    parts = [a, b] + ([t] if draw(st.booleans()) else [])
    joined = sn.Concat()(*draw(st.permutations(parts)))
    channels = draw(st.integers(2, 3))
    return activation(draw)(sn.Conv2D(channels, 1)(joined)), channels


def pool_block(draw, t, channels):
    """A pooling branch (stride 1, kernel 1 or 2) beside an unpadded convolution of the same
    kernel, so that both give the same shape; added or concatenated."""
    kernel = draw(st.integers(1, 2)) if min(t.shape[1:]) > 2 else 1
    pool = draw(st.sampled_from([sn.MaxPool, sn.AvgPool]))(kernel, stride=1)
    conv = sn.Conv2D(channels, kernel)
    if draw(st.booleans()):   # either may be the last reader of t, which writes its gradient
        pooled, convolved = pool(t), activation(draw)(conv(t))
    else:
        convolved, pooled = activation(draw)(conv(t)), pool(t)
    if draw(st.booleans()):
        return sn.Add()(*draw(st.permutations([pooled, convolved]))), channels
    return sn.Concat()(*draw(st.permutations([pooled, convolved]))), 2 * channels


def residual_block(draw, t, channels):
    """``t + block(t)`` through sn.Residual, or ``projection(t) + block(t)`` to new channels."""
    if draw(st.booleans()):
        wider = draw(st.integers(2, 3))
        block = sn.Residual(same_shape_conv(draw, wider), activation(draw), projection=sn.Conv2D(wider, 1))
        return block(t), wider
    return sn.Residual(same_shape_conv(draw, channels), activation(draw))(t), channels


BLOCKS = [add_block, concat_block, pool_block, residual_block]


def tensors_behind(t):
    """``t`` and every tensor it is computed from (the input among them), in creation order."""
    found, stack = {}, [t]
    while stack:
        tensor = stack.pop()
        if id(tensor) not in found:
            found[id(tensor)] = tensor
            stack.extend(tensor.inputs)
    return sorted(found.values(), key=lambda tensor: tensor.order)


def vector(draw, t):
    return sn.GlobalAvgPool()(t) if draw(st.booleans()) else sn.Flatten()(t)


@st.composite
def graphs(draw):
    """A random small graph from a picture to a dense head, with its loss.

    The head may also read an earlier tensor (a tap): created last, it writes that tensor's
    gradient and the tensor's other readers, of any kind, add to it. The output may be the
    sum of two dense layers reading one vector."""
    x = sn.Input(draw(st.integers(1, 2)), draw(st.integers(5, 7)), draw(st.integers(5, 7)))
    channels = draw(st.integers(2, 3))
    t = activation(draw)(sn.Conv2D(channels, 3, padding=1)(x))
    for _ in range(draw(st.integers(1, 3))):
        block_input = t
        t, channels = draw(st.sampled_from(BLOCKS))(draw, t, channels)
        if t.shape[1:] == block_input.shape[1:] and draw(st.booleans()):
            # A late branch from the block's input: made last, it writes that input's gradient,
            # and the block's own readers of it (joins, pools, convolutions) add to it.
            late = activation(draw)(sn.Conv2D(1, 1)(block_input))
            t = sn.Concat()(*draw(st.permutations([t, late])))
            channels += 1
    features = vector(draw, t)
    if draw(st.booleans()):
        tap = vector(draw, draw(st.one_of(st.just(t), st.sampled_from(tensors_behind(t)))))
        features = sn.Concat()(*draw(st.permutations([features, tap])))
    classes = draw(st.integers(2, 3))
    if draw(st.booleans()):
        out = sn.Add()(sn.Dense(classes)(features), activation(draw)(sn.Dense(classes)(features)))
    else:
        out = sn.Dense(classes)(features)
    loss = draw(st.sampled_from([sn.SoftmaxCrossEntropy, sn.MeanSquaredError]))()
    return sn.Model(x, out, loss=loss, name="random")


def perturbed_params(model, seed):
    """Initial parameters plus noise, so that biases are not zero and no outputs tie."""
    params = model.init_params(seed)
    rng = np.random.default_rng(seed)
    return {name: value + rng.normal(0, 0.1, value.shape) for name, value in params.items()}


def near_a_kink(model, ref, x, margin=1e-4) -> bool:
    """Whether an input of a ReLU is within ``margin`` of 0, or the two largest values of a
    max-pool window are within ``margin`` of each other (unless both are the zeros of a
    ReLU, which stay zeros). A finite difference of step 1e-5 may step across such a kink,
    where the derivative it estimates does not exist."""
    values = dict(zip([layer.name for layer in model.layers], ref.activations(x)))
    values[model.graph.input_name] = x
    for node in model.graph.nodes:
        seen = values[node.inputs[0]]
        if isinstance(node.layer, sn.ReLU) and np.abs(seen).min() < margin:
            return True
        if isinstance(node.layer, sn.MaxPool):
            (kh, kw), (sh, sw) = node.layer.kernel, node.layer.stride
            windows = sliding_window_view(seen, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
            top = np.sort(windows.reshape(*windows.shape[:4], -1), axis=-1)[..., -2:]
            if kh * kw > 1 and np.any((top[..., 1] - top[..., 0] < margin) & (top[..., 1] != 0)):
                return True
    return False


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=25, **SETTINGS)
@given(graphs(), st.integers(1, 3))
def test_random_graphs_branch_and_their_shapes_are_what_the_reference_computes(model, count):
    graph = model.graph
    assert not graph.is_chain
    assert any(len(info.readers) >= 2 for info in graph.tensors.values())   # a tensor read by several layers
    x, _ = random_batch(model, count)
    outputs = sn.Reference(model, perturbed_params(model, 0)).activations(x)
    assert [o.shape for o in outputs] == [(count, *layer.output_shape) for layer in model.layers]


@settings(max_examples=15, **SETTINGS)
@given(graphs(), st.integers(0, 1000))
def test_reference_gradients_match_finite_differences(model, seed):
    ref = sn.Reference(model, perturbed_params(model, seed))
    x, y = random_batch(model, 2, seed)
    assume(not near_a_kink(model, ref, x))
    analytic = ref.gradients(x, y)
    numeric = sn.finite_difference_gradients(ref, x, y)
    for name in analytic:
        error = sn.relative_error(analytic[name], numeric[name])
        assert error < 1e-6, f"{name}: {error:.2e} in {model.summary_text()}"


def torch_targets(model, y):
    dtype = torch.long if isinstance(model.loss, sn.SoftmaxCrossEntropy) else torch.float64
    return torch.from_numpy(np.asarray(y)).to(dtype)


@settings(max_examples=25, **SETTINGS)
@given(graphs(), st.integers(0, 1000))
def test_reference_matches_pytorch(model, seed):
    from symnet.export.torch import to_torch

    params = perturbed_params(model, seed)
    ref = sn.Reference(model, params)
    twin = to_torch(model, params)
    x, y = random_batch(model, 3, seed)
    outputs = twin(torch.from_numpy(x))
    assert sn.relative_error(ref.forward(x), outputs.detach().numpy()) < 1e-9
    loss = model.loss.torch_loss()(outputs, torch_targets(model, y))
    assert ref.loss(x, y) == pytest.approx(loss.item(), rel=1e-9)
    loss.backward()
    for spec, (name, grad) in zip(model.param_specs(), ref.gradients(x, y).items()):
        theirs = twin.parameter(spec).grad.numpy()
        assert sn.relative_error(grad, theirs) < 1e-9, f"{name} in {model.summary_text()}"


# A compile takes a second or two; each dtype gets graphs of its own.
@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-8), ("float32", 2e-3)])
@settings(max_examples=6, **SETTINGS)
@given(model=graphs(), seed=st.integers(0, 1000))
def test_compiled_net_matches_the_reference(dtype, tolerance, model, seed):
    params = perturbed_params(model, seed)
    ref = sn.Reference(model, params)
    net = sn.compile(model, batch=4, dtype=dtype, params=params)
    x, y = random_batch(model, 7, seed)   # 7 samples: a compiled batch of 4, then a remainder of 3
    where = f"({dtype}) in {model.summary_text(batch=4)}"
    assert sn.relative_error(net.forward(x), ref.forward(x)) < tolerance, where
    assert net.loss(x, y) == pytest.approx(ref.loss(x, y), rel=tolerance), where
    expected = ref.gradients(x, y)
    for name, grad in net.gradients(x, y).items():
        error = sn.relative_error(grad, expected[name])
        assert error < tolerance, f"{name}: {error:.2e} {where}"
    if near_a_kink(model, ref, x, margin=1e-9):
        # A ReLU's input or a max-pool's two largest values within rounding of each other:
        # C and NumPy, summing in their own orders, may fall on different sides, and a ReLU
        # downstream can mask the difference before any parameter (hypothesis found one:
        # d loss / d relu1 1.5e-2 apart, every parameter's gradient 6e-16).
        return
    for layer, mine, theirs in zip(model.layers, net.deltas(x, y), ref.deltas(x, y)):
        error = sn.relative_error(mine, theirs)
        assert error < tolerance, f"d loss / d {layer.name}: {error:.2e} {where}"
