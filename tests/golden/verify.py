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
    gamma = s.std() / o.std()  # Li & Zhao Eq. 17 (Gupta et al. 2009), not Kling's CV ratio
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


# Statistics tables and the tables they were computed from: (file, a, b, metric, by).
COMPARISONS = [
    ("ealstm_vs_lstm_statics.csv", "ealstm_ensemble.csv", "lstm_statics_ensemble.csv", "nse", None),
    ("lstm_statics_vs_dynamic.csv", "lstm_statics_ensemble.csv", "lstm_dynamic_ensemble.csv", "nse", None),
    ("nse_star_vs_mse.csv", "lstm_statics_ensemble.csv", "lstm_statics_mse_ensemble.csv", "nse", None),
    ("mclstm_vs_lstm.csv", "mclstm_scores.csv", "lstm_scores.csv", "kge", "train_years"),
]
# Summaries and the tables they summarise.
SUMMARIES = [
    ("ealstm_summary.csv", "ealstm_ensemble.csv"),
    ("lstm_statics_summary.csv", "lstm_statics_ensemble.csv"),
    ("lstm_dynamic_summary.csv", "lstm_dynamic_ensemble.csv"),
    ("lstm_statics_mse_summary.csv", "lstm_statics_mse_ensemble.csv"),
]


def check_statistics(run_dir):
    """Wilcoxon (scipy, two-sided, with continuity correction), Cohen's d (pooled sample std) and
    numpy summaries, recomputed from the tables hydro wrote."""
    from scipy.stats import wilcoxon
    run_dir = Path(run_dir)
    for name, a_name, b_name, metric, by in COMPARISONS:
        if not (run_dir / name).exists():
            continue
        a, b = rows(run_dir / a_name), rows(run_dir / b_name)
        def key(r):
            names = list(r.keys())
            return tuple(r[k] for k in names[: names.index("basin") + 1] if k != by)
        for test in rows(run_dir / name):
            pick = (lambda r: r[by] == test[by]) if by else (lambda r: True)
            b_by_key = {key(r): r for r in b if pick(r)}
            pairs = [(float(r[metric]), float(b_by_key[key(r)][metric]))
                     for r in a if pick(r) and key(r) in b_by_key]
            x, y = np.array(pairs).T
            result = wilcoxon(x, y, correction=True)
            d = (x.mean() - y.mean()) / np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2) if len(x) > 1 else float("nan")
            got_p = float(test["p_value"])
            got_d = float(test["cohens_d"]) if test["cohens_d"] else float("nan")
            print(f"{name} {by or ''}={test.get(by, '') if by else ''}: n {len(x)} "
                  f"W {result.statistic} (hydro {test['wilcoxon_statistic']}), "
                  f"p {result.pvalue:.6g} (hydro {got_p:.6g}), d {d:.6g} (hydro {got_d:.6g})")
    for name, source in SUMMARIES:
        if not (run_dir / name).exists():
            continue
        table = rows(run_dir / source)
        worst = 0.0
        for summary in rows(run_dir / name):
            v = np.array([float(r[summary["column"]]) for r in table if r[summary["column"]] != ""])
            expected = {"mean": v.mean(), "std": v.std(ddof=1), "min": v.min(), "max": v.max(),
                        "p5": np.percentile(v, 5), "p25": np.percentile(v, 25),
                        "median": np.median(v), "p75": np.percentile(v, 75), "p95": np.percentile(v, 95),
                        "count_le_0": float(np.sum(v <= 0))}
            for k, e in expected.items():
                worst = max(worst, abs(float(summary[k]) - e))
        print(f"{name}: largest |difference| from numpy {worst:.1e}")


def main(run_dir):
    check_statistics(run_dir)
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
