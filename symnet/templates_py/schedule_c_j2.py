# key: e4720631abe5019aa2f1c0ecd6253e7bdc18080b jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/schedule.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'schedule.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_schedule = resolve('schedule')
    l_0_standalone = resolve('standalone')
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
    try:
        t_3 = environment.filters['max']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'max' found.")
    pass
    yield "/* The learning rate of each step, from the schedule's formula of t, the steps the net took\n * before this one (0 on its first), and lr, the base rate (the optimizer's lr, hyper[0])"
    if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'names'):
        pass
        yield ";\n * the schedule's numbers are read at run time from schedule[] ("
        yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'names'), ', '))
        yield ')'
    yield '.\n * Computed in double, once per step.\n * Not inlined: sn_rates and sn_train run the same machine code, so the rates checked before\n * training are those it uses. */\n#define SN_SCHEDULE '
    yield str(t_3(environment, [t_2(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'names')), 1]))
    yield '\n\nstatic __attribute__((noinline)) double schedule_rate(double t, double lr, const double *restrict schedule)\n{\n'
    for l_1_name in environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'unused'):
        _loop_vars = {}
        pass
        yield '    (void)'
        yield str(l_1_name)
        yield ';\n'
    l_1_name = missing
    if (not environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'loads')):
        pass
        yield '    (void)schedule;\n'
    for (l_1_index, l_1_local, l_1_name) in environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'loads'):
        _loop_vars = {}
        pass
        yield '    const double '
        yield str(l_1_local)
        yield ' = schedule['
        yield str(l_1_index)
        yield '];   /* '
        yield str(l_1_name)
        yield ' */\n'
    l_1_index = l_1_local = l_1_name = missing
    yield '    /* lr(t) = '
    yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'formula'))
    yield ' */\n'
    for l_1_line in environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'lines'):
        _loop_vars = {}
        pass
        yield '    '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing
    yield '    return '
    yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'rate'))
    yield ';\n}\n'
    if (not (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone)):
        pass
        yield '\n/* The rates of count steps from step first (t = first, first + 1, ...) for the base rate lr:\n * what sn_train uses, so that a rate that is negative or not finite is refused before it trains. */\nvoid sn_rates(long first, int count, double lr, const double *restrict schedule, double *restrict rates)\n{\n    for (int k = 0; k < count; k++)\n        rates[k] = schedule_rate((double)(first + k), lr, schedule);\n}\n'

blocks = {}
debug_info = '2=32&3=35&7=38&11=40&12=44&14=47&17=50&18=54&20=62&21=64&22=68&24=72&26=74'
