# key: 6311a59b9b53ce0d17b1e08932b4cecb84e06951 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/dropout.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/dropout.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_layer = resolve('layer')
    l_0_comments = resolve('comments')
    l_0_out_size = resolve('out_size')
    l_0_key = resolve('key')
    l_0_p = resolve('p')
    l_0_forward = resolve('forward')
    l_0_with_backward = resolve('with_backward')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_backward = resolve('backward')
    l_0_sig = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/dropout.c.j2')._get_default_module(context)
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
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name), run=True))
    yield '\n{\n    (void)params; (void)index; (void)scratch;\n    if (!run->training) {   /* eval mode: the identity */\n        memcpy(y, x, sizeof(real) * (size_t)count * '
    yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
    yield ');\n        return;\n    }\n    const real *restrict in = x;\n    real *restrict out = y;\n    for (int n = 0; n < count; n++, in += '
    yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
    yield ', out += '
    yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
    yield ') {\n        const uint64_t key = sn_sample_key('
    yield str((undefined(name='key') if l_0_key is missing else l_0_key))
    yield ', run->step, (long)run->offset + run->first + n);\n        for (int e = 0; e < '
    yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
    yield '; e++) {\n            const real x = in[e];\n            const real m = sn_uniform(key, e) >= '
    yield str((undefined(name='p') if l_0_p is missing else l_0_p))
    yield ' ? 1 : 0;   /* kept with probability 1 - p */\n'
    for l_1_line in (undefined(name='forward') if l_0_forward is missing else l_0_forward):
        _loop_vars = {}
        pass
        yield '            '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield '        }\n    }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield '/* ∂y/∂x = '
        yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
        yield ' in training mode, with the mask drawn again from its key; 1 in eval mode. */\n'
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name), run=True))
        yield '\n{\n    (void)params; (void)grads; (void)index; (void)x; (void)y; (void)scratch;\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield '    if (!run->training) {\n        for (long e = 0; e < (long)count * '
            yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
            yield '; e++)\n            dx[e] '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' dy[e];\n        return;\n    }\n    for (int n = 0; n < count; n++) {\n        const uint64_t key = sn_sample_key('
            yield str((undefined(name='key') if l_0_key is missing else l_0_key))
            yield ', run->step, (long)run->offset + run->first + n);\n        for (int e = 0; e < '
            yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
            yield '; e++) {\n            const long at = (long)n * '
            yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
            yield ' + e;\n            const real g = dy[at];\n            const real m = sn_uniform(key, e) >= '
            yield str((undefined(name='p') if l_0_p is missing else l_0_p))
            yield ' ? 1 : 0;\n            real d;\n'
            for l_1_line in (undefined(name='backward') if l_0_backward is missing else l_0_backward):
                _loop_vars = {}
                pass
                yield '            '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing
            yield '            dx[at] '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' d;\n        }\n    }\n'
        else:
            pass
            yield '    (void)count; (void)dy; (void)dx; (void)run;\n'
        yield '}\n'

blocks = {}
debug_info = '1=30&2=33&3=39&4=41&8=43&13=45&14=49&15=51&17=53&18=55&19=59&25=63&26=66&27=68&30=70&32=73&33=75&37=77&38=79&39=81&41=83&43=85&44=89&46=93'
