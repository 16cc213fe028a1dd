# key: f4602bace4d12da760f6ea1cd40cce8a688d9f0d jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/batchnorm.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/batchnorm.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_C = resolve('C')
    l_0_HW = resolve('HW')
    l_0_name = resolve('name')
    l_0_layer = resolve('layer')
    l_0_comments = resolve('comments')
    l_0_after = resolve('after')
    l_0_state = resolve('state')
    l_0_eps = resolve('eps')
    l_0_momentum = resolve('momentum')
    l_0_running_mean = resolve('running_mean')
    l_0_running_var = resolve('running_var')
    l_0_offsets = resolve('offsets')
    l_0_forward = resolve('forward')
    l_0_with_backward = resolve('with_backward')
    l_0_weight_partial_text = resolve('weight_partial_text')
    l_0_bias_partial_text = resolve('bias_partial_text')
    l_0_need_dx = resolve('need_dx')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_dx_train = resolve('dx_train')
    l_0_eval_partial_text = resolve('eval_partial_text')
    l_0_dx_eval = resolve('dx_eval')
    l_0_add_dx = resolve('add_dx')
    l_0_sig = l_0_S = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/batchnorm.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    l_0_S = ((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='HW') if l_0_HW is missing else l_0_HW))
    context.vars['S'] = l_0_S
    context.exported_vars.add('S')
    yield '/* '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': '
    yield str(t_1(context.call(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'describe'))))
    yield ', '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shape'))
    yield ' -> '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape'))
    yield ', per channel */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'header'), (undefined(name='comments') if l_0_comments is missing else l_0_comments)))
    yield "\n/* The chunk's statistics span every thread's samples: x and y point at this thread's first\n * sample (run->first of run->total) and are not restrict, since other threads' samples of x\n * are read. Each channel's statistics are summed by one thread, over all samples in order,\n * into the layer's state in work: mean, 1/sqrt(var + eps), var, Σ dy, Σ dy·x̂ per channel, and\n * the coefficients of the input gradient.\n * In training mode that thread also updates the channel's running statistics, on every\n * forward, as PyTorch's does. */\n"
    if (undefined(name='after') if l_0_after is missing else l_0_after):
        pass
        yield '/* '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'name'))
        yield ', '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'describe'))
        yield ', runs in the last loop: after[e] = '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'forward_text'))
        yield ' for x = y[e], in the\n * pass that writes y, where a pass of its own read y back (lower.epilogues; its backward is its own). */\n'
    yield 'static void '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_forward(\n    int count, const real *x, real *y, const real *restrict params, int32_t *restrict index,\n    real *restrict scratch, const sn_run *run'
    yield str((', real *restrict after' if (undefined(name='after') if l_0_after is missing else l_0_after) else cond_expr_undefined("the inline if-expression on line 18 in 'layers/batchnorm.c.j2' evaluated to false and no else section was defined.")))
    yield ')\n{\n    (void)params; (void)index; (void)scratch;\n    real *means = run->work + '
    yield str((undefined(name='state') if l_0_state is missing else l_0_state))
    yield ', *invstds = means + '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield ', *vars = means + '
    yield str((2 * (undefined(name='C') if l_0_C is missing else l_0_C)))
    yield ';\n    const real *all = x - (long)run->first * '
    yield str((undefined(name='S') if l_0_S is missing else l_0_S))
    yield ";\n    sn_barrier();   /* every thread's samples of x are written */\n    int first;\n    const int mine = sn_split("
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield ', run->thread, run->threads, &first);\n    for (int c = first; c < first + mine; c++) {\n        if (run->training) {   /* μ = Σ x / M and σ² = Σ (x - μ)² / M over the M values of channel c */\n            const double m = (double)run->total * '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ";\n            /* in one pass, with d = x - K for K the channel's first value: μ = K + Σ d / M and\n             * σ² = Σ d² / M - (Σ d / M)² (at least 0: rounding may leave it a hair below) */\n            const double shift = all[c * "
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield '];\n            double sums[SN_LANES] = {0}, squares[SN_LANES] = {0};\n            for (int n = 0; n < run->total; n++)\n                sn_lane_moments(all + (long)n * '
    yield str((undefined(name='S') if l_0_S is missing else l_0_S))
    yield ' + c * '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ', '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ', shift, sums, squares);\n            const double offset = sn_lanes_total(sums) / m;\n            const double mu = shift + offset;\n            const double variance = SN_MAX(sn_lanes_total(squares) / m - offset * offset, 0.0);\n            means[c] = (real)mu;\n            vars[c] = (real)variance;\n            invstds[c] = (real)(1.0 / sqrt(variance + '
    yield str((undefined(name='eps') if l_0_eps is missing else l_0_eps))
    yield "));\n            /* PyTorch's rule, with the unbiased variance for the estimate:\n             * running_mean = (1 - momentum)·running_mean + momentum·μ,\n             * running_var = (1 - momentum)·running_var + momentum·σ²·M/(M - 1) */\n            const double momentum = "
    yield str((undefined(name='momentum') if l_0_momentum is missing else l_0_momentum))
    yield ';\n            real *running = run->buffers;\n            running['
    yield str((undefined(name='running_mean') if l_0_running_mean is missing else l_0_running_mean))
    yield ' + c] = (real)((1 - momentum) * running['
    yield str((undefined(name='running_mean') if l_0_running_mean is missing else l_0_running_mean))
    yield ' + c] + momentum * mu);\n            running['
    yield str((undefined(name='running_var') if l_0_running_var is missing else l_0_running_var))
    yield ' + c] = (real)((1 - momentum) * running['
    yield str((undefined(name='running_var') if l_0_running_var is missing else l_0_running_var))
    yield ' + c]\n                                                    + momentum * variance * m / (m - 1));\n        } else {   /* eval mode: the running statistics, constants */\n            means[c] = run->buffers['
    yield str((undefined(name='running_mean') if l_0_running_mean is missing else l_0_running_mean))
    yield ' + c];\n            invstds[c] = (real)(1.0 / sqrt((double)run->buffers['
    yield str((undefined(name='running_var') if l_0_running_var is missing else l_0_running_var))
    yield ' + c] + '
    yield str((undefined(name='eps') if l_0_eps is missing else l_0_eps))
    yield "));\n        }\n    }\n    sn_barrier();   /* every channel's statistics are written */\n    for (int n = 0; n < count; n++)\n        for (int c = 0; c < "
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield '; c++) {\n'
    if environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'affine'):
        pass
        yield '            const real w = params['
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ' + c], b = params['
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
        yield ' + c];\n'
    yield '            const real mean = means[c], invstd = invstds[c];\n            const real *in = x + ((long)n * '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield ' + c) * '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ';\n            real *row = y + ((long)n * '
    yield str((undefined(name='C') if l_0_C is missing else l_0_C))
    yield ' + c) * '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ';\n'
    if (undefined(name='after') if l_0_after is missing else l_0_after):
        pass
        yield '            const long at = ((long)n * '
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ' + c) * '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ';\n'
    yield '            for (int p = 0; p < '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield '; p++) {\n                const real v = in[p];\n                real out;\n'
    for l_1_line in (undefined(name='forward') if l_0_forward is missing else l_0_forward):
        _loop_vars = {}
        pass
        yield '                '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield '                row[p] = out;\n'
    if (undefined(name='after') if l_0_after is missing else l_0_after):
        pass
        yield '                {   /* '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'name'))
        yield ' */\n                    const long e = at + p;\n                    const real x = out;\n'
        for l_1_line in environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'forward'):
            _loop_vars = {}
            pass
            yield '                    '
            yield str(l_1_line)
            yield '\n'
        l_1_line = missing
        yield '                }\n'
    yield '            }\n        }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* Σ dy and Σ dy·x̂ per channel over the chunk (each channel by one thread, as in forward), and\n * the coefficients of SymPy's derivative, which is linear in dy and x (training mode: through\n * the batch statistics; eval mode: the running statistics are constants); then each thread's\n * dx, two multiply-adds a value, in memory order. */\nstatic void "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_backward(\n    int count, const real *x, const real *y, const real *dy, real *dx,\n    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch,\n    const sn_run *run)\n{\n    (void)y; (void)params; (void)grads; (void)index; (void)scratch; (void)dx;\n    real *means = run->work + '
        yield str((undefined(name='state') if l_0_state is missing else l_0_state))
        yield ', *invstds = means + '
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ';\n    real *sums_dy = means + '
        yield str((3 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ', *sums_dy_xhat = means + '
        yield str((4 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ';\n    /* dx = scale_dy·dy + scale_x·x + shift per channel: the derivative with x̂ = (x - μ)·invstd written out */\n    real *scales_dy = means + '
        yield str((5 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ', *scales_x = means + '
        yield str((6 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ', *shifts = means + '
        yield str((7 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ';\n    const real *all_x = x - (long)run->first * '
        yield str((undefined(name='S') if l_0_S is missing else l_0_S))
        yield ', *all_dy = dy - (long)run->first * '
        yield str((undefined(name='S') if l_0_S is missing else l_0_S))
        yield ";\n    (void)scales_dy; (void)scales_x; (void)shifts;\n    sn_barrier();   /* every thread's samples of dy are written */\n    int first;\n    const int mine = sn_split("
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ', run->thread, run->threads, &first);\n    for (int c = first; c < first + mine; c++) {\n        const real mean = means[c], invstd = invstds[c];\n        double sums[SN_LANES] = {0}, products[SN_LANES] = {0};\n        for (int n = 0; n < run->total; n++) {\n            const long at = (long)n * '
        yield str((undefined(name='S') if l_0_S is missing else l_0_S))
        yield ' + c * '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ';\n            sn_lane_sums(all_dy + at, '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ', sums);\n            sn_lane_products(all_dy + at, all_x + at, '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ', mean, invstd, products);\n        }\n        const double sum = sn_lanes_total(sums), product = sn_lanes_total(products);\n        const real sum_dy = (real)sum, sum_dy_xhat = (real)product;\n        sums_dy[c] = sum_dy;\n        sums_dy_xhat[c] = sum_dy_xhat;\n'
        if environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'affine'):
            pass
            yield '        grads['
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
            yield ' + c] += sum_dy_xhat;   /* ∂L/∂γ = '
            yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
            yield ' */\n        grads['
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
            yield ' + c] += sum_dy;   /* ∂L/∂β = '
            yield str((undefined(name='bias_partial_text') if l_0_bias_partial_text is missing else l_0_bias_partial_text))
            yield ' */\n'
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            if environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'affine'):
                pass
                yield '        const real w = params['
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
                yield ' + c];\n'
            yield '        const real m = (real)run->total * '
            yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
            yield ';\n        real scale_dy, scale_x, shift;\n        (void)m; (void)mean; (void)sum_dy; (void)sum_dy_xhat;\n        if (run->training) {   /* ∂L/∂x[i] = '
            yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
            yield ' */\n'
            for l_1_line in (undefined(name='dx_train') if l_0_dx_train is missing else l_0_dx_train):
                _loop_vars = {}
                pass
                yield '            '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing
            yield '        } else {   /* ∂y/∂x[i] = '
            yield str((undefined(name='eval_partial_text') if l_0_eval_partial_text is missing else l_0_eval_partial_text))
            yield ' */\n'
            for l_1_line in (undefined(name='dx_eval') if l_0_dx_eval is missing else l_0_dx_eval):
                _loop_vars = {}
                pass
                yield '            '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing
            yield '        }\n        scales_dy[c] = scale_dy;\n        scales_x[c] = scale_x;\n        shifts[c] = shift;\n'
        yield "    }\n    sn_barrier();   /* every channel's sums and coefficients are written */\n"
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield "    for (int n = 0; n < count; n++)   /* in memory order: each thread's samples, channel after channel */\n        for (int c = 0; c < "
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield '; c++) {\n            const long at = ((long)n * '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ' + c) * '
            yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
            yield ';\n            const real scale_dy = scales_dy[c], scale_x = scales_x[c], shift = shifts[c];\n            const real *restrict g = dy + at, *restrict v = x + at;\n            real *restrict d = dx + at;\n            for (int p = 0; p < '
            yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
            yield '; p++)\n                d[p] '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' scale_dy * g[p] + scale_x * v[p] + shift;\n        }\n'
        yield '}\n'

blocks = {}
debug_info = '1=40&2=42&3=46&4=54&12=56&13=59&16=66&18=68&21=70&22=76&25=78&28=80&31=82&34=84&40=90&44=92&46=94&47=98&50=102&51=104&56=108&57=110&58=113&61=118&62=122&63=126&64=129&66=134&69=136&70=140&73=144&74=147&77=149&78=153&86=158&91=161&97=163&98=167&100=171&101=177&105=181&110=183&111=187&112=189&118=191&119=194&120=198&122=202&123=204&124=207&126=210&129=212&130=214&131=218&133=222&134=224&135=228&144=233&146=236&147=238&151=242&152=244'
