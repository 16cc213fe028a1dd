# key: 3a18aaa5625cd1ff141d60bd8c6aeaaf710003c4 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/activation.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/activation.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_layer = resolve('layer')
    l_0_comments = resolve('comments')
    l_0_forward_in = resolve('forward_in')
    l_0_out_size = resolve('out_size')
    l_0_forward = resolve('forward')
    l_0_with_backward = resolve('with_backward')
    l_0_need_dx = resolve('need_dx')
    l_0_slope_of = resolve('slope_of')
    l_0_variable = resolve('variable')
    l_0_backward = resolve('backward')
    l_0_sig = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/activation.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    yield '/* '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': '
    yield str(t_1(context.call(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'describe'))))
    yield ', elementwise over '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape'))
    yield ' */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'header'), (undefined(name='comments') if l_0_comments is missing else l_0_comments)))
    yield '\n'
    if (undefined(name='forward_in') if l_0_forward_in is missing else l_0_forward_in):
        pass
        yield '/* Forward: in '
        yield str((undefined(name='forward_in') if l_0_forward_in is missing else l_0_forward_in))
        yield "_forward's loop, from each value it writes (lower.epilogues). */\n"
    else:
        pass
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    (void)params; (void)index; (void)scratch;\n    const real *restrict in = x;\n    real *restrict out = y;\n    for (int e = 0; e < count * '
        yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
        yield '; e++) {\n        const real x = in[e];\n'
        for l_1_line in (undefined(name='forward') if l_0_forward is missing else l_0_forward):
            _loop_vars = {}
            pass
            yield '        '
            yield str(l_1_line)
            yield '\n'
        l_1_line = missing
        yield '    }\n}\n'
    yield '\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    (void)params; (void)grads; (void)index; (void)x; (void)y; (void)scratch;\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield '    const real *restrict source = '
            yield str((undefined(name='slope_of') if l_0_slope_of is missing else l_0_slope_of))
            yield ';\n    for (int e = 0; e < count * '
            yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
            yield '; e++) {\n        const real g = dy[e];\n        const real '
            yield str((undefined(name='variable') if l_0_variable is missing else l_0_variable))
            yield ' = source[e];\n'
            for l_1_line in (undefined(name='backward') if l_0_backward is missing else l_0_backward):
                _loop_vars = {}
                pass
                yield '        '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing
            yield '    }\n'
        else:
            pass
            yield '    (void)count; (void)dy; (void)dx;\n'
        yield '}\n'

blocks = {}
debug_info = '1=29&2=32&3=38&4=40&5=43&7=47&12=49&14=51&15=55&21=60&22=62&25=64&26=67&27=69&29=71&30=73&31=77'
