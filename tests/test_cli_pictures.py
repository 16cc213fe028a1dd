"""The command line's pictures: ``symnet train MODEL --plot FILE`` and ``symnet show MODEL``."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import symnet as sn  # noqa: E402
import symnet.plot  # noqa: E402
import symnet.run  # noqa: E402
from symnet.cli import main  # noqa: E402
from symnet.datasets import xo_pictures  # noqa: E402
from symnet.zoo import four_pixel  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def no_debug(monkeypatch):
    monkeypatch.delenv("SYMNET_DEBUG", raising=False)


@pytest.fixture
def spy(monkeypatch):
    """Records what the command line asks sn.plot to draw, and what it drew."""
    calls = {}

    def spying(name):
        real = getattr(symnet.plot, name)

        def call(*args, **kwargs):
            figure = real(*args, **kwargs)
            calls[name] = (args, kwargs, figure)
            return figure

        monkeypatch.setattr(symnet.plot, name, call)

    spying("history")
    spying("feature_maps")
    return calls


@pytest.fixture
def no_work(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError("the command should have been refused before this")

    monkeypatch.setattr(symnet.run, "compile", refused)


def test_train_plot_draws_the_curves_of_the_run_and_show_draws_the_trained_net(tmp_path, spy, capsys):
    curves, saved, maps = tmp_path / "curves.png", tmp_path / "xo.npz", tmp_path / "maps.png"
    assert main(["train", "xo", "--epochs", "3", "--no-progress", "--plot", str(curves), "--save", str(saved)]) == 0
    out = capsys.readouterr().out
    assert f"wrote the training curves to {curves}" in out and curves.read_bytes()[:8] == PNG
    (history,), _, figure = spy["history"]
    assert sorted(history) == ["accuracy", "loss", "lr", "val_accuracy", "val_loss"]
    assert all(len(values) == 3 for values in history.values())
    drawn = {(ax.get_label(), line.get_label()): list(line.get_ydata()) for ax in figure.axes for line in ax.get_lines()}
    assert drawn[("loss", "training")] == history["loss"] and drawn[("accuracy", "validation")] == history["val_accuracy"]
    # The last validation accuracy is the test accuracy the run reports.
    assert f"test accuracy {history['val_accuracy'][-1]:.4f}" in out

    assert main(["show", "xo", "--load", str(saved), "--input", "7", "--out", str(maps)]) == 0
    assert maps.read_bytes()[:8] == PNG
    (net, x), kwargs, _ = spy["feature_maps"]
    np.testing.assert_array_equal(x, xo_pictures(1000, seed=1)[0][7])
    np.testing.assert_array_equal(net.params["conv1.weight"], sn.load(saved).params["conv1.weight"])
    assert kwargs["classes"] == ("X", "O")
    assert f"wrote {maps}: xo test sample 7 (label " in capsys.readouterr().out


def test_show_a_fresh_net_on_a_training_sample(tmp_path, spy, capsys):
    out = tmp_path / "maps.svg"
    assert main(["show", "four_pixel", "--split", "train", "--input", "2", "--seed", "4", "--out", str(out)]) == 0
    (net, x), kwargs, _ = spy["feature_maps"]
    assert isinstance(net, sn.Reference)
    np.testing.assert_array_equal(net.params["dense1.weight"], four_pixel().init_params(4)["dense1.weight"])
    assert "through a fresh four_pixel (weights seeded 4)" in kwargs["title"]
    assert out.read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize("argv, message", [
    (["show", "xo", "--input", "1000"], "symnet: --input 1000: the xo test set has 1000 samples (0 to 999)"),
    (["show", "xo", "--split", "train", "--input", "3000"],
     "symnet: --input 3000: the xo train set has 3000 samples (0 to 2999)"),
    (["show", "xo", "--layers", "conv1,conv8"], "symnet: layers: xo has no layer 'conv8'"),
    (["show", "convnet32"], "symnet: show reads samples of the data sets of"),
])
def test_show_refuses_what_it_cannot_draw(argv, message, tmp_path, capsys):
    assert main([*argv, "--out", str(tmp_path / "maps.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "maps.png").exists()


def test_show_refuses_a_saved_net_of_other_samples(tmp_path, capsys):
    saved = tmp_path / "four.npz"
    sn.compile(four_pixel(), batch=4).save(saved)
    assert main(["show", "xo", "--load", str(saved), "--out", str(tmp_path / "maps.png")]) == 2
    assert capsys.readouterr().err == (f"symnet: --load {saved}: its model four_pixel takes samples of shape (1, 2, 2), "
                                       f"the xo data set's are (1, 9, 9)\n")


@pytest.mark.parametrize("argv", [["train", "xo", "--plot"], ["show", "xo", "--out"]])
def test_a_picture_file_that_cannot_be_written_is_refused_before_the_work(argv, tmp_path, no_work, capsys):
    option = argv[-1]
    assert main([*argv, str(tmp_path / "curves.txt")]) == 2
    assert capsys.readouterr().err.startswith(f"symnet: {option} {tmp_path / 'curves.txt'}: name a picture file (")
    missing = tmp_path / "missing" / "curves.png"
    assert main([*argv, str(missing)]) == 2
    assert capsys.readouterr().err == f"symnet: {option} {missing}: there is no folder {missing.parent}\n"


def test_show_needs_out(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["show", "xo"])
    assert exit_.value.code == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err
