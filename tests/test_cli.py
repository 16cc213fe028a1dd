"""The command line and the built-in models."""

import gzip
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import symnet as sn
import symnet.bench
import symnet.run
from symnet.build import BuildError
from symnet.cli import GENERATED as GENERATED_MODELS
from symnet.cli import fraction, int_list, main, non_negative_int, parser, positive_float, positive_int
from symnet.emit import emit
from symnet.zoo import MODELS, RECIPES, ModelFileError, load_model

TINY = "import symnet as sn\nmodel = sn.Sequential(sn.Input(2), sn.Dense(2), loss=sn.MeanSquaredError())\n"


@pytest.fixture(autouse=True)
def no_debug(monkeypatch):
    """Errors are reported, not raised, whatever the environment running the tests says."""
    monkeypatch.delenv("SYMNET_DEBUG", raising=False)


def error_line(err: str) -> str:
    """The one line of standard error, checked to be one ``symnet: ...`` line."""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("symnet: "), err
    return err.rstrip("\n")


def test_derive_prints_the_derivation(capsys):
    assert main(["derive", "lenet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Derivation of lenet")
    assert "∂L/∂dense3.bias = ∂L/∂dense3 · ∂dense3/∂dense3.bias" in out


def test_derive_latex(capsys):
    assert main(["derive", "mlp", "--latex"]) == 0
    assert capsys.readouterr().out.startswith("\\begin{aligned}")


def test_summary(capsys):
    assert main(["summary", "xo"]) == 0
    assert "maxpool1  MaxPool(2, ceil_mode=True)" in capsys.readouterr().out


def test_model_from_a_file(tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text(textwrap.dedent("""
        import sympy, symnet as sn
        def tiny():
            return sn.Sequential(sn.Input(3), sn.Dense(2),
                                 sn.Activation("softplus", lambda x: sympy.log(1 + sympy.exp(x))),
                                 loss=sn.MeanSquaredError(), name="tiny")
        model = tiny()
    """))
    assert main(["derive", f"{path}:tiny"]) == 0
    assert "∂y/∂x = 1 - exp(-y)   (in terms of the output y)" in capsys.readouterr().out
    assert load_model(str(path)).name == "tiny"


@pytest.mark.parametrize("spec, message", [
    ("nope", "unknown model 'nope'"),
    ("missing.py", "does not exist"),
])
def test_bad_model_names_exit_with_a_message(spec, message, capsys):
    assert main(["derive", spec]) == 2
    assert message in capsys.readouterr().err


def test_bad_model_file_reports_the_layer(tmp_path, capsys):
    path = tmp_path / "bad.py"
    path.write_text("import symnet as sn\nmodel = sn.Sequential(sn.Input(1, 4, 4), sn.Conv2D(2, 7), loss=sn.MeanSquaredError())\n")
    assert main(["derive", str(path)]) == 2
    assert "conv1 (Conv2D(2, 7)): kernel 7x7 is larger than its padded input 4x4" in capsys.readouterr().err


def test_console_script_runs():
    result = subprocess.run([sys.executable, "-m", "symnet.cli", "summary", "four_pixel"],
                            capture_output=True, text=True, check=True)
    assert "total parameters" in result.stdout


@pytest.mark.parametrize("name", MODELS)
def test_built_in_models_declare_and_derive(name):
    model = MODELS[name]()
    assert isinstance(model, sn.Sequential) and model.name == name
    assert len(model.derivation().chains) == len(model.param_specs())


GENERATED = Path(__file__).resolve().parent.parent / "generated"


@pytest.mark.parametrize("name", GENERATED_MODELS)
def test_generated_c_is_current(name):
    """generated/ holds what the compiler writes now; regenerate with `symnet generate`."""
    committed = (GENERATED / f"{name}.c").read_text()
    assert committed == emit(MODELS[name](), "float32", 64).source, "stale: run `symnet generate`"


def test_generate_writes_every_example(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"{name}.c" for name in GENERATED_MODELS)


def test_compile_reports_and_copies(tmp_path, capsys):
    assert main(["compile", "xo", "--batch", "8", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "xo: float32, compiled batch 8" in out and "-O3" in out and "C source" in out
    assert (tmp_path / "xo.c").exists() and list(tmp_path.glob("_symnet_*.so"))


def test_check_passes_on_a_built_in_model(capsys):
    assert main(["check", "four_pixel"]) == 0
    out = capsys.readouterr().out
    assert out.count("OK: the compiled net agrees with the reference") == 2


def test_train_a_built_in_model(tmp_path, capsys):
    saved = tmp_path / "xo.npz"
    assert main(["train", "xo", "--epochs", "3", "--no-progress", "--save", str(saved)]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split(",")[0])
    assert accuracy > 0.8
    assert sn.load(saved).model.name == "xo"


def test_train_needs_a_known_data_set(tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text("import symnet as sn\nmodel = sn.Sequential(sn.Input(2), sn.Dense(2), loss=sn.MeanSquaredError())\n")
    assert main(["train", str(path)]) == 2
    assert "train knows the data of" in capsys.readouterr().err


# Options: the parser refuses counts and rates that cannot be meant, naming the option.
@pytest.fixture
def no_work(monkeypatch):
    """Compiling or benchmarking fails the test: the command should have been refused before."""
    def refused(*args, **kwargs):
        raise AssertionError("the command should have been refused before this")

    monkeypatch.setattr(symnet.run, "compile", refused)
    monkeypatch.setattr(symnet.bench, "run", refused)


@pytest.mark.parametrize("argv, option, value, expected", [
    (["train", "lenet"], "--epochs", "0", "a positive integer"),
    (["train", "lenet"], "--epochs", "1.5", "a positive integer"),
    (["train", "lenet"], "--batch", "0", "a positive integer"),
    (["train", "lenet"], "--batch", "-4", "a positive integer"),
    (["train", "lenet"], "--lr", "0", "a positive finite number"),
    (["train", "lenet"], "--lr", "-0.1", "a positive finite number"),
    (["train", "lenet"], "--lr", "nan", "a positive finite number"),
    (["train", "lenet"], "--lr", "inf", "a positive finite number"),
    (["train", "lenet"], "--lr", "fast", "a positive finite number"),
    (["train", "lenet"], "--momentum", "1", "a number in [0, 1)"),
    (["train", "lenet"], "--momentum", "-0.5", "a number in [0, 1)"),
    (["train", "lenet"], "--seed", "-1", "a non-negative integer"),
    (["check", "xo"], "--batch", "0", "a positive integer"),
    (["check", "xo"], "--seed", "-1", "a non-negative integer"),
    (["compile", "xo"], "--batch", "0", "a positive integer"),
    (["bench", "xo"], "--batches", "0", "comma-separated positive integers"),
    (["bench", "xo"], "--batches", "a,b", "comma-separated positive integers"),
    (["bench", "xo"], "--batches", "1,,16", "comma-separated positive integers"),
    (["bench", "xo"], "--threads", "0", "comma-separated positive integers"),
])
def test_the_parser_refuses_counts_and_rates_naming_the_option(argv, option, value, expected, no_work, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, option, value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: symnet {argv[0]} ")
    assert err.splitlines()[-1] == f"symnet {argv[0]}: error: argument {option}: must be {expected}, got '{value}'"


def test_the_option_types_accept_what_they_should():
    assert positive_int("3") == 3 and non_negative_int("0") == 0
    assert positive_float("1e-3") == 0.001 and fraction("0") == 0.0 and fraction("0.99") == 0.99
    assert int_list("1,16") == [1, 16]
    bench = parser().parse_args(["bench", "xo"])
    assert bench.batches == [1, 16, 64, 256] and bench.threads == [1, 2]


def test_a_refused_option_in_a_real_process():
    result = subprocess.run([sys.executable, "-m", "symnet.cli", "train", "lenet", "--epochs", "0"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    # argparse's usage (which may wrap), then one line of error.
    assert [line for line in result.stderr.splitlines() if "error" in line] == [
        "symnet train: error: argument --epochs: must be a positive integer, got '0'"]


class FakeNet:
    """Stands in for a compiled net, to see what ``train`` asks for without training."""

    def __init__(self, model, batch, dtype, optimizer):
        self.batch, self.optimizer, self.fitted = batch, optimizer, None

    def fit(self, x, y, **settings):
        self.fitted = settings

    def evaluate(self, x, y):
        return {"accuracy": 1.0, "loss": 0.0}


@pytest.fixture
def fake_compile(monkeypatch):
    nets = []

    def compile(model, batch, dtype, optimizer):
        nets.append(FakeNet(model, batch, dtype, optimizer))
        return nets[-1]

    monkeypatch.setattr(symnet.run, "compile", compile)
    return nets


def test_train_uses_the_options_given_and_the_recipe_for_the_rest(fake_compile, capsys):
    assert main(["train", "xo", "--epochs", "2", "--lr", "0.5", "--momentum", "0", "--batch", "4",
                 "--no-progress"]) == 0
    net = fake_compile[-1]
    assert net.batch == 4 and net.fitted["epochs"] == 2 and net.fitted["schedule"] is None
    assert (net.optimizer.kind, net.optimizer.lr, net.optimizer.momentum) == ("SGD", 0.5, 0.0)
    recipe = RECIPES["xo"]
    assert main(["train", "xo", "--no-progress"]) == 0
    net = fake_compile[-1]
    assert net.batch == recipe.batch and net.fitted["epochs"] == recipe.epochs
    assert (net.optimizer.kind, net.optimizer.lr, net.optimizer.momentum) == ("SGD", recipe.lr, recipe.momentum)


def test_a_modern_recipe_trains_with_its_optimizer_and_schedule(fake_compile, capsys):
    recipe = RECIPES["lenet_modern"]
    assert main(["train", "lenet_modern", "--epochs", "2", "--no-progress"]) == 0
    net = fake_compile[-1]
    assert repr(net.optimizer) == repr(recipe.optimizer())
    steps = 2 * -(-4000 // recipe.batch)
    assert repr(net.fitted["schedule"]) == repr(recipe.schedule(steps))
    assert main(["train", "lenet_modern", "--lr", "0.02", "--no-progress"]) == 0
    assert fake_compile[-1].optimizer.lr == 0.02 and fake_compile[-1].optimizer.kind == "AdamW"
    assert main(["train", "lenet_modern", "--momentum", "0.5"]) == 2
    assert "AdamW, which has no momentum" in capsys.readouterr().err


# Errors: one line, "symnet: ...", exit status 2 for bad input, never a traceback.
@pytest.mark.parametrize("source, line", [
    ('raise RuntimeError("bad\\nthe last line says why")\n', "RuntimeError: the last line says why"),
    ("import symnet_no_such_module\n", "ModuleNotFoundError: No module named 'symnet_no_such_module'"),
    ("model = (\n", "SyntaxError: '(' was never closed (net.py, line 1)"),
    ("assert False\n", "AssertionError"),
])
def test_a_model_file_that_raises_is_named(source, line, tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text(source)
    assert main(["derive", str(path)]) == 2
    assert error_line(capsys.readouterr().err) == f"symnet: {path}: {line}"


def test_a_model_function_that_raises_is_named(tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text("def tiny():\n    raise TypeError('no')\n")
    assert main(["summary", f"{path}:tiny"]) == 2
    assert error_line(capsys.readouterr().err) == f"symnet: {path}:tiny: TypeError: no"


def test_load_model_keeps_what_the_file_raised(tmp_path):
    path = tmp_path / "net.py"
    path.write_text("raise KeyError('weights')\n")
    with pytest.raises(ModelFileError, match="net.py: KeyError: 'weights'") as raised:
        load_model(str(path))
    assert isinstance(raised.value.__cause__, KeyError)


@pytest.mark.parametrize("attribute, message", [
    ("nope", "has no attribute 'nope'"),
    ("number", "net.py:number is int, not a sn.Model or sn.Sequential"),
])
def test_a_wrong_attribute_is_one_line(attribute, message, tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text(TINY + "number = 3\n")
    assert main(["summary", f"{path}:{attribute}"]) == 2
    assert message in error_line(capsys.readouterr().err)


def test_a_model_file_error_in_a_real_process(tmp_path):
    path = tmp_path / "net.py"
    path.write_text("raise RuntimeError('no')\n")
    result = subprocess.run([sys.executable, "-m", "symnet.cli", "summary", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert error_line(result.stderr) == f"symnet: {path}: RuntimeError: no"


@pytest.mark.parametrize("command", [["compile", "xo"], ["generate"]])
def test_out_naming_a_file_is_refused(command, tmp_path, no_work, capsys):
    taken = tmp_path / "taken"
    taken.write_text("mine\n")
    assert main([*command, "--out", str(taken)]) == 2
    assert error_line(capsys.readouterr().err) == f"symnet: --out {taken}: exists and is not a folder"
    assert taken.read_text() == "mine\n"


@pytest.mark.parametrize("argv, option", [
    (["train", "xo", "--save"], "--save"),
    (["bench", "xo", "--no-peers", "--json"], "--json"),
])
def test_an_output_file_without_a_folder_is_refused_before_the_work(argv, option, tmp_path, no_work, capsys):
    target = tmp_path / "missing" / "out"
    assert main([*argv, str(target)]) == 2
    assert error_line(capsys.readouterr().err) == f"symnet: {option} {target}: there is no folder {target.parent}"


def idx_bytes(array: np.ndarray) -> bytes:
    """``array`` (uint8) as an IDX file."""
    return bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape) + array.tobytes()


def mnist_folder(folder: Path, damage) -> Path:
    """The four MNIST IDX files (ten blank digits each), gzipped; ``damage`` spoils the test labels' bytes."""
    folder.mkdir()
    for stem, shape in [("train-images-idx3-ubyte", (10, 28, 28)), ("train-labels-idx1-ubyte", (10,)),
                        ("t10k-images-idx3-ubyte", (10, 28, 28)), ("t10k-labels-idx1-ubyte", (10,))]:
        raw = gzip.compress(idx_bytes(np.zeros(shape, np.uint8)))
        (folder / f"{stem}.gz").write_bytes(damage(raw) if stem.startswith("t10k-labels") else raw)
    return folder


@pytest.mark.parametrize("damage, message", [
    (lambda raw: raw[:-12], "Compressed file ended before the end-of-stream marker was reached"),  # EOFError
    (lambda raw: raw[:10] + b"\xff" * (len(raw) - 10), "invalid block type"),  # zlib.error
    (lambda raw: raw[:-8] + b"\0" * 8, "CRC check failed"),  # gzip.BadGzipFile
])
def test_a_damaged_gzip_data_file_is_one_line(damage, message, tmp_path, capsys):
    folder = mnist_folder(tmp_path / "mnist", damage)
    assert main(["train", "mlp", "--data", str(folder)]) == 2
    line = error_line(capsys.readouterr().err)
    assert line.startswith(f"symnet: {folder / 't10k-labels-idx1-ubyte.gz'}: a damaged gzip file (") and message in line


def test_a_data_file_that_is_not_idx_is_named(tmp_path, capsys):
    folder = mnist_folder(tmp_path / "mnist", lambda raw: gzip.compress(b"PK\x03\x04 not IDX"))
    assert main(["train", "mlp", "--data", str(folder)]) == 2
    assert error_line(capsys.readouterr().err) == f"symnet: {folder / 't10k-labels-idx1-ubyte.gz'}: not an IDX file"


def test_an_os_error_names_its_file(monkeypatch, capsys):
    def summary(self):
        raise PermissionError(13, "Permission denied", "/root/weights.npz")

    monkeypatch.setattr(sn.Sequential, "summary", summary)
    assert main(["summary", "xo"]) == 2
    assert error_line(capsys.readouterr().err) == "symnet: /root/weights.npz: Permission denied"


def test_a_long_error_is_cut_to_its_first_line(monkeypatch, capsys):
    def compile(model, **settings):
        raise BuildError("compiling the generated C failed (/tmp/xo.c):\nxo.c:1: error: one\nxo.c:2: error: two")

    monkeypatch.setattr(symnet.run, "compile", compile)
    assert main(["compile", "xo"]) == 2
    assert error_line(capsys.readouterr().err) == \
        "symnet: compiling the generated C failed (/tmp/xo.c): ... (SYMNET_DEBUG=1 shows 2 more lines)"


def test_an_interrupt_is_one_line_and_130(tmp_path, capsys):
    path = tmp_path / "net.py"
    path.write_text("raise KeyboardInterrupt\n")
    assert main(["derive", str(path)]) == 130
    assert error_line(capsys.readouterr().err) == "symnet: interrupted"


def broken_summary(self):
    raise KeyError("layer")


def test_an_internal_error_is_one_line_and_1(monkeypatch, capsys):
    monkeypatch.setattr(sn.Sequential, "summary", broken_summary)
    assert main(["summary", "xo"]) == 1
    assert error_line(capsys.readouterr().err) == \
        "symnet: internal error: KeyError: 'layer' (rerun with SYMNET_DEBUG=1 to see the traceback)"


def test_symnet_debug_raises_the_error(monkeypatch):
    monkeypatch.setattr(sn.Sequential, "summary", broken_summary)
    monkeypatch.setenv("SYMNET_DEBUG", "1")
    with pytest.raises(KeyError, match="layer"):
        main(["summary", "xo"])


def test_a_closed_standard_output_ends_quietly():
    process = subprocess.Popen([sys.executable, "-m", "symnet.cli", "derive", "lenet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # long before the derivation is printed: as `| head` does once it has its lines
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141
    assert err == ""


def test_divergence_is_refused_input(capsys):
    assert main(["train", "four_pixel", "--lr", "1e300", "--epochs", "1", "--no-progress"]) == 2
    line = error_line(capsys.readouterr().err)
    assert line.startswith("symnet: ") and "diverged" in line.lower() or "DivergenceError" not in line
