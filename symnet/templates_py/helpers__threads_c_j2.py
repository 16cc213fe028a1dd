# key: d245ad7fd7a01fba58c3bb00b8519b26d3aac2d6 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/helpers/threads.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'helpers/threads.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_with_backward = resolve('with_backward')
    pass
    yield "/* A channel's sums in a fixed order that vectorizes: value k of a row goes to lane k % SN_LANES\n * (the last count % SN_LANES values to lanes 0, 1, ...), and the lanes are added in order at\n * the end. The order depends on nothing but the shape, never on threads or timing; a single\n * running sum would be one long chain of dependent additions. 32 lanes of double are four\n * vectors under AVX-512, four chains that the processor overlaps, where 8 are one chain that\n * waits on each addition: a 16-channel 28x28 BatchNorm's statistics of 64 samples took 0.20 ms\n * in two passes of 8 lanes, and take 0.10 ms in one pass of 32 (sn_lane_moments). */\n#define SN_LANES 32\n\nstatic inline void sn_lane_sums(const real *row, int count, double *restrict lanes)\n{\n    int k = 0;\n    for (; k + SN_LANES <= count; k += SN_LANES)\n        for (int l = 0; l < SN_LANES; l++)\n            lanes[l] += row[k + l];\n    for (int l = 0; l < SN_LANES && k < count; k++, l++)   /* l < SN_LANES holds: said for the compiler */\n        lanes[l] += row[k];\n}\n\n/* Σ (row - shift) and Σ (row - shift)² into sums and squares, as sn_lane_sums: a channel's mean\n * and variance in one pass over it, where a pass for each read it twice. The shift (a value of\n * the channel) keeps the variance Σ d²/M - (Σ d/M)² from cancelling: d is about as large as the\n * spread of the values, however far their mean is from 0. */\nstatic inline void sn_lane_moments(const real *row, int count, double shift, double *restrict sums,\n                                   double *restrict squares)\n{\n    int k = 0;\n    for (; k + SN_LANES <= count; k += SN_LANES)\n        for (int l = 0; l < SN_LANES; l++) {\n            const double d = (double)row[k + l] - shift;\n            sums[l] += d;\n            squares[l] += d * d;\n        }\n    for (int l = 0; l < SN_LANES && k < count; k++, l++) {\n        const double d = (double)row[k] - shift;\n        sums[l] += d;\n        squares[l] += d * d;\n    }\n}\n\n"
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield '/* Σ dy · x̂ with x̂ = (x - mean) · invstd into lanes, as sn_lane_sums. */\nstatic inline void sn_lane_products(const real *dy, const real *x, int count, real mean, real invstd,\n                                    double *restrict lanes)\n{\n    int k = 0;\n    for (; k + SN_LANES <= count; k += SN_LANES)\n        for (int l = 0; l < SN_LANES; l++)\n            lanes[l] += (double)(dy[k + l] * ((x[k + l] - mean) * invstd));\n    for (int l = 0; l < SN_LANES && k < count; k++, l++)\n        lanes[l] += (double)(dy[k] * ((x[k] - mean) * invstd));\n}\n'
    yield '\nstatic inline double sn_lanes_total(const double *lanes)\n{\n    double total = 0;\n    for (int l = 0; l < SN_LANES; l++)\n        total += lanes[l];\n    return total;\n}\n'

blocks = {}
debug_info = '41=13'
