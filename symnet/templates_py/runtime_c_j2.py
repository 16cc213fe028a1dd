# key: 237224248c4a66d648cbb2a03adf0cf215427738 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
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
    l_0_part = resolve('part')
    l_0_parts = resolve('parts')
    l_0_ctype = resolve('ctype')
    l_0_runtime = resolve('runtime')
    pass
    yield "/*\n * symnet's shared runtime for "
    yield str((undefined(name='dtype') if l_0_dtype is missing else l_0_dtype))
    yield ', from symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield ": the matrix multiply of\n * gemm.c.j2 and the dense layers' folded step of descend.c.j2, which depend on no model's\n * shapes. It is compiled once for each compiler, flags and dtype (symnet.runtime) and every\n * model of that dtype links to it, so a model's compile optimizes only the model's own code.\n * An exported library (symnet export) does not use it: its C includes the same code itself.\n"
    if (undefined(name='part') if l_0_part is missing else l_0_part):
        pass
        yield " *\n * This file holds one of sn_gemm's paths, "
        yield str(environment.getattr((undefined(name='part') if l_0_part is missing else l_0_part), 'name'))
        yield ": the runtime is compiled as several\n * files at once, side by side, each path's optimization in a process of its own, and linked\n * into one library; runtime.c calls this path as "
        yield str(environment.getattr((undefined(name='part') if l_0_part is missing else l_0_part), 'symbol'))
        yield '.\n'
    else:
        pass
        yield " *\n * sn_gemm's paths"
        l_1_loop = missing
        for l_1_part, l_1_loop in LoopContext((undefined(name='parts') if l_0_parts is missing else l_0_parts), undefined):
            _loop_vars = {}
            pass
            yield ' '
            yield str(environment.getattr(l_1_part, 'name'))
            yield str((',' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 14 in 'runtime.c.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_part = missing
        yield ' are compiled from files of their\n * own, side by side (symnet.runtime); this file holds the rest of it and calls them.\n'
    yield " */\n#include <math.h>\n#include <stdint.h>\n#include <string.h>\n#if defined(__unix__) || defined(__APPLE__)\n#include <unistd.h>   /* sysconf: the L2 cache's size (gemm.c.j2) */\n#endif\n\ntypedef "
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' real;\n\n#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))\n#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))\n\n#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored "-Wunused-function"\n'
    template = environment.get_template('gemm.c.j2', 'runtime.c.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if (not (undefined(name='part') if l_0_part is missing else l_0_part)):
        pass
        template = environment.get_template('descend.c.j2', 'runtime.c.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
    yield '#pragma GCC diagnostic pop\n\n'
    if (undefined(name='part') if l_0_part is missing else l_0_part):
        pass
        yield "/* The path for runtime.c, hidden from the library's users (the models call "
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'symbol'))
        yield ' alone). */\n__attribute__((visibility("hidden"))) void '
        yield str(environment.getattr((undefined(name='part') if l_0_part is missing else l_0_part), 'symbol'))
        yield '('
        yield str(environment.getattr((undefined(name='part') if l_0_part is missing else l_0_part), 'parameters'))
        yield ')\n{\n    '
        yield str(environment.getattr((undefined(name='part') if l_0_part is missing else l_0_part), 'name'))
        yield '('
        yield str(environment.getattr((undefined(name='part') if l_0_part is missing else l_0_part), 'arguments'))
        yield ');\n}\n'
    else:
        pass
        yield '/* The entry point the models call in place of sn_gemm (model.c.j2 declares it). */\nvoid '
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'symbol'))
        yield '('
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'parameters'))
        yield ")\n{\n    sn_gemm(m, n, k, alpha, a, ars, acs, b, brs, bcs, c, ldc, accumulate, pack_a, pack_b);\n}\n\n/* The dense layers' folded step over their weights, in place of sn_descend_rows (descend.c.j2). */\nint "
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'descend'), 'symbol'))
        yield '('
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'descend'), 'parameters'))
        yield ")\n{\n    return sn_descend_rows(W, dy, x, o, rows, in, out, total, descent, b, bias_scale, pack_a, pack_b);\n}\n\n/* The check of a step's samples (and their copy, with out), in place of sn_scan_finite: each\n * of its two loops inlined on its own. */\nint "
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'finite'), 'symbol'))
        yield '('
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'finite'), 'parameters'))
        yield ')\n{\n    return out ? sn_scan_finite(out, p, n) : sn_scan_finite(NULL, p, n);\n}\n'

blocks = {}
debug_info = '2=18&7=22&9=25&11=27&14=33&25=42&33=44&34=50&35=52&39=59&40=62&41=64&43=68&47=75&53=79&60=83'
