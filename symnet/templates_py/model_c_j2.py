# key: 0a7cc69a309915f93173883964668fa2a4f8904b jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/model.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'model.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_model = resolve('model')
    l_0_version = resolve('version')
    l_0_dtype = resolve('dtype')
    l_0_batch = resolve('batch')
    l_0_with_backward = resolve('with_backward')
    l_0_layout = resolve('layout')
    l_0_specs = resolve('specs')
    l_0_graph = resolve('graph')
    l_0_standalone = resolve('standalone')
    l_0_ctype = resolve('ctype')
    l_0_loss = resolve('loss')
    l_0_fuse = resolve('fuse')
    l_0_optimizer = resolve('optimizer')
    l_0_runtime = resolve('runtime')
    l_0_split = resolve('split')
    l_0_winograd = resolve('winograd')
    l_0_helpers = resolve('helpers')
    l_0_layers = resolve('layers')
    l_0_min_share = resolve('min_share')
    l_0_head = resolve('head')
    l_0_min_share_rows = resolve('min_share_rows')
    l_0_defined_in = l_0_entry = l_0_open_segment = missing
    try:
        t_1 = environment.filters['comment']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'comment' found.")
    try:
        t_2 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_3 = environment.filters['indent']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'indent' found.")
    try:
        t_4 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_5 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_6 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_7 = environment.filters['product']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'product' found.")
    try:
        t_8 = environment.filters['reverse']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'reverse' found.")
    try:
        t_9 = environment.filters['string']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'string' found.")
    pass
    included_template = environment.get_template('parts.c.j2', 'model.c.j2')._get_default_module(context)
    l_0_defined_in = getattr(included_template, 'defined_in', missing)
    if l_0_defined_in is missing:
        l_0_defined_in = undefined(f"the template {included_template.__name__!r} (imported on line 1 in 'model.c.j2') does not export the requested name 'defined_in'", name='defined_in')
    context.vars['defined_in'] = l_0_defined_in
    context.exported_vars.discard('defined_in')
    yield '/*\n * '
    yield str(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'name'))
    yield ': C emitted by symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield ' for '
    yield str((undefined(name='dtype') if l_0_dtype is missing else l_0_dtype))
    yield ', compiled batch '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    yield str((', forward only (inference)' if (not (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward)) else cond_expr_undefined("the inline if-expression on line 3 in 'model.c.j2' evaluated to false and no else section was defined.")))
    yield '.\n *\n * '
    yield str(t_1(t_9((undefined(name='model') if l_0_model is missing else l_0_model))))
    yield '\n *\n * Buffers, offsets in elements (named below: CONV1_WEIGHT, CONV1_Y, CONV1_DY, ...):\n *   params  '
    yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'param_size'))
    yield " values, each parameter in PyTorch's layout:\n"
    for l_1_spec in (undefined(name='specs') if l_0_specs is missing else l_0_specs):
        _loop_vars = {}
        pass
        yield ' *     '
        yield str(t_2('%-16s', environment.getattr(l_1_spec, 'name')))
        yield ' at '
        yield str(t_2('%7d', environment.getitem(environment.getitem(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'params'), environment.getattr(l_1_spec, 'name')), 0)))
        yield '  '
        yield str(environment.getattr(l_1_spec, 'shape'))
        yield '\n'
    l_1_spec = missing
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield ' *   grads   d loss / d params, laid out as params\n *   work    '
        yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'work_size'))
        yield " values: each layer's output y, then d loss / d y, for "
        yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
        yield ' samples:\n'
        for l_1_node in environment.getattr((undefined(name='graph') if l_0_graph is missing else l_0_graph), 'nodes'):
            l_1_place = missing
            _loop_vars = {}
            pass
            l_1_place = environment.getitem(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'tensors'), environment.getattr(l_1_node, 'name'))
            _loop_vars['place'] = l_1_place
            yield ' *     '
            yield str(t_2('%-16s', environment.getattr(l_1_node, 'name')))
            yield ' y at '
            yield str(t_2('%8d', environment.getattr((undefined(name='place') if l_1_place is missing else l_1_place), 'value')))
            yield ', dy at '
            yield str(t_2('%8d', environment.getattr((undefined(name='place') if l_1_place is missing else l_1_place), 'grad')))
            yield '   reads '
            yield str(t_4(context.eval_ctx, environment.getattr(l_1_node, 'inputs'), ', '))
            yield '\n'
        l_1_node = l_1_place = missing
    else:
        pass
        yield ' *   work    '
        yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'work_size'))
        yield " values: each layer's output y, for "
        yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
        yield ' samples:\n'
        for l_1_node in environment.getattr((undefined(name='graph') if l_0_graph is missing else l_0_graph), 'nodes'):
            _loop_vars = {}
            pass
            yield ' *     '
            yield str(t_2('%-16s', environment.getattr(l_1_node, 'name')))
            yield ' y at '
            yield str(t_2('%8d', environment.getattr(environment.getitem(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'tensors'), environment.getattr(l_1_node, 'name')), 'value')))
            yield '   reads '
            yield str(t_4(context.eval_ctx, environment.getattr(l_1_node, 'inputs'), ', '))
            yield '\n'
        l_1_node = missing
    yield ' *     scratch          at '
    yield str(t_2('%8d', environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'scratch')))
    yield ": the matrix multiply's packed blocks, a convolution's im2col and padded input\n *   index   "
    yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'index_size'))
    yield ' argmax positions of the max pools\n'
    if environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'buffer_size'):
        pass
        yield ' *   buffers '
        yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'buffer_size'))
        yield ' running statistics, not trained by gradients:\n'
        for (l_1_name, l_1_place) in context.call(environment.getattr(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'buffers'), 'items')):
            _loop_vars = {}
            pass
            yield ' *     '
            yield str(t_2('%-28s', l_1_name))
            yield ' at '
            yield str(t_2('%7d', environment.getitem(l_1_place, 0)))
            yield '  '
            yield str(environment.getitem(l_1_place, 1))
            yield '\n'
        l_1_name = l_1_place = missing
    for (l_1_name, l_1_offset) in context.call(environment.getattr(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'states'), 'items')):
        _loop_vars = {}
        pass
        yield ' *   '
        yield str(l_1_name)
        yield ' keeps its statistics of the chunk in work at '
        yield str(l_1_offset)
        yield '\n'
    l_1_name = l_1_offset = missing
    yield " */\n#include <math.h>\n#include <stdint.h>\n#include <string.h>\n#if defined(__unix__) || defined(__APPLE__)\n#include <unistd.h>   /* sysconf: the L2 cache's size (gemm.c.j2) */\n#endif\n"
    l_0_entry = ('static ' if (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone) else '')
    context.vars['entry'] = l_0_entry
    context.exported_vars.add('entry')
    if (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone):
        pass
        yield '#include <stdio.h>\n#include <stdlib.h>\n#include "'
        yield str(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'name'))
        yield '.h"   /* the API, defined at the end of this file */\n'
    yield '\ntypedef '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield ' real;\n\n#define SN_BATCH '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    yield '\n#define SN_PARAMS '
    yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'param_size'))
    yield '\n#define SN_INPUT '
    yield str(t_7(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'input_shape')))
    yield '\n#define SN_TARGETS '
    yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'targets_per_sample'))
    yield "\n#define SN_MIN(a, b) ((a) < (b) ? (a) : (b))\n#define SN_MAX(a, b) ((a) > (b) ? (a) : (b))\n\n/* How a call runs: the mode, the optimizer step, and where this thread's samples sit (the\n * layers that depend on them, BatchNorm and Dropout, take it as their last argument). */\ntypedef struct {\n    int training;          /* 1: training mode (batch statistics, dropout masks); 0: eval mode */\n    long step;             /* optimizer steps taken before this one: part of Dropout's key */\n    int offset;            /* the index in its minibatch of the chunk's first sample */\n    int first, total;      /* this thread's first sample in the chunk, and the chunk's samples */\n    int thread, threads;   /* this thread, of the threads that run the chunk */\n    real *work;            /* the work buffer: a layer's state for the chunk lives there */\n    real *buffers;         /* the running statistics */\n    real descent;          /* -lr in a step of plain gradient descent that the dense layers fold into their backward, else 0 */\n    int by_rows;           /* the first layer's forward ran by rows of its weight (sn_step_chunk): forward_range skips it */\n} sn_run;\n\n/* The share of count items (samples, channels, parameters) that thread t of threads takes:\n * [*first, *first + return). */\nstatic inline int sn_split(int count, int t, int threads, int *first)\n{\n    const int base = count / threads, extra = count % threads;\n    *first = t * base + (t < extra ? t : extra);\n    return base + (t < extra);\n}\n\n/* Where each parameter and each layer's output (_Y) and gradient (_DY) begin. */\n"
    for (l_1_macro, l_1_offset) in context.call(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'macros')):
        _loop_vars = {}
        pass
        yield '#define '
        yield str(t_2('%-24s', l_1_macro))
        yield ' '
        yield str(l_1_offset)
        yield '\n'
    l_1_macro = l_1_offset = missing
    yield '\n'
    if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
        pass
        yield '/* The parameters that no layer updates itself in a step of plain gradient descent (see\n * sn_run.descent): [start, end) ranges, and a last one unused. */\n#define SN_UNFUSED '
        yield str(t_5(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'unfused')))
        yield '\nstatic const long sn_unfused[SN_UNFUSED + 1][2] = {'
        for (l_1_start, l_1_end) in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'unfused'):
            _loop_vars = {}
            pass
            yield '{'
            yield str(l_1_start)
            yield ', '
            yield str(l_1_end)
            yield '}, '
        l_1_start = l_1_end = missing
        yield '{0, 0}};\n/* Range r of the parameters that a pass over the gradients or the update covers: with fused,\n * those of sn_unfused; else one range, all of them. */\n#define SN_RANGE_START(r, fused) ((fused) ? sn_unfused[r][0] : 0L)\n#define SN_RANGE_END(r, fused) ((fused) ? sn_unfused[r][1] : (long)SN_PARAMS)\n#define SN_RANGES(fused) ((fused) ? SN_UNFUSED : 1)\n'
    else:
        pass
        yield '/* The one range of parameters that a pass over the gradients covers: all of them. */\n#define SN_RANGE_START(r, fused) 0L\n#define SN_RANGE_END(r, fused) ((long)SN_PARAMS)\n#define SN_RANGES(fused) 1\n'
    yield '\n'
    if (undefined(name='runtime') if l_0_runtime is missing else l_0_runtime):
        pass
        yield '#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored "-Wunused-function"\n'
    template = environment.get_template('gemm.c.j2', 'model.c.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'defined_in': l_0_defined_in, 'entry': l_0_entry, 'open_segment': l_0_open_segment}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    template = environment.get_template('descend.c.j2', 'model.c.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'defined_in': l_0_defined_in, 'entry': l_0_entry, 'open_segment': l_0_open_segment}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if (undefined(name='runtime') if l_0_runtime is missing else l_0_runtime):
        pass
        yield "#pragma GCC diagnostic pop\n\n/* The matrix multiply above is shape-generic: symnet compiles it once for each compiler, flags\n * and dtype into a shared runtime (symnet.runtime) that this model links to, and the calls below\n * go to the runtime's copy, "
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'symbol'))
        yield ". The copy above, never called here, is dropped by\n * the compiler, which then optimizes only this model's own code. */\nvoid "
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'symbol'))
        yield '('
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'parameters'))
        yield ');\n#define sn_gemm '
        yield str(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'symbol'))
        yield "\n/* The dense layers' folded step of gradient descent over their weights, as shape-generic, is in\n * the runtime too (descend.c.j2): six loops and the multiply's blocks in each dense layer were a\n * fifth of LeNet-5's compile. */\nint "
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'descend'), 'symbol'))
        yield '('
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'descend'), 'parameters'))
        yield ');\n#define sn_descend_rows '
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'descend'), 'symbol'))
        yield "\n/* And the check of a step's samples, which each model inlined twice (its copy and its check\n * alone), vectorized: a fifth of the MLP's calls part to compile. */\nint "
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'finite'), 'symbol'))
        yield '('
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'finite'), 'parameters'))
        yield ');\n#define sn_scan_finite '
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'finite'), 'symbol'))
        yield '\n#define sn_all_finite(p, n) '
        yield str(environment.getattr(environment.getattr((undefined(name='runtime') if l_0_runtime is missing else l_0_runtime), 'finite'), 'symbol'))
        yield '(NULL, p, n)\n'
        if (undefined(name='split') if l_0_split is missing else l_0_split):
            pass
            yield '\n/* Compiled as three translation units at once (symnet.build), each part a unit of its own\n * (SN_PART): the backward part, backward_range (the layers\' backward, the heaviest to\n * optimize); the forward part, forward_range with what the forward and the backward share (a\n * convolution\'s im2col, Winograd\'s drivers) and the loops over every parameter (the shares\'\n * sums, the update); the calls part, the entry points and the parallel regions that call the\n * others, compiled lightly (symnet.compiler.CALLS_PART). A function one part defines is\n * declared in the others (parts.c.j2). Two cores take about half the three\'s sum: LeNet-5\'s\n * C in two parts (the backward\'s and everything else) took GCC 0.75-0.98 s, in these three\n * 0.65-0.76 s. Compiled whole (no SN_PART), this is one unit like any other. */\n#ifdef SN_PART\n#define SN_PARTED __attribute__((visibility("hidden")))\n#else\n#define SN_PARTED static\n#endif\n#define SN_BACKWARD_PART 1\n#define SN_FORWARD_PART 2\n#define SN_CALLS_PART 3\n'
    if (undefined(name='winograd') if l_0_winograd is missing else l_0_winograd):
        pass
        template = environment.get_template('winograd.c.j2', 'model.c.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'defined_in': l_0_defined_in, 'entry': l_0_entry, 'open_segment': l_0_open_segment}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
    yield '\n'
    for l_1_helper in (undefined(name='helpers') if l_0_helpers is missing else l_0_helpers):
        _loop_vars = {}
        pass
        yield '\n'
        template = environment.get_or_select_template(l_1_helper, 'model.c.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'helper': l_1_helper, 'defined_in': l_0_defined_in, 'entry': l_0_entry, 'open_segment': l_0_open_segment}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
    l_1_helper = missing
    for l_1_layer in (undefined(name='layers') if l_0_layers is missing else l_0_layers):
        _loop_vars = {}
        pass
        yield '\n'
        yield str(environment.getattr(l_1_layer, 'code'))
    l_1_layer = missing
    yield '\n'
    yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'code'))
    yield '\n\n'
    if (not (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone)):
        pass
        yield '/* The layout above, for the Python side to read (symnet.layout.Layout.read). */\n'
        if (undefined(name='split') if l_0_split is missing else l_0_split):
            pass
            yield '#if !defined(SN_PART) || SN_PART == SN_CALLS_PART\n'
        yield 'const long sn_layout['
        yield str(t_5(context.call(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'numbers'))))
        yield '] = {'
        yield str(t_4(context.eval_ctx, context.call(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'numbers')), ', '))
        yield '};\n'
        if (undefined(name='split') if l_0_split is missing else l_0_split):
            pass
            yield '#endif\n'
    yield "\n#ifdef _OPENMP\n#include <omp.h>\n#endif\n/* Each share's scratch room: the first begins at SN_SCRATCH_AT in work, the next SN_SCRATCH later. */\n#define SN_SCRATCH_AT "
    yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'scratch'))
    yield '\n#define SN_SCRATCH '
    yield str(environment.getattr((undefined(name='layout') if l_0_layout is missing else l_0_layout), 'scratch_size'))
    yield '\n/* A share has at least this many samples: fewer would cost more than they save. */\n#define SN_MIN_SHARE '
    yield str((undefined(name='min_share') if l_0_min_share is missing else l_0_min_share))
    yield '\n'
    if (undefined(name='head') if l_0_head is missing else l_0_head):
        pass
        yield "/* In a step whose first layer runs by rows of its weight (sn_step_chunk), that layer's forward\n * and descent are split by rows whatever the samples' split, which carries only the layers\n * after it: a share needs fewer samples. MLP at batch 16 on two threads, two shares of 8 in\n * place of one of 16: 86-89 to 60-67 µs a step (the fastest steps on a busy machine). */\n#define SN_MIN_SHARE_ROWS "
        yield str((undefined(name='min_share_rows') if l_0_min_share_rows is missing else l_0_min_share_rows))
        yield '\n'
    yield "\n/*\n * Threads. A call splits its count samples into shares, one per thread the net was given\n * (fewer if a share would have less than SN_MIN_SHARE samples), and each share's work and\n * its sum into the gradients is one and the same computation whichever thread runs it and\n * however many run: the results depend on the number of shares, never on the threads that\n * ran them. So a call may run its shares on all threads or one after another on the\n * calling thread, and it takes the faster way. On a busy machine the threads of a parallel\n * region wait for one another while the system runs other processes on their cores, and a\n * parallel call can be several times slower than a serial one; on an idle machine it is\n * nearly as many times faster. So the calls are timed (seconds per sample), the way in use\n * keeps a moving mean, and the other way is tried again after an interval: SN_PROBE_FIRST\n * calls after a switch, else (r - 1) / SN_PROBE_COST calls when the try was r times slower,\n * which holds what the tries cost near SN_PROBE_COST of the time, within\n * [SN_PROBE_FIRST, SN_PROBE_LAST] calls.\n */\n#define SN_PROBE_FIRST 4\n#define SN_PROBE_LAST 1024\n#define SN_PROBE_COST 0.02\nenum { SN_ALL_THREADS = 0, SN_ONE_THREAD = 1 };\n\ntypedef struct {\n    double per_sample[2];  /* seconds per sample on all threads [0] and on one [1]: moving mean, or the last try */\n    long calls[2];         /* calls run each way */\n    long probe_at;         /* when the calls of both ways reach this, the way not in use is tried (0: not yet set) */\n    int way;               /* the way in use */\n    int pinned;            /* 0: choose; 1: always all threads; 2: always one thread */\n} sn_pace;\n\n/* Pacing for the three kinds of call: forward passes, backward passes, and training steps\n * (forward and backward of a chunk in one parallel region, sn_step_chunk). A zeroed struct\n * starts on all threads and chooses. */\ntypedef struct {\n    sn_pace forward, backward, step;\n} sn_pacing;\n\nstatic inline double sn_now(void)\n{\n#ifdef _OPENMP\n    return omp_get_wtime();\n#else\n    return 0.0;\n#endif\n}\n\n/* The way the next call of shares shares runs. */\nstatic int sn_pace_way(const sn_pace *pace, int shares)\n{\n    if (shares == 1)\n        return SN_ONE_THREAD;\n    if (pace->pinned)\n        return pace->pinned == 1 ? SN_ALL_THREADS : SN_ONE_THREAD;\n    return pace->probe_at > 0 && pace->calls[0] + pace->calls[1] >= pace->probe_at ? !pace->way : pace->way;\n}\n\n/* Records a call of count samples in shares shares that ran way in seconds, and chooses the\n * way of the calls after it. */\nstatic void sn_pace_record(sn_pace *pace, int way, int shares, int count, double seconds)\n{\n    pace->calls[way]++;\n    if (shares == 1 || pace->pinned || count < 1)\n        return;\n    const double rate = seconds / count;\n    const long calls = pace->calls[0] + pace->calls[1];\n    double *mean = &pace->per_sample[way];\n    if (way == pace->way) {\n        *mean = *mean > 0 ? *mean + (rate - *mean) / 4 : rate;\n        if (pace->probe_at == 0)\n            pace->probe_at = calls + SN_PROBE_FIRST;\n        return;\n    }\n    /* a try of the other way, taken as it is: what it cost before says little about the machine now */\n    *mean = rate;\n    long interval = SN_PROBE_FIRST;\n    if (rate < pace->per_sample[pace->way])\n        pace->way = way;\n    else if (rate > pace->per_sample[pace->way] * (1 + SN_PROBE_COST * SN_PROBE_FIRST))\n        interval = (long)SN_MIN(SN_PROBE_LAST, (rate / pace->per_sample[pace->way] - 1) / SN_PROBE_COST);\n    pace->probe_at = calls + interval;\n}\n\n/* The call's run as seen by samples from first on (Dropout keys its masks by the sample's index). */\nstatic inline sn_run sn_run_at(const sn_run *whole, int first)\n{\n    sn_run run = *whole;\n    run.first = first;\n    return run;\n}\n\n"
    def macro(l_1_segment, l_1_backward):
        t_10 = []
        l_1_at = missing
        if l_1_segment is missing:
            l_1_segment = undefined("parameter 'segment' was not provided", name='segment')
        if l_1_backward is missing:
            l_1_backward = undefined("parameter 'backward' was not provided", name='backward')
        pass
        l_1_at = ('from' if environment.getattr(l_1_segment, 'couples') else 's')
        if environment.getattr(l_1_segment, 'couples'):
            pass
            t_10.extend((
                '    {   /* ',
                str(t_4(context.eval_ctx, t_6(context, environment.getattr(l_1_segment, 'calls'), attribute='name'), ', ')),
                ': over every sample of the chunk */\n        int first, last;\n        sn_split(total, from, shares, &first);\n        sn_split(total, to, shares, &last);\n        const int count = last - first;\n',
            ))
        else:
            pass
            t_10.append(
                '    for (int s = from; s < to; s++) {   /* share by share */\n        int first;\n        const int count = sn_split(total, s, shares, &first);\n',
            )
        t_10.extend((
            '        real *restrict scratch = work + SN_SCRATCH_AT + (long)',
            str((undefined(name='at') if l_1_at is missing else l_1_at)),
            ' * SN_SCRATCH;\n',
        ))
        if l_1_backward:
            pass
            t_10.extend((
                '        real *restrict grads = ',
                str((undefined(name='at') if l_1_at is missing else l_1_at)),
                ' == 0 ? all_grads : thread_grads + (long)',
                str((undefined(name='at') if l_1_at is missing else l_1_at)),
                ' * SN_PARAMS;\n',
            ))
        if (environment.getattr(l_1_segment, 'couples') or (environment.getattr(l_1_segment, 'backward_uses_run') if l_1_backward else environment.getattr(l_1_segment, 'uses_run'))):
            pass
            t_10.append(
                '        const sn_run at_first = sn_run_at(whole, first), *run = &at_first;\n',
            )
        return concat(t_10)
    context.exported_vars.add('open_segment')
    context.vars['open_segment'] = l_0_open_segment = Macro(environment, macro, 'open_segment', ('segment', 'backward'), False, False, False, context.eval_ctx.autoescape)
    yield "\n/* Samples through every layer, for shares [from, to) of the chunk's count samples. The layers\n * that read only their own samples run share by share; those whose statistics span the chunk\n * (BatchNorm: barriers inside) run once over all of this thread's samples. */\n"
    def macro():
        t_11 = []
        l_1_segments = resolve('segments')
        pass
        t_11.append(
            '{\n    (void)whole; (void)total;\n',
        )
        for l_2_segment in (undefined(name='segments') if l_1_segments is missing else l_1_segments):
            _loop_vars = {}
            pass
            t_11.append(
                str(context.call((undefined(name='open_segment') if l_0_open_segment is missing else l_0_open_segment), l_2_segment, False, _loop_vars=_loop_vars)),
            )
            for l_3_call in environment.getattr(l_2_segment, 'calls'):
                _loop_vars = {}
                pass
                if environment.getattr(l_3_call, 'by_rows'):
                    pass
                    t_11.extend((
                        '        if (!whole->by_rows)   /* else sn_step_chunk ran it by rows */\n            ',
                        str(t_3(environment.getattr(l_3_call, 'forward'), 8)),
                        '\n',
                    ))
                else:
                    pass
                    t_11.extend((
                        '        ',
                        str(t_3(environment.getattr(l_3_call, 'forward'), 4)),
                        '\n',
                    ))
            l_3_call = missing
            t_11.append(
                '    }\n',
            )
        l_2_segment = missing
        t_11.append(
            '}\n',
        )
        return concat(t_11)
    caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
    yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), 'void forward_range(int from, int to, int shares, int total, const real *restrict x,\n        const real *restrict params, real *restrict work, int32_t *restrict index, const sn_run *whole)', caller=caller)
    yield '\n/* The loss of count samples, as their share of the mean over total samples. */\n'
    def macro():
        t_12 = []
        l_1_output = resolve('output')
        pass
        t_12.extend((
            '{\n    return loss_value(count, total, work + ',
            str((undefined(name='output') if l_1_output is missing else l_1_output)),
            '_Y, targets);\n}\n',
        ))
        return concat(t_12)
    caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
    yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), str_join(('double sn_loss(int count, int total, const real *restrict work, const ', environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'), ' *restrict targets)', )), linkage='', whole=(undefined(name='entry') if l_0_entry is missing else l_0_entry), caller=caller)
    yield '\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* Backward from the loss, for shares [from, to): layers in reverse order, each sending d loss\n * / d its inputs back. Where several layers read a tensor, the first to run writes its gradient\n * and the others add to it (the multivariable chain rule); the input's gradient is not needed\n * (NULL). Share 0 adds its parameters' gradients to grads, share s > 0 to its slice of\n * thread_grads; a layer that spans the chunk adds to the slice of this thread's first share.\n * Returns 0 if a weight that a folded step of gradient descent wrote is NaN or infinite, else 1. */\n"
        def macro():
            t_13 = []
            l_1_segments = resolve('segments')
            pass
            t_13.append(
                '{\n    (void)x; (void)whole;\n    int finite = 1;\n',
            )
            l_2_loop = missing
            for l_2_segment, l_2_loop in LoopContext(t_8((undefined(name='segments') if l_1_segments is missing else l_1_segments)), undefined):
                l_2_output = resolve('output')
                _loop_vars = {}
                pass
                t_13.append(
                    str(context.call((undefined(name='open_segment') if l_0_open_segment is missing else l_0_open_segment), l_2_segment, True, _loop_vars=_loop_vars)),
                )
                if environment.getattr(l_2_loop, 'first'):
                    pass
                    t_13.extend((
                        '        loss_backward(count, mean_over, work + ',
                        str((undefined(name='output') if l_2_output is missing else l_2_output)),
                        '_Y + (long)first * ',
                        str(t_7(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'output_shape'))),
                        ',\n                      targets + (long)first * ',
                        str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'targets_per_sample')),
                        ', work + ',
                        str((undefined(name='output') if l_2_output is missing else l_2_output)),
                        '_DY + (long)first * ',
                        str(t_7(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'output_shape'))),
                        ');\n',
                    ))
                for l_3_call in t_8(environment.getattr(l_2_segment, 'calls')):
                    _loop_vars = {}
                    pass
                    t_13.extend((
                        '        ',
                        str(t_3(environment.getattr(l_3_call, 'backward'), 4)),
                        '\n',
                    ))
                l_3_call = missing
                t_13.append(
                    '    }\n',
                )
            l_2_loop = l_2_segment = l_2_output = missing
            if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
                pass
                t_13.append(
                    "    /* A step of plain gradient descent, folded into the dense layers (see their _descend):\n     * once every share's dx has read their weights, each of this thread's shares takes its\n     * rows of each weight and bias over every sample of the chunk. The rows of a share are\n     * the same whichever thread runs it, so the step does not depend on the threads. */\n    if (whole->descent != 0) {\n        if (whole->threads > 1)\n            sn_barrier();\n        for (int s = from; s < to; s++) {\n            real *restrict scratch = work + SN_SCRATCH_AT + (long)s * SN_SCRATCH;\n",
                )
                for l_2_segment in (undefined(name='segments') if l_1_segments is missing else l_1_segments):
                    _loop_vars = {}
                    pass
                    def t_14(fiter):
                        for l_3_call in fiter:
                            if environment.getattr(l_3_call, 'descend'):
                                yield l_3_call
                    for l_3_call in t_14(environment.getattr(l_2_segment, 'calls')):
                        _loop_vars = {}
                        pass
                        t_13.extend((
                            '            finite &= ',
                            str(environment.getattr(l_3_call, 'descend')),
                            '\n',
                        ))
                    l_3_call = missing
                l_2_segment = missing
                t_13.append(
                    '        }\n    }\n',
                )
            t_13.append(
                '    return finite;\n}\n',
            )
            return concat(t_13)
        caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
        yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_BACKWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), str_join(('int backward_range(int from, int to, int shares, int total, int mean_over, const real *restrict x,\n        const ', environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'), ' *restrict targets, const real *restrict params, real *restrict work,\n        const int32_t *restrict index, real *restrict all_grads, real *restrict thread_grads, const sn_run *whole)', )), caller=caller)
    if (undefined(name='split') if l_0_split is missing else l_0_split):
        pass
        yield '#if !defined(SN_PART) || SN_PART != SN_BACKWARD_PART\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield '/* Clears slice of thread_grads over the parameters a pass covers: all of them, or in a step\n * whose layers fold the update (fused) only the others (SN_RANGES). */\nstatic void sn_clear_share(real *restrict slice, int fused)\n{\n    (void)fused;   /* read only when some layer folds the update (SN_RANGES) */\n    for (int r = 0; r < SN_RANGES(fused); r++)\n        memset(slice + SN_RANGE_START(r, fused), 0,\n               sizeof(real) * (size_t)(SN_RANGE_END(r, fused) - SN_RANGE_START(r, fused)));\n}\n\n/* Adds the slices of shares 1, 2, ... of thread_grads, in share order, into grads: part t of\n * used of each range of parameters the pass covers (see sn_clear_share). */\n'
        def macro():
            t_15 = []
            pass
            t_15.append(
                '{\n    (void)fused;\n    for (int r = 0; r < SN_RANGES(fused); r++) {\n        const long lo = SN_RANGE_START(r, fused);\n        int start;\n        const int length = sn_split((int)(SN_RANGE_END(r, fused) - lo), t, used, &start);\n        for (int s = 1; s < shares; s++)\n            for (long k = lo + start; k < lo + start + length; k++)\n                grads[k] += thread_grads[(long)s * SN_PARAMS + k];\n    }\n}\n',
            )
            return concat(t_15)
        caller = Macro(environment, macro, None, (), False, False, False, context.eval_ctx.autoescape)
        yield context.call((undefined(name='defined_in') if l_0_defined_in is missing else l_0_defined_in), 'SN_FORWARD_PART', (undefined(name='split') if l_0_split is missing else l_0_split), 'void sn_sum_shares(real *restrict grads, const real *restrict thread_grads, int shares, int t, int used,\n        int fused)', caller=caller)
        yield '\n'
        template = environment.get_template('optimizer.c.j2', 'model.c.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'defined_in': l_0_defined_in, 'entry': l_0_entry, 'open_segment': l_0_open_segment}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
    if (undefined(name='split') if l_0_split is missing else l_0_split):
        pass
        yield '#endif\n#if !defined(SN_PART) || SN_PART == SN_CALLS_PART   /* the rest: the calls part */\n'
    yield '\n/* The fewest samples of a minibatch gathered on more than one thread (sn_train_steps). */\n#define SN_MIN_GATHER 32\n\n/* How many shares a call of count samples splits into, on a net given threads threads. */\nstatic inline int sn_shares(int count, int threads)\n{\n    return SN_MAX(1, SN_MIN(threads, count / SN_MIN_SHARE));\n}\n'
    if (undefined(name='head') if l_0_head is missing else l_0_head):
        pass
        yield '\n/* How many shares a step of count samples splits into when its first layer runs by rows. */\nstatic inline int sn_shares_by_rows(int count, int threads)\n{\n    return SN_MAX(1, SN_MIN(threads, count / SN_MIN_SHARE_ROWS));\n}\n'
    yield "\n/* Forward: every layer's output, for count <= SN_BATCH samples split into shares for up to\n * threads threads (see Threads above; pacing NULL: always on all of them), in training mode or\n * not; the samples are the minibatch's from offset on, at optimizer step step. In training\n * mode every BatchNorm also updates its running statistics in buffers, as a PyTorch module's\n * forward does. */\n"
    yield str((undefined(name='entry') if l_0_entry is missing else l_0_entry))
    yield 'void sn_forward(int count, const real *restrict x, const real *restrict params, real *restrict buffers,\n'
    yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
    yield '                real *restrict work, int32_t *restrict index, int threads, sn_pacing *pacing,\n'
    yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
    yield "                int training, long step, int offset)\n{\n    const int shares = sn_shares(count, threads);\n    static const sn_pace all_threads = {.pinned = 1};\n    const int way = sn_pace_way(pacing ? &pacing->forward : &all_threads, shares);\n    const double started = sn_now();\n    if (way == SN_ONE_THREAD) {  /* no parallel region: entering one costs microseconds, even for one thread */\n        const sn_run run = {training, step, offset, 0, count, 0, 1, work, buffers, 0, 0};\n        forward_range(0, shares, shares, count, x, params, work, index, &run);\n    } else {\n#ifdef _OPENMP\n        #pragma omp parallel num_threads(shares)\n#endif\n        {\n            int t = 0, used = 1, from;\n#ifdef _OPENMP\n            t = omp_get_thread_num();\n            used = omp_get_num_threads();\n#endif\n            /* every thread has a share (used <= shares), so each reaches a layer's barriers */\n            const int mine = sn_split(shares, t, used, &from);\n            const sn_run run = {training, step, offset, 0, count, t, used, work, buffers, 0, 0};\n            forward_range(from, from + mine, shares, count, x, params, work, index, &run);\n        }\n    }\n    if (pacing)\n        sn_pace_record(&pacing->forward, way, shares, count, sn_now() - started);\n}\n\n"
    if (not (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone)):
        pass
        yield "/* sn_all_finite for the Python side (net.step's general path, fit, the samples' checks). */\nint sn_finite(const real *restrict p, long n)\n{\n    return sn_all_finite(p, n);\n}\n\n"
        if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t'):
            pass
            yield "/* The n class labels at in, int64 (wide, as NumPy makes them) or int32, as int32 at out, for\n * sn_train: 1 if every one lies in [0, classes), else 0 (then out is not used: the caller\n * names the label). Read as unsigned, a negative label is larger than any class: one\n * comparison a label. */\nstatic int sn_read_labels(const void *restrict in, int wide, int32_t *restrict out, long n, long classes)\n{\n    uint64_t largest = 0;\n    for (long i = 0; i < n; i++) {\n        const int64_t label = wide ? ((const int64_t *)in)[i] : ((const int32_t *)in)[i];\n        largest = (uint64_t)label > largest ? (uint64_t)label : largest;\n        out[i] = (int32_t)label;\n    }\n    return largest < (uint64_t)classes;\n}\n\n/* sn_read_labels for int64 labels, which step's general path converts. */\nint sn_labels(const int64_t *restrict in, int32_t *restrict out, long n, long classes)\n{\n    return sn_read_labels(in, 1, out, n, classes);\n}\n\n"
    yield '\n'
    if (undefined(name='with_backward') if l_0_with_backward is missing else l_0_with_backward):
        pass
        yield "/* A training step's forward, loss and backward over one chunk (count samples of a minibatch\n * of total), as sn_forward then sn_backward take them, in one parallel region where those\n * two opened one each: a thread runs the backward of the very shares it ran forward, so no\n * thread waits for another between the two (a layer whose statistics span the chunk still\n * waits at its own barriers). Entering a region wakes the threads (microseconds each time,\n * more when they have gone to sleep), and with the two regions a step also waited for every\n * thread at the end of the first. Inside, the threads wait for one another only where the\n * work needs it: before a folded step of gradient descent writes the weights that every\n * share's dx reads (backward_range), and before the shares' gradients are summed, when there\n * are any to sum. Adds the chunk's share of the minibatch's loss to *loss (computed after\n * the region, over all count samples in order, as sn_loss alone computes it). With loss NULL,\n * the backward alone, its forward already run (sn_backward). Paced by pace (NULL: always on\n * every thread).\n"
        if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
            pass
            yield " * With descent = -lr (not 0), a step of plain gradient descent: the dense layers update their\n * weights and biases themselves (sn_run.descent) and leave their gradients alone, so only the\n * other parameters' slices (sn_unfused) are cleared and added up.\n"
        yield ' * Returns 0 if a weight that a folded step wrote is NaN or infinite, else 1. */\nstatic int sn_step_chunk(int count, int total, const real *restrict x, const '
        yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
        yield ' *restrict targets,\n                         const real *restrict params, real *restrict buffers, real *restrict work,\n                         int32_t *restrict index, real *restrict grads, real *restrict thread_grads, int threads,\n                         sn_pace *pace, int training, long step, int offset, real descent, double *restrict loss)\n{\n    const int fused = descent != 0, forward = loss != NULL;\n'
        if (undefined(name='head') if l_0_head is missing else l_0_head):
            pass
            yield '    /* With the descent folded and more than one share, '
            yield str(environment.getattr((undefined(name='head') if l_0_head is missing else l_0_head), 'name'))
            yield "'s forward runs by rows of\n     * its weight, each share the rows it steps (see "
            yield str(environment.getattr((undefined(name='head') if l_0_head is missing else l_0_head), 'name'))
            yield "_forward_rows), and every\n     * thread waits for the others' rows before the layers after it read them. */\n    const int shares = fused ? sn_shares_by_rows(count, threads) : sn_shares(count, threads);\n    const int by_rows = fused && shares > 1;\n"
        else:
            pass
            yield '    const int shares = sn_shares(count, threads), by_rows = 0;\n'
        yield '    static const sn_pace all_threads = {.pinned = 1};\n    const int way = sn_pace_way(pace ? pace : &all_threads, shares);\n    const double started = sn_now();\n    int finite = 1;\n    if (way == SN_ONE_THREAD) {\n        const sn_run ahead = {training, step, offset, 0, count, 0, 1, work, buffers, 0, by_rows};\n        const sn_run back = {training, step, offset, 0, count, 0, 1, work, NULL, descent, 0};\n'
        if (undefined(name='head') if l_0_head is missing else l_0_head):
            pass
            yield '        for (int s = 0; s < shares && by_rows; s++)\n            '
            yield str(environment.getattr((undefined(name='head') if l_0_head is missing else l_0_head), 'forward_rows'))
            yield '\n'
        yield '        if (forward)\n            forward_range(0, shares, shares, count, x, params, work, index, &ahead);\n        for (int s = 1; s < shares; s++)\n            sn_clear_share(thread_grads + (long)s * SN_PARAMS, fused);\n        finite = backward_range(0, shares, shares, count, total, x, targets, params, work, index, grads, thread_grads,\n                                &back);\n        sn_sum_shares(grads, thread_grads, shares, 0, 1, fused);\n    } else {\n#ifdef _OPENMP\n        #pragma omp parallel num_threads(shares) reduction(&&: finite)\n#endif\n        {\n            int t = 0, used = 1, from;\n#ifdef _OPENMP\n            t = omp_get_thread_num();\n            used = omp_get_num_threads();\n#endif\n            /* every thread has a share (used <= shares), so each reaches every barrier */\n            const int mine = sn_split(shares, t, used, &from);\n            const sn_run ahead = {training, step, offset, 0, count, t, used, work, buffers, 0, by_rows};\n            const sn_run back = {training, step, offset, 0, count, t, used, work, NULL, descent, 0};\n'
        if (undefined(name='head') if l_0_head is missing else l_0_head):
            pass
            yield '            if (by_rows) {\n                for (int s = from; s < from + mine; s++)\n                    '
            yield str(environment.getattr((undefined(name='head') if l_0_head is missing else l_0_head), 'forward_rows'))
            yield '\n                sn_barrier();   /* every row of '
            yield str(environment.getattr((undefined(name='head') if l_0_head is missing else l_0_head), 'name'))
            yield "'s output is in */\n            }\n"
        yield "            if (forward)\n                forward_range(from, from + mine, shares, count, x, params, work, index, &ahead);\n            for (int s = SN_MAX(from, 1); s < from + mine; s++)\n                sn_clear_share(thread_grads + (long)s * SN_PARAMS, fused);\n            finite = backward_range(from, from + mine, shares, count, total, x, targets, params, work, index, grads,\n                                    thread_grads, &back);\n            if (SN_RANGES(fused) > 0) {   /* with every parameter's step folded, nothing to sum */\n#ifdef _OPENMP\n                #pragma omp barrier   /* every share's gradients are in */\n#endif\n                sn_sum_shares(grads, thread_grads, shares, t, used, fused);\n            }\n        }\n    }\n    if (pace)\n        sn_pace_record(pace, way, shares, count, sn_now() - started);\n    if (loss)\n        *loss += sn_loss(count, total, work, targets);\n    return finite;\n}\n\n"
        if (not (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone)):
            pass
            yield '/* The gradients alone (net.gradients, the data-parallel step; an exported library trains\n * through sn_train only): adds d loss / d params for count samples (of a mean over total) to\n * grads, the samples split into shares as sn_forward splits them. Share 0 adds straight into\n * grads; each other share s into its own slice s of thread_grads (threads x SN_PARAMS). Then\n * the slices are added, in share order, into grads (each thread its part of the parameters):\n * the result does not depend on timing, nor on how many threads ran the shares. No step of\n * gradient descent is folded in (sn_run.descent 0). */\nvoid sn_backward(int count, int total, const real *restrict x, const '
            yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
            yield ' *restrict targets,\n                 const real *restrict params, real *restrict work, const int32_t *restrict index,\n                 real *restrict grads, real *restrict thread_grads, int threads, sn_pacing *pacing,\n                 int training, long step, int offset)\n{\n    /* the forward is in work already; index is only read (cast for the call, which also writes it\n     * when it runs the forward) */\n    (void)sn_step_chunk(count, total, x, targets, params, NULL, work, (int32_t *)index, grads, thread_grads, threads,\n                        pacing ? &pacing->backward : NULL, training, step, offset, 0, NULL);\n}\n'
        yield '\n\n'
        template = environment.get_template('schedule.c.j2', 'model.c.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'defined_in': l_0_defined_in, 'entry': l_0_entry, 'open_segment': l_0_open_segment}))
        try:
            for event in gen:
                yield event
        finally: gen.close()
        yield "\n/* Training over count samples, in one call: minibatches of batch_size samples, taken\n * in the order order[0], order[1], ... (or 0, 1, ... when order is NULL), each through\n * forward, loss, backward and the optimizer's update, its loss written to losses[step].\n * A minibatch larger than SN_BATCH is walked in chunks whose gradients add up to the whole\n * minibatch's mean (the caller keeps a model whose layers couple the samples, BatchNorm, to\n * one chunk per minibatch in training mode, whose forward updates the running statistics\n * once a step). Ordered samples are gathered into staging_x and staging_targets\n * (SN_BATCH samples each). hyper holds the optimizer's SN_HYPER hyperparameters; step k\n * uses the learning rate schedule_rate(steps + k, hyper[0], schedule) in place of hyper[0],\n * schedule holding the schedule's SN_SCHEDULE numbers. steps is how many steps the net\n * took before this call, and optimizer_steps how many of them the optimizer's state has\n * seen (its t counts on from there); step k is the net's step steps + k (the schedule's t\n * and Dropout's key). training is the mode (BatchNorm, Dropout).\n * grads must be 0 on entry; each step clears them as it uses them, so they are 0 on return.\n * Returns 1 if every parameter is finite after the last step, else 0: each step writes every\n * parameter (the update, and with a folded step the dense layers' descent), testing each\n * value as it writes it, so no pass of its own over the weights is needed (sn_step). */\nstatic __attribute__((noinline)) int sn_train_steps(int count, int batch_size, const int32_t *restrict order, const real *restrict x,\n                          const "
        yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
        yield ' *restrict targets, real *restrict params, real *restrict grads,\n                          real *restrict state, real *restrict work, int32_t *restrict index,\n                          real *restrict thread_grads, real *restrict staging_x,\n                          '
        yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
        yield ' *restrict staging_targets, const double *restrict hyper,\n                          const double *restrict schedule, long steps, long optimizer_steps, int threads,\n                          sn_pacing *pacing, double *restrict losses, real *restrict buffers, int training)\n{\n    int finite = 1;\n    double step_hyper[SN_HYPER];\n    memcpy(step_hyper, hyper, sizeof(step_hyper));\n    for (int start = 0, step = 0; start < count; start += batch_size, step++) {\n        const int size = SN_MIN(batch_size, count - start);\n        double loss = 0.0;\n        int written = 1;   /* every weight the step wrote is finite */\n        step_hyper[0] = schedule_rate((double)(steps + step), hyper[0], schedule);\n'
        if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse):
            pass
            yield '        /* Plain gradient descent ('
            l_1_loop = missing
            for l_1_index, l_1_loop in LoopContext(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'fusable_when'), undefined):
                _loop_vars = {}
                pass
                yield str(environment.getitem(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'hyper'), l_1_index))
                yield ' 0'
                yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 655 in 'model.c.j2' evaluated to false and no else section was defined.")))
            l_1_loop = l_1_index = missing
            yield ') over a minibatch of one chunk: the\n         * dense layers fold the update into their backward (sn_run.descent); a rate that is 0 in\n         * real would leave their gradients in place. */\n        const int fused = size <= SN_BATCH && (real)step_hyper[0] != 0'
            for l_1_index in environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'fusable_when'):
                _loop_vars = {}
                pass
                yield ' && step_hyper['
                yield str(l_1_index)
                yield '] == 0'
            l_1_index = missing
            yield ';\n'
        yield '        for (int done = 0; done < size; done += SN_BATCH) {\n            const int chunk = SN_MIN(SN_BATCH, size - done);\n            const real *chunk_x = x + (long)(start + done) * SN_INPUT;\n            const '
        yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
        yield ' *chunk_targets = targets + (long)(start + done) * SN_TARGETS;\n            if (order) {\n                /* On the threads the step runs on when it runs on all of them, each its part of\n                 * the rows: the samples come from memory, at once (MLP, fit on two threads, 8,192\n                 * samples: batch 64 204-308 to 189-217 µs a step, 256 731-848 to 680-763 µs). */\n                const int gatherers = threads > 1 && chunk >= SN_MIN_GATHER &&\n                                      (!pacing || pacing->step.way == SN_ALL_THREADS) ? threads : 1;\n                (void)gatherers;   /* without OpenMP */\n#ifdef _OPENMP\n                #pragma omp parallel for num_threads(gatherers) if (gatherers > 1) schedule(static)\n#endif\n                for (int n = 0; n < chunk; n++) {\n                    const long sample = order[start + done + n];\n                    memcpy(staging_x + (long)n * SN_INPUT, x + sample * SN_INPUT, sizeof(real) * SN_INPUT);\n                    memcpy(staging_targets + (long)n * SN_TARGETS, targets + sample * SN_TARGETS,\n                           sizeof(*targets) * SN_TARGETS);\n                }\n                chunk_x = staging_x;\n                chunk_targets = staging_targets;\n            }\n            written &= sn_step_chunk(chunk, size, chunk_x, chunk_targets, params, buffers, work, index, grads, thread_grads,\n                                     threads, pacing ? &pacing->step : NULL, training, steps + step, done,\n                                     '
        yield str(('fused ? (real)(-step_hyper[0]) : 0' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else '0'))
        yield ', &loss);\n        }\n        written &= update(params, grads, state, step_hyper, (double)(optimizer_steps + step + 1)'
        yield str((', fused' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else cond_expr_undefined("the inline if-expression on line 687 in 'model.c.j2' evaluated to false and no else section was defined.")))
        yield ");\n        losses[step] = loss;\n        finite = written;\n    }\n    return finite;\n}\n\n/* sn_train_steps, its verdict left to the caller's own check (fit checks every parameter\n * once per call). */\n"
        yield str((undefined(name='entry') if l_0_entry is missing else l_0_entry))
        yield 'void sn_train(int count, int batch_size, const int32_t *restrict order, const real *restrict x,\n'
        yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
        yield '              const '
        yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
        yield ' *restrict targets, real *restrict params, real *restrict grads,\n'
        yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
        yield '              real *restrict state, real *restrict work, int32_t *restrict index, real *restrict thread_grads,\n'
        yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
        yield '              real *restrict staging_x, '
        yield str(environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type'))
        yield ' *restrict staging_targets,\n'
        yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
        yield '              const double *restrict hyper, const double *restrict schedule, long steps, long optimizer_steps,\n'
        yield str((' ' * t_5((undefined(name='entry') if l_0_entry is missing else l_0_entry))))
        yield '              int threads, sn_pacing *pacing, double *restrict losses, real *restrict buffers, int training)\n{\n    (void)sn_train_steps(count, batch_size, order, x, targets, params, grads, state, work, index, thread_grads,\n                         staging_x, staging_targets, hyper, schedule, steps, optimizer_steps, threads, pacing,\n                         losses, buffers, training);\n}\n'
        if (not (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone)):
            pass
            yield "\n/* One update of the optimizer from the gradients already in grads, as step k of sn_train\n * takes it after its backward passes: the rate schedule_rate(steps, hyper[0], schedule) and\n * t = optimizer_steps + 1. It lets the gradients of a minibatch be formed elsewhere (the\n * data-parallel step of symnet.distributed sums every process's share of them first).\n * Clears grads, as sn_train's update does. */\nvoid sn_update(real *restrict params, real *restrict grads, real *restrict state, const double *restrict hyper,\n               const double *restrict schedule, long steps, long optimizer_steps)\n{\n    double step_hyper[SN_HYPER];\n    memcpy(step_hyper, hyper, sizeof(step_hyper));\n    step_hyper[0] = schedule_rate((double)steps, hyper[0], schedule);\n    (void)update(params, grads, state, step_hyper, (double)(optimizer_steps + 1)"
            yield str((', 0' if (undefined(name='fuse') if l_0_fuse is missing else l_0_fuse) else cond_expr_undefined("the inline if-expression on line 720 in 'model.c.j2' evaluated to false and no else section was defined.")))
            yield ');\n}\n'
            if (environment.getattr((undefined(name='loss') if l_0_loss is missing else l_0_loss), 'target_type') == 'int32_t'):
                pass
                yield '\n/* What sn_train trains in, set once while a module is the active one (symnet.quick_step),\n * so that a step passes one pointer for all of them. */\ntypedef struct {\n    real *params, *grads, *state, *work, *thread_grads, *staging_x, *buffers;\n    int32_t *index, *staging_targets;\n    sn_pacing *pacing;\n    int threads;\n} sn_net;\n\n/* net.step on count samples at x and their class labels, in one call: at batch 1 the checks\n * and conversions made one at a time from Python took longer than the step. labels are\n * int64 (wide, as NumPy makes them) or int32. Returns\n *   1: a sample holds NaN or an infinity, or 2: a label lies outside [0, '
                yield str(environment.getattr(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'loss'), 'classes'))
                yield '); nothing\n *      is changed (the caller names what is wrong);\n *   0: the step is taken, its loss at *loss, and every parameter is finite;\n *   3: the step is taken, and its loss or a parameter is NaN or infinite (the caller undoes it).\n * The labels are converted into keep_labels (count int32) and, when keep_x is not NULL, the\n * samples copied there: a step kept for undoing owns its inputs (the caller may change its\n * own arrays once the call returns). */\nint sn_step(const sn_net *restrict net, int count, const real *restrict x, const void *restrict labels, int wide,\n            real *restrict keep_x, int32_t *restrict keep_labels, const double *restrict hyper,\n            const double *restrict schedule, long steps, long optimizer_steps, int training, double *restrict loss)\n{\n    if (!(keep_x ? sn_scan_finite(keep_x, x, (long)count * SN_INPUT) : sn_all_finite(x, (long)count * SN_INPUT)))\n        return 1;\n    if (!sn_read_labels(labels, wide, keep_labels, count, '
                yield str(environment.getattr(environment.getattr((undefined(name='model') if l_0_model is missing else l_0_model), 'loss'), 'classes'))
                yield '))\n        return 2;\n    if (keep_x)\n        x = keep_x;\n    const int finite = sn_train_steps(count, count, NULL, x, keep_labels, net->params, net->grads, net->state,\n                                      net->work, net->index, net->thread_grads, net->staging_x,\n                                      net->staging_targets, hyper, schedule, steps, optimizer_steps, net->threads,\n                                      net->pacing, loss, net->buffers, training);\n    return isfinite(*loss) && finite ? 0 : 3;\n}\n'
    if (undefined(name='split') if l_0_split is missing else l_0_split):
        pass
        yield '#endif   /* the calls part */\n'

blocks = {}
debug_info = '1=87&3=94&5=103&8=105&9=107&10=111&12=118&14=121&15=125&16=129&17=132&20=144&21=148&22=152&25=160&26=162&27=164&28=167&29=169&30=173&33=180&34=184&45=190&46=193&49=196&52=199&54=201&55=203&56=205&57=207&85=209&86=213&89=219&92=222&93=224&106=238&111=241&112=247&113=253&118=256&120=258&121=262&125=264&126=268&129=270&130=274&131=276&132=278&153=281&155=283&158=290&160=294&162=301&164=305&167=308&169=310&171=313&174=317&175=321&184=325&185=327&187=329&188=331&193=334&287=337&288=345&289=346&290=350&300=360&301=363&302=367&304=372&312=381&315=388&316=392&317=394&318=397&320=401&322=408&312=421&331=423&333=429&331=434&337=436&344=439&348=447&349=452&350=454&351=458&352=462&354=469&355=474&359=482&369=487&370=490&371=499&344=512&381=513&384=516&397=519&411=529&413=535&426=539&440=543&441=545&442=547&471=549&478=552&503=556&517=559&523=563&529=565&530=568&531=570&545=576&547=579&570=582&573=585&574=587&598=590&606=593&619=596&639=603&642=605&654=607&655=611&658=619&663=628&685=630&687=632&696=634&697=636&698=640&699=642&700=646&701=648&707=650&720=653&722=655&736=658&749=660&762=662'
