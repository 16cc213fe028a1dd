# key: 32414dbac2c54cea163ac6219c33ee637ac48fef jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/parts.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'parts.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_defined_in = missing
    pass
    def macro(l_1_part, l_1_split, l_1_signature, l_1_attributes, l_1_linkage, l_1_whole, l_1_caller):
        t_1 = []
        if l_1_part is missing:
            l_1_part = undefined("parameter 'part' was not provided", name='part')
        if l_1_split is missing:
            l_1_split = undefined("parameter 'split' was not provided", name='split')
        if l_1_signature is missing:
            l_1_signature = undefined("parameter 'signature' was not provided", name='signature')
        if l_1_attributes is missing:
            l_1_attributes = ''
        if l_1_linkage is missing:
            l_1_linkage = 'SN_PARTED '
        if l_1_whole is missing:
            l_1_whole = 'static '
        pass
        if l_1_split:
            pass
            t_1.extend((
                '#if defined(SN_PART) && SN_PART != ',
                str(l_1_part),
                '   /* defined in part ',
                str(l_1_part),
                ' alone */\n',
                str(l_1_linkage),
                str(l_1_signature),
                ';\n#else\n',
                str(l_1_linkage),
                str(l_1_attributes),
                str(l_1_signature),
                '\n',
                str(context.call(l_1_caller)),
                '#endif\n',
            ))
        else:
            pass
            t_1.extend((
                str(l_1_whole),
                str(l_1_attributes),
                str(l_1_signature),
                '\n',
                str(context.call(l_1_caller)),
            ))
        return concat(t_1)
    context.exported_vars.add('defined_in')
    context.vars['defined_in'] = l_0_defined_in = Macro(environment, macro, 'defined_in', ('part', 'split', 'signature', 'attributes', 'linkage', 'whole'), False, False, True, context.eval_ctx.autoescape)

blocks = {}
debug_info = '14=12&15=27&16=31&17=35&19=38&20=42&23=48&24=52'
