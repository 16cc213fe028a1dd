"""Settings every stage checks the same way: a compiled net's dtype, batch and counts."""

from __future__ import annotations

import numpy as np

from .printer import DTYPES


def positive_integer(value, argument: str) -> int:
    """``value`` as an int if it is a positive integer (not a bool), else a ValueError naming ``argument``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{argument}: expected a positive integer, got {value!r}")
    return int(value)


def count(value, argument: str) -> int:
    """``value`` as an int if it is a whole count, 0 or more (not a bool), else a ValueError naming ``argument``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{argument}: expected a count (a whole number, 0 or more), got {value!r:.60}")
    return int(value)


def flag(value, argument: str) -> bool:
    """``value`` if it is True or False (NumPy's too), else a TypeError naming ``argument``:
    a string such as "no" would otherwise read as true."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{argument}: expected True or False, got {value!r:.60}")
    return bool(value)


def check_settings(dtype: str, batch: int) -> None:
    """A ValueError unless ``dtype`` is known and ``batch`` a positive integer."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype: expected one of {sorted(DTYPES)}, got {dtype!r}")
    positive_integer(batch, "batch")
