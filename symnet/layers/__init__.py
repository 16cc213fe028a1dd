"""Every layer kind, each in one place: declaration, symbolic definition, NumPy mechanics."""

from .activation import Activation, ReLU, Sigmoid, Tanh, is_rectifier
from .base import DeclarationError, Input, Layer, ParamSpec, Symbols
from .conv import Conv2D
from .dense import Dense, Flatten
from .loss import Loss, LossFunction, MeanSquaredError, SoftmaxCrossEntropy
from .pool import AvgPool, MaxPool

__all__ = [
    "Activation", "AvgPool", "Conv2D", "DeclarationError", "Dense", "Flatten", "Input", "Layer",
    "Loss", "LossFunction", "MaxPool", "MeanSquaredError", "ParamSpec", "ReLU", "Sigmoid",
    "SoftmaxCrossEntropy", "Symbols", "Tanh", "is_rectifier",
]
