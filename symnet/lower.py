"""Lower: each node of the graph to what its template needs, and to the calls that run it.

Every template gets the same base context (:func:`node_context`): the layer, its name,
its derived formulas as comments, its parameters' named offsets, how it stores the
gradient of each tensor it reads (written by the first contribution, added by the later
ones: see :meth:`symnet.graph.Graph.gradient_mode`), and its formulas printed as C with
``x``/``y``/``W``/``b`` as flat arrays. The layer kind adds what only it needs
(``Layer.template_context``). The calls in ``model.c.j2`` pass each node explicit
pointers to the tensors it reads and to their gradients (:func:`calls`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from .errors import FormulaError
from .printer import CPrinter, comment, elementwise
from .symbolic import text


@dataclass
class Lowering:
    """What a layer kind's ``template_context`` is given: the node's derivation, the dtype,
    printers for values (``x[...]``) and gradients (``dx[...]``), and the base context."""

    step: object      # symnet.derive.LayerDerivation
    dtype: str
    values: CPrinter
    grads: CPrinter
    context: dict


def node_context(step, graph, dtype: str) -> dict:
    """The template context of one node: the base every template gets, plus its kind's own.
    A constant that does not fit ``dtype`` is a FormulaError naming the layer."""
    try:
        return _node_context(step, graph, dtype)
    except FormulaError as error:
        message = str(error)
        raise FormulaError(message if message.startswith(step.layer.label) else f"{step.layer.label}: {message}") \
            from None


def _node_context(step, graph, dtype: str) -> dict:
    node, layer, symbols = step.node, step.layer, step.symbols
    modes = [graph.gradient_mode(node, slot) for slot in range(len(node.inputs))]
    labels = layer.input_labels
    context = {
        "layer": layer, "name": layer.name, "NAME": layer.name.upper(),
        "need_dx": modes[0] is not None, "add_dx": modes[0] == "add",
        "inputs": [{"x": label, "dx": "d" + label, "need": mode is not None, "add": mode == "add",
                    "reads": name, "size": math.prod(shape)}
                   for label, mode, name, shape in zip(labels, modes, node.inputs, layer.input_shapes)],
        "in_size": math.prod(layer.input_shape), "out_size": math.prod(layer.output_shape),
        "comments": [comment(f"{left} = {right}") for left, right in step.lines(text)]
                    + [comment(note) for note in symbols.notes],
        "offsets": {spec.role: f"{layer.name.upper()}_{spec.role.upper()}" for spec in layer.param_specs()},
    }
    shapes = dict(zip(labels, layer.input_shapes))
    shapes.update({"y": layer.output_shape, "argmax": layer.output_shape})
    shapes.update({"W" if spec.role == "weight" else "b": spec.shape for spec in layer.param_specs()})
    # Values print as x[...], W[...]; gradients as dx[...], dW[...]; argmax as index[...].
    values = CPrinter(dtype, {label: ("index" if label == "argmax" else label, shape) for label, shape in shapes.items()})
    grads = CPrinter(dtype, {label: ("d" + label, shape) for label, shape in shapes.items()})
    if isinstance(symbols.output, sp.Indexed):
        context["output_at"] = values.doprint(symbols.output)
        context["d_output_at"] = grads.doprint(symbols.output)
    if symbols.term is not None:
        context["term"] = values.doprint(symbols.term)
    if symbols.bias is not None:
        context["bias"] = values.doprint(symbols.bias)
    for partial in symbols.partials:
        key = ("input" if layer.arity == 1 else f"input{partial.of}") if isinstance(partial.of, int) else partial.of
        context[f"{key}_partial_text"] = comment(text(partial.expr))
        if not layer.prints_partials:   # sums over the batch: the kind prints its own
            continue
        context[f"{key}_partial"] = values.doprint(partial.expr)
        context[f"{key}_at"] = grads.doprint(partial.factor)
        if key == "input":
            context["pixel"] = values.doprint(partial.factor)
    context.update(layer.template_context(Lowering(step, dtype, values, grads, context)))
    return context


def matrix_lowering(step, printer: CPrinter) -> dict:
    """The scale factors of a dense or convolution layer lowered onto the matrix multiply.

    The multiply computes every ``Σ W x`` at once, so it is only right if the derived
    partials are those of ``term = s * W * x`` (``∂term/∂x = s W``, ``∂term/∂W = s x``,
    ``∂y/∂b`` a constant): checked here, not assumed.
    """
    symbols = step.symbols
    weight, pixel = symbols.partial("weight").factor, symbols.partial(0).factor
    scale = sp.simplify(symbols.term / (weight * pixel))
    if scale.free_symbols or sp.simplify(symbols.partial(0).expr - scale * weight) != 0 \
            or sp.simplify(symbols.partial("weight").expr - scale * pixel) != 0:
        raise AssertionError(f"{step.name}: derived partials do not match the matrix lowering")
    lowering = {"scale": printer.doprint(scale), "scale_text": "" if scale == 1 else f"{scale} * "}
    lowering["bias_scale_text"] = ""
    if symbols.bias is not None:
        bias_scale = symbols.partial("bias").expr
        if bias_scale.free_symbols:
            raise AssertionError(f"{step.name}: the bias partial {bias_scale} is not a constant")
        lowering["bias_scale_text"] = "" if bias_scale == 1 else f"{bias_scale} * "
    return lowering


def constant_partial(step, of) -> sp.Expr:
    """The partial with respect to ``of``, which the kind's template applies as a constant
    factor: an AssertionError if SymPy derived anything that is not a constant."""
    expr = step.symbols.partial(of).expr
    if expr.free_symbols:
        raise AssertionError(f"{step.name}: the partial with respect to {of!r} is {expr}, not a constant")
    return expr


def _tensor(graph, name: str, what: str, from_first: bool = True) -> str:
    """A pointer to the rows of tensor ``name``'s value (``Y``) or gradient (``DY``), from this
    thread's first sample (``first``), or with ``from_first=False`` from the chunk's first."""
    size = math.prod(graph.tensors[name].shape)
    if name == graph.input_name:
        if what != "Y":
            return "NULL"
        return "x + (long)first * SN_INPUT" if from_first else "x"
    base = f"work + {name.upper()}_{what}"
    return f"{base} + (long)first * {size}" if from_first else base


def folded_layers(model, fuse: bool) -> set[str]:
    """The nodes whose backward folds a step of plain gradient descent into itself when the
    optimizer's update is one (``fuse``): every kind that can (``fuses_update``)."""
    return {node.name for node in model.graph.nodes if fuse and node.layer.fuses_update}


def unfused_ranges(layout, model, folded: set[str]) -> list[tuple[int, int]]:
    """The ranges ``[start, end)`` of the parameters, in order, that belong to none of the
    ``folded`` layers: what the update loop and the sums of the shares' gradients still
    cover in a step whose folded layers update themselves."""
    taken = sorted((layout.params[spec.name][0], layout.params[spec.name][0] + math.prod(spec.shape))
                   for name in folded for spec in model.graph.node(name).layer.param_specs())
    ranges, start = [], 0
    for first, last in taken:
        if first > start:
            ranges.append((start, first))
        start = last
    if start < layout.param_size:
        ranges.append((start, layout.param_size))
    return ranges


def epilogues(graph) -> dict:
    """The elementwise activations whose forward runs inside the loop of the layer they read:
    producer name -> activation node, for each activation whose input is the output of a
    kind that ``takes_epilogue`` (BatchNorm, Add) and is read by nothing else. The producer
    writes its own output and, from the value in hand, the activation's, where a pass of
    the activation's own read the producer's output back (resnet: seven BatchNorm-ReLU pairs,
    six Add-ReLU ones). Both tensors are still written (``activations``, and backward reads
    both); the activation's backward is its own call, as before."""
    fused = {}
    for node in graph.nodes:
        if not node.layer.is_epilogue or node.inputs[0] == graph.input_name:
            continue
        producer = graph.node(node.inputs[0])
        if producer.layer.takes_epilogue and graph.tensors[node.inputs[0]].readers == [(node, 0)]:
            fused[producer.name] = node
    return fused


def epilogue_context(step, dtype: str) -> dict:
    """What a producer's template needs to run the forward of the activation of derivation
    ``step`` in its loop: C statements that set ``after[e]`` from ``x`` (the producer's
    output there), the activation's name and description, and its formula as text."""
    layer = step.layer
    return {"name": layer.name, "describe": comment(layer.describe()),
            # printed as in the activation's own loop (sn_expf in float), so the two agree to the bit
            "forward": elementwise(layer.expr, CPrinter(dtype, own_exp=True), "after[e]", layer.label),
            "forward_text": comment(text(layer.expr))}


def calls(graph, folded: set[str] = frozenset(), fused: dict | None = None) -> list[dict]:
    """Per node, in topological order: the C calls of its forward and backward for the
    samples ``[first, first + count)``, with explicit pointers to what it reads and writes.
    The backward of a node in ``folded`` also takes the run (its ``descent``), and the node
    has a ``descend`` call: its share of a step of plain gradient descent (see model.c.j2).
    A producer in ``fused`` (:func:`epilogues`) also takes its activation's output, and that
    activation's forward call is a comment saying where it runs. The node that
    :func:`head_call` runs by rows has ``by_rows``: a step that ran it so skips its call."""
    fused = fused or {}
    inside = {node.name: producer for producer, node in fused.items()}
    head = head_call(graph, folded)
    out = []
    for node in graph.nodes:
        layer = node.layer
        reads = [_tensor(graph, name, "Y") for name in node.inputs]
        grads = [_tensor(graph, name, "DY") for name in node.inputs]
        y, dy = _tensor(graph, node.name, "Y"), _tensor(graph, node.name, "DY")
        index = f"index + {node.name.upper()}_ARGMAX + (long)first * {layer.index_size()}" \
            if layer.index_size() else "index"
        descends = node.name in folded
        run = ", run" if layer.uses_run else ""   # the mode, step and threads (sn_run)
        backward_run = ", run" if layer.uses_run or descends else ""
        after = f", {_tensor(graph, fused[node.name].name, 'Y')}" if node.name in fused else ""
        out.append({
            "name": node.name,
            "couples": layer.couples_samples,
            "uses_run": layer.uses_run, "backward_uses_run": layer.uses_run or descends,
            "descend": f"{node.name}_descend(s, shares, total, {_tensor(graph, node.inputs[0], 'Y', False)}, "
                       f"{_tensor(graph, node.name, 'DY', False)}, (real *)params, scratch, whole->descent);"
                       if descends else None,
            "forward": f"/* {node.name}: in {inside[node.name]}_forward */" if node.name in inside else
                       f"{node.name}_forward(count, {', '.join(reads)},\n        {y}, params, {index}, scratch{run}{after});",
            "by_rows": head is not None and head["name"] == node.name,
            "backward": f"{node.name}_backward(count, {', '.join(reads)},\n        {y}, {dy},\n        "
                        f"{', '.join(grads)}, params, grads, {index}, scratch{backward_run});",
        })
    return out


def head_call(graph, folded: set[str]) -> dict | None:
    """The call that runs the first layer's forward by rows of its weight, when the first node
    reads the model's input, folds the step of gradient descent (``folded``) and can run its
    forward that way (``forward_by_rows``), else None. In a step, each share then computes its
    rows of that layer's output over every sample of the chunk: the rows of the weight that
    the share's descent writes, so that on several threads each reads only the part of the
    weight that stays in its own cache (the MLP's 401 kB first weight: each of two cores read
    all of it forward, half of it just written by the other core, and wrote back lines the
    other held). ``forward_rows`` is the C call for share ``s``; ``name`` the node."""
    node = graph.nodes[0] if graph.nodes else None
    if node is None or node.name not in folded or not node.layer.forward_by_rows \
            or list(node.inputs) != [graph.input_name]:
        return None
    return {"name": node.name,
            "forward_rows": f"{node.name}_forward_rows(s, shares, count, x, {_tensor(graph, node.name, 'Y', False)}, "
                            f"params, work + SN_SCRATCH_AT + (long)s * SN_SCRATCH);"}


def segments(node_calls: list[dict]) -> list[dict]:
    """The calls in runs: each run either couples the samples (its layers read every sample
    of the chunk, as BatchNorm does, so it runs once over a thread's samples) or not (it runs
    share by share; see ``model.c.j2``). Each run: ``couples``, its ``calls`` in order, and
    whether any of them reads the call's ``sn_run`` forward (``uses_run``) and backward
    (``backward_uses_run``)."""
    runs: list[dict] = []
    for call in node_calls:
        if not runs or runs[-1]["couples"] != call["couples"]:
            runs.append({"couples": call["couples"], "calls": [], "uses_run": False, "backward_uses_run": False})
        runs[-1]["calls"].append(call)
        runs[-1]["uses_run"] |= call["uses_run"]
        runs[-1]["backward_uses_run"] |= call["backward_uses_run"]
    return runs
