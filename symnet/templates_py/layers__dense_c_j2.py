# key: 1fc03b62ea3c8c4bd50d028d10604207f664e298 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
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
    l_0_fuse = resolve('fuse')
    l_0_weight_partial_text = resolve('weight_partial_text')
    l_0_bias_partial_text = resolve('bias_partial_text')
    l_0_bias_partial = resolve('bias_partial')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_bias_at = resolve('bias_at')
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
        if (undefined(name='by_rows') if l_0_by_rows is missing else l_0_by_rows):
            pass
            yield '/* The forward by rows of W, in a step whose descent is folded (see sn_step_chunk): share\n * share of shares computes y[all samples, o:o+rows] for the rows o:o+rows of W that its\n * '
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield "_descend writes, over every sample of the chunk (total). On several threads each\n * then reads only the rows of W it writes, which stay in its core's cache, where a share of\n * the samples read all of W, half of it just written by the other core. */\nstatic void "
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_forward_rows(int share, int shares, int total, const real *restrict x, real *restrict y,\n        const real *restrict params, real *restrict scratch)\n{\n    const real *restrict W = params + '
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
            yield ';\n    '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
            yield '\n    int first;\n    const int rows = sn_split('
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', share, shares, &first);\n    if (rows == 0)\n        return;\n    /* y[total x o:o+rows] = x[total x '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield '] · W[o:o+rows, :]^T */\n    sn_gemm(total, rows, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', 1, x, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', 1, W + (long)first * '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', 1, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', y + first, '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', 0,\n            pack_a, pack_b);\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield '    const real *restrict b = params + '
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
                yield ';\n    for (int n = 0; n < total; n++)\n        for (int o = first; o < first + rows; o++)\n            '
                yield str((undefined(name='output_at') if l_0_output_at is missing else l_0_output_at))
                yield ' += '
                yield str((undefined(name='bias') if l_0_bias is missing else l_0_bias))
                yield ';\n'
            yield '}\n\n'
        if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
            pass
            yield "/* A step of plain gradient descent (p ← p - lr·g) over a minibatch of one chunk (sn_train\n * sets run->descent = -lr, else 0) is folded into the gradient's multiply: W += -lr · dy^T x\n * and b += -lr · Σ_n dy, one pass over W where dW's sum, the shares' sum and the update took\n * several; dW and db stay 0, and the update skips W and b. Share share of shares takes its\n * rows of W and b over every sample of the chunk (total), in sample order, called once\n * every share's dx has read W (see backward_range). Returns 1 if every value it wrote is\n * finite, else 0: the step's check of the weights (sn_step), made here where each share's\n * rows are in this thread's cache, and for up to 3 samples in the loop that writes them\n * (at batch 1 the check was a pass over W of its own, a fifth of the step). Not inlined\n * there: inlined, a folded step left the layers around it (a max pool's scatter) short of\n * registers. */\nstatic __attribute__((noinline)) int "
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_descend(int share, int shares, int total, const real *restrict x,\n        const real *restrict dy, real *restrict params, real *restrict scratch, real descent)\n{\n    real *restrict W = params + '
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
            yield ';\n    '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
            yield '\n    int o, bad = 0;\n    const int rows = sn_split('
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', share, shares, &o);\n    if (rows == 0)\n        return 1;\n    /* W[o:o+rows, :] += -lr · dy^T[o:o+rows, all samples] · x[all samples, :]   (∂term/∂W[o, i] = '
            yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
            yield ') */\n    bad = !sn_descend_rows(W, dy, x, o, rows, '
            yield str((undefined(name='I') if l_0_I is missing else l_0_I))
            yield ', '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', total, descent, pack_a, pack_b);\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield '    /* b[o:o+rows] += -lr · Σ_n dy[n, o:o+rows]   (∂y/∂b[o] = '
                yield str((undefined(name='bias_partial_text') if l_0_bias_partial_text is missing else l_0_bias_partial_text))
                yield ') */\n    real *restrict b = params + '
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
                yield ';\n    for (int n = 0; n < total; n++)\n        for (int k = o; k < o + rows; k++)\n            b[k] += descent * ('
                yield str((undefined(name='bias_partial') if l_0_bias_partial is missing else l_0_bias_partial))
                yield ' * dy[(long)n * '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ' + k]);\n    for (int k = o; k < o + rows; k++)\n        bad |= b[k] - b[k] != 0;\n'
            yield '    return !bad;\n}\n\n'
        yield '/* dW += dy^T x      (∂term/∂W[o, i] = '
        yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
        yield ')\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield ' * dx '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' dy W        (∂term/∂x[n, i] = '
            yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
            yield str(('; another layer wrote dx first' if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else cond_expr_undefined("the inline if-expression on line 87 in 'layers/dense.c.j2' evaluated to false and no else section was defined.")))
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
debug_info = '1=37&2=39&3=43&4=51&6=53&8=55&9=57&11=59&12=67&13=77&14=80&16=82&17=84&21=89&22=91&25=94&28=96&31=98&32=100&34=102&37=104&38=106&40=116&41=119&44=121&49=126&61=129&64=131&65=133&67=135&70=137&71=139&72=143&73=146&74=148&77=150&85=156&86=158&87=161&89=166&90=169&93=172&95=174&96=176&97=178&99=180&100=183&101=193&105=208&106=211&109=214&110=222&111=232&112=235&114=237&115=239'
