"""Writes tests/data/csv/diabetes-like.csv (run from the repository root):

    python tests/data/make_regression_csv.py

A regression shaped like the diabetes data practitioners try first: 400 rows, 10 inputs in
their own units (age in years, sex as 1/2, body-mass index, blood pressure, six blood serum
measurements s1…s6 of different scales) and a target in the hundreds (about 25–346, mean
≈ 150), a nonlinear function of four inputs plus noise.  The noise leaves about a third of
the target's variance unexplained, so the best possible R² is about 0.64;
tests/test_regression_targets.py checks that the app's defaults for imported data reach
R² ≥ 0.4 on the test rows.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "csv" / "diabetes-like.csv"
N = 400


def make(seed: int = 442) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(N, 10))
    z[:, 8] = 0.6 * z[:, 2] + 0.8 * z[:, 8]            # s5 correlates with bmi, as in the data
    units = [(48.5, 13.1), (1.5, 0.5), (26.4, 4.4), (94.6, 13.8), (189.1, 34.6),
             (115.4, 30.4), (49.8, 12.9), (4.1, 1.3), (4.6, 0.5), (91.3, 11.5)]
    columns = np.column_stack([mean + std * z[:, k] for k, (mean, std) in enumerate(units)])
    columns[:, 1] = np.where(z[:, 1] > 0, 2.0, 1.0)
    columns[:, 0] = np.clip(np.round(columns[:, 0]), 19, 79)
    bmi, bp, s5, s3 = z[:, 2], z[:, 3], z[:, 8], z[:, 6]
    signal = 0.55 * bmi + 0.3 * bp + 0.35 * s5 - 0.2 * s3 + 0.25 * np.tanh(bmi * s5) \
        + 0.15 * bmi ** 2
    signal = (signal - signal.mean()) / signal.std()
    noise = rng.normal(size=N)
    target = 152.0 + 77.0 * (0.8 * signal + 0.6 * noise)
    target = np.clip(np.round(target), 25, 346)
    names = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"]
    return names, np.column_stack([columns, target])


def main() -> None:
    names, table = make()
    lines = [",".join(names)]
    for row in table:
        lines.append(",".join(f"{v:.4g}" if k < 10 else f"{v:.0f}" for k, v in enumerate(row)))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
