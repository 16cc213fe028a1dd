"""Save and load a trained net: its declaration (JSON) and weights (arrays) in one .npz.

No pickle and no evaluation: the declaration is each layer's constructor arguments as
JSON, with formulas stored as SymPy ``srepr`` text that :func:`symnet.formulas.read_formula`
reads back with :mod:`ast` against an allow-list. Every field of a file is checked
(kinds, types, ranges, sizes) before anything is built from it, and the arrays' shapes
and dtypes are read from their headers and checked before their data is; a malformed
file is one ValueError that names the file and the field. Files are written to a
temporary name beside the target and renamed into place, so a reader never sees half a
file.
"""

from __future__ import annotations

import json
import math
import numbers
import zipfile

import numpy as np

from .files import write_atomically
from .layers import LAYERS, LOSSES
from .model import Model, name_layers
from .names import check_name, is_name
from .sizes import physical_memory, show_bytes

FORMAT = "symnet-net-2"          # a graph: each layer lists the tensors it reads
CHAIN_FORMAT = "symnet-net-1"    # read too: a chain, the Input first
# Bounds on what a file may hold before it is even parsed.
MAX_HEADER_BYTES = 1 << 20
MAX_LAYERS = 1000
MAX_INPUTS = 64   # tensors one layer reads
# Each kind's saved form is its FIELDS: its constructor's arguments and the JSON type of
# each: "int", "pair" (two ints), "shape" (1 to 8 ints), "bool", "name" (a name or null),
# "formula" (srepr text), "function" (a name), "number" (a finite int or float). A kind's
# OPTIONAL fields may be left out, for its constructor's default: a field added to a kind
# later, which files written before it do not have.


class _Malformed(ValueError):
    """A field of a saved file that is not what it must be; the loader adds the file."""


def _check(value, kind: str, where: str):
    """``value`` if it is of the saved field type ``kind``, else _Malformed naming ``where``."""
    def integer(item) -> bool:
        return isinstance(item, numbers.Integral) and not isinstance(item, bool) and abs(item) < 2 ** 31

    ok = {
        "int": lambda: integer(value),
        "pair": lambda: isinstance(value, list) and len(value) == 2 and all(map(integer, value)),
        "shape": lambda: isinstance(value, list) and 1 <= len(value) <= 8 and all(map(integer, value)),
        "bool": lambda: isinstance(value, bool),
        "name": lambda: value is None or is_name(value),
        "function": lambda: is_name(value),
        "formula": lambda: isinstance(value, str) and 0 < len(value) <= 100_000,
        "number": lambda: isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value),
    }[kind]()
    if not ok:
        shown = repr(value)
        raise _Malformed(f"{where}: expected {kind}, got {shown if len(shown) <= 60 else shown[:57] + '...'}")
    return value


def _fields(item, kinds: dict, where: str, extra_fields=()) -> dict:
    """A saved object's fields: a dict with a ``kind`` known in ``kinds`` and exactly its
    ``FIELDS`` (plus ``extra_fields``, which are not checked here)."""
    if not isinstance(item, dict):
        raise _Malformed(f"{where}: expected an object, got {type(item).__name__}")
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in kinds:
        raise _Malformed(f"{where}.kind: unknown kind {kind!r:.60}; known: {', '.join(kinds)}")
    fields = kinds[kind].FIELDS
    optional = set(getattr(kinds[kind], "OPTIONAL", ()))
    extra = sorted(set(item) - set(fields) - {"kind", *extra_fields})
    missing = sorted(set(fields) - set(item) - {"name"} - optional)
    if extra or missing:
        raise _Malformed(f"{where}: {kind} has {'unknown fields ' + str(extra) if extra else ''}"
                         f"{' and ' if extra and missing else ''}{'no ' + str(missing) if missing else ''}")
    return {key: _check(item.get(key), fields[key], f"{where}.{key}") for key in fields
            if key in item or key not in optional}


def model_to_dict(model: Model) -> dict:
    """The declaration of ``model`` as JSON values (see :meth:`symnet.model.Model.to_dict`)."""
    return model.to_dict()


def model_from_dict(spec) -> Model:
    """Rebuild a model from :meth:`~symnet.model.Model.to_dict`'s output (or a chain in the
    older form, whose first layer is the Input), checking every field first.

    Raises ValueError naming the field (``model.layers[3].kernel_size``) of anything that
    is not what ``to_dict`` writes, or the layer a declaration error concerns (a cycle, a
    read of an unknown tensor, shapes that do not fit).
    """
    chain = isinstance(spec, dict) and "input" not in spec
    keys = {"name", "layers", "loss"} | (set() if chain else {"input"})
    if not isinstance(spec, dict) or set(spec) != keys:
        raise _Malformed("model: expected an object with exactly name, input, layers and loss")
    name = check_name(spec["name"], "model.name")
    items = spec["layers"]
    if not isinstance(items, list) or not 1 + chain <= len(items) <= MAX_LAYERS:
        raise _Malformed(f"model.layers: expected a list of 1 to {MAX_LAYERS} layers")
    if chain:
        model_input, items = _build(items[0], {"Input": LAYERS["Input"]}, "model.layers[0]"), items[1:]
    else:
        model_input = _build(spec["input"], {"Input": LAYERS["Input"]}, "model.input")
    nodes = []
    kinds = {kind: cls for kind, cls in LAYERS.items() if kind != "Input"}   # the Input is not a layer after it
    for index, item in enumerate(items, start=chain):
        where = f"model.layers[{index}]"
        layer = _build(item, kinds, where, () if chain else ("inputs",))
        nodes.append((layer, () if chain else tuple(_reads(item.get("inputs"), f"{where}.inputs"))))
    loss = _build(spec["loss"], LOSSES, "model.loss")
    try:
        if chain:   # each layer reads the one before, named first (a layer's name may be null) as Sequential names it
            name_layers([layer for layer, _ in nodes], {model_input.name or "input"})
            previous = [model_input.name or "input"] + [layer.name for layer, _ in nodes]
            nodes = [(layer, (previous[index],)) for index, (layer, _) in enumerate(nodes)]
        return Model.from_nodes(model_input, nodes, loss, name)
    except ValueError as error:   # the layers do not fit together: the message names the layer
        raise _Malformed(f"model.layers: {error}") from None


def _reads(value, where: str) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_INPUTS or not all(map(is_name, value)):
        raise _Malformed(f"{where}: expected a list of 1 to {MAX_INPUTS} tensor names, got {value!r:.60}")
    return value


def _build(item, kinds: dict, where: str, extra_fields=()):
    """One layer or loss from its checked fields; its own declaration errors name ``where``."""
    fields = _fields(item, kinds, where, extra_fields)
    try:
        return kinds[item["kind"]].from_fields(fields, where)
    except ValueError as error:
        message = str(error)
        raise _Malformed(message if message.startswith(where) else f"{where}: {message}") from None


def save(net, path) -> None:
    """Store ``net``'s declaration, compiled settings, weights, running statistics and training
    state (its optimizer, the optimizer's state and the step counts) in ``path`` (.npz)."""
    header = {"format": FORMAT, "model": model_to_dict(net.model), "batch": net.batch, "dtype": net.dtype,
              "training": {"optimizer": net.optimizer.to_dict(), "step_count": net.step_count,
                           "optimizer_steps": net._optimizer_steps, "threads": net.threads,
                           "mode": "train" if net.training else "eval"}}
    arrays = {f"param:{name}": value for name, value in net.params.items()}
    arrays.update({f"buffer:{name}": value for name, value in net.buffers.items()})
    arrays.update({f"state:{state}:{name}": value for state, values in net.optimizer_state.items()
                   for name, value in values.items()})
    write_atomically(path, lambda file: np.savez(file, header=np.array(json.dumps(header)), **arrays))


def _array_header(archive: zipfile.ZipFile, member: str) -> tuple[tuple, np.dtype]:
    """The shape and dtype an .npy member declares, read without reading its data."""
    with archive.open(member) as file:
        version = np.lib.format.read_magic(file)
        if version not in ((1, 0), (2, 0)):
            raise _Malformed(f"{member}: unsupported .npy version {version}")
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(file, max_header_size=10_000)
    if dtype.hasobject or not isinstance(shape, tuple):
        raise _Malformed(f"{member}: holds objects, not numbers")
    return shape, dtype


def _array(archive: zipfile.ZipFile, member: str) -> np.ndarray:
    """An .npy member's data, once _array_header has checked what it declares."""
    with archive.open(member) as file:
        return np.lib.format.read_array(file, allow_pickle=False)


def _read(path) -> tuple[dict, Model, dict, dict, dict]:
    """The header, the model, the parameter, running-statistic and optimizer-state arrays of a
    saved file, every part checked."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _Malformed("not a symnet net (not an .npz archive)") from None
    with archive:
        members = archive.namelist()
        if "header.npy" not in members:
            raise _Malformed("not a symnet net (no header)")
        shape, dtype = _array_header(archive, "header.npy")
        if shape != () or dtype.kind != "U" or dtype.itemsize > MAX_HEADER_BYTES:
            raise _Malformed(f"header: expected one text of at most {MAX_HEADER_BYTES} bytes")
        declared, state_members = {}, {}
        for member in members:
            if member == "header.npy":
                continue
            if member.startswith("state:") and member.endswith(".npy"):
                state_members[member] = _array_header(archive, member)
                continue
            kind = member.partition(":")[0]
            if kind not in ("param", "buffer") or not member.endswith(".npy"):
                raise _Malformed(f"{member[:80]!r}: unexpected member")
            declared[kind, member[len(kind) + 1:-len(".npy")]] = (member, *_array_header(archive, member))
        try:
            header = json.loads(str(_array(archive, "header.npy")), parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise _Malformed(f"header: not valid JSON ({type(error).__name__})") from None
        _check_header(header)
        model = model_from_dict(header["model"])
        specs = {("param", spec.name): spec for spec in model.param_specs()}
        specs.update({("buffer", spec.name): spec for spec in model.buffer_specs()})
        for (kind, name), (member, shape, dtype) in declared.items():
            if (kind, name) not in specs:
                raise _Malformed(f"{kind}:{name[:60]}: not a {'parameter' if kind == 'param' else 'running statistic'} "
                                 "of the model")
            if shape != specs[kind, name].shape or dtype.kind != "f" or dtype.itemsize not in (4, 8):
                raise _Malformed(f"{kind}:{name}: expected float32 or float64 of shape {specs[kind, name].shape}, "
                                 f"got {dtype} of shape {shape}")
        for kind in ("param", "buffer"):
            missing = [name for key, name in specs if key == kind and (key, name) not in declared]
            if missing:
                raise _Malformed(f"{kind}s: missing {missing}")
        states = _state_members(state_members, {name: spec for (key, name), spec in specs.items() if key == "param"},
                                header)
        # A deflated member can be tiny and still declare gigabytes: add them up first.
        needed = sum(math.prod(shape) * dtype.itemsize for _, shape, dtype in declared.values())
        needed += sum(math.prod(shape) * dtype.itemsize for shape, dtype in state_members.values())
        memory = physical_memory()
        if memory is not None and needed > memory // 2:
            raise _Malformed(f"params: {show_bytes(needed)}, more than half of this machine's memory")
        arrays = {key: _array(archive, member) for key, (member, _, _) in declared.items()}
        params, buffers = ({name: value for (key, name), value in arrays.items() if key == kind}
                           for kind in ("param", "buffer"))
        state = {name: {param: _array(archive, member) for param, member in members_of.items()}
                 for name, members_of in states.items()}
    if "training" in header:
        _check_state(state, header["training"])
    return header, model, params, buffers, state


def _state_members(members: dict, specs: dict, header: dict) -> dict[str, dict[str, str]]:
    """The optimizer state's members by state and parameter name, each checked: a state name,
    a parameter of the model, its shape, a float dtype; every state holding every parameter."""
    states: dict[str, dict[str, str]] = {}
    if members and "training" not in header:
        raise _Malformed("state: optimizer state without the header's training field")
    for member, (shape, dtype) in members.items():
        state, _, name = member[len("state:"):-len(".npy")].partition(":")
        if not is_name(state) or name not in specs:
            raise _Malformed(f"{member[:80]!r}: not the state of a parameter of the model")
        if shape != specs[name].shape or dtype.kind != "f" or dtype.itemsize not in (4, 8):
            raise _Malformed(f"{member}: expected float32 or float64 of shape {specs[name].shape}, "
                             f"got {dtype} of shape {shape}")
        states.setdefault(state, {})[name] = member
    for state, by_param in states.items():
        missing = [name for name in specs if name not in by_param]
        if missing:
            raise _Malformed(f"state:{state}: missing {missing}")
    return states


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _check_header(header) -> None:
    if not isinstance(header, dict):
        raise _Malformed("header: expected an object")
    if header.get("format") not in (FORMAT, CHAIN_FORMAT):
        raise _Malformed(f"header.format: unknown format {header.get('format')!r:.60}")
    if set(header) - {"training"} != {"format", "model", "batch", "dtype"}:
        raise _Malformed(f"header: expected the fields format, model, batch, dtype (and training), "
                         f"got {sorted(header)!r:.120}")
    if "training" in header:
        _check_training(header["training"])
    if not (_check(header["batch"], "int", "header.batch") >= 1):
        raise _Malformed(f"header.batch: must be a positive integer, got {header['batch']}")
    if header["dtype"] not in ("float32", "float64"):
        raise _Malformed(f"header.dtype: expected float32 or float64, got {header['dtype']!r:.60}")


def _check_state(state: dict, training: dict) -> None:
    """The optimizer state holds finite numbers, and every value the saved optimizer's rule
    keeps once it has taken a step (a header edited to ``amsgrad`` without ``v_max`` is refused)."""
    for name, arrays in state.items():
        for param, array in arrays.items():
            if not np.isfinite(array).all():
                raise _Malformed(f"state:{name}:{param}: holds NaN or infinite values")
    optimizer = _check_training(training)
    if training["optimizer_steps"]:
        missing = [name for name in optimizer.rule_state() if name not in state]
        if missing:
            raise _Malformed(f"state:{missing[0]}: missing, and {optimizer.describe()} keeps it after the "
                             f"{training['optimizer_steps']} steps the header counts")


def _check_training(training):
    """The header's training field: an optimizer (read by the safe parser), two counts, and
    the thread count and mode of the net saved (optional: files before them lack them).
    Returns the optimizer."""
    from .optim.rule import optimizer_from_dict

    required, optional = {"optimizer", "step_count", "optimizer_steps"}, {"threads", "mode"}
    if not isinstance(training, dict) or not required <= set(training) <= required | optional:
        raise _Malformed("header.training: expected an object with optimizer, step_count and optimizer_steps "
                         "(and threads, mode)")
    for count in ("step_count", "optimizer_steps"):
        value = training[count]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2 ** 62:
            raise _Malformed(f"header.training.{count}: expected a count of steps, got {value!r:.60}")
    if "threads" in training and not (_check(training["threads"], "int", "header.training.threads") >= 1):
        raise _Malformed(f"header.training.threads: must be a positive integer, got {training['threads']}")
    if training.get("mode", "train") not in ("train", "eval"):
        raise _Malformed(f"header.training.mode: expected \"train\" or \"eval\", got {training['mode']!r:.60}")
    try:
        return optimizer_from_dict(training["optimizer"], "header.training.optimizer")
    except (ValueError, TypeError) as error:
        raise _Malformed(str(error)) from None


def read_net(path) -> tuple[dict, Model, dict, dict, dict]:
    """The header (format, model, batch, dtype, and training when saved), the model, the
    parameters, the running statistics and the optimizer's state (``{state: {parameter:
    array}}``) of a file that :func:`save` wrote (see :func:`symnet.load`, which compiles them).

    A file that is not exactly what :func:`save` writes raises one ValueError naming the
    file and the field; nothing in it is evaluated as code.
    """
    try:
        return _read(path)
    except ValueError as error:   # _Malformed, or a declaration error of what the file declares
        raise ValueError(f"{path}: {error}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, MemoryError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"{path}: not a readable symnet net ({type(error).__name__}: {error})") from None
