"""Metrics on integer label arrays. Pure numpy/scikit-learn so each is checkable on toy cases."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support


def macro_f1(gold: np.ndarray, pred: np.ndarray, n_labels: int) -> float:
    """Unweighted mean F1 over the labels present in gold or predictions (sklearn's convention)."""
    present = np.union1d(np.unique(gold), np.unique(pred))
    _, _, f1, _ = precision_recall_fscore_support(gold, pred, labels=present, zero_division=0)
    return float(f1.mean()) if len(present) else 0.0


def per_label(gold: np.ndarray, pred: np.ndarray, names: tuple[str, ...]) -> dict[str, dict[str, float]]:
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=list(range(len(names))), zero_division=0)
    return {n: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, n in enumerate(names)}


def confusion(gold: np.ndarray, pred: np.ndarray, n_labels: int) -> list[list[int]]:
    """Rows are gold labels, columns predictions."""
    return confusion_matrix(gold, pred, labels=list(range(n_labels))).tolist()


def bootstrap_ci(
    gold: np.ndarray, pred: np.ndarray, n_labels: int, n_resamples: int = 1000, seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval for macro-F1, resampling sentences with replacement.

    Vectorised over resamples through per-resample confusion counts: 1,000 resamples of 5,000
    sentences take ~0.1 s instead of ~10 s with a sklearn call per resample.
    """
    n = len(gold)
    if n == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    g, p = gold[idx], pred[idx]
    scores = np.empty(n_resamples)
    f1s = np.zeros((n_resamples, n_labels))
    present = np.zeros((n_resamples, n_labels), dtype=bool)
    for k in range(n_labels):
        tp = ((g == k) & (p == k)).sum(1)
        fp = ((g != k) & (p == k)).sum(1)
        fn = ((g == k) & (p != k)).sum(1)
        denom = 2 * tp + fp + fn
        f1s[:, k] = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
        present[:, k] = (tp + fp + fn) > 0
    scores = (f1s * present).sum(1) / np.maximum(present.sum(1), 1)
    alpha = (1 - level) / 2
    return (float(np.quantile(scores, alpha)), float(np.quantile(scores, 1 - alpha)))


def reliability(gold: np.ndarray, proba: np.ndarray, n_bins: int = 10) -> dict:
    """Expected calibration error of the top-label confidence, with the per-bin table behind it."""
    confidence = proba.max(1)
    correct = (proba.argmax(1) == gold).astype(float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > lo) & (confidence <= hi) if lo > 0 else (confidence >= lo) & (confidence <= hi)
        count = int(in_bin.sum())
        if count:
            acc, conf = float(correct[in_bin].mean()), float(confidence[in_bin].mean())
            ece += count / len(gold) * abs(acc - conf)
        else:
            acc = conf = None
        bins.append({"lo": float(lo), "hi": float(hi), "count": count, "accuracy": acc, "confidence": conf})
    return {"ece": float(ece), "bins": bins}


def mcnemar(gold: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray) -> dict:
    """Exact McNemar test on the sentences where exactly one of two models is right."""
    from scipy.stats import binomtest

    a_only = int(((pred_a == gold) & (pred_b != gold)).sum())
    b_only = int(((pred_a != gold) & (pred_b == gold)).sum())
    n = a_only + b_only
    p = 1.0 if n == 0 else float(binomtest(a_only, n, 0.5).pvalue)
    return {"a_right_b_wrong": a_only, "b_right_a_wrong": b_only, "p_value": p}


def paired_bootstrap_diff(
    gold: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray, n_labels: int, n_resamples: int = 1000,
    seed: int = 0,
) -> dict:
    """Macro-F1(a) - macro-F1(b) with a 95% paired bootstrap interval (same resampled sentences)."""
    rng = np.random.default_rng(seed)
    n = len(gold)
    diffs = np.empty(n_resamples)
    for r in range(n_resamples):
        i = rng.integers(0, n, size=n)
        diffs[r] = macro_f1(gold[i], pred_a[i], n_labels) - macro_f1(gold[i], pred_b[i], n_labels)
    return {"diff": macro_f1(gold, pred_a, n_labels) - macro_f1(gold, pred_b, n_labels),
            "ci": [float(np.quantile(diffs, 0.025)), float(np.quantile(diffs, 0.975))]}
