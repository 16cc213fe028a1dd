# key: 1795cc10061091bd3a38a0810eae9655c6f037dc jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/conv2d.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/conv2d.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_layer = resolve('layer')
    l_0_name = resolve('name')
    l_0_comments = resolve('comments')
    l_0_winograd = resolve('winograd')
    l_0_forward_pass = resolve('forward_pass')
    l_0_dx_pass = resolve('dx_pass')
    l_0_weights_pass = resolve('weights_pass')
    l_0_fp = resolve('fp')
    l_0_dp = resolve('dp')
    l_0_wp = resolve('wp')
    l_0_winograd_tile = resolve('winograd_tile')
    l_0_m = resolve('m')
    l_0_E = resolve('E')
    l_0_EW = resolve('EW')
    l_0_p = resolve('p')
    l_0_pw = resolve('pw')
    l_0_scale_text = resolve('scale_text')
    l_0_offsets = resolve('offsets')
    l_0_scale = resolve('scale')
    l_0_bias_scale_text = resolve('bias_scale_text')
    l_0_bias_partial = resolve('bias_partial')
    l_0_with_backward = resolve('with_backward')
    l_0_weight_partial_text = resolve('weight_partial_text')
    l_0_need_dx = resolve('need_dx')
    l_0_add_dx = resolve('add_dx')
    l_0_input_partial_text = resolve('input_partial_text')
    l_0_bias_partial_text = resolve('bias_partial_text')
    l_0_group = resolve('group')
    l_0_HP = resolve('HP')
    l_0_WP = resolve('WP')
    l_0_padded = resolve('padded')
    l_0_split = resolve('split')
    l_0_scratch_rooms = resolve('scratch_rooms')
    l_0_bias = resolve('bias')
    l_0_in_size = resolve('in_size')
    l_0_sig = l_0_defined_in = l_0_C = l_0_H = l_0_W = l_0_O = l_0_OH = l_0_OW = l_0_KH = l_0_KW = l_0_SH = l_0_SW = l_0_PH = l_0_PW = l_0_K = l_0_P = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['upper']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'upper' found.")
    try:
        t_3 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/conv2d.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    included_template = environment.get_template('parts.c.j2', 'layers/conv2d.c.j2')._get_default_module(context)
    l_0_defined_in = getattr(included_template, 'defined_in', missing)
    if l_0_defined_in is missing:
        l_0_defined_in = undefined(f"the template {included_template.__name__!r} (imported on line 2 in 'layers/conv2d.c.j2') does not export the requested name 'defined_in'", name='defined_in')
    context.vars['defined_in'] = l_0_defined_in
    context.exported_vars.discard('defined_in')
    (l_0_C, l_0_H, l_0_W) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shape')
    context.vars.update({'C': l_0_C, 'H': l_0_H, 'W': l_0_W})
    context.exported_vars.update(('C', 'H', 'W'))
    (l_0_O, l_0_OH, l_0_OW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape')
    context.vars.update({'O': l_0_O, 'OH': l_0_OH, 'OW': l_0_OW})
    context.exported_vars.update(('O', 'OH', 'OW'))
    (l_0_KH, l_0_KW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'kernel')
    context.vars.update({'KH': l_0_KH, 'KW': l_0_KW})
    context.exported_vars.update(('KH', 'KW'))
    (l_0_SH, l_0_SW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'stride')
    context.vars.update({'SH': l_0_SH, 'SW': l_0_SW})
    context.exported_vars.update(('SH', 'SW'))
    (l_0_PH, l_0_PW) = environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'padding')
    context.vars.update({'PH': l_0_PH, 'PW': l_0_PW})
    context.exported_vars.update(('PH', 'PW'))
    l_0_K = (((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='KH') if l_0_KH is missing else l_0_KH)) * (undefined(name='KW') if l_0_KW is missing else l_0_KW))
    context.vars['K'] = l_0_K
    context.exported_vars.add('K')
    l_0_P = ((undefined(name='OH') if l_0_OH is missing else l_0_OH) * (undefined(name='OW') if l_0_OW is missing else l_0_OW))
    context.vars['P'] = l_0_P
    context.exported_vars.add('P')
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
    if (undefined(name='winograd') if l_0_winograd is missing else l_0_winograd):
        pass
        (l_0_fp, l_0_dp, l_0_wp) = ((undefined(name='forward_pass') if l_0_forward_pass is missing else l_0_forward_pass), (undefined(name='dx_pass') if l_0_dx_pass is missing else l_0_dx_pass), (undefined(name='weights_pass') if l_0_weights_pass is missing else l_0_weights_pass))
        context.vars.update({'dp': l_0_dp, 'fp': l_0_fp, 'wp': l_0_wp})
        context.exported_vars.update(('dp', 'fp', 'wp'))
        (l_0_m, l_0_E, l_0_EW) = ((undefined(name='winograd_tile') if l_0_winograd_tile is missing else l_0_winograd_tile), environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'entries'), environment.getattr((undefined(name='weights_pass') if l_0_weights_pass is missing else l_0_weights_pass), 'entries'))
        context.vars.update({'E': l_0_E, 'EW': l_0_EW, 'm': l_0_m})
        context.exported_vars.update(('E', 'EW', 'm'))
        l_0_p = ('sn_wino' if ((undefined(name='m') if l_0_m is missing else l_0_m) == 2) else ('sn_wino%d' % (undefined(name='m') if l_0_m is missing else l_0_m)))
        context.vars['p'] = l_0_p
        context.exported_vars.add('p')
        l_0_pw = ('sn_wino' if (environment.getattr((undefined(name='wp') if l_0_wp is missing else l_0_wp), 'entries') == 16) else 'sn_wino4')
        context.vars['pw'] = l_0_pw
        context.exported_vars.add('pw')
        yield "/* Forward by Winograd's F("
        yield str((undefined(name='m') if l_0_m is missing else l_0_m))
        yield 'x'
        yield str((undefined(name='m') if l_0_m is missing else l_0_m))
        yield ', 3x3) ('
        yield str(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'conv'))
        yield ', '
        yield str((undefined(name='p') if l_0_p is missing else l_0_p))
        yield '_'
        yield str(('fused' if environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'fused') else 'conv'))
        yield ' for these shapes): U[ξ][o][i] = '
        yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
        yield '(G W[o, i] Gᵀ)[ξ],\n * '
        yield str(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'tiles'))
        yield ' tiles of '
        yield str((undefined(name='m') if l_0_m is missing else l_0_m))
        yield ' x '
        yield str((undefined(name='m') if l_0_m is missing else l_0_m))
        yield ' outputs per sample, '
        yield str(('a vector of tiles at a time' if environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'fused') else ('%d sample(s) per multiply' % environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'group'))))
        yield '. */\n'
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    const real *restrict W = params + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ';\n    '
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
        yield '\n    real *restrict U = pack_b + SN_KC * SN_NC;   /* '
        yield str((undefined(name='E') if l_0_E is missing else l_0_E))
        yield ' x '
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ' x '
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ' */\n    (void)index;\n    '
        yield str((undefined(name='p') if l_0_p is missing else l_0_p))
        yield '_kernels(W, '
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ', '
        yield str((undefined(name='C') if l_0_C is missing else l_0_C))
        yield ', 0, '
        yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
        yield ', U);\n    /* y[n, o] = Σ_i W[o, i] * x[n, i] (padding '
        yield str((undefined(name='PH') if l_0_PH is missing else l_0_PH))
        yield ', '
        yield str((undefined(name='PW') if l_0_PW is missing else l_0_PW))
        yield ')'
        yield str(((' + %sb[o]' % (undefined(name='bias_scale_text') if l_0_bias_scale_text is missing else l_0_bias_scale_text)) if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)) else cond_expr_undefined("the inline if-expression on line 26 in 'layers/conv2d.c.j2' evaluated to false and no else section was defined.")))
        yield ' */\n    '
        yield str(environment.getattr((undefined(name='fp') if l_0_fp is missing else l_0_fp), 'conv'))
        yield '(count, U, x, '
        yield str((('params + %s, %s' % (environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'), (undefined(name='bias_partial') if l_0_bias_partial is missing else l_0_bias_partial))) if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)) else 'NULL, 0'))
        yield ', y, 0,\n                 U + '
        yield str((((undefined(name='E') if l_0_E is missing else l_0_E) * (undefined(name='O') if l_0_O is missing else l_0_O)) * (undefined(name='C') if l_0_C is missing else l_0_C)))
        yield ', pack_a, pack_b);\n}\n\n'
        if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
            pass
            yield '/* dW += '
            yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
            yield 'Gᵀ dU G with dU[ξ] = Σ over tiles of (A dY Aᵀ)[ξ] ⊙ V[ξ] ('
            yield str((undefined(name='pw') if l_0_pw is missing else l_0_pw))
            yield '_weights'
            yield str((", F(2x2, 3x3): the passes' small pictures fill its vectors" if ((undefined(name='pw') if l_0_pw is missing else l_0_pw) != (undefined(name='p') if l_0_p is missing else l_0_p)) else cond_expr_undefined("the inline if-expression on line 32 in 'layers/conv2d.c.j2' evaluated to false and no else section was defined.")))
            yield '), the\n *    adjoint of the forward pass   (∂term/∂W[o, i, u, v] = '
            yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
            yield ')\n'
            if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
                pass
                yield ' * dx '
                yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
                yield ' '
                yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
                yield 'W turned half a turn, transposed, * dy padded by '
                yield str(environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'top'))
                yield ', '
                yield str(environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'left'))
                yield ': Winograd again, with\n *    U[ξ][i][o] = (G W[o, i, 2 - u, 2 - v] Gᵀ)[ξ], '
                yield str(environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'tiles'))
                yield ' tiles per sample, '
                yield str(('a vector of tiles at a time' if environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'fused') else ('%d sample(s) per multiply' % environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'group'))))
                yield '\n *    (∂term/∂x[...] = '
                yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
                yield str(('; another layer wrote dx first' if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else cond_expr_undefined("the inline if-expression on line 37 in 'layers/conv2d.c.j2' evaluated to false and no else section was defined.")))
                yield ')\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield ' * db += '
                yield str((undefined(name='bias_scale_text') if l_0_bias_scale_text is missing else l_0_bias_scale_text))
                yield 'Σ dy   (∂y/∂b[o] = '
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
            yield '\n    real *restrict U = pack_b + SN_KC * SN_NC;   /* '
            yield str((undefined(name='EW') if l_0_EW is missing else l_0_EW))
            yield ' x '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ": d loss / d U, then the d input pass's "
            yield str((undefined(name='E') if l_0_E is missing else l_0_E))
            yield ' x '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ' x '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' kernels */\n    (void)y; (void)index; (void)W;\n    for (int k = 0; k < '
            yield str((((undefined(name='EW') if l_0_EW is missing else l_0_EW) * (undefined(name='O') if l_0_O is missing else l_0_O)) * (undefined(name='C') if l_0_C is missing else l_0_C)))
            yield '; k++)\n        U[k] = 0;\n    '
            yield str(environment.getattr((undefined(name='wp') if l_0_wp is missing else l_0_wp), 'weights'))
            yield '(count, x, dy, U, U + '
            yield str((((undefined(name='EW') if l_0_EW is missing else l_0_EW) * (undefined(name='O') if l_0_O is missing else l_0_O)) * (undefined(name='C') if l_0_C is missing else l_0_C)))
            yield ', pack_a, pack_b);\n    '
            yield str((undefined(name='pw') if l_0_pw is missing else l_0_pw))
            yield '_kernels_adjoint(U, '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ', '
            yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
            yield ', dW);\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield '    real *restrict db = grads + '
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
                yield ';\n    for (int n = 0; n < count; n++)\n        for (int o = 0; o < '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield '; o++)\n            db[o] += '
                yield str((undefined(name='bias_partial') if l_0_bias_partial is missing else l_0_bias_partial))
                yield ' * sn_sum(dy + ((long)n * '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ' + o) * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ', '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ');\n'
            if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
                pass
                yield '    '
                yield str((undefined(name='p') if l_0_p is missing else l_0_p))
                yield '_kernels(W, '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ', '
                yield str((undefined(name='C') if l_0_C is missing else l_0_C))
                yield ', 1, '
                yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
                yield ', U);   /* U[ξ][i][o] */\n    /* dx[n, i] '
                yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
                yield ' Σ_o W[o, i] turned * dy[n, o] (padding '
                yield str(environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'top'))
                yield ', '
                yield str(environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'left'))
                yield ') */\n    '
                yield str(environment.getattr((undefined(name='dp') if l_0_dp is missing else l_0_dp), 'conv'))
                yield '(count, U, dy, NULL, 0, dx, '
                yield str((1 if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else 0))
                yield ', U + '
                yield str((((undefined(name='E') if l_0_E is missing else l_0_E) * (undefined(name='O') if l_0_O is missing else l_0_O)) * (undefined(name='C') if l_0_C is missing else l_0_C)))
                yield ', pack_a, pack_b);\n'
            else:
                pass
                yield '    (void)dx;\n'
            yield '}\n'
    else:
        pass
        yield '/* As matrices, '
        yield str((undefined(name='group') if l_0_group is missing else l_0_group))
        yield ' sample(s) at a time side by side: col[(i, u, v), (s, r, c)] = x[s, i, '
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SH') if l_0_SH is missing else l_0_SH), 'r'))
        yield ' + u - '
        yield str((undefined(name='PH') if l_0_PH is missing else l_0_PH))
        yield ', '
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SW') if l_0_SW is missing else l_0_SW), 'c'))
        yield ' + v - '
        yield str((undefined(name='PW') if l_0_PW is missing else l_0_PW))
        yield ']\n * (0 in the padding), then y = '
        yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
        yield 'W col + '
        yield str((undefined(name='bias_scale_text') if l_0_bias_scale_text is missing else l_0_bias_scale_text))
        yield 'b with W as a '
        yield str((undefined(name='O') if l_0_O is missing else l_0_O))
        yield ' x '
        yield str((undefined(name='K') if l_0_K is missing else l_0_K))
        yield ' matrix. */\n#define '
        yield str(t_2((undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '_GROUP '
        yield str((undefined(name='group') if l_0_group is missing else l_0_group))
        yield '\n'
        (l_0_HP, l_0_WP) = (((undefined(name='H') if l_0_H is missing else l_0_H) + (2 * (undefined(name='PH') if l_0_PH is missing else l_0_PH))), ((undefined(name='W') if l_0_W is missing else l_0_W) + (2 * (undefined(name='PW') if l_0_PW is missing else l_0_PW))))
        context.vars.update({'HP': l_0_HP, 'WP': l_0_WP})
        context.exported_vars.update(('HP', 'WP'))
        l_0_padded = (((undefined(name='PH') if l_0_PH is missing else l_0_PH) > 0) or ((undefined(name='PW') if l_0_PW is missing else l_0_PW) > 0))
        context.vars['padded'] = l_0_padded
        context.exported_vars.add('padded')
        if (undefined(name='padded') if l_0_padded is missing else l_0_padded):
            pass
            yield "/* One sample's input with "
            yield str((undefined(name='PH') if l_0_PH is missing else l_0_PH))
            yield ' row(s) and '
            yield str((undefined(name='PW') if l_0_PW is missing else l_0_PW))
            yield ' column(s) of zeros around each plane: '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield ' x '
            yield str((undefined(name='HP') if l_0_HP is missing else l_0_HP))
            yield ' x '
            yield str((undefined(name='WP') if l_0_WP is missing else l_0_WP))
            yield '.\n * Read from there, every kernel offset is in range, so the copies below need no bounds. */\nstatic void '
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_pad(const real *restrict x, real *restrict padded)\n{\n    for (int i = 0; i < '
            yield str((undefined(name='C') if l_0_C is missing else l_0_C))
            yield '; i++) {\n        real *restrict plane = padded + i * '
            yield str(((undefined(name='HP') if l_0_HP is missing else l_0_HP) * (undefined(name='WP') if l_0_WP is missing else l_0_WP)))
            yield ';\n'
            if (undefined(name='PH') if l_0_PH is missing else l_0_PH):
                pass
                yield '        memset(plane, 0, sizeof(real) * '
                yield str(((undefined(name='PH') if l_0_PH is missing else l_0_PH) * (undefined(name='WP') if l_0_WP is missing else l_0_WP)))
                yield ');\n        memset(plane + '
                yield str((((undefined(name='PH') if l_0_PH is missing else l_0_PH) + (undefined(name='H') if l_0_H is missing else l_0_H)) * (undefined(name='WP') if l_0_WP is missing else l_0_WP)))
                yield ', 0, sizeof(real) * '
                yield str(((undefined(name='PH') if l_0_PH is missing else l_0_PH) * (undefined(name='WP') if l_0_WP is missing else l_0_WP)))
                yield ');\n'
            yield '        for (int h = 0; h < '
            yield str((undefined(name='H') if l_0_H is missing else l_0_H))
            yield '; h++) {\n            real *restrict row = plane + (h + '
            yield str((undefined(name='PH') if l_0_PH is missing else l_0_PH))
            yield ') * '
            yield str((undefined(name='WP') if l_0_WP is missing else l_0_WP))
            yield ';\n'
            if (undefined(name='PW') if l_0_PW is missing else l_0_PW):
                pass
                yield '            for (int w = 0; w < '
                yield str((undefined(name='PW') if l_0_PW is missing else l_0_PW))
                yield '; w++)\n                row[w] = row['
                yield str(((undefined(name='PW') if l_0_PW is missing else l_0_PW) + (undefined(name='W') if l_0_W is missing else l_0_W)))
                yield ' + w] = 0;\n'
            yield '            for (int w = 0; w < '
            yield str((undefined(name='W') if l_0_W is missing else l_0_W))
            yield '; w++)\n                row['
            yield str((undefined(name='PW') if l_0_PW is missing else l_0_PW))
            yield ' + w] = x[(i * '
            yield str((undefined(name='H') if l_0_H is missing else l_0_H))
            yield ' + h) * '
            yield str((undefined(name='W') if l_0_W is missing else l_0_W))
            yield ' + w];\n        }\n    }\n}\n\n'
        yield "/* One sample's columns into col, whose rows are ld long"
        yield str(('; padded is room for the padded input' if (undefined(name='padded') if l_0_padded is missing else l_0_padded) else cond_expr_undefined("the inline if-expression on line 99 in 'layers/conv2d.c.j2' evaluated to false and no else section was defined.")))
        yield '. */\n'
        def macro():
            t_4 = []
            pass
            t_4.append(
                '{\n',
            )
            if (undefined(name='padded') if l_0_padded is missing else l_0_padded):
                pass
                t_4.extend((
                    '    ',
                    str((undefined(name='name') if l_0_name is missing else l_0_name)),
                    '_pad(x, padded);\n    const real *restrict source = padded;\n',
                ))
            else:
                pass
                t_4.append(
                    '    const real *restrict source = x;\n    (void)padded;\n',
                )
            t_4.extend((
                '    for (int i = 0; i < ',
                str((undefined(name='C') if l_0_C is missing else l_0_C)),
                '; i++)\n    for (int u = 0; u < ',
                str((undefined(name='KH') if l_0_KH is missing else l_0_KH)),
                '; u++)\n    for (int v = 0; v < ',
                str((undefined(name='KW') if l_0_KW is missing else l_0_KW)),
                '; v++) {\n        real *restrict row = col + (long)((i * ',
                str((undefined(name='KH') if l_0_KH is missing else l_0_KH)),
                ' + u) * ',
                str((undefined(name='KW') if l_0_KW is missing else l_0_KW)),
                ' + v) * ld;\n        for (int r = 0; r < ',
                str((undefined(name='OH') if l_0_OH is missing else l_0_OH)),
                '; r++) {\n            const real *restrict in = source + (i * ',
                str((undefined(name='HP') if l_0_HP is missing else l_0_HP)),
                ' + ',
                str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SH') if l_0_SH is missing else l_0_SH), 'r')),
                ' + u) * ',
                str((undefined(name='WP') if l_0_WP is missing else l_0_WP)),
                ' + v;\n',
            ))
            if ((undefined(name='SW') if l_0_SW is missing else l_0_SW) == 1):
                pass
                t_4.extend((
                    '            /* a row of ',
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    " values, copied in place: GCC vectorized and unrolled the loop over\n             * them in each copy of this function, a sixth of LeNet-5's compile */\n            memcpy(row + r * ",
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    ', in, sizeof(real) * ',
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    ');\n',
                ))
            else:
                pass
                t_4.extend((
                    '            for (int c = 0; c < ',
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    '; c++)\n                row[r * ',
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    ' + c] = in[',
                    str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SW') if l_0_SW is missing else l_0_SW), 'c')),
                    '];\n',
                ))
            t_4.append(
                '        }\n    }\n}\n',
            )
            return concat(t_4)
        caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
        yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), str_join(('void ', (undefined(name='name') if l_0_name is missing else l_0_name), '_im2col(const real *restrict x, real *restrict col, int ld, real *restrict padded)', )), caller=caller)
        yield '\n'
        if ((undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx) and (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward)):
            pass
            yield '/* The adjoint of im2col: each column entry adds back into the pixel it was copied from'
            yield str((',\n * in the padded planes, whose inside is then added to dx' if (undefined(name='padded') if l_0_padded is missing else l_0_padded) else cond_expr_undefined("the inline if-expression on line 129 in 'layers/conv2d.c.j2' evaluated to false and no else section was defined.")))
            yield '. */\n'
            def macro():
                t_5 = []
                pass
                t_5.append(
                    '{\n',
                )
                if (undefined(name='padded') if l_0_padded is missing else l_0_padded):
                    pass
                    t_5.extend((
                        '    memset(padded, 0, sizeof(real) * ',
                        str((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='HP') if l_0_HP is missing else l_0_HP)) * (undefined(name='WP') if l_0_WP is missing else l_0_WP))),
                        ');\n    real *restrict target = padded;\n',
                    ))
                else:
                    pass
                    t_5.append(
                        '    real *restrict target = dx;\n    (void)padded;\n',
                    )
                t_5.extend((
                    '    for (int i = 0; i < ',
                    str((undefined(name='C') if l_0_C is missing else l_0_C)),
                    '; i++)\n    for (int u = 0; u < ',
                    str((undefined(name='KH') if l_0_KH is missing else l_0_KH)),
                    '; u++)\n    for (int v = 0; v < ',
                    str((undefined(name='KW') if l_0_KW is missing else l_0_KW)),
                    '; v++) {\n        const real *restrict row = col + (long)((i * ',
                    str((undefined(name='KH') if l_0_KH is missing else l_0_KH)),
                    ' + u) * ',
                    str((undefined(name='KW') if l_0_KW is missing else l_0_KW)),
                    ' + v) * ld;\n        for (int r = 0; r < ',
                    str((undefined(name='OH') if l_0_OH is missing else l_0_OH)),
                    '; r++) {\n            real *restrict out = target + (i * ',
                    str((undefined(name='HP') if l_0_HP is missing else l_0_HP)),
                    ' + ',
                    str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SH') if l_0_SH is missing else l_0_SH), 'r')),
                    ' + u) * ',
                    str((undefined(name='WP') if l_0_WP is missing else l_0_WP)),
                    ' + v;\n            for (int c = 0; c < ',
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    '; c++)\n                out[',
                    str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'times'), (undefined(name='SW') if l_0_SW is missing else l_0_SW), 'c')),
                    '] += row[r * ',
                    str((undefined(name='OW') if l_0_OW is missing else l_0_OW)),
                    ' + c];\n        }\n    }\n',
                ))
                if (undefined(name='padded') if l_0_padded is missing else l_0_padded):
                    pass
                    t_5.extend((
                        '    for (int i = 0; i < ',
                        str((undefined(name='C') if l_0_C is missing else l_0_C)),
                        '; i++)\n        for (int h = 0; h < ',
                        str((undefined(name='H') if l_0_H is missing else l_0_H)),
                        '; h++)\n            for (int w = 0; w < ',
                        str((undefined(name='W') if l_0_W is missing else l_0_W)),
                        '; w++)\n                dx[(i * ',
                        str((undefined(name='H') if l_0_H is missing else l_0_H)),
                        ' + h) * ',
                        str((undefined(name='W') if l_0_W is missing else l_0_W)),
                        ' + w] += padded[(i * ',
                        str((undefined(name='HP') if l_0_HP is missing else l_0_HP)),
                        ' + h + ',
                        str((undefined(name='PH') if l_0_PH is missing else l_0_PH)),
                        ') * ',
                        str((undefined(name='WP') if l_0_WP is missing else l_0_WP)),
                        ' + w + ',
                        str((undefined(name='PW') if l_0_PW is missing else l_0_PW)),
                        '];\n',
                    ))
                t_5.append(
                    '}\n',
                )
                return concat(t_5)
            caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
            yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), str_join(('void ', (undefined(name='name') if l_0_name is missing else l_0_name), '_col2im(const real *restrict col, int ld, real *restrict dx, real *restrict padded)', )), caller=caller)
        yield '\n'
        def macro():
            t_6 = []
            pass
            t_6.extend((
                '    real *restrict col = pack_b + SN_KC * SN_NC;                      /* ',
                str((undefined(name='K') if l_0_K is missing else l_0_K)),
                ' x (group x ',
                str((undefined(name='P') if l_0_P is missing else l_0_P)),
                ') */\n',
            ))
            if ((undefined(name='group') if l_0_group is missing else l_0_group) > 1):
                pass
                t_6.extend((
                    '    real *restrict stage = col + ',
                    str((undefined(name='K') if l_0_K is missing else l_0_K)),
                    ' * ',
                    str(t_2((undefined(name='name') if l_0_name is missing else l_0_name))),
                    '_GROUP * ',
                    str((undefined(name='P') if l_0_P is missing else l_0_P)),
                    ';   /* ',
                    str((undefined(name='O') if l_0_O is missing else l_0_O)),
                    ' x (group x ',
                    str((undefined(name='P') if l_0_P is missing else l_0_P)),
                    ') */\n    real *restrict padded = stage + ',
                    str((undefined(name='O') if l_0_O is missing else l_0_O)),
                    ' * ',
                    str(t_2((undefined(name='name') if l_0_name is missing else l_0_name))),
                    '_GROUP * ',
                    str((undefined(name='P') if l_0_P is missing else l_0_P)),
                    ';  /* ',
                    str(((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='HP') if l_0_HP is missing else l_0_HP)) * (undefined(name='WP') if l_0_WP is missing else l_0_WP)) if (undefined(name='padded') if l_0_padded is missing else l_0_padded) else 0)),
                    ' values */\n',
                ))
            else:
                pass
                t_6.extend((
                    '    real *restrict padded = col + ',
                    str((undefined(name='K') if l_0_K is missing else l_0_K)),
                    ' * ',
                    str(t_2((undefined(name='name') if l_0_name is missing else l_0_name))),
                    '_GROUP * ',
                    str((undefined(name='P') if l_0_P is missing else l_0_P)),
                    ';  /* ',
                    str(((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='HP') if l_0_HP is missing else l_0_HP)) * (undefined(name='WP') if l_0_WP is missing else l_0_WP)) if (undefined(name='padded') if l_0_padded is missing else l_0_padded) else 0)),
                    ' values */\n',
                ))
            return concat(t_6)
        context.exported_vars.add('scratch_rooms')
        context.vars['scratch_rooms'] = l_0_scratch_rooms = Macro(environment, macro, 'scratch_rooms', (), False, False, False, context.eval_ctx.autoescape)
        yield '\n'
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '\n{\n    const real *restrict W = params + '
        yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'weight'))
        yield ';\n    '
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'buffers')))
        yield '\n'
        yield str(context.call((undefined(name='scratch_rooms') if l_0_scratch_rooms is missing else l_0_scratch_rooms)))
        yield '\n'
        if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
            pass
            yield '    const real *restrict b = params + '
            yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
            yield ';\n'
        yield '    (void)index;\n    for (int n0 = 0; n0 < count; n0 += '
        yield str(t_2((undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '_GROUP) {\n        const int g = SN_MIN('
        yield str(t_2((undefined(name='name') if l_0_name is missing else l_0_name)))
        yield '_GROUP, count - n0), ld = g * '
        yield str((undefined(name='P') if l_0_P is missing else l_0_P))
        yield ';\n        for (int s = 0; s < g; s++)\n            '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_im2col(x + (long)(n0 + s) * '
        yield str((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='H') if l_0_H is missing else l_0_H)) * (undefined(name='W') if l_0_W is missing else l_0_W)))
        yield ', col + s * '
        yield str((undefined(name='P') if l_0_P is missing else l_0_P))
        yield ', ld, padded);\n'
        if ((undefined(name='group') if l_0_group is missing else l_0_group) == 1):
            pass
            yield '        /* one sample at a time: the product is laid out as the output, so it goes straight there */\n        real *restrict out = y + (long)n0 * '
            yield str(((undefined(name='O') if l_0_O is missing else l_0_O) * (undefined(name='P') if l_0_P is missing else l_0_P)))
            yield ';\n        /* y['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x ld] = '
            yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
            yield 'W['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield '] · col['
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ' x ld] */\n        sn_gemm('
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', ld, '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ', '
            yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
            yield ', W, '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ', 1, col, ld, 1, out, ld, 0, pack_a, pack_b);\n'
            if t_3((undefined(name='bias') if l_0_bias is missing else l_0_bias)):
                pass
                yield '        for (int o = 0; o < '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield '; o++)\n            for (int p = 0; p < '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield '; p++)\n                out[o * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ' + p] += '
                yield str((undefined(name='bias') if l_0_bias is missing else l_0_bias))
                yield ';\n'
        else:
            pass
            yield '        /* stage['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x ld] = '
            yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
            yield 'W['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield '] · col['
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ' x ld] */\n        sn_gemm('
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', ld, '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ', '
            yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
            yield ', W, '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ', 1, col, ld, 1, stage, ld, 0, pack_a, pack_b);\n        for (int s = 0; s < g; s++)\n            for (int o = 0; o < '
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield '; o++) {\n                real *restrict out = y + (long)(n0 + s) * '
            yield str(((undefined(name='O') if l_0_O is missing else l_0_O) * (undefined(name='P') if l_0_P is missing else l_0_P)))
            yield ' + o * '
            yield str((undefined(name='P') if l_0_P is missing else l_0_P))
            yield ';\n                const real *restrict from = stage + (long)o * ld + s * '
            yield str((undefined(name='P') if l_0_P is missing else l_0_P))
            yield ';\n                for (int p = 0; p < '
            yield str((undefined(name='P') if l_0_P is missing else l_0_P))
            yield '; p++)\n                    out[p] = from[p]'
            if t_3((undefined(name='bias') if l_0_bias is missing else l_0_bias)):
                pass
                yield ' + '
                yield str((undefined(name='bias') if l_0_bias is missing else l_0_bias))
            yield ';\n            }\n'
        yield '    }\n}\n\n'
        if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
            pass
            yield '/* dW += '
            yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
            yield 'dy col^T   (∂term/∂W[o, i, u, v] = '
            yield str((undefined(name='weight_partial_text') if l_0_weight_partial_text is missing else l_0_weight_partial_text))
            yield ')\n'
            if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
                pass
                yield ' * dx '
                yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx)))
                yield ' col2im('
                yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
                yield 'W^T dy)   (∂term/∂x[...] = '
                yield str((undefined(name='input_partial_text') if l_0_input_partial_text is missing else l_0_input_partial_text))
                yield str(('; another layer wrote dx first' if (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx) else cond_expr_undefined("the inline if-expression on line 210 in 'layers/conv2d.c.j2' evaluated to false and no else section was defined.")))
                yield ')\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield ' * db += '
                yield str((undefined(name='bias_scale_text') if l_0_bias_scale_text is missing else l_0_bias_scale_text))
                yield 'Σ dy   (∂y/∂b[o] = '
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
            yield '\n'
            yield str(context.call((undefined(name='scratch_rooms') if l_0_scratch_rooms is missing else l_0_scratch_rooms)))
            yield '\n    (void)y; (void)index; (void)W;\n'
            if ((undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx) and (not (undefined(name='add_dx') if l_0_add_dx is missing else l_0_add_dx))):
                pass
                yield '    memset(dx, 0, sizeof(real) * (size_t)count * '
                yield str((undefined(name='in_size') if l_0_in_size is missing else l_0_in_size))
                yield ');   /* col2im adds into it */\n'
            elif (not (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx)):
                pass
                yield '    (void)dx;\n'
            yield '    for (int n0 = 0; n0 < count; n0 += '
            yield str(t_2((undefined(name='name') if l_0_name is missing else l_0_name)))
            yield '_GROUP) {\n        const int g = SN_MIN('
            yield str(t_2((undefined(name='name') if l_0_name is missing else l_0_name)))
            yield '_GROUP, count - n0), ld = g * '
            yield str((undefined(name='P') if l_0_P is missing else l_0_P))
            yield ';\n'
            if ((undefined(name='group') if l_0_group is missing else l_0_group) == 1):
                pass
                yield '        '
                yield str((undefined(name='name') if l_0_name is missing else l_0_name))
                yield '_im2col(x + (long)n0 * '
                yield str((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='H') if l_0_H is missing else l_0_H)) * (undefined(name='W') if l_0_W is missing else l_0_W)))
                yield ', col, ld, padded);\n        const real *restrict stage = dy + (long)n0 * '
                yield str(((undefined(name='O') if l_0_O is missing else l_0_O) * (undefined(name='P') if l_0_P is missing else l_0_P)))
                yield ";  /* one sample's dy is laid out as the product */\n"
            else:
                pass
                yield '        for (int s = 0; s < g; s++) {\n            '
                yield str((undefined(name='name') if l_0_name is missing else l_0_name))
                yield '_im2col(x + (long)(n0 + s) * '
                yield str((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='H') if l_0_H is missing else l_0_H)) * (undefined(name='W') if l_0_W is missing else l_0_W)))
                yield ', col + s * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ', ld, padded);\n            for (int o = 0; o < '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield '; o++)\n                memcpy(stage + (long)o * ld + s * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ', dy + (long)(n0 + s) * '
                yield str(((undefined(name='O') if l_0_O is missing else l_0_O) * (undefined(name='P') if l_0_P is missing else l_0_P)))
                yield ' + o * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ',\n                       sizeof(real) * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ');\n        }\n'
            yield '        /* dW['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield '] += '
            yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
            yield 'dy['
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ' x ld] · col^T[ld x '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield '] */\n        sn_gemm('
            yield str((undefined(name='O') if l_0_O is missing else l_0_O))
            yield ', '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ', ld, '
            yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
            yield ', stage, ld, 1, col, 1, ld, dW, '
            yield str((undefined(name='K') if l_0_K is missing else l_0_K))
            yield ', 1, pack_a, pack_b);\n'
            if ('bias' in (undefined(name='offsets') if l_0_offsets is missing else l_0_offsets)):
                pass
                yield '        real *restrict db = grads + '
                yield str(environment.getattr((undefined(name='offsets') if l_0_offsets is missing else l_0_offsets), 'bias'))
                yield ';\n        for (int o = 0; o < '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield '; o++)\n            db[o] += '
                yield str((undefined(name='bias_partial') if l_0_bias_partial is missing else l_0_bias_partial))
                yield ' * sn_sum(stage + (long)o * ld, ld);\n'
            if (undefined(name='need_dx') if l_0_need_dx is missing else l_0_need_dx):
                pass
                yield '        /* col['
                yield str((undefined(name='K') if l_0_K is missing else l_0_K))
                yield ' x ld] = '
                yield str((undefined(name='scale_text') if l_0_scale_text is missing else l_0_scale_text))
                yield 'W^T['
                yield str((undefined(name='K') if l_0_K is missing else l_0_K))
                yield ' x '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield '] · dy['
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ' x ld] */\n        sn_gemm('
                yield str((undefined(name='K') if l_0_K is missing else l_0_K))
                yield ', ld, '
                yield str((undefined(name='O') if l_0_O is missing else l_0_O))
                yield ', '
                yield str((undefined(name='scale') if l_0_scale is missing else l_0_scale))
                yield ', W, 1, '
                yield str((undefined(name='K') if l_0_K is missing else l_0_K))
                yield ', stage, ld, 1, col, ld, 0, pack_a, pack_b);\n        for (int s = 0; s < g; s++)\n            '
                yield str((undefined(name='name') if l_0_name is missing else l_0_name))
                yield '_col2im(col + s * '
                yield str((undefined(name='P') if l_0_P is missing else l_0_P))
                yield ', ld, dx + (long)(n0 + s) * '
                yield str((((undefined(name='C') if l_0_C is missing else l_0_C) * (undefined(name='H') if l_0_H is missing else l_0_H)) * (undefined(name='W') if l_0_W is missing else l_0_W)))
                yield ', padded);\n'
            yield '    }\n}\n'

blocks = {}
debug_info = '1=65&2=67&3=73&4=76&5=79&6=82&7=85&8=88&9=91&10=95&11=103&12=105&13=107&14=110&15=113&16=116&17=120&18=132&19=140&21=142&22=144&23=146&25=152&26=160&27=166&28=170&31=172&32=175&33=181&34=183&35=186&36=194&37=198&39=201&40=204&43=209&45=211&46=213&47=215&48=217&50=229&52=231&53=235&54=243&55=246&57=248&58=250&60=258&61=261&62=269&63=275&70=288&71=298&72=306&73=310&74=313&75=316&76=319&78=329&80=331&81=333&82=335&83=338&84=340&86=345&87=347&88=351&89=354&90=356&92=359&93=361&99=368&100=370&102=376&103=380&109=390&110=392&111=394&112=396&113=400&114=402&115=409&116=413&118=415&120=424&121=426&100=436&128=438&129=441&130=443&132=449&133=453&139=463&140=465&141=467&142=469&143=473&144=475&145=481&146=483&149=488&150=492&151=494&152=496&153=498&130=516&160=518&161=523&162=528&163=532&164=542&166=555&170=568&172=570&173=572&174=574&175=576&176=579&179=582&180=584&182=588&183=594&185=597&186=599&187=609&188=617&189=620&190=622&191=624&194=631&195=641&197=649&198=651&199=655&200=657&201=659&207=665&208=668&209=672&210=675&212=682&213=685&216=690&218=692&219=694&220=696&221=698&223=700&224=703&225=705&228=709&229=711&230=715&231=718&232=722&235=727&236=733&237=735&238=741&241=744&242=754&243=762&244=765&245=767&246=769&248=771&249=774&250=784&252=792'
