# key: e82c62e41a88c73b68219b52cbbf8e998fa582b5 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/globalavgpool.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/globalavgpool.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_layer = resolve('layer')
    l_0_name = resolve('name')
    l_0_comments = resolve('comments')
    l_0_share = resolve('share')
    l_0_with_backward = resolve('with_backward')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_sig = l_0_C = l_0_H = l_0_W = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/globalavgpool.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    (l_0_C, l_0_H, l_0_W) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shape')
    context.vars.update({'C': l_0_C, 'H': l_0_H, 'W': l_0_W})
    context.exported_vars.update(('C', 'H', 'W'))
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
    yield '\n{\n    (void)params; (void)index; (void)scratch;\n    for (int n = 0; n < count; n++)\n        for (int c = 0; c < '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield '; c++) {\n            y[(long)n * '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield ' + c] = '
    yield str((undefined(name='share') if l_0_share is missing else l_0_share))
    yield ' * sn_sum(x + ((long)n * '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield ' + c) * '
    yield str(((undefined(name='H') if l_0_H is missing else l_0_H) * (undefined(name='W') if l_0_W is missing else l_0_W)))
    yield ', '
    yield str(((undefined(name='H') if l_0_H is missing else l_0_H) * (undefined(name='W') if l_0_W is missing else l_0_W)))
    yield ');\n        }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* Each pixel's partial is "
        yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
        yield ": the channel's gradient, shared out evenly. */\n"
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    (void)x; (void)y; (void)params; (void)grads; (void)index; (void)scratch;\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield '    for (int n = 0; n < count; n++)\n        for (int c = 0; c < '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield '; c++) {\n            const real g = '
            yield str((undefined(name='share') if l_0_share is missing else l_0_share))
            yield ' * dy[(long)n * '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ' + c];\n            real *restrict plane = dx + ((long)n * '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ' + c) * '
            yield str(((undefined(name='H') if l_0_H is missing else l_0_H) * (undefined(name='W') if l_0_W is missing else l_0_W)))
            yield ';\n            for (int p = 0; p < '
            yield str(((undefined(name='H') if l_0_H is missing else l_0_H) * (undefined(name='W') if l_0_W is missing else l_0_W)))
            yield '; p++)\n                plane[p] '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' g;\n        }\n'
        else:
            pass
            yield '    (void)count; (void)dy; (void)dx;\n'
        yield '}\n'

blocks = {}
debug_info = '1=26&2=28&3=32&4=40&5=42&9=44&10=46&14=56&15=59&16=61&19=63&21=66&22=68&23=72&24=76&25=78'
