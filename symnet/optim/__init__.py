"""Training rules as formulas: optimizers (update rules) and learning-rate schedules.

- :mod:`.rule`: :class:`Optimizer`, an update rule as an ordered list of SymPy assignments,
  and its saved form;
- :mod:`.builtin`: ``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, each equal to its
  ``torch.optim`` namesake;
- :mod:`.c`: an update rule as one C loop over the parameters, and a schedule as a C
  function of the step count;
- :mod:`.state`: a compiled net's optimizer, its state and step counts;
- :mod:`.reference`: the reference's steps, evaluated by NumPy from the same formulas;
- :mod:`.schedules`: the learning rate as a formula of the step count.
"""

from . import schedules
from .builtin import SGD, Adam, AdamW, RMSprop
from .rule import Optimizer, optimizer_from_dict

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "optimizer_from_dict", "schedules"]
