# key: 545094aa7fcd7e9c20551820da58b5dcdd8f6023 jinja2-3.1.6 [('keep_trailing_newline', True), ('lstrip_blocks', True), ('trim_blocks', True)]
# Jinja's Python for templates/export/Makefile.j2, written by python -m symnet.precompiled: do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'export/Makefile.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_name = resolve('name')
    l_0_inference = resolve('inference')
    l_0_version = resolve('version')
    pass
    yield '# '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield ': the C library'
    yield str((' and its training driver' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 1 in 'export/Makefile.j2' evaluated to false and no else section was defined.")))
    yield ', exported by symnet '
    yield str((undefined(name='version') if l_0_version is missing else l_0_version))
    yield '.\n#\n#   make              lib'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.a'
    yield str((' and train' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 3 in 'export/Makefile.j2' evaluated to false and no else section was defined.")))
    yield str((', with OpenMP when the compiler has it' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 3 in 'export/Makefile.j2' evaluated to false and no else section was defined.")))
    yield '\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '#   make OPENMP=0     the same without OpenMP: one thread\n#   make asan         train-asan, built with AddressSanitizer and UBSan (for testing)\n'
    yield "#   make clean\n#\n# ARCH and OPTIMIZE are those of symnet's own build, so a net built here on the machine\n# that ran Python trains to the same bits (one thread); ARCH= builds for any x86-64.\n# GNU make; any C11 compiler (GCC, Clang).\n\nARCH ?= -march=native\nOPTIMIZE ?= -O3\n"
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield 'OPENMP ?= 0\n'
    else:
        pass
        yield "# 1 when the compiler builds OpenMP programs (Clang needs libomp: apt-get install libomp-dev)\nOPENMP ?= $(shell printf '\\043include <omp.h>\\nint main(void) { return omp_get_max_threads() < 1; }\\n' \\\n            | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo 1 || echo 0)\n"
    yield 'WARNINGS = -Wall -Wextra\nFLAGS = -std=gnu11 $(OPTIMIZE) $(ARCH) -fno-math-errno -fno-trapping-math $(WARNINGS)\n# GCC turns short copy loops into calls to memmove, which cost more than they save here.\nifneq ($(shell $(CC) --version 2>/dev/null | grep -c "Free Software Foundation"),0)\nFLAGS += -fno-tree-loop-distribute-patterns\nendif\nifeq ($(OPENMP),1)\nFLAGS += -fopenmp\nendif\nLDLIBS = -lm\n\n'
    if (undefined(name='inference') if l_0_inference is missing else l_0_inference):
        pass
        yield 'all: lib'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.a\n'
    else:
        pass
        yield 'all: lib'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.a train\n'
    yield '\nlib'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.a: '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.o\n\t$(AR) rcs $@ '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.o\n\n'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.o: '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.c '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.h\n\t$(CC) $(FLAGS) $(CFLAGS) -c '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.c -o $@\n'
    if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)):
        pass
        yield '\nsn_train.o: sn_train.c '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.h sn_idx.h\n\t$(CC) $(FLAGS) $(CFLAGS) -c sn_train.c -o $@\n\nsn_idx.o: sn_idx.c sn_idx.h\n\t$(CC) $(FLAGS) $(CFLAGS) -c sn_idx.c -o $@\n\ntrain: sn_train.o sn_idx.o lib'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.a\n\t$(CC) $(FLAGS) $(CFLAGS) $(LDFLAGS) sn_train.o sn_idx.o lib'
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.a $(LDLIBS) -o $@\n\nSANITIZE = -std=gnu11 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all $(WARNINGS)\n\nasan: train-asan\n\ntrain-asan: '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.c '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.h sn_train.c sn_idx.c sn_idx.h\n\t$(CC) $(SANITIZE) $(CFLAGS) '
        yield str((undefined(name='name') if l_0_name is missing else l_0_name))
        yield '.c sn_train.c sn_idx.c $(LDLIBS) -o $@\n'
    yield '\nclean:\n\trm -f '
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.o lib'
    yield str((undefined(name='name') if l_0_name is missing else l_0_name))
    yield '.a'
    yield str((' sn_train.o sn_idx.o train train-asan' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 65 in 'export/Makefile.j2' evaluated to false and no else section was defined.")))
    yield '\n\n.PHONY: all clean'
    yield str((' asan' if (not (undefined(name='inference') if l_0_inference is missing else l_0_inference)) else cond_expr_undefined("the inline if-expression on line 67 in 'export/Makefile.j2' evaluated to false and no else section was defined.")))
    yield '\n'

blocks = {}
debug_info = '1=15&3=21&4=26&16=30&34=37&35=40&37=45&40=48&41=52&43=54&44=60&45=62&47=65&53=67&54=69&60=71&61=75&65=78&67=84'
