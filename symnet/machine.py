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


def cpu_identity(cpuinfo: str = "/proc/cpuinfo") -> str:
    """``"family 25, model 1"`` from /proc/cpuinfo (x86), else ''. A virtual machine may name
    its CPU only "AMD EPYC", which covers cores with and without AVX-512; the family and
    model tell them apart (25 and 1: Zen 3, AVX2; 25 and 17: Zen 4, AVX-512)."""
    fields = {}
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() in ("cpu family", "model") and key.strip() not in fields:
                    fields[key.strip()] = value.strip()
                if not line.strip() and fields:   # the first processor's block is enough
                    break
    except OSError:
        return ""
    if "cpu family" not in fields or "model" not in fields:
        return ""
    return f"family {fields['cpu family']}, model {fields['model']}"


def native_target(command: list[str], flags: tuple[str, ...]) -> str:
    """What ``-march=native`` stands for with this compiler (GCC: ``znver3``, ``skylake-avx512``),
    else '' (Clang does not say)."""
    try:
        result = subprocess.run([*command, *flags, "-Q", "--help=target"], capture_output=True, text=True,
                                timeout=60)
    except OSError:
        return ""
    for line in result.stdout.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == "-march=":
            return words[1]
    return ""


def predefined_macros(command: list[str], flags: tuple[str, ...]) -> set[str]:
    """The names the compiler predefines with ``flags`` (``cc -march=native -dM -E -``)."""
    result = subprocess.run([*command, *flags, "-dM", "-E", "-"], input="", capture_output=True, text=True,
                            timeout=60)
    if result.returncode != 0:
        return set()
    return {line.split()[1] for line in result.stdout.splitlines() if line.startswith("#define ")}


def vector_width(command: list[str] | None = None) -> dict:
    """``{"isa": "AVX-512", "bits": 512, "flags": "-O3 -march=native ...", "target": "znver4"}``
    for the compiler symnet builds with (``$CC`` or ``cc``) and its optimizing flags; ``isa``
    "none" if the compiler predefines none of :data:`VECTOR_MACROS` (or does not run);
    ``target`` what -march=native stands for, '' if the compiler does not say."""
    from .build import build_flags, compiler_command

    command = command or compiler_command()
    try:
        flags = build_flags(tuple(command))
        macros = predefined_macros(command, flags)
    except Exception as error:   # no compiler: the record says so rather than failing the benchmark
        return {"isa": "none", "bits": 0, "flags": "", "error": str(error)[:200]}
    target = native_target(command, flags)
    for macro, isa, bits in VECTOR_MACROS:
        if macro in macros:
            return {"isa": isa, "bits": bits, "flags": " ".join(flags), "target": target}
    return {"isa": "none", "bits": 0, "flags": " ".join(flags), "target": target}


def describe() -> dict:
    """The machine record a benchmark keeps: CPU model (and family), cores, vector width, Python,
    platform."""
    return {"cpu": cpu_model(), "cpu_identity": cpu_identity(), "cores": os.cpu_count(), "vector": vector_width(),
            "python": sys.version.split()[0], "platform": platform.platform()}
