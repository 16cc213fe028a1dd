"""benchmarks/layer_times.py's instrumentation: which calls of the emitted C it times, under which
names, and that the C it writes stays whole (each timed statement, however many lines, inside one
block between two reads of the clock)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "layer_times.py"
spec = importlib.util.spec_from_file_location("layer_times", SCRIPT)
layer_times = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layer_times)

SOURCE = """/* a model */
#include <math.h>
static void conv2_forward(int count, const real *x)
{
    conv2_im2col(x, col);
    sn_gemm(4, 5, 6, 1, W, 6, 1, col, 5, 1, y, 5, 0,
            pack_a, pack_b);
    helper(x);
}
static void forward_range(int from, int to)
{
    for (int s = from; s < to; s++) {
        conv2_forward(count, x,
            y);
        relu2_forward(count, y, z);
    }
}
static int sn_train_steps(int count)
{
    written &= update(params, grads);
    other(1);
}
"""


def test_the_layers_calls_and_a_convolutions_multiplies_are_timed():
    text = layer_times.instrument(SOURCE)
    names = text.split("sn_prof_name[")[1].split("};")[0]
    assert names.split("= {")[1].strip() == ('"conv2:conv2_im2col", "conv2:sn_gemm", "conv2_forward", '
                                              '"relu2_forward", "update"')
    # each timed statement whole inside its block, then the clock read after it
    assert "{ const double sn_t0 = sn_prof_now();\n        conv2_forward(count, x,\n            y);\n" \
           "          sn_prof_sum[2] += sn_prof_now() - sn_t0; }" in text
    assert "            pack_a, pack_b);\n      sn_prof_sum[1] += sn_prof_now() - sn_t0; }" in text
    assert "    helper(x);\n" in text and "    other(1);\n" in text          # not timed
    assert "sn_prof_sum[" not in text.split("helper(x);")[1].split("forward_range")[0]
    assert text.index("double sn_prof_sum[5];") < text.index("#include <math.h>")
