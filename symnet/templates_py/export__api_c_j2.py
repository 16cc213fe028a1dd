# key: 4d6f98bf4dccac3179719b4795d745ee461bd755 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/export/api.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'export/api.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_work_size = resolve('work_size')
    l_0_index_size = resolve('index_size')
    l_0_buffer_size = resolve('buffer_size')
    l_0_output_size = resolve('output_size')
    l_0_output_macro = resolve('output_macro')
    l_0_classes = resolve('classes')
    l_0_model_key = resolve('model_key')
    l_0_inference = resolve('inference')
    l_0_state_key = resolve('state_key')
    l_0_NAME = resolve('NAME')
    l_0_tensors = resolve('tensors')
    l_0_buffer_tensors = resolve('buffer_tensors')
    l_0_hyper = resolve('hyper')
    l_0_schedule = resolve('schedule')
    l_0_target_type = resolve('target_type')
    l_0_optimizer = resolve('optimizer')
    l_0_modes = resolve('modes')
    l_0_min_minibatch = resolve('min_minibatch')
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
    yield '\n/* ======================================================================================\n * The API ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.h): a net holds its buffers, and the calls above run on them.\n * ====================================================================================== */\n\n#define SN_WORK '
    yield str((undefined(name='work_size') if l_0_work_size is missing else l_0_work_size))
    yield '     /* the work buffer for one thread; each further thread adds SN_SCRATCH */\n#define SN_INDEX '
    yield str((undefined(name='index_size') if l_0_index_size is missing else l_0_index_size))
    yield '\n#define SN_BUFFER_SIZE '
    yield str((undefined(name='buffer_size') if l_0_buffer_size is missing else l_0_buffer_size))
    yield '\n#define SN_OUTPUT '
    yield str((undefined(name='output_size') if l_0_output_size is missing else l_0_output_size))
    yield '\n#define SN_OUTPUT_AT '
    yield str((undefined(name='output_macro') if l_0_output_macro is missing else l_0_output_macro))
    yield "   /* where the last layer's output sits in work */\n"
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '#define SN_CLASSES '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '\n'
    yield '#define SN_MODEL_KEY '
    yield str((undefined(name='model_key') if l_0_model_key is missing else l_0_model_key))
    yield "u   /* a hash of the parameters' and statistics' names and shapes */\n"
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '#define SN_STATE_KEY '
        yield str((undefined(name='state_key') if l_0_state_key is missing else l_0_state_key))
        yield "u   /* a hash of the optimizer's kind and state names */\n"
    yield '\nconst '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_tensor '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_parameters['
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_PARAMETER_TENSORS] = {\n'
    for l_1_tensor in (undefined(name='tensors') if l_0_tensors is missing else l_0_tensors):
        _loop_vars = {}
        pass
        yield '    {"'
        yield str(environment.getattr(l_1_tensor, 'name'))
        yield '", '
        yield str(environment.getattr(l_1_tensor, 'offset'))
        yield ', '
        yield str(environment.getattr(l_1_tensor, 'size'))
        yield ', '
        yield str(t_2(environment.getattr(l_1_tensor, 'shape')))
        yield ', {'
        yield str(t_1(context.eval_ctx, environment.getattr(l_1_tensor, 'shape'), ', '))
        yield '}},\n'
    l_1_tensor = missing
    yield '};\n'
    if (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
        pass
        yield 'const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_tensor '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_buffers['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_BUFFER_TENSORS] = {\n'
        for l_1_tensor in (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
            _loop_vars = {}
            pass
            yield '    {"'
            yield str(environment.getattr(l_1_tensor, 'name'))
            yield '", '
            yield str(environment.getattr(l_1_tensor, 'offset'))
            yield ', '
            yield str(environment.getattr(l_1_tensor, 'size'))
            yield ', '
            yield str(t_2(environment.getattr(l_1_tensor, 'shape')))
            yield ', {'
            yield str(t_1(context.eval_ctx, environment.getattr(l_1_tensor, 'shape'), ', '))
            yield '}},\n'
        l_1_tensor = missing
        yield '};\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield 'const char *const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_hyper_names['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_HYPER] = {'
        l_1_loop = missing
        for l_1_h, l_1_loop in LoopContext((undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), undefined):
            _loop_vars = {}
            pass
            yield '"'
            yield str(l_1_h)
            yield '"'
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 32 in 'export/api.c.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_h = missing
        yield '};\nconst char *const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE > 0 ? '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE : 1] = {'
        l_1_loop = missing
        t_3 = 1
        for l_1_key, l_1_loop in LoopContext(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), undefined):
            _loop_vars = {}
            pass
            yield '"'
            yield str(l_1_key)
            yield '"'
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 33 in 'export/api.c.j2' evaluated to false and no else section was defined.")))
            t_3 = 0
        l_1_loop = l_1_key = missing
        if t_3:
            pass
            yield 'NULL'
        yield '};\n'
    yield '\nconst char *'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_message(int status)\n{\n    switch (status) {\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK: return "no error";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_ARGUMENT: return "an argument the net cannot take";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_MEMORY: return "out of memory";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE: return "the file could not be opened, read or written";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FORMAT: return "not a weights file of this format (or cut short, or not finite)";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_MISMATCH: return "the weights of another model, dtype or optimizer";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_DIVERGED: return "training diverged: the loss or the weights are NaN or infinite";\n    case '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_SCHEDULE: return "the schedule gives a step a learning rate that is negative or not finite";\n    default: return "unknown status";\n    }\n}\n\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '/* A net for inference runs forward only, in eval mode, on one thread. */\n'
    else:
        pass
        yield 'struct '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield "_net {\n    int threads;            /* each call splits its samples across this many (OpenMP) */\n    sn_pacing pacing;       /* whether calls run on all of them or one (see Threads): zeroed, it chooses */\n    int training;           /* the mode: 1 training, 0 eval */\n    long steps;             /* training steps taken: part of Dropout's key */\n    long optimizer_steps;   /* the steps the optimizer's state has seen (its t - 1) */\n    double hyper[SN_HYPER]; /* "
        yield str(t_1(context.eval_ctx, (undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), ', '))
        yield ' */\n    double schedule[SN_SCHEDULE];   /* '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield ': '
        yield str((t_1(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), ', ') if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values') else 'no numbers (one unused 0)'))
        yield " */\n    real *params;           /* SN_PARAMS values */\n    real *grads;            /* d loss / d params: 0 between calls (the update clears them) */\n    real *state;            /* the optimizer's state: SN_STATES x SN_PARAMS values (at least 1) */\n    real *buffers;          /* running statistics (at least 1 value) */\n    real *work;             /* SN_WORK + (threads - 1) x SN_SCRATCH values */\n    int32_t *index;         /* argmax positions (at least 1) */\n    real *thread_grads;     /* each further thread's gradient: threads x SN_PARAMS (1 for one thread) */\n    real *staging_x;        /* a chunk of samples gathered in the order of a shuffle */\n    "
        yield str((undefined(name='target_type') if l_0_target_type is missing else l_0_target_type))
        yield ' *staging_targets;\n};\n'
    yield "\n/* -- drawing fresh parameters ---------------------------------------------------------\n * Tensor k draws from the stream keyed by (seed, k): its value e is made from\n * u(e) = (splitmix64 finalizer of key + (e + 1) * 0x9E3779B97F4A7C15) >> 11, times 2^-53, a number in [0, 1),\n * key = finalizer(finalizer(seed) + (k + 1) * 0x9E3779B97F4A7C15).\n * Glorot uniform: limit * (2 u(e) - 1). He normal: std * sqrt(-2 log(1 - u(2e))) * cos(2 pi u(2e + 1)) (Box-Muller).\n * Not NumPy's generator: the same rules as model.init_params, other numbers. */\nstatic uint64_t sn_mix(uint64_t z)\n{\n    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;\n    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;\n    return z ^ (z >> 31);\n}\n\nstatic double sn_draw(uint64_t key, uint64_t e)\n{\n    return (double)(sn_mix(key + (e + 1) * 0x9E3779B97F4A7C15u) >> 11) * 0x1.0p-53;\n}\n\nstatic void sn_init_params(real *params, uint64_t seed)\n{\n    /* kind: 0 a constant, 1 Glorot uniform, 2 He normal; scale: the constant, the limit or the std */\n    static const struct { long offset, size; int kind; double scale; } rules["
    yield str(t_2((undefined(name='tensors') if l_0_tensors is missing else l_0_tensors)))
    yield '] = {\n'
    for l_1_tensor in (undefined(name='tensors') if l_0_tensors is missing else l_0_tensors):
        _loop_vars = {}
        pass
        yield '        {'
        yield str(environment.getattr(l_1_tensor, 'offset'))
        yield ', '
        yield str(environment.getattr(l_1_tensor, 'size'))
        yield ', '
        yield str(environment.getitem({'fill': 0, 'uniform': 1, 'normal': 2}, environment.getitem(environment.getattr(l_1_tensor, 'init'), 0)))
        yield ', '
        yield str(environment.getitem(environment.getattr(l_1_tensor, 'init'), 1))
        yield '},   /* '
        yield str(environment.getattr(l_1_tensor, 'name'))
        yield ': '
        yield str(environment.getattr(l_1_tensor, 'init_text'))
        yield ' */\n'
    l_1_tensor = missing
    yield '    };\n    for (int k = 0; k < '
    yield str(t_2((undefined(name='tensors') if l_0_tensors is missing else l_0_tensors)))
    yield '; k++) {\n        const uint64_t key = sn_mix(sn_mix(seed) + (uint64_t)(k + 1) * 0x9E3779B97F4A7C15u);\n        real *values = params + rules[k].offset;\n        for (long e = 0; e < rules[k].size; e++) {\n            double value = rules[k].scale;\n            if (rules[k].kind == 1)\n                value = rules[k].scale * (2 * sn_draw(key, e) - 1);\n            else if (rules[k].kind == 2)\n                value = rules[k].scale * sqrt(-2 * log(1 - sn_draw(key, 2 * e)))\n                        * cos(6.283185307179586 * sn_draw(key, 2 * e + 1));\n            values[e] = (real)value;\n        }\n    }\n}\n\nstatic void sn_init_buffers(real *buffers)\n{\n'
    t_4 = 1
    for l_1_tensor in (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
        _loop_vars = {}
        pass
        yield '    for (long e = 0; e < '
        yield str(environment.getattr(l_1_tensor, 'size'))
        yield '; e++)\n        buffers['
        yield str(environment.getattr(l_1_tensor, 'offset'))
        yield ' + e] = '
        yield str(environment.getattr(l_1_tensor, 'fill'))
        yield ';   /* '
        yield str(environment.getattr(l_1_tensor, 'name'))
        yield ' */\n'
        t_4 = 0
    l_1_tensor = missing
    if t_4:
        pass
        yield '    buffers[0] = 0;\n'
    yield '}\n\n/* All values finite: a NaN or an infinity is refused where values come in. */\nstatic int sn_finite(const real *values, long count)\n{\n    for (long e = 0; e < count; e++)\n        if (!isfinite(values[e]))\n            return 0;\n    return 1;\n}\n\n/* Running statistic e (an index into the buffers) may hold value: a variance is not negative. */\nstatic int sn_statistic_ok(long e, real value)\n{\n'
    def t_5(fiter):
        for l_1_tensor in fiter:
            if context.call(environment.getattr(environment.getattr(l_1_tensor, 'name'), 'endswith'), '.running_var'):
                yield l_1_tensor
    for l_1_tensor in t_5((undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors)):
        _loop_vars = {}
        pass
        yield '    if (e >= '
        yield str(environment.getattr(l_1_tensor, 'offset'))
        yield ' && e < '
        yield str((environment.getattr(l_1_tensor, 'offset') + environment.getattr(l_1_tensor, 'size')))
        yield ' && value < 0)   /* '
        yield str(environment.getattr(l_1_tensor, 'name'))
        yield ' */\n        return 0;\n'
    l_1_tensor = missing
    yield '    (void)e;\n    (void)value;\n    return 1;\n}\n\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield 'void '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, uint64_t seed)\n{\n    memset(net, 0, sizeof(*net));\n    sn_init_params(net->params, seed);\n    sn_init_buffers(net->buffers);\n}\n'
    else:
        pass
        yield 'static void sn_fresh_state('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net)\n{\n    memset(net->state, 0, sizeof(real) * (size_t)SN_PARAMS * (SN_STATES > 0 ? SN_STATES : 1));\n    net->steps = 0;\n    net->optimizer_steps = 0;\n}\n\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_create(int threads)\n{\n#ifdef _OPENMP\n    if (threads < 1)\n        threads = 1;\n#else\n    threads = 1;   /* built without OpenMP: the C runs on one thread */\n#endif\n    '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net = calloc(1, sizeof(*net));\n    if (!net)\n        return NULL;\n    net->threads = threads;\n    net->training = 1;\n    const double hyper[SN_HYPER] = {'
        yield str(t_1(context.eval_ctx, context.call(environment.getattr((undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), 'values')), ', '))
        yield '};   /* '
        yield str((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer))
        yield ' */\n    memcpy(net->hyper, hyper, sizeof(hyper));\n    const double schedule[SN_SCHEDULE] = {'
        yield str((t_1(context.eval_ctx, context.call(environment.getattr(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), 'values')), ', ') if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values') else '0'))
        yield '};\n    memcpy(net->schedule, schedule, sizeof(schedule));\n    net->params = calloc(SN_PARAMS, sizeof(real));\n    net->grads = calloc(SN_PARAMS, sizeof(real));\n    net->state = calloc((size_t)SN_PARAMS * (SN_STATES > 0 ? SN_STATES : 1), sizeof(real));\n    net->buffers = calloc(SN_BUFFER_SIZE > 0 ? SN_BUFFER_SIZE : 1, sizeof(real));\n    net->work = calloc(SN_WORK + (size_t)(threads - 1) * SN_SCRATCH, sizeof(real));\n    net->index = calloc(SN_INDEX > 0 ? SN_INDEX : 1, sizeof(int32_t));\n    net->thread_grads = calloc(threads > 1 ? (size_t)threads * SN_PARAMS : 1, sizeof(real));\n    net->staging_x = calloc((size_t)SN_BATCH * SN_INPUT, sizeof(real));\n    net->staging_targets = calloc((size_t)SN_BATCH * SN_TARGETS, sizeof('
        yield str((undefined(name='target_type') if l_0_target_type is missing else l_0_target_type))
        yield '));\n    if (!net->params || !net->grads || !net->state || !net->buffers || !net->work || !net->index\n        || !net->thread_grads || !net->staging_x || !net->staging_targets) {\n        '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_destroy(net);\n        return NULL;\n    }\n    '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init(net, 0);\n    return net;\n}\n\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_destroy('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net)\n{\n    if (!net)\n        return;\n    free(net->params);\n    free(net->grads);\n    free(net->state);\n    free(net->buffers);\n    free(net->work);\n    free(net->index);\n    free(net->thread_grads);\n    free(net->staging_x);\n    free(net->staging_targets);\n    free(net);\n}\n\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_threads(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net)\n{\n    return net->threads;\n}\n\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, uint64_t seed)\n{\n    sn_init_params(net->params, seed);\n    sn_init_buffers(net->buffers);\n    sn_fresh_state(net);\n}\n'
    yield '\nvoid '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_get_params(const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *values)\n{\n    memcpy(values, net->params, sizeof(real) * SN_PARAMS);\n}\n\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_set_params('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *values)\n{\n    if (!sn_finite(values, SN_PARAMS))\n        return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_ARGUMENT;\n    memcpy(net->params, values, sizeof(real) * SN_PARAMS);\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '    sn_fresh_state(net);   /* new weights: a fresh optimizer state and step counts, as in Python */\n'
    yield '    return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK;\n}\n'
    if (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
        pass
        yield '\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_buffers(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *values)\n{\n    memcpy(values, net->buffers, sizeof(real) * SN_BUFFER_SIZE);\n}\n\n/* Running statistics: finite, and variances not negative. */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_buffers('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *values)\n{\n    if (!sn_finite(values, SN_BUFFER_SIZE))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    for (long e = 0; e < SN_BUFFER_SIZE; e++)\n        if (!sn_statistic_ok(e, values[e]))\n            return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    memcpy(net->buffers, values, sizeof(real) * SN_BUFFER_SIZE);\n    return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK;\n}\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '\nstatic int sn_hyper_index(const char *name)\n{\n    for (int k = 0; k < SN_HYPER; k++)\n        if (strcmp(name, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_hyper_names[k]) == 0)\n            return k;\n    return -1;\n}\n\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_hyper(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double *value)\n{\n    const int k = name ? sn_hyper_index(name) : -1;\n    if (k < 0)\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    *value = net->hyper[k];\n    return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK;\n}\n\n/* Finite values only; the learning rate not negative. */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_hyper('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double value)\n{\n    const int k = name ? sn_hyper_index(name) : -1;\n    if (k < 0 || !isfinite(value) || (k == 0 && value < 0))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    net->hyper[k] = value;\n    return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK;\n}\n\nlong '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step_count(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net)\n{\n    return net->steps;\n}\n\nstatic int sn_schedule_index(const char *name)\n{\n    for (int k = 0; k < '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE; k++)\n        if (strcmp(name, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names[k]) == 0)\n            return k;\n    return -1;\n}\n\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_schedule(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double *value)\n{\n    const int k = name ? sn_schedule_index(name) : -1;\n    if (k < 0)\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    *value = net->schedule[k];\n    return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK;\n}\n\n/* Finite values only: what they make of the rates is checked by each training call. */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_schedule('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double value)\n{\n    const int k = name ? sn_schedule_index(name) : -1;\n    if (k < 0 || !isfinite(value))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    net->schedule[k] = value;\n    return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK;\n}\n\n/* schedule_rate, the function sn_train calls: the rate checked is the rate used. */\ndouble '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_rate(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, long t)\n{\n    return schedule_rate((double)t, net->hyper[0], net->schedule);\n}\n\n/* Every rate of steps net->steps to net->steps + steps - 1 is finite and not negative. */\nstatic int sn_rates_ok(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int steps)\n{\n    for (int k = 0; k < steps; k++) {\n        const double rate = '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield "_rate(net, net->steps + k);\n        if (!(isfinite(rate) && rate >= 0))\n            return 0;\n    }\n    return 1;\n}\n\n/* After training: a step can take the weights (or the optimizer's state, or the running\n * statistics) past the largest real while the loss it reports is still finite; such a net\n * has diverged as much as one whose loss is NaN. */\nstatic int sn_trained_finite(const "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net)\n{\n    return sn_finite(net->params, SN_PARAMS) && sn_finite(net->buffers, SN_BUFFER_SIZE)\n           && sn_finite(net->state, (long)SN_STATES * SN_PARAMS);\n}\n'
    if (undefined(name='modes') if l_0_modes is missing else l_0_modes):
        pass
        yield '\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_training('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int training)\n{\n    net->training = training != 0;\n}\n\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_training(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net)\n{\n    return net->training;\n}\n'
    yield '\n/* -- running the net ------------------------------------------------------------------ */\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '#define SN_THREADS(net) 1\n#define SN_PACING(net) NULL   /* one thread: nothing to choose */\n#define SN_TRAINING(net) 0\n#define SN_STEPS(net) 0\n'
    else:
        pass
        yield '#define SN_THREADS(net) ((net)->threads)\n#define SN_PACING(net) (&(net)->pacing)\n#define SN_TRAINING(net) ((net)->training)\n#define SN_STEPS(net) ((net)->steps)\n'
    yield "\n/* A count of samples the C can take in one call: at least 1, and (as sn_train counts a\n * chunk past the last) at most INT_MAX - SN_BATCH. */\nstatic int sn_count_ok(int count)\n{\n    return count >= 1 && count <= 2147483647 - SN_BATCH;\n}\n\n/* The chunk rule: in training mode BatchNorm's statistics span the whole minibatch, which the\n * C holds only within one compiled batch; and each channel needs more than one value. */\nstatic int sn_minibatch_ok(int count, int training)\n{\n"
    if (undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch):
        pass
        yield '    return !training || (count <= SN_BATCH && count >= '
        yield str((undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch))
        yield ');\n'
    else:
        pass
        yield '    (void)count; (void)training;\n    return 1;\n'
    yield '}\n\nstatic int sn_targets_ok(int count, const '
    yield str((undefined(name='target_type') if l_0_target_type is missing else l_0_target_type))
    yield ' *targets)\n{\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '    for (long n = 0; n < count; n++)\n        if (targets[n] < 0 || targets[n] >= SN_CLASSES)\n            return 0;\n    return 1;\n'
    else:
        pass
        yield '    return sn_finite(targets, (long)count * SN_TARGETS);\n'
    yield "}\n\n/* Forward for samples [start, start + size) of x (size <= SN_BATCH); their outputs are then\n * in work at SN_OUTPUT_AT. start is their index in the call's samples, part of Dropout's key. */\nstatic void sn_forward_chunk("
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const real *x, int start, int size, int training)\n{\n    sn_forward(size, x + (long)start * SN_INPUT, net->params, net->buffers, net->work, net->index,\n               SN_THREADS(net), SN_PACING(net), training, SN_STEPS(net), start);\n}\n\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_forward('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, int count, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *x, '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *outputs)\n{\n    if (!sn_count_ok(count) || !sn_minibatch_ok(count, SN_TRAINING(net)))\n        return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_ARGUMENT;\n    for (int start = 0; start < count; start += SN_BATCH) {\n        const int size = SN_MIN(SN_BATCH, count - start);\n        sn_forward_chunk(net, x, start, size, SN_TRAINING(net));\n        memcpy(outputs + (long)start * SN_OUTPUT, net->work + SN_OUTPUT_AT, sizeof(real) * (size_t)size * SN_OUTPUT);\n    }\n    return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK;\n}\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_predict('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int count, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *x, int32_t *classes)\n{\n    if (!sn_count_ok(count))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield "_ERROR_ARGUMENT;\n    for (int start = 0; start < count; start += SN_BATCH) {\n        const int size = SN_MIN(SN_BATCH, count - start);\n        sn_forward_chunk(net, x, start, size, 0);\n        for (int n = 0; n < size; n++) {\n            const real *scores = net->work + SN_OUTPUT_AT + (long)n * SN_CLASSES;\n            int best = 0;\n            for (int k = 1; k < SN_CLASSES; k++)\n                if (scores[k] > scores[best])   /* the first largest, as NumPy's argmax */\n                    best = k;\n            classes[start + n] = best;\n        }\n    }\n    return "
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK;\n}\n'
    yield '\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_loss('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, int count, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *x, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_target *targets, double *loss)\n{\n    if (!sn_count_ok(count) || !sn_minibatch_ok(count, SN_TRAINING(net)) || !sn_targets_ok(count, targets))\n        return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_ARGUMENT;\n    double sum = 0;\n    for (int start = 0; start < count; start += SN_BATCH) {\n        const int size = SN_MIN(SN_BATCH, count - start);\n        sn_forward_chunk(net, x, start, size, SN_TRAINING(net));\n        sum += sn_loss(size, count, net->work, targets + (long)start * SN_TARGETS);\n    }\n    *loss = sum;\n    return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK;\n}\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int count, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *x, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_target *targets,\n'
        yield str((' ' * (t_2((undefined(name='name') if l_0_name is missing else l_0_name)) + 10)))
        yield 'double *loss)\n{\n    if (!sn_count_ok(count) || !sn_minibatch_ok(count, net->training) || !sn_targets_ok(count, targets))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    if (!sn_rates_ok(net, 1))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_SCHEDULE;\n    sn_train(count, count, NULL, x, targets, net->params, net->grads, net->state, net->work, net->index,\n             net->thread_grads, net->staging_x, net->staging_targets, net->hyper, net->schedule, net->steps,\n             net->optimizer_steps, net->threads, &net->pacing, loss, net->buffers, net->training);\n    net->steps++;\n    net->optimizer_steps++;\n    return isfinite(*loss) && sn_trained_finite(net) ? '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK : '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_DIVERGED;\n}\n\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_train('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int samples, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *x, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_target *targets,\n'
        yield str((' ' * (t_2((undefined(name='name') if l_0_name is missing else l_0_name)) + 11)))
        yield 'int count, const int32_t *order, int batch_size, double *losses)\n{\n    if (!sn_count_ok(samples) || !sn_count_ok(count) || batch_size < 1 || (!order && count > samples))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    if (!sn_targets_ok(samples, targets))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    if (order)\n        for (int n = 0; n < count; n++)\n            if (order[n] < 0 || order[n] >= samples)\n                return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    batch_size = SN_MIN(batch_size, count);   /* a minibatch larger than all samples is all samples */\n    const int last = count % batch_size ? count % batch_size : batch_size;\n    if (!sn_minibatch_ok(batch_size, 1) || !sn_minibatch_ok(last, 1))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_ARGUMENT;\n    const int steps = (count + batch_size - 1) / batch_size;\n    if (!sn_rates_ok(net, steps))\n        return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_SCHEDULE;\n    sn_train(count, batch_size, order, x, targets, net->params, net->grads, net->state, net->work, net->index,\n             net->thread_grads, net->staging_x, net->staging_targets, net->hyper, net->schedule, net->steps,\n             net->optimizer_steps, net->threads, &net->pacing, losses, net->buffers, 1);\n    net->steps += steps;\n    net->optimizer_steps += steps;\n    for (int k = 0; k < steps; k++)\n        if (!isfinite(losses[k]))\n            return '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_DIVERGED;\n    return sn_trained_finite(net) ? '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK : '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_DIVERGED;\n}\n'
    yield '\n/* -- the weights file -----------------------------------------------------------------\n * offset  bytes  field (every number little-endian)\n *      0      8  magic: "SNWEIGHT"\n *      8      4  version: 1\n *     12      4  bytes per value: 4 (float32) or 8 (float64)\n *     16      8  model key: a hash of the parameters\' and running statistics\' names and shapes\n *     24      8  P: parameter values\n *     32      8  B: running-statistic values\n *     40      8  S: optimizer-state values: 0 (a fresh state) or states x P\n *     48      8  state key: a hash of the optimizer\'s kind and state names (0 when S is 0)\n *     56      8  step count: the training steps taken (Dropout\'s key)\n *     64      8  optimizer steps: the steps the optimizer\'s state has seen\n *     72         P parameter values (in the order of '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_parameters), B running statistics,\n *                S optimizer-state values (the first state of every parameter value, then the next)\n * The file is exactly 72 + (P + B + S) x (bytes per value) long. */\n#define SN_HEADER 72\n\nstatic void sn_put(unsigned char *out, uint64_t value, int bytes)\n{\n    for (int k = 0; k < bytes; k++)\n        out[k] = (unsigned char)(value >> (8 * k));\n}\n\nstatic uint64_t sn_get(const unsigned char *in, int bytes)\n{\n    uint64_t value = 0;\n    for (int k = 0; k < bytes; k++)\n        value |= (uint64_t)in[k] << (8 * k);\n    return value;\n}\n\n/* count values, little-endian, through a small buffer. */\nstatic int sn_write_values(FILE *file, const real *values, long count)\n{\n    unsigned char chunk[4096];\n    const int each = (int)sizeof(real);\n    for (long done = 0; done < count;) {\n        const long part = SN_MIN(count - done, (long)(sizeof(chunk) / sizeof(real)));\n        for (long k = 0; k < part; k++) {\n            uint64_t bits = 0;\n            if (each == 4) {\n                uint32_t word;\n                const float value = (float)values[done + k];\n                memcpy(&word, &value, 4);\n                bits = word;\n            } else {\n                const double value = (double)values[done + k];\n                memcpy(&bits, &value, 8);\n            }\n            sn_put(chunk + k * each, bits, each);\n        }\n        if (fwrite(chunk, (size_t)each, (size_t)part, file) != (size_t)part)\n            return 0;\n        done += part;\n    }\n    return 1;\n}\n\n/* count values into values (with values NULL, only checked): 0 unless they are all there and\n * finite, and, when statistic >= 0 (the buffers\' index of the first), running statistics the\n * net takes (sn_statistic_ok). */\nstatic int sn_read_values(FILE *file, real *values, long count, long statistic)\n{\n    unsigned char chunk[4096];\n    const int each = (int)sizeof(real);\n    for (long done = 0; done < count;) {\n        const long part = SN_MIN(count - done, (long)(sizeof(chunk) / sizeof(real)));\n        if (fread(chunk, (size_t)each, (size_t)part, file) != (size_t)part)\n            return 0;\n        for (long k = 0; k < part; k++) {\n            const uint64_t bits = sn_get(chunk + k * each, each);\n            real value;\n            if (each == 4) {\n                const uint32_t word = (uint32_t)bits;\n                float single;\n                memcpy(&single, &word, 4);\n                value = (real)single;\n            } else {\n                double twice;\n                memcpy(&twice, &bits, 8);\n                value = (real)twice;\n            }\n            if (!isfinite(value) || (statistic >= 0 && !sn_statistic_ok(statistic + done + k, value)))\n                return 0;\n            if (values)\n                values[done + k] = value;\n        }\n        done += part;\n    }\n    return 1;\n}\n\n/* Written to path + ".partial" and renamed into place, so a reader never sees half a file. */\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_save(const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const char *path)\n{\n    char partial[4096];\n    const size_t length = strlen(path);\n    if (length + sizeof(".partial") > sizeof(partial))\n        return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_ARGUMENT;\n    memcpy(partial, path, length);\n    memcpy(partial + length, ".partial", sizeof(".partial"));\n    FILE *file = fopen(partial, "wb");\n    if (!file)\n        return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE;\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '    const long states = 0, steps = 0, optimizer_steps = 0;\n    const uint64_t state_key = 0;\n'
    else:
        pass
        yield '    const long states = (long)SN_STATES * SN_PARAMS, steps = net->steps, optimizer_steps = net->optimizer_steps;\n    const uint64_t state_key = SN_STATES > 0 ? SN_STATE_KEY : 0;\n'
    yield '    unsigned char header[SN_HEADER];\n    memcpy(header, "SNWEIGHT", 8);\n    sn_put(header + 8, 1, 4);\n    sn_put(header + 12, sizeof(real), 4);\n    sn_put(header + 16, SN_MODEL_KEY, 8);\n    sn_put(header + 24, SN_PARAMS, 8);\n    sn_put(header + 32, SN_BUFFER_SIZE, 8);\n    sn_put(header + 40, (uint64_t)states, 8);\n    sn_put(header + 48, state_key, 8);\n    sn_put(header + 56, (uint64_t)steps, 8);\n    sn_put(header + 64, (uint64_t)(states ? optimizer_steps : 0), 8);\n    int ok = fwrite(header, 1, SN_HEADER, file) == SN_HEADER && sn_write_values(file, net->params, SN_PARAMS)\n             && sn_write_values(file, net->buffers, SN_BUFFER_SIZE);\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '    ok = ok && sn_write_values(file, net->state, states);\n'
    yield '    ok = fclose(file) == 0 && ok;\n    if (ok)\n        ok = rename(partial, path) == 0;\n    if (!ok)\n        remove(partial);\n    return ok ? '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK : '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield "_ERROR_FILE;\n}\n\n/* Everything is checked before the net is changed, so a file that is refused leaves the net as\n * it was: the header (the two step counts in [0, 2^62), the optimizer's not more than the net's),\n * and every value (finite; running variances not negative). "
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield 'The values are read\n * twice, to check them and then into the net (no allocation): only a file that changes between\n * the two readings can fail the second, and that leaves the net part read.'
    else:
        pass
        yield 'The values are\n * read into a copy, and copied into the net only when all are good.'
    yield ' */\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_load('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const char *path)\n{\n    FILE *file = fopen(path, "rb");\n    if (!file)\n        return '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE;\n    unsigned char header[SN_HEADER];\n    int status = '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK;\n    if (fread(header, 1, SN_HEADER, file) != SN_HEADER || memcmp(header, "SNWEIGHT", 8) != 0\n        || sn_get(header + 8, 4) != 1) {\n        status = '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FORMAT;\n        goto done;\n    }\n    const uint64_t states = sn_get(header + 40, 8), state_key = sn_get(header + 48, 8);\n    if (sn_get(header + 12, 4) != sizeof(real) || sn_get(header + 16, 8) != SN_MODEL_KEY\n        || sn_get(header + 24, 8) != SN_PARAMS || sn_get(header + 32, 8) != SN_BUFFER_SIZE\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '        || states % SN_PARAMS != 0 || states / SN_PARAMS > 64) {   /* the state of any optimizer: skipped */\n'
    else:
        pass
        yield '        || (states && (states != (uint64_t)SN_STATES * SN_PARAMS || state_key != SN_STATE_KEY))) {\n'
    yield '        status = '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_MISMATCH;\n        goto done;\n    }\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '    (void)state_key;\n'
    yield "    /* the step counts: as Python's (below 2^62, and what a long holds), the optimizer's at most the net's */\n    const uint64_t steps = sn_get(header + 56, 8), optimizer_steps = sn_get(header + 64, 8);\n    const uint64_t most = SN_MIN((uint64_t)1 << 62, (uint64_t)(~0ul >> 1));\n    if (steps >= most || optimizer_steps > steps) {\n        status = "
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FORMAT;\n        goto done;\n    }\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '    const long all = SN_PARAMS + SN_BUFFER_SIZE + (long)states;\n    if (!sn_read_values(file, NULL, SN_PARAMS, -1) || !sn_read_values(file, NULL, SN_BUFFER_SIZE, 0)\n        || !sn_read_values(file, NULL, all - SN_PARAMS - SN_BUFFER_SIZE, -1) || fgetc(file) != EOF) {\n        status = '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_FORMAT;   /* all there, finite, statistics the net takes, and nothing after */\n        goto done;\n    }\n    if (fseek(file, SN_HEADER, SEEK_SET) != 0 || !sn_read_values(file, net->params, SN_PARAMS, -1)\n        || !sn_read_values(file, net->buffers, SN_BUFFER_SIZE, 0)) {\n        status = '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_FILE;   /* it changed while read */\n        goto done;\n    }\n'
    else:
        pass
        yield '    real *values = malloc(sizeof(real) * (size_t)(SN_PARAMS + SN_BUFFER_SIZE + (long)states));\n    if (!values) {\n        status = '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_MEMORY;\n        goto done;\n    }\n    if (!sn_read_values(file, values, SN_PARAMS, -1)\n        || !sn_read_values(file, values + SN_PARAMS, SN_BUFFER_SIZE, 0)\n        || !sn_read_values(file, values + SN_PARAMS + SN_BUFFER_SIZE, (long)states, -1) || fgetc(file) != EOF) {\n        status = '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_FORMAT;   /* all there, finite, statistics the net takes, and nothing after */\n        free(values);\n        goto done;\n    }\n    memcpy(net->params, values, sizeof(real) * SN_PARAMS);\n    memcpy(net->buffers, values + SN_PARAMS, sizeof(real) * SN_BUFFER_SIZE);\n    if (states)\n        memcpy(net->state, values + SN_PARAMS + SN_BUFFER_SIZE, sizeof(real) * (size_t)states);\n    else\n        memset(net->state, 0, sizeof(real) * (size_t)SN_PARAMS * (SN_STATES > 0 ? SN_STATES : 1));\n    free(values);\n    net->steps = (long)steps;\n    net->optimizer_steps = states ? (long)optimizer_steps : 0;\n'
    yield 'done:\n    fclose(file);\n    return status;\n}\n'

blocks = {}
debug_info = '3=43&6=45&7=47&8=49&9=51&10=53&11=55&12=58&14=61&15=63&16=66&19=69&20=75&21=79&24=91&25=94&26=100&27=104&31=116&32=119&33=133&36=155&39=157&40=159&41=161&42=163&43=165&44=167&45=169&46=171&51=173&54=179&60=181&61=183&70=187&95=190&96=192&97=196&100=210&117=213&118=217&119=219&137=231&138=239&146=247&147=250&154=257&161=259&169=263&174=265&176=269&186=271&189=273&192=275&196=277&212=281&217=285&225=290&230=296&233=302&235=304&238=308&240=310&242=313&248=319&251=325&254=327&256=329&259=331&264=334&269=336&273=340&275=342&279=344&283=348&285=350&288=352&295=356&296=358&301=360&305=364&307=366&311=368&315=372&317=374&321=376&327=380&330=382&340=384&346=386&348=389&353=393&360=398&383=405&384=408&391=414&393=416&405=423&411=425&414=433&420=435&422=437&424=440&427=446&440=448&444=451&447=459&455=461&457=463&459=466&460=474&463=476&465=478&471=480&474=484&475=492&478=494&480=496&484=498&488=500&491=502&499=504&500=506&516=511&597=513&602=517&607=519&608=521&628=528&636=532&641=536&645=543&649=547&651=549&654=551&660=553&665=560&668=562&675=566&678=568&682=571&687=573&693=578&699=580'
