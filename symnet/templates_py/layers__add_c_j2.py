# key: 5e464a56d506c460754e3f6da2f5144e0b0a6ebf jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/add.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/add.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_inputs = resolve('inputs')
    l_0_name = resolve('name')
    l_0_layer = resolve('layer')
    l_0_comments = resolve('comments')
    l_0_after = resolve('after')
    l_0_out_size = resolve('out_size')
    l_0_sum = resolve('sum')
    l_0_with_backward = resolve('with_backward')
    l_0_sig = l_0_labels = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_4 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_5 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/add.c.j2')._get_default_module(context)
    context.exported_vars.discard('sig')
    l_0_labels = t_3(context.eval_ctx, t_4(context, (undefined(name='inputs') if l_0_inputs is missing else l_0_inputs), attribute='x'))
    context.vars['labels'] = l_0_labels
    context.exported_vars.add('labels')
    yield '/* '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': '
    yield str(t_1(context.call(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'describe'))))
    yield ' of '
    yield str(t_1(t_2(context.eval_ctx, t_4(context, (undefined(name='inputs') if l_0_inputs is missing else l_0_inputs), attribute='reads'), ', ')))
    yield ', elementwise over '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape'))
    yield ' */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'header'), (undefined(name='comments') if l_0_comments is missing else l_0_comments)))
    yield '\n'
    if (undefined(name='after') if l_0_after is missing else l_0_after):
        pass
        yield '/* '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'name'))
        yield ', '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'describe'))
        yield ', runs in this loop: after[e] = '
        yield str(environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'forward_text'))
        yield ' for x = y[e], in the pass\n * that writes y, where a pass of its own read y back (lower.epilogues; its backward is its own). */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name), (undefined(name='labels') if l_0_labels is missing else l_0_labels), after=(undefined(name='after') if l_0_after is missing else l_0_after)))
    yield '\n{\n    (void)params; (void)index; (void)scratch;\n'
    if (undefined(name='after') if l_0_after is missing else l_0_after):
        pass
        yield '    for (long e = 0; e < (long)count * '
        yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
        yield '; e++) {\n        const real x = '
        yield str((undefined(name='sum') if l_0_sum is missing else l_0_sum))
        yield ';\n        y[e] = x;\n'
        for l_1_line in environment.getattr((undefined(name='after') if l_0_after is missing else l_0_after), 'forward'):
            _loop_vars = {}
            pass
            yield '        '
            yield str(l_1_line)
            yield '\n'
        l_1_line = missing
        yield '    }\n'
    else:
        pass
        yield '    for (long e = 0; e < (long)count * '
        yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
        yield '; e++)\n        y[e] = '
        yield str((undefined(name='sum') if l_0_sum is missing else l_0_sum))
        yield ';\n'
    yield '}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* Each addend's partial is the constant SymPy derived, so each input's gradient is dy times it. */\n"
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name), (undefined(name='labels') if l_0_labels is missing else l_0_labels)))
        yield '\n{\n    (void)params; (void)grads; (void)index; (void)y; (void)scratch;\n'
        for l_1_input in (undefined(name='inputs') if l_0_inputs is missing else l_0_inputs):
            _loop_vars = {}
            pass
            yield '    (void)'
            yield str(environment.getattr(l_1_input, 'x'))
            yield ';\n'
        l_1_input = missing
        def t_6(fiter):
            for l_1_input in fiter:
                if (not environment.getattr(l_1_input, 'need')):
                    yield l_1_input
        for l_1_input in t_6((undefined(name='inputs') if l_0_inputs is missing else l_0_inputs)):
            _loop_vars = {}
            pass
            yield '    (void)'
            yield str(environment.getattr(l_1_input, 'dx'))
            yield ';\n'
        l_1_input = missing
        if t_3(context.eval_ctx, t_5(context, (undefined(name='inputs') if l_0_inputs is missing else l_0_inputs), 'need')):
            pass
            yield "    /* one pass: dy is read once for all the inputs' gradients */\n    for (long e = 0; e < (long)count * "
            yield str((undefined(name='out_size') if l_0_out_size is missing else l_0_out_size))
            yield '; e++) {\n        const real g = dy[e];\n'
            l_1_loop = missing
            for l_1_input, l_1_loop in LoopContext((undefined(name='inputs') if l_0_inputs is missing else l_0_inputs), undefined):
                l_1_slopes = resolve('slopes')
                _loop_vars = {}
                pass
                if environment.getattr(l_1_input, 'need'):
                    pass
                    yield '        '
                    yield str(environment.getattr(l_1_input, 'dx'))
                    yield '[e] '
                    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'store'), environment.getattr(l_1_input, 'add'), _loop_vars=_loop_vars))
                    yield ' '
                    yield str(('g' if (environment.getitem((undefined(name='slopes') if l_1_slopes is missing else l_1_slopes), environment.getattr(l_1_loop, 'index0')) == '1') else ('%s * g' % environment.getitem((undefined(name='slopes') if l_1_slopes is missing else l_1_slopes), environment.getattr(l_1_loop, 'index0')))))
                    yield ';   /* ∂y/∂'
                    yield str(environment.getattr(l_1_input, 'x'))
                    yield ' = '
                    yield str(t_1(environment.getitem((undefined(name='slopes') if l_1_slopes is missing else l_1_slopes), environment.getattr(l_1_loop, 'index0'))))
                    yield ' */\n'
            l_1_loop = l_1_input = l_1_slopes = missing
            yield '    }\n'
        else:
            pass
            yield '    (void)count; (void)dy;\n'
        yield '}\n'

blocks = {}
debug_info = '1=50&2=52&3=56&4=64&5=66&6=69&9=75&12=77&13=80&14=82&16=84&17=88&21=95&22=97&26=100&28=103&31=105&32=109&34=112&35=120&37=123&39=126&41=129&42=133&43=136'
