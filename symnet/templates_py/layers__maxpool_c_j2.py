# key: 31102f43cea53fe28a24db8d4b21ae1325bc6716 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/maxpool.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/maxpool.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_layer = resolve('layer')
    l_0_name = resolve('name')
    l_0_comments = resolve('comments')
    l_0_pixel = resolve('pixel')
    l_0_output_at = resolve('output_at')
    l_0_index_at = resolve('index_at')
    l_0_with_backward = resolve('with_backward')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_in_size = resolve('in_size')
    l_0_input_at = resolve('input_at')
    l_0_d_output_at = resolve('d_output_at')
    l_0_sig = l_0_C = l_0_H = l_0_W = l_0__ = l_0_OH = l_0_OW = l_0_KH = l_0_KW = l_0_SH = l_0_SW = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/maxpool.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    (l_0_C, l_0_H, l_0_W) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shape')
    context.vars.update({'C': l_0_C, 'H': l_0_H, 'W': l_0_W})
    context.exported_vars.update(('C', 'H', 'W'))
    (l_0__, l_0_OH, l_0_OW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape')
    context.vars.update({'OH': l_0_OH, 'OW': l_0_OW, '_': l_0__})
    context.exported_vars.update(('OH', 'OW'))
    (l_0_KH, l_0_KW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'kernel')
    context.vars.update({'KH': l_0_KH, 'KW': l_0_KW})
    context.exported_vars.update(('KH', 'KW'))
    (l_0_SH, l_0_SW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'stride')
    context.vars.update({'SH': l_0_SH, 'SW': l_0_SW})
    context.exported_vars.update(('SH', 'SW'))
    yield '/* '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': '
    yield str(t_1(context.call(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'describe'))))
    yield ', '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shape'))
    yield ' -> '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape'))
    yield ' */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'header'), (undefined(name='comments') if l_0_comments is missing else l_0_comments)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
    yield '\n{\n    (void)params; (void)scratch;\n    for (int n = 0; n < count; n++)\n    for (int c = 0; c < '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield '; c++)\n    for (int r = 0; r < '
    yield str((undefined(name='OH') if l_0_OH is missing else l_0_OH))
    yield '; r++)\n        for (int q = 0; q < '
    yield str((undefined(name='OW') if l_0_OW is missing else l_0_OW))
    yield '; q++) {\n            /* windows at the far edge cover only the pixels inside */\n            const int u1 = SN_MIN('
    yield str((undefined(name='KH') if l_0_KH is missing else l_0_KH))
    yield ', '
    yield str((undefined(name='H') if l_0_H is missing else l_0_H))
    yield ' - '
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SH') if l_0_SH is missing else l_0_SH), 'r'))
    yield '), v1 = SN_MIN('
    yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
    yield ', '
    yield str((undefined(name='W') if l_0_W is missing else l_0_W))
    yield ' - '
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SW') if l_0_SW is missing else l_0_SW), 'q'))
    yield ');\n            real best = -INFINITY;\n            int32_t position = 0;\n            for (int u = 0; u < u1; u++)\n                for (int v = 0; v < v1; v++) {\n                    const real value = '
    yield str((undefined(name='pixel') if l_0_pixel is missing else l_0_pixel))
    yield ';\n                    if (value > best) {   /* the first largest wins, as in PyTorch */\n                        best = value;\n                        position = u * '
    yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
    yield ' + v;\n                    }\n                }\n            '
    yield str((undefined(name='output_at') if l_0_output_at is missing else l_0_output_at))
    yield ' = best;\n            '
    yield str((undefined(name='index_at') if l_0_index_at is missing else l_0_index_at))
    yield ' = position;\n        }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    (void)x; (void)y; (void)params; (void)grads; (void)scratch;\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield "    /* The partial is 1 at the window's argmax and 0 elsewhere, so each output's gradient\n     * goes to one input: u = argmax / "
            yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
            yield ', v = argmax % '
            yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
            yield '. */\n'
            if (not (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)):
                pass
                yield '    memset(dx, 0, sizeof(real) * (size_t)count * '
                yield str((undefined(name='in_size') if l_0_in_size is missing else l_0_in_size))
                yield ');   /* the windows add into it */\n'
            yield '    for (int n = 0; n < count; n++)\n    for (int c = 0; c < '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield '; c++)\n    for (int r = 0; r < '
            yield str((undefined(name='OH') if l_0_OH is missing else l_0_OH))
            yield '; r++)\n        for (int q = 0; q < '
            yield str((undefined(name='OW') if l_0_OW is missing else l_0_OW))
            yield '; q++) {\n            const int position = '
            yield str((undefined(name='index_at') if l_0_index_at is missing else l_0_index_at))
            yield ', u = position / '
            yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
            yield ', v = position % '
            yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
            yield ';\n            '
            yield str((undefined(name='input_at') if l_0_input_at is missing else l_0_input_at))
            yield ' += '
            yield str((undefined(name='d_output_at') if l_0_d_output_at is missing else l_0_d_output_at))
            yield ';\n        }\n'
        else:
            pass
            yield '    (void)count; (void)dy; (void)dx;\n'
        yield '}\n'

blocks = {}
debug_info = '1=30&2=32&3=35&4=38&5=41&6=45&7=53&8=55&12=57&13=59&14=61&16=63&21=75&24=77&27=79&28=81&32=83&33=85&36=87&38=90&39=94&40=97&43=100&44=102&45=104&46=106&47=112'
