"""sn.plot: what the figures draw is the net's data (images equal to the activations, bars
to the softmax, curves to the history), and bad arguments are refused by name."""

import subprocess
import sys
import textwrap
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import symnet as sn  # noqa: E402
from symnet.datasets import xo_pictures  # noqa: E402
from symnet.zoo import XO_FEATURES, xo  # noqa: E402


def axes_by_label(figure) -> dict:
    """Every Axes of ``figure`` (through its subfigures) by its label."""
    found = {}

    def walk(container):
        for ax in container.axes:
            if ax.get_label():
                found[ax.get_label()] = ax
        for sub in container.subfigs:
            walk(sub)

    walk(figure)
    return found


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@pytest.fixture(scope="module")
def xo_reference():
    model = xo()
    params = model.init_params(3)
    params["conv1.weight"] = np.array(XO_FEATURES, dtype=float)[:, None]
    return sn.Reference(model, params)


@pytest.fixture(scope="module")
def picture():
    return xo_pictures(1, seed=5)[0][0]


# -- import -------------------------------------------------------------------------------
def test_import_symnet_does_not_import_matplotlib():
    code = "import sys, symnet; assert 'matplotlib' not in sys.modules; symnet.plot; assert 'matplotlib' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_matplotlib_sn_plot_says_what_to_install():
    code = textwrap.dedent("""
        import sys
        sys.modules["matplotlib"] = None     # as if it were not installed
        import symnet as sn
        try:
            sn.plot
        except ImportError as error:
            print(error)
    """)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "matplotlib, which is not installed: pip install 'symnet[plot]'" in out


# -- feature maps -------------------------------------------------------------------------
def test_feature_maps_draw_the_activations_and_the_votes(xo_reference, picture):
    figure = sn.plot.feature_maps(xo_reference, picture, classes=("X", "O"))
    drawn = axes_by_label(figure)
    activations = dict(zip([layer.name for layer in xo_reference.model.layers],
                           xo_reference.activations(picture[None])))
    np.testing.assert_array_equal(drawn["input[0]"].images[0].get_array(), picture[0])
    for layer in ("conv1", "relu1", "maxpool1"):          # all but Flatten and the output
        for k in range(3):
            np.testing.assert_allclose(drawn[f"{layer}[{k}]"].images[0].get_array(), activations[layer][0, k],
                                       rtol=0, atol=0)
    assert not any(name.startswith(("flatten1", "dense1")) for name in drawn)
    bars = [patch.get_height() for patch in drawn["votes"].patches]
    np.testing.assert_allclose(bars, softmax(activations["dense1"][0]), rtol=1e-12)
    assert [label.get_text() for label in drawn["votes"].get_xticklabels()] == ["X", "O"]
    # The walk-through's numbers: the "\" feature on the X's top-left patch matches 0.78.
    assert "conv1[0] 7x7" in drawn["conv1[0]"].get_title()


def test_the_walk_through_x_gives_the_texts_match_scores(xo_reference):
    x = np.full((9, 9), -1.0)
    for k in range(1, 8):
        x[k, k] = x[k, 8 - k] = 1.0
    figure = sn.plot.feature_maps(xo_reference, x, layers=["conv1"], votes=False)
    conv = axes_by_label(figure)["conv1[0]"]
    np.testing.assert_allclose(conv.images[0].get_array()[0, :2], [7 / 9, -1 / 9])
    written = [text.get_text() for text in conv.texts]      # a 7x7 map has its values written in
    assert written[:2] == ["0.78", "-0.11"] and len(written) == 49


def test_scales_shared_per_layer_and_fixed(xo_reference, picture):
    activations = xo_reference.activations(picture[None])
    largest = max(np.abs(activations[k]).max() for k in range(3))
    drawn = axes_by_label(sn.plot.feature_maps(xo_reference, picture))
    norms = {name: (ax.images[0].norm.vmin, ax.images[0].norm.vmax) for name, ax in drawn.items() if ax.images}
    assert {norms[f"{layer}[{k}]"] for layer in ("conv1", "relu1", "maxpool1") for k in range(3)} == {(-largest, largest)}
    assert norms["input[0]"] == (-1, 1)                     # the input's pixels keep a scale of their own
    drawn = axes_by_label(sn.plot.feature_maps(xo_reference, picture, scale="layer"))
    relu = np.abs(activations[1]).max()
    assert (drawn["relu1[2]"].images[0].norm.vmin, drawn["relu1[2]"].images[0].norm.vmax) == (-relu, relu)
    drawn = axes_by_label(sn.plot.feature_maps(xo_reference, picture, scale=1))
    assert drawn["conv1[1]"].images[0].norm.vmax == 1.0


def test_feature_maps_of_a_compiled_net_run_in_eval_mode_and_leave_the_mode():
    model = sn.Sequential(sn.Input(2, 6, 6), sn.Conv2D(3, 3), sn.BatchNorm(), sn.ReLU(), sn.Dropout(0.5),
                          sn.Flatten(), sn.Dense(4), loss=sn.SoftmaxCrossEntropy(), name="plotted")
    net = sn.compile(model, batch=4, dtype="float64")
    x = np.random.default_rng(0).normal(size=(4, 2, 6, 6))
    net.fit(x, np.arange(4), epochs=2, progress=False)     # running statistics that are not the initial ones
    assert net.training
    drawn = axes_by_label(sn.plot.feature_maps(net, x[1]))
    assert net.training
    expected = net.eval().activations(x[1:2])
    for index, layer in enumerate(model.layers[:4]):
        for k in range(3):
            np.testing.assert_array_equal(drawn[f"{layer.name}[{k}]"].images[0].get_array(), expected[index][0, k])
    np.testing.assert_allclose([p.get_height() for p in drawn["votes"].patches], softmax(expected[-1][0]), rtol=1e-12)


def test_vector_layers_are_strips_and_a_regressor_shows_its_outputs():
    model = sn.Sequential(sn.Input(5), sn.Dense(7), sn.Tanh(), sn.Dense(3), loss=sn.MeanSquaredError())
    ref = sn.Reference(model)
    x = np.linspace(-1, 1, 5)
    drawn = axes_by_label(sn.plot.feature_maps(ref, x))
    activations = ref.activations(x[None])
    np.testing.assert_array_equal(drawn["tanh1"].images[0].get_array(), activations[1])
    np.testing.assert_allclose([p.get_height() for p in drawn["votes"].patches], activations[-1][0])
    assert "outputs of dense2" in drawn["votes"].get_title()


@pytest.mark.parametrize("call, message", [
    (lambda ref, x: sn.plot.feature_maps(ref, np.zeros((2, 1, 9, 9))),
     "x: one sample of shape (1, 9, 9) (or (1, 1, 9, 9)), got shape (2, 1, 9, 9)"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, layers=["conv1", "conv9"]), "layers: xo has no layer 'conv9'"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, classes=("X",)), "classes: 1 names for 2 outputs"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, scale="loud"), "scale: 'shared', 'layer' or a positive number"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, scale=-1.0), "scale: 'shared', 'layer' or a positive number"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, captions={"conv7": "?"}), "captions: xo has no layer 'conv7'"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, path="maps.txt"), "path: maps.txt does not end in a picture format"),
    (lambda ref, x: sn.plot.feature_maps(ref, x, path="/no/such/folder/maps.png"), "path: there is no folder"),
    (lambda ref, x: sn.plot.filters(ref, "relu1"), "layer: relu1 is ReLU(), not a convolution (Conv2D)"),
    (lambda ref, x: sn.plot.filters(ref, "conv5"), "layer: xo has no layer 'conv5'"),
])
def test_bad_arguments_are_refused_by_name(xo_reference, picture, call, message):
    with pytest.raises(ValueError) as error:
        call(xo_reference, picture)
    assert message in str(error.value)


def test_feature_maps_need_a_net(picture):
    with pytest.raises(TypeError, match="net: expected a compiled net"):
        sn.plot.feature_maps(xo().init_params(), picture)


def test_filters_draw_the_kernels(xo_reference):
    drawn = axes_by_label(sn.plot.filters(xo_reference, "conv1"))
    for o in range(3):
        np.testing.assert_array_equal(drawn[f"conv1.weight[{o}, 0]"].images[0].get_array(), XO_FEATURES[o])
    assert [t.get_text() for t in drawn["conv1.weight[0, 0]"].texts][:3] == ["1.00", "-1.00", "-1.00"]
    model = sn.Sequential(sn.Input(3, 8, 8), sn.Conv2D(40, 3), sn.Flatten(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy())
    ref = sn.Reference(model)
    figure = sn.plot.filters(ref, "conv1", max_filters=4)
    drawn = axes_by_label(figure)
    assert len([name for name in drawn if name.startswith("conv1.weight")]) == 12
    assert "the first 4 x 3 of 40 x 3" in figure._suptitle.get_text()
    np.testing.assert_array_equal(drawn["conv1.weight[3, 2]"].images[0].get_array(), ref.params["conv1.weight"][3, 2])


def test_a_figure_is_written_atomically_where_path_says(xo_reference, picture, tmp_path):
    path = tmp_path / "maps.png"
    figure = sn.plot.feature_maps(xo_reference, picture, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["maps.png"]     # no temporary left behind
    assert figure.get_size_inches()[0] > 3
    sn.plot.filters(xo_reference, "conv1", path=tmp_path / "filters.svg")
    assert (tmp_path / "filters.svg").read_text().lstrip().startswith("<?xml")


# -- history ----------------------------------------------------------------------------
def curves(figure) -> dict:
    return {(ax.get_label(), line.get_label()): (list(line.get_xdata()), list(line.get_ydata()))
            for ax in figure.axes for line in ax.get_lines()}


def test_history_draws_every_curve_point_for_point():
    history = {"loss": [0.9, 0.5, 0.3], "lr": [0.1, 0.05, 0.025], "accuracy": [0.6, 0.8, 0.9],
               "val_loss": [1.0, 0.6, 0.5], "val_accuracy": [0.55, 0.7, 0.8]}
    drawn = curves(sn.plot.history(history))
    assert drawn == {
        ("loss", "training"): ([1, 2, 3], history["loss"]), ("loss", "validation"): ([1, 2, 3], history["val_loss"]),
        ("accuracy", "training"): ([1, 2, 3], history["accuracy"]),
        ("accuracy", "validation"): ([1, 2, 3], history["val_accuracy"]),
        ("lr", "learning rate"): ([1, 2, 3], history["lr"]),
    }
    # A constant rate is no panel of its own; the loss alone is one panel.
    assert [ax.get_label() for ax in sn.plot.history({"loss": [2.0, 1.0], "lr": [0.1, 0.1]}).axes] == ["loss"]


def test_history_into_the_axes_given():
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.subplots()
    assert sn.plot.history({"loss": [3.0, 2.0, 1.5]}, ax=ax) is figure
    assert list(ax.get_lines()[0].get_ydata()) == [3.0, 2.0, 1.5]
    with pytest.raises(ValueError, match=r"ax: 1 Axes for 2 panels \(loss, accuracy\)"):
        sn.plot.history({"loss": [1.0], "val_accuracy": [0.5]}, ax=ax)
    assert sn.plot.history({"loss": [1.0], "val_accuracy": [0.5]}, ax=ax, panels="accuracy") is figure


@pytest.mark.parametrize("history, error, message", [
    ([0.5, 0.4], TypeError, "history: expected the dict that fit returns"),
    ({"val_loss": [1.0]}, ValueError, "history: has no 'loss'"),
    ({"loss": [1.0], "accuracy": ["high"]}, ValueError, "history['accuracy']: expected numbers"),
    ({"loss": [1.0], "lr": [0.1, 0.1]}, ValueError, "history['lr']: 2 values for 1 epochs of loss"),
])
def test_history_refuses_what_fit_does_not_return(history, error, message):
    with pytest.raises(error) as raised:
        sn.plot.history(history)
    assert message in str(raised.value)
    with pytest.raises(ValueError, match="panels: the history has nothing for 'accuracy'"):
        sn.plot.history({"loss": [1.0]}, panels=["loss", "accuracy"])


def test_fit_records_the_rate_and_training_accuracy_that_history_draws():
    x, y = xo_pictures(200, seed=2)
    net = sn.compile(xo(), batch=16, dtype="float64", optimizer=sn.Adam(lr=0.01))
    schedule = sn.schedules.cosine(total_steps=3 * 13)
    history = net.fit(x, y, epochs=3, schedule=schedule, validation=(x[:50], y[:50]), train_accuracy=True,
                      progress=False)
    assert sorted(history) == ["accuracy", "loss", "lr", "val_accuracy", "val_loss"]
    assert history["lr"] == pytest.approx(list(schedule.rates(0.01, 0, 3 * 13)[::13]), rel=1e-12)
    assert history["accuracy"][-1] == net.evaluate(x, y)["accuracy"]
    drawn = curves(sn.plot.history(history))
    assert drawn[("accuracy", "training")][1] == history["accuracy"]
    assert drawn[("lr", "learning rate")][1] == history["lr"]
    decayed = net.fit(x, y, epochs=3, lr=0.1, lr_decay=0.5, progress=False)
    assert decayed["lr"] == pytest.approx([0.1, 0.05, 0.025]) and "accuracy" not in decayed
    regressor = sn.compile(sn.Sequential(sn.Input(2), sn.Dense(1), loss=sn.MeanSquaredError()), batch=4)
    with pytest.raises(ValueError, match="train_accuracy: MeanSquaredError.* does not classify"):
        regressor.fit(np.zeros((4, 2)), np.zeros((4, 1)), train_accuracy=True)


# -- derivation ---------------------------------------------------------------------------
def test_derivation_is_typeset_row_by_row():
    with warnings.catch_warnings():
        warnings.simplefilter("error")        # every row of the xo model renders
        figure = sn.plot.derivation(xo())
    texts = [text.get_text() for text in figure.texts]
    assert texts[0] == "Derivation of xo"
    assert "relu1   ReLU()" in texts and "chain rule" in texts
    # ReLU's cases become a brace over stacked lines; \frac becomes \dfrac; \text becomes \mathrm.
    assert r"$y = \left\{\substack{x\quad \mathrm{for}\ x > 0\\0\quad \mathrm{otherwise}}\right.$" in texts
    chain = [t for t in texts if t.startswith(r"$\dfrac{\partial L}{\partial \mathrm{conv1.\!weight}}")]
    assert len(chain) == 1 and chain[0].count(r"\cdot") == 4          # six factors: five on its line,
    assert texts[texts.index(chain[0]) + 1].startswith(r"$\qquad\cdot\ ")   # the sixth on the next
    assert figure.get_size_inches()[1] > 5


def test_a_row_mathtext_cannot_read_is_shown_as_source_and_named():
    latex = "\\begin{aligned}\n&\\textbf{\\mathrm{odd1}}\\ \\text{Odd()} \\\\\ny &= \\begin{array}{c} x \\end{array} \\\\\n" \
            "z &= x^{2} \\\\\n\\end{aligned}"
    model = SimpleNamespace(name="odd", derivation=lambda: SimpleNamespace(latex=lambda: latex))
    with pytest.warns(UserWarning, match=r"mathtext cannot render .*y &= \\begin\{array\}"):
        figure = sn.plot.derivation(model)
    texts = [text.get_text() for text in figure.texts]
    assert texts[:2] == ["Derivation of odd", "odd1   Odd()"]
    assert texts[2].startswith("y &= \\begin{array}{c} x \\end{array}\n    (not typeset: ")
    assert texts[3] == "$z = x^{2}$"


def test_pictures_draw_into_the_figure_or_axes_given(xo_reference, picture):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 10))
    left, right = figure.subfigures(1, 2)
    assert sn.plot.feature_maps(xo_reference, picture, fig=left) is figure
    assert sn.plot.filters(xo_reference, "conv1", fig=right) is figure
    assert set(axes_by_label(left)) >= {"input[0]", "conv1[2]", "votes"} and "conv1.weight[2, 0]" in axes_by_label(right)
    ax = Figure(figsize=(6, 4)).subplots()
    drawn = sn.plot.derivation(xo(), ax=ax)
    assert drawn is ax.figure and not ax.axison
    box = ax.get_window_extent()
    renderer = drawn.canvas.get_renderer()
    for text in drawn.texts:      # shrunk to fit the Axes
        extent = text.get_window_extent(renderer)
        assert box.y0 - 1 <= extent.y0 and extent.y1 <= box.y1 + 1 and extent.x1 <= box.x1 + 1
