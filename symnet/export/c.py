"""Standalone C: a model as a C library with a documented API, and a driver that trains it.

``symnet export MODEL --out DIR`` and ``net.export(DIR)`` write, into DIR:

- ``<name>.h``, ``<name>.c``: the model's C, emitted from the same templates as the
  compiled net's (:func:`symnet.emit.emit` with ``standalone=True``: its entry points
  static), followed by a small API (``templates/export/api.c.j2``): a net that holds its
  buffers, parameters and running statistics to set and get, hyperparameters and the
  learning-rate schedule's numbers by name, forward, loss, predict, one training step, a
  training call over many minibatches, the mode, and the weights file
  (:mod:`symnet.export.weights`);
- ``sn_train.c``, ``sn_idx.c``, ``sn_idx.h``: the driver ``train`` that trains the net on
  IDX files (gzipped or not: ``sn_idx.c`` has its own inflate, so no zlib is needed);
- ``Makefile``: ``lib<name>.a`` and ``train`` with ``make`` and a C compiler alone;
- ``README.md``: the API, the weights format, how to build;
- ``weights.bin``: the weights the export was given.

The schedule's formula is compiled in, as the compiled net's is (``schedule_rate``, printed
from the same template); its numbers are the net's, set by name, and each step's rate is
the formula at the net's step count, as in ``net.fit``. With ``inference=True`` the C runs
forward only (no backward, no optimizer, no schedule, no driver), and a net is one struct of
fixed-size arrays that the caller declares: no allocation.
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

from ..emit import emit, template_folder
from ..emit import environment
from ..files import write_atomically
from ..layout import plan
from ..optim.builtin import SGD
from ..optim.rule import number
from ..optim.schedules import Schedule
from ..optim.state import CONSTANT, check_optimizer
from ..printer import DTYPES, comment
from ..settings import check_settings, positive_integer
from ..symbolic import text
from ..sizes import check_batch
from .weights import model_key, state_key, write_weights

SUPPORT = ("sn_idx.c", "sn_idx.h")   # copied as they are: they do not depend on the model


_STATIC = re.compile(r"^static\b(?:[^;{=(]|__attribute__\(\([^)]*\)\))*?\b([A-Za-z_]\w*)\s*[(\[=;]", re.M)
_ATTRIBUTE = re.compile(r"__attribute__\(\([^)]*\)\)")


def static_symbols(source: str) -> list[str]:
    """The names the C ``source`` defines at file scope as static (functions and variables)."""
    return sorted({match for match in _STATIC.findall(_ATTRIBUTE.sub("", source))})


def check_name(model, source: str) -> None:
    """The model's name makes the API's symbols (``<name>_forward``, ``<name>_load``, ...): it
    may not be one of its layers' names (whose statics are ``<layer>_forward``, ...), nor, with
    ``_``, begin a static symbol of the emitted C (``schedule_rate``, ``sn_train``, ``loss_value``,
    ``forward_range``, ...), or the C would define a name twice: a ValueError names the clash."""
    name = model.name
    layers = [layer.name for layer in model.layers]
    if name in layers:
        raise ValueError(f"model name: {name!r} is also the name of a layer; the exported C would define "
                         f"{name}_forward twice (rename the model or the layer)")
    clashes = [symbol for symbol in static_symbols(source) if symbol.startswith(name + "_")]
    if clashes:
        raise ValueError(f"model name: {name!r} clashes with the exported C's own symbol {clashes[0]} "
                         f"(its API's names begin with {name}_): rename the model")


def _tensors(specs, layout_places, rules=None) -> list[dict]:
    tensors = []
    for spec in specs:
        offset, shape = layout_places[spec.name]
        tensor = {"name": spec.name, "offset": offset, "size": spec.size, "shape": list(shape) or [1]}
        if rules is not None:
            kind, scale = rules[spec.name]
            tensor["init"] = (kind, repr(scale))
            tensor["init_text"] = {"fill": f"{scale:g}", "normal": f"He normal, std {scale:.6g}",
                                   "uniform": f"Glorot uniform, limit {scale:.6g}"}[kind]
        else:
            tensor["fill"] = repr(float(spec.fill))
        tensors.append(tensor)
    return tensors


def _min_minibatch(model) -> int:
    """The fewest samples a training minibatch may hold (BatchNorm: two values a channel); 0
    when no layer couples the samples."""
    layers = model.couples_samples
    if not layers:
        return 0
    for count in (1, 2):
        try:
            for layer in layers:
                layer.check_minibatch(count)
            return count
        except ValueError:
            continue
    return 2


def check_schedule(schedule, run_steps, lr_decay) -> tuple[Schedule, str | None, float]:
    """The schedule (default: constant), the name of its number that the driver sets to the
    run's step count (or None), and the rate's factor per epoch, checked: a TypeError or
    ValueError names the argument."""
    if schedule is None:
        schedule = CONSTANT
    elif not isinstance(schedule, Schedule):
        raise TypeError(f"schedule: expected a schedule such as sn.schedules.cosine(...), got {type(schedule).__name__}")
    if run_steps is not None and run_steps not in schedule.values:
        raise ValueError(f"run_steps: {run_steps!r:.60} is not a number of the schedule {schedule.description} "
                         f"({', '.join(schedule.values) or 'it has none'})")
    lr_decay = number(lr_decay, "lr_decay", high=1.0 + 1e-12, open_low=True)
    if lr_decay != 1.0 and schedule.structure() != CONSTANT.structure():
        raise ValueError("lr_decay: give a schedule or lr_decay, not both")
    return schedule, run_steps, lr_decay


def _schedule_context(schedule: Schedule, run_steps: str | None, lr_decay: float) -> dict:
    return {"description": comment(schedule.description), "formula": comment(f"lr(t) = {text(schedule.formula)}"),
            "values": {name: repr(float(value)) for name, value in schedule.values.items()},
            "scheduled": schedule.structure() != CONSTANT.structure(), "run_steps": run_steps,
            "run_index": None if run_steps is None else list(schedule.values).index(run_steps),
            "lr_decay": repr(float(lr_decay))}


def context(model, dtype: str, batch: int, optimizer, inference: bool, epochs: int,
            schedule: Schedule = CONSTANT, run_steps: str | None = None, lr_decay: float = 1.0) -> dict:
    """What the export's templates need."""
    from .. import __version__

    layout = plan(model, batch, gradients=not inference)
    item = DTYPES[dtype][0]
    classes = math.prod(model.output_shape) if model.loss.classifies else 0
    name = model.name
    memory = {"params": layout.param_size * (4 if dtype == "float32" else 8),
              "buffers": max(layout.buffer_size, 1) * (4 if dtype == "float32" else 8),
              "work": layout.work_size * (4 if dtype == "float32" else 8), "index": max(layout.index_size, 1) * 4}
    memory["total"] = sum(memory.values())
    hyper = {key: repr(float(value)) for key, value in optimizer.hyper.items()}
    return {
        "name": name, "NAME": name.upper(), "version": __version__, "dtype": dtype, "ctype": item, "batch": batch,
        "inference": inference, "model": model,
        "declaration": "\n *   ".join(textwrap.wrap(comment(str(model)), 88, break_on_hyphens=False)),
        "input_shape": model.input_shape, "output_shape": model.output_shape,
        "input_size": math.prod(model.input_shape), "output_size": math.prod(model.output_shape),
        "targets": model.loss.targets_per_sample, "classes": classes,
        "target_type": model.loss.target_type, "target_ctype": "int32_t" if classes else item,
        "param_size": layout.param_size, "buffer_size": layout.buffer_size, "work_size": layout.work_size,
        "index_size": layout.index_size, "memory": memory,
        "tensors": _tensors(model.param_specs(), layout.params, model.init_rules()),
        "buffer_tensors": _tensors(model.buffer_specs(), layout.buffers),
        "modes": not inference and any(layer.uses_run for layer in model.layers),
        "min_minibatch": 0 if inference else _min_minibatch(model),
        "states": list(optimizer.rule_state()), "hyper": hyper, "optimizer": comment(optimizer.describe()),
        "output_macro": f"{model.graph.output.upper()}_Y",
        "model_key": model_key(model), "state_key": state_key(optimizer),
        "epochs": epochs, "schedule": _schedule_context(schedule, run_steps, lr_decay),
    }


def export(folder, model, *, dtype: str = "float32", batch: int = 64, optimizer=None, params: dict | None = None,
           buffers: dict | None = None, state: dict | None = None, step_count: int = 0, optimizer_steps: int = 0,
           inference: bool = False, epochs: int = 1, schedule: Schedule | None = None, run_steps: str | None = None,
           lr_decay: float = 1.0) -> list[Path]:
    """Write ``model`` as a standalone C library (and, unless ``inference``, its training
    driver) into ``folder``, with ``params`` (default: ``model.init_params()``), running
    statistics ``buffers`` and ``optimizer``'s ``state`` in ``weights.bin``. ``optimizer``
    (default ``sn.SGD()``) is the update rule the C trains with, its hyperparameters the
    net's starting ones; ``epochs`` the driver's default. Returns the files written.

    ``schedule`` (default: constant) is the learning-rate schedule every training step
    follows, its formula compiled in and its numbers the net's starting ones; the driver
    sets the number named ``run_steps``, if given, to the step count at the end of its run
    (as ``symnet train`` makes a recipe's cosine span the run), and multiplies the rate by
    ``lr_decay`` after each epoch (as ``net.fit(lr_decay=)``; not with a schedule).

    Everything is checked before a file is written: a ValueError names the argument.
    """
    check_settings(dtype, batch)
    batch = int(batch)
    epochs = positive_integer(epochs, "epochs")
    optimizer = SGD() if optimizer is None else check_optimizer(optimizer)
    schedule, run_steps, lr_decay = check_schedule(schedule, run_steps, lr_decay)
    params = model.init_params() if params is None else model.check_params(params)
    buffers = model.init_buffers() if buffers is None else model.check_buffers(buffers)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"folder: {folder} exists and is not a folder")
    check_batch(model, plan(model, batch, gradients=not inference), batch, dtype, 1,
                states=len(optimizer.rule_state()))
    values = context(model, dtype, batch, optimizer, inference, epochs, schedule, run_steps, lr_decay)
    env = environment()
    source = emit(model, dtype, batch, optimizer, schedule, standalone=True, backward=not inference).source
    check_name(model, source)
    files = {
        f"{model.name}.h": env.get_template("export/api.h.j2").render(**values),
        f"{model.name}.c": source + env.get_template("export/api.c.j2").render(**values),
        "Makefile": env.get_template("export/Makefile.j2").render(**values),
        "README.md": env.get_template("export/README.md.j2").render(**values),
    }
    if not inference:
        files["sn_train.c"] = env.get_template("export/sn_train.c.j2").render(**values)
        for support in SUPPORT:
            files[support] = (template_folder() / "export" / support).read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in files.items():
        path = folder / file_name
        write_atomically(path, lambda file, text=text: file.write(text.encode()))
        written.append(path)
    path = folder / "weights.bin"
    write_weights(path, model, dtype, params, buffers, None if inference else optimizer, state,
                  step_count, optimizer_steps)
    written.append(path)
    return written


def export_net(net, folder, inference: bool = False, epochs: int = 1, schedule: Schedule | None = None,
               run_steps: str | None = None, lr_decay: float = 1.0) -> list[Path]:
    """Export a compiled net (:meth:`symnet.run.CompiledNet.export`): its model, dtype, batch,
    optimizer, and in ``weights.bin`` its weights, running statistics, optimizer state and
    step counts, so the exported C goes on from where the net is (with ``schedule``, at the
    net's step count, as ``net.fit(schedule=)`` would)."""
    optimizer = net.optimizer
    saved = net.optimizer_state
    state = {name: saved[name] for name in optimizer.rule_state() if name in saved}
    return export(folder, net.model, dtype=net.dtype, batch=net.batch, optimizer=optimizer, params=net.params,
                  buffers=net.buffers, state=state, step_count=net.step_count,
                  optimizer_steps=net._optimizer_steps, inference=inference, epochs=epochs, schedule=schedule,
                  run_steps=run_steps, lr_decay=lr_decay)
