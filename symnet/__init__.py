"""symnet: declare a network in Python, see every derivative SymPy derives for it, and
train it with the C that symnet writes.

    import symnet as sn
    model = sn.Sequential(sn.Input(784), sn.Dense(10), loss=sn.SoftmaxCrossEntropy())
    print(model.derivation())
    ref = sn.Reference(model)
"""

from .check import CheckReport, check, finite_difference_gradients, relative_error
from .derive import Derivation, derive
from .layers import (
    Activation, AvgPool, Conv2D, DeclarationError, Dense, Flatten, Input, Loss, MaxPool,
    MeanSquaredError, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh,
)
from .errors import FormulaError
from .model import Sequential
from .reference import Reference
from .run import CompiledNet, DivergenceError, compile
from .saving import load

__version__ = "0.1.0"

__all__ = [
    "Activation", "AvgPool", "CheckReport", "check", "Conv2D", "DeclarationError", "Dense", "Derivation", "Flatten", "FormulaError", "Input",
    "Loss", "MaxPool", "MeanSquaredError", "ReLU", "Reference", "Sequential", "Sigmoid",
    "SoftmaxCrossEntropy", "Tanh", "CompiledNet", "compile", "derive", "load", "finite_difference_gradients", "relative_error",
    "DivergenceError",
]
