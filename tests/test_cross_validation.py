"""`newsstance train --cv K` and `newsstance eval --cv`: document folds, no leakage, pooled scores."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import tiny_config

from newsstance.data.cv_folds import fold_of
from newsstance.data.training_data import load_training_data
from newsstance.errors import ConfigError
from newsstance.eval import metrics
from newsstance.eval.cross_validation import compare_cv, read_predictions
from newsstance.train.cross_validation import fold_config, run_cv


def test_a_fold_is_a_property_of_the_document_alone():
    docs = [f"fnc-train-{i}" for i in range(400)]
    folds = [fold_of(d, 5) for d in docs]
    assert folds == [fold_of(d, 5) for d in docs] and set(folds) == set(range(5))
    assert min(folds.count(k) for k in range(5)) > 50  # roughly balanced


def test_held_out_documents_never_reach_training(data_root, tmp_path):
    config = tiny_config(data_root, tmp_path / "run", "data.cv_spec=guideline:guideline")
    for fold in range(2):
        corpora, _ = load_training_data(fold_config(config, 2, fold).data, seed=13)
        trained_docs = {r.doc for c in corpora for r in c.records}
        assert all(fold_of(doc, 2) != fold for doc in trained_docs if doc.startswith("fnc-train"))


def test_cv_trains_each_fold_predicts_every_sentence_once_and_resumes(data_root, tmp_path):
    config = tiny_config(data_root, tmp_path / "cv", "data.cv_spec=guideline:guideline", "training.baseline=false")
    report = run_cv(config, 2)
    rows = read_predictions(tmp_path / "cv")
    assert len(rows) == len({r["id"] for r in rows}) == 6  # the fixture's 6 guideline sentences, once each
    assert {r["fold"] for r in rows} == {0, 1} and all(fold_of(r["doc"], 2) == r["fold"] for r in rows)
    assert report["n"] == 6 and 0 <= report["macro_f1"] <= 1 and report["temperature"] > 0
    saved = json.loads((tmp_path / "cv" / "cv_report.json").read_text())
    assert saved["macro_f1"] == report["macro_f1"] and set(saved["folds"]) == {"0", "1"}
    # Rerunning the command skips finished folds: their predictions are not rewritten.
    stamp = (tmp_path / "cv" / "fold-0" / "cv_predictions.jsonl").stat().st_mtime_ns
    run_cv(config, 2)
    assert (tmp_path / "cv" / "fold-0" / "cv_predictions.jsonl").stat().st_mtime_ns == stamp
    # A run compared with itself differs by nothing, in the library and through `newsstance eval --cv`.
    same = compare_cv(rows, rows)
    assert same["macro_f1"]["diff"] == 0 and same["mcnemar"]["p_value"] == 1.0
    from newsstance.cli import main

    out = tmp_path / "report"
    assert main(["eval", "--cv", str(tmp_path / "cv"), "--compare", str(tmp_path / "cv"), "--out", str(out)]) == 0
    written = json.loads((out / "cv_report.json").read_text())
    assert written["compare"]["denial_f1"]["diff"] == 0 and written["scores"]["n"] == 6


def test_document_bootstrap_is_wider_than_the_sentence_bootstrap_for_clustered_errors():
    # 40 documents of 10 sentences; a document is either all right or all wrong: errors are clustered.
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 400)
    right_doc = rng.random(40) < 0.7
    pred = np.where(np.repeat(right_doc, 10), gold, (gold + 1) % 3)
    docs = np.repeat(np.arange(40), 10)
    by_doc = metrics.cluster_bootstrap(gold, pred, docs, 3)["macro_f1_ci"]
    by_sentence = metrics.bootstrap_ci(gold, pred, 3)
    assert by_doc[1] - by_doc[0] > 1.5 * (by_sentence[1] - by_sentence[0])


def test_one_fold_can_run_alone_and_the_report_pools_what_is_finished(data_root, tmp_path):
    config = tiny_config(data_root, tmp_path / "cv", "data.cv_spec=guideline:guideline", "training.baseline=false")
    report = run_cv(config, 2, only=[1])
    assert set(report["folds"]) == {"1"} and not (tmp_path / "cv" / "fold-0").exists()
    with pytest.raises(ConfigError, match="folds are numbered 0..1"):
        run_cv(config, 2, only=[2])


def test_a_single_folds_calibration_is_still_measured_on_documents_that_did_not_fit_it():
    from newsstance.eval.cross_validation import cross_fitted_ece

    # One fold of 60 documents, every prediction overconfident the same way: a temperature fitted on
    # half the documents calibrates the other half, so the cross-fitted ECE falls well below the raw one.
    rng = np.random.default_rng(1)
    rows = []
    for i in range(600):
        gold = int(rng.integers(0, 3))
        guess = gold if rng.random() < 0.7 else (gold + 1) % 3
        scores = [0.01, 0.01, 0.01]
        scores[guess] = 0.98
        rows.append({"fold": 0, "doc": f"doc-{i // 10}", "gold": ["claim", "denial", "attribution"][gold],
                     "scores": dict(zip(["claim", "denial", "attribution"], scores, strict=True))})
    raw = metrics.reliability(np.array([["claim", "denial", "attribution"].index(r["gold"]) for r in rows]),
                              np.array([list(r["scores"].values()) for r in rows]))["ece"]
    assert raw > 0.2
    assert cross_fitted_ece(rows) < raw / 3
    assert cross_fitted_ece(rows[:10]) is None  # one document: nothing to fit it on but itself
