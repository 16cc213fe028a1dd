# key: 9f4d6e6622e83bef0c0f6e637a95c7ffb4a85596 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/winograd.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'winograd.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_model = resolve('model')
    l_0_with_backward = resolve('with_backward')
    l_0_ctype = resolve('ctype')
    l_0_defined_in = l_0_kernels = l_0_wino_tiles = l_0_weight_tiles = l_0_item = l_0_drivers = l_0_seen = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_3 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_4 = environment.filters['max']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'max' found.")
    try:
        t_5 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_6 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    pass
    included_template = environment.get_template('parts.c.j2', 'winograd.c.j2')._get_default_module(context)
    l_0_defined_in = getattr(included_template, 'defined_in', missing)
    if l_0_defined_in is missing:
        l_0_defined_in = undefined(f"the template {included_template.__name__!r} (imported on line 1 in 'winograd.c.j2') does not export the requested name 'defined_in'", name='defined_in')
    context.vars['defined_in'] = l_0_defined_in
    context.exported_vars.discard('defined_in')
    yield "\n/*\n * Winograd's minimal filtering F(2x2, 3x3), for 3x3 convolutions of stride 1. Each 2 x 2 block\n * of outputs (a tile) comes from the 4 x 4 inputs d under it and the 3 x 3 kernel g as\n *\n *   Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],\n *                                      G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 -1 -1]\n *\n * 16 products per tile and pair of channels where the sums take 36. Summed over the input\n * channels, each entry ξ = 4a + b of the 4 x 4 transformed tiles is one matrix multiply:\n *\n *   M[ξ] (out channels x tiles) = U[ξ] (out x in) · V[ξ] (in x tiles),  U = G g Gᵀ, V = Bᵀ d B\n *\n * and each output tile is Aᵀ M A. The transforms only add, subtract and halve, a vector of\n * tiles along a row at a time.\n */\n/* Past each row of transformed tiles: room for a whole vector's overflow (at most 16 lanes) */\n/* The transforms and the two drivers below are inlined into a copy of each driver for each set of\n * shapes the model's convolutions take (emitted at the end of this file), whose shapes are constants\n * there: the loops over tiles and the choice of rows per vector then compile to straight code for\n * those shapes (resnet's 16-channel 28x28 convolutions: 2.7 to 2.5 ms forward for 64 samples). */\n#define SN_WINO_INLINE static inline __attribute__((always_inline))\n#define SN_WINO_SLACK 16\n/* Kernels transformed (or their gradients taken back) a block at a time */\n#define SN_WINO_BLOCK 64\n\n"
    def macro(l_1_p, l_1_e, l_1_adjoint):
        t_7 = []
        if l_1_p is missing:
            l_1_p = undefined("parameter 'p' was not provided", name='p')
        if l_1_e is missing:
            l_1_e = undefined("parameter 'e' was not provided", name='e')
        if l_1_adjoint is missing:
            l_1_adjoint = undefined("parameter 'adjoint' was not provided", name='adjoint')
        pass
        if (not l_1_adjoint):
            pass
            t_7.extend((
                '/* U[ξ][k] = (',
                str(l_1_p),
                "_kernel) for every pair of channels: k = o in + i for W[o, i] as it is (turned 0), or\n * k = i out + o for W[o, i] turned half a turn (turned 1, the d input pass's kernels). A block of kernels\n * is transformed into ",
                str(l_1_e),
                " rows of a block, then each row copied to its place: stored kernel by kernel,\n * a kernel's ",
                str(l_1_e),
                " values went to places out x in apart (16 KB for 64 x 64 channels), each in the same\n * set of the L1 cache, which thrashed (64 x 64 kernels took 0.5 ms, as long as a 7x7 stage's\n * multiplies). */\nstatic inline void ",
                str(l_1_p),
                '_kernels(const real *restrict W, int out, int in, int turned, real scale, real *restrict u)\n{\n    real block[',
                str(l_1_e),
                ' * SN_WINO_BLOCK];\n    const long total = (long)out * in;\n    for (long k0 = 0; k0 < total; k0 += SN_WINO_BLOCK) {\n        const int n = (int)SN_MIN(SN_WINO_BLOCK, total - k0);\n        for (int j = 0; j < n; j++) {\n            const long k = k0 + j;\n            if (turned)\n                ',
                str(l_1_p),
                '_kernel(W + ((k % out) * in + k / out) * 9 + 8, -3, -1, scale, block + j, SN_WINO_BLOCK);\n            else\n                ',
                str(l_1_p),
                '_kernel(W + k * 9, 3, 1, scale, block + j, SN_WINO_BLOCK);\n        }\n        for (int xi = 0; xi < ',
                str(l_1_e),
                '; xi++)\n            memcpy(u + xi * total + k0, block + xi * SN_WINO_BLOCK, sizeof(real) * n);\n    }\n}\n',
            ))
        else:
            pass
            t_7.extend((
                '/* dW[o, i] += (',
                str(l_1_p),
                "_kernel_adjoint of du[ξ][o in + i]) for every pair of channels, a block of kernels\n * at a time: the block's ",
                str(l_1_e),
                ' rows copied out first (read kernel by kernel, out x in apart, they\n * thrashed the L1 cache as ',
                str(l_1_p),
                "_kernels' stores did). */\nstatic inline void ",
                str(l_1_p),
                '_kernels_adjoint(const real *restrict du, int out, int in, real scale, real *restrict dW)\n{\n    real block[',
                str(l_1_e),
                ' * SN_WINO_BLOCK];\n    const long total = (long)out * in;\n    for (long k0 = 0; k0 < total; k0 += SN_WINO_BLOCK) {\n        const int n = (int)SN_MIN(SN_WINO_BLOCK, total - k0);\n        for (int xi = 0; xi < ',
                str(l_1_e),
                '; xi++)\n            memcpy(block + xi * SN_WINO_BLOCK, du + xi * total + k0, sizeof(real) * n);\n        for (int j = 0; j < n; j++)\n            ',
                str(l_1_p),
                '_kernel_adjoint(block + j, SN_WINO_BLOCK, scale, dW + (k0 + j) * 9);\n    }\n}\n',
            ))
        return concat(t_7)
    context.exported_vars.add('kernels')
    context.vars['kernels'] = l_0_kernels = Macro(environment, macro, 'kernels', ('p', 'e', 'adjoint'), False, False, False, context.eval_ctx.autoescape)
    l_0_wino_tiles = t_2(context.eval_ctx, t_3(context, t_5(context, environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'layers'), 'winograd_tile', 'defined'), attribute='winograd_tile'))
    context.vars['wino_tiles'] = l_0_wino_tiles
    context.exported_vars.add('wino_tiles')
    l_0_weight_tiles = (t_2(context.eval_ctx, t_3(context, t_5(context, environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'layers'), 'winograd_weights_tile', 'defined'), attribute='winograd_weights_tile')) if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward) else [])
    context.vars['weight_tiles'] = l_0_weight_tiles
    context.exported_vars.add('weight_tiles')
    yield '\n'
    if (2 in ((undefined(name='wino_tiles') if l_0_wino_tiles is missing else l_0_wino_tiles) + (undefined(name='weight_tiles') if l_0_weight_tiles is missing else l_0_weight_tiles))):
        pass
        if (2 in (undefined(name='wino_tiles') if l_0_wino_tiles is missing else l_0_wino_tiles)):
            pass
            yield "/* u[ξ * stride] = scale * (G g Gᵀ)[ξ] for the 3 x 3 kernel whose (r, c) entry is g[r * gr + c * gc]\n * (gr = 3, gc = 1 as stored; gr = -3, gc = -1 from its last entry: the kernel turned half a turn) */\nstatic void sn_wino_kernel(const real *g, long gr, long gc, real scale, real *restrict u, long stride)\n{\n    real t[4][3];  /* G g: rows g0, (g0 + g1 + g2)/2, (g0 - g1 + g2)/2, g2 */\n    for (int c = 0; c < 3; c++) {\n        const real g0 = g[c * gc], g1 = g[gr + c * gc], g2 = g[2 * gr + c * gc];\n        t[0][c] = g0;\n        t[1][c] = (g0 + g1 + g2) / 2;\n        t[2][c] = (g0 - g1 + g2) / 2;\n        t[3][c] = g2;\n    }\n    for (int a = 0; a < 4; a++) {  /* (G g) Gᵀ: the same combinations of each row's entries */\n        const real t0 = t[a][0], t1 = t[a][1], t2 = t[a][2];\n        u[(4 * a + 0) * stride] = scale * t0;\n        u[(4 * a + 1) * stride] = scale * ((t0 + t1 + t2) / 2);\n        u[(4 * a + 2) * stride] = scale * ((t0 - t1 + t2) / 2);\n        u[(4 * a + 3) * stride] = scale * t2;\n    }\n}\n"
            yield str(context.call((undefined(name='kernels') if l_0_kernels is missing else l_0_kernels), 'sn_wino', 16, False))
            yield '\n'
        yield '\n'
        if (2 in (undefined(name='weight_tiles') if l_0_weight_tiles is missing else l_0_weight_tiles)):
            pass
            yield "/* The adjoint of sn_wino_kernel, for the weight gradient: g[r * 3 + c] += scale * (Gᵀ d G)[r][c] for\n * the 4 x 4 gradient d of U, whose entry ξ is d[ξ * stride]. Gᵀ takes rows d0 + (d1 + d2)/2,\n * (d1 - d2)/2, (d1 + d2)/2 + d3. */\nstatic void sn_wino_kernel_adjoint(const real *restrict d, long stride, real scale, real *restrict g)\n{\n    real t[3][4];  /* Gᵀ d */\n    for (int b = 0; b < 4; b++) {\n        const real d0 = d[b * stride], d1 = d[(4 + b) * stride], d2 = d[(8 + b) * stride], d3 = d[(12 + b) * stride];\n        t[0][b] = d0 + (d1 + d2) / 2;\n        t[1][b] = (d1 - d2) / 2;\n        t[2][b] = (d1 + d2) / 2 + d3;\n    }\n    for (int r = 0; r < 3; r++) {  /* (Gᵀ d) G: the same combinations of each row's entries */\n        const real t0 = t[r][0], t1 = t[r][1], t2 = t[r][2], t3 = t[r][3];\n        g[r * 3 + 0] += scale * (t0 + (t1 + t2) / 2);\n        g[r * 3 + 1] += scale * ((t1 - t2) / 2);\n        g[r * 3 + 2] += scale * ((t1 + t2) / 2 + t3);\n    }\n}\n"
            yield str(context.call((undefined(name='kernels') if l_0_kernels is missing else l_0_kernels), 'sn_wino', 16, True))
            yield '\n'
    yield "\n/* Lanes of two vectors x (lanes 0 to VL - 1) and y (VL up): the even ones, the odd ones; x's and\n * y's lanes in turn, from their first halves (zip_low) or their second halves (zip_high); x's first\n * half then y's (halves); x's first quarter then y's, repeated (quarters); x's lanes from its second\n * half on, or its second quarter on, then y's (down_half, down_quarter: x moved down, to store its\n * first lanes straight from the register). */\n"
    l_0_item = (4 if ((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype) == 'float') else 8)
    context.vars['item'] = l_0_item
    context.exported_vars.add('item')
    l_1_loop = missing
    for (l_1_name, l_1_pick), l_1_loop in LoopContext([('evens', 'even'), ('odds', 'odd'), ('zip_low', 'low'), ('zip_high', 'high'), ('halves', 'halves'), ('quarters', 'quarters'), ('down_half', 'down_half'), ('down_quarter', 'down_quarter')], undefined):
        _loop_vars = {}
        pass
        yield 'static inline vreal sn_'
        yield str(l_1_name)
        yield '(vreal x, vreal y)\n{\n'
        l_2_loop = missing
        for l_2_size, l_2_loop in LoopContext([64, 32, 16], undefined):
            l_2_range = resolve('range')
            l_2_order = resolve('order')
            l_2_by = resolve('by')
            l_2_q = resolve('q')
            l_2_first = resolve('first')
            l_2_lanes = missing
            _loop_vars = {}
            pass
            l_2_lanes = (l_2_size // (undefined(name='item') if l_0_item is missing else l_0_item))
            _loop_vars['lanes'] = l_2_lanes
            if (l_1_pick == 'even'):
                pass
                l_2_order = t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), 0, (2 * (undefined(name='lanes') if l_2_lanes is missing else l_2_lanes)), 2, _loop_vars=_loop_vars))
                _loop_vars['order'] = l_2_order
            elif (l_1_pick == 'odd'):
                pass
                l_2_order = t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), 1, (2 * (undefined(name='lanes') if l_2_lanes is missing else l_2_lanes)), 2, _loop_vars=_loop_vars))
                _loop_vars['order'] = l_2_order
            elif (l_1_pick in ('down_half', 'down_quarter')):
                pass
                l_2_by = t_4(environment, [((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // (2 if (l_1_pick == 'down_half') else 4)), 1])
                _loop_vars['by'] = l_2_by
                l_2_order = t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), (undefined(name='by') if l_2_by is missing else l_2_by), ((undefined(name='by') if l_2_by is missing else l_2_by) + (undefined(name='lanes') if l_2_lanes is missing else l_2_lanes)), _loop_vars=_loop_vars))
                _loop_vars['order'] = l_2_order
            elif (l_1_pick == 'halves'):
                pass
                l_2_order = (t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // 2), _loop_vars=_loop_vars)) + t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), (undefined(name='lanes') if l_2_lanes is missing else l_2_lanes), ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) + ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // 2)), _loop_vars=_loop_vars)))
                _loop_vars['order'] = l_2_order
            elif (l_1_pick == 'quarters'):
                pass
                l_2_q = t_4(environment, [((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // 4), 1])
                _loop_vars['q'] = l_2_q
                l_2_order = ((t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), (undefined(name='q') if l_2_q is missing else l_2_q), _loop_vars=_loop_vars)) + t_2(context.eval_ctx, context.call((undefined(name='range') if l_2_range is missing else l_2_range), (undefined(name='lanes') if l_2_lanes is missing else l_2_lanes), ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) + (undefined(name='q') if l_2_q is missing else l_2_q)), _loop_vars=_loop_vars))) * ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // (2 * (undefined(name='q') if l_2_q is missing else l_2_q))))
                _loop_vars['order'] = l_2_order
            else:
                pass
                l_2_first = (0 if (l_1_pick == 'low') else ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // 2))
                _loop_vars['first'] = l_2_first
                l_2_order = []
                _loop_vars['order'] = l_2_order
                for l_3_l in context.call((undefined(name='range') if l_2_range is missing else l_2_range), (undefined(name='first') if l_2_first is missing else l_2_first), ((undefined(name='first') if l_2_first is missing else l_2_first) + ((undefined(name='lanes') if l_2_lanes is missing else l_2_lanes) // 2)), _loop_vars=_loop_vars):
                    l_3__ = missing
                    _loop_vars = {}
                    pass
                    l_3__ = context.call(environment.getattr((undefined(name='order') if l_2_order is missing else l_2_order), 'extend'), [l_3_l, (l_3_l + (undefined(name='lanes') if l_2_lanes is missing else l_2_lanes))], _loop_vars=_loop_vars)
                    _loop_vars['_'] = l_3__
                l_3_l = l_3__ = missing
            yield '#'
            yield str(('if' if environment.getattr(l_2_loop, 'first') else 'elif'))
            yield ' SN_VBYTES == '
            yield str(l_2_size)
            yield '\n    return SN_SHUFFLE(x, y, '
            yield str(t_1(context.eval_ctx, (undefined(name='order') if l_2_order is missing else l_2_order), ', '))
            yield ');\n'
        l_2_loop = l_2_size = l_2_lanes = l_2_range = l_2_order = l_2_by = l_2_q = l_2_first = missing
        yield '#endif\n}\n'
    l_1_loop = l_1_name = l_1_pick = missing
    yield "\n/* Rows of tiles side by side in a vector. While a row of tiles fills more than half a vector, a\n * vector holds VL tiles of one row (rows = 1); a shorter row leaves lanes empty, so a vector takes 2\n * rows of tiles, or 4 when a row fills at most a quarter of it, each row in VL / rows lanes\n * (a 7x7 picture's 4 x 4 tiles: one vector of 16 floats with AVX-512, where one row would use 4). */\nstatic inline int sn_wino_rows(int tw)\n{\n    return tw > SN_VL / 2 ? 1 : 4 * tw > SN_VL ? 2 : 4;\n}\n\n/* The planes the transforms read: 2 (th rounded up to rows) + 2 rows of 2 (tw + VL) values, and a\n * vector of slack (whole vectors are read from each row). */\nstatic inline long sn_wino_plane_size(int th, int tw)\n{\n    const int rows = sn_wino_rows(tw);\n    return (2L * ((th + rows - 1) / rows * rows) + 2) * 2 * (tw + SN_VL) + SN_VL;\n}\n\n/* The 2 VL values whose even and odd lanes are row k of tiles (tr, tc ...): with rows = 1, values\n * 2 tc + shift ... of the plane's row 2 tr + k; with rows = 2, VL values from column shift of\n * rows 2 tr + k and 2 tr + 2 + k; with rows = 4, VL / 2 of each of rows 2 tr + k, ..., 2 tr + 6 + k. */\nSN_WINO_INLINE void sn_wino_pair(const real *restrict plane, int pitch, int rows, int tr,\n                                                               int tc, int k, int shift, vreal *lo, vreal *hi)\n{\n    const real *restrict row = plane + (long)(2 * tr + k) * pitch + shift;\n    if (rows == 1) {\n        *lo = sn_vload(row + 2 * tc);\n        *hi = sn_vload(row + 2 * tc + SN_VL);\n    } else if (rows == 2) {\n        *lo = sn_vload(row);\n        *hi = sn_vload(row + 2L * pitch);\n    } else {\n        const vreal a = sn_vload(row), b = sn_vload(row + 2L * pitch);\n        const vreal c = sn_vload(row + 4L * pitch), d = sn_vload(row + 6L * pitch);\n        *lo = sn_halves(a, b);\n        *hi = sn_halves(c, d);\n    }\n}\n\n/* Stores a vector of tiles: rows = 1 (or rows of tiles that fill it), all VL lanes at to; else row\n * j's VL / rows lanes at to + j * tw for the count rows of tiles that exist. The whole vector goes to\n * to first, then rows 1 ... count - 1 over it in order: each store's lanes past its row's tiles\n * spill into the next row's place, which the next store overwrites, or past the last row (up to\n * VL - 1 values past to + count * tw: the next tiles' room, written later, or slack). */\nSN_WINO_INLINE void sn_wino_store(real *restrict to, int tw, int rows, int count, vreal v)\n{\n    sn_vstore(to, v);\n    if (rows == 1 || (count == rows && rows * tw == SN_VL))  /* the rows of tiles fill the vector */\n        return;\n    for (int j = 1; j < count; j++) {  /* row j's lanes moved down to lane 0, stored from the register */\n        v = rows == 2 ? sn_down_half(v, v) : sn_down_quarter(v, v);\n        memcpy(to + (long)j * tw, &v, sizeof v / rows);\n    }\n}\n\n/* The inverse of sn_wino_store: a vector of tiles from rows of them tw apart (only the first count\n * exist; the others' lanes repeat the first row's and are not used). Whole vectors are read, up to\n * VL - 1 values past a row's tiles. */\nSN_WINO_INLINE vreal sn_wino_load(const real *restrict from, int tw, int rows, int count)\n{\n    vreal a, b, c, d;\n    a = sn_vload(from);\n    if (rows == 1 || (count == rows && rows * tw == SN_VL))\n        return a;\n    b = sn_vload(from + (count > 1 ? tw : 0));\n    if (rows == 2)\n        return sn_halves(a, b);\n    c = sn_vload(from + (count > 2 ? 2L * tw : 0));\n    d = sn_vload(from + (count > 3 ? 3L * tw : 0));\n    return sn_halves(sn_quarters(a, b), sn_quarters(c, d));\n}\n\n/* One channel's transformed input tiles V = Bᵀ d B. Tile (tr, tc) reads the 4 x 4 inputs at rows\n * 2 tr - top ... 2 tr - top + 3 and columns 2 tc - left ... 2 tc - left + 3 of the h x w plane x,\n * copied into plane (sn_wino_plane_size values, zero where x is not: sn_wino_conv clears it); its\n * entry ξ = 4a + b goes to v[ξ * vs + tr * tw + tc]. Whole vectors of tiles are stored (rows of\n * tiles side by side, sn_wino_rows), so up to VL - 1 values past the last tile are written too\n * (the next tiles' room, written later, or slack). */\nSN_WINO_INLINE void sn_wino_in(const real *restrict x, int h, int w, int top, int left, int th, int tw,\n                       real *restrict v, long vs, real *restrict plane)\n{\n    const int pitch = 2 * (tw + SN_VL), rows = sn_wino_rows(tw);\n    for (int r = SN_MAX(top, 0); r < SN_MIN(top + h, 2 * th + 2); r++)\n        for (int c = 0; c < w; c++)\n            plane[r * pitch + left + c] = x[(r - top) * w + c];\n    for (int tr = 0; tr < th; tr += rows)\n        for (int tc = 0; tc < tw; tc += SN_VL) {  /* rows > 1: one pass, tw <= VL / 2 */\n            /* d[k][q]: row 2 tr + k of VL tiles side by side, column q = 0..3 of each (2 tc + q) */\n            vreal d[4][4], t[4][4];\n            for (int k = 0; k < 4; k++) {\n                vreal lo, hi, lo2, hi2;\n                sn_wino_pair(plane, pitch, rows, tr, tc, k, 0, &lo, &hi);\n                sn_wino_pair(plane, pitch, rows, tr, tc, k, 2, &lo2, &hi2);\n                d[k][0] = sn_evens(lo, hi);\n                d[k][1] = sn_odds(lo, hi);\n                d[k][2] = sn_evens(lo2, hi2);\n                d[k][3] = sn_odds(lo2, hi2);\n            }\n            for (int q = 0; q < 4; q++) {  /* Bᵀ d: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3 */\n                t[0][q] = d[0][q] - d[2][q];\n                t[1][q] = d[1][q] + d[2][q];\n                t[2][q] = d[2][q] - d[1][q];\n                t[3][q] = d[1][q] - d[3][q];\n            }\n            const int count = SN_MIN(rows, th - tr);\n            for (int a = 0; a < 4; a++) {  /* (Bᵀ d) B: the same combinations of the columns */\n                const vreal out[4] = {t[a][0] - t[a][2], t[a][1] + t[a][2], t[a][2] - t[a][1], t[a][1] - t[a][3]};\n                for (int b = 0; b < 4; b++)\n                    sn_wino_store(v + (4 * a + b) * vs + tr * tw + tc, tw, rows, count, out[b]);\n            }\n        }\n}\n\n/* One channel's outputs from its transformed tiles m[ξ * ms + tr * tw + tc]: Aᵀ m A plus bias for\n * each tile, the outputs at rows 2 tr, 2 tr + 1 and columns 2 tc, 2 tc + 1 that lie in the oh x ow\n * plane y, stored there (accumulate 0) or added to it (1). Whole vectors of tiles are read, up\n * to VL - 1 values past the last one (their sums are not used). room: 2 (2 tw + 2 VL) values. */\nSN_WINO_INLINE void sn_wino_out(const real *restrict m, long ms, int th, int tw, real *restrict y, int oh, int ow,\n                        real bias, int accumulate, real *restrict room)\n{\n    const int pitch = 2 * (tw + SN_VL), rows = sn_wino_rows(tw);\n    /* a row of tiles' two rows of outputs; with rows > 1, row j of tiles' outputs from j * 2 VL / rows on */\n    real *restrict lines[2] = {room, room + pitch};\n    for (int tr = 0; tr < th; tr += rows) {\n        const int count = SN_MIN(rows, th - tr);\n        for (int tc = 0; tc < tw; tc += SN_VL) {\n            vreal p[4][2];  /* m A, row by row: m0 + m1 + m2, m1 - m2 - m3 */\n            for (int a = 0; a < 4; a++) {\n                vreal q[4];\n                for (int b = 0; b < 4; b++)\n                    q[b] = sn_wino_load(m + (4 * a + b) * ms + tr * tw + tc, tw, rows, count);\n                p[a][0] = q[0] + q[1] + q[2];\n                p[a][1] = q[1] - q[2] - q[3];\n            }\n            for (int half = 0; half < 2; half++) {  /* Aᵀ (m A): the same combinations of the rows */\n                const vreal left = half ? p[1][0] - p[2][0] - p[3][0] + bias : p[0][0] + p[1][0] + p[2][0] + bias;\n                const vreal right = half ? p[1][1] - p[2][1] - p[3][1] + bias : p[0][1] + p[1][1] + p[2][1] + bias;\n                const vreal low = sn_zip_low(left, right), high = sn_zip_high(left, right);\n                sn_vstore(lines[half] + 2 * tc, low);\n                sn_vstore(lines[half] + 2 * tc + SN_VL, high);\n            }\n        }\n        for (int j = 0; j < count; j++)\n            for (int half = 0; half < 2 && 2 * (tr + j) + half < oh; half++) {\n                const real *restrict from = lines[half] + j * (2 * SN_VL / rows);\n                real *restrict out = y + (long)(2 * (tr + j) + half) * ow;\n                if (accumulate)\n                    for (int c = 0; c < ow; c++)\n                        out[c] += from[c];\n                else\n                    for (int c = 0; c < ow; c++)\n                        out[c] = from[c];\n            }\n    }\n}\n\n"
    if (2 in (undefined(name='weight_tiles') if l_0_weight_tiles is missing else l_0_weight_tiles)):
        pass
        yield "/* One channel's output gradient as tiles for the weight gradient: A dy Aᵀ for the 2 x 2 values of dy\n * at rows 2 tr, 2 tr + 1 and columns 2 tc, 2 tc + 1 of the oh x ow plane (0 outside it), copied into\n * plane (sn_wino_plane_size values, zero where dy is not: sn_wino_weights clears it); A takes\n * rows y0, y0 + y1, y0 - y1, -y1. Entry ξ goes to m[ξ * ms + tr * tw + tc], whole vectors of tiles\n * as in sn_wino_in. */\nSN_WINO_INLINE void sn_wino_grad(const real *restrict dy, int oh, int ow, int th, int tw, real *restrict m, long ms,\n                         real *restrict plane)\n{\n    const int pitch = 2 * (tw + SN_VL), rows = sn_wino_rows(tw);\n    for (int r = 0; r < oh; r++)\n        for (int c = 0; c < ow; c++)\n            plane[r * pitch + c] = dy[r * ow + c];\n    for (int tr = 0; tr < th; tr += rows)\n        for (int tc = 0; tc < tw; tc += SN_VL) {\n            vreal d[2][2], t[4][2];  /* d[k][q]: row 2 tr + k, column 2 tc + q, VL tiles side by side */\n            for (int k = 0; k < 2; k++) {\n                vreal lo, hi;\n                sn_wino_pair(plane, pitch, rows, tr, tc, k, 0, &lo, &hi);\n                d[k][0] = sn_evens(lo, hi);\n                d[k][1] = sn_odds(lo, hi);\n            }\n            for (int q = 0; q < 2; q++) {  /* A dy */\n                t[0][q] = d[0][q];\n                t[1][q] = d[0][q] + d[1][q];\n                t[2][q] = d[0][q] - d[1][q];\n                t[3][q] = -d[1][q];\n            }\n            const int count = SN_MIN(rows, th - tr);\n            for (int a = 0; a < 4; a++) {  /* (A dy) Aᵀ: the same combinations of the columns */\n                const vreal out[4] = {t[a][0], t[a][0] + t[a][1], t[a][0] - t[a][1], -t[a][1]};\n                for (int b = 0; b < 4; b++)\n                    sn_wino_store(m + (4 * a + b) * ms + tr * tw + tc, tw, rows, count, out[b]);\n            }\n        }\n}\n\n"
    yield '\n'
    def macro(l_1_p, l_1_m, l_1_conv, l_1_weights):
        t_8 = []
        l_1_e = missing
        if l_1_p is missing:
            l_1_p = undefined("parameter 'p' was not provided", name='p')
        if l_1_m is missing:
            l_1_m = undefined("parameter 'm' was not provided", name='m')
        if l_1_conv is missing:
            l_1_conv = True
        if l_1_weights is missing:
            l_1_weights = True
        pass
        l_1_e = ((l_1_m + 2) * (l_1_m + 2))
        if l_1_weights:
            pass
            t_8.extend((
                '/* The weight gradient of a convolution done by ',
                str(l_1_p),
                '_conv (same shapes): since each output tile\n * is Aᵀ [U ⊙ V] A, d loss / d U[ξ] = Σ over tiles of (A dY Aᵀ)[ξ] ⊙ V[ξ], a multiply per ξ whose\n * sums run over tiles (samples in a fixed order):\n *   dU[ξ] (out x in) += (A dY Aᵀ)[ξ] (out x tiles) · V[ξ]ᵀ (tiles x in)\n * added into du (',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' x out x in; ',
                str(l_1_p),
                '_kernel_adjoint takes it back to the kernels). */\nSN_WINO_INLINE void ',
                str(l_1_p),
                '_weights(int count, int group, int in, int h, int w, int top, int left, int out, int oh, int ow,\n                            const real *restrict x, const real *restrict dy, real *restrict du, real *restrict room,\n                            real *restrict pack_a, real *restrict pack_b)\n{\n    const int th = (oh + ',
                str((l_1_m - 1)),
                ') / ',
                str(l_1_m),
                ', tw = (ow + ',
                str((l_1_m - 1)),
                ') / ',
                str(l_1_m),
                ', tiles = th * tw;\n    const long most = (long)group * tiles + SN_WINO_SLACK;\n    const long plane_size = ',
                str(l_1_p),
                '_plane_size(th, tw);\n    real *restrict v = room, *restrict m = v + ',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' * in * most, *restrict plane = m + ',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' * out * most;\n    real *restrict grad_plane = plane + plane_size;\n    for (long k = 0; k < plane_size; k++)  /* the padded planes: zero outside x and dy, which are copied in */\n        plane[k] = grad_plane[k] = 0;\n    for (int n0 = 0; n0 < count; n0 += group) {\n        const int g = SN_MIN(group, count - n0), ld = g * tiles + SN_WINO_SLACK;\n        for (int s = 0; s < g; s++) {\n            for (int i = 0; i < in; i++)\n                ',
                str(l_1_p),
                '_in(x + ((long)(n0 + s) * in + i) * h * w, h, w, top, left, th, tw,\n                           v + (long)i * ld + s * tiles, (long)in * ld, plane);\n            for (int o = 0; o < out; o++)\n                ',
                str(l_1_p),
                '_grad(dy + ((long)(n0 + s) * out + o) * oh * ow, oh, ow, th, tw,\n                             m + (long)o * ld + s * tiles, (long)out * ld, grad_plane);\n        }\n        for (int xi = 0; xi < ',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                '; xi++)\n            /* dU[ξ][out x in] += (A dY Aᵀ)[ξ][out x g tiles] · V[ξ]ᵀ[g tiles x in] */\n            sn_gemm(out, in, g * tiles, 1, m + (long)xi * out * ld, ld, 1, v + (long)xi * in * ld, 1, ld,\n                    du + (long)xi * out * in, in, 1, pack_a, pack_b);\n    }\n}\n',
            ))
        if l_1_conv:
            pass
            t_8.extend((
                '\n/* A 3x3 convolution of stride 1 by F(',
                str(l_1_m),
                'x',
                str(l_1_m),
                ', 3x3), for count samples: y[n] (oh x ow planes, out of\n * them) from x[n] (h x w planes, in of them) read with top and left rows and columns of zeros\n * before it, y = U * x + bias_scale * bias[o] (bias NULL for none), stored or added (accumulate).\n * u holds the transformed kernels U[ξ][o][i] (',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' x out x in). group samples are multiplied at a\n * time; room holds their V (',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' x in rows) and M (',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' x out rows), each row of tiles followed by\n * SN_WINO_SLACK values of slack, the padded plane and ',
                str(l_1_m),
                ' rows of outputs. */\nSN_WINO_INLINE void ',
                str(l_1_p),
                '_conv(int count, int group, int in, int h, int w, int top, int left, int out, int oh, int ow,\n                         const real *restrict u, const real *restrict x, const real *restrict bias,\n                         real bias_scale, real *restrict y, int accumulate, real *restrict room,\n                         real *restrict pack_a, real *restrict pack_b)\n{\n    const int th = (oh + ',
                str((l_1_m - 1)),
                ') / ',
                str(l_1_m),
                ', tw = (ow + ',
                str((l_1_m - 1)),
                ') / ',
                str(l_1_m),
                ', tiles = th * tw;\n    const long most = (long)group * tiles + SN_WINO_SLACK;  /* a row of V or M */\n    const long plane_size = ',
                str(l_1_p),
                '_plane_size(th, tw);\n    real *restrict v = room, *restrict m = v + ',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                ' * in * most, *restrict plane = m + ',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                " * out * most;\n    real *restrict rows = plane + plane_size;\n    for (long k = 0; k < plane_size; k++)  /* the padded plane: zero outside x, which is copied in */\n        plane[k] = 0;\n    for (int n0 = 0; n0 < count; n0 += group) {\n        const int g = SN_MIN(group, count - n0), ld = g * tiles + SN_WINO_SLACK;\n        for (int s = 0; s < g; s++)  /* samples in order: each one's slack is overwritten by the next */\n            for (int i = 0; i < in; i++)\n                ",
                str(l_1_p),
                '_in(x + ((long)(n0 + s) * in + i) * h * w, h, w, top, left, th, tw,\n                           v + (long)i * ld + s * tiles, (long)in * ld, plane);\n        for (int xi = 0; xi < ',
                str((undefined(name='e') if l_1_e is missing else l_1_e)),
                '; xi++)\n            /* M[ξ][out x g tiles] = U[ξ][out x in] · V[ξ][in x g tiles] */\n            sn_gemm(out, g * tiles, in, 1, u + (long)xi * out * in, in, 1, v + (long)xi * in * ld, ld, 1,\n                    m + (long)xi * out * ld, ld, 0, pack_a, pack_b);\n        for (int s = 0; s < g; s++)\n            for (int o = 0; o < out; o++)\n                ',
                str(l_1_p),
                '_out(m + (long)o * ld + s * tiles, (long)out * ld, th, tw,\n                            y + ((long)(n0 + s) * out + o) * oh * ow, oh, ow, bias ? bias_scale * bias[o] : 0,\n                            accumulate, rows);\n    }\n}\n',
            ))
        return concat(t_8)
    context.exported_vars.add('drivers')
    context.vars['drivers'] = l_0_drivers = Macro(environment, macro, 'drivers', ('p', 'm', 'conv', 'weights'), False, False, False, context.eval_ctx.autoescape)
    if (2 in ((undefined(name='wino_tiles') if l_0_wino_tiles is missing else l_0_wino_tiles) + (undefined(name='weight_tiles') if l_0_weight_tiles is missing else l_0_weight_tiles))):
        pass
        yield str(context.call((undefined(name='drivers') if l_0_drivers is missing else l_0_drivers), 'sn_wino', 2, conv=(2 in (undefined(name='wino_tiles') if l_0_wino_tiles is missing else l_0_wino_tiles)), weights=(2 in (undefined(name='weight_tiles') if l_0_weight_tiles is missing else l_0_weight_tiles))))
        yield '\n'
    if (4 in (undefined(name='wino_tiles') if l_0_wino_tiles is missing else l_0_wino_tiles)):
        pass
        template = environment.get_template('winograd4.c.j2', 'winograd.c.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'defined_in': l_0_defined_in, 'drivers': l_0_drivers, 'item': l_0_item, 'kernels': l_0_kernels, 'seen': l_0_seen, 'weight_tiles': l_0_weight_tiles, 'wino_tiles': l_0_wino_tiles}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
        yield str(context.call((undefined(name='drivers') if l_0_drivers is missing else l_0_drivers), 'sn_wino4', 4, conv=False, weights=(4 in (undefined(name='weight_tiles') if l_0_weight_tiles is missing else l_0_weight_tiles))))
        yield '\n'
    yield "\n/* The drivers for each set of shapes the model's convolutions take, compiled once for all the passes\n * that share them (resnet's four 28x28 convolutions, forward and d input alike): the shapes are\n * constants inside, so the loops over tiles compile to straight code, and one copy is compiled\n * where a copy per call made the compile 40% longer. A model compiled in parts compiles the\n * convolutions' drivers in the forward's part alone, where each part compiled a copy, and GCC does\n * not clone them for constant arguments (noclone), which made a second copy in a part (resnet's C,\n * gcc -O3, both parts' processor time: 8.3-9.4 s before, 7.1-7.6 s with this and its 7x7 stage's\n * fused driver; the part with the backward passes, the longer of the two, 4.9-6.1 to 4.0-4.4 s). */\n"
    l_0_seen = []
    context.vars['seen'] = l_0_seen
    context.exported_vars.add('seen')
    def t_9(fiter):
        for l_1_layer in fiter:
            if (t_6(environment.getattr(l_1_layer, 'winograd_tile')) and environment.getattr(l_1_layer, 'winograd_tile')):
                yield l_1_layer
    for l_1_layer in t_9(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'layers')):
        l_1__ = resolve('_')
        l_1_passes = l_1_pass_ = missing
        _loop_vars = {}
        pass
        l_1_passes = context.call(environment.getattr(l_1_layer, 'winograd_passes'), _loop_vars=_loop_vars)
        _loop_vars['passes'] = l_1_passes
        def t_10(fiter):
            for l_2_pass_ in fiter:
                if (environment.getattr(l_2_pass_, 'conv') not in (undefined(name='seen') if l_0_seen is missing else l_0_seen)):
                    yield l_2_pass_
        for l_2_pass_ in t_10((undefined(name='passes') if l_1_passes is missing else l_1_passes)):
            l_2__ = l_1__
            l_2_split = resolve('split')
            l_2_signature = missing
            _loop_vars = {}
            pass
            l_2__ = context.call(environment.getattr((undefined(name='seen') if l_0_seen is missing else l_0_seen), 'append'), environment.getattr(l_2_pass_, 'conv'), _loop_vars=_loop_vars)
            _loop_vars['_'] = l_2__
            if environment.getattr(l_2_pass_, 'fused'):
                pass
                yield '/* '
                yield str(environment.getattr(l_2_pass_, 'driver'))
                yield '_fused for '
                yield str(environment.getattr(l_2_pass_, 'in'))
                yield ' channels of '
                yield str(environment.getattr(l_2_pass_, 'h'))
                yield 'x'
                yield str(environment.getattr(l_2_pass_, 'w'))
                yield ' (top '
                yield str(environment.getattr(l_2_pass_, 'top'))
                yield ', left '
                yield str(environment.getattr(l_2_pass_, 'left'))
                yield ') to '
                yield str(environment.getattr(l_2_pass_, 'out'))
                yield ' of '
                yield str(environment.getattr(l_2_pass_, 'oh'))
                yield 'x'
                yield str(environment.getattr(l_2_pass_, 'ow'))
                yield ', a vector of tiles at a time */\n'
            else:
                pass
                yield '/* '
                yield str(environment.getattr(l_2_pass_, 'driver'))
                yield '_conv for '
                yield str(environment.getattr(l_2_pass_, 'in'))
                yield ' channels of '
                yield str(environment.getattr(l_2_pass_, 'h'))
                yield 'x'
                yield str(environment.getattr(l_2_pass_, 'w'))
                yield ' (top '
                yield str(environment.getattr(l_2_pass_, 'top'))
                yield ', left '
                yield str(environment.getattr(l_2_pass_, 'left'))
                yield ') to '
                yield str(environment.getattr(l_2_pass_, 'out'))
                yield ' of '
                yield str(environment.getattr(l_2_pass_, 'oh'))
                yield 'x'
                yield str(environment.getattr(l_2_pass_, 'ow'))
                yield ', '
                yield str(environment.getattr(l_2_pass_, 'group'))
                yield ' sample(s) per multiply */\n'
            l_2_signature = str_join((environment.getattr(l_2_pass_, 'conv'), '(int count, const real *restrict u, const real *restrict x,\n        const real *restrict bias, real bias_scale, real *restrict y, int accumulate, real *restrict room,\n        real *restrict pack_a, real *restrict pack_b)', ))
            _loop_vars['signature'] = l_2_signature
            def macro():
                t_11 = []
                pass
                t_11.append(
                    '{\n',
                )
                if environment.getattr(l_2_pass_, 'fused'):
                    pass
                    t_11.extend((
                        '    (void)pack_a;\n    (void)pack_b;\n    ',
                        str(environment.getattr(l_2_pass_, 'driver')),
                        '_fused(count, ',
                        str(environment.getattr(l_2_pass_, 'in')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'h')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'w')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'top')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'left')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'out')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'oh')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'ow')),
                        ',\n                  u, x, bias, bias_scale, y, accumulate, room);\n',
                    ))
                else:
                    pass
                    t_11.extend((
                        '    ',
                        str(environment.getattr(l_2_pass_, 'driver')),
                        '_conv(count, ',
                        str(environment.getattr(l_2_pass_, 'group')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'in')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'h')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'w')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'top')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'left')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'out')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'oh')),
                        ', ',
                        str(environment.getattr(l_2_pass_, 'ow')),
                        ',\n                 u, x, bias, bias_scale, y, accumulate, room, pack_a, pack_b);\n',
                    ))
                t_11.append(
                    '}\n',
                )
                return concat(t_11)
            caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
            yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_2_split is missing else l_2_split), str_join(('void ', (undefined(name='signature') if l_2_signature is missing else l_2_signature), )), '__attribute__((noinline, noclone)) ', caller=caller, _loop_vars=_loop_vars)
        l_2_pass_ = l_2__ = l_2_signature = l_2_split = missing
        l_1_pass_ = context.call(environment.getattr(l_1_layer, 'winograd_weights_pass'), _loop_vars=_loop_vars)
        _loop_vars['pass_'] = l_1_pass_
        if ((undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward) and (environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'weights') not in (undefined(name='seen') if l_0_seen is missing else l_0_seen))):
            pass
            l_1__ = context.call(environment.getattr((undefined(name='seen') if l_0_seen is missing else l_0_seen), 'append'), environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'weights'), _loop_vars=_loop_vars)
            _loop_vars['_'] = l_1__
            yield '/* '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'driver'))
            yield '_weights for the same shapes */\nstatic __attribute__((noinline)) void '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'weights'))
            yield '(int count, const real *restrict x, const real *restrict dy,\n        real *restrict du, real *restrict room, real *restrict pack_a, real *restrict pack_b)\n{\n    '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'driver'))
            yield '_weights(count, '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'group'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'in'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'h'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'w'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'top'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'left'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'out'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'oh'))
            yield ', '
            yield str(environment.getattr((undefined(name='pass_') if l_1_pass_ is missing else l_1_pass_), 'ow'))
            yield ',\n                    x, dy, du, room, pack_a, pack_b);\n}\n'
    l_1_layer = l_1_passes = l_1_pass_ = l_1__ = missing

blocks = {}
debug_info = '1=51&29=58&30=67&31=71&33=73&34=75&37=77&39=79&46=81&48=83&50=85&55=92&56=94&57=96&58=98&60=100&64=102&67=104&73=110&75=113&77=117&78=119&99=122&102=125&122=128&131=131&132=135&134=139&136=142&137=151&138=153&139=157&140=161&141=165&142=167&143=171&144=175&145=179&146=183&148=191&149=195&310=201&352=205&353=217&354=218&355=222&359=224&360=228&364=230&366=238&367=240&375=244&378=246&381=248&388=251&390=255&393=259&394=261&395=265&396=267&401=269&403=277&404=279&412=283&414=285&420=287&427=293&428=295&430=297&431=299&432=305&443=308&444=311&445=320&446=322&447=332&448=334&449=337&451=358&453=378&454=380&456=386&459=390&462=413&454=439&468=441&469=443&470=445&471=448&472=450&475=452'
