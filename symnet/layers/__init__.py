"""Every layer kind, each in one place: declaration, symbolic definition, NumPy mechanics,
template context, PyTorch twin, FLOPs and saved form. ``LAYERS`` and ``LOSSES`` are the
registries every stage looks kinds up in."""

from .activation import Activation, ReLU, Sigmoid, Tanh
from .base import LAYERS, DeclarationError, Input, Layer, ParamSpec, Partial, Symbols, register
from .conv import Conv2D
from .cross_entropy import BinaryCrossEntropyWithLogits, SoftmaxCrossEntropy
from .dense import Dense, Flatten
from .dropout import Dropout
from .join import Add, Concat, Residual
from .norm import BatchNorm
from .loss import L1, LOSSES, Huber, Loss, LossFunction, MeanSquaredError, register_loss
from .pool import AvgPool, GlobalAvgPool, MaxPool

__all__ = [
    "Activation", "Add", "AvgPool", "BatchNorm", "BinaryCrossEntropyWithLogits", "Concat", "Conv2D",
    "DeclarationError", "Dense", "Dropout", "Flatten", "GlobalAvgPool", "Huber", "Input", "L1", "LAYERS", "LOSSES",
    "Layer", "Loss", "LossFunction", "MaxPool", "MeanSquaredError", "ParamSpec",
    "Partial", "ReLU", "Residual", "Sigmoid", "SoftmaxCrossEntropy", "Symbols", "Tanh",
    "register", "register_loss",
]
