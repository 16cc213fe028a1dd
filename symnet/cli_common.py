"""What every command of the command line shares: its refusal (CommandError), the argparse
types of its options, and the checks of the files and folders it will write."""

from __future__ import annotations

import argparse
import math
from pathlib import Path


class CommandError(Exception):
    """A refusal by the command line itself, such as ``compile --out`` naming a file."""


def _parsed(text: str, convert, ok, what: str):
    """``convert(text)`` if it converts and passes ``ok``, else argparse's error saying what was expected."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1 (batch sizes, epochs)."""
    return _parsed(text, int, lambda value: value >= 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """An argparse type: an integer >= 0 (seeds)."""
    return _parsed(text, int, lambda value: value >= 0, "a non-negative integer")


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (learning rates)."""
    return _parsed(text, float, lambda value: math.isfinite(value) and value > 0, "a positive finite number")


def fraction(text: str) -> float:
    """An argparse type: a number in [0, 1) (momentum: from 1 up, the velocity never decays)."""
    return _parsed(text, float, lambda value: 0 <= value < 1, "a number in [0, 1)")


def int_list(text: str) -> list[int]:
    """An argparse type: comma-separated integers >= 1, such as ``1,16,64``."""
    return _parsed(text, lambda listed: [int(part) for part in listed.split(",")], lambda values: min(values) >= 1,
                   "comma-separated positive integers")


def peer_list(text: str) -> list[str] | None:
    """An argparse type: ``--peers``, some of jax,pytensor,tinygrad, ``all`` (None) or ``none``."""
    from .bench import peer_names

    try:
        return peer_names(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--peers: ")) from None


def output_folder(text: str) -> Path:
    """``--out`` as a folder to write into, refused before any work if it names something else."""
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out}: exists and is not a folder")
    return out


def check_output_file(option: str, text: str) -> None:
    """Refuse an output file that cannot be written, before the work whose result it would keep."""
    path = Path(text)
    if path.is_dir():
        raise CommandError(f"{option} {path}: is a folder, not a file")
    if not path.parent.is_dir():
        raise CommandError(f"{option} {path}: there is no folder {path.parent}")
