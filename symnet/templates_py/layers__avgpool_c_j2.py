# key: 8590bc00cde6fcb616bed015689060ee56a8a220 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/avgpool.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/avgpool.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_layer = resolve('layer')
    l_0_name = resolve('name')
    l_0_comments = resolve('comments')
    l_0_term = resolve('term')
    l_0_output_at = resolve('output_at')
    l_0_with_backward = resolve('with_backward')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_in_size = resolve('in_size')
    l_0_d_output_at = resolve('d_output_at')
    l_0_input_at = resolve('input_at')
    l_0_input_partial = resolve('input_partial')
    l_0_sig = l_0_C = l_0_H = l_0_W = l_0__ = l_0_OH = l_0_OW = l_0_KH = l_0_KW = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/avgpool.c.j2')._get_default_module(context)
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
    yield '\n{\n    (void)params; (void)index; (void)scratch;\n    for (int n = 0; n < count; n++)\n    for (int c = 0; c < '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield '; c++)\n    for (int r = 0; r < '
    yield str((undefined(name='OH') if l_0_OH is missing else l_0_OH))
    yield '; r++)\n        for (int q = 0; q < '
    yield str((undefined(name='OW') if l_0_OW is missing else l_0_OW))
    yield '; q++) {\n            real acc = 0;\n            for (int u = 0; u < '
    yield str((undefined(name='KH') if l_0_KH is missing else l_0_KH))
    yield '; u++)\n                for (int v = 0; v < '
    yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
    yield '; v++)\n                    acc += '
    yield str((undefined(name='term') if l_0_term is missing else l_0_term))
    yield ';\n            '
    yield str((undefined(name='output_at') if l_0_output_at is missing else l_0_output_at))
    yield ' = acc;\n        }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    (void)x; (void)y; (void)params; (void)grads; (void)index; (void)scratch;\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
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
            yield '; q++) {\n            const real g = '
            yield str((undefined(name='d_output_at') if l_0_d_output_at is missing else l_0_d_output_at))
            yield ';\n            for (int u = 0; u < '
            yield str((undefined(name='KH') if l_0_KH is missing else l_0_KH))
            yield '; u++)\n                for (int v = 0; v < '
            yield str((undefined(name='KW') if l_0_KW is missing else l_0_KW))
            yield '; v++)\n                    '
            yield str((undefined(name='input_at') if l_0_input_at is missing else l_0_input_at))
            yield ' += g * '
            yield str((undefined(name='input_partial') if l_0_input_partial is missing else l_0_input_partial))
            yield ';\n        }\n'
        else:
            pass
            yield '    (void)count; (void)dy; (void)dx;\n'
        yield '}\n'

blocks = {}
debug_info = '1=30&2=32&3=35&4=38&5=42&6=50&7=52&11=54&12=56&13=58&15=60&16=62&17=64&18=66&22=68&23=70&26=72&27=74&28=77&31=80&32=82&33=84&34=86&35=88&36=90&37=92'
