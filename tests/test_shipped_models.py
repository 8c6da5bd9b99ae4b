"""The two shipped models (issue 15): `load("fast")`, `load("accurate")` and `load()` as a user gets them."""

from __future__ import annotations

import json

import pytest

import newsstance

ARTICLE = ('"There is no truth whatsoever in these reports," a palace spokesman told reporters. '
           "The company has not been sold, contrary to what several websites claimed.\n\n"
           "Photo: Reuters/John Smith")


@pytest.mark.parametrize("name", newsstance.MODEL_NAMES)
def test_each_shipped_model_marks_quoted_and_bare_rejections_as_denials_and_a_photo_credit_as_skip(name):
    model = newsstance.load(name)
    sentences = model.analyze(ARTICLE)
    assert [s["label"] for s in sentences] == ["denial", "denial", "skip"]
    assert sentences[0]["source"]["text"] == "a palace spokesman"
    # predict/predict_proba keep the guideline's three labels; skip is analyze()'s furniture marker.
    assert model.labels == ("claim", "denial", "attribution")
    assert model.predict_proba(["Iran denies selling drones."]).shape == (1, 3)


@pytest.mark.parametrize("name", newsstance.MODEL_NAMES)
def test_each_shipped_model_is_calibrated_by_its_cross_validation_and_small_enough_to_commit(name):
    directory = newsstance.model_dir(name)
    meta = json.loads((directory / "config.json").read_text())
    assert 0.5 < meta["temperature"] < 3.0  # fitted on held-out folds (scripts/ship_model.py --cv)
    assert (directory / "model.safetensors").stat().st_size <= 20 * 2**20
    card = (directory / "MODEL_CARD.md").read_text()
    assert "## Cross-validation" in card and "second, denial-dense round" in card


def test_load_without_a_name_gives_the_model_chosen_as_default():
    assert newsstance.model_dir(None) == newsstance.model_dir(newsstance.DEFAULT_MODEL)
    assert newsstance.DEFAULT_MODEL in newsstance.MODEL_NAMES
