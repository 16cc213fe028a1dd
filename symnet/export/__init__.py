"""Leaving symnet: a model and its weights as other tools take them."""
