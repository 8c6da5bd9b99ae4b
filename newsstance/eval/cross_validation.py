"""Scores of a cross-validation run: the held-out predictions of every fold, pooled.

`newsstance train CONFIG --cv K` writes fold-<i>/cv_predictions.jsonl (one row per held-out guideline
sentence); this module turns them into one report with document-level bootstrap intervals, compares
two runs sentence by sentence, and fits the temperature that calibrates a model trained the same way.
Gold dev has 281 sentences (intervals of +-5 points); the guideline annotations hold ~11,000.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newsstance.data.cv_folds import fold_of
from newsstance.data.labels import LABELS, SKIP
from newsstance.data.records import Span
from newsstance.errors import NewsstanceError
from newsstance.eval import metrics
from newsstance.eval.span_metrics import span_scores

PREDICTIONS = "cv_predictions.jsonl"
# Document id prefixes: FNC-1 bodies are rumour, hoax and debunk coverage, where denials concentrate.
SUBSETS = {"fnc1 (rumours and debunks)": "fnc-", "polnear": "polnear-", "newsdiscourse": "newsdiscourse-"}


def read_predictions(run_dir: Path) -> list[dict]:
    run_dir = Path(run_dir)
    files = sorted(run_dir.glob(f"fold-*/{PREDICTIONS}"))
    if not files:
        raise NewsstanceError(f"{run_dir}: no fold-*/{PREDICTIONS}; run `newsstance train CONFIG --cv K` first")
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def _arrays(rows: list[dict], temperature: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scored = [r for r in rows if r["gold"] in LABELS]
    gold = np.array([LABELS.index(r["gold"]) for r in scored], dtype=int)
    proba = np.array([[r["scores"][label] for label in LABELS] for r in scored], dtype=np.float64)
    if temperature != 1.0:
        proba = scale(proba, temperature)
    return gold, proba, np.array([r["doc"] for r in scored])


def scale(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature scaling of probabilities: softmax(log p / T)."""
    logits = np.log(np.clip(proba, 1e-12, None)) / temperature
    logits -= logits.max(1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(1, keepdims=True)


def fit_temperature(gold: np.ndarray, proba: np.ndarray) -> float:
    """The T that minimises the negative log-likelihood of the gold labels (one parameter: accuracy
    and rankings are unchanged, only confidence moves)."""
    from scipy.optimize import minimize_scalar

    def nll(t: float) -> float:
        return float(-np.log(np.clip(scale(proba, t)[np.arange(len(gold)), gold], 1e-12, None)).mean())

    return float(minimize_scalar(nll, bounds=(0.05, 10.0), method="bounded").x)


def _calibration_groups(rows: list[dict]) -> list[int]:
    """The group each row's temperature is fitted without: its fold, or, when only one fold was run
    (the teacher's fixed fold), one of two halves of that fold's documents."""
    if len({r["fold"] for r in rows}) > 1:
        return [r["fold"] for r in rows]
    return [fold_of(r["doc"], 2) for r in rows]


def cross_fitted_ece(rows: list[dict]) -> float | None:
    """ECE after temperature scaling where each group's T is fitted on the other groups only, so the
    calibrated figure is not measured on the data that fitted it (None: a single document)."""
    groups = _calibration_groups(rows)
    if len(set(groups)) < 2:
        return None
    gold_all, proba_all = [], []
    for g in sorted(set(groups)):
        g_fit, p_fit, _ = _arrays([r for r, k in zip(rows, groups, strict=True) if k != g])
        gold, p, _ = _arrays([r for r, k in zip(rows, groups, strict=True) if k == g])
        gold_all.append(gold)
        proba_all.append(scale(p, fit_temperature(g_fit, p_fit)))
    gold, proba = np.concatenate(gold_all), np.concatenate(proba_all)
    return metrics.reliability(gold, proba)["ece"]


def _spans(rows: list[dict]) -> dict:
    scored = [r for r in rows if r["gold"] in LABELS]
    texts = [r["text"] for r in scored]
    out = {}
    for name in ("source", "cue"):
        gold = [Span(*r[f"gold_{name}"]) if r[f"gold_{name}"] else None for r in scored]
        pred = [Span(*r[name]) if r[name] else None for r in scored]
        out[name] = span_scores(texts, gold, pred)
    return out


def _skip(rows: list[dict]) -> dict | None:
    if any(r.get("skip_score") is None for r in rows):
        return None
    return metrics.furniture_scores(np.array([r["gold"] == SKIP for r in rows]),
                                    np.array([r["skip_score"] for r in rows]))


def _label_block(gold: np.ndarray, proba: np.ndarray, docs: np.ndarray, n_bootstrap: int) -> dict:
    pred = proba.argmax(1)
    k = len(LABELS)
    boot = metrics.cluster_bootstrap(gold, pred, docs, k, n_bootstrap)
    per = metrics.per_label(gold, pred, LABELS)
    for i, label in enumerate(LABELS):
        per[label]["f1_ci"] = boot["f1_ci"][i]
    return {"n": int(len(gold)), "documents": int(len(set(docs.tolist()))),
            "accuracy": float((pred == gold).mean()) if len(gold) else 0.0,
            "macro_f1": metrics.macro_f1(gold, pred, k), "macro_f1_ci": boot["macro_f1_ci"], "per_label": per,
            "confusion": metrics.confusion(gold, pred, k), "ece": metrics.reliability(gold, proba)["ece"]}


def score_labels(rows: list[dict], n_bootstrap: int = 1000) -> dict:
    """Label scores of any set of CV rows (a corpus, a half of the documents): macro- and per-label F1
    with document-bootstrap intervals, confusion, ECE."""
    return _label_block(*_arrays(rows), n_bootstrap)


def score_cv(rows: list[dict], n_bootstrap: int = 1000) -> dict:
    """The pooled report: labels with document-bootstrap intervals, calibration, spans, skip, subsets."""
    gold, proba, docs = _arrays(rows)
    report = _label_block(gold, proba, docs, n_bootstrap)
    report["folds"] = {}
    for f in sorted({r["fold"] for r in rows}):
        g, p, _ = _arrays([r for r in rows if r["fold"] == f])
        report["folds"][str(f)] = {"n": int(len(g)), "macro_f1": metrics.macro_f1(g, p.argmax(1), len(LABELS))}
    report["temperature"] = fit_temperature(gold, proba)
    report["ece_temperature_cross_fitted"] = cross_fitted_ece(rows)
    report["spans"] = _spans(rows)
    report["skip"] = _skip(rows)
    report["subsets"] = {}
    for name, prefix in SUBSETS.items():
        sub = [r for r in rows if r["doc"].startswith(prefix)]
        if sub:
            report["subsets"][name] = score_labels(sub, n_bootstrap)
    return report


def compare_cv(rows_a: list[dict], rows_b: list[dict], n_bootstrap: int = 1000) -> dict:
    """Run a against run b on the sentences both scored: differences in macro-F1 and denial F1 with
    paired document-bootstrap intervals, and McNemar's test on the sentences where they disagree."""
    by_id = {r["id"]: r for r in rows_b}
    shared = [r for r in rows_a if r["id"] in by_id and r["gold"] in LABELS]
    if not shared:
        raise NewsstanceError("the two cross-validation runs share no scored sentence")
    gold = np.array([LABELS.index(r["gold"]) for r in shared])
    docs = np.array([r["doc"] for r in shared])
    pa = np.array([int(np.argmax([r["scores"][lab] for lab in LABELS])) for r in shared])
    pb = np.array([int(np.argmax([by_id[r["id"]]["scores"][lab] for lab in LABELS])) for r in shared])
    k, denial = len(LABELS), LABELS.index("denial")
    return {"n": len(shared),
            "macro_f1": metrics.paired_cluster_bootstrap(gold, pa, pb, docs, k, None, n_bootstrap),
            "denial_f1": metrics.paired_cluster_bootstrap(gold, pa, pb, docs, k, denial, n_bootstrap),
            "mcnemar": metrics.mcnemar(gold, pa, pb)}


def format_cv(report: dict, name: str) -> str:
    lo, hi = report["macro_f1_ci"]
    lines = [f"{name}: cross-validation over {report['n']} guideline sentences in {report['documents']} documents, "
             f"{len(report['folds'])} folds",
             f"  macro-F1 {report['macro_f1']:.4f} (95% document-bootstrap CI {lo:.4f}-{hi:.4f}); "
             f"ECE {report['ece']:.3f}, after temperature {report['temperature']:.2f} (cross-fitted) "
             f"{report['ece_temperature_cross_fitted'] or float('nan'):.3f}"]
    for label, m in report["per_label"].items():
        a, b = m["f1_ci"]
        lines.append(f"  {label:12s} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f} ({a:.3f}-{b:.3f})"
                     f"  n={m['support']}")
    for span in ("source", "cue"):
        lines.append(f"  {span} spans exact F1 {report['spans'][span]['exact']['f1']:.3f}")
    if report["skip"]:
        s = report["skip"]
        lines.append(f"  skip P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} (n={s['support']})")
    for sub, block in report["subsets"].items():
        lines.append(f"  {sub}: macro-F1 {block['macro_f1']:.4f} ({block['macro_f1_ci'][0]:.4f}-"
                     f"{block['macro_f1_ci'][1]:.4f}), denial F1 {block['per_label']['denial']['f1']:.3f}, "
                     f"ECE {block['ece']:.3f}, n={block['n']}")
    return "\n".join(lines)
