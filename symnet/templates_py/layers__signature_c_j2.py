# key: 001be5d5bfbba37b76154d103826347ca26da371 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/signature.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/signature.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_forward = l_0_backward = l_0_header = l_0_times = l_0_buffers = l_0_store = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    def macro(l_1_name, l_1_inputs, l_1_run, l_1_after):
        t_2 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        if l_1_inputs is missing:
            l_1_inputs = ['x']
        if l_1_run is missing:
            l_1_run = False
        if l_1_after is missing:
            l_1_after = False
        pass
        t_2.extend((
            'static void ',
            str(l_1_name),
            '_forward(\n    int count, ',
        ))
        for l_2_x in l_1_inputs:
            _loop_vars = {}
            pass
            t_2.extend((
                'const real *restrict ',
                str(l_2_x),
                ', ',
            ))
        l_2_x = missing
        t_2.extend((
            'real *restrict y, const real *restrict params, int32_t *restrict index,\n    real *restrict scratch',
            str((', const sn_run *run' if l_1_run else cond_expr_undefined("the inline if-expression on line 9 in 'layers/signature.c.j2' evaluated to false and no else section was defined."))),
            str((', real *restrict after' if l_1_after else cond_expr_undefined("the inline if-expression on line 9 in 'layers/signature.c.j2' evaluated to false and no else section was defined."))),
            ')',
        ))
        return concat(t_2)
    context.exported_vars.add('forward')
    context.vars['forward'] = l_0_forward = Macro(environment, macro, 'forward', ('name', 'inputs', 'run', 'after'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_name, l_1_inputs, l_1_run):
        t_3 = []
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        if l_1_inputs is missing:
            l_1_inputs = ['x']
        if l_1_run is missing:
            l_1_run = False
        pass
        t_3.extend((
            'static void ',
            str(l_1_name),
            '_backward(\n    int count, ',
        ))
        for l_2_x in l_1_inputs:
            _loop_vars = {}
            pass
            t_3.extend((
                'const real *restrict ',
                str(l_2_x),
                ', ',
            ))
        l_2_x = missing
        t_3.append(
            'const real *restrict y, const real *restrict dy, ',
        )
        for l_2_x in l_1_inputs:
            _loop_vars = {}
            pass
            t_3.extend((
                'real *restrict d',
                str(l_2_x),
                ', ',
            ))
        l_2_x = missing
        t_3.extend((
            '\n    const real *restrict params, real *restrict grads, const int32_t *restrict index, real *restrict scratch',
            str((', const sn_run *run' if l_1_run else cond_expr_undefined("the inline if-expression on line 15 in 'layers/signature.c.j2' evaluated to false and no else section was defined."))),
            ')',
        ))
        return concat(t_3)
    context.exported_vars.add('backward')
    context.vars['backward'] = l_0_backward = Macro(environment, macro, 'backward', ('name', 'inputs', 'run'), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_comments):
        t_4 = []
        if l_1_comments is missing:
            l_1_comments = undefined("parameter 'comments' was not provided", name='comments')
        pass
        t_4.append(
            '/*\n',
        )
        for l_2_line in l_1_comments:
            _loop_vars = {}
            pass
            t_4.extend((
                ' *   ',
                str(t_1(l_2_line)),
                '\n',
            ))
        l_2_line = missing
        t_4.append(
            ' */',
        )
        return concat(t_4)
    context.exported_vars.add('header')
    context.vars['header'] = l_0_header = Macro(environment, macro, 'header', ('comments',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_stride, l_1_name):
        t_5 = []
        if l_1_stride is missing:
            l_1_stride = undefined("parameter 'stride' was not provided", name='stride')
        if l_1_name is missing:
            l_1_name = undefined("parameter 'name' was not provided", name='name')
        pass
        t_5.append(
            str((l_1_name if (l_1_stride == 1) else ('%d * %s' % (l_1_stride, l_1_name)))),
        )
        return concat(t_5)
    context.exported_vars.add('times')
    context.vars['times'] = l_0_times = Macro(environment, macro, 'times', ('stride', 'name'), False, False, False, context.eval_ctx.autoescape)
    def macro():
        t_6 = []
        pass
        t_6.append(
            'real *restrict pack_a = scratch, *restrict pack_b = scratch + SN_MC * SN_KC;',
        )
        return concat(t_6)
    context.exported_vars.add('buffers')
    context.vars['buffers'] = l_0_buffers = Macro(environment, macro, 'buffers', (), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_add):
        t_7 = []
        if l_1_add is missing:
            l_1_add = undefined("parameter 'add' was not provided", name='add')
        pass
        t_7.append(
            str(('+=' if l_1_add else '=')),
        )
        return concat(t_7)
    context.exported_vars.add('store')
    context.vars['store'] = l_0_store = Macro(environment, macro, 'store', ('add',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '6=18&7=31&8=34&9=45&11=52&12=63&13=66&15=89&17=95&19=103&20=108&24=118&25=126&27=131&31=140&32=146'
