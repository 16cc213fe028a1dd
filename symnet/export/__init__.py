"""Leaving symnet, and coming in: a model and its weights as other tools take them.

``onnx.py`` writes ONNX, ``onnx_formula.py`` turns formulas into ONNX operators and back,
``onnx_in.py`` and ``onnx_ops.py`` read ONNX; ``torch.py`` makes a ``torch.nn.Module``, and
``torch_in.py`` with ``torch_formulas.py`` reads one; ``importing.py`` is what both readers
share. onnx and torch are extras, imported only when these functions run.
"""

from __future__ import annotations


def export_onnx(model, params: dict, path, buffers: dict | None = None, dtype: str = "float32") -> None:
    """Write ``model`` with ``params`` (and running statistics ``buffers``) to the ONNX file
    ``path``: see :func:`symnet.export.onnx.to_onnx`."""
    from .onnx import export_onnx as write

    write(model, params, path, buffers, dtype)


def from_onnx(path, loss=None, name: str = "model") -> tuple:
    """``(model, params)`` from an ONNX file: see :func:`symnet.export.onnx_in.from_onnx`."""
    from .onnx_in import from_onnx as read

    return read(path, loss, name)


def from_torch(module, input_shape, loss=None, name: str = "model") -> tuple:
    """``(model, params)`` from a ``torch.nn.Module``: see :func:`symnet.export.torch_in.from_torch`."""
    from .torch_in import from_torch as read

    return read(module, input_shape, loss, name)


def to_torch(model, params: dict, buffers: dict | None = None):
    """``model`` as a float64 ``torch.nn.Module`` holding ``params`` (and ``buffers``): see
    :func:`symnet.export.torch.to_torch`."""
    from .torch import to_torch as make

    return make(model, params, buffers)


class Leaving:
    """``export_onnx`` and ``to_torch`` for a compiled net and the reference, which supply
    ``model``, ``params``, ``buffers``, ``training`` and ``step_count``."""

    def export_onnx(self, path, dtype: str = "float32") -> None:
        """Write the model with the current weights and running statistics to the ONNX file
        ``path`` (eval mode; ``dtype`` "float32", which onnxruntime runs, or "float64")."""
        export_onnx(self.model, self.params, path, self.buffers, dtype)

    def to_torch(self):
        """The model as a ``torch.nn.Module`` holding the current weights and running
        statistics, in the net's dtype and mode; its Dropouts draw symnet's masks for the
        next step (``step_count``)."""
        from .torch import KeyedDropout

        twin = to_torch(self.model, self.params, self.buffers)
        if getattr(self, "dtype", "float64") == "float32":
            twin = twin.float()
        for module in twin.modules():
            if isinstance(module, KeyedDropout):
                module.step = self.step_count
        return twin.train(self.training)
