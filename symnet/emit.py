"""Emit: one C translation unit per model, from the derivation and the templates.

One loop over the graph's nodes renders each node's template
(``templates/layers/<template>.c.j2``) with the context :mod:`symnet.lower` gives it;
``model.c.j2`` joins them with the layout's named offsets (:mod:`symnet.layout`), the
calls that run the nodes forward and backward, and the entry points. Every shape is a
compile-time constant, and the derived formulas are comments above the code that
computes them. Elementwise layers and losses apply the derivation's SymPy
expressions, printed by :class:`symnet.printer.CPrinter` after ``cse()`` and pow expansion, so a user's
formula needs no C written by hand. Dense and convolution layers are lowered onto one
matrix multiply, and max pooling onto a scatter to the argmax, each only after checking
that the derived partials are exactly what that lowering computes. The output is
byte-identical for the same model, dtype and batch.
"""

from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np

from .layout import GEMM, Layout, plan
from .lower import calls, epilogue_context, epilogues, folded_layers, head_call, node_context, segments, unfused_ranges
from .printer import DTYPES, comment
from .settings import check_settings
from .template_cache import TemplateCache


def lane_folds(lanes: int) -> list[tuple[int, list[int], list[int]]]:
    """The shuffles of sn_fold for vectors of ``lanes`` lanes: for each group width w (lanes
    down to 2), the lanes holding the first and the second half of every group of x and then
    of y, numbered as SN_SHUFFLE numbers them (x's lanes from 0, y's from ``lanes``)."""
    folds = []
    width = lanes
    while width > 1:
        first = [side + group * width + lane for side in (0, lanes)
                 for group in range(lanes // width) for lane in range(width // 2)]
        folds.append((width, first, [index + width // 2 for index in first]))
        width //= 2
    return folds


# The fewest samples a share of a step needs when the step's first layer runs by rows of its
# weight (lower.head_call): measured on the MLP (see SN_MIN_SHARE_ROWS in model.c.j2).
MIN_SHARE_ROWS = 8


def min_share(model) -> int:
    """The fewest samples worth giving one thread: below it, a thread's fixed costs (its own
    packed weights and gradient buffer, about 64 operations per parameter) outweigh its share."""
    return max(1, min(64, -(-64 * model.param_count // max(model.training_flops(), 1))))


@dataclass
class Emitted:
    """The C of a model: its source, the cdef of its entry points, and its buffer layout."""

    source: str
    cdef: str
    layout: Layout
    dtype: str
    batch: int
    parts: int = 1   # 3: compiled as three units at once, with SN_PART 1, 2 and 3 (see model.c.j2)


def template_folder():
    """The templates: inside the installed package, or beside it in a source checkout."""
    try:
        return importlib.resources.files("symnet.templates")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "templates"


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates' environment, made once a process: Jinja keeps each template it has parsed
    (about 0.15 s for a model's dozen), so a second emit, or the runtime's source, parses none;
    and their compiled form is kept in the build cache for the next process (symnet.template_cache)."""
    folder = template_folder()
    options = {"keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True}
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (folder / name).read_text(encoding="utf-8")),
        undefined=jinja2.StrictUndefined, bytecode_cache=TemplateCache(repr(sorted(options.items()))), **options,
    )
    env.filters["product"] = lambda shape: int(np.prod(shape))
    env.filters["comment"] = comment
    return env


def gemm_context(dtype: str) -> dict:
    """What templates/gemm.c.j2 reads: the element type, the blocking constants and the lane folds."""
    return {"ctype": DTYPES[dtype][0], "gemm": GEMM,
            "folds": {size: lane_folds(size // np.dtype(dtype).itemsize) for size in (64, 32, 16)}}


def emit(model, dtype: str = "float32", batch: int = 64, optimizer=None, schedule=None,
         standalone: bool = False, backward: bool = True) -> Emitted:
    """The C translation unit of ``model`` for ``dtype`` and a compiled batch of ``batch``,
    training with ``optimizer`` (default: ``sn.SGD()``) and the learning-rate ``schedule``
    (default: ``sn.schedules.constant()``); their formulas, not their numbers, are compiled in.

    ``standalone=True`` is the C of an exported library (:mod:`symnet.export.c`): its entry
    points are static, for the API that follows them, and it exports no layout. With
    ``backward=False`` it runs forward only: no gradients, no optimizer, no schedule, no
    training.
    """
    check_settings(dtype, batch)
    from . import __version__
    from .optim.builtin import SGD
    from .optim.c import schedule_context, update_context
    from .optim.schedules import constant
    from .runtime import runtime_context

    derivation = model.derivation()
    layout = plan(model, int(batch), gradients=backward)
    env = environment()
    update = update_context(SGD() if optimizer is None else optimizer, dtype)
    # Layers that fold a step of plain gradient descent into their backward (see
    # optim.c.fusable_when) do so in sn_train's steps, and the update skips their parameters.
    folded = folded_layers(model, backward and update["fusable_when"] is not None)
    update["unfused"] = unfused_ranges(layout, model, folded)
    # Activations whose forward runs in the loop of the layer they read (lower.epilogues).
    fused = epilogues(model.graph)
    # The first layer's forward by rows of its weight in a step (lower.head_call), or None.
    head = head_call(model.graph, folded)
    steps = {step.name: step for step in derivation.layers}
    inside = {node.name: producer for producer, node in fused.items()}
    # a model for Python that trains is compiled in parts at once (model.c.j2); exported C stays whole
    split = backward and not standalone
    layers = []
    for step in derivation.layers:
        context = node_context(step, model.graph, dtype)
        context["after"] = epilogue_context(steps[fused[step.name].name], dtype) if step.name in fused else None
        context["forward_in"] = inside.get(step.name)   # an activation whose forward runs there
        layers.append({"name": step.name, "code": env.get_template(f"layers/{step.layer.template}.c.j2").render(
            **context, with_backward=backward, split=split, fuse=step.name in folded,
            by_rows=head is not None and head["name"] == step.name)})
    loss = model.loss
    loss_context = {**loss.template_context(derivation.loss, dtype), "comments": loss.comments(derivation.loss),
                    "target_type": loss.target_type, "targets_per_sample": loss.targets_per_sample}
    loss_context["code"] = env.get_template(f"layers/{loss.template}.c.j2").render(**loss_context, dtype=dtype,
                                                                                  with_backward=backward)
    # C helpers the kinds call (a barrier, the keyed generator), each emitted once, in order.
    # (Dense layers that fold the update wait at a barrier before each share steps its rows.)
    helpers = list(dict.fromkeys([helper for step in derivation.layers for helper in step.layer.helpers]
                                 + (["helpers/barrier.c.j2"] if folded else [])))
    context = {
        "helpers": helpers,
        **gemm_context(dtype),
        "model": model, "graph": model.graph, "version": __version__, "dtype": dtype,
        "batch": int(batch), "layout": layout, "layers": layers, "loss": loss_context,
        "min_share": min_share(model), "min_share_rows": min(min_share(model), MIN_SHARE_ROWS),
        "segments": segments(calls(model.graph, folded, fused)), "output": model.graph.output.upper(),
        "specs": model.param_specs(),
        "optimizer": update, "fuse": bool(folded), "head": head,
        "schedule": schedule_context(constant() if schedule is None else schedule),
        "standalone": standalone, "with_backward": backward,
        # a library of its own includes the matrix multiply; a model for Python calls the runtime's
        "runtime": None if standalone else runtime_context(dtype),
        "winograd": any(getattr(layer, "winograd", False) for layer in model.layers),
        "split": split,
    }
    source = env.get_template("model.c.j2").render(**context)
    cdef = env.get_template("model.cdef.j2").render(**context)
    return Emitted(source=source, cdef=cdef, layout=layout, dtype=dtype, batch=int(batch),
                   parts=3 if split else 1)
