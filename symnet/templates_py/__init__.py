"""Jinja's Python for each template in templates/, written by ``symnet generate``: see symnet.precompiled."""
