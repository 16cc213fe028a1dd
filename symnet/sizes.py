"""Sizes: which compiled batches the emitted C can index, and the bytes a compiled net holds.

The emitted C counts elements in 32-bit ``int`` in these places, each held to
:data:`~symnet.layers.base.MAX_ELEMENTS` (2**31 - 1) per sample and per parameter
tensor at declaration, and over a compiled batch by :func:`check_batch`:

- loops over a chunk's elements, ``for (int e = 0; e < count * SIZE; e++)``, in the
  activations and the elementwise losses, and ``n * classes`` in softmax cross-entropy;
- the index expressions SymPy's printer writes, ``784*n + 28*r + c``, in the pools and
  the dense bias, over a chunk's inputs, outputs and argmax positions;
- a convolution's rooms in scratch (``col + K * GROUP * P``, ``ld = group * P``), whose
  size does not depend on the batch;
- the optimizer's loop over all parameters (``for (int k = 0; k < SN_PARAMS; k++)``).

So a compiled batch must keep ``batch * size`` of every tensor of a sample (the input,
every layer's output, the targets) within the limit, and the work buffer too (its
offsets are constants in the C: C widens those past ``int``, but holding it to the limit
keeps every offset in reach of an ``int`` without relying on that). Offsets of a sample
within a chunk are computed in ``long`` (``(long)first * size``) and are not limited.
"""

from __future__ import annotations

import math
import os

import numpy as np

from .errors import DeclarationError
from .layers.base import MAX_ELEMENTS
from .layout import PACKS, Layout, plan


def buffer_sizes(model, layout: Layout, batch: int, threads: int, states: int = 1) -> dict[str, int]:
    """Elements of every buffer a net compiled for ``batch`` allocates, by name, with an
    optimizer keeping ``states`` values per parameter."""
    return {
        "params": layout.param_size,
        "grads": layout.param_size,
        "state": max(1, layout.param_size * states),   # (a rule without state: one value, unread)
        # Each thread after the first needs its own scratch room and gradient slice.
        "work": layout.work_size + (threads - 1) * layout.scratch_size,
        "thread_grads": layout.param_size * threads if threads > 1 else 1,
        "index": max(layout.index_size, 1),
        # Training in C gathers each shuffled chunk of samples here.
        "staging_x": batch * math.prod(model.input_shape),
        "staging_targets": batch * model.loss.targets_per_sample,
        # The weights and optimizer state before a call that trains, restored if it diverges.
        "params_before": layout.param_size,
        "state_before": max(1, layout.param_size * states),
        # Running statistics (BatchNorm's), and their copy from before a call that trains.
        "buffers": max(layout.buffer_size, 1),
        "buffers_before": max(layout.buffer_size, 1),
    }


def buffer_dtypes(model, dtype: str) -> dict[str, np.dtype]:
    """The NumPy dtype of each buffer: class labels and argmax positions are int32."""
    real = np.dtype(dtype)
    labels = model.loss.target_type == "int32_t"
    return {name: np.dtype(np.int32) if name == "index" or (name == "staging_targets" and labels) else real
            for name in ("params", "grads", "state", "work", "thread_grads", "index", "staging_x",
                         "staging_targets", "params_before", "state_before", "buffers", "buffers_before")}


def buffer_bytes(model, batch: int = 64, dtype: str = "float32", threads: int = 1, layout: Layout | None = None,
                 states: int = 1) -> int:
    """Bytes of all the buffers of ``model`` compiled for ``batch`` samples of ``dtype`` on
    ``threads`` threads (``layout``: its layout, when already made), with an optimizer keeping
    ``states`` values per parameter."""
    sizes = buffer_sizes(model, layout or plan(model, batch), batch, threads, states)
    dtypes = buffer_dtypes(model, dtype)
    return sum(size * dtypes[name].itemsize for name, size in sizes.items())


def physical_memory() -> int | None:
    """The machine's memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def show_bytes(count: int) -> str:
    """``count`` bytes for people: ``241.0 KiB``, ``12.3 MiB``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if count < 1024 or unit == "TiB":
            return f"{count:,} bytes" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024


def compiled_batch(batch: int, dtype: str, threads: int) -> str:
    """``a compiled batch of 64 (float32, 1 thread)``, as reports and errors say it."""
    return f"a compiled batch of {batch:,} ({dtype}, {threads} thread{'s' if threads > 1 else ''})"


def check_batch(model, layout: Layout, batch: int, dtype: str, threads: int, states: int = 1) -> int:
    """The bytes the buffers of a compiled batch take, or a ValueError naming ``batch`` when
    the C could not index them (see the module's docstring) or the machine could not hold them."""
    tensors = [("the input", math.prod(model.input_shape))]
    tensors += [(f"{layer.label}'s output", math.prod(layer.output_shape)) for layer in model.layers]
    tensors.append(("the targets", model.loss.targets_per_sample))
    for what, size in tensors:
        if batch * size > MAX_ELEMENTS:
            raise ValueError(f"batch: {batch:,} samples of {what} ({size:,} elements each) make {batch * size:,}, "
                             f"more than the {MAX_ELEMENTS:,} elements the emitted C indexes with int; "
                             f"compile a batch of at most {MAX_ELEMENTS // size:,}")
    for layer in model.layers:
        if PACKS + layer.scratch_size() > MAX_ELEMENTS:
            raise DeclarationError(f"{layer.label}: its scratch room ({PACKS + layer.scratch_size():,} elements) "
                                   f"is more than the {MAX_ELEMENTS:,} the emitted C indexes with int")
    if layout.work_size > MAX_ELEMENTS:
        per_sample = (layout.work_size - layout.scratch_size) // batch
        most = max(0, MAX_ELEMENTS - layout.scratch_size) // per_sample
        raise ValueError(f"batch: the work buffer of a compiled batch of {batch:,} holds {layout.work_size:,} elements, "
                         f"more than the {MAX_ELEMENTS:,} the emitted C indexes with int; "
                         f"compile a batch of at most {most:,}")
    needed = buffer_bytes(model, batch, dtype, threads, layout, states)
    memory = physical_memory()
    if memory is not None and needed > memory:
        raise ValueError(f"batch: {compiled_batch(batch, dtype, threads)} needs {show_bytes(needed)} "
                         f"({needed:,} bytes) of buffers, more than this machine's {show_bytes(memory)} of memory; "
                         "compile a smaller batch")
    return needed
