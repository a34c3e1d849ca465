#!/usr/bin/env python3
"""Independent check of the metric tables of a hydro run directory (used once, before pinning
golden files; not part of CI).

For every evaluated period it recomputes, with numpy and the textbook formulas, the metrics of
`metrics.csv` from the predictions hydro wrote beside it (`predictions.csv` of a run or of a
sweep's members, `ensemble_predictions.csv` of an ensemble), and reports the largest difference
per metric. Predictions are written with four decimals, so agreement to ~1e-3 is expected.

    python3 tests/golden/verify.py RUN_DIR
"""
import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np


def nse(o, s):
    return 1 - np.sum((s - o) ** 2) / np.sum((o - o.mean()) ** 2)


def kge_parts(o, s):
    r = np.corrcoef(o, s)[0, 1]
    beta = s.mean() / o.mean()
    gamma = (s.std() / s.mean()) / (o.std() / o.mean())
    return r, beta, gamma


METRICS = {
    "nse": nse,
    "mse": lambda o, s: np.mean((s - o) ** 2),
    "rmse": lambda o, s: np.sqrt(np.mean((s - o) ** 2)),
    "pearson_r": lambda o, s: np.corrcoef(o, s)[0, 1],
    "alpha_nse": lambda o, s: s.std() / o.std(),
    "beta_nse": lambda o, s: (s.mean() - o.mean()) / o.std(),
    "kge_r": lambda o, s: kge_parts(o, s)[0],
    "kge_beta": lambda o, s: kge_parts(o, s)[1],
    "kge_gamma": lambda o, s: kge_parts(o, s)[2],
    "kge": lambda o, s: 1 - np.sqrt(sum((x - 1) ** 2 for x in kge_parts(o, s))),
}


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def check(metrics_csv, predictions_csv, simulated_column):
    keys = [c for c in rows(metrics_csv)[0].keys() if c not in METRICS and c not in
            ("fhv", "fms", "flv", "bpv", "bmv", "blv")]
    series = defaultdict(lambda: ([], []))
    for row in rows(predictions_csv):
        if row["observed"] == "":
            continue
        key = tuple(row[k] for k in keys)
        series[key][0].append(float(row["observed"]))
        series[key][1].append(float(row[simulated_column]))
    worst = defaultdict(float)
    for row in rows(metrics_csv):
        key = tuple(row[k] for k in keys)
        o, s = (np.array(v) for v in series[key])
        for name, f in METRICS.items():
            if name in row and row[name] != "":
                worst[name] = max(worst[name], abs(float(row[name]) - f(o, s)))
    return worst


def main(run_dir):
    found = False
    for metrics_csv in sorted(Path(run_dir).rglob("metrics.csv")):
        folder = metrics_csv.parent
        for predictions, column in (("predictions.csv", "simulated"),
                                    ("ensemble_predictions.csv", "mean")):
            if (folder / predictions).exists() and "observed" in rows(folder / predictions)[0]:
                worst = check(metrics_csv, folder / predictions, column)
                found = True
                shown = ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items()))
                print(f"{metrics_csv.relative_to(run_dir)}: largest |difference|: {shown}")
    if not found:
        sys.exit("no metrics.csv with predictions found")


if __name__ == "__main__":
    main(sys.argv[1])
