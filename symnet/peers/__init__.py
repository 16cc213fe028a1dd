"""The peers: JAX, PyTensor and tinygrad training a symnet model from the same weights, for
the benchmark (``pip install -e '.[peers]'``).

Each peer builds its training step from the model's graph (each layer kind's
``peer_forward``, the loss's ``peer_loss``, the optimizer's own update rule: see
:mod:`symnet.peers.ops`). Before a peer is timed, its step is checked against symnet's
NumPy reference in float64 from the same float32 weights and batch: the parameters after
one step, and the gradient. A peer that differs by more than :data:`TOLERANCE` is flagged,
not ranked. A peer that cannot express the model is "n/a" with the reason.
"""

from __future__ import annotations

import importlib
import importlib.util
import time

import numpy as np

from .ops import PeerRun, Unsupported, dropout_scales

# peer name -> (the framework's import name, the module that builds its step)
PEERS = {"jax": ("jax", "jax_step"), "pytensor": ("pytensor", "pytensor_step"), "tinygrad": ("tinygrad", "tinygrad_step")}

# The largest relative difference (max |peer - reference| / max |reference| over each tensor)
# that counts as the same step in float32. symnet's float32 nets and the peers agree with
# the float64 reference to about 1e-6 on these models; a perturbed weight or a wrong rule
# differs by 1e-2 and more.
TOLERANCE = 1e-3

__all__ = ["PEERS", "TOLERANCE", "PeerRun", "Unsupported", "installed", "measure", "module", "relative_difference",
           "thread_env"]


def installed() -> list[str]:
    """The peers whose framework can be imported here, in the table's order."""
    return [name for name, (framework, _) in PEERS.items() if importlib.util.find_spec(framework) is not None]


def module(name: str):
    """The module that builds peer ``name``'s step (it imports its framework only when building)."""
    if name not in PEERS:
        raise ValueError(f"peers: unknown peer {name!r}; known: {', '.join(PEERS)}")
    return importlib.import_module(f"{__name__}.{PEERS[name][1]}")


def thread_env(names: list[str], threads: int) -> dict[str, str]:
    """The environment that limits each of ``names`` to ``threads`` threads (read by the
    frameworks when first imported, so a worker process is started with it)."""
    env = {}
    for name in names:
        env.update(module(name).thread_env(threads))
    return env


# A tensor whose largest value is below this share of the largest over all its fellows is
# measured against that instead: a convolution's bias before BatchNorm has the exact
# gradient 0, and in float32 what is left of it is rounding (1e-9 against the reference's 1e-18).
FLOOR = 1e-4


def _scales(reference: dict) -> dict:
    largest = {name: float(np.abs(np.asarray(value, dtype=np.float64)).max(initial=0.0))
               for name, value in reference.items()}
    floor = FLOOR * max(largest.values(), default=0.0)
    return {name: max(value, floor) or 1.0 for name, value in largest.items()}


def relative_difference(ours: dict, reference: dict, where: dict | None = None) -> float:
    """The largest, over the tensors, of max |ours - reference| / max |reference| (at least
    :data:`FLOOR` of the largest tensor's), the first maximum taken over the elements
    ``where`` holds (a boolean array per name; all if None)."""
    worst, scales = 0.0, _scales(reference)
    for name, expected in reference.items():
        difference = np.abs(np.asarray(ours[name], dtype=np.float64) - np.asarray(expected, dtype=np.float64))
        if where is not None:
            difference = difference[where[name]]
        worst = max(worst, float(difference.max(initial=0.0)) / scales[name])
    return worst


def well_conditioned(gradient: dict) -> dict:
    """The elements whose gradient is at least 1e-4 of its tensor's scale (see
    :func:`relative_difference`): float32 fixes their sign. Adam's first step moves every
    element by about lr·sign(g), so where |g| is within float32's rounding of 0 two right
    implementations may step 2·lr apart."""
    scales = _scales(gradient)
    return {name: np.abs(g) >= 1e-4 * scales[name] for name, g in gradient.items()}


def agreement(peer, model, optimizer, params: dict, x, y, after_one_step: dict) -> dict:
    """How far ``peer`` is from symnet's reference (float64) from the same weights ``params`` and
    batch: ``step``, its parameters after one step (``after_one_step``) against the reference's
    (where the gradient is well conditioned: see :func:`well_conditioned`);
    ``gradient``, its gradient at ``params`` (loaded into it again) against the reference's."""
    from ..reference import Reference

    x64 = np.asarray(x, dtype=np.float64)
    reference = Reference(model, params=params, optimizer=optimizer)
    gradient = reference.gradients(x64, y)
    reference.step(x64, y)
    # At the first weights, not the timed steps' last ones: those fit this one batch, and near
    # a zero loss a float32 softmax gradient (p - 1 with p close to 1) keeps few digits.
    peer.load(params)
    return {"step": relative_difference(after_one_step, reference.params, well_conditioned(gradient)),
            "gradient": relative_difference(peer.gradients(x, model.loss.peer_targets(y)), gradient)}


def prepare(name: str, model, optimizer, batch: int) -> dict:
    """Peer ``name`` built to train ``model`` with ``optimizer`` at ``batch``, ready to be timed:
    ``step`` (one training step) and ``finish(rate, cpu_per_wall)``, which takes what the timing
    found and gives :func:`measure`'s record; or ``{"na": reason}``."""
    from ..bench import random_data

    params, buffers = model.init_params(), model.init_buffers()
    x, y = random_data(model, batch)
    try:
        started = time.perf_counter()
        peer = module(name).build(model, optimizer, params, buffers, batch, dropout_scales(model, 0, batch))
        peer.bind(x, model.loss.peer_targets(y))
        peer.step()
        after_one_step = peer.parameters()
        peer.step()
        peer.step()
        first = time.perf_counter() - started
    except (Unsupported, NotImplementedError) as error:
        return {"na": str(error) or type(error).__name__}
    except Exception as error:   # the framework refused the graph: the row says why, the table goes on
        return {"na": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:200]}

    def finish(samples_per_second: float, cpu_per_wall: float) -> dict:
        check = agreement(peer, model, optimizer, params, x, y, after_one_step)
        return {"rate": samples_per_second, "first_call": max(0.0, first - 3 * batch / samples_per_second),
                **check, "agrees": max(check.values()) <= TOLERANCE, "cpu_per_wall": cpu_per_wall, "how": peer.how}

    return {"step": peer.step, "finish": finish}


def measure(name: str, model, optimizer, batch: int, rate) -> dict:
    """Peer ``name`` training ``model`` with ``optimizer`` at ``batch``: ``rate`` (samples per
    second, timed by ``rate(step, batch)``), ``cpu_per_wall`` (the process's CPU time over that
    timing's wall time: about the threads it used), ``first_call`` (seconds of building the step and
    of its first three calls beyond three timed steps: tracing and compiling), the agreement
    with the reference, ``agrees``, and ``how`` it ran; or ``{"na": reason}``."""
    prepared = prepare(name, model, optimizer, batch)
    if "na" in prepared:
        return prepared
    cpu, wall = time.process_time(), time.perf_counter()
    samples_per_second = rate(prepared["step"], batch)
    cpu_per_wall = (time.process_time() - cpu) / (time.perf_counter() - wall)   # the threads it kept busy
    return prepared["finish"](samples_per_second, cpu_per_wall)
