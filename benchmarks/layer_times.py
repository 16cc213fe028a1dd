"""Time a compiled net's training step layer by layer, in C.

    PYTHONPATH=. python benchmarks/layer_times.py resnet --batch 64 --steps 30
    PYTHONPATH=. python benchmarks/layer_times.py resnet --keep /tmp/rn   # keep the instrumented C

The model is exported as its standalone C library (``symnet export``), every layer call in
the forward and backward passes (and the loss, the optimizer's update) is wrapped in reads of
the thread's CPU time (CLOCK_THREAD_CPUTIME_ID, so other work on the machine counts less), and
a small driver takes ``--steps`` training steps of the compiled batch on random pictures, on
one thread. Each row is a call's fastest and median time over the steps; the step's own
fastest and median come last. The timers cost about a microsecond a call (under 0.2 ms of a
resnet step). The library is built with its own Makefile's flags (symnet's).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# a statement in forward_range / backward_range / sn_train_steps that this script times
CALL = re.compile(r"^(\s+)(?:(?:finite|written) &= )?(\w+?)(_forward|_backward|_descend)?\(")
TIMED = re.compile(r"^(\w+_(?:forward|backward|descend)|loss_backward|update|sn_loss)$")

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "MODEL.h"
extern double sn_prof_sum[];
extern const char *sn_prof_name[];
extern int sn_prof_count;
double sn_prof_now(void);
static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
int main(int argc, char **argv)
{
    const int steps = argc > 1 ? atoi(argv[1]) : 30, batch = PREFIX_BATCH;
    PREFIX_net *net = PREFIX_create(1);
    PREFIX_init(net, 0);
    PREFIX_real *x = malloc(sizeof(PREFIX_real) * batch * PREFIX_INPUT);
    PREFIX_target *t = malloc(sizeof(PREFIX_target) * batch * PREFIX_TARGETS);
    unsigned seed = 12345;
    for (long k = 0; k < (long)batch * PREFIX_INPUT; k++) {
        seed = seed * 1103515245u + 12345u;
        x[k] = (PREFIX_real)((seed >> 8) % 1000) / 1000;
    }
    for (long k = 0; k < (long)batch * PREFIX_TARGETS; k++)
        t[k] = (PREFIX_target)(k % PREFIX_CLASSES);
    double loss, *each = calloc((size_t)steps * (sn_prof_count + 1), sizeof(double));
    for (int s = -3; s < steps; s++) {
        memset(sn_prof_sum, 0, sizeof(double) * sn_prof_count);
        const double start = sn_prof_now();
        if (PREFIX_step(net, batch, x, t, &loss) != 0)
            return fprintf(stderr, "step %d failed\n", s), 1;
        const double took = sn_prof_now() - start;
        if (s < 0)
            continue;
        for (int k = 0; k < sn_prof_count; k++)
            each[(long)k * steps + s] = sn_prof_sum[k];
        each[(long)sn_prof_count * steps + s] = took;
    }
    for (int k = 0; k <= sn_prof_count; k++) {
        double *row = each + (long)k * steps;
        qsort(row, steps, sizeof(double), by_value);
        printf("%-28s %9.3f %9.3f\n", k < sn_prof_count ? sn_prof_name[k] : "step", row[0] * 1e3, row[steps / 2] * 1e3);
    }
    return 0;
}
"""

HEADER = r"""
#include <time.h>
double sn_prof_sum[NCALLS];
int sn_prof_count = NCALLS;
const char *sn_prof_name[NCALLS] = {NAMES};
double sn_prof_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}
"""


def instrument(source: str) -> str:
    """The library's C with each timed call between two reads of the thread's CPU time: the
    layers' calls in the passes, and inside a convolution's forward and backward its
    multiplies, Winograd drivers and im2col/col2im (named layer:callee)."""
    lines, out, names = source.split("\n"), [], []
    inside, statement, label = None, [], None
    for line in lines:
        top = re.match(r"^(?:static )?(?:void|int) (forward_range|backward_range|sn_train_steps|conv\d+_forward|"
                       r"conv\d+_backward)\(", line)
        if top:
            inside = top.group(1)
        elif inside and line == "}":
            inside = None
        match = CALL.match(line) if inside and not statement else None
        callee = match and match.group(2) + (match.group(3) or "")
        if match and inside.startswith("conv"):
            inner = re.match(r"(sn_wino\d?_(?:fused|conv|weights)|sn_gemm|conv\d+_(?:im2col|col2im))", callee)
            callee = inner and f"{inside.split('_')[0]}:{inner.group(1)}"
        elif match:
            callee = callee if TIMED.match(callee) else None
        if callee:
            label = callee
            if label not in names:
                names.append(label)
            statement = [line]
        elif statement:
            statement.append(line)
        else:
            out.append(line)
            continue
        if statement and statement[-1].rstrip().endswith(";"):
            k = names.index(label)
            indent = re.match(r"^\s*", statement[0]).group(0)
            out.append(f"{indent}{{ const double sn_t0 = sn_prof_now();")
            out.extend(statement)
            out.append(f"{indent}  sn_prof_sum[{k}] += sn_prof_now() - sn_t0; }}")
            statement = []
    quoted = ", ".join(f'"{name}"' for name in names)
    header = HEADER.replace("NCALLS", str(len(names))).replace("NAMES", quoted)
    text = "\n".join(out)
    first = text.index("\n#include")   # after the file's opening comment
    return text[:first] + header + text[first:]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--keep", help="the folder to build in (kept); a temporary one by default")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="layer_times-"))
    subprocess.run([sys.executable, "-m", "symnet.cli", "export", args.model, "--batch", str(args.batch),
                    "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
    name = next(p.stem for p in folder.glob("*.h") if p.stem != "sn_idx")
    path = folder / f"{name}.c"
    path.write_text(instrument(path.read_text()))
    driver = DRIVER.replace("MODEL", name).replace("PREFIX", name)
    driver = re.sub(r"\b%s_(BATCH|INPUT|TARGETS|CLASSES)\b" % name, lambda m: f"{name.upper()}_{m.group(1)}", driver)
    (folder / "layer_times.c").write_text(driver)
    subprocess.run(["make", "-s", "-C", str(folder), "OPENMP=0", f"lib{name}.a"], check=True)
    subprocess.run(["cc", "-std=gnu11", "-O2", str(folder / "layer_times.c"), str(folder / f"lib{name}.a"), "-lm",
                    "-o", str(folder / "layer_times")], check=True)
    result = subprocess.run([str(folder / "layer_times"), str(args.steps)], check=True, capture_output=True, text=True)
    print(f"{'call':28} {'fastest':>9} {'median':>9}   (ms, thread CPU time, {args.steps} steps, one thread)")
    print(result.stdout, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
