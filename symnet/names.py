"""Names: what a model, layer, activation or loss may be called.

A name becomes part of C identifiers (``conv1_forward``), of C comments and of file
names (an exported ``<model>.c``), so it is held to the narrowest rule that serves all of
them: an ASCII identifier of at most 64 characters, not one that the emitted C uses for
itself. Nothing else about a name is trusted anywhere.
"""

from __future__ import annotations

import re

from .errors import DeclarationError

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# Names whose C functions would collide with the emitted C's own: the loss's
# loss_value/loss_backward, and the sn_ prefix of every entry point and helper.
_RESERVED = re.compile(r"(loss|sn|sn_.*|SN_.*)", re.IGNORECASE)


def is_name(value) -> bool:
    """True for an acceptable name (see the module's docstring)."""
    return isinstance(value, str) and _IDENTIFIER.fullmatch(value) is not None and not _RESERVED.fullmatch(value)


def check_name(value, what: str) -> str:
    """``value`` if it is an acceptable name, else a DeclarationError naming ``what``."""
    if not is_name(value):
        shown = repr(value) if not isinstance(value, str) else repr(value[:80])
        raise DeclarationError(f"{what}: a name must be an ASCII identifier of at most 64 characters "
                               f"(letters, digits, _; not 'loss' or starting with 'sn_'), got {shown}")
    return value
