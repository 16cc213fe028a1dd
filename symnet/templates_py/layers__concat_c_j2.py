# key: 47911669267b4aaeb923700ebe977c5103cb75cc jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/concat.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/concat.c.j2'

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
    pass
    l_0_sig = context.vars['sig'] = environment.get_template('layers/signature.c.j2', 'layers/concat.c.j2')._get_default_module(context)
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
    yield ' along the first axis, '
    yield str(t_2(context.eval_ctx, environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'input_shapes'), ' + '))
    yield ' -> '
    yield str(environment.getattr((undefined(name='layer') if l_0_layer is missing else l_0_layer), 'output_shape'))
    yield ' */\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'header'), (undefined(name='comments') if l_0_comments is missing else l_0_comments)))
    yield '\n'
    yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'forward'), (undefined(name='name') if l_0_name is missing else l_0_name), (undefined(name='labels') if l_0_labels is missing else l_0_labels)))
    yield '\n{\n    (void)params; (void)index; (void)scratch;\n    for (int n = 0; n < count; n++) {\n'
    l_1_loop = missing
    for l_1_input, l_1_loop in LoopContext((undefined(name='inputs') if l_0_inputs is missing else l_0_inputs), undefined):
        l_1_out_size = resolve('out_size')
        l_1_slices = resolve('slices')
        _loop_vars = {}
        pass
        yield '        memcpy(y + (long)n * '
        yield str((undefined(name='out_size') if l_1_out_size is missing else l_1_out_size))
        yield ' + '
        yield str(environment.getattr(environment.getitem((undefined(name='slices') if l_1_slices is missing else l_1_slices), environment.getattr(l_1_loop, 'index0')), 'start'))
        yield ', '
        yield str(environment.getattr(l_1_input, 'x'))
        yield ' + (long)n * '
        yield str(environment.getattr(l_1_input, 'size'))
        yield ',\n               sizeof(real) * '
        yield str(environment.getattr(l_1_input, 'size'))
        yield ');\n'
    l_1_loop = l_1_input = l_1_out_size = l_1_slices = missing
    yield '    }\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* Each input's partial selects its slice of the output, so its gradient is that slice of dy. */\n"
        yield str(context.call(environment.getattr((undefined(name='sig') if l_0_sig is missing else l_0_sig), 'backward'), (undefined(name='name') if l_0_name is missing else l_0_name), (undefined(name='labels') if l_0_labels is missing else l_0_labels)))
        yield '\n{\n    (void)params; (void)grads; (void)index; (void)y; (void)scratch;\n'
        for l_1_input in (undefined(name='inputs') if l_0_inputs is missing else l_0_inputs):
            _loop_vars = {}
            pass
            yield '    (void)'
            yield str(environment.getattr(l_1_input, 'x'))
            yield ';\n'
        l_1_input = missing
        yield '    for (int n = 0; n < count; n++) {\n'
        l_1_loop = missing
        for l_1_input, l_1_loop in LoopContext((undefined(name='inputs') if l_0_inputs is missing else l_0_inputs), undefined):
            l_1_out_size = resolve('out_size')
            l_1_slices = resolve('slices')
            _loop_vars = {}
            pass
            if environment.getattr(l_1_input, 'need'):
                pass
                if environment.getattr(l_1_input, 'add'):
                    pass
                    yield '        for (int e = 0; e < '
                    yield str(environment.getattr(l_1_input, 'size'))
                    yield '; e++)   /* another layer wrote '
                    yield str(environment.getattr(l_1_input, 'dx'))
                    yield ' first */\n            '
                    yield str(environment.getattr(l_1_input, 'dx'))
                    yield '[(long)n * '
                    yield str(environment.getattr(l_1_input, 'size'))
                    yield ' + e] += dy[(long)n * '
                    yield str((undefined(name='out_size') if l_1_out_size is missing else l_1_out_size))
                    yield ' + '
                    yield str(environment.getattr(environment.getitem((undefined(name='slices') if l_1_slices is missing else l_1_slices), environment.getattr(l_1_loop, 'index0')), 'start'))
                    yield ' + e];\n'
                else:
                    pass
                    yield '        memcpy('
                    yield str(environment.getattr(l_1_input, 'dx'))
                    yield ' + (long)n * '
                    yield str(environment.getattr(l_1_input, 'size'))
                    yield ', dy + (long)n * '
                    yield str((undefined(name='out_size') if l_1_out_size is missing else l_1_out_size))
                    yield ' + '
                    yield str(environment.getattr(environment.getitem((undefined(name='slices') if l_1_slices is missing else l_1_slices), environment.getattr(l_1_loop, 'index0')), 'start'))
                    yield ',\n               sizeof(real) * '
                    yield str(environment.getattr(l_1_input, 'size'))
                    yield ');\n'
        l_1_loop = l_1_input = l_1_out_size = l_1_slices = missing
        yield '    }\n'
        def t_5(fiter):
            for l_1_input in fiter:
                if (not environment.getattr(l_1_input, 'need')):
                    yield l_1_input
        for l_1_input in t_5((undefined(name='inputs') if l_0_inputs is missing else l_0_inputs)):
            _loop_vars = {}
            pass
            yield '    (void)'
            yield str(environment.getattr(l_1_input, 'dx'))
            yield ';\n'
        l_1_input = missing
        yield '}\n'

blocks = {}
debug_info = '1=41&2=43&3=47&4=57&5=59&9=62&10=68&11=76&16=80&18=83&21=85&22=89&25=94&26=99&27=101&28=104&29=108&31=119&32=127&37=131&38=139'
