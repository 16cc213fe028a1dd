"""The weights file of an exported C library (``weights.bin``): what Python writes and reads.

The exported C (``<name>_load``, ``<name>_save``) reads and writes the same format, so a
net trained by the exported driver can be compared with one trained in Python, and
either can start from the other's weights. Every number is little-endian:

======  =====  ==============================================================
offset  bytes  field
======  =====  ==============================================================
0       8      magic: the ASCII characters ``SNWEIGHT``
8       4      version: 1
12      4      bytes per value: 4 (float32) or 8 (float64)
16      8      model key: a hash of the names and shapes of the parameters and running statistics
24      8      P: parameter values
32      8      B: running-statistic values (BatchNorm's; 0 for a model without)
40      8      S: optimizer-state values: 0 (a fresh state), or states x P
48      8      state key: a hash of the optimizer's kind and state names (0 when S is 0)
56      8      step_count: the training steps the net has taken (Dropout's key)
64      8      optimizer_steps: the steps its optimizer state has seen (t - 1)
72      ...    P parameter values, in the order of the parameter table, each tensor
               in PyTorch's layout; then B running statistics; then S state values
               (the first state for every parameter value, then the second, ...)
======  =====  ==============================================================

A file is exactly ``72 + (P + B + S) x bytes per value`` long.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..files import write_atomically

MAGIC = b"SNWEIGHT"
VERSION = 1
HEADER = struct.Struct("<8sII7Q")   # magic, version, value bytes, key, P, B, S, state key, two counts
DTYPES = {4: "float32", 8: "float64"}


def _key(text: str) -> int:
    """The first 8 bytes of ``text``'s SHA-256, as a little-endian number."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def model_key(model) -> int:
    """The hash of ``model``'s parameter and running-statistic names and shapes that a
    weights file carries: the file of another model is refused."""
    specs = [*model.param_specs(), *model.buffer_specs()]
    return _key("\n".join(f"{spec.name} {list(spec.shape)}" for spec in specs))


def state_key(optimizer) -> int:
    """The hash of ``optimizer``'s kind and state names: the state of another rule is refused."""
    return _key(f"{optimizer.kind}: {', '.join(optimizer.rule_state())}")


@dataclass
class Weights:
    """What a weights file holds, as arrays by name (the state as ``{state: {param: array}}``)."""

    dtype: str
    params: dict
    buffers: dict
    state: dict | None
    step_count: int
    optimizer_steps: int


def _flat(arrays: dict, specs, dtype) -> np.ndarray:
    parts = [np.asarray(arrays[spec.name], dtype).reshape(-1) for spec in specs]
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


def write_weights(path, model, dtype: str, params: dict, buffers: dict | None = None, optimizer=None,
                  state: dict | None = None, step_count: int = 0, optimizer_steps: int = 0) -> None:
    """Write ``params`` (and running statistics ``buffers``, and ``optimizer``'s ``state`` as
    ``{state name: {param name: array}}``, with the step counts) to ``path``, atomically."""
    real = np.dtype(dtype).newbyteorder("<")
    specs, buffer_specs = model.param_specs(), model.buffer_specs()
    values = [_flat(model.check_params(params), specs, real)]
    values.append(_flat(model.check_buffers(buffers) if buffer_specs else {}, buffer_specs, real))
    names = () if optimizer is None or state is None else optimizer.rule_state()
    for name in names:
        rows = state.get(name, {})
        values.append(_flat({spec.name: rows.get(spec.name, np.zeros(spec.shape)) for spec in specs}, specs, real))
    count = sum(spec.size for spec in specs)
    header = HEADER.pack(MAGIC, VERSION, real.itemsize, model_key(model), count,
                         sum(spec.size for spec in buffer_specs), count * len(names),
                         state_key(optimizer) if names else 0, int(step_count), int(optimizer_steps) if names else 0)
    data = header + b"".join(part.tobytes() for part in values)
    write_atomically(path, lambda file: file.write(data))


def read_weights(path, model, optimizer=None) -> Weights:
    """The weights in ``path`` for ``model`` (and its state, read for ``optimizer``'s rule).

    A file that is not one of ``model``'s raises a ValueError naming the file and the field.
    """
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) < HEADER.size:
        raise ValueError(f"{path}: header: {len(raw)} bytes, shorter than the {HEADER.size} of a weights file")
    magic, version, size, key, count, buffers, states, skey, steps, optimizer_steps = HEADER.unpack_from(raw)
    if magic != MAGIC:
        raise ValueError(f"{path}: magic: {magic!r} is not {MAGIC!r}: not a symnet weights file")
    if version != VERSION:
        raise ValueError(f"{path}: version: {version}, where this symnet reads version {VERSION}")
    if size not in DTYPES:
        raise ValueError(f"{path}: value size: {size} bytes, expected 4 (float32) or 8 (float64)")
    specs, buffer_specs = model.param_specs(), model.buffer_specs()
    params_count = sum(spec.size for spec in specs)
    if key != model_key(model) or count != params_count or buffers != sum(spec.size for spec in buffer_specs):
        raise ValueError(f"{path}: model key: the weights of another model than {model.name} "
                         f"({count:,} parameter values, {buffers:,} running statistics)")
    names = () if optimizer is None else optimizer.rule_state()
    if states and (states % max(count, 1) or (optimizer is not None and (skey != state_key(optimizer)
                                                                         or states != count * len(names)))):
        raise ValueError(f"{path}: state key: an optimizer state of {states:,} values that is not "
                         f"{'the one of ' + optimizer.describe() if optimizer is not None else 'states x parameters'}")
    for field, value in (("step_count", steps), ("optimizer_steps", optimizer_steps)):
        if not value < 2 ** 62:
            raise ValueError(f"{path}: {field}: {value}, not a count of steps (at most 2^62 - 1)")
    if optimizer_steps > steps:
        raise ValueError(f"{path}: optimizer_steps: {optimizer_steps}, more than the {steps} steps the net took")
    expected = HEADER.size + (count + buffers + states) * size
    if len(raw) != expected:
        raise ValueError(f"{path}: length: {len(raw):,} bytes, where its header says {expected:,}")
    values = np.frombuffer(raw, np.dtype(DTYPES[size]).newbyteorder("<"), offset=HEADER.size)
    if not np.isfinite(values).all():
        raise ValueError(f"{path}: values: not all finite")

    variances = values[count:count + buffers]
    at = 0
    for spec in buffer_specs:
        if spec.role == "running_var" and (variances[at:at + spec.size] < 0).any():
            raise ValueError(f"{path}: values: the running variance {spec.name} holds negative values")
        at += spec.size

    def unflat(flat, chosen):
        out, at = {}, 0
        for spec in chosen:
            out[spec.name] = flat[at:at + spec.size].reshape(spec.shape).astype(DTYPES[size])
            at += spec.size
        return out

    state = None
    if states and optimizer is not None:
        rows = values[count + buffers:].reshape(len(names), count)
        state = {name: unflat(row, specs) for name, row in zip(names, rows)}
    return Weights(dtype=DTYPES[size], params=unflat(values[:count], specs),
                   buffers=unflat(values[count:count + buffers], buffer_specs), state=state,
                   step_count=steps, optimizer_steps=optimizer_steps)

