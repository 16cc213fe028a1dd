# key: 70d4ec8756a81d96f7b1da2611daee2c1be812f6 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/model.cdef.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'model.cdef.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_ctype = resolve('ctype')
    l_0_loss = resolve('loss')
    pass
    yield 'typedef struct { double per_sample[2]; long calls[2]; long probe_at; int way; int pinned; } sn_pace;\ntypedef struct { sn_pace forward, backward, step; } sn_pacing;\nextern const long sn_layout[];\nvoid sn_forward(int count, const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *x, const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *params, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *buffers, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *work, int32_t *index, int threads, sn_pacing *pacing, int training, long step, int offset);\ndouble sn_loss(int count, int total, const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *work, const '
    yield str(('int32_t' if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t') else (undefined(name='ctype') if l_0_ctype is missing else l_0_ctype)))
    yield ' *targets);\nvoid sn_backward(int count, int total, const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *x, const '
    yield str(('int32_t' if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t') else (undefined(name='ctype') if l_0_ctype is missing else l_0_ctype)))
    yield ' *targets, const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *params, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *work, const int32_t *index, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *grads, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *thread_grads, int threads, sn_pacing *pacing, int training, long step, int offset);\nvoid sn_train(int count, int batch_size, const int32_t *order, const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *x, const '
    yield str(('int32_t' if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t') else (undefined(name='ctype') if l_0_ctype is missing else l_0_ctype)))
    yield ' *targets, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *params, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *grads, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *state, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *work, int32_t *index, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *thread_grads, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *staging_x, '
    yield str(('int32_t' if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t') else (undefined(name='ctype') if l_0_ctype is missing else l_0_ctype)))
    yield ' *staging_targets, const double *hyper, const double *schedule, long steps, long optimizer_steps, int threads, sn_pacing *pacing, double *losses, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *buffers, int training);\nvoid sn_rates(long first, int count, double lr, const double *schedule, double *rates);\nvoid sn_update('
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *params, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *grads, '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *state, const double *hyper, const double *schedule, long steps, long optimizer_steps);\nint sn_finite(const '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' *p, long n);\n'
    if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t'):
        pass
        yield 'int sn_labels(const int64_t *in, int32_t *out, long n, long classes);\ntypedef struct { '
        yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
        yield ' *params, *grads, *state, *work, *thread_grads, *staging_x, *buffers; int32_t *index, *staging_targets; sn_pacing *pacing; int threads; } sn_net;\nint sn_step(const sn_net *net, int count, const '
        yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
        yield ' *x, const void *labels, int wide, '
        yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
        yield ' *keep_x, int32_t *keep_labels, const double *hyper, const double *schedule, long steps, long optimizer_steps, int training, double *loss);\n'

blocks = {}
debug_info = '5=14&6=22&7=26&8=38&10=58&11=64&12=66&14=69&15=71'
