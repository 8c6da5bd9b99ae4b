import hashlib
import json
import shutil

import pytest

from newsstance.data.corpora import DataSpec, load_spec
from newsstance.data.readers.brat import parse_ann
from newsstance.data.readers.gold import read_gold
from newsstance.data.readers.plaintext import read_article
from newsstance.data.readers.projection import project_span
from newsstance.data.readers.standoff import read_standoff
from newsstance.data.records import Span
from newsstance.errors import DataFormatError


def by_text(records):
    return {r.text: r for r in records}


def test_gold_reader_keeps_labels_spans_and_context(data_root):
    records = list(read_gold(data_root / "gold" / "dev.jsonl"))
    assert len(records) == 8
    first = records[0]
    spans = (first.source.text_in(first.text), first.cue.text_in(first.text))
    assert first.label == "denial" and spans == ("Iran", "denies")
    assert first.next == "The ministry said the report was fabricated."
    assert records[4].label == "skip" and records[4].source is None


def test_gold_reader_names_file_line_and_field(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a#0", "text": "Fine.", "label": "claim"}\n'
                   '{"id": "a#1", "text": "X.", "label": "rumour"}\n')
    with pytest.raises(DataFormatError, match=r"bad.jsonl, line 2, field 'label'"):
        list(read_gold(bad))
    bad.write_text('{"id": "a#0", "text": "Fine."\n')
    with pytest.raises(DataFormatError, match=r"line 1: invalid JSON"):
        list(read_gold(bad))
    bad.write_text('{"id": "a#0", "text": "Iran denies it.", "label": "denial", "cue": "rejects"}\n')
    with pytest.raises(DataFormatError, match=r"field 'cue'.*not a substring"):
        list(read_gold(bad))


def test_polnear_projects_cues_content_and_discards_onto_sentences(data_root):
    records = load_spec("polnear:polnear/train", data_root)
    s = by_text(records)
    denial = s["Senator Smith denies taking bribes."]
    assert denial.label == "denial"
    assert denial.source.text_in(denial.text) == "Senator Smith" and denial.cue.text_in(denial.text) == "denies"
    said = s["The senator said on Monday that he never took money from lobbyists."]
    assert said.label == "attribution" and said.cue.text_in(said.text) == "said"
    # Content continuing past the sentence with the cue: attribution without spans of its own.
    continuation = s["He had refused every offer."]
    assert continuation.label == "attribution" and continuation.cue is None and continuation.source is None
    quote = s['"I have always been honest. Every voter knows that," he added.']
    assert quote.label == "attribution" and quote.source.text_in(quote.text) == "he"
    assert quote.cue.text_in(quote.text) == "added"
    assert s["The vote is scheduled for Tuesday."].label == "claim"
    assert s["Read the rest here."].label == "skip"
    assert {r.origin for r in records} == {"polnear:train"}


def test_projection_clips_spans_crossing_sentence_boundaries():
    sentence = "Every voter knows that, he added."
    # Document fragment 100-130 starts before the sentence (which starts at 120) and runs into it.
    span = project_span([(100, 130)], 120, sentence)
    assert span == Span(0, 10) and span.text_in(sentence) == "Every vote"
    assert project_span([(0, 50)], 120, sentence) is None


def test_projection_keeps_the_first_fragment_of_a_multi_span_cue():
    sentence = "The ministry dismissed the report as fabricated."
    start = 1000
    cue = [(start + 37, start + 47), (start + 13, start + 22)]  # "fabricated" and "dismissed", unordered
    assert project_span(cue, start, sentence).text_in(sentence) == "dismissed"


def test_projection_trims_punctuation_and_spaces():
    sentence = '"Never," he said.'
    assert project_span([(0, 9)], 0, sentence).text_in(sentence) == "Never"


def test_brat_errors_name_file_and_line(tmp_path):
    ann = tmp_path / "x.ann"
    ann.write_text("garbage line\n")
    with pytest.raises(DataFormatError, match=r"x.ann, line 1: not a brat annotation line"):
        parse_ann(ann, "some text")
    ann.write_text("T1\tCue 5 500\tsaid\n")
    with pytest.raises(DataFormatError, match=r"line 1, field 'offsets'.*outside the text"):
        parse_ann(ann, "short text")
    ann.write_text("T1\tCue 0 4\tsome\nE1\tAttribution:T1 Source:T9\n")
    with pytest.raises(DataFormatError, match=r"unknown span T9"):
        parse_ann(ann, "some text")


def test_emergent_stances_convert_to_our_labels(data_root):
    records = load_spec("emergent:emergent/emergent.csv", data_root)
    assert [r.label for r in records] == ["claim", "denial", "attribution"]


def test_emergent_bad_stance_names_line_and_field(tmp_path):
    bad = tmp_path / "e.csv"
    bad.write_text(",claimHeadline,articleHeadline,articleHeadlineStance,articleId,claimId\n0,c,Headline,maybe,a1,c1\n")
    with pytest.raises(DataFormatError, match=r"e.csv, line 2, field 'articleHeadlineStance'"):
        load_spec(f"emergent:{bad}", tmp_path)


def test_newsclaims_conversion_and_claimer_span(data_root):
    records = load_spec("newsclaims:newsclaims/dev.json", data_root)
    assert [r.label for r in records] == ["attribution", "denial", "claim"]
    assert records[0].source.text_in(records[0].text) == "Scientists"


def test_newsdiscourse_speech_denials_skip_and_missing_speech_layer(data_root):
    records = load_spec("newsdiscourse:newsdiscourse/train", data_root)
    # S1 mentions a rejection but is not tagged Speech: claim; S2 is speech that rejects: denial.
    assert [r.label for r in records] == ["claim", "denial", "claim", "skip"]
    assert {r.doc for r in records} == {"newsdiscourse-train-Politics-Story_1"}
    assert records[1].prev == "The minister denied the report on Monday."


def test_plain_text_article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Iran denies selling drones. The ministry said so.", encoding="utf-8")
    records = read_article(path)
    assert [r.text for r in records] == ["Iran denies selling drones.", "The ministry said so."]
    assert records[1].prev == "Iran denies selling drones." and records[0].label is None


def test_standoff_joins_texts_and_prefers_adjudicated_labels(data_root):
    records = list(read_standoff(data_root / "guideline", data_root))
    s = by_text(records)
    assert len(records) == 6  # 4 sentences of body 7 (one annotated in three passes), 2 of body 8
    denial = s["His agent denied the report on Sunday."]
    assert (denial.label, denial.source.text_in(denial.text), denial.cue.text_in(denial.text)) == (
        "denial", "His agent", "denied")
    assert denial.prev == "Rumours spread that the singer had died."
    assert s["The hoax began on a fake news site."].label == "claim"  # adjudicated beats pass B


def test_standoff_fails_clearly_when_the_text_changed(data_root, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(data_root, root)
    csv_path = root / "fnc1" / "train_bodies.csv"
    csv_path.write_text(csv_path.read_text().replace("singer", "dancer"))
    with pytest.raises(DataFormatError, match=r"has changed since it was annotated"):
        list(read_standoff(root / "guideline", root))


def test_standoff_rejects_spans_outside_the_sentence(data_root, tmp_path):
    row = json.loads((data_root / "guideline" / "annotations.jsonl").read_text().splitlines()[0])
    row["cue"] = [row["end"] + 5, row["end"] + 9]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(DataFormatError, match=r"bad.jsonl, line 1, field 'cue'"):
        list(read_standoff(bad, data_root))
    assert hashlib.sha256(b"").hexdigest()  # hashing is available offline


def test_unknown_spec_kind_and_missing_path_are_clear(data_root):
    from newsstance.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown kind 'polnaer'"):
        load_spec("polnaer:polnear/train", data_root)
    with pytest.raises(DataFormatError, match="not found"):
        load_spec("gold:nowhere.jsonl", data_root)


def test_cached_corpora_equal_a_fresh_parse_and_follow_file_changes(data_root, tmp_path, monkeypatch):
    import shutil

    from newsstance.data.corpora import _read

    monkeypatch.setenv("NEWSSTANCE_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "root"
    shutil.copytree(data_root, root)
    spec = DataSpec.parse("polnear:polnear/train")
    fresh = _read(spec, spec.resolve(root), root)
    assert load_spec(spec, root) == fresh  # written to the cache
    assert list((tmp_path / "cache" / "corpora").iterdir())
    assert load_spec(spec, root) == fresh  # read back from it
    text = next((root / "polnear/train/text").iterdir())
    text.write_text(text.read_text().replace("Monday", "Sunday"))  # same length: annotations still fit
    assert any("Sunday" in r.text for r in load_spec(spec, root))  # a changed file is parsed again


def test_every_sentence_knows_its_documents_first_sentence(data_root, tmp_path):
    """The lede (headline or first sentence) a document-context model reads: "" for the first sentence."""
    gold = list(read_gold(data_root / "gold" / "dev.jsonl"))
    first = "Iran denies selling drones to Russia."
    assert [r.lede for r in gold[:3]] == ["", first, first]
    assert gold[6].lede == "A poll found 40% of voters back the plan."  # the next document's own first sentence
    named = tmp_path / "named.jsonl"
    named.write_text('{"id": "d#3", "text": "He denied it.", "label": "denial", "lede": "Star is not dead."}\n'
                     '{"id": "e#5", "text": "Mid-article row.", "label": "claim"}\n')
    assert [r.lede for r in read_gold(named)] == ["Star is not dead.", ""]  # no e#0 row: unknown, so empty
    standoff = by_text(read_standoff(data_root / "guideline", data_root))
    assert standoff["His agent denied the report on Sunday."].lede == "Rumours spread that the singer had died."
    assert standoff["Rumours spread that the singer had died."].lede == ""
    article = tmp_path / "a.txt"
    article.write_text("Singer is alive. His agent denied the rumour.", encoding="utf-8")
    assert [r.lede for r in read_article(article)] == ["", "Singer is alive."]


def test_polnear_gives_each_document_its_own_lede(data_root, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(data_root, root)
    train = root / "polnear" / "train"
    (train / "text" / "story-two.txt").write_text("Markets fell today.\n\nTraders worried.\n", encoding="utf-8")
    (train / "attributions" / "story-two_cd34.ann").write_text("", encoding="utf-8")
    records = by_text(load_spec("polnear:polnear/train", root))
    assert records["Traders worried."].lede == "Markets fell today."
    assert records["The vote is scheduled for Tuesday."].lede == "Senator Smith denies taking bribes."
