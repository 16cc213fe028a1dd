# key: 9a3806467bc93c3d5b205123823c2eca4d95ac5a jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/helpers/barrier.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'helpers/barrier.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    pass
    yield "/* Layers whose statistics span the whole chunk (BatchNorm) wait at a barrier for every\n * thread's samples, then split their channels between the threads (sn_split): each channel is summed\n * by one thread over all samples in order, so the sums do not depend on the thread count. Dense\n * layers that fold a step of gradient descent into their backward wait there too, before each\n * share of the samples takes its rows of their weights.\n * Outside a parallel region (one thread) the barrier does nothing. */\nstatic inline void sn_barrier(void)\n{\n#ifdef _OPENMP\n    #pragma omp barrier\n#endif\n}\n"

blocks = {}
debug_info = ''
