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

from . import layers
from .cache import CacheError
from .files import write_atomically
from .formulas import read_formula
from .model import Sequential
from .names import check_name, is_name
from .sizes import physical_memory, show_bytes
from .symbolic import real_symbol

FORMAT = "symnet-net-1"
# Bounds on what a file may hold before it is even parsed.
MAX_HEADER_BYTES = 1 << 20
MAX_LAYERS = 1000

# The saved form of each kind: its constructor's arguments and the JSON type of each.
# "int", "pair" (two ints), "shape" (1 to 8 ints), "bool", "name" (a name or null),
# "formula" (srepr text), "function" (a name).
LAYER_FIELDS = {
    "Input": {"shape": "shape", "name": "name"},
    "Conv2D": {"out_channels": "int", "kernel_size": "pair", "stride": "pair", "padding": "pair", "bias": "bool",
               "mean": "bool", "name": "name"},
    "MaxPool": {"kernel_size": "pair", "stride": "pair", "ceil_mode": "bool", "name": "name"},
    "AvgPool": {"kernel_size": "pair", "stride": "pair", "name": "name"},
    "Flatten": {"name": "name"},
    "Dense": {"out_features": "int", "bias": "bool", "name": "name"},
    "ReLU": {"name": "name"}, "Sigmoid": {"name": "name"}, "Tanh": {"name": "name"},
    "Activation": {"function": "function", "formula": "formula", "name": "name"},
}
LOSS_FIELDS = {"SoftmaxCrossEntropy": {}, "MeanSquaredError": {}, "Loss": {"name": "function", "formula": "formula"}}
KINDS = {name: getattr(layers, name) for name in (*LAYER_FIELDS, *LOSS_FIELDS)}


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
    }[kind]()
    if not ok:
        shown = repr(value)
        raise _Malformed(f"{where}: expected {kind}, got {shown if len(shown) <= 60 else shown[:57] + '...'}")
    return value


def _fields(item, expected: dict, where: str) -> dict:
    """A saved object's fields: a dict with a known ``kind`` and exactly its fields."""
    if not isinstance(item, dict):
        raise _Malformed(f"{where}: expected an object, got {type(item).__name__}")
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in expected:
        raise _Malformed(f"{where}.kind: unknown kind {kind!r:.60}; known: {', '.join(expected)}")
    fields = expected[kind]
    extra = sorted(set(item) - set(fields) - {"kind"})
    missing = sorted(set(fields) - set(item) - {"name"})
    if extra or missing:
        raise _Malformed(f"{where}: {kind} has {'unknown fields ' + str(extra) if extra else ''}"
                         f"{' and ' if extra and missing else ''}{'no ' + str(missing) if missing else ''}")
    return {key: _check(item.get(key), fields[key], f"{where}.{key}") for key in fields}


def _formula_fn(text: str, names: tuple[str, ...], where: str):
    """The callable an Activation or Loss is declared with, giving the stored formula."""
    symbols = tuple(real_symbol(name) for name in names)
    formula = read_formula(text, symbols, where)

    def rebuild(*values):
        return formula.xreplace(dict(zip(symbols, values)))
    return rebuild


def model_to_dict(model: Sequential) -> dict:
    """The declaration of ``model`` as JSON values."""
    return {
        "name": model.name,
        "layers": [{"kind": type(layer).__name__, **layer.config()} for layer in [model.input, *model.layers]],
        "loss": {"kind": type(model.loss).__name__, **model.loss.config()},
    }


def model_from_dict(spec) -> Sequential:
    """Rebuild a model from :func:`model_to_dict`'s output, checking every field first.

    Raises ValueError naming the field (``model.layers[3].kernel_size``) of anything that
    is not what :func:`model_to_dict` writes, or the layer a declaration error concerns.
    """
    if not isinstance(spec, dict) or set(spec) != {"name", "layers", "loss"}:
        raise _Malformed("model: expected an object with exactly name, layers and loss")
    name = check_name(spec["name"], "model.name")
    items = spec["layers"]
    if not isinstance(items, list) or not 2 <= len(items) <= MAX_LAYERS:
        raise _Malformed(f"model.layers: expected a list of 2 to {MAX_LAYERS} layers")
    built = []
    for index, item in enumerate(items):
        where = f"model.layers[{index}]"
        fields = _fields(item, LAYER_FIELDS, where)
        built.append(_build(item["kind"], fields, where))
    loss = _fields(spec["loss"], LOSS_FIELDS, "model.loss")
    loss = _build(spec["loss"]["kind"], loss, "model.loss")
    try:
        return Sequential(*built, loss=loss, name=name)
    except ValueError as error:   # the layers do not fit together: the message names the layer
        raise _Malformed(f"model.layers: {error}") from None


def _build(kind: str, fields: dict, where: str):
    """One layer or loss from its checked fields; its own declaration errors name ``where``."""
    try:
        if kind == "Input":
            return layers.Input(*fields["shape"], name=fields["name"])
        if kind == "Activation":
            fn = _formula_fn(fields["formula"], ("x",), f"{where}.formula")
            return layers.Activation(fields["function"], fn, fields["name"])
        if kind == "Loss":
            return layers.Loss(fields["name"], _formula_fn(fields["formula"], ("y", "t"), f"{where}.formula"))
        return KINDS[kind](**fields)
    except ValueError as error:
        message = str(error)
        raise _Malformed(message if message.startswith(where) else f"{where}: {message}") from None


def save(net, path) -> None:
    """Store ``net``'s declaration, compiled settings and weights in ``path`` (.npz)."""
    header = {"format": FORMAT, "model": model_to_dict(net.model), "batch": net.batch, "dtype": net.dtype}
    arrays = {f"param:{name}": value for name, value in net.params.items()}
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


def _read(path) -> tuple[dict, Sequential, dict]:
    """The header, the model and the parameter arrays of a saved file, every part checked."""
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
        declared = {}
        for member in members:
            if member == "header.npy":
                continue
            if not (member.startswith("param:") and member.endswith(".npy")):
                raise _Malformed(f"{member[:80]!r}: unexpected member")
            declared[member[len("param:"):-len(".npy")]] = (member, *_array_header(archive, member))
        try:
            header = json.loads(str(_array(archive, "header.npy")), parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise _Malformed(f"header: not valid JSON ({type(error).__name__})") from None
        _check_header(header)
        model = model_from_dict(header["model"])
        specs = {spec.name: spec for spec in model.param_specs()}
        for name, (member, shape, dtype) in declared.items():
            if name not in specs:
                raise _Malformed(f"param:{name[:60]}: not a parameter of the model")
            if shape != specs[name].shape or dtype.kind != "f" or dtype.itemsize not in (4, 8):
                raise _Malformed(f"param:{name}: expected float32 or float64 of shape {specs[name].shape}, "
                                 f"got {dtype} of shape {shape}")
        missing = [name for name in specs if name not in declared]
        if missing:
            raise _Malformed(f"params: missing {missing}")
        # A deflated member can be tiny and still declare gigabytes: add them up first.
        needed = sum(math.prod(shape) * dtype.itemsize for _, shape, dtype in declared.values())
        memory = physical_memory()
        if memory is not None and needed > memory // 2:
            raise _Malformed(f"params: {show_bytes(needed)}, more than half of this machine's memory")
        params = {name: _array(archive, member) for name, (member, _, _) in declared.items()}
    return header, model, params


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _check_header(header) -> None:
    if not isinstance(header, dict):
        raise _Malformed("header: expected an object")
    if header.get("format") != FORMAT:
        raise _Malformed(f"header.format: unknown format {header.get('format')!r:.60}")
    if set(header) != {"format", "model", "batch", "dtype"}:
        raise _Malformed(f"header: expected the fields format, model, batch and dtype, got {sorted(header)!r:.120}")
    if not (_check(header["batch"], "int", "header.batch") >= 1):
        raise _Malformed(f"header.batch: must be a positive integer, got {header['batch']}")
    if header["dtype"] not in ("float32", "float64"):
        raise _Malformed(f"header.dtype: expected float32 or float64, got {header['dtype']!r:.60}")


def load(path, batch: int | None = None, dtype: str | None = None):
    """A compiled net from :func:`save`'s file; ``batch`` and ``dtype`` default to the saved ones.

    A file that is not exactly what :func:`save` writes raises one ValueError naming the
    file and the field; nothing in it is evaluated as code.
    """
    from .run import compile

    try:
        header, model, params = _read(path)
    except ValueError as error:   # _Malformed, or a declaration error of what the file declares
        raise ValueError(f"{path}: {error}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, MemoryError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"{path}: not a readable symnet net ({type(error).__name__}: {error})") from None
    batch = header["batch"] if batch is None else batch
    dtype = header["dtype"] if dtype is None else dtype
    try:
        return compile(model, batch=batch, dtype=dtype, params=params)
    except CacheError:
        raise    # about the cache, not the file
    except ValueError as error:  # the weights (NaN, overflowing the dtype), or the settings asked for
        raise ValueError(f"{path}: {error}") from None
