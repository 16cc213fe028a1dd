# key: 43319f53416a2da2d03b273b6906cafe4a1e1785 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/helpers/keyed_random.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'helpers/keyed_random.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    pass
    yield "/* A counter-based generator (splitmix64's finalizer and increment): each number is a hash\n * of its key, so a mask does not depend on the thread count or the chunking, and the\n * reference (symnet.layers.dropout.uniforms) computes the same numbers. */\n#define SN_GOLDEN 0x9E3779B97F4A7C15u\n\nstatic inline uint64_t sn_fmix(uint64_t z)\n{\n    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;\n    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;\n    return z ^ (z >> 31);\n}\n\n/* The key of one sample: a layer's key, the optimizer step, the sample's index in its minibatch. */\nstatic inline uint64_t sn_sample_key(uint64_t layer, long step, long sample)\n{\n    return sn_fmix(sn_fmix(layer + (uint64_t)step * SN_GOLDEN) + (uint64_t)sample * SN_GOLDEN);\n}\n\n/* Element e's number in [0, 1): the (e+1)-th output of splitmix64 from the sample's key, top 53 bits. */\nstatic inline double sn_uniform(uint64_t key, long e)\n{\n    return (double)(sn_fmix(key + (uint64_t)(e + 1) * SN_GOLDEN) >> 11) * 0x1.0p-53;\n}\n"

blocks = {}
debug_info = ''
