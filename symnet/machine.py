"""The machine a benchmark ran on: the CPU's model, its cores, and the widest vectors the C
compiler targets with the flags symnet compiles with (``-march=native``: AVX-512, AVX2 or SSE).

The vector width is the compiler's answer, not the CPU's list of features: the emitted C is
vectorized by the compiler, so what it predefines for those flags is what the C used.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys

# The compiler's predefined macros, widest first: the vectors the emitted C can use.
VECTOR_MACROS = (("__AVX512F__", "AVX-512", 512), ("__AVX2__", "AVX2", 256), ("__AVX__", "AVX", 256),
                 ("__SSE2__", "SSE2", 128), ("__ARM_NEON", "NEON", 128))


def cpu_model() -> str:
    """The CPU's name from /proc/cpuinfo (``model name``), else what :mod:`platform` says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model") and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def predefined_macros(command: list[str], flags: tuple[str, ...]) -> set[str]:
    """The names the compiler predefines with ``flags`` (``cc -march=native -dM -E -``)."""
    result = subprocess.run([*command, *flags, "-dM", "-E", "-"], input="", capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        return set()
    return {line.split()[1] for line in result.stdout.splitlines() if line.startswith("#define ")}


def vector_width(command: list[str] | None = None) -> dict:
    """``{"isa": "AVX-512", "bits": 512, "flags": "-O3 -march=native ..."}`` for the compiler
    symnet builds with (``$CC`` or ``cc``) and its optimizing flags; ``isa`` "none" if the
    compiler predefines none of :data:`VECTOR_MACROS` (or does not run)."""
    from .build import build_flags, compiler_command

    command = command or compiler_command()
    try:
        flags = build_flags(tuple(command))
        macros = predefined_macros(command, flags)
    except Exception as error:   # no compiler: the record says so rather than failing the benchmark
        return {"isa": "none", "bits": 0, "flags": "", "error": str(error)[:200]}
    for macro, isa, bits in VECTOR_MACROS:
        if macro in macros:
            return {"isa": isa, "bits": bits, "flags": " ".join(flags)}
    return {"isa": "none", "bits": 0, "flags": " ".join(flags)}


def describe() -> dict:
    """The machine record a benchmark keeps: CPU model, cores, vector width, Python, platform."""
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "vector": vector_width(),
            "python": sys.version.split()[0], "platform": platform.platform()}
