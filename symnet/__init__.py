"""symnet: declare a network in Python, see every derivative SymPy derives for it, and
train it with the C that symnet writes.

    import symnet as sn
    model = sn.Sequential(sn.Input(784), sn.Dense(10), loss=sn.SoftmaxCrossEntropy())
    print(model.derivation())
    ref = sn.Reference(model)
"""

from .check import CheckReport, check, finite_difference_gradients, relative_error
from .derive import Derivation, derive
from .errors import FormulaError
from .export import export_onnx, from_onnx, from_torch, to_torch
from .export.onnx_formula import OnnxError
from .layers import (
    L1, Activation, Add, AvgPool, BatchNorm, BinaryCrossEntropyWithLogits, Concat, Conv2D, DeclarationError, Dense,
    Dropout, Flatten, GlobalAvgPool, Huber, Input, Loss, MaxPool, MeanSquaredError, ReLU, Residual, Sigmoid,
    SoftmaxCrossEntropy, Tanh,
)
from .model import Model, Sequential
from .optim import SGD, Adam, AdamW, Optimizer, RMSprop, schedules
from .reference import Reference
from .run import CompiledNet, DivergenceError, compile, load

__version__ = "0.1.0"


def __getattr__(name: str):
    # sn.plot is imported when first used, so that import symnet never imports matplotlib.
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'symnet' has no attribute {name!r}")

__all__ = [
    "Activation", "Add", "AvgPool", "BatchNorm", "BinaryCrossEntropyWithLogits", "CheckReport", "check", "Concat", "Conv2D",
    "DeclarationError", "Dense", "Derivation", "Dropout", "Flatten", "FormulaError", "GlobalAvgPool", "Huber", "Input", "L1",
    "Loss", "MaxPool", "MeanSquaredError", "Model", "ReLU", "Reference", "Residual", "Sequential", "Sigmoid",
    "SoftmaxCrossEntropy", "Tanh", "CompiledNet", "compile", "derive", "load", "finite_difference_gradients",
    "relative_error", "DivergenceError",
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "schedules",
    "export_onnx", "from_onnx", "from_torch", "to_torch", "OnnxError",
]
