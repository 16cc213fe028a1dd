# key: d37c2326cf8174d9ba44a5191e6823be349072f1 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/export/sn_train.c.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'export/sn_train.c.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_version = resolve('version')
    l_0_ctype = resolve('ctype')
    l_0_schedule = resolve('schedule')
    l_0_epochs = resolve('epochs')
    l_0_hyper = resolve('hyper')
    l_0_batch = resolve('batch')
    l_0_NAME = resolve('NAME')
    l_0_input_shape = resolve('input_shape')
    l_0_classes = resolve('classes')
    l_0_min_minibatch = resolve('min_minibatch')
    l_0_modes = resolve('modes')
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
    pass
    yield '/*\n * sn_train.c: train '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ' on IDX files (exported by symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield '; see README.md).\n *\n *   ./train --images IDX --labels IDX [--test-images IDX --test-labels IDX] [--epochs N]\n *           [--lr LR] [--batch-size B] [--seed S] [--no-shuffle] [--threads T]\n *           [--load FILE] [--save FILE] [--schedule NAME=VALUE]... [--lr-decay D]\n *\n * Images of unsigned bytes are scaled to [0, 1] (v / 255, computed in '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield '); other IDX\n * types are taken as they are. Each step trains at the rate of the schedule, '
    yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
    yield ':\n * '
    yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'formula'))
    yield '\n * at the step count t, as net.fit does'
    if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps'):
        pass
        yield '; its '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps'))
        yield ' is the step count at the end of the run\n * unless --schedule sets it'
    yield '. Each epoch prints its mean loss; with test files, the last\n * line is the test accuracy. Exit status: 0 done, 2 refused input (options, files), 1\n * training diverged, out of memory, or the weights could not be saved.\n */\n#include <errno.h>\n#include <math.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <time.h>\n#ifdef _OPENMP\n#include <omp.h>\n#endif\n\n#include "'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.h"\n#include "sn_idx.h"\n\nstatic const char usage[] =\n    "usage: train --images IDX --labels IDX [--test-images IDX --test-labels IDX] [--epochs N]\\n"\n    "             [--lr LR] [--batch-size B] [--seed S] [--no-shuffle] [--threads T]\\n"\n    "             [--load FILE] [--save FILE] [--schedule NAME=VALUE]... [--lr-decay D]\\n"\n    "Trains '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ' on IDX files (gzipped or not), one line per epoch.\\n"\n    "  --epochs N       passes over the training samples (default '
    yield str((undefined(name='epochs') if l_0_epochs is missing else l_0_epochs))
    yield ')\\n"\n    "  --lr LR          learning rate (default '
    yield str(environment.getattr((undefined(name='hyper') if l_0_hyper is missing else l_0_hyper), 'lr'))
    yield ', the exported optimizer\'s)\\n"\n    "  --batch-size B   samples per minibatch (default '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    yield ', the compiled batch)\\n"\n    "  --seed S         shuffling seed, and the seed of fresh weights without --load (default 0)\\n"\n    "  --no-shuffle     minibatches in the files\' order\\n"\n    "  --threads T      threads per step (default: all that OpenMP offers; 1 without OpenMP)\\n"\n    "  --load FILE      start from these weights (the export\'s are in weights.bin)\\n"\n    "  --save FILE      write the trained weights there\\n"\n'
    if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
        pass
        yield '    "  --schedule NAME=VALUE  a number of the schedule, '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield ': '
        yield str(t_3(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), ', '))
        yield '\\n"\n'
        for (l_1_key, l_1_value) in context.call(environment.getattr(environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), 'items')):
            _loop_vars = {}
            pass
            yield '    "                   ('
            yield str(l_1_key)
            yield ' default '
            yield str(('the step count at the end of the run' if (l_1_key == environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps')) else l_1_value))
            yield ')\\n"\n'
        l_1_key = l_1_value = missing
    yield '    "  --lr-decay D     multiply the rate by D after each epoch, D in (0, 1] (default '
    yield str(t_2('%g', t_1(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'lr_decay'))))
    yield ')'
    yield str(('; not with a schedule' if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'scheduled') else cond_expr_undefined("the inline if-expression on line 49 in 'export/sn_train.c.j2' evaluated to false and no else section was defined.")))
    yield '\\n";\n\nstatic long smaller(long a, long b)\n{\n    return a < b ? a : b;\n}\n\nstatic int refuse(const char *message, const char *detail)\n{\n    fprintf(stderr, "train: %s%s\\n", message, detail ? detail : "");\n    return 2;\n}\n\n/* A whole number in [low, high], or -1. */\nstatic long whole(const char *text, long low, long high)\n{\n    char *end;\n    errno = 0;\n    const long value = strtol(text, &end, 10);\n    if (errno || end == text || *end || value < low || value > high)\n        return -1;\n    return value;\n}\n\n/* The shuffle: splitmix64 (state += 0x9E3779B97F4A7C15, then its finalizer) from the seed,\n * and a Fisher-Yates pass per epoch, j = next() mod (i + 1) for i from n - 1 down to 1. */\nstatic uint64_t next(uint64_t *state)\n{\n    uint64_t z = (*state += 0x9E3779B97F4A7C15u);\n    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;\n    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;\n    return z ^ (z >> 31);\n}\n\nstatic void shuffle(int32_t *order, int count, uint64_t *state)\n{\n    for (int i = count - 1; i > 0; i--) {\n        const int j = (int)(next(state) % (uint64_t)(i + 1));\n        const int32_t kept = order[i];\n        order[i] = order[j];\n        order[j] = kept;\n    }\n}\n\nstatic double seconds(void)\n{\n    struct timespec now;\n    timespec_get(&now, TIME_UTC);\n    return (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;\n}\n\n/* The samples of one pair of files: inputs as '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real, targets as '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_target. */\ntypedef struct {\n    int count;\n    '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real *x;\n    '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_target *targets;\n} samples;\n\nstatic void release(samples *s)\n{\n    free(s->x);\n    free(s->targets);\n    s->x = NULL;\n    s->targets = NULL;\n}\n\n/* Reads and checks both files; 0, or 2 after printing what is wrong. */\nstatic int load_samples(const char *images_path, const char *labels_path, samples *out)\n{\n    char error[512];\n    sn_idx images, labels;\n    if (sn_idx_read(images_path, &images, error, sizeof(error)) < 0)\n        return refuse(error, NULL);\n    if (sn_idx_read(labels_path, &labels, error, sizeof(error)) < 0) {\n        sn_idx_free(&images);\n        return refuse(error, NULL);\n    }\n    int status = 0;\n    const size_t count = images.dims[0];\n    if (count == 0)\n        snprintf(error, sizeof(error), "%s: holds no samples", images_path);\n    else if (count > 2147483647 - '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_BATCH)\n        snprintf(error, sizeof(error), "%s: more samples than the C counts", images_path);\n    else if (images.count / count != '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_INPUT)\n        snprintf(error, sizeof(error), "%s: %zu values per sample, where '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ' takes '
    yield str((undefined(name='input_shape') if l_0_input_shape is missing else l_0_input_shape))
    yield ': %d",\n                 images_path, images.count / count, '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_INPUT);\n    else if (labels.dims[0] != count)\n        snprintf(error, sizeof(error), "%s: %u labels for the %zu images of %s", labels_path,\n                 (unsigned)labels.dims[0], count, images_path);\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '    else if (labels.count != count || !sn_idx_integral(&labels))\n        snprintf(error, sizeof(error), "%s: not one integer label per sample", labels_path);\n'
    else:
        pass
        yield '    else if (labels.count / count != '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_TARGETS)\n        snprintf(error, sizeof(error), "%s: not %d targets per sample", labels_path, '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_TARGETS);\n'
    yield '    else\n        error[0] = 0;\n    if (error[0]) {\n        status = refuse(error, NULL);\n        goto done;\n    }\n    out->count = (int)count;\n    out->x = malloc(sizeof('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real) * images.count);\n    out->targets = malloc(sizeof('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_target) * labels.count);\n    if (!out->x || !out->targets) {\n        status = refuse("out of memory for ", images_path);\n        goto done;\n    }\n    const int bytes = images.type == 0x08;   /* unsigned bytes: pixels, scaled to [0, 1] */\n    for (size_t k = 0; k < images.count; k++) {\n        const double value = sn_idx_value(&images, k);\n        out->x[k] = bytes ? ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real)value / ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real)255 : ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_real)value;\n        if (!isfinite(out->x[k])) {\n            snprintf(error, sizeof(error), "%s: value %zu is not a finite '
    yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
    yield '", images_path, k);\n            status = refuse(error, NULL);\n            goto done;\n        }\n    }\n    for (size_t k = 0; k < labels.count; k++) {\n        const double value = sn_idx_value(&labels, k);\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '        if (!(value >= 0 && value < '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_CLASSES)) {\n            snprintf(error, sizeof(error), "%s: label %zu is %g, outside [0, %d)", labels_path, k, value,\n                     '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_CLASSES);\n            status = refuse(error, NULL);\n            goto done;\n        }\n        out->targets[k] = (int32_t)value;\n'
    else:
        pass
        yield '        out->targets[k] = ('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_real)value;\n        if (!isfinite(out->targets[k])) {\n            snprintf(error, sizeof(error), "%s: target %zu is not a finite '
        yield str((undefined(name='ctype') if l_0_ctype is missing else l_0_ctype))
        yield '", labels_path, k);\n            status = refuse(error, NULL);\n            goto done;\n        }\n'
    yield '    }\ndone:\n    if (status)\n        release(out);\n    sn_idx_free(&images);\n    sn_idx_free(&labels);\n    return status;\n}\n\nint main(int argc, char **argv)\n{\n    const char *images = NULL, *labels = NULL, *test_images = NULL, *test_labels = NULL;\n    const char *load = NULL, *save = NULL;\n    long epochs = '
    yield str((undefined(name='epochs') if l_0_epochs is missing else l_0_epochs))
    yield ', batch_size = '
    yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
    yield ', seed = 0, threads = 0;\n    double lr = -1, lr_decay = '
    yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'lr_decay'))
    yield ';\n'
    if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
        pass
        yield '    const char *numbers['
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE] = {0};   /* the values of --schedule NAME=VALUE, the last of each */\n'
    yield '    int shuffled = 1;\n    for (int k = 1; k < argc; k++) {\n        const char *option = argv[k];\n        if (strcmp(option, "--help") == 0 || strcmp(option, "-h") == 0) {\n            fputs(usage, stdout);\n            return 0;\n        }\n        if (strcmp(option, "--no-shuffle") == 0) {\n            shuffled = 0;\n            continue;\n        }\n        if (k + 1 == argc) {\n            fputs(usage, stderr);\n            return refuse("an option without its value, or unknown: ", option);\n        }\n        const char *value = argv[++k];\n        if (strcmp(option, "--images") == 0)\n            images = value;\n        else if (strcmp(option, "--labels") == 0)\n            labels = value;\n        else if (strcmp(option, "--test-images") == 0)\n            test_images = value;\n        else if (strcmp(option, "--test-labels") == 0)\n            test_labels = value;\n        else if (strcmp(option, "--load") == 0)\n            load = value;\n        else if (strcmp(option, "--save") == 0)\n            save = value;\n        else if (strcmp(option, "--epochs") == 0) {\n            if ((epochs = whole(value, 1, 1000000)) < 0)\n                return refuse("--epochs: must be a whole number from 1 to 1000000, got ", value);\n        } else if (strcmp(option, "--batch-size") == 0) {\n            if ((batch_size = whole(value, 1, 2147483647 - '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_BATCH)) < 0)\n                return refuse("--batch-size: must be a positive whole number, got ", value);\n        } else if (strcmp(option, "--seed") == 0) {\n            if ((seed = whole(value, 0, 2147483647)) < 0)\n                return refuse("--seed: must be a whole number from 0 to 2147483647, got ", value);\n        } else if (strcmp(option, "--threads") == 0) {\n            if ((threads = whole(value, 1, 1024)) < 0)\n                return refuse("--threads: must be a whole number from 1 to 1024, got ", value);\n        } else if (strcmp(option, "--lr") == 0) {\n            char *end;\n            lr = strtod(value, &end);\n            if (end == value || *end || !isfinite(lr) || lr <= 0)\n                return refuse("--lr: must be a positive finite number, got ", value);\n        } else if (strcmp(option, "--lr-decay") == 0) {\n            char *end;\n            lr_decay = strtod(value, &end);\n            if (end == value || *end || !(lr_decay > 0 && lr_decay <= 1))\n                return refuse("--lr-decay: must be a number in (0, 1], got ", value);\n'
    if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'scheduled'):
        pass
        yield '            if (lr_decay != 1)\n                return refuse("--lr-decay: the rate follows the schedule ('
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield '); give one or the other", NULL);\n'
    yield '        } else if (strcmp(option, "--schedule") == 0) {\n'
    if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
        pass
        yield "            const char *equals = strchr(value, '=');\n            int known = -1;\n            for (int n = 0; equals && n < "
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE; n++)\n                if (strlen('
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names[n]) == (size_t)(equals - value)\n                    && strncmp(value, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names[n], (size_t)(equals - value)) == 0)\n                    known = n;\n            if (known < 0)\n                return refuse("--schedule: NAME=VALUE with NAME one of the schedule\'s numbers "\n                              "('
        yield str(t_3(context.eval_ctx, environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'), ', '))
        yield '), got ", value);\n            char *end;\n            const double number = strtod(equals + 1, &end);\n            if (end == equals + 1 || *end || !isfinite(number))\n                return refuse("--schedule: the value must be a finite number, got ", value);\n            numbers[known] = equals + 1;\n'
    else:
        pass
        yield '            return refuse("--schedule: the schedule, '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield ', has no numbers to set; got ", value);\n'
    yield '        } else {\n            fputs(usage, stderr);\n            return refuse("unknown option ", option);\n        }\n    }\n    if (!images || !labels) {\n        fputs(usage, stderr);\n        return refuse("--images and --labels are required", NULL);\n    }\n    if (!test_images != !test_labels)\n        return refuse("--test-images and --test-labels go together", NULL);\n\n    samples train = {0}, test = {0};\n    int status = load_samples(images, labels, &train);\n    if (status)\n        return status;\n    if (test_images && (status = load_samples(test_images, test_labels, &test)) != 0) {\n        release(&train);\n        return status;\n    }\n'
    if (undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch):
        pass
        yield '    const long last = train.count % smaller(batch_size, train.count);\n    if (batch_size > '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_BATCH || (last && last < '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_MIN_MINIBATCH)) {\n        release(&train);\n        release(&test);\n        return refuse("--batch-size: BatchNorm\'s statistics span the minibatch, which must hold at most the compiled "\n                      "batch ('
        yield str((undefined(name='batch') if l_0_batch is missing else l_0_batch))
        yield ') and, the last one too, at least '
        yield str((undefined(name='min_minibatch') if l_0_min_minibatch is missing else l_0_min_minibatch))
        yield ' sample(s)", NULL);\n    }\n'
    yield '#ifdef _OPENMP\n    if (!threads)\n        threads = omp_get_max_threads();\n#endif\n    '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_net *net = '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_create(threads ? (int)threads : 1);\n    int32_t *order = malloc(sizeof(int32_t) * (size_t)train.count);\n    const long steps = (train.count + smaller(batch_size, train.count) - 1) / smaller(batch_size, train.count);\n    double *losses = malloc(sizeof(double) * (size_t)steps);\n    int32_t *predicted = test.count ? malloc(sizeof(int32_t) * (size_t)test.count) : NULL;\n    if (!net || !order || !losses || (test.count && !predicted)) {\n        fprintf(stderr, "train: out of memory\\n");\n        status = 1;\n        goto done;\n    }\n    if (load) {\n        const int loaded = '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_load(net, load);\n        if (loaded != '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK) {\n            fprintf(stderr, "train: --load %s: %s%s%s\\n", load, '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_message(loaded),\n                    loaded == '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE ? ": " : "", loaded == '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE ? strerror(errno) : "");\n            status = 2;\n            goto done;\n        }\n    } else {\n        '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_init(net, (uint64_t)seed);\n    }\n    if (lr > 0)\n        '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_set_hyper(net, "lr", lr);\n    '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_get_hyper(net, "lr", &lr);\n'
    if environment.getitem((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'values'):
        pass
        yield '    for (int n = 0; n < '
        yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
        yield '_SCHEDULE; n++)\n        if (numbers[n])\n            '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_schedule(net, '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_schedule_names[n], strtod(numbers[n], NULL));\n'
    if (environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'scheduled') or environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps')):
        pass
        yield '    const long first_step = '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_step_count(net), last_step = first_step + epochs * steps;\n'
    if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps'):
        pass
        yield '    if (!numbers['
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_index'))
        yield '])\n        '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_schedule(net, "'
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'run_steps'))
        yield '", (double)last_step);   /* the run\'s end, as symnet train\'s */\n'
    if environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'scheduled'):
        pass
        yield '    for (long t = first_step; t < last_step; t++) {   /* every rate before the first step, as net.fit checks them */\n        const double rate = '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_rate(net, t);\n        if (!(isfinite(rate) && rate >= 0)) {\n            fprintf(stderr, "train: the schedule '
        yield str(environment.getattr((undefined(name='schedule') if l_0_schedule is missing else l_0_schedule), 'description'))
        yield ' gives the rate %g at step %ld\\n", rate, t);\n            status = 2;\n            goto done;\n        }\n    }\n'
    yield '    uint64_t stream = (uint64_t)seed;\n    for (int n = 0; n < train.count; n++)\n        order[n] = n;\n    for (long epoch = 1; epoch <= epochs; epoch++) {\n        const double started = seconds();\n        if (shuffled)\n            shuffle(order, train.count, &stream);\n        const int result = '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield "_train(net, train.count, train.x, train.targets, train.count, order,\n                                            (int)batch_size, losses);\n        double sum = 0;\n        for (long k = 0; k < steps; k++) {\n            const long size = smaller(batch_size, train.count - k * batch_size);\n            sum += losses[k] * (double)size;   /* each minibatch's mean loss, weighted by its samples */\n        }\n        if (result == "
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_DIVERGED) {\n            long bad = 0;\n            while (bad < steps && isfinite(losses[bad]))\n                bad++;\n            if (bad < steps)\n                fprintf(stderr, "train: training diverged at epoch %ld, step %ld of %ld (the loss is %g); a smaller "\n                        "--lr may help; the weights are not saved\\n", epoch, bad + 1, steps, losses[bad]);\n            else   /* every loss finite, but a step took the weights past the largest value */\n                fprintf(stderr, "train: training diverged at epoch %ld: the weights are no longer finite; a smaller "\n                        "--lr may help; the weights are not saved\\n", epoch);\n            status = 1;\n            goto done;\n        }\n        if (result != '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK) {\n            fprintf(stderr, "train: %s\\n", '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_message(result));\n            status = 2;\n            goto done;\n        }\n        printf("epoch %ld/%ld: loss %.6f (%.2f s)\\n", epoch, epochs, sum / train.count, seconds() - started);\n        fflush(stdout);\n        if (lr_decay != 1) {   /* as net.fit(lr_decay=): the rate times lr_decay, in double, after each epoch */\n            lr *= lr_decay;\n            '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_set_hyper(net, "lr", lr);\n        }\n    }\n    if (test.count) {\n        double loss = 0;\n'
    if (undefined(name='modes') if l_0_modes is missing else l_0_modes):
        pass
        yield '        '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_training(net, 0);   /* the test runs in eval mode */\n'
    yield '        if ('
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_loss(net, test.count, test.x, test.targets, &loss) != '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK) {\n            fprintf(stderr, "train: the test samples could not be evaluated\\n");\n            status = 2;\n            goto done;\n        }\n        printf("test loss %.6f\\n", loss);\n'
    if (undefined(name='classes') if l_0_classes is missing else l_0_classes):
        pass
        yield '        '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_predict(net, test.count, test.x, predicted);\n        long correct = 0;\n        for (int n = 0; n < test.count; n++)\n            correct += predicted[n] == test.targets[n];\n        printf("test accuracy %.4f\\n", (double)correct / test.count);\n'
    if (undefined(name='modes') if l_0_modes is missing else l_0_modes):
        pass
        yield '        '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '_set_training(net, 1);\n'
    yield '    }\n    if (save) {\n        const int saved = '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_save(net, save);\n        if (saved != '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_OK) {\n            fprintf(stderr, "train: --save %s: %s%s%s\\n", save, '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_message(saved),\n                    saved == '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE ? ": " : "", saved == '
    yield str((undefined(name='NAME') if l_0_NAME is missing else l_0_NAME))
    yield '_ERROR_FILE ? strerror(errno) : "");\n            status = 1;\n        }\n    }\ndone:\n    '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '_destroy(net);\n    free(order);\n    free(losses);\n    free(predicted);\n    release(&train);\n    release(&test);\n    return status;\n}\n'

blocks = {}
debug_info = '2=42&8=46&9=48&10=50&11=52&27=58&34=60&35=62&36=64&37=66&43=68&44=71&45=75&46=79&49=85&100=89&103=93&104=95&130=97&132=99&133=101&134=105&138=107&142=113&143=115&152=118&153=120&161=122&163=128&170=130&171=133&173=135&179=140&181=142&199=145&200=149&201=151&202=154&236=157&254=159&256=162&259=165&262=168&263=170&264=172&268=174&275=179&297=182&299=185&303=189&310=194&321=198&322=200&323=202&324=204&329=208&332=210&333=212&334=214&335=217&337=219&339=223&340=226&342=228&343=231&344=233&346=237&348=240&350=242&363=245&370=247&383=249&384=251&392=253&397=255&398=258&400=261&406=265&407=268&413=270&414=273&418=276&419=278&420=280&421=282&426=286'
