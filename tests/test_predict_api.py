"""The library surface of issue 4: shapes, label order, edge inputs."""

import numpy as np
import pytest
from conftest import copy_model

import newsstance
from newsstance.errors import NewsstanceError


def test_labels_and_column_order(tiny_model):
    assert tiny_model.labels == ("claim", "denial", "attribution")
    proba = tiny_model.predict_proba(["One.", "Two sentences here.", "Three."])
    assert proba.shape == (3, 3) and proba.dtype == np.float32
    assert np.allclose(proba.sum(1), 1.0, atol=1e-5)
    assert tiny_model.predict(["One.", "Two sentences here.", "Three."]) == [
        tiny_model.labels[i] for i in proba.argmax(1)]


def test_empty_list(tiny_model):
    assert tiny_model.predict([]) == []
    assert tiny_model.predict_proba([]).shape == (0, 3)
    assert tiny_model.spans([]) == []
    assert tiny_model.analyze("") == []


def test_batching_does_not_change_results(tiny_model):
    texts = [f"Sentence number {i} said the senator." * (1 + i % 4) for i in range(40)]
    together = tiny_model.predict_proba(texts)
    alone = np.concatenate([tiny_model.predict_proba([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_the_model_says_whether_it_reads_context(tiny_model):
    assert tiny_model.context is tiny_model.config.model.context is True


def test_context_keywords_are_used_and_checked(tiny_model):
    with_context = tiny_model.predict_proba(["He added."], before=["The senator said so."], after=["Votes followed."])
    without = tiny_model.predict_proba(["He added."])
    assert with_context.shape == without.shape == (1, 3)
    with pytest.raises(NewsstanceError, match="one entry per text"):
        tiny_model.predict_proba(["a", "b"], before=["x"], after=["y", "z"])


def test_sentence_longer_than_the_window_is_truncated_not_an_error(tiny_model):
    long = "The senator said the vote " + "would pass and " * 400 + "end."
    assert tiny_model.predict_proba([long]).shape == (1, 3)
    [result] = tiny_model.spans([long])
    for name in ("source", "cue"):
        if result[name]:
            assert long[result[name]["start"] : result[name]["end"]] == result[name]["text"]


def test_non_english_and_odd_characters_give_sensible_output(tiny_model):
    texts = ["Иран отрицает продажу дронов.", "伊朗否认出售无人机。", "emoji 🚀🔥", "tab\tand\x00nul\x1bescape"]
    proba = tiny_model.predict_proba(texts)
    assert proba.shape == (4, 3) and np.isfinite(proba).all()


@pytest.mark.parametrize("bad", ["just a string", None, 42, ["fine", None], ["fine", 3.5], [b"bytes"]])
def test_non_text_input_is_a_clear_error(tiny_model, bad):
    with pytest.raises(NewsstanceError, match=r"expected"):
        tiny_model.predict(bad)


def test_analyze_rejects_non_text(tiny_model):
    with pytest.raises(NewsstanceError, match="expected the article as str"):
        tiny_model.analyze(["not", "a", "string"])


@pytest.fixture(scope="module")
def skip_model(data_root, tmp_path_factory):
    from conftest import tiny_config

    from newsstance.train.loop import fit

    result = fit(tiny_config(data_root, tmp_path_factory.mktemp("skip"), "model.predicts_skip=true"))
    return newsstance.load(result.run_dir / "best")


def test_a_skip_model_keeps_three_columns_and_scores_page_furniture(skip_model):
    texts = ["Iran denies selling drones.", "Photo: Reuters", "Read more here."]
    proba, p_skip = skip_model.predict_proba(texts), skip_model.skip_proba(texts)
    assert proba.shape == (3, 3) and np.allclose(proba.sum(1), 1.0, atol=1e-5)
    assert p_skip.shape == (3,) and ((p_skip >= 0) & (p_skip <= 1)).all()
    assert skip_model.predict(texts)[0] in skip_model.labels


def test_analyze_marks_furniture_skip_when_it_is_the_most_probable_class():
    from newsstance.data.segment import Sentence
    from newsstance.model.stance_model import assemble_article

    span = {"start": 0, "end": 2, "text": "By"}
    row = {"label": "attribution", "scores": {"claim": 0.1, "denial": 0.1, "attribution": 0.8}, "source": span,
           "cue": span}
    # Joint probabilities: attribution (1 - 0.45) x 0.8 = 0.44 < skip 0.45; 0.44 x ... the other way round below.
    furniture, sentence = [{**row, "skip_score": 0.45}], [{**row, "skip_score": 0.43}]
    marked = assemble_article([Sentence("By Jane Doe", 0, 11)], furniture)[0]
    assert (marked["label"], marked["source"], marked["cue"]) == ("skip", None, None)
    kept = assemble_article([Sentence("By Jane Doe", 0, 11)], sentence)[0]
    assert kept["label"] == "attribution" and kept["source"] == span


def test_a_model_without_the_skip_class_says_so(tiny_model):
    assert not tiny_model.predicts_skip and tiny_model.skip_proba(["x"]) is None
    assert tiny_model.spans(["Iran denies selling drones."])[0]["skip_score"] is None


def test_a_cls_pooled_model_exports_to_a_transformers_pipeline_with_the_same_labels(data_root, tmp_path):
    from conftest import exported_and_own_labels, tiny_config

    from newsstance.data.corpora import load_spec
    from newsstance.train.loop import fit

    run = fit(tiny_config(data_root, tmp_path / "run", "model.pooling=cls", "model.predicts_skip=true",
                          "model.context=false", "training.baseline=false"))
    texts = [r.text for r in load_spec("gold:gold/dev.jsonl", data_root)]
    exported, own = exported_and_own_labels(run.run_dir / "best", tmp_path / "hf", texts)
    assert exported == own
    card = (tmp_path / "hf" / "README.md").read_text()
    assert card.startswith("---\nlanguage: en") and "pipeline_tag: text-classification" in card


def test_a_mean_pooled_model_is_refused_by_the_export(trained, tmp_path):
    from newsstance.model.export import export_transformers

    with pytest.raises(NewsstanceError, match="only a model trained with model.pooling: cls"):
        export_transformers(trained.run_dir / "best", tmp_path / "hf")


def test_a_stored_temperature_softens_confidence_without_changing_labels(trained, tmp_path):
    calibrated = copy_model(trained.run_dir / "best", tmp_path / "calibrated", {"temperature": 3.0})
    texts = ["Iran denies selling drones.", "The ministry said so.", "Rain fell on Friday."]
    plain = newsstance.load(trained.run_dir / "best", precision="fp32").predict_proba(texts)
    scaled = newsstance.load(calibrated, precision="fp32").predict_proba(texts)
    assert (scaled.argmax(1) == plain.argmax(1)).all() and (scaled.max(1) <= plain.max(1) + 1e-6).all()
    assert np.allclose(scaled.sum(1), 1.0, atol=1e-5)


def test_a_lede_model_reads_the_articles_first_sentence_and_others_ignore_it(lede_model, tiny_model):
    text, ledes = ["His agent denied the report."] * 2, ["Singer is NOT dead.", "Singer dies at 52."]
    assert lede_model.reads_lede and not tiny_model.reads_lede
    read = lede_model.predict_proba(text, lede=ledes)
    assert not np.allclose(read[0], read[1])
    assert np.array_equal(tiny_model.predict_proba(text, lede=ledes), tiny_model.predict_proba(text))
    with pytest.raises(NewsstanceError, match="lede must have one entry per text"):
        lede_model.predict_proba(text, lede=["only one"])


def test_analyze_gives_every_sentence_the_articles_first_sentence(lede_model):
    article = "Singer is NOT dead. His agent denied the report. Fans were relieved."
    sentences = ["Singer is NOT dead.", "His agent denied the report.", "Fans were relieved."]
    expected = lede_model.spans(sentences, ["", sentences[0], sentences[1]], [sentences[1], sentences[2], ""],
                                ["", sentences[0], sentences[0]])
    assert [r["scores"] for r in lede_model.analyze(article)] == [r["scores"] for r in expected]
