# key: 53ca9171f2fd4b6769ff24473438109ad5cdd218 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
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
    yield str((' (with fused, of those in sn_unfused)' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else cond_expr_undefined("the inline if-expression on line 12 in 'optimizer.c.j2' evaluated to false and no else section was defined.")))
    yield "; each gradient is set to 0 once used,\n * ready for the next step's sums (one pass over the gradients instead of two). Returns 1 if\n * every parameter it wrote is finite, else 0 (tested as it is written: the step's check of\n * the weights, see sn_step). */\nstatic int update(real *restrict params, real *restrict grads, real *restrict state,\n                   const double *restrict hyper, double t"
    yield str((', int fused' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else cond_expr_undefined("the inline if-expression on line 17 in 'optimizer.c.j2' evaluated to false and no else section was defined.")))
    yield ')\n{\n'
    for (l_1_name, l_1_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'double_hyper'):
        _loop_vars = {}
        pass
        yield '    const double '
        yield str(l_1_local)
        yield ' = hyper['
        yield str(context.call(environment.getattr(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper'), 'index'), l_1_name, _loop_vars=_loop_vars))
        yield '];   /* '
        yield str(l_1_name)
        yield ' */\n'
    l_1_name = l_1_local = missing
    for (l_1_name, l_1_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'real_hyper'):
        _loop_vars = {}
        pass
        yield '    const real '
        yield str(l_1_local)
        yield ' = (real)hyper['
        yield str(context.call(environment.getattr(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper'), 'index'), l_1_name, _loop_vars=_loop_vars))
        yield '];   /* '
        yield str(l_1_name)
        yield ' */\n'
    l_1_name = l_1_local = missing
    for l_1_part in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'invariants'):
        _loop_vars = {}
        pass
        yield '    const '
        yield str(environment.getattr(l_1_part, 'type'))
        yield ' '
        yield str(environment.getattr(l_1_part, 'name'))
        yield ' = '
        if (environment.getattr(l_1_part, 'type') == 'real'):
            pass
            yield '(real)('
            yield str(environment.getattr(l_1_part, 'code'))
            yield ')'
        else:
            pass
            yield str(environment.getattr(l_1_part, 'code'))
        yield ';   /* '
        yield str(environment.getattr(l_1_part, 'formula'))
        yield ' */\n'
    l_1_part = missing
    if (not environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'uses_step')):
        pass
        yield '    (void)t;\n'
    yield '    int bad = 0;\n'
    l_1_loop = missing
    for l_1_name, l_1_loop in LoopContext(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states'), undefined):
        _loop_vars = {}
        pass
        yield '    real *restrict state_'
        yield str(l_1_name)
        yield ' = state + '
        yield str(environment.getattr(l_1_loop, 'index0'))
        yield 'L * SN_PARAMS;\n'
    l_1_loop = l_1_name = missing
    if (not environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'states')):
        pass
        yield '    (void)state;\n'
    if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
        pass
        yield '    for (int r = 0; r < SN_RANGES(fused); r++)\n    for (long k = SN_RANGE_START(r, fused); k < SN_RANGE_END(r, fused); k++) {\n'
    else:
        pass
        yield '    for (int k = 0; k < SN_PARAMS; k++) {\n'
    for (l_1_name, l_1_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'loads'):
        _loop_vars = {}
        pass
        yield '        const real '
        yield str(l_1_local)
        yield ' = '
        yield str(context.call(environment.getattr({'p': 'params', 'g': 'grads'}, 'get'), l_1_name, str_join(('state_', l_1_name, )), _loop_vars=_loop_vars))
        yield '[k];\n'
    l_1_name = l_1_local = missing
    yield '        grads[k] = 0;\n'
    for l_1_line in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'lines'):
        _loop_vars = {}
        pass
        yield '        '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    for (l_1_name, l_1_local) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'stores'):
        _loop_vars = {}
        pass
        yield '        '
        yield str(context.call(environment.getattr({'p': 'params'}, 'get'), l_1_name, str_join(('state_', l_1_name, )), _loop_vars=_loop_vars))
        yield '[k] = '
        yield str(l_1_local)
        yield ';\n'
    l_1_name = l_1_local = missing
    def t_3(fiter):
        for (l_1_name, l_1_local) in fiter:
            if (l_1_name == 'p'):
                yield (l_1_name, l_1_local)
    for (l_1_name, l_1_local) in t_3(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'stores')):
        _loop_vars = {}
        pass
        yield '        bad |= '
        yield str(l_1_local)
        yield ' - '
        yield str(l_1_local)
        yield ' != 0;   /* NaN for an infinity or a NaN (sn_finite) */\n'
    l_1_name = l_1_local = missing
    yield '    }\n    return !bad;\n}\n'

blocks = {}
debug_info = '1=26&3=28&4=33&5=36&6=40&9=44&10=46&12=48&17=50&19=52&20=56&22=63&23=67&25=74&26=78&28=94&32=99&33=103&35=108&38=111&44=117&45=121&48=127&49=131&51=134&52=138&54=143&55=151'
