"""The templates' compiled form, kept in the build cache.

Jinja turns each template into Python code before rendering it: for a model's dozen
templates that is about 0.15 s, more than the rest of emitting. Kept as Jinja's bytecode in
``<root>/templates/`` of the build cache, it is parsed once per machine instead of once per
process. Loading bytecode runs it, so these files are held to the cache's rules (see
:mod:`symnet.cache`): read only when they and their folders are ours, private and not links;
written atomically. Unlike a model, a template never needs the cache: one that is missing,
damaged, untrusted or unwritable is simply compiled again from its source, which Jinja also
does when the source no longer matches the checksum stored with the bytecode.

Before the build cache, the package's own copy is tried (:mod:`symnet.precompiled`), so that
a process's first compile on a machine does not parse the templates either.
"""

from __future__ import annotations

import hashlib
import io

import jinja2
import jinja2.bccache

from . import precompiled
from .cache import CacheError, make_folder, open_root, trusted
from .files import write_atomically


class TemplateCache(jinja2.BytecodeCache):
    """Jinja's bytecode for each template, in the build cache; ``options`` names the
    environment's settings, which shape the code as much as the source does."""

    def __init__(self, options: str):
        self.options = options

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        record = f"{bucket.key}\0{jinja2.__version__}\0{self.options}"
        return hashlib.sha256(record.encode()).hexdigest()[:32] + ".jinja"

    def get_bucket(self, environment, name, filename, source) -> jinja2.bccache.Bucket:
        """Jinja's get_bucket, with the template's name and source checksum kept on the bucket
        for :meth:`load_bytecode`."""
        bucket = jinja2.bccache.Bucket(environment, self.get_cache_key(name, filename),
                                       self.get_source_checksum(source))
        bucket.template = name
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        shipped = precompiled.load(getattr(bucket, "template", ""), bucket.checksum, self.options)
        if shipped is not None:
            bucket.code = shipped
            return
        try:
            root = open_root(create=False)
            if root is None or not trusted(root / "templates", folder=True):
                return
            path = root / "templates" / self._name(bucket)
            if not trusted(path, folder=False):
                return
            data = path.read_bytes()
        except (CacheError, OSError):
            return   # compiled from the source instead
        bucket.load_bytecode(io.BytesIO(data))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            root = open_root(create=False)
            if root is None:
                return   # emitting alone (symnet export, generate) does not make a cache
            folder = make_folder(root / "templates")
            write_atomically(folder / self._name(bucket), lambda file: bucket.write_bytecode(file), mode=0o600,
                             durable=False)   # a torn file fails Jinja's checks and is compiled again
        except (CacheError, OSError, ValueError):
            pass   # kept in this process only
