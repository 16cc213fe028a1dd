"""Layout: where every parameter and every tensor's value and gradient live in the C's buffers.

One function, :func:`plan`, decides it from the graph, for a compiled batch. Emit writes
it into the C twice: as named offsets (``#define CONV1_Y 0``) that the code uses, and as
the array ``sn_layout`` that the compiled module exports; Run reads the layout from that
array (:meth:`Layout.read`), so nothing else works it out again.

Buffers: ``params`` (and ``grads``, laid out alike) hold every parameter in PyTorch's
layout; ``work`` holds, for each layer, its output ``y`` and then d loss / d ``y`` for a
compiled batch, and past them each thread's scratch room (the matrix multiply's packed
blocks and a layer's own room, such as a convolution's im2col columns); ``index`` holds
int32 values a layer keeps between forward and backward (a max pool's argmax);
``buffers`` holds the running statistics (BatchNorm's), and a layer's state in work (its
statistics of the chunk, shared by the threads) sits after the tensors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The matrix multiply's blocking: MR rows per micro-tile (MR_AVX512 under AVX-512, whose 32
# vector registers hold more of C); KC, MC, NC the packed block sizes (NC a multiple of every
# NR the vector widths give: 16 or 32 floats, 8 or 16 doubles; MC of both MRs).
# Unpacked instead: a transposed B under NT_ROWS rows of A, sums at most THIN_K long, and B
# read in place under FEW_ROWS (at most MC) rows of A.
GEMM = {"mr": 6, "mr_avx512": 8, "kc": 256, "mc": 120, "nc": 512, "nt_rows": 128, "thin_k": 4, "few_rows": 64}
PACKS = GEMM["mc"] * GEMM["kc"] + GEMM["kc"] * GEMM["nc"]   # the packed blocks of A and B
# Winograd's F(2x2, 3x3) for 3x3 convolutions of stride 1 with at least WINOGRAD_CHANNELS
# channels in and out (fewer make its multiplies too short) and pictures at least WINOGRAD_SIDE
# wide and high (short rows of tiles share a vector, so a 7x7 picture's 4 x 4 tiles fill one;
# resnet's 64-channel 7x7 convolutions went from 2.7 to 2.4 ms forward and 5.9 to 4.7 ms
# backward for 64 samples on one thread, against im2col); samples are multiplied together until
# WINOGRAD_COLUMNS tiles, as long as their transformed tiles take at most WINOGRAD_ROOM values
# (4 MiB of float32 a thread). Long multiplies pay most in the weight gradient, whose sums run
# over the tiles: from 128 tiles and 2^17 values to these, resnet's training step at batch 64
# went from 98 to 86 ms on one thread; 1024 and 2^21 overflow the caches and lose it again.
WINOGRAD_CHANNELS = 8
WINOGRAD_SIDE = 7
WINOGRAD_COLUMNS = 512
WINOGRAD_ROOM = 1 << 20
# F(4x4, 3x3) (36 products a tile of 16 outputs, against 16 for 4) on pictures at least
# WINOGRAD4_SIDE wide and high in both passes: resnet's 28x28 and 14x14 stages. A 14x14 picture's
# 4 x 4 tiles (a 16x16 cover, 31% more multiplies than it needs) fill a vector of 16 floats, and
# convolved a vector of tiles at a time (sn_wino4_fused) three 32-channel 14x14 convolutions with
# BatchNorm took 15.0-16.0 ms a step of 64 samples on one thread, against 17.9-20.5 with
# F(2x2, 3x3) (and 18.0-20.0 with F(4x4, 3x3) over groups of samples, the transforms stored by
# tile). Smaller pictures take it where both passes' pictures fit 2 x 2 tiles and lie side by side
# without showing through (Conv2D._packs: a 7x7 picture padded by 1, resnet's last stage), several
# samples to a vector (2 x 2 of them with 16 floats), their weight gradient by F(2x2, 3x3).
WINOGRAD4_SIDE = 14


@dataclass
class Place:
    """Where one tensor lives in work (its value and gradient) and in index (or None)."""

    value: int
    grad: int | None   # None in a layout without gradients (forward only)
    index: int | None = None


@dataclass
class Layout:
    """Offsets (in elements) of every tensor in the parameter, work and index buffers."""

    params: dict = field(default_factory=dict)   # param name -> (offset, shape)
    tensors: dict = field(default_factory=dict)  # layer name -> Place of its output
    buffers: dict = field(default_factory=dict)  # running statistic's name -> (offset, shape), in buffers
    states: dict = field(default_factory=dict)   # layer name -> offset in work of its state (Layer.state_size)
    buffer_size: int = 0
    scratch: int = 0       # offset in work of each thread's scratch room
    scratch_size: int = 0  # that room for one thread; thread t's starts at scratch + t * scratch_size
    param_size: int = 0
    work_size: int = 0
    index_size: int = 0

    def macros(self) -> list[tuple[str, int]]:
        """The named offsets the emitted C uses: ``CONV1_WEIGHT``, ``CONV1_Y``, ``CONV1_DY``, ..."""
        named = [(name.replace(".", "_").upper(), offset) for name, (offset, _) in self.params.items()]
        for name, place in self.tensors.items():
            named.append((f"{name.upper()}_Y", place.value))
            if place.grad is not None:
                named.append((f"{name.upper()}_DY", place.grad))
            if place.index is not None:
                named.append((f"{name.upper()}_ARGMAX", place.index))
        named += [(f"{name.upper()}_STATE", offset) for name, offset in self.states.items()]
        named += [(name.replace(".", "_").upper(), offset) for name, (offset, _) in self.buffers.items()]
        return named

    def numbers(self) -> list[int]:
        """The layout as the flat array ``sn_layout`` the module exports (see :meth:`read`)."""
        values = [self.param_size, self.work_size, self.index_size, self.scratch, self.scratch_size]
        values += [offset for offset, _ in self.params.values()]
        for place in self.tensors.values():
            values += [place.value, place.grad, -1 if place.index is None else place.index]
        if self.states or self.buffers:   # only then: the layout of other models stays as it was
            values += [self.buffer_size, *(offset for offset, _ in self.buffers.values()), *self.states.values()]
        return values

    @classmethod
    def read(cls, model, numbers) -> "Layout":
        """The layout a compiled module exports (:meth:`numbers`), named after ``model``'s graph."""
        specs, nodes = model.param_specs(), model.graph.nodes
        expected = 5 + len(specs) + 3 * len(nodes)
        exported, numbers = numbers, [int(numbers[k]) for k in range(expected)]
        layout = cls(param_size=numbers[0], work_size=numbers[1], index_size=numbers[2], scratch=numbers[3],
                     scratch_size=numbers[4])
        layout.params = {spec.name: (numbers[5 + k], spec.shape) for k, spec in enumerate(specs)}
        at = 5 + len(specs)
        for k, node in enumerate(nodes):
            value, grad, index = numbers[at + 3 * k:at + 3 * k + 3]
            layout.tensors[node.name] = Place(value, grad, None if index < 0 else index)
        buffers, stateful = model.buffer_specs(), [node.name for node in nodes if node.layer.state_size()]
        if buffers or stateful:
            at += 3 * len(nodes)
            extra = [int(exported[k]) for k in range(at, at + 1 + len(buffers) + len(stateful))]
            layout.buffer_size = extra[0]
            layout.buffers = {spec.name: (extra[1 + k], spec.shape) for k, spec in enumerate(buffers)}
            layout.states = dict(zip(stateful, extra[1 + len(buffers):]))
        return layout


def plan(model, batch: int, gradients: bool = True) -> Layout:
    """Where each parameter and each layer's output and gradient live, for ``batch`` samples;
    with ``gradients=False`` (a net that only runs forward), no room for the gradients."""
    layout = Layout()
    for spec in model.param_specs():
        layout.params[spec.name] = (layout.param_size, spec.shape)
        layout.param_size += spec.size
    for layer in model.layers:
        size = batch * math.prod(layer.output_shape)
        place = Place(layout.work_size, layout.work_size + size if gradients else None)
        layout.work_size += 2 * size if gradients else size
        if layer.index_size():
            place.index = layout.index_size
            layout.index_size += batch * layer.index_size()
        layout.tensors[layer.name] = place
    for layer in model.layers:   # shared by the threads, for the whole chunk (BatchNorm's statistics)
        if layer.state_size():
            layout.states[layer.name] = layout.work_size
            layout.work_size += layer.state_size()
    for spec in model.buffer_specs():
        layout.buffers[spec.name] = (layout.buffer_size, spec.shape)
        layout.buffer_size += spec.size
    layout.scratch = layout.work_size
    layout.scratch_size = PACKS + max((layer.scratch_size() for layer in model.layers), default=0)
    layout.work_size += layout.scratch_size  # for one thread; a net with more threads allocates more
    return layout
