"""The four-pixel camera: tell solid, vertical, diagonal and horizontal 2x2 pictures apart.

Single pixels say nothing on their own (a white top-left pixel occurs in every class);
a small network of sum-and-squash neurons, then ReLUs, then an output layer, learns it:

    python examples/four_pixel.py
"""

import numpy as np

import symnet as sn
from symnet.datasets import FOUR_PIXEL_CLASSES, four_pixel
from symnet.zoo import four_pixel as four_pixel_model


def shade(value: float) -> str:
    return "#" if value > 0.33 else ("+" if value > -0.33 else ".")


def main(epochs: int = 30) -> float:
    x_train, y_train = four_pixel(3000, seed=0)
    x_test, y_test = four_pixel(1000, seed=1)
    model = four_pixel_model()
    model.summary()
    net = sn.compile(model, batch=32)
    history = net.fit(x_train, y_train, epochs=epochs, lr=0.1, momentum=0.9, validation=(x_test, y_test),
                      progress=False)
    print(f"\nloss {history['loss'][0]:.3f} after the first epoch, {history['loss'][-1]:.4f} after {epochs}")
    accuracy = net.evaluate(x_test, y_test)["accuracy"]
    print(f"held-out accuracy {accuracy:.1%} on {len(x_test)} pictures\n")
    predicted = net.predict(x_test[:8])
    for picture, label, guess in zip(x_test[:8], y_test[:8], predicted):
        top, bottom = picture[0]
        print(f"  {shade(top[0])}{shade(top[1])}   {FOUR_PIXEL_CLASSES[guess]:10s} "
              f"{'right' if guess == label else 'wrong: ' + FOUR_PIXEL_CLASSES[label]}")
        print(f"  {shade(bottom[0])}{shade(bottom[1])}\n")
    confusion = np.zeros((4, 4), dtype=int)
    np.add.at(confusion, (y_test, net.predict(x_test)), 1)
    print("\nconfusion (rows: truth, columns: guess):")
    print("             " + " ".join(f"{name[:5]:>6s}" for name in FOUR_PIXEL_CLASSES))
    for name, row in zip(FOUR_PIXEL_CLASSES, confusion):
        print(f"  {name:10s} " + " ".join(f"{count:6d}" for count in row))
    return accuracy


if __name__ == "__main__":
    main()
