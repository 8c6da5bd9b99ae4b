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


def _group_counts(gold: np.ndarray, pred: np.ndarray, groups: np.ndarray, n_labels: int) -> tuple[np.ndarray, ...]:
    """Per group (document) and label: true positives, false positives, false negatives."""
    _, index = np.unique(groups, return_inverse=True)
    n_groups = index.max() + 1 if len(index) else 0
    counts = np.zeros((3, n_groups, n_labels))
    for k in range(n_labels):
        np.add.at(counts[0, :, k], index, (gold == k) & (pred == k))
        np.add.at(counts[1, :, k], index, (gold != k) & (pred == k))
        np.add.at(counts[2, :, k], index, (gold == k) & (pred != k))
    return counts[0], counts[1], counts[2]


def _f1_from_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-label F1 and macro-F1 (over labels present) for count arrays of shape (..., n_labels)."""
    denom = 2 * tp + fp + fn
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    present = (tp + fp + fn) > 0
    return f1, (f1 * present).sum(-1) / np.maximum(present.sum(-1), 1)


def cluster_bootstrap(
    gold: np.ndarray, pred: np.ndarray, groups: np.ndarray, n_labels: int, n_resamples: int = 1000,
    seed: int = 0, level: float = 0.95,
) -> dict:
    """Percentile intervals for macro-F1 and each label's F1, resampling whole documents (`groups`).

    Sentences of one article share topic, outlet and sources, so their errors are correlated; resampling
    sentences would understate the uncertainty. Counts are summed per document once, so 1,000 resamples of
    600 documents take a few milliseconds.
    """
    if len(gold) == 0:
        return {"macro_f1_ci": [0.0, 0.0], "f1_ci": [[0.0, 0.0]] * n_labels}
    tp, fp, fn = _group_counts(gold, pred, groups, n_labels)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(tp), size=(n_resamples, len(tp)))
    f1, macro = _f1_from_counts(tp[pick].sum(1), fp[pick].sum(1), fn[pick].sum(1))
    alpha = (1 - level) / 2
    lo, hi = np.quantile(macro, [alpha, 1 - alpha])
    per = np.quantile(f1, [alpha, 1 - alpha], axis=0).T
    return {"macro_f1_ci": [float(lo), float(hi)], "f1_ci": per.tolist()}


def paired_cluster_bootstrap(
    gold: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray, groups: np.ndarray, n_labels: int,
    label: int | None = None, n_resamples: int = 1000, seed: int = 0,
) -> dict:
    """a - b in macro-F1 (or in one label's F1), with a 95% interval over the same resampled documents."""
    counts_a = _group_counts(gold, pred_a, groups, n_labels)
    counts_b = _group_counts(gold, pred_b, groups, n_labels)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(counts_a[0]), size=(n_resamples, len(counts_a[0])))

    def score(counts, rows=None):
        summed = [c.sum(0) if rows is None else c[rows].sum(1) for c in counts]
        f1, macro = _f1_from_counts(*summed)
        return macro if label is None else f1[..., label]

    diffs = score(counts_a, pick) - score(counts_b, pick)
    return {"diff": float(score(counts_a) - score(counts_b)),
            "ci": [float(np.quantile(diffs, 0.025)), float(np.quantile(diffs, 0.975))],
            "p_not_better": float((diffs <= 0).mean())}


def furniture_scores(gold_skip: np.ndarray, p_skip: np.ndarray, threshold: float = 0.5) -> dict:
    """Precision, recall and F1 of calling page furniture `skip` where P(skip) > threshold."""
    gold, pred = np.asarray(gold_skip, dtype=bool), np.asarray(p_skip) > threshold
    tp = int((gold & pred).sum())
    precision = tp / pred.sum() if pred.sum() else 0.0
    recall = tp / gold.sum() if gold.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1), "support": int(gold.sum()),
            "predicted": int(pred.sum()), "n": len(gold)}
