"""Train a tiny random BERT a few steps -> save -> load -> predict -> evaluate."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny_config

import newsstance
from newsstance.data.corpora import load_spec
from newsstance.eval.evaluator import Evaluator
from newsstance.train.loop import fit


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
    # As a crash between the checkpoint swap's two renames leaves it: only the previous copy remains.
    checkpoint = Path(config.training.output_dir) / "checkpoint"
    checkpoint.rename(checkpoint.with_name("checkpoint.old"))
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


def test_weight_average_is_saved_as_best_and_survives_resume(data_root, tmp_path):
    from safetensors.torch import load_file

    def run(name, stop=None):
        config = tiny_config(data_root, tmp_path / name, "training.baseline=false", "training.ema_decay=0.5")
        if stop is None:
            return fit(config)
        assert fit(config, stop_at_step=stop) is None
        return fit(config, resume=True)

    straight, resumed = run("straight"), run("resumed", stop=3)
    best = load_file(str(straight.run_dir / "best" / "model.safetensors"))
    assert best.keys() == load_file(str(resumed.run_dir / "best" / "model.safetensors")).keys()
    for key, value in load_file(str(resumed.run_dir / "best" / "model.safetensors")).items():
        assert np.allclose(value.float().numpy(), best[key].float().numpy(), atol=1e-6), key
    # best/ holds the average, not the raw weights the checkpoint continues from
    raw = load_file(str(straight.run_dir / "checkpoint" / "state.safetensors"))
    averaged = {k[len("ema."):] for k in raw if k.startswith("ema.")}
    assert averaged and any(not np.allclose(raw[f"ema.{n}"].numpy(), raw[f"model.{n}"].numpy()) for n in averaged)


def test_resume_refuses_a_checkpoint_without_averages_when_ema_is_switched_on(data_root, tmp_path):
    from newsstance.errors import NewsstanceError

    fit(tiny_config(data_root, tmp_path / "run", "training.baseline=false"), stop_at_step=3)
    with pytest.raises(NewsstanceError, match="averaged weights"):
        fit(tiny_config(data_root, tmp_path / "run", "training.baseline=false", "training.ema_decay=0.9"), resume=True)


def test_a_span_only_corpus_teaches_no_labels(data_root, tmp_path):
    """PolNeAR with `labels: false`: its labels leave the class weights and the TF-IDF baseline."""
    from newsstance.data.mixture import MixtureSampler
    from newsstance.train.loop import build, load_corpora
    from newsstance.train.objective import batch_tensors

    config = tiny_config(data_root, tmp_path / "run", "training.baseline=false",
                         'data.train=[{spec: "guideline:guideline"}, {spec: "polnear:polnear/train", labels: false}]')
    corpora, _ = load_corpora(config)
    guideline_only = MixtureSampler(corpora[:1], 8, 13, len).label_distribution()
    assert MixtureSampler(corpora, 8, 13, len).label_distribution() == pytest.approx(guideline_only)
    _, tokenizer = build(config)
    batch = [(corpora[1], r) for r in corpora[1].records[:4]] + [(corpora[0], corpora[0].records[0])]
    tensors = batch_tensors(batch, tokenizer, config)
    assert tensors["labels"].tolist()[:4] == [-100] * 4 and tensors["labels"][4] >= 0
    assert (tensors["tags"][:4] != -100).any()  # its spans still train the tagger
    assert fit(config).best_dev["n"] == 7


def test_copies_of_held_out_articles_are_left_out_of_training(data_root, tmp_path):
    """A training document sharing a sentence with a dev article (FNC-1 repeats bodies under new ids)."""
    from newsstance.train.loop import load_corpora

    config = tiny_config(data_root, tmp_path / "run")
    corpora, _ = load_corpora(config)
    kept = len(corpora[0].records)
    victim = next(r for r in corpora[1].records if len(r.text) >= 40)
    dev = tmp_path / "dev.jsonl"
    dev.write_text(json.dumps({"id": "other-article#0", "doc": "other-article", "text": victim.text,
                               "label": "claim"}) + "\n")
    config.data.exclude_docs_of = [str(dev)]
    corpora, _ = load_corpora(config)
    assert victim.doc not in {r.doc for r in corpora[1].records}
    assert len(corpora[0].records) == kept  # the other corpus shares nothing with it
