"""The two shipped models (issue 15): `load("fast")`, `load("accurate")` and `load()` as a user gets them."""

from __future__ import annotations

import json

import pytest

import newsstance

ARTICLE = ('"There is no truth whatsoever in these reports," a palace spokesman told reporters.\n\n'
           "Photo: Reuters/John Smith")
REBUTTAL = "The company has not been sold, contrary to what several websites claimed."


@pytest.mark.parametrize("name", newsstance.MODEL_NAMES)
def test_each_shipped_model_reads_a_rejection_inside_a_quote_as_denial_and_a_photo_credit_as_skip(name):
    model = newsstance.load(name)
    sentences = model.analyze(ARTICLE)
    assert [s["label"] for s in sentences] == ["denial", "skip"]
    assert sentences[0]["source"]["text"] == "a palace spokesman"
    # predict/predict_proba keep the guideline's three labels; skip is analyze()'s furniture marker.
    assert model.labels == ("claim", "denial", "attribution")
    assert model.predict_proba(["Iran denies selling drones."]).shape == (1, 3)


@pytest.mark.parametrize("name", newsstance.MODEL_NAMES)
def test_each_shipped_model_is_small_enough_to_commit_and_its_card_reports_cross_validation(name):
    directory = newsstance.model_dir(name)
    meta = json.loads((directory / "config.json").read_text())
    assert 0.5 < meta.get("temperature", 1.0) < 3.0
    assert (directory / "model.safetensors").stat().st_size <= 20 * 2**20
    card = (directory / "MODEL_CARD.md").read_text()
    assert "## Cross-validation" in card and "second, denial-dense round" in card


def test_the_default_model_reads_a_writers_rebuttal_as_denial():
    # The fast model reads this one as attribution (0.58 against 0.39 denial): the kind of miss that
    # made the accurate model the default (docs/RESULTS.md, issue 15).
    assert newsstance.load().predict([REBUTTAL]) == ["denial"]


def test_load_without_a_name_gives_the_model_chosen_as_default():
    assert newsstance.model_dir(None) == newsstance.model_dir(newsstance.DEFAULT_MODEL)
    assert newsstance.DEFAULT_MODEL in newsstance.MODEL_NAMES


def test_the_shipped_fast_model_exports_to_a_transformers_pipeline_with_the_same_labels(data_root, tmp_path):
    from conftest import exported_and_own_labels

    from newsstance.data.corpora import load_spec

    texts = [r.text for r in load_spec("gold:gold/dev.jsonl", data_root)]
    exported, own = exported_and_own_labels("fast", tmp_path / "hf", texts)
    assert exported == own


def test_the_default_models_cue_is_the_rejecting_word_alone():
    # The guideline's cue is "the exact words" that signal the denial. At the decoder's generic threshold
    # (0.3) the accurate model returns "deny the"; its own threshold, chosen on CV, gives "deny".
    result = newsstance.load().spans(["Saudi officials deny the claim."])[0]
    assert (result["label"], result["source"]["text"], result["cue"]["text"]) == ("denial", "Saudi officials", "deny")
