# key: ccd1bf75304bfe2c33dda2fc7a2de7bc95176061 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/runtime.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'runtime.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_dtype = resolve('dtype')
    l_0_version = resolve('version')
    l_0_ctype = resolve('ctype')
    l_0_runtime = resolve('runtime')
    pass
    yield "/*\n * symnet's shared runtime for "
    yield str((undefined(name='dtype') if l_0_dtype is missing else l_0_dtype))
    yield ', from symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield ": the matrix multiply of\n * gemm.c.j2, which depends on no model's shapes. It is compiled once for each compiler, flags\n * and dtype (symnet.runtime) and every model of that dtype links to it, so a model's compile\n * optimizes only the model's own code. An exported library (symnet export) does not use it:\n * its C includes the same multiply itself.\n */\n#include <math.h>\n#include <stdint.h>\n#include <string.h>\n\ntypedef "
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' real;\n\n#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))\n#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))\n\n'
    template = environment.get_template('gemm.c.j2', 'runtime.c.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield '\n/* The entry point the models call in place of sn_gemm (model.c.j2 declares it). */\nvoid '
    yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'symbol'))
    yield '('
    yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'parameters'))
    yield ')\n{\n    sn_gemm(m, n, k, alpha, a, ars, acs, b, brs, bcs, c, ldc, accumulate, pack_a, pack_b);\n}\n'

blocks = {}
debug_info = '2=16&12=20&17=22&20=29'
