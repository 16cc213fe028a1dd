# key: f0fdbfad72ae62bd6c9a2c433d2ede6f9964908c jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/export/api.h.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'export/api.h.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_version = resolve('version')
    l_0_dtype = resolve('dtype')
    l_0_batch = resolve('batch')
    l_0_inference = resolve('inference')
    l_0_declaration = resolve('declaration')
    l_0_NAME = resolve('NAME')
    l_0_ctype = resolve('ctype')
    l_0_input_shape = resolve('input_shape')
    l_0_output_shape = resolve('output_shape')
    l_0_classes = resolve('classes')
    l_0_memory = resolve('memory')
    l_0_target_ctype = resolve('target_ctype')
    l_0_input_size = resolve('input_size')
    l_0_output_size = resolve('output_size')
    l_0_targets = resolve('targets')
    l_0_param_size = resolve('param_size')
    l_0_buffer_size = resolve('buffer_size')
    l_0_states = resolve('states')
    l_0_hyper = resolve('hyper')
    l_0_schedule = resolve('schedule')
    l_0_min_minibatch = resolve('min_minibatch')
    l_0_tensors = resolve('tensors')
    l_0_buffer_tensors = resolve('buffer_tensors')
    l_0_work_size = resolve('work_size')
    l_0_index_size = resolve('index_size')
    l_0_optimizer = resolve('optimizer')
    l_0_modes = resolve('modes')
    l_0_define = missing
    try:
        t_1 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    pass
    yield '/*\n * '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.h: the API of '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ', a neural network exported by symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield ' as C\n * ('
    yield str((undefined(name='dtype') if l_0_dtype is missing else l_0_dtype))
    yield ', compiled batch '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    yield str(('; inference only' if (undefined(name='inference') if l_0_inference is missing else l_0_inference) else cond_expr_undefined("the inline if-expression on line 3 in 'export/api.h.j2' evaluated to false and no else section was defined.")))
    yield '). Its code is '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.c.\n *\n *   '
    yield str((undefined(name='declaration') if l_0_declaration is missing else l_0_declaration))
    yield '\n *\n * Shapes are compile-time constants. A net is a '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net; every function takes the net\n * it works on and there is no mutable global state, so several nets live in one process,\n * each used by one thread at a time. Functions that can fail return a status:\n * '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK (0), or an error that '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_message(status) names.\n *\n * Values are '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ", each sample's input "
    yield str((undefined(name='input_shape') if l_0_input_shape is missing else l_0_input_shape))
    yield ' in row-major order ('
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_INPUT\n * values), its output '
    yield str((undefined(name='output_shape') if l_0_output_shape is missing else l_0_output_shape))
    yield ' ('
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OUTPUT values: the outputs before the loss).\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield ' * Targets are class labels in [0, '
        yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
        yield '), one int32_t per sample.\n'
    else:
        pass
        yield ' * Targets are '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_TARGETS values per sample, shaped like the output.\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield ' *\n * Memory: a '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net holds every buffer, with no allocation: parameters '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'params'))
        yield ' bytes,\n * running statistics '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'buffers'))
        yield ' bytes, work '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'work'))
        yield " bytes (each layer's output for\n * "
        yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
        yield ' samples and the scratch room), argmax positions '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'index'))
        yield ' bytes: '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'total'))
        yield ' bytes\n * in all (sizeof('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net), give or take padding).\n'
    yield ' */\n#ifndef '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_H\n#define '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_H\n\n#include <stdint.h>\n\ntypedef '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real;\ntypedef '
    yield str((undefined(name='target_ctype') if l_0_target_ctype is missing else l_0_target_ctype))
    yield ' '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_target;\n\n'
    def macro(l_1_suffix, l_1_value, l_1_note):
        t_4 = []
        if l_1_suffix is missing:
            l_1_suffix = undefined("parameter 'suffix' was not provided", name='suffix')
        if l_1_value is missing:
            l_1_value = undefined("parameter 'value' was not provided", name='value')
        if l_1_note is missing:
            l_1_note = undefined("parameter 'note' was not provided", name='note')
        pass
        t_4.extend((
            '#define ',
            str(t_1('%-*s', (t_3((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME)) + 15), str_join(((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME), '_', l_1_suffix, )))),
            ' ',
            str(t_1('%-10s', l_1_value)),
            '/* ',
            str(l_1_note),
            ' */',
        ))
        return concat(t_4)
    context.exported_vars.add('define')
    context.vars['define'] = l_0_define = Macro(environment, macro, 'define', ('suffix', 'value', 'note'), False, False, False, context.eval_ctx.autoescape)
    yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'BATCH', (undefined(name='batch') if l_0_batch is missing else l_0_batch), 'the most samples the C holds at a time (more are walked in chunks)'))
    yield '\n'
    yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'INPUT', (undefined(name='input_size') if l_0_input_size is missing else l_0_input_size), ("values of one sample's input, %s" % ((undefined(name='input_shape') if l_0_input_shape is missing else l_0_input_shape),))))
    yield '\n'
    yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'OUTPUT', (undefined(name='output_size') if l_0_output_size is missing else l_0_output_size), ("values of one sample's output, %s" % ((undefined(name='output_shape') if l_0_output_shape is missing else l_0_output_shape),))))
    yield '\n'
    yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'TARGETS', (undefined(name='targets') if l_0_targets is missing else l_0_targets), 'targets per sample'))
    yield '\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'CLASSES', (undefined(name='classes') if l_0_classes is missing else l_0_classes), ('labels are in [0, %s_CLASSES)' % (undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))))
        yield '\n'
    yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'PARAMS', (undefined(name='param_size') if l_0_param_size is missing else l_0_param_size), ('parameter values, every tensor in the order of %s_parameters' % (undefined(name='name') if l_0_name is missing else l_0_name))))
    yield '\n'
    yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'BUFFERS', (undefined(name='buffer_size') if l_0_buffer_size is missing else l_0_buffer_size), ("running-statistic values (BatchNorm's), in the order of %s_buffers" % (undefined(name='name') if l_0_name is missing else l_0_name))))
    yield '\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'STATES', t_3((undefined(name='states') if l_0_states is missing else l_0_states)), str_join(("the optimizer's state values per parameter value", (str_join((': ', t_2(context.eval_ctx, (undefined(name='states') if l_0_states is missing else l_0_states), ', '), )) if (undefined(name='states') if l_0_states is missing else l_0_states) else ''), ))))
        yield '\n'
        yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'HYPER', t_3((undefined(name='hyper') if l_0_hyper is missing else l_0_hyper)), ("the optimizer's hyperparameters, named in %s_hyper_names" % (undefined(name='name') if l_0_name is missing else l_0_name))))
        yield '\n'
        yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'SCHEDULE', t_3(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values')), ("the schedule's numbers, named in %s_schedule_names" % (undefined(name='name') if l_0_name is missing else l_0_name))))
        yield '\n'
    if (undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch):
        pass
        yield str(context.call((undefined(name='define') if l_0_define is missing else l_0_define), 'MIN_MINIBATCH', (undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch), 'BatchNorm in training mode needs more than one value per channel'))
        yield '\n'
    yield '\nenum {\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK = 0,\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_ARGUMENT,   /* a count, label, name or value the net cannot take */\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_MEMORY,     /* out of memory */\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE,       /* a file could not be opened, read or written (errno says why) */\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FORMAT,     /* not a weights file, cut short, or values that are not finite */\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_MISMATCH,   /* the weights of another model, dtype or optimizer */\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_DIVERGED,   /* a training step gave a loss, or left weights, that are NaN or infinite */\n    '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_SCHEDULE    /* the schedule gives a step a rate that is negative or not finite */\n};\nconst char *'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield "_message(int status);\n\n/* One tensor of the flat parameter (or running-statistic) array: its name, where it starts,\n * how many values it holds and its shape (PyTorch's layout; rank dimensions). */\ntypedef struct {\n    const char *name;\n    long offset, size;\n    int rank;\n    int shape[4];\n} "
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_tensor;\n\n#define '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_PARAMETER_TENSORS '
    yield str(t_3((undefined(name='tensors') if l_0_tensors is missing else l_0_tensors)))
    yield '\nextern const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_tensor '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_parameters['
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_PARAMETER_TENSORS];\n'
    if (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
        pass
        yield '#define '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_BUFFER_TENSORS '
        yield str(t_3((undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors)))
        yield '\nextern const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_tensor '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_buffers['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_BUFFER_TENSORS];\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield 'extern const char *const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_hyper_names['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_HYPER];   /* '
        yield str(t_2(context.eval_ctx, (undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), ', '))
        yield ' */\n/* '
        yield str((t_2(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), ', ') if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values') else 'none: a single NULL'))
        yield ' */\nextern const char *const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE > 0 ? '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE : 1];\n'
    yield '\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield '#define '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_WORK '
        yield str((undefined(name='work_size') if l_0_work_size is missing else l_0_work_size))
        yield '\n#define '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_INDEX '
        yield str((undefined(name='index_size') if l_0_index_size is missing else l_0_index_size))
        yield '\n\n/* Every buffer of a net, sized at compile time: declare one (static, or on the heap; it is\n * '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'total'))
        yield ' bytes, often too large for a stack) and '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init it. */\ntypedef struct {\n    '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real params['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_PARAMS];\n    '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real buffers['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_BUFFERS > 0 ? '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_BUFFERS : 1];\n    '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real work['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_WORK];\n    int32_t index['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_INDEX > 0 ? '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_INDEX : 1];\n} '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net;\n\n/* Fresh parameters drawn from seed (see '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.c), and fresh running statistics; load\n * trained weights with '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_load. */\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, uint64_t seed);\n'
    else:
        pass
        yield 'typedef struct '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net;\n\n/* A net whose calls split their samples into shares for threads threads (OpenMP; 1 without\n * it), with parameters drawn by '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init(net, 0); NULL when out of memory. A call runs\n * its shares on all the threads or one after another, whichever its timings find faster\n * (a busy machine makes threads wait for one another); the results are the same either way. */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_create(int threads);\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_destroy('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net);   /* NULL is fine */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_threads(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield "_net *net);\n\n/* Fresh parameters drawn from seed: He normal (std = sqrt(2 / fan_in)) for layers whose\n * readers are all rectifiers, Glorot uniform (limit = sqrt(6 / (fan_in + fan_out)))\n * otherwise, biases 0, BatchNorm's scale 1, with the generator described in "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.c; and\n * fresh running statistics, optimizer state and step counts. */\nvoid '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, uint64_t seed);\n'
    yield '\n/* The parameters as one flat array of '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_PARAMS values ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_parameters says where each\n * tensor is). Setting them checks that they are finite and starts a fresh optimizer state. */\nvoid '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_get_params(const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *values);\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_set_params('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *values);\n'
    if (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
        pass
        yield '/* The running statistics ('
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield "_BUFFERS values): updated by every forward in training\n * mode (as PyTorch's), used in eval mode. */\nvoid "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_buffers(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *values);\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_buffers('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *values);\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield "\n/* The optimizer's hyperparameters by name (see "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_hyper_names): '
        yield str((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer))
        yield '. */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_hyper(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double *value);\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_hyper('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double value);\nlong '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step_count(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net);   /* the training steps taken */\n\n/* The learning-rate schedule, '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield ': step t (the steps the net took before\n * it, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step_count; 0 on its first) trains at the rate\n *   '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'formula'))
        yield '\n * where lr is the hyperparameter lr'
        if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
            pass
            yield ' and, at export, '
            l_1_loop = missing
            for (l_1_key, l_1_value), l_1_loop in LoopContext(context.call(environment.getattr(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), 'items')), undefined):
                _loop_vars = {}
                pass
                yield str((', ' if (not environment.getattr(l_1_loop, 'first')) else cond_expr_undefined("the inline if-expression on line 143 in 'export/api.h.j2' evaluated to false and no else section was defined.")))
                yield str(l_1_key)
                yield ' = '
                yield str(l_1_value)
            l_1_loop = l_1_key = l_1_value = missing
        yield '.\n * Its numbers by name (see '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names), finite; '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield "_rate gives step t's rate.\n * step and train check every rate of their steps before the first and refuse (with\n * "
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_ERROR_SCHEDULE) a rate that is negative or not finite. */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_schedule(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double *value);\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_schedule('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, const char *name, double value);\ndouble '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_rate(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, long t);\n'
    if (undefined(name='modes') if l_0_modes is missing else l_0_modes):
        pass
        yield "\n/* The mode: training (1, the default) or eval (0). In training mode BatchNorm uses the\n * minibatch's statistics (and updates its running statistics, on every forward, as\n * PyTorch's does) and Dropout drops; in eval mode BatchNorm uses the running statistics\n * and Dropout passes everything. forward, loss and step follow the mode;\n * predict always runs in eval mode and train in training mode. */\nvoid "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_training('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int training);\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_training(const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net);\n'
    yield '\n/* The outputs (before the loss) of count samples: count x '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OUTPUT values. */\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_forward('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, int count, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *x, '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *outputs);\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '/* The class of each of count samples (the largest output), in eval mode. */\nint '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_predict('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int count, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *x, int32_t *classes);\n'
    yield '/* The loss of count samples against their targets: the mean over the samples. */\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_loss('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, int count, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *x, const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_target *targets, double *loss);\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield "\n/* One training step on count samples: forward, the loss (written to *loss, before the step),\n * backward, and the optimizer's update of the parameters and its state at the schedule's\n * rate for the step. */\nint "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int count, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *x, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_target *targets,\n'
        yield str((' ' * (t_3((undefined(name='name') if l_0_name is missing else l_0_name)) + 10)))
        yield "double *loss);\n\n/* Training steps in one call, in training mode: minibatches of batch_size of the samples\n * order[0], order[1], ..., order[count - 1] (indices into x and targets, which hold samples\n * samples; order NULL: 0, 1, ..., count - 1), the last one smaller when batch_size does not\n * divide count. losses[k] gets minibatch k's loss (room for ceil(count / batch_size)). */\nint "
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_train('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net, int samples, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real *x, const '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_target *targets,\n'
        yield str((' ' * (t_3((undefined(name='name') if l_0_name is missing else l_0_name)) + 11)))
        yield 'int count, const int32_t *order, int batch_size, double *losses);\n'
    yield '\n/* The weights file (little-endian): magic "SNWEIGHT", version 1, bytes per value, a key of\n * the model, the counts P, B, S, a key of the optimizer\'s state, the step counts; then P\n * parameter values, B running statistics and S optimizer-state values ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.c and\n * README.md say it field by field). */\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_load('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const char *path);\nint '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_save(const '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net, const char *path);\n\n#endif\n'

blocks = {}
debug_info = '2=59&3=65&5=72&7=74&10=76&12=80&13=86&14=90&15=93&17=98&19=100&21=103&22=107&23=111&24=117&27=120&28=122&32=124&33=128&35=132&36=143&38=153&39=155&40=157&41=159&42=161&43=163&45=165&46=167&47=169&48=171&49=173&50=175&52=177&53=179&57=182&58=184&59=186&60=188&61=190&62=192&63=194&64=196&66=198&75=200&77=202&78=206&79=212&80=215&81=219&83=225&84=228&85=234&86=236&89=243&90=246&91=250&94=254&96=258&97=262&98=268&99=272&100=276&102=278&103=280&104=282&106=289&109=293&112=295&113=299&114=303&118=307&120=309&123=314&125=318&126=324&127=330&128=333&130=335&131=341&133=347&135=350&136=354&137=358&138=362&140=366&141=368&142=370&143=372&144=385&146=389&147=391&148=395&149=399&151=403&158=406&159=410&162=415&163=417&164=425&166=428&169=435&170=443&175=446&176=454&182=456&183=464&188=467&190=469&191=473'
