# key: ed0e54204756e27648081fe8aa27f8a3ca700ec5 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/loss_elementwise.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/loss_elementwise.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_size = resolve('size')
    l_0_comments = resolve('comments')
    l_0_cost = resolve('cost')
    l_0_with_backward = resolve('with_backward')
    l_0_gradient = resolve('gradient')
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    yield '/* loss: the mean of a per-element cost over '
    yield str((undefined(name='size') if l_0_size is missing else l_0_size))
    yield ' outputs per sample */\n/*\n'
    for l_1_line in (undefined(name='comments') if l_0_comments is missing else l_0_comments):
        _loop_vars = {}
        pass
        yield ' *   '
        yield str(t_1(l_1_line))
        yield '\n'
    l_1_line = missing
    yield ' */\nstatic double loss_value(int count, int total, const real *restrict zs, const real *restrict ts)\n{\n    double sum = 0.0;\n    for (int e = 0; e < count * '
    yield str((undefined(name='size') if l_0_size is missing else l_0_size))
    yield '; e++) {\n        const real z = zs[e], t = ts[e];\n        real cost;\n'
    for l_1_line in (undefined(name='cost') if l_0_cost is missing else l_0_cost):
        _loop_vars = {}
        pass
        yield '        '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield '        sum += cost;\n    }\n    return sum / ((double)total * '
    yield str((undefined(name='size') if l_0_size is missing else l_0_size))
    yield ');\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield 'static void loss_backward(int count, int total_count, const real *restrict zs, const real *restrict ts,\n                          real *restrict dz)\n{\n    /* in double: the gradient is often a difference of near-equal values (σ(z) - t at a\n       confident z), which float would round to a few digits */\n    const double total = (double)total_count;\n    for (int e = 0; e < count * '
        yield str((undefined(name='size') if l_0_size is missing else l_0_size))
        yield '; e++) {\n        const double z = zs[e], t = ts[e];\n'
        for l_1_line in (undefined(name='gradient') if l_0_gradient is missing else l_0_gradient):
            _loop_vars = {}
            pass
            yield '        '
            yield str(l_1_line)
            yield '\n'
        l_1_line = missing
        yield '    }\n}\n'

blocks = {}
debug_info = '1=23&3=25&4=29&10=33&13=35&14=39&18=43&21=45&28=48&30=50&31=54'
