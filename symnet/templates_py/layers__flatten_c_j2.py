# key: 5388406ad3a5a441b2e28f6c630cd39ca0817b18 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/flatten.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/flatten.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_layer = resolve('layer')
    l_0_comments = resolve('comments')
    l_0_in_size = resolve('in_size')
    l_0_with_backward = resolve('with_backward')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_sig = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/flatten.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    yield '/* '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': '
    yield str(t_1(context.call(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'describe'))))
    yield ', '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shape'))
    yield ' -> '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape'))
    yield ': the same\n * values in the same (row-major) order, so both passes copy. */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'header'), (undefined(name='comments') if l_0_comments is missing else l_0_comments)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
    yield '\n{\n    (void)params; (void)index; (void)scratch;\n    memcpy(y, x, sizeof(real) * (size_t)count * '
    yield str((undefined(name='in_size') if l_0_in_size is missing else l_0_in_size))
    yield ');\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    (void)x; (void)y; (void)params; (void)grads; (void)index; (void)scratch;\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx):
                pass
                yield '    for (long e = 0; e < (long)count * '
                yield str((undefined(name='in_size') if l_0_in_size is missing else l_0_in_size))
                yield '; e++)\n        dx[e] += dy[e];   /* another layer wrote dx first */\n'
            else:
                pass
                yield '    memcpy(dx, dy, sizeof(real) * (size_t)count * '
                yield str((undefined(name='in_size') if l_0_in_size is missing else l_0_in_size))
                yield ');\n'
        else:
            pass
            yield '    (void)count; (void)dy; (void)dx;\n'
        yield '}\n'

blocks = {}
debug_info = '1=25&2=28&4=36&5=38&8=40&11=42&12=44&15=46&16=48&17=51&20=56'
