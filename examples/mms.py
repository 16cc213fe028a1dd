"""Choosing the cost: how many M&Ms are in a bag?

Four candidate costs of being off by d, declared as symnet losses; their table; their
slopes, derived by SymPy; the proof that the squared cost is minimized by the mean; and
gradient descent landing on the mean (d**2) and on the median (|d|):

    python examples/mms.py
"""

import numpy as np
import sympy as sp

import symnet as sn

COUNTS = np.array([15, 16, 17, 17, 18, 20, 24], dtype=float)   # M&Ms counted in seven bags

COSTS = {
    "absolute": sn.Loss("absolute", lambda y, t: sp.Abs(y - t)),
    "squared": sn.Loss("squared", lambda y, t: (y - t) ** 2),
    "square_root": sn.Loss("square_root", lambda y, t: sp.sqrt(sp.Abs(y - t))),
    "exponential": sn.Loss("exponential", lambda y, t: sp.Integer(10) ** (sp.Abs(y - t) - 1)),
}


def cost_table() -> None:
    print("Cost of a guess that is off by d:")
    print(f"  {'cost':12s} {'formula':22s}" + "".join(f"{f'd={d}':>10s}" for d in (1, 2, 4, 8)))
    for name, loss in COSTS.items():
        d = sp.Symbol("d", real=True)
        formula = loss.expr.subs(loss.y - loss.t, d).subs(loss.y, d + loss.t)
        values = [float(formula.subs(d, off)) for off in (1, 2, 4, 8)]
        print(f"  {name:12s} {str(formula):22s}" + "".join(f"{v:10.4g}" for v in values))
    print()


def slopes() -> None:
    print("Slope of each cost with respect to the guess y (target t), derived by SymPy:")
    for name, loss in COSTS.items():
        print(f"  {name:12s} d cost / d y = {loss.derivative}")
    print()


def squared_cost_is_minimized_by_the_mean() -> sp.Expr:
    """Solve 'slope of the total squared cost = 0' for the guess, symbolically."""
    guess = sp.Symbol("g", real=True)
    n = sp.Symbol("n", integer=True, positive=True)
    i = sp.Symbol("i", integer=True)
    count = sp.IndexedBase("c")
    total = sp.Sum((guess - count[i]) ** 2, (i, 1, n))
    slope = sp.expand(sp.diff(total, guess)).doit()
    (best,) = sp.solve(sp.Eq(slope, 0), guess)
    print(f"Total squared cost over n bags:  {total}")
    print(f"Its slope:                       {slope} = 0")
    print(f"Solved for the guess g:          g = {best}   (the mean of the counts)")
    print()
    return best


def descend(cost: str, steps: int = 400) -> float:
    """Gradient descent on the mean cost over the bags; the guess is a bias.

    The model's single output is ``0 * weight + bias``: fed zeros, it is the guess itself.
    """
    model = sn.Sequential(sn.Input(1), sn.Dense(1), loss=COSTS[cost])
    ref = sn.Reference(model, {"dense1.weight": np.zeros((1, 1)), "dense1.bias": np.zeros(1)})
    x = np.zeros((len(COUNTS), 1))
    for step in range(steps):
        lr = 20.0 / (1 + step / 10)   # a shrinking step lets |d| settle instead of hopping
        ref.step(x, COUNTS[:, None], lr=lr if cost == "absolute" else 0.4)
    return float(ref.params["dense1.bias"][0])


def main() -> None:
    cost_table()
    slopes()
    squared_cost_is_minimized_by_the_mean()
    print(f"Counts: {COUNTS.astype(int).tolist()}   mean {COUNTS.mean():.4f}   median {np.median(COUNTS):.4f}")
    for cost, target in (("squared", "mean"), ("absolute", "median")):
        print(f"  gradient descent on the {cost:8s} cost lands on {descend(cost):.2f} (the {target})")


if __name__ == "__main__":
    main()
