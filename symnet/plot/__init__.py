"""Pictures of a network and its training, drawn with matplotlib (``pip install 'symnet[plot]'``).

- :func:`feature_maps`: one sample's input, every chosen layer's maps and the output votes;
- :func:`filters`: a convolution's kernels;
- :func:`history`: the loss, accuracy and learning-rate curves of ``fit``;
- :func:`derivation`: a model's derivation typeset by matplotlib's mathtext.

Each returns a :class:`matplotlib.figure.Figure`. The figures are made without pyplot, so
drawing many of them (a script, the command line) keeps no global state and needs no
screen; in Jupyter, a returned figure shows itself. ``path=`` writes the figure to a file
(its format from the suffix, written atomically); ``ax=`` (one panel) or ``fig=`` (a grid:
a Figure or SubFigure) draws into what you already have.

``import symnet`` does not import matplotlib: this module is imported when ``sn.plot`` is
first used.
"""

from __future__ import annotations

try:
    import matplotlib  # noqa: F401  (only to say clearly what is missing)
except ImportError as error:
    raise ImportError("symnet.plot draws with matplotlib, which is not installed: "
                      "pip install 'symnet[plot]'") from error

from .curves import history
from .maps import feature_maps, filters
from .typeset import derivation

__all__ = ["derivation", "feature_maps", "filters", "history"]
