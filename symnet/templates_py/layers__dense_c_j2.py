# key: e10ad38091047e26d237a72b8fa239c3dc8da473 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
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
    l_0_by_rows = resolve('by_rows')
    l_0_split = resolve('split')
    l_0_fuse = resolve('fuse')
    l_0_weight_partial_text = resolve('weight_partial_text')
    l_0_bias_partial_text = resolve('bias_partial_text')
    l_0_bias_partial = resolve('bias_partial')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_bias_at = resolve('bias_at')
    l_0_d_output_at = resolve('d_output_at')
    l_0_sig = l_0_defined_in = l_0_O = l_0_I = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/dense.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    included_template = environment.get_template('parts.c.j2', 'layers/dense.c.j2')._get_default_module(context)
    l_0_defined_in = getattr(included_template, 'defined_in', missing)
    if l_0_defined_in is missing:
        l_0_defined_in = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'layers/dense.c.j2') does not export the requested name 'defined_in'", name='defined_in')
    context.vars['defined_in'] = l_0_defined_in
    context.exported_vars.discard('defined_in')
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
        if (undefined(name='by_rows') if l_0_by_rows is missing else l_0_by_rows):
            pass
            yield '/* The forward by rows of W, in a step whose descent is folded (see sn_step_chunk): share\n * share of shares computes y[all samples, o:o+rows] for the rows o:o+rows of W that its\n * '
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield "_descend writes, over every sample of the chunk (total). On several threads each\n * then reads only the rows of W it writes, which stay in its core's cache, where a share of\n * the samples read all of W, half of it just written by the other core. */\n"
            def macro():
                t_2 = []
                pass
                t_2.extend((
                    '{\n    const real *restrict W = params + ',
                    str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight')),
                    ';\n    ',
                    str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers'))),
                    '\n    int first;\n    const int rows = sn_split(',
                    str((undefined(name='O') if l_0_O is missing else l_0_O)),
                    ', share, shares, &first);\n    if (rows == 0)\n        return;\n    /* y[total x o:o+rows] = x[total x ',
                    str((undefined(name='I') if l_0_I is missing else l_0_I)),
                    '] · W[o:o+rows, :]^T */\n    sn_gemm(total, rows, ',
                    str((undefined(name='I') if l_0_I is missing else l_0_I)),
                    ', 1, x, ',
                    str((undefined(name='I') if l_0_I is missing else l_0_I)),
                    ', 1, W + (long)first * ',
                    str((undefined(name='I') if l_0_I is missing else l_0_I)),
                    ', 1, ',
                    str((undefined(name='I') if l_0_I is missing else l_0_I)),
                    ', y + first, ',
                    str((undefined(name='O') if l_0_O is missing else l_0_O)),
                    ', 0,\n            pack_a, pack_b);\n',
                ))
                if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                    pass
                    t_2.extend((
                        '    const real *restrict b = params + ',
                        str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias')),
                        ';\n    for (int n = 0; n < total; n++)\n        for (int o = first; o < first + rows; o++)\n            ',
                        str((undefined(name='output_at') if l_0_output_at is missing else l_0_output_at)),
                        ' += ',
                        str((undefined(name='bias') if l_0_bias is missing else l_0_bias)),
                        ';\n',
                    ))
                t_2.append(
                    '}\n',
                )
                return concat(t_2)
            caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
            yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), str_join(('void ', (undefined(name='name') if l_0_name is missing else l_0_name), '_forward_rows(int share, int shares, int total, const real *restrict x,\n        real *restrict y, const real *restrict params, real *restrict scratch)', )), caller=caller)
            yield '\n'
        if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
            pass
            yield "/* A step of plain gradient descent (p ← p - lr·g) over a minibatch of one chunk (sn_train\n * sets run->descent = -lr, else 0) is folded into the gradient's multiply: W += -lr · dy^T x\n * and b += -lr · Σ_n dy, one pass over W where dW's sum, the shares' sum and the update took\n * several; dW and db stay 0, and the update skips W and b. Share share of shares takes its\n * rows of W and b over every sample of the chunk (total), in sample order, called once\n * every share's dx has read W (see backward_range). Returns 1 if every value it wrote is\n * finite, else 0: the step's check of the weights (sn_step), made here where each share's\n * rows are in this thread's cache, and for up to 3 samples in the loop that writes them\n * (at batch 1 the check was a pass over W of its own, a fifth of the step). Not inlined\n * there: inlined, a folded step left the layers around it (a max pool's scatter) short of\n * registers. */\nstatic __attribute__((noinline)) int "
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_descend(int share, int shares, int total, const real *restrict x,\n        const real *restrict dy, real *restrict params, real *restrict scratch, real descent)\n{\n    real *restrict W = params + '
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
            yield ';\n    '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
            yield '\n    int o;\n    const int rows = sn_split('
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', share, shares, &o);\n    if (rows == 0)\n        return 1;\n    /* W[o:o+rows, :] += -lr · dy^T[o:o+rows, all samples] · x[all samples, :]   (∂term/∂W[o, i] = '
            yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
            yield ') */\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield '    /* b[o:o+rows] += -lr · Σ_n ∂y/∂b[o] · dy[n, o:o+rows]   (∂y/∂b[o] = '
                yield str((undefined(name='bias_partial_text') if l_0_bias_partial_text is missing else l_0_bias_partial_text))
                yield ') */\n    return sn_descend_rows(W, dy, x, o, rows, '
                yield str((undefined(name='I') if l_0_I is missing else l_0_I))
                yield ', '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ', total, descent, params + '
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
                yield ', '
                yield str((undefined(name='bias_partial') if l_0_bias_partial is missing else l_0_bias_partial))
                yield ',\n                           pack_a, pack_b);\n'
            else:
                pass
                yield '    return sn_descend_rows(W, dy, x, o, rows, '
                yield str((undefined(name='I') if l_0_I is missing else l_0_I))
                yield ', '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ', total, descent, NULL, 0, pack_a, pack_b);\n'
            yield '}\n\n'
        yield '/* dW += dy^T x      (∂term/∂W[o, i] = '
        yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
        yield ')\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield ' * dx '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' dy W        (∂term/∂x[n, i] = '
            yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
            yield str(('; another layer wrote dx first' if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else cond_expr_undefined("the inline if-expression on line 84 in 'layers/dense.c.j2' evaluated to false and no else section was defined.")))
            yield ')\n'
        if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
            pass
            yield ' * db += Σ_n dy      (∂y/∂b[o] = '
            yield str((undefined(name='bias_partial_text') if l_0_bias_partial_text is missing else l_0_bias_partial_text))
            yield ')\n'
        yield ' */\n'
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name), run=(undefined(name='fuse') if l_0_fuse is missing else l_0_fuse)))
        yield '\n{\n    const real *restrict W = params + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ';\n    real *restrict dW = grads + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ';\n    '
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
        yield '\n    (void)y; (void)index; (void)W;\n'
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
        if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
            pass
            yield '    if (run->descent != 0)   /* the step is folded: '
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield "_descend, after every share's dx */\n        return;\n"
        yield '    /* dW['
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
debug_info = '1=38&2=40&3=46&4=50&5=58&7=60&9=62&10=64&12=66&13=74&14=84&15=87&17=89&18=91&22=96&23=98&26=101&29=103&31=108&32=110&34=112&37=114&38=116&40=127&41=131&44=133&29=143&50=145&62=148&65=150&66=152&68=154&71=156&72=158&73=161&74=163&77=174&82=180&83=182&84=185&86=190&87=193&90=196&92=198&93=200&94=202&96=204&97=207&98=217&102=232&103=235&106=238&107=246&108=256&109=259&111=261&112=263'
