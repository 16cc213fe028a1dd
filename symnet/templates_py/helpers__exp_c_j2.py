# key: 26fd234973f99d56f94581b88b4e9593f5f03c38 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/helpers/exp.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'helpers/exp.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    pass
    yield "/* e^x in float without a call into the C library, so that a loop over a tensor (a sigmoid's\n * 1/(1 + e^-x)) vectorizes: expf is a call per value, and at batch 64 the MLP's sigmoid took\n * 25-29 µs of expf where this takes about 3 µs.\n *   e^x = 2^k · e^r,  k = round(x / ln 2),  r = x - k·ln 2  (|r| <= ln 2 / 2)\n * k is rounded by adding 1.5·2^23, which leaves it in the low bits of the sum (NaN stays NaN: no\n * conversion to an integer); ln 2 is split in two (Cody-Waite: the first part has few bits, so\n * k·C1 is exact); e^r = 1 + r + r²·P(r), Cephes' degree-5 minimax P; 2^k is applied by adding\n * k to the exponent of e^r's bits (one integer addition; a multiply by 2^k would need two\n * steps where 2^k is not a normal float). Within 1 ulp of e^x over [-87.33, 88.72]\n * (tests/test_emit.py checks every 4096th float there); above, +inf; below, 0, where e^x is\n * under FLT_MIN (subnormal). NaN stays NaN. An activation in a producer's loop\n * (lower.epilogue_context) prints it too, so both loops give the same bits. */\nstatic inline __attribute__((unused)) float sn_expf(float x)\n{\n    const float shift = 0x1.8p23f;\n    const float t = x * 1.44269504088896341f + shift;\n    const float k = t - shift;                       /* round(x / ln 2) */\n    float r = x - k * 0.693359375f;                  /* C1 = 0.693359375: 9 bits */\n    r = r - k * -2.12194440e-4f;                     /* C2 = ln 2 - C1 */\n    const float p = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r\n                      + 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) + r + 1.0f;\n    uint32_t k_bits, p_bits;   /* unsigned: the sums wrap, as the two's complement bits they are */\n    memcpy(&k_bits, &t, sizeof k_bits);\n    memcpy(&p_bits, &p, sizeof p_bits);\n    /* 0x4B400000: the bits of 1.5·2^23; k in [-125, 128], p in [0.7, 1.42] here: a normal result */\n    const uint32_t e_bits = p_bits + ((k_bits - 0x4B400000u) << 23);\n    float e;\n    memcpy(&e, &e_bits, sizeof e);\n    return x > 88.72283f ? INFINITY : (x < -87.33654f ? 0.0f : (x == x ? e : x));   /* NaN: x */\n}\n"

blocks = {}
debug_info = ''
