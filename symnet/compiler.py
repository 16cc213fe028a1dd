"""The C compiler: which one, what it is, and the flags symnet gives it.

Both the models (:mod:`symnet.build`) and the shared runtime (:mod:`symnet.runtime`) are
compiled by ``$CC`` (else ``cc``), GCC or Clang, with the flags chosen here; a cache key
covers the command, the compiler's first line of ``--version`` and the flags.
"""

from __future__ import annotations

import functools
import os
import shlex
import subprocess

# -fno-trapping-math: symnet never reads the floating-point exception flags (a step's check
# tests the values), so the compiler may compute both sides of a choice and select, as every
# vector loop with one does: with trapping math GCC 12 kept the ReLU's derivative
# g*((y > 0) ? 1 : 0) a scalar loop with a branch wherever the target has no masked vector
# operations (AVX2), LeNet-5's slowest loop. No value changes: the same operations, in order.
OPTIMIZED = ("-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math")
SANITIZED = ("-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all")
# GCC turns short copy loops (an im2col row, the edge of a packed panel) into calls to
# memmove, which cost more than copying a few values in place; kept as loops, LeNet-5's
# training step ran about 6% faster.
GCC_OPTIMIZED = ("-fno-tree-loop-distribute-patterns",)
# The calls part of a model compiled in parts (model.c.j2: its entry points and the parallel
# regions that run the other parts) holds no loop a step spends its time in: those are in the
# forward and backward parts and in the runtime. So it is optimized lightly, after the flags
# above: the MLP's calls part took 0.23 s of GCC 12 at -O3, 0.11-0.15 s at -O1.
CALLS_PART = ("-O1",)
COMMON = ("-std=gnu11", "-fPIC", "-shared", "-fopenmp", "-Wall", "-Wno-unused-variable")
# cffi's wrapper (Python.h and a converter for each of the model's few entry points) is
# compiled apart from the model's C, beside it, and needs no -O3: a call passes its arguments
# through it once. At -O3 it took 0.38 s of GCC 12 for any model, at -O1 0.22 s.
WRAPPER = ("-O1",)


class BuildError(RuntimeError):
    """The C could not be compiled: no compiler, or the compiler refused the source."""


def compiler_command() -> list[str]:
    """The C compiler: ``$CC``, else ``cc``."""
    return shlex.split(os.environ.get("CC", "cc"))


@functools.lru_cache(maxsize=8)
def _compiler_version(command: tuple[str, ...]) -> str:
    """What the compiler prints for ``--version``."""
    try:
        result = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        raise BuildError(f"no C compiler found (tried {' '.join(command)!r}): install one, e.g. "
                         f"'apt-get install gcc', or set CC to its path") from None
    if result.returncode != 0:
        raise BuildError(f"the C compiler {' '.join(command)!r} does not run: {result.stderr.strip()}")
    return result.stdout


def compiler_identity(command: tuple[str, ...]) -> str:
    """The compiler's first line of ``--version``, part of the cache key."""
    return _compiler_version(command).splitlines()[0].strip()


def build_flags(command: tuple[str, ...], sanitize: bool = False) -> tuple[str, ...]:
    """The flags after COMMON: SANITIZED, or OPTIMIZED, plus GCC_OPTIMIZED for GCC."""
    if sanitize:
        return SANITIZED
    version = _compiler_version(command)
    gcc = "Free Software Foundation" in version and "clang" not in version.lower()
    return OPTIMIZED + (GCC_OPTIMIZED if gcc else ())


def wrapper_flags(command: tuple[str, ...], sanitize: bool = False) -> tuple[str, ...]:
    """The flags after COMMON for cffi's wrapper of a model: WRAPPER, or SANITIZED."""
    return SANITIZED if sanitize else WRAPPER


def run_compiler(arguments: list[str]) -> str | None:
    """Run the compiler with ``arguments``: None if it succeeded, else what it said (its last 4,000 characters)."""
    return run_compilers([arguments])


def run_compilers(commands: list[list[str]]) -> str | None:
    """Run the compiler once for each of ``commands``, all at once (each a process of its own,
    so the machine's cores share them): None if every one succeeded, else what the first
    that failed said (its last 4,000 characters)."""
    running = [subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for arguments in commands]
    said = [process.communicate()[1] for process in running]
    for process, error in zip(running, said):
        if process.returncode != 0:
            return error.strip()[-4000:]
    return None
