"""Emit: one C translation unit per model, from the derivation and the templates.

Every shape is a compile-time constant. The C of each layer kind lives in its own
template (``templates/layers/<kind>.c.j2``), with the derived formulas as comments above
the code that computes them. Elementwise layers and losses apply the derivation's SymPy
expressions, printed by :class:`symnet.printer.CPrinter` after ``cse()`` and pow expansion, so a user's
formula needs no C written by hand. Dense and convolution layers are lowered onto one
matrix multiply, and max pooling onto a scatter to the argmax, each only after checking
that the derived partials are exactly what that lowering computes. The output is
byte-identical for the same model, dtype and batch.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import sympy as sp

from .derive import LayerDerivation, role
from .layers import Activation, AvgPool, Conv2D, Dense, Flatten, MaxPool, SoftmaxCrossEntropy
from .layers.loss import BATCH
from .printer import DTYPES, CPrinter, comment, elementwise
from .symbolic import text

# The matrix multiply's blocking: MR rows per micro-tile; KC, MC, NC the packed block sizes
# (NC a multiple of every NR the vector widths give: 16 or 32 floats, 8 or 16 doubles).
# Unpacked instead: a transposed B under NT_ROWS rows of A, and sums at most THIN_K long.
GEMM = {"mr": 6, "kc": 256, "mc": 120, "nc": 512, "nt_rows": 64, "thin_k": 4}


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


def min_share(model) -> int:
    """The fewest samples worth giving one thread: below it, a thread's fixed costs (its own
    packed weights and gradient buffer, about 64 operations per parameter) outweigh its share."""
    return max(1, min(64, -(-64 * model.param_count // max(model.training_flops(), 1))))


TEMPLATE_OF = {Conv2D: "conv2d", Dense: "dense", MaxPool: "maxpool", AvgPool: "avgpool",
               Flatten: "flatten", Activation: "activation"}


@dataclass
class Layout:
    """Offsets (in elements) of every tensor in the parameter, work and index buffers."""

    params: dict = field(default_factory=dict)   # param name -> (offset, shape)
    outputs: dict = field(default_factory=dict)  # layer name -> offset of its output in work
    deltas: dict = field(default_factory=dict)   # layer name -> offset of d loss / d output in work
    index: dict = field(default_factory=dict)    # max-pool name -> offset of its argmax in index
    scratch: int = 0       # offset in work of each thread's room for the GEMM's packing and im2col
    scratch_size: int = 0  # that room for one thread; thread t's starts at scratch + t * scratch_size
    param_size: int = 0
    work_size: int = 0
    index_size: int = 0


def conv_group(layer: Conv2D) -> int:
    """How many samples a convolution multiplies at once: enough that the matrix multiply has
    at least 512 columns (output pixels), at most 16."""
    pixels = int(np.prod(layer.output_shape[1:]))
    return max(1, min(16, -(-512 // pixels)))


def conv_scratch(layer: Conv2D) -> int:
    """A convolution's room in scratch past the packing buffers: its im2col columns for
    conv_group(layer) samples; its output staged when it multiplies several samples at once
    (one sample's product is laid out as its output); one sample's input padded with zeros."""
    group, pixels = conv_group(layer), int(np.prod(layer.output_shape[1:]))
    channels, height, width = layer.input_shape
    staged = layer.out_channels if group > 1 else 0
    padded = (channels * (height + 2 * layer.padding[0]) * (width + 2 * layer.padding[1])
              if any(layer.padding) else 0)
    return (int(np.prod(layer.kernel)) * channels + staged) * group * pixels + padded


def layout(model, batch: int) -> Layout:
    """Where each parameter and each layer's output and gradient live."""
    plan = Layout()
    for spec in model.param_specs():
        plan.params[spec.name] = (plan.param_size, spec.shape)
        plan.param_size += spec.size
    for layer in model.layers:
        size = batch * int(np.prod(layer.output_shape))
        plan.outputs[layer.name] = plan.work_size
        plan.deltas[layer.name] = plan.work_size + size
        plan.work_size += 2 * size
        if isinstance(layer, MaxPool):
            plan.index[layer.name] = plan.index_size
            plan.index_size += size
    columns = [conv_scratch(layer) for layer in model.layers if isinstance(layer, Conv2D)]
    plan.scratch = plan.work_size
    plan.scratch_size = GEMM["mc"] * GEMM["kc"] + GEMM["kc"] * GEMM["nc"] + max(columns, default=0)
    plan.work_size += plan.scratch_size  # for one thread; a net with more threads allocates more
    return plan


@dataclass
class Emitted:
    """The C of a model: its source, the cdef of its entry points, and its buffer layout."""

    source: str
    cdef: str
    layout: Layout
    dtype: str
    batch: int


def template_folder():
    """The templates: inside the installed package, or beside it in a source checkout."""
    try:
        return importlib.resources.files("symnet.templates")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "templates"


def _environment() -> jinja2.Environment:
    folder = template_folder()
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (folder / name).read_text(encoding="utf-8")),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["product"] = lambda shape: int(np.prod(shape))
    env.filters["comment"] = comment
    return env


def _layer_context(step: LayerDerivation, position: int, plan: Layout, dtype: str) -> dict:
    """What a layer's template needs: shapes, offsets, and its formulas printed as C."""
    layer, symbols = step.layer, step.symbols
    context = {
        "layer": layer, "name": layer.name, "need_dx": position > 0,
        "in_size": int(np.prod(layer.input_shape)), "out_size": int(np.prod(layer.output_shape)),
        "comments": [comment(f"{left} = {right}") for left, right in step.lines(text)]
                    + [comment(note) for note in symbols.notes],
        "offsets": {spec.role: plan.params[spec.name][0] for spec in layer.param_specs()},
    }
    if isinstance(layer, Activation):
        context["forward"] = elementwise(layer.expr, CPrinter(dtype), "out[e]", layer.label)
        context["variable"] = "y" if layer.derivative_in_output else "x"
        context["slope_of"] = context["variable"]
        context["backward"] = elementwise(sp.Symbol("g") * layer.derivative, CPrinter(dtype), "dx[e]", layer.label)
        return context
    shapes = {"x": layer.input_shape, "y": layer.output_shape, "argmax": layer.output_shape}
    shapes.update({"W" if spec.role == "weight" else "b": spec.shape for spec in layer.param_specs()})
    # Values print as x[...], W[...]; gradients as dx[...], dW[...]; argmax as index[...].
    values = CPrinter(dtype, {label: ("index" if label == "argmax" else label, shape) for label, shape in shapes.items()})
    grads = CPrinter(dtype, {label: ("d" + label, shape) for label, shape in shapes.items()})
    context["output_at"] = values.doprint(symbols.output)
    context["d_output_at"] = grads.doprint(symbols.output)
    if isinstance(layer, MaxPool):
        context["index_at"] = values.doprint(sp.IndexedBase("argmax")[symbols.output.indices])
        # The template scatters each gradient to the argmax; that is the derived partial only if
        # the partial is the delta [u*kw + v = argmax].
        u, v = sp.symbols("u v", integer=True, nonnegative=True)
        expected = sp.KroneckerDelta(u * layer.kernel[1] + v, sp.IndexedBase("argmax")[symbols.output.indices])
        if step.partial("input") != expected:
            raise AssertionError(f"{layer.name}: derived partial {step.partial('input')} is not the argmax delta")
    if symbols.term is not None:
        context["term"] = values.doprint(symbols.term)
    if symbols.bias is not None:
        context["bias"] = values.doprint(symbols.bias)
    for factor, expr in symbols.partials.items():
        kind = role(factor)
        context[f"{kind}_partial"] = values.doprint(expr)
        context[f"{kind}_partial_text"] = comment(text(expr))
        context[f"{kind}_at"] = grads.doprint(factor)
        if kind == "input":
            context["pixel"] = values.doprint(factor)
    if isinstance(layer, (Dense, Conv2D)):
        context.update(_matrix_lowering(step, values))
    if isinstance(layer, Conv2D):
        context["group"] = conv_group(layer)
    return context


def _matrix_lowering(step: LayerDerivation, printer: CPrinter) -> dict:
    """The scale factors of a dense or convolution layer lowered onto the matrix multiply.

    The multiply computes every ``Σ W x`` at once, so it is only right if the derived
    partials are those of ``term = s * W * x`` (``∂term/∂x = s W``, ``∂term/∂W = s x``,
    ``∂y/∂b`` a constant): checked here, not assumed.
    """
    symbols = step.symbols
    weight, pixel = step.factor("weight"), step.factor("input")
    scale = sp.simplify(symbols.term / (weight * pixel))
    if scale.free_symbols or sp.simplify(step.partial("input") - scale * weight) != 0 \
            or sp.simplify(step.partial("weight") - scale * pixel) != 0:
        raise AssertionError(f"{step.name}: derived partials do not match the matrix lowering")
    lowering = {"scale": printer.doprint(scale), "scale_text": "" if scale == 1 else f"{scale} * "}
    if symbols.bias is not None:
        bias_scale = step.partial("bias")
        if bias_scale.free_symbols:
            raise AssertionError(f"{step.name}: the bias partial {bias_scale} is not a constant")
        lowering["bias_scale_text"] = "" if bias_scale == 1 else f"{bias_scale} * "
    else:
        lowering["bias_scale_text"] = ""
    return lowering


def _loss_context(model, derivation, dtype: str) -> dict:
    loss = model.loss
    owner = f"loss ({loss.describe()})"
    gradient = derivation.loss_gradient()
    # Inside the loss loops, z, t and p are scalars of the current element.
    printer = CPrinter(dtype, names={"p": "p", "z": "z", "t": "t"})
    total = sp.Symbol("total", positive=True)
    if isinstance(loss, SoftmaxCrossEntropy):
        t_n = sp.IndexedBase("t")[sp.Symbol("n", integer=True, nonnegative=True)]
        gradient = gradient.subs({t_n: sp.Symbol("label", integer=True), BATCH: total})
        return {"template": "loss_softmax_cross_entropy", "classes": loss.classes, "target_type": "int32_t",
                "targets_per_sample": loss.targets_per_sample,
                "gradient": elementwise(gradient, printer, "dz[k]", owner), "comments": _loss_comments(derivation)}
    cost = loss.expr.subs({loss.y: sp.Symbol("z", real=True), loss.t: sp.Symbol("t", real=True)})
    gradient = gradient.subs(BATCH, total)
    return {"template": "loss_elementwise", "size": int(np.prod(model.output_shape)), "target_type": "real",
            "targets_per_sample": loss.targets_per_sample,
            "cost": elementwise(cost, CPrinter(dtype), "cost", owner),
            "gradient": elementwise(gradient, printer, "dz[e]", owner),
            "comments": _loss_comments(derivation)}


def _loss_comments(derivation) -> list[str]:
    symbols = derivation.loss
    lines = [f"L = {text(symbols.forward)}"]
    lines += [f"∂L/∂{text(factor)} = {text(expr)}" for factor, expr in symbols.partials.items()]
    return [comment(line) for line in lines + list(symbols.notes)]


def positive_integer(value, argument: str) -> int:
    """``value`` as an int if it is a positive integer (not a bool), else a ValueError naming ``argument``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{argument}: expected a positive integer, got {value!r}")
    return int(value)


def check_settings(dtype: str, batch: int) -> None:
    """A ValueError unless ``dtype`` is known and ``batch`` a positive integer."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype: expected one of {sorted(DTYPES)}, got {dtype!r}")
    positive_integer(batch, "batch")


def emit(model, dtype: str = "float32", batch: int = 64) -> Emitted:
    """The C translation unit of ``model`` for ``dtype`` and a compiled batch of ``batch``."""
    check_settings(dtype, batch)
    from . import __version__

    derivation = model.derivation()
    plan = layout(model, int(batch))
    env = _environment()
    layers = []
    for position, step in enumerate(derivation.layers):
        context = _layer_context(step, position, plan, dtype)
        kind = next(template for cls, template in TEMPLATE_OF.items() if isinstance(step.layer, cls))
        layers.append({"name": step.layer.name, "code": env.get_template(f"layers/{kind}.c.j2").render(**context)})
    loss = _loss_context(model, derivation, dtype)
    loss["code"] = env.get_template(f"layers/{loss['template']}.c.j2").render(**loss, dtype=dtype)
    context = {
        "model": model, "version": __version__, "dtype": dtype, "ctype": DTYPES[dtype][0], "batch": int(batch),
        "layout": plan, "layers": layers, "loss": loss, "gemm": GEMM, "min_share": min_share(model),
        "steps": [(layer, plan.outputs[layer.name], plan.deltas[layer.name], plan.index.get(layer.name, 0))
                  for layer in model.layers],
        "specs": model.param_specs(),
        "folds": {size: lane_folds(size // np.dtype(dtype).itemsize) for size in (64, 32, 16)},
    }
    source = env.get_template("model.c.j2").render(**context)
    cdef = env.get_template("model.cdef.j2").render(**context)
    return Emitted(source=source, cdef=cdef, layout=plan, dtype=dtype, batch=int(batch))
