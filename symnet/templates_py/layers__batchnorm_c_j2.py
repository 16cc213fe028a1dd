# key: bda857cee6326441b1bb69854e6768649fbeff9b jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
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
    yield "\n/* The chunk's statistics span every thread's samples: x and y point at this thread's first\n * sample (run->first of run->total) and are not restrict, since other threads' samples of x\n * are read. Each channel's statistics are summed by one thread, over all samples in order,\n * into the layer's state in work: mean, 1/sqrt(var + eps), var, Σ dy, Σ dy·x̂ per channel.\n * In training mode that thread also updates the channel's running statistics, on every\n * forward, as PyTorch's does. */\nstatic void "
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_forward(\n    int count, const real *x, real *y, const real *restrict params, int32_t *restrict index,\n    real *restrict scratch, const sn_run *run)\n{\n    (void)params; (void)index; (void)scratch;\n    real *means = run->work + '
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
    yield ';\n            double sums[SN_LANES] = {0}, squares[SN_LANES] = {0};\n            for (int n = 0; n < run->total; n++)\n                sn_lane_sums(all + (long)n * '
    yield str((undefined(name='S') if l_0_S is missing else l_0_S))
    yield ' + c * '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ', '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ', sums);\n            const double mu = sn_lanes_total(sums) / m;\n            for (int n = 0; n < run->total; n++)\n                sn_lane_squares(all + (long)n * '
    yield str((undefined(name='S') if l_0_S is missing else l_0_S))
    yield ' + c * '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ', '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield ', mu, squares);\n            const double variance = sn_lanes_total(squares) / m;\n            means[c] = (real)mu;\n            vars[c] = (real)variance;\n            invstds[c] = (real)(1.0 / sqrt(variance + '
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
    yield ';\n            for (int p = 0; p < '
    yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
    yield '; p++) {\n                const real v = in[p];\n                real out;\n'
    for l_1_line in (undefined(name='forward') if l_0_forward is missing else l_0_forward):
        _loop_vars = {}
        pass
        yield '                '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield '                row[p] = out;\n            }\n        }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* Σ dy and Σ dy·x̂ per channel over the chunk (each channel by one thread, as in forward),\n * then each thread's dx from SymPy's derivative (training mode: through the batch\n * statistics; eval mode: the running statistics are constants). */\nstatic void "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_backward(\n    int count, const real *x, const real *y, const real *dy, real *dx,\n    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch,\n    const sn_run *run)\n{\n    (void)y; (void)params; (void)grads; (void)index; (void)scratch; (void)dx;\n    real *means = run->work + '
        yield str((undefined(name='state') if l_0_state is missing else l_0_state))
        yield ', *invstds = means + '
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ';\n    real *sums_dy = means + '
        yield str((3 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ', *sums_dy_xhat = means + '
        yield str((4 * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ';\n    const real *all_x = x - (long)run->first * '
        yield str((undefined(name='S') if l_0_S is missing else l_0_S))
        yield ', *all_dy = dy - (long)run->first * '
        yield str((undefined(name='S') if l_0_S is missing else l_0_S))
        yield ";\n    sn_barrier();   /* every thread's samples of dy are written */\n    int first;\n    const int mine = sn_split("
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ', run->thread, run->threads, &first);\n    for (int c = first; c < first + mine; c++) {\n        const real mean = means[c], invstd = invstds[c];\n        double sums[SN_LANES] = {0}, products[SN_LANES] = {0};\n        for (int n = 0; n < run->total; n++) {\n            const long at = (long)n * '
        yield str((undefined(name='S') if l_0_S is missing else l_0_S))
        yield ' + c * '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ';\n            sn_lane_sums(all_dy + at, '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ', sums);\n            sn_lane_products(all_dy + at, all_x + at, '
        yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
        yield ', mean, invstd, products);\n        }\n        const double sum = sn_lanes_total(sums), product = sn_lanes_total(products);\n        sums_dy[c] = (real)sum;\n        sums_dy_xhat[c] = (real)product;\n'
        if environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'affine'):
            pass
            yield '        grads['
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
            yield ' + c] += sums_dy_xhat[c];   /* ∂L/∂γ = '
            yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
            yield ' */\n        grads['
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
            yield ' + c] += sums_dy[c];   /* ∂L/∂β = '
            yield str((undefined(name='bias_partial_text') if l_0_bias_partial_text is missing else l_0_bias_partial_text))
            yield ' */\n'
        yield "    }\n    sn_barrier();   /* every channel's sums are written */\n"
        if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
            pass
            yield '    const real m = (real)run->total * '
            yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
            yield ';\n    for (int n = 0; n < count; n++)\n        for (int c = 0; c < '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield '; c++) {\n'
            if environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'affine'):
                pass
                yield '            const real w = params['
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
                yield ' + c];\n'
            yield '            const real mean = means[c], invstd = invstds[c], sum_dy = sums_dy[c], sum_dy_xhat = sums_dy_xhat[c];\n            for (int p = 0; p < '
            yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
            yield '; p++) {\n                const long at = ((long)n * '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ' + c) * '
            yield str((undefined(name='HW') if l_0_HW is missing else l_0_HW))
            yield ' + p;\n                const real g = dy[at], xhat = (x[at] - mean) * invstd;\n                real d;\n                if (run->training) {   /* ∂L/∂x[i] = '
            yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
            yield ' */\n'
            for l_1_line in (undefined(name='dx_train') if l_0_dx_train is missing else l_0_dx_train):
                _loop_vars = {}
                pass
                yield '                    '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing
            yield '                } else {   /* ∂y/∂x[i] = '
            yield str((undefined(name='eval_partial_text') if l_0_eval_partial_text is missing else l_0_eval_partial_text))
            yield ' */\n'
            for l_1_line in (undefined(name='dx_eval') if l_0_dx_eval is missing else l_0_dx_eval):
                _loop_vars = {}
                pass
                yield '                    '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing
            yield '                }\n                dx[at] '
            yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
            yield ' d;\n            }\n        }\n'
        yield '}\n'

blocks = {}
debug_info = '1=39&2=41&3=45&4=53&11=55&16=57&17=63&20=65&23=67&26=69&29=75&33=81&37=83&39=85&40=89&43=93&44=95&49=99&50=101&51=104&54=109&55=113&56=117&59=119&60=123&67=127&71=130&77=132&78=136&79=140&82=144&87=146&88=150&89=152&94=154&95=157&96=161&100=166&101=169&103=171&104=173&105=176&108=179&109=181&112=185&113=187&114=191&116=195&117=197&118=201&121=205'
