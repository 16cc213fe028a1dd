# key: 5444f8157c1168e7e41a18dae7c8db7e66bfc6af jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/export/README.md.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'export/README.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_version = resolve('version')
    l_0_declaration = resolve('declaration')
    l_0_dtype = resolve('dtype')
    l_0_batch = resolve('batch')
    l_0_inference = resolve('inference')
    l_0_optimizer = resolve('optimizer')
    l_0_epochs = resolve('epochs')
    l_0_hyper = resolve('hyper')
    l_0_schedule = resolve('schedule')
    l_0_ctype = resolve('ctype')
    l_0_classes = resolve('classes')
    l_0_targets = resolve('targets')
    l_0_memory = resolve('memory')
    l_0_NAME = resolve('NAME')
    l_0_modes = resolve('modes')
    l_0_param_size = resolve('param_size')
    l_0_tensors = resolve('tensors')
    l_0_buffer_tensors = resolve('buffer_tensors')
    l_0_buffer_size = resolve('buffer_size')
    l_0_min_minibatch = resolve('min_minibatch')
    l_0_states = resolve('states')
    try:
        t_1 = environment.filters['float']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'float' found.")
    try:
        t_2 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_3 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_4 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_5 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_6 = environment.filters['replace']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'replace' found.")
    pass
    yield '# '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': standalone C\n\nExported by symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield ': `'
    yield str(t_6(context.eval_ctx, (undefined(name='declaration') if l_0_declaration is missing else l_0_declaration), '\n *   ', ' '))
    yield '`, in '
    yield str((undefined(name='dtype') if l_0_dtype is missing else l_0_dtype))
    yield ', compiled\nbatch '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield ', for inference only (forward, no training)'
    else:
        pass
        yield ', trained by '
        yield str((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer))
    yield '.\n\n| file | what it is |\n|---|---|\n| `'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.h` | the API |\n| `'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ".c` | the model's C (the derived formulas in comments beside the code), then the API |\n"
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '| `sn_train.c` | the driver `train`: trains on IDX files |\n| `sn_idx.c`, `sn_idx.h` | IDX files, gzipped or not (its own inflate: no zlib) |\n'
    yield '| `weights.bin` | the weights at export |\n| `Makefile` | `make` builds `lib'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.a`'
    yield str((' and `train`' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 15 in 'export/README.md.j2' evaluated to false and no else section was defined.")))
    yield ' |\n\n## Build\n\n```sh\nmake                 # lib'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.a'
    yield str((' and train, with OpenMP when the compiler has it' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 20 in 'export/README.md.j2' evaluated to false and no else section was defined.")))
    yield '\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield 'make OPENMP=0        # without OpenMP (one thread)\nmake asan            # train-asan: AddressSanitizer and UBSan\n'
    yield "make CC=clang        # any C11 compiler; GNU make\n```\n\nOnly a C compiler and the C library are needed (`-lm`): no Python, no zlib. The flags are\nsymnet's own (`-O3 -march=native -fno-math-errno -fno-trapping-math`); `make ARCH=` builds for any machine of\nthe architecture. The library's code has no mutable globals: several nets live in one\nprocess, each used by one thread at a time.\n"
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '\n## Train\n\n```sh\n./train --images train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz \\\n        --test-images t10k-images-idx3-ubyte.gz --test-labels t10k-labels-idx1-ubyte.gz \\\n        --epochs '
        yield str((undefined(name='epochs') if l_0_epochs is missing else l_0_epochs))
        yield ' --load weights.bin --save trained.bin\n```\n\nOptions: `--epochs N` (default '
        yield str((undefined(name='epochs') if l_0_epochs is missing else l_0_epochs))
        yield '), `--lr LR` (default '
        yield str(environment.getattr((undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), 'lr'))
        yield '), `--batch-size B`\n(default '
        yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
        yield "), `--seed S` (default 0), `--no-shuffle`, `--threads T` (default: OpenMP's\ncount), `--load FILE`, `--save FILE`, "
        if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
            pass
            yield '`--schedule NAME=VALUE` (a number of the schedule, by\nname: '
            yield str(t_3(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), ', '))
            yield '), '
        yield '`--lr-decay D` (the rate times D after each epoch, as\n`net.fit(lr_decay=D)`; default '
        yield str(t_2('%g', t_1(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'lr_decay'))))
        yield str(('; not with a schedule' if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'scheduled') else cond_expr_undefined("the inline if-expression on line 46 in 'export/README.md.j2' evaluated to false and no else section was defined.")))
        yield '). Images of unsigned bytes are scaled to `v / 255`\n(computed in '
        yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
        yield '); other IDX types are used as they are. '
        if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
            pass
            yield 'Labels are integers in\n[0, '
            yield str((undefined(name='classes') if l_0_classes is missing else l_0_classes))
            yield ').'
        else:
            pass
            yield 'Targets hold '
            yield str((undefined(name='targets') if l_0_targets is missing else l_0_targets))
            yield ' values per sample.'
        yield " A header that does not fit its file, the wrong\nnumber of values per sample, a label out of range or a damaged gzip stream is refused\nwith a message naming the file and exit status 2; a step whose loss is NaN or infinite\nstops with status 1 (the weights are not saved).\n\nEach epoch prints `epoch E/N: loss L (S s)`, its minibatches' losses weighted by their\nsamples; with test files, `test loss L` and last `test accuracy A`, in eval mode.\n\n- Without `--load`, the weights are drawn afresh from `--seed` (the rules of\n  `model.init_params`, this library's generator: see `"
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init` in `'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield ".c`).\n  `--load weights.bin` starts where the exported net was (its optimizer state and step\n  counts too).\n- The shuffle: splitmix64 seeded with `--seed` (state += 0x9E3779B97F4A7C15, then its\n  finalizer), one Fisher-Yates pass per epoch (`j = next() mod (i + 1)` for i from n - 1\n  down to 1), the stream going on from epoch to epoch. It is not NumPy's, so shuffled runs\n  differ from `net.fit`'s.\n- With `--no-shuffle --threads 1` and the same `--load`, `--lr`, `--batch-size` and\n  epochs, the weights are bit for bit those of `sn.compile(..., threads=1)`'s net after\n  `net.fit(x, y, epochs=N, batch_size=B, shuffle=False, lr=LR)` on the same values\n  (built with the same flags on the same machine)"
        if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'scheduled'):
            pass
            yield ', with `schedule=` the exported schedule\n  with the numbers the driver used'
        else:
            pass
            yield ', with `lr_decay=D` for `--lr-decay D`'
        yield ". More threads change\n  the order of the gradient's sums, as in Python.\n- The schedule, "
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield ": step t (the net's step count, going on from\n  `--load`'s) trains at `"
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'formula'))
        yield '`, where lr is `--lr`.\n'
        for (l_1_key, l_1_value) in context.call(environment.getattr(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), 'items')):
            _loop_vars = {}
            pass
            if (l_1_key == environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps')):
                pass
                yield '  `'
                yield str(l_1_key)
                yield '` is the step count at the end of the run (the steps of the loaded weights plus\n  epochs x minibatches per epoch), as `symnet train` spans its run, unless `--schedule` sets it.\n'
            else:
                pass
                yield '  `'
                yield str(l_1_key)
                yield '` is '
                yield str(l_1_value)
                yield ' unless `--schedule` sets it.\n'
        l_1_key = l_1_value = missing
        yield "  Every step's rate is computed before the first, and one\n  that is negative or not finite is refused (status 2), as `net.fit` refuses it.\n"
    yield '\n## API\n\n```c\n#include "'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.h"\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield 'static '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net net;                            /* '
        yield str(environment.getattr((undefined(name='memory') if l_0_memory is missing else l_0_memory), 'total'))
        yield ' bytes, no allocation */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_init(&net, 0);\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_load(&net, "weights.bin");                  /* '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK or an error; '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_message(status) */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_forward(&net, count, x, outputs);            /* count x '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_INPUT in, count x '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OUTPUT out */\n'
        if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
            pass
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_predict(&net, count, x, classes);            /* int32_t class per sample */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_loss(&net, count, x, targets, &loss);\n'
    else:
        pass
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_net *net = '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_create(threads);       /* NULL when out of memory */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_load(net, "weights.bin");                   /* '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OK or an error; '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_message(status) */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_hyper(net, "lr", 0.01);                 /* '
        yield str(t_3(context.eval_ctx, context.call(environment.getattr((undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), 'keys')), ', '))
        yield ' */\n'
        if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
            pass
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_set_schedule(net, "'
            yield str(environment.getitem(t_5(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values')), 0))
            yield '", '
            yield str(environment.getitem(t_5(context.eval_ctx, context.call(environment.getattr(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), 'values'))), 0))
            yield ');   /* '
            yield str(t_3(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), ', '))
            yield ': '
            yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
            yield ' */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step(net, count, x, targets, &loss);         /* forward, loss, backward, '
        yield str(environment.getitem(context.call(environment.getattr((undefined(name='optimizer') if l_0_optimizer is missing else l_0_optimizer), 'split'), '('), 0))
        yield "'s update */\n"
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_train(net, samples, x, targets, count, order, batch_size, losses);   /* many steps */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_forward(net, count, x, outputs);             /* count x '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_INPUT in, count x '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_OUTPUT out */\n'
        if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
            pass
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield '_predict(net, count, x, classes);             /* int32_t class per sample, eval mode */\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_loss(net, count, x, targets, &loss);\n'
        if (undefined(name='modes') if l_0_modes is missing else l_0_modes):
            pass
            yield str((undefined(name='name') if l_0_name is missing else l_0_name))
            yield "_set_training(net, 0);                        /* eval mode (BatchNorm's running statistics, no Dropout) */\n"
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_save(net, "trained.bin");\n'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_destroy(net);\n'
    yield '```\n\n`'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_get_params` / `'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_set_params` copy all '
    yield str((undefined(name='param_size') if l_0_param_size is missing else l_0_param_size))
    yield ' parameter values; the table\n`'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield "_parameters` names each tensor, its offset, size and shape (PyTorch's layouts):\n"
    l_1_loop = missing
    for l_1_tensor, l_1_loop in LoopContext((undefined(name='tensors') if l_0_tensors is missing else l_0_tensors), undefined):
        _loop_vars = {}
        pass
        yield '`'
        yield str(environment.getattr(l_1_tensor, 'name'))
        yield '` '
        yield str(environment.getattr(l_1_tensor, 'shape'))
        yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else '.'))
        yield '\n'
    l_1_loop = l_1_tensor = missing
    if (undefined(name='buffer_tensors') if l_0_buffer_tensors is missing else l_0_buffer_tensors):
        pass
        yield '`'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_get_buffers` / `'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_buffers` do the same for the '
        yield str((undefined(name='buffer_size') if l_0_buffer_size is missing else l_0_buffer_size))
        yield ' running statistics\n(`'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_buffers`).\n'
    yield 'Any count of samples may be passed; the C takes '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    yield ' at a time.'
    if (undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch):
        pass
        yield " In training mode\nBatchNorm's statistics span the minibatch, so a minibatch holds at most "
        yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
        yield ' and at least\n'
        yield str((undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch))
        yield ' sample(s).'
    yield "\n\n## The weights file\n\nEvery number little-endian:\n\n| offset | bytes | field |\n|---:|---:|---|\n| 0 | 8 | magic: `SNWEIGHT` |\n| 8 | 4 | version: 1 |\n| 12 | 4 | bytes per value: 4 (float32) or 8 (float64) |\n| 16 | 8 | model key: a hash of the parameters' and running statistics' names and shapes |\n| 24 | 8 | P: parameter values ("
    yield str((undefined(name='param_size') if l_0_param_size is missing else l_0_param_size))
    yield ') |\n| 32 | 8 | B: running-statistic values ('
    yield str((undefined(name='buffer_size') if l_0_buffer_size is missing else l_0_buffer_size))
    yield ') |\n| 40 | 8 | S: optimizer-state values: 0 (a fresh state) or states x P'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield ' ('
        yield str(t_4((undefined(name='states') if l_0_states is missing else l_0_states)))
        yield ' x '
        yield str((undefined(name='param_size') if l_0_param_size is missing else l_0_param_size))
        yield str((str_join((': ', t_3(context.eval_ctx, (undefined(name='states') if l_0_states is missing else l_0_states), ', '), )) if (undefined(name='states') if l_0_states is missing else l_0_states) else cond_expr_undefined("the inline if-expression on line 145 in 'export/README.md.j2' evaluated to false and no else section was defined.")))
        yield ')'
    yield " |\n| 48 | 8 | state key: a hash of the optimizer's kind and state names (0 when S is 0) |\n| 56 | 8 | step count: training steps taken (Dropout's key) |\n| 64 | 8 | optimizer steps: the steps the state has seen (t - 1) |\n| 72 | | P parameter values in the order of the table above, then B running statistics, then S state values (all of the first state, then the next) |\n\nA file is exactly `72 + (P + B + S) x bytes per value` long; a file of another model,\ndtype or optimizer, cut short, or with a value that is not finite is refused and the net\nleft as it was. In Python, `symnet.export.weights.read_weights(path, model, optimizer)`\nreads it and `write_weights` writes it.\n"

blocks = {}
debug_info = '1=70&3=72&4=78&8=87&9=89&10=91&15=95&20=99&21=103&32=107&39=110&42=112&43=116&44=118&45=121&46=124&47=127&48=132&57=140&67=144&70=151&71=153&72=155&73=158&74=161&77=166&87=173&88=175&89=178&90=182&91=184&92=190&93=196&94=198&96=200&98=204&99=208&100=214&101=218&102=220&104=230&105=234&106=236&107=242&108=244&110=246&111=248&112=250&114=252&115=254&119=257&120=263&121=266&122=270&124=276&125=279&126=285&128=288&129=293&130=295&143=298&144=300&145=302'
