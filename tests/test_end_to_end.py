"""Train a tiny random BERT a few steps -> save -> load -> predict -> evaluate."""

import json

import numpy as np
import pytest
from conftest import tiny_config

import newsstance
from newsstance.corpora import load_spec
from newsstance.eval.evaluator import Evaluator
from newsstance.train import fit


def test_training_writes_a_complete_run_directory(trained):
    run = trained.run_dir
    for name in ("config.yaml", "metrics.jsonl", "dev_report.json", "best/model.safetensors", "best/config.json",
                 "checkpoint/state.safetensors", "checkpoint/state.json"):
        assert (run / name).exists(), name
    evals = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [e["step"] for e in evals] == [3, 6]
    report = json.loads((run / "dev_report.json").read_text())
    assert report["model"]["n"] == 7 and report["model"]["skipped"] == 1
    assert report["tfidf_baseline"]["n"] == 7
    assert not list(run.glob("*.tmp"))


def test_saved_model_reloads_and_predicts_like_the_evaluator_said(trained, data_root):
    model = newsstance.load(trained.run_dir / "best")
    assert model.labels == ("claim", "denial", "attribution")
    proba = model.predict_proba(["Iran denies selling drones.", "Crimea was annexed."])
    assert proba.shape == (2, 3) and np.allclose(proba.sum(1), 1.0, atol=1e-5)
    assert set(model.predict(["Officials said the bill would pass."])) <= set(model.labels)
    again = Evaluator(load_spec("gold:gold/dev.jsonl", data_root))(model)
    assert again["macro_f1"] == pytest.approx(trained.best_dev["macro_f1"])


def test_analyze_returns_offsets_into_the_article(trained):
    model = newsstance.load(trained.run_dir / "best")
    article = 'Iran denies selling drones. "We sold nothing," the minister said.\n\nCrimea was annexed in 2014.'
    results = model.analyze(article)
    assert [r["text"] for r in results] == ["Iran denies selling drones.",
                                            '"We sold nothing," the minister said.', "Crimea was annexed in 2014."]
    for r in results:
        assert article[r["start"] : r["end"]] == r["text"]
        assert r["label"] in model.labels and pytest.approx(sum(r["scores"].values()), abs=1e-5) == 1.0
        for name in ("source", "cue"):
            if r[name] is not None:
                assert article[r[name]["start"] : r[name]["end"]] == r[name]["text"]


def test_resume_after_interruption_reaches_the_same_metrics(data_root, tmp_path, trained):
    config = tiny_config(data_root, tmp_path / "interrupted", "training.baseline=false")
    assert fit(config, stop_at_step=3) is None
    resumed = fit(config, resume=True)
    full = [json.loads(line) for line in (trained.run_dir / "metrics.jsonl").read_text().splitlines()]
    again = [json.loads(line) for line in (resumed.run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in again] == [3, 6]
    assert [r["train_loss"] for r in again] == pytest.approx([r["train_loss"] for r in full], rel=1e-5)
    assert resumed.best_dev["macro_f1"] == pytest.approx(trained.best_dev["macro_f1"])


def test_resume_without_checkpoint_is_a_clear_error(data_root, tmp_path):
    from newsstance.errors import NewsstanceError

    with pytest.raises(NewsstanceError, match="no checkpoint"):
        fit(tiny_config(data_root, tmp_path / "fresh"), resume=True)
