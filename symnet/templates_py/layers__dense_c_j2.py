# key: 8fc680a1af8a1a3719e718b9edce4d8bf89855e7 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/dense.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/dense.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_out_size = resolve('out_size')
    l_0_in_size = resolve('in_size')
    l_0_name = resolve('name')
    l_0_layer = resolve('layer')
    l_0_comments = resolve('comments')
    l_0_offsets = resolve('offsets')
    l_0_output_at = resolve('output_at')
    l_0_bias = resolve('bias')
    l_0_with_backward = resolve('with_backward')
    l_0_weight_partial_text = resolve('weight_partial_text')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_bias_partial_text = resolve('bias_partial_text')
    l_0_bias_at = resolve('bias_at')
    l_0_bias_partial = resolve('bias_partial')
    l_0_d_output_at = resolve('d_output_at')
    l_0_sig = l_0_O = l_0_I = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/dense.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    (l_0_O, l_0_I) = ((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size), (undefined(name='in_size') if l_0_in_size is missing else l_0_in_size))
    context.vars.update({'I': l_0_I, 'O': l_0_O})
    context.exported_vars.update(('I', 'O'))
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
    yield '\n/* As matrices, rows being samples: y = x W^T + b. */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
    yield '\n{\n    const real *restrict W = params + '
    yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
    yield ';\n    '
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
    yield '\n    (void)index;\n    /* y[count x '
    yield str((undefined(name='O') if l_0_O is missing else l_0_O))
    yield '] = x[count x '
    yield str((undefined(name='I') if l_0_I is missing else l_0_I))
    yield '] · W^T['
    yield str((undefined(name='I') if l_0_I is missing else l_0_I))
    yield ' x '
    yield str((undefined(name='O') if l_0_O is missing else l_0_O))
    yield '] */\n    sn_gemm(count, '
    yield str((undefined(name='O') if l_0_O is missing else l_0_O))
    yield ', '
    yield str((undefined(name='I') if l_0_I is missing else l_0_I))
    yield ', 1, x, '
    yield str((undefined(name='I') if l_0_I is missing else l_0_I))
    yield ', 1, W, 1, '
    yield str((undefined(name='I') if l_0_I is missing else l_0_I))
    yield ', y, '
    yield str((undefined(name='O') if l_0_O is missing else l_0_O))
    yield ', 0, pack_a, pack_b);\n'
    if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
        pass
        yield '    const real *restrict b = params + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
        yield ';\n    for (int n = 0; n < count; n++)\n        for (int o = 0; o < '
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield '; o++)\n            '
        yield str((undefined(name='output_at') if l_0_output_at is missing else l_0_output_at))
        yield ' += '
        yield str((undefined(name='bias') if l_0_bias is missing else l_0_bias))
        yield ';\n'
    yield '}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield '/* dW += dy^T x      (∂term/∂W[o, i] = '
        yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
        yield ')\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield ' * dx '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' dy W        (∂term/∂x[n, i] = '
            yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
            yield str(('; another layer wrote dx first' if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else cond_expr_undefined("the inline if-expression on line 24 in 'layers/dense.c.j2' evaluated to false and no else section was defined.")))
            yield ')\n'
        if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
            pass
            yield ' * db += Σ_n dy      (∂y/∂b[o] = '
            yield str((undefined(name='bias_partial_text') if l_0_bias_partial_text is missing else l_0_bias_partial_text))
            yield ')\n'
        yield ' */\n'
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    const real *restrict W = params + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ';\n    real *restrict dW = grads + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ';\n    '
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
        yield '\n    (void)y; (void)index; (void)W;\n    /* dW['
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ' x '
        yield str((undefined(name='I') if l_0_I is missing else l_0_I))
        yield '] += dy^T['
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ' x count] · x[count x '
        yield str((undefined(name='I') if l_0_I is missing else l_0_I))
        yield '] */\n    sn_gemm('
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ', '
        yield str((undefined(name='I') if l_0_I is missing else l_0_I))
        yield ', count, 1, dy, 1, '
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ', x, '
        yield str((undefined(name='I') if l_0_I is missing else l_0_I))
        yield ', 1, dW, '
        yield str((undefined(name='I') if l_0_I is missing else l_0_I))
        yield ', 1, pack_a, pack_b);\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield '    /* dx[count x '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield '] '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' dy[count x '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield '] · W['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield '] */\n    sn_gemm(count, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', 1, dy, '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', 1, W, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', 1, dx, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', '
            yield str((1 if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else 0))
            yield ', pack_a, pack_b);\n'
        else:
            pass
            yield '    (void)dx;\n'
        if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
            pass
            yield '    real *restrict db = grads + '
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
            yield ';\n    for (int n = 0; n < count; n++)\n        for (int o = 0; o < '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield '; o++)\n            '
            yield str((undefined(name='bias_at') if l_0_bias_at is missing else l_0_bias_at))
            yield ' += '
            yield str((undefined(name='bias_partial') if l_0_bias_partial is missing else l_0_bias_partial))
            yield ' * '
            yield str((undefined(name='d_output_at') if l_0_d_output_at is missing else l_0_d_output_at))
            yield ';\n'
        yield '}\n'

blocks = {}
debug_info = '1=35&2=37&3=41&4=49&6=51&8=53&9=55&11=57&12=65&13=75&14=78&16=80&17=82&21=87&22=90&23=92&24=95&26=100&27=103&30=106&32=108&33=110&34=112&36=114&37=122&38=132&39=135&40=145&44=160&45=163&47=165&48=167'
