# key: 6b1c511f2cc9f6ed5ba0b2911b02538b98e333af jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/optimizer.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'optimizer.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_optimizer = resolve('optimizer')
    l_0_fuse = resolve('fuse')
    l_0_split = resolve('split')
    l_0_defined_in = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    included_template = environment.get_template('parts.c.j2', 'optimizer.c.j2')._get_default_module(context)
    l_0_defined_in = getattr(included_template, 'defined_in', missing)
    if l_0_defined_in is missing:
        l_0_defined_in = undefined(f"the template {included_template.__name__!r} (imported on line 1 in 'optimizer.c.j2') does not export the requested name 'defined_in'", name='defined_in')
    context.vars['defined_in'] = l_0_defined_in
    context.exported_vars.discard('defined_in')
    yield '/* The optimizer: '
    yield str(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'describe'))
    yield '.\n * For each parameter element p with gradient g, at step t (1 on its first step), with its\n * hyperparameters read at run time from hyper[] ('
    yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper'), ', '))
    yield ')'
    if environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states'):
        pass
        yield ',\n * and its state kept in state[] ('
        yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states'), ', '))
        yield ': SN_PARAMS values each, zero at first)'
    yield ':\n'
    for l_1_line in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'rule'):
        _loop_vars = {}
        pass
        yield ' *   '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield ' * Parts that depend only on the hyperparameters and t are computed once per step. */\n#define SN_HYPER '
    yield str(t_2(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper')))
    yield '\n#define SN_STATES '
    yield str(t_2(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states')))
    yield '\n\n/* One update of every parameter'
    yield str((' (with fused, of those in sn_unfused)' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else cond_expr_undefined("the inline if-expression on line 13 in 'optimizer.c.j2' evaluated to false and no else section was defined.")))
    yield "; each gradient is set to 0 once used,\n * ready for the next step's sums (one pass over the gradients instead of two). Returns 1 if\n * every parameter it wrote is finite, else 0 (tested as it is written: the step's check of\n * the weights, see sn_step). */\n"
    def macro():
        t_3 = []
        pass
        t_3.append(
            '{\n',
        )
        for (l_2_name, l_2_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'double_hyper'):
            _loop_vars = {}
            pass
            t_3.extend((
                '    const double ',
                str(l_2_local),
                ' = hyper[',
                str(context.call(environment.getattr(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper'), 'index'), l_2_name, _loop_vars=_loop_vars)),
                '];   /* ',
                str(l_2_name),
                ' */\n',
            ))
        l_2_name = l_2_local = missing
        for (l_2_name, l_2_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'real_hyper'):
            _loop_vars = {}
            pass
            t_3.extend((
                '    const real ',
                str(l_2_local),
                ' = (real)hyper[',
                str(context.call(environment.getattr(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper'), 'index'), l_2_name, _loop_vars=_loop_vars)),
                '];   /* ',
                str(l_2_name),
                ' */\n',
            ))
        l_2_name = l_2_local = missing
        for l_2_part in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'invariants'):
            _loop_vars = {}
            pass
            t_3.extend((
                '    const ',
                str(environment.getattr(l_2_part, 'type')),
                ' ',
                str(environment.getattr(l_2_part, 'name')),
                ' = ',
            ))
            if (environment.getattr(l_2_part, 'type') == 'real'):
                pass
                t_3.extend((
                    '(real)(',
                    str(environment.getattr(l_2_part, 'code')),
                    ')',
                ))
            else:
                pass
                t_3.append(
                    str(environment.getattr(l_2_part, 'code')),
                )
            t_3.extend((
                ';   /* ',
                str(environment.getattr(l_2_part, 'formula')),
                ' */\n',
            ))
        l_2_part = missing
        if (not environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'uses_step')):
            pass
            t_3.append(
                '    (void)t;\n',
            )
        t_3.append(
            '    int bad = 0;\n',
        )
        l_2_loop = missing
        for l_2_name, l_2_loop in LoopContext(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states'), undefined):
            _loop_vars = {}
            pass
            t_3.extend((
                '    real *restrict state_',
                str(l_2_name),
                ' = state + ',
                str(environment.getattr(l_2_loop, 'index0')),
                'L * SN_PARAMS;\n',
            ))
        l_2_loop = l_2_name = missing
        if (not environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states')):
            pass
            t_3.append(
                '    (void)state;\n',
            )
        if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
            pass
            t_3.append(
                '    for (int r = 0; r < SN_RANGES(fused); r++)\n    for (long k = SN_RANGE_START(r, fused); k < SN_RANGE_END(r, fused); k++) {\n',
            )
        else:
            pass
            t_3.append(
                '    for (int k = 0; k < SN_PARAMS; k++) {\n',
            )
        for (l_2_name, l_2_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'loads'):
            _loop_vars = {}
            pass
            t_3.extend((
                '        const real ',
                str(l_2_local),
                ' = ',
                str(context.call(environment.getattr({'p': 'params', 'g': 'grads'}, 'get'), l_2_name, str_join(('state_', l_2_name, )), _loop_vars=_loop_vars)),
                '[k];\n',
            ))
        l_2_name = l_2_local = missing
        t_3.append(
            '        grads[k] = 0;\n',
        )
        for l_2_line in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'lines'):
            _loop_vars = {}
            pass
            t_3.extend((
                '        ',
                str(l_2_line),
                '\n',
            ))
        l_2_line = missing
        for (l_2_name, l_2_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'stores'):
            _loop_vars = {}
            pass
            t_3.extend((
                '        ',
                str(context.call(environment.getattr({'p': 'params'}, 'get'), l_2_name, str_join(('state_', l_2_name, )), _loop_vars=_loop_vars)),
                '[k] = ',
                str(l_2_local),
                ';\n',
            ))
        l_2_name = l_2_local = missing
        def t_4(fiter):
            for (l_2_name, l_2_local) in fiter:
                if (l_2_name == 'p'):
                    yield (l_2_name, l_2_local)
        for (l_2_name, l_2_local) in t_4(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'stores')):
            _loop_vars = {}
            pass
            t_3.extend((
                '        bad |= ',
                str(l_2_local),
                ' - ',
                str(l_2_local),
                ' != 0;   /* NaN for an infinity or a NaN (sn_finite) */\n',
            ))
        l_2_name = l_2_local = missing
        t_3.append(
            '    }\n    return !bad;\n}\n',
        )
        return concat(t_3)
    caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
    yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), str_join(('int update(real *restrict params, real *restrict grads, real *restrict state,\n        const double *restrict hyper, double t', (', int fused' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else ''), ')', )), caller=caller)

blocks = {}
debug_info = '1=27&2=34&4=36&5=41&6=44&7=48&10=52&11=54&13=56&17=58&19=64&20=69&22=77&23=82&25=90&26=95&28=118&32=127&33=132&35=138&38=143&44=153&45=158&48=167&49=172&51=176&52=181&54=187&55=196&17=207'
