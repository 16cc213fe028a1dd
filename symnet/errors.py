"""The errors symnet raises for what a user declares, each a ValueError."""


class DeclarationError(ValueError):
    """A model that cannot work, reported with the layer it concerns."""


class FormulaError(DeclarationError):
    """A formula that symnet cannot compute the same way in C and in NumPy."""
