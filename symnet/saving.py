"""Save and load a trained net: its declaration (JSON) and weights (arrays) in one .npz.

No pickle: the declaration is each layer's constructor arguments, with formulas stored
as SymPy ``srepr`` text and read back by a parser that knows only SymPy's classes.
Files are written to a temporary name beside the target and renamed into place, so a
reader never sees half a file.
"""

from __future__ import annotations

import json

import numpy as np
import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair

from . import layers
from .files import write_atomically
from .model import Sequential

FORMAT = "symnet-net-1"
LAYER_KINDS = {cls.__name__: cls for cls in (
    layers.Input, layers.Conv2D, layers.MaxPool, layers.AvgPool, layers.Flatten, layers.Dense,
    layers.ReLU, layers.Sigmoid, layers.Tanh, layers.Activation)}
LOSS_KINDS = {cls.__name__: cls for cls in (layers.SoftmaxCrossEntropy, layers.MeanSquaredError, layers.Loss)}


# What an ``srepr`` may name: SymPy's expression classes and constants, and nothing that
# parses or evaluates strings (sympify, parse_expr, lambdify are functions, so left out).
FORMULA_NAMES = {name: value for name, value in vars(sp).items()
                 if isinstance(value, type) and issubclass(value, sp.Basic)}
FORMULA_NAMES.update(true=sp.true, false=sp.false, pi=sp.pi, E=sp.E, oo=sp.oo, zoo=sp.zoo, nan=sp.nan,
                     ExprCondPair=ExprCondPair)


def read_formula(text: str) -> sp.Expr:
    """A SymPy expression from its ``srepr``, built from SymPy's expression classes only."""
    if "__" in text:
        raise ValueError(f"not a stored SymPy formula: {text[:80]!r}")
    try:
        expr = eval(text, {"__builtins__": {}}, dict(FORMULA_NAMES))  # noqa: S307 - classes only, no builtins
        if not isinstance(expr, sp.Basic):
            raise TypeError(f"got {type(expr).__name__}")
        return expr
    except Exception as error:
        raise ValueError(f"not a stored SymPy formula: {text[:80]!r} ({error})") from None


def _substitute(formula: sp.Expr, *symbols: sp.Symbol):
    """A function of new symbols that puts them in place of the formula's x, or y and t."""
    def rebuild(*values):
        return formula.subs(dict(zip(symbols, values)), simultaneous=True)
    return rebuild


def model_to_dict(model: Sequential) -> dict:
    """The declaration of ``model`` as JSON values."""
    return {
        "name": model.name,
        "layers": [{"kind": type(layer).__name__, **layer.config()} for layer in [model.input, *model.layers]],
        "loss": {"kind": type(model.loss).__name__, **model.loss.config()},
    }


def model_from_dict(spec: dict) -> Sequential:
    """Rebuild a model from :func:`model_to_dict`'s output."""
    built = []
    for item in spec["layers"]:
        item = dict(item)
        kind = item.pop("kind")
        if kind not in LAYER_KINDS:
            raise ValueError(f"unknown layer kind {kind!r}")
        if kind == "Input":
            built.append(layers.Input(*item["shape"], name=item.get("name")))
        elif kind == "Activation":
            formula = read_formula(item["formula"])
            built.append(layers.Activation(item["function"], _substitute(formula, sp.Symbol("x", real=True)),
                                           item.get("name")))
        else:
            built.append(LAYER_KINDS[kind](**item))
    loss = dict(spec["loss"])
    kind = loss.pop("kind")
    if kind not in LOSS_KINDS:
        raise ValueError(f"unknown loss kind {kind!r}")
    if kind == "Loss":
        formula = read_formula(loss["formula"])
        real = [sp.Symbol(name, real=True) for name in ("y", "t")]
        loss_object = layers.Loss(loss["name"], _substitute(formula, *real))
    else:
        loss_object = LOSS_KINDS[kind]()
    return Sequential(*built, loss=loss_object, name=spec.get("name", "model"))


def save(net, path) -> None:
    """Store ``net``'s declaration, compiled settings and weights in ``path`` (.npz)."""
    header = {"format": FORMAT, "model": model_to_dict(net.model), "batch": net.batch, "dtype": net.dtype}
    arrays = {f"param:{name}": value for name, value in net.params.items()}
    write_atomically(path, lambda file: np.savez(file, header=np.array(json.dumps(header)), **arrays))


def load(path, batch: int | None = None, dtype: str | None = None):
    """A compiled net from :func:`save`'s file; ``batch`` and ``dtype`` default to the saved ones."""
    from .run import compile

    with np.load(path, allow_pickle=False) as stored:
        try:
            header = json.loads(str(stored["header"]))
        except KeyError:
            raise ValueError(f"{path}: not a symnet net (no header)") from None
        if header.get("format") != FORMAT:
            raise ValueError(f"{path}: unknown format {header.get('format')!r}")
        params = {key.split(":", 1)[1]: stored[key] for key in stored.files if key.startswith("param:")}
    model = model_from_dict(header["model"])
    return compile(model, batch=batch or header["batch"], dtype=dtype or header["dtype"], params=params)
