# key: 5dd15cbe45dfbdee8fe6f98a8355a0ad73292433 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/layers/loss_softmax_cross_entropy.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'layers/loss_softmax_cross_entropy.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_description = resolve('description')
    l_0_classes = resolve('classes')
    l_0_comments = resolve('comments')
    l_0_smoothing = resolve('smoothing')
    l_0_keep = resolve('keep')
    l_0_share = resolve('share')
    l_0_with_backward = resolve('with_backward')
    l_0_gradient = resolve('gradient')
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    pass
    yield '/* loss: '
    yield str(t_1((undefined(name='description') if l_0_description is missing else l_0_description)))
    yield ' of '
    yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
    yield ' class scores per sample */\n/*\n'
    for l_1_line in (undefined(name='comments') if l_0_comments is missing else l_0_comments):
        _loop_vars = {}
        pass
        yield ' *   '
        yield str(t_1(l_1_line))
        yield '\n'
    l_1_line = missing
    yield ' */\nstatic double loss_value(int count, int total, const real *restrict zs, const int32_t *restrict labels)\n{\n    double sum = 0.0;\n    for (int n = 0; n < count; n++) {\n        const real *z = zs + n * '
    yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
    yield ';\n'
    if (undefined(name='smoothing') if l_0_smoothing is missing else l_0_smoothing):
        pass
        yield '        double top = z[0], s = 0.0, total_z = 0.0;\n        for (int k = 1; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '; k++)\n            top = z[k] > top ? z[k] : top;\n        for (int k = 0; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield "; k++) {\n            s += exp(z[k] - top);\n            total_z += z[k];\n        }\n        /* log Σ exp z - (1 - ε) z[t] - (ε / classes) Σ z: (1 - ε) of the label's cross-entropy\n           plus ε of the mean over classes of theirs */\n        sum += log(s) + top - "
        yield str((undefined(name='keep') if l_0_keep is missing else l_0_keep))
        yield ' * z[labels[n]] - '
        yield str((undefined(name='share') if l_0_share is missing else l_0_share))
        yield ' * total_z;\n'
    else:
        pass
        yield '        double top = z[0], s = 0.0;\n        for (int k = 1; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '; k++)\n            top = z[k] > top ? z[k] : top;\n        for (int k = 0; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '; k++)\n            s += exp(z[k] - top);\n        sum += log(s) + top - z[labels[n]];   /* log Σ exp z - z[t], shifted by the max for range */\n'
    yield '    }\n    return sum / total;\n}\n\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield 'static void loss_backward(int count, int total_count, const real *restrict zs, const int32_t *restrict labels,\n                          real *restrict dzs)\n{\n    const double total = (double)total_count;\n    for (int n = 0; n < count; n++) {\n        const real *z = zs + n * '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield ';\n        real *dz = dzs + n * '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield ';\n        const int label = labels[n];\n        double top = z[0], s = 0.0;\n        for (int k = 1; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '; k++)\n            top = z[k] > top ? z[k] : top;\n        for (int k = 0; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '; k++)\n            s += exp(z[k] - top);\n        for (int k = 0; k < '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '; k++) {\n            /* the softmax, kept in double: at the label p - 1 cancels, and a p of 1 - 4e-7\n               rounded to float would leave that difference with a 2% error */\n            const double p = exp(z[k] - top) / s;\n'
        for l_1_line in (undefined(name='gradient') if l_0_gradient is missing else l_0_gradient):
            _loop_vars = {}
            pass
            yield '            '
            yield str(l_1_line)
            yield '\n'
        l_1_line = missing
        yield '        }\n    }\n}\n'

blocks = {}
debug_info = '1=26&3=30&4=34&11=38&12=40&14=43&16=45&22=47&25=54&27=56&35=59&41=62&42=64&45=66&47=68&49=70&53=72&54=76'
