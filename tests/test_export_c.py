"""Standalone C (symnet.export.c): export, make, train on IDX files, compare with the compiled net.

The exported driver trains with --no-shuffle on one thread from weights.bin, and its saved
weights must be bit-identical to those of sn.compile's net stepping through the same
minibatches. The driver is also built with AddressSanitizer and UBSan and fed damaged and
hostile files; its inflate is checked on gzip files that Python writes.
"""

from __future__ import annotations

import gzip
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

import symnet as sn
from symnet import zoo
from symnet.cli import main
from symnet.datasets import xo_pictures
from symnet.emit import template_folder
from symnet.export.c import export
from symnet.export.weights import HEADER, read_weights, write_weights

pytestmark = pytest.mark.skipif(shutil.which("make") is None or shutil.which("gcc") is None,
                                reason="needs make and gcc")


def idx(array: np.ndarray, code: int = 0x08) -> bytes:
    """``array`` as an IDX file: its type code, its sizes, its values big-endian."""
    array = np.ascontiguousarray(array)
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(size).to_bytes(4, "big") for size in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def build(folder: Path, *arguments: str, **env) -> None:
    """make in ``folder``; the build must be free of warnings."""
    result = subprocess.run(["make", "-s", "-C", str(folder), *arguments], capture_output=True, text=True,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr + result.stdout, result.stderr + result.stdout


def run(program: Path, *arguments, **env) -> subprocess.CompletedProcess:
    return subprocess.run([str(program), *map(str, arguments)], capture_output=True, text=True,
                          env={**os.environ, "OMP_NUM_THREADS": "1", **env}, timeout=300)


def tiny_modern() -> sn.Sequential:
    """BatchNorm (pictures and vectors), Dropout and label smoothing, small enough to build fast."""
    return sn.Sequential(
        sn.Input(1, 8, 8), sn.Conv2D(4, 3, bias=False), sn.BatchNorm(), sn.ReLU(), sn.MaxPool(2),
        sn.Flatten(), sn.Dense(12, bias=False), sn.BatchNorm(), sn.ReLU(), sn.Dropout(0.25), sn.Dense(3),
        loss=sn.SoftmaxCrossEntropy(label_smoothing=0.1), name="tiny",
    )


def pictures(count: int, shape, classes: int, seed: int):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, *shape), dtype=np.uint8), rng.integers(0, classes, count).astype(np.uint8)


def scaled(images: np.ndarray, model, dtype: str) -> np.ndarray:
    """The driver's inputs: each byte v as v / 255 computed in ``dtype``."""
    return images.reshape(len(images), *model.input_shape).astype(dtype) / np.array(255, dtype)


def assert_identical(net, path: Path) -> None:
    """The weights, running statistics, optimizer state and step count in ``path`` are net's, bit for bit."""
    saved = read_weights(path, net.model, net.optimizer)
    assert saved.dtype == net.dtype and saved.step_count == net.step_count
    for name, value in net.params.items():
        assert value.tobytes() == saved.params[name].tobytes(), name
    for name, value in net.buffers.items():
        assert value.tobytes() == saved.buffers[name].tobytes(), name
    state = net.optimizer_state
    for name in net.optimizer.rule_state():
        for param, value in state[name].items():
            assert value.tobytes() == saved.state[name][param].tobytes(), (name, param)


@pytest.mark.parametrize("dtype, optimizer", [("float32", sn.SGD(lr=0.1, momentum=0.9)),
                                              ("float64", sn.Adam(lr=0.01))])
def test_the_driver_trains_to_the_compiled_nets_weights(tmp_path, dtype, optimizer):
    model = zoo.mlp()
    net = sn.compile(model, batch=16, dtype=dtype, threads=1, optimizer=optimizer)
    net.export(tmp_path, epochs=2)
    build(tmp_path)
    images, labels = pictures(100, (28, 28), 10, seed=1)
    (tmp_path / "x.idx.gz").write_bytes(gzip.compress(idx(images)))
    (tmp_path / "y.idx").write_bytes(idx(labels))
    # 100 samples in minibatches of 24: the C walks each in chunks of the compiled 16, and the last holds 4
    result = run(tmp_path / "train", "--images", tmp_path / "x.idx.gz", "--labels", tmp_path / "y.idx",
                 "--batch-size", 24, "--no-shuffle", "--threads", 1, "--load", tmp_path / "weights.bin",
                 "--save", tmp_path / "trained.bin")
    assert result.returncode == 0, result.stderr
    history = net.fit(scaled(images, model, dtype), labels.astype(np.int64), epochs=2, batch_size=24, shuffle=False)
    lines = result.stdout.splitlines()
    assert [line.split(" (")[0] for line in lines] == [f"epoch {k + 1}/2: loss {loss:.6f}"
                                                       for k, loss in enumerate(history["loss"])]
    assert_identical(net, tmp_path / "trained.bin")
    needed = subprocess.run(["readelf", "-d", str(tmp_path / "train")], capture_output=True, text=True).stdout
    assert "NEEDED" in needed and "python" not in needed.lower()


def write_pictures(folder: Path, images: np.ndarray, labels: np.ndarray) -> tuple[Path, Path]:
    (folder / "x.idx").write_bytes(idx(images))
    (folder / "y.idx").write_bytes(idx(labels))
    return folder / "x.idx", folder / "y.idx"


@pytest.mark.parametrize("dtype, rates", [("float32", {"schedule": sn.schedules.cosine(9, min_lr=1e-3)}),
                                          ("float64", {"schedule": sn.schedules.step(2, gamma=0.5)}),
                                          ("float32", {"lr_decay": 0.5})])
def test_the_driver_follows_the_schedule_or_the_decay_as_fit_does(tmp_path, dtype, rates):
    """Each step's rate from the exported schedule at the net's step count, as net.fit(schedule=),
    or the rate times lr_decay after each epoch, as net.fit(lr_decay=)."""
    model = zoo.mlp()
    net = sn.compile(model, batch=16, dtype=dtype, threads=1, optimizer=sn.SGD(lr=0.1, momentum=0.9))
    net.export(tmp_path, **rates)
    build(tmp_path)
    images, labels = pictures(60, (28, 28), 10, seed=3)
    x_file, y_file = write_pictures(tmp_path, images, labels)
    result = run(tmp_path / "train", "--images", x_file, "--labels", y_file, "--epochs", 3, "--batch-size", 20,
                 "--no-shuffle", "--threads", 1, "--load", tmp_path / "weights.bin", "--save", tmp_path / "trained.bin")
    assert result.returncode == 0, result.stderr
    history = net.fit(scaled(images, model, dtype), labels.astype(np.int64), epochs=3, batch_size=20, shuffle=False,
                      **rates)
    assert [line.split(" (")[0] for line in result.stdout.splitlines()] == [
        f"epoch {k + 1}/3: loss {loss:.6f}" for k, loss in enumerate(history["loss"])]
    assert_identical(net, tmp_path / "trained.bin")


def test_the_schedules_numbers_are_set_by_name_and_the_run_steps_follow_the_run(tmp_path):
    """A BatchNorm, Dropout and AdamW net trained an epoch in Python under a cosine spanning
    three epochs, exported with that cosine's total_steps as the run's steps: the driver's
    two epochs end the run where Python's do, bit for bit. Then numbers set by name, and
    the refusals."""
    model = tiny_modern()
    images, labels = pictures(90, (8, 8), 3, seed=4)
    x, y = scaled(images, model, "float32"), labels.astype(np.int64)
    net = sn.compile(model, batch=32, threads=1, optimizer=sn.AdamW(lr=5e-3, weight_decay=0.05))
    net.fit(x, y, epochs=1, batch_size=20, shuffle=False, schedule=sn.schedules.cosine(15, min_lr=1e-4))
    net.export(tmp_path, schedule=sn.schedules.cosine(1000, min_lr=1e-4), run_steps="total_steps")
    build(tmp_path)
    x_file, y_file = write_pictures(tmp_path, images, labels)
    common = ("--images", x_file, "--labels", y_file, "--batch-size", 20, "--no-shuffle", "--threads", 1,
              "--load", tmp_path / "weights.bin")
    result = run(tmp_path / "train", *common, "--epochs", 2, "--save", tmp_path / "trained.bin")
    assert result.returncode == 0, result.stderr
    net.fit(x, y, epochs=2, batch_size=20, shuffle=False, schedule=sn.schedules.cosine(15, min_lr=1e-4))
    assert_identical(net, tmp_path / "trained.bin")
    # --schedule sets a number by name (here the run's steps too, which it then keeps)
    again = run(tmp_path / "train", *common, "--epochs", 1, "--schedule", "total_steps=7", "--schedule", "min_lr=0",
                "--save", tmp_path / "again.bin")
    assert again.returncode == 0, again.stderr
    other = sn.compile(model, batch=32, threads=1, optimizer=sn.AdamW(lr=5e-3, weight_decay=0.05))
    other.fit(x, y, epochs=1, batch_size=20, shuffle=False, schedule=sn.schedules.cosine(15, min_lr=1e-4))
    other.fit(x, y, epochs=1, batch_size=20, shuffle=False, schedule=sn.schedules.cosine(7))
    assert_identical(other, tmp_path / "again.bin")
    # refused before any step, naming the option or the step
    for arguments, message in [(("--schedule", "gamma=1"), "--schedule: NAME=VALUE with NAME one of the schedule's "
                                                           "numbers (total_steps, min_lr), got gamma=1"),
                               (("--schedule", "min_lr=inf"), "--schedule: the value must be a finite number"),
                               (("--lr-decay", "0.5"), "--lr-decay: the rate follows the schedule"),
                               (("--schedule", "min_lr=-1", "--schedule", "total_steps=5"),
                                "the schedule cosine(1000, min_lr=0.0001) gives the rate -1 at step 5")]:
        refused = run(tmp_path / "train", *common, *arguments, "--save", tmp_path / "refused.bin")
        assert refused.returncode == 2 and message in refused.stderr, (arguments, refused.stderr)
        assert not (tmp_path / "refused.bin").exists() and "epoch" not in refused.stdout


def test_modes_running_statistics_and_a_resumed_state_go_on_bit_for_bit(tmp_path):
    """BatchNorm's statistics, Dropout's keyed masks and AdamW's state, exported after a first
    epoch in Python and trained on in C, against the compiled net trained on in Python."""
    model = tiny_modern()
    images, labels = pictures(90, (8, 8), 3, seed=2)
    x, y = scaled(images, model, "float32"), labels.astype(np.int64)
    net = sn.compile(model, batch=32, threads=1, optimizer=sn.AdamW(lr=5e-3, weight_decay=0.05))
    net.fit(x, y, epochs=1, batch_size=20, shuffle=False)
    net.export(tmp_path)
    build(tmp_path)
    (tmp_path / "x.idx").write_bytes(idx(images))
    (tmp_path / "y.idx").write_bytes(idx(labels))
    result = run(tmp_path / "train", "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx",
                 "--test-images", tmp_path / "x.idx", "--test-labels", tmp_path / "y.idx", "--epochs", 2,
                 "--batch-size", 20, "--no-shuffle", "--load", tmp_path / "weights.bin",
                 "--save", tmp_path / "trained.bin")
    assert result.returncode == 0, result.stderr
    net.fit(x, y, epochs=2, batch_size=20, shuffle=False)
    assert_identical(net, tmp_path / "trained.bin")
    evaluated = net.evaluate(x, y)
    assert result.stdout.splitlines()[-2:] == [f"test loss {evaluated['loss']:.6f}",
                                               f"test accuracy {evaluated['accuracy']:.4f}"]
    # The chunk rule: a minibatch of more than the compiled batch is refused before training.
    refused = run(tmp_path / "train", "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx",
                  "--batch-size", 40)
    assert refused.returncode == 2 and "BatchNorm" in refused.stderr


def test_inference_runs_forward_in_eval_mode_with_no_allocation(tmp_path):
    model = tiny_modern()
    images, _ = pictures(37, (8, 8), 3, seed=3)
    x = scaled(images, model, "float64")
    net = sn.compile(model, batch=8, dtype="float64", threads=1)
    net.fit(x, np.arange(37) % 3, epochs=1, batch_size=8)   # running statistics away from their start
    net.export(tmp_path, inference=True)
    source = (tmp_path / "tiny.c").read_text()
    header = (tmp_path / "tiny.h").read_text()
    for absent in ("malloc(", "calloc(", "realloc(", "_backward(", "sn_train(", "update("):
        assert absent not in source, absent
    assert not (tmp_path / "sn_train.c").exists()
    memory = int(header.split(" bytes\n * in all")[0].rsplit(" ", 1)[-1])
    (tmp_path / "check.c").write_text("""
#include <stdio.h>
#include "tiny.h"
static tiny_net net;
int main(void)
{
    static double x[37 * TINY_INPUT], out[37 * TINY_OUTPUT];
    int32_t classes[37];
    FILE *file = fopen("x.bin", "rb");
    if (!file || fread(x, sizeof(double), 37 * TINY_INPUT, file) != 37 * TINY_INPUT)
        return 3;
    fclose(file);
    tiny_init(&net, 0);
    int status = tiny_load(&net, "weights.bin");
    if (status != TINY_OK || tiny_forward(&net, 37, x, out) != TINY_OK || tiny_predict(&net, 37, x, classes))
        return 4;
    if (tiny_load(&net, "check.c") != TINY_ERROR_FORMAT)
        return 5;
    fwrite(out, sizeof(double), 37 * TINY_OUTPUT, stdout);
    fwrite(classes, sizeof(int32_t), 37, stdout);
    fprintf(stderr, "%zu", sizeof(net));
    return 0;
}
""")
    build(tmp_path)
    (tmp_path / "x.bin").write_bytes(x.tobytes())
    subprocess.run(["gcc", "-std=gnu11", "-O2", "-march=native", "-Wall", "-Wextra", "-Werror", "check.c",
                    "libtiny.a", "-lm", "-o", "check"], cwd=tmp_path, check=True)
    result = subprocess.run(["./check"], cwd=tmp_path, capture_output=True)
    assert result.returncode == 0, result
    outputs = np.frombuffer(result.stdout[:37 * 3 * 8], np.float64).reshape(37, 3)
    net.eval()
    assert outputs.tobytes() == net.forward(x).tobytes()
    assert (np.frombuffer(result.stdout[37 * 3 * 8:], np.int32) == net.predict(x)).all()
    assert abs(int(result.stderr) - memory) < 64   # the footprint the header states, up to padding


def test_an_asan_build_trains_clean_and_refuses_damaged_files(tmp_path):
    model = sn.Sequential(sn.Input(2, 3, 3), sn.Flatten(), sn.Dense(5), sn.Tanh(), sn.Dense(4),
                          loss=sn.SoftmaxCrossEntropy(), name="small")
    export(tmp_path, model, batch=4, optimizer=sn.RMSprop(lr=0.01, momentum=0.5))
    build(tmp_path, "asan")
    program = tmp_path / "train-asan"
    images, labels = pictures(30, (2, 3, 3), 4, seed=4)
    good_x, good_y = idx(images), idx(labels)
    files = {"x.gz": gzip.compress(good_x), "y.gz": gzip.compress(good_y), "x.idx": good_x, "y.idx": good_y}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    clean = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0", "UBSAN_OPTIONS": "halt_on_error=1"}
    ok = run(program, "--images", tmp_path / "x.gz", "--labels", tmp_path / "y.gz", "--test-images",
             tmp_path / "x.idx", "--test-labels", tmp_path / "y.idx", "--epochs", 3, "--batch-size", 7,
             "--save", tmp_path / "out.bin", **clean)
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
    assert ok.stdout.splitlines()[-1].startswith("test accuracy 0.")
    assert read_weights(tmp_path / "out.bin", model, sn.RMSprop(momentum=0.5)).step_count == 15

    corrupted = bytearray(files["x.gz"])
    corrupted[-6] ^= 1
    huge = bytes([0, 0, 8, 3]) + (0xFFFFFFFF).to_bytes(4, "big") * 3 + bytes(10)
    hostile = {   # file -> (images or labels, what the message says)
        "cut.gz": (files["x.gz"][:-40], "images", "damaged gzip"),
        "crc.gz": (bytes(corrupted), "images", "CRC-32"),
        "garbage.gz": (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 3, "images", "damaged gzip"),
        "trailing.gz": (files["x.gz"] + b"junk", "images", "not another gzip member"),
        "magic.idx": (b"\x01\x00" + good_x[2:], "images", "not an IDX file"),
        "short.idx": (good_x[:-1], "images", "the IDX header says 540 values"),
        "long.idx": (good_x + b"\0", "images", "the IDX header says 540 values"),
        "huge.idx": (huge, "images", "more than 2 GiB"),
        "header.idx": (bytes([0, 0, 8, 3, 0, 0]), "images", "header is cut short"),
        "empty.idx": (b"", "images", "not an IDX file"),
        "shape.idx": (idx(images[:, :1]), "images", "9 values per sample"),
        "nan.idx": (idx(np.full((30, 2, 3, 3), np.nan, np.float32), 0x0D), "images", "not a finite"),
        "range.idx": (idx(np.full(30, 4, np.uint8)), "labels", "outside [0, 4)"),
        "negative.idx": (idx(np.full(30, -1, np.int8), 0x09), "labels", "outside [0, 4)"),
        "count.idx": (idx(labels[:29]), "labels", "29 labels for the 30 images"),
        "float.idx": (idx(np.zeros(30, np.float32), 0x0D), "labels", "not one integer label"),
    }
    for name, (data, role, message) in hostile.items():
        path = tmp_path / name
        path.write_bytes(data)
        arguments = ["--images", path if role == "images" else tmp_path / "x.idx",
                     "--labels", path if role == "labels" else tmp_path / "y.idx"]
        result = run(program, *arguments, **clean)
        assert result.returncode == 2, (name, result.stderr)
        assert result.stderr.startswith(f"train: {path}: ") and message in result.stderr, (name, result.stderr)
    for options, message in [(["--lr", "-1"], "--lr"), (["--epochs", "0"], "--epochs"), (["--bogus", "1"], "unknown"),
                             (["--load", tmp_path / "x.idx"], "not a weights file"),
                             (["--load", tmp_path / "missing.bin"], "No such file"),
                             (["--test-images", tmp_path / "x.idx"], "go together")]:
        result = run(program, "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx", *options, **clean)
        assert result.returncode == 2 and message in result.stderr, (options, result.stderr)
    diverged = run(program, "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx", "--lr", "1e300",
                   "--save", tmp_path / "never.bin", **clean)
    assert diverged.returncode == 1 and "diverged" in diverged.stderr and not (tmp_path / "never.bin").exists()


def _deflate_bits(fields) -> bytes:
    """Pack (value, width, msb_first) fields the way deflate does: LSB first, Huffman codes from their top bit."""
    bits = []
    for value, width, msb_first in fields:
        order = range(width - 1, -1, -1) if msb_first else range(width)
        bits += [(value >> k) & 1 for k in order]
    bits += [0] * (-len(bits) % 8)
    return bytes(sum(bit << k for k, bit in enumerate(bits[at:at + 8])) for at in range(0, len(bits), 8))


def test_inflate_reads_what_python_writes_and_refuses_damage(tmp_path):
    support = Path(str(template_folder())) / "export"
    (tmp_path / "gunzip.c").write_text("""
#include <stdio.h>
#include <stdlib.h>
#include "sn_idx.h"
int main(int argc, char **argv)
{
    static unsigned char data[1 << 22];
    FILE *file = fopen(argv[argc - 1], "rb");
    const size_t size = fread(data, 1, sizeof(data), file);
    fclose(file);
    unsigned char *out;
    size_t out_size;
    char error[200];
    if (sn_gunzip(data, size, &out, &out_size, error, sizeof(error)) < 0) {
        fprintf(stderr, "%s\\n", error);
        return 2;
    }
    fwrite(out, 1, out_size, stdout);
    free(out);
    return 0;
}
""")
    subprocess.run(["gcc", "-std=gnu11", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                    "-Wall", "-Wextra", "-Werror", f"-I{support}", str(support / "sn_idx.c"), "gunzip.c", "-o", "gunzip"],
                   cwd=tmp_path, check=True)
    rng = np.random.default_rng(5)
    text = b" ".join(rng.choice([b"weight", b"bias", b"gradient", b"loss", b"step", b"x"], 40000))
    cases = {
        "empty": gzip.compress(b""),
        "stored": gzip.compress(text[:70000], compresslevel=0),
        "fixed": gzip.compress(b"hello, hello, hello world", compresslevel=9),
        "dynamic": gzip.compress(text, compresslevel=9),
        "random": gzip.compress(rng.integers(0, 256, 200000, dtype=np.uint8).tobytes()),
        "pictures": gzip.compress(idx(pictures(200, (28, 28), 10, seed=6)[0] // 64 * 64), compresslevel=6),
        "members": gzip.compress(b"first ") + gzip.compress(text[:5000]) + b"\0\0",
    }
    with gzip.open(tmp_path / "with-name.gz", "wb") as file:   # FNAME is set from the file's name
        file.write(text[:3000])
    cases["named"] = (tmp_path / "with-name.gz").read_bytes()
    types = set()
    for name, data in cases.items():
        expected = gzip.decompress(data)
        types.add((data[10 + (len(data[10:].split(b"\0")[0]) + 1 if data[3] & 8 else 0)] >> 1) & 3)
        (tmp_path / name).write_bytes(data)
        result = subprocess.run(["./gunzip", name], cwd=tmp_path, capture_output=True)
        assert result.returncode == 0 and result.stdout == expected, (name, result.stderr)
    assert types == {0, 1, 2}   # stored, fixed and dynamic blocks were all read

    def gzip_member(deflated: bytes) -> bytes:
        return b"\x1f\x8b\x08\x00" + bytes(6) + deflated + bytes(8)

    far_back = _deflate_bits([(1, 1, False), (1, 2, False), (0b0000001, 7, True), (0, 5, True), (0, 7, True)])
    reserved = _deflate_bits([(1, 1, False), (3, 2, False)])
    stored_bad = _deflate_bits([(1, 1, False), (0, 2, False)]) + struct.pack("<HH", 5, 5) + b"abcde"
    damaged = bytearray(cases["dynamic"])
    damaged[len(damaged) // 2] ^= 0x10
    refused = {
        "far": (gzip_member(far_back), "a distance back past the start"),
        "reserved": (gzip_member(reserved), "reserved type 3"),
        "stored": (gzip_member(stored_bad), "does not match its complement"),
        "cut": (cases["dynamic"][:len(cases["dynamic"]) // 2], "cut short"),
        "damaged": (bytes(damaged), ""),
        "length": (cases["fixed"][:-4] + struct.pack("<I", 7), "length of the inflated data"),
        "notgzip": (zlib.compress(b"abc"), "not a gzip file"),
    }
    for name, (data, message) in refused.items():
        (tmp_path / name).write_bytes(data)
        result = subprocess.run(["./gunzip", name], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 2 and message in result.stderr, (name, result.stderr)
        assert "runtime error" not in result.stderr and "AddressSanitizer" not in result.stderr


def test_weights_files_round_trip_and_refuse_others(tmp_path):
    model = tiny_modern()
    optimizer = sn.Adam()
    params, buffers = model.init_params(seed=3), model.init_buffers()
    state = {"m": {name: np.full(value.shape, 0.5) for name, value in params.items()},
             "v": {name: np.full(value.shape, 0.25) for name, value in params.items()}}
    path = tmp_path / "w.bin"
    write_weights(path, model, "float64", params, buffers, optimizer, state, step_count=7, optimizer_steps=5)
    read = read_weights(path, model, optimizer)
    assert read.dtype == "float64" and (read.step_count, read.optimizer_steps) == (7, 5)
    assert all(np.array_equal(read.params[name], params[name]) for name in params)
    assert read.state["v"]["dense1.weight"][0, 0] == 0.25
    raw = path.read_bytes()
    assert raw[:8] == b"SNWEIGHT" and len(raw) == HEADER.size + 8 * (3 * sum(p.size for p in params.values()) + 32)
    other = sn.Sequential(sn.Input(1, 8, 8), sn.Flatten(), sn.Dense(3), loss=sn.SoftmaxCrossEntropy())
    for data, field in [(b"NOTSNWT!" + raw[8:], "magic"), (raw[:-8], "length"), (raw[:40], "header"),
                        (raw[:8] + struct.pack("<I", 2) + raw[12:], "version")]:
        path.write_bytes(data)
        with pytest.raises(ValueError, match=f"w.bin: {field}"):
            read_weights(path, model, optimizer)
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="model key"):
        read_weights(path, other)
    with pytest.raises(ValueError, match="state key"):
        read_weights(path, model, sn.SGD(momentum=0.9))
    with pytest.raises(ValueError, match="folder"):
        export(path, model)


def test_symnet_export_lenet_builds_and_trains(tmp_path, capsys):
    """The command line, as a user runs it: export lenet, make, train on IDX files."""
    out = tmp_path / "lenet"
    assert main(["export", "lenet", "--out", str(out)]) == 0
    assert f"make -C {out}" in capsys.readouterr().out
    build(out)
    images, labels = pictures(64, (28, 28), 10, seed=7)
    (tmp_path / "x.gz").write_bytes(gzip.compress(idx(images)))
    (tmp_path / "y.gz").write_bytes(gzip.compress(idx(labels)))
    result = subprocess.run([str(out / "train"), "--images", tmp_path / "x.gz", "--labels", tmp_path / "y.gz",
                             "--test-images", tmp_path / "x.gz", "--test-labels", tmp_path / "y.gz", "--epochs", "2",
                             "--seed", "3"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:2]] == ["epoch 1/2", "epoch 2/2"]
    assert result.stdout.splitlines()[-1].startswith("test accuracy 0.")
    # --weights: a saved net's weights, optimizer, state and step counts go into weights.bin
    net = sn.compile(zoo.xo(), batch=4, optimizer=sn.Adam(lr=0.01))
    xo_x, xo_y = xo_pictures(8)
    net.step(xo_x, xo_y)
    net.save(tmp_path / "xo.npz")
    assert main(["export", "xo", "--out", str(tmp_path / "xo"), "--weights", str(tmp_path / "xo.npz")]) == 0
    assert "trained by Adam(lr=0.01" in capsys.readouterr().out
    assert_identical(net, tmp_path / "xo" / "weights.bin")
    # --weights must hold the same model; --out must be a folder
    assert main(["export", "lenet", "--out", str(tmp_path / "other"), "--weights", str(tmp_path / "xo.npz")]) == 2
    assert "holds the net of another model" in capsys.readouterr().err
    assert main(["export", "xo", "--out", str(tmp_path / "x.gz")]) == 2


def test_symnet_export_carries_a_recipes_schedule_or_its_decay(tmp_path, capsys):
    """lenet_modern's cosine spans its recipe's run (30 epochs of its 4,000 images in 32s), the
    number the driver sets to its own run; resnet's spans its 15 epochs."""
    recipe = zoo.RECIPES["lenet_modern"]
    assert recipe.run_steps == "total_steps" and zoo.RECIPES["lenet"].run_steps is None
    assert len(zoo.RECIPES["xo"].data(None)[0]) == zoo.RECIPES["xo"].samples
    assert main(["export", "lenet_modern", "--out", str(tmp_path / "modern")]) == 0
    assert "schedule cosine(3750, min_lr=0): lr(t) = " in capsys.readouterr().out
    header = (tmp_path / "modern" / "lenet_modern.h").read_text()
    assert (" *   lr(t) = min_lr + (lr - min_lr)*(cos(pi*t/total_steps) + 1)/2\n"
            " * where lr is the hyperparameter lr and, at export, total_steps = 3750.0, min_lr = 0.0.\n") in header
    assert "#define LENET_MODERN_SCHEDULE       2" in header
    driver = (tmp_path / "modern" / "sn_train.c").read_text()
    assert 'lenet_modern_set_schedule(net, "total_steps", (double)last_step);' in driver
    assert "double lr = -1, lr_decay = 1.0;" in driver
    assert main(["export", "resnet", "--out", str(tmp_path / "resnet")]) == 0
    assert "schedule cosine(1875, min_lr=0): lr(t) = " in capsys.readouterr().out   # 15 epochs of 125
    driver = (tmp_path / "resnet" / "sn_train.c").read_text()
    assert 'resnet_set_schedule(net, "total_steps", (double)last_step);' in driver


def test_export_refuses_a_schedule_it_cannot_carry(tmp_path):
    model = tiny_modern()
    with pytest.raises(TypeError, match="schedule: expected a schedule"):
        export(tmp_path, model, schedule="cosine")
    with pytest.raises(ValueError, match="run_steps: 'steps' is not a number of the schedule cosine"):
        export(tmp_path, model, schedule=sn.schedules.cosine(10), run_steps="steps")
    with pytest.raises(ValueError, match="run_steps: 'total_steps' is not a number of the schedule constant"):
        export(tmp_path, model, run_steps="total_steps")
    with pytest.raises(ValueError, match="lr_decay: give a schedule or lr_decay, not both"):
        export(tmp_path, model, schedule=sn.schedules.exponential(0.9), lr_decay=0.5)
    with pytest.raises(ValueError, match="lr_decay"):
        export(tmp_path, model, lr_decay=1.5)
    assert not any(tmp_path.iterdir())   # refused before a file is written


@pytest.mark.skipif(shutil.which("clang") is None, reason="clang is not installed")
def test_clang_builds_it_clean(tmp_path):
    """With OpenMP when Clang has it (libomp), without otherwise."""
    export(tmp_path, tiny_modern(), batch=8, optimizer=sn.AdamW())
    build(tmp_path, "CC=clang")
    images, labels = pictures(20, (8, 8), 3, seed=8)
    (tmp_path / "x.idx").write_bytes(idx(images))
    (tmp_path / "y.idx").write_bytes(idx(labels))
    result = run(tmp_path / "train", "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx", "--batch-size", 5)
    assert result.returncode == 0, result.stderr


def test_gcc_builds_it_without_openmp(tmp_path):
    export(tmp_path, tiny_modern(), batch=8, optimizer=sn.SGD(momentum=0.9, nesterov=True))
    build(tmp_path, "OPENMP=0")

    def commands(*options):
        return subprocess.run(["make", "-n", "-B", "-C", str(tmp_path), *options], capture_output=True, text=True).stdout

    assert "-fopenmp" not in commands("OPENMP=0") and "-fopenmp" in commands()   # GCC has OpenMP: on by default
    images, labels = pictures(20, (8, 8), 3, seed=8)
    (tmp_path / "x.idx").write_bytes(idx(images))
    (tmp_path / "y.idx").write_bytes(idx(labels))
    result = run(tmp_path / "train", "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx", "--batch-size", 5,
                 "--threads", 2)
    assert result.returncode == 0, result.stderr


def test_export_refuses_a_model_name_its_c_would_define_twice(tmp_path):
    for name, clash in [("schedule", "schedule_rate"), ("dense1", "name of a layer")]:
        model = sn.Sequential(sn.Input(3), sn.Dense(4), sn.ReLU(), sn.Dense(2), loss=sn.SoftmaxCrossEntropy(),
                              name=name)
        with pytest.raises(ValueError, match=f"model name: '{name}'.*{clash}"):
            export(tmp_path / name, model, batch=4)
        assert not (tmp_path / name).exists()   # refused before a file is written


def test_a_refused_weights_file_leaves_the_net_as_it_was(tmp_path):
    """Step counts out of range or out of order, negative running variances, a NaN at the end:
    Python and the C both refuse them, and the C's net keeps its weights, statistics and steps."""
    model = sn.Sequential(sn.Input(4), sn.Dense(6), sn.BatchNorm(), sn.ReLU(), sn.Dense(3),
                          loss=sn.SoftmaxCrossEntropy(), name="bn")
    optimizer = sn.Adam()
    params, buffers = model.init_params(seed=1), model.init_buffers()
    state = {name: {key: np.full(value.shape, 0.5) for key, value in params.items()} for name in ("m", "v")}
    export(tmp_path, model, dtype="float64", batch=4, optimizer=optimizer, params=params, buffers=buffers,
           state=state, step_count=5, optimizer_steps=5)
    good = (tmp_path / "weights.bin").read_bytes()
    damaged = {"big.bin": (dict(step_count=2 ** 62, optimizer_steps=0), "step_count"),
               "order.bin": (dict(step_count=3, optimizer_steps=4), "optimizer_steps")}
    for file, (counts, message) in damaged.items():
        write_weights(tmp_path / file, model, "float64", params, buffers, optimizer, state, **counts)
        with pytest.raises(ValueError, match=message):
            read_weights(tmp_path / file, model, optimizer)
    at = HEADER.size + 8 * sum(spec.size for spec in model.param_specs())   # the running statistics
    for spec in model.buffer_specs():
        if spec.role == "running_var":
            break
        at += 8 * spec.size
    (tmp_path / "variance.bin").write_bytes(good[:at] + struct.pack("<d", -1.0) + good[at + 8:])
    with pytest.raises(ValueError, match="running variance"):
        read_weights(tmp_path / "variance.bin", model, optimizer)
    damaged["variance.bin"] = None
    (tmp_path / "nan.bin").write_bytes(good[:-8] + struct.pack("<d", float("nan")))
    (tmp_path / "check.c").write_text("""
#include <stdio.h>
#include <string.h>
#include "bn.h"
int main(int argc, char **argv)
{
    static double params[BN_PARAMS], buffers[BN_BUFFERS], after[BN_PARAMS], after_buffers[BN_BUFFERS];
    bn_net *net = bn_create(1);
    if (!net || bn_load(net, "weights.bin") != BN_OK || bn_step_count(net) != 5)
        return 3;
    bn_get_params(net, params);
    bn_get_buffers(net, buffers);
    for (int k = 1; k < argc; k++) {
        const int status = bn_load(net, argv[k]);
        bn_get_params(net, after);
        bn_get_buffers(net, after_buffers);
        if (memcmp(params, after, sizeof(params)) || memcmp(buffers, after_buffers, sizeof(buffers))
            || bn_step_count(net) != 5)
            return 4;
        printf("%s %d\\n", argv[k], status == BN_ERROR_FORMAT);
    }
    bn_destroy(net);
    return 0;
}
""")
    build(tmp_path, "libbn.a")
    subprocess.run(["gcc", "-std=gnu11", "-O1", "-Wall", "-Wextra", "-Werror", "check.c", "libbn.a", "-lm",
                    "-fopenmp", "-o", "check"], cwd=tmp_path, check=True)
    files = [*damaged, "nan.bin"]
    result = subprocess.run(["./check", *files], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result
    assert result.stdout.splitlines() == [f"{file} 1" for file in files]


def test_a_step_that_leaves_the_weights_infinite_has_diverged(tmp_path):
    """The loss of the run's only step is finite (it is computed before the update), but a rate
    of 1e39 is infinite in float32: the driver must not save the weights and exit 0."""
    model = sn.Sequential(sn.Input(2, 3, 3), sn.Flatten(), sn.Dense(4), loss=sn.SoftmaxCrossEntropy(), name="over")
    export(tmp_path, model, batch=4)
    build(tmp_path)
    images, labels = pictures(8, (2, 3, 3), 4, seed=5)
    (tmp_path / "x.idx").write_bytes(idx(images))
    (tmp_path / "y.idx").write_bytes(idx(labels))
    result = run(tmp_path / "train", "--images", tmp_path / "x.idx", "--labels", tmp_path / "y.idx",
                 "--lr", "1e39", "--batch-size", 8, "--save", tmp_path / "never.bin")
    assert result.returncode == 1 and "weights are no longer finite" in result.stderr, result.stderr
    assert not (tmp_path / "never.bin").exists()
