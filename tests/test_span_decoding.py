"""Decoding source/cue tags back to character spans, and cutting the encoder's depth."""

import re

import pytest
import torch
from conftest import tiny_config

import newsstance
from newsstance.errors import ConfigError
from newsstance.model.encoding import TAGS, Encoded, SpanCutoff, decode_span
from newsstance.model.network import build_network
from newsstance.train.loop import fit

TEXT = "Donald Trump denied it."
# Wordpieces: [CLS] Donald Trump den ##ied it . [SEP]
OFFSETS = [(0, 0), (0, 6), (7, 12), (13, 16), (16, 19), (20, 22), (22, 23), (0, 0)]
ENC = Encoded(input_ids=list(range(8)), token_type_ids=[0] * 8, offsets=OFFSETS, n_target=6)


def _probs(rows: dict[int, dict[str, float]]) -> torch.Tensor:
    """Tag distributions per position of ENC; positions not given are certain O."""
    return _probs_for(ENC, rows)


def _probs_for(enc: Encoded, rows: dict[int, dict[str, float]]) -> torch.Tensor:
    out = torch.zeros(len(enc.offsets), len(TAGS))
    out[:, 0] = 1.0
    for pos, dist in rows.items():
        out[pos] = 0.0
        for tag, p in dist.items():
            out[pos, TAGS.index(tag)] = p
        out[pos, 0] = 1.0 - sum(dist.values())
    return out


def test_a_name_tagged_B_B_stays_one_span():
    probs = _probs({1: {"B-source": 0.9}, 2: {"B-source": 0.6, "I-source": 0.3}})
    span = decode_span(ENC, probs, "source", TEXT)
    assert span.text_in(TEXT) == "Donald Trump"


def test_a_span_ending_on_a_wordpiece_is_widened_to_the_word():
    probs = _probs({3: {"B-cue": 0.9}})  # only "den" of "denied"
    assert decode_span(ENC, probs, "cue", TEXT).text_in(TEXT) == "denied"
    assert decode_span(ENC, probs, "cue").text_in(TEXT) == "den"  # without the text: token offsets


def test_a_peak_cutoff_drops_a_run_nowhere_sure_without_shortening_a_sure_one():
    # "Donald" at 0.9, "Trump" at 0.4; "denied" (its "den") at 0.5 only.
    probs = _probs({1: {"B-source": 0.9}, 2: {"I-source": 0.4}, 3: {"B-cue": 0.5}})
    gated = SpanCutoff(extent=0.3, peak=0.6)
    assert decode_span(ENC, probs, "source", TEXT, gated).text_in(TEXT) == "Donald Trump"
    assert decode_span(ENC, probs, "cue", TEXT).text_in(TEXT) == "denied"
    assert decode_span(ENC, probs, "cue", TEXT, gated) is None
    # An extent as high as the peak drops the unsure cue too, but cuts the sure source's tail.
    assert decode_span(ENC, probs, "source", TEXT, SpanCutoff(0.6, 0.6)).text_in(TEXT) == "Donald"


@pytest.mark.parametrize("text", ["It doesn't exist.", "It doesn\u2019t exist.", "It DOESN'T exist."])
def test_a_cue_tagged_on_the_t_of_a_negative_contraction_is_the_whole_word(text):
    # Wordpieces as the encoders cut it: [CLS] It doesn ' t exist . [SEP]; only "t" is tagged.
    offsets = [(0, 0), (0, 2), (3, 8), (8, 9), (9, 10), (11, 16), (16, 17), (0, 0)]
    enc = Encoded(input_ids=list(range(8)), token_type_ids=[0] * 8, offsets=offsets, n_target=6)
    assert decode_span(enc, _probs_for(enc, {4: {"B-cue": 0.9}}), "cue", text).text_in(text) == text[3:10]


def test_a_possessive_source_keeps_its_name_only():
    text = "By Trump's own admission, it is."
    offsets = [(0, 0), (0, 2), (3, 8), (8, 9), (9, 10), (11, 14), (15, 24), (24, 25), (26, 28), (29, 31), (31, 32),
               (0, 0)]
    enc = Encoded(input_ids=list(range(12)), token_type_ids=[0] * 12, offsets=offsets, n_target=10)
    assert decode_span(enc, _probs_for(enc, {2: {"B-source": 0.9}}), "source", text).text_in(text) == "Trump"


def test_the_most_confident_run_wins_and_weak_tokens_are_outside():
    probs = _probs({1: {"B-source": 0.4}, 5: {"B-source": 0.95}, 2: {"I-source": 0.1}})
    assert decode_span(ENC, probs, "source", TEXT).text_in(TEXT) == "it"
    assert decode_span(ENC, _probs({1: {"B-source": 0.2}}), "source", TEXT) is None


def test_separators_at_a_span_edge_are_not_part_of_it():
    text = "Luis Rubio, an analyst, said no."
    # Wordpieces: [CLS] Luis Rubio , an analyst , said no . [SEP]; the run takes in the comma after the name.
    offsets = [(0, 0), (0, 4), (5, 10), (10, 11), (12, 14), (15, 22), (22, 23), (24, 28), (29, 31), (31, 32), (0, 0)]
    enc = Encoded(input_ids=list(range(11)), token_type_ids=[0] * 11, offsets=offsets, n_target=9)
    probs = torch.zeros(len(offsets), len(TAGS))
    probs[:, 0] = 1.0
    for pos, tag in ((1, "B-source"), (2, "I-source"), (3, "I-source")):
        probs[pos, 0], probs[pos, TAGS.index(tag)] = 0.1, 0.9
    assert decode_span(enc, probs, "source", text).text_in(text) == "Luis Rubio"
    probs[:, 0], probs[:, 1:] = 1.0, 0.0
    for pos, tag in ((3, "B-source"), (4, "I-source"), (5, "I-source")):  # ", an analyst"
        probs[pos, 0], probs[pos, TAGS.index(tag)] = 0.1, 0.9
    assert decode_span(enc, probs, "source", text).text_in(text) == "an analyst"
    probs[:, 0], probs[:, 1:] = 1.0, 0.0
    probs[3, 0], probs[3, TAGS.index("B-source")] = 0.1, 0.9  # the comma alone: no words, no span
    assert decode_span(enc, probs, "source", text) is None


def _word_encoding(text: str) -> Encoded:
    """One wordpiece per word or punctuation mark, between [CLS] and [SEP]."""
    offsets = [(0, 0)] + [m.span() for m in re.finditer(r"[\w.'-]+|[^\w\s]", text)] + [(0, 0)]
    return Encoded(input_ids=list(range(len(offsets))), token_type_ids=[0] * len(offsets), offsets=offsets,
                   n_target=len(offsets) - 2)


def _decode_tagged(text: str, tagged: str, name: str) -> str:
    """The `name` span decoded when the words of `tagged` (and nothing else) are tagged inside it."""
    enc = _word_encoding(text)
    first, last = text.index(tagged), text.index(tagged) + len(tagged)
    inside = [pos for pos, (s, e) in enumerate(enc.offsets[1:-1], start=1) if first <= s and e <= last]
    probs = _probs_for(enc, {pos: {("B-" if pos == inside[0] else "I-") + name: 0.9} for pos in inside})
    return decode_span(enc, probs, name, text).text_in(text)


@pytest.mark.parametrize(("text", "tagged", "source"), [
    ("Kasim Hatim, director of the hospital, said it.", "Kasim Hatim, director of the hospital", "Kasim Hatim"),
    ("Nail al-Jubeir, an embassy official, denied it.", "Nail al-Jubeir, an embassy official", "Nail al-Jubeir"),
    # A title before the name, and a list of names, are the words naming who: kept whole.
    ("A government spokeswoman, Rosario Murillo, said it.", "A government spokeswoman, Rosario Murillo",
     "A government spokeswoman, Rosario Murillo"),
    ("Merkel, Seehofer and Nahles denied it.", "Merkel, Seehofer and Nahles", "Merkel, Seehofer and Nahles"),
    ("The source, a U.S. official, said it.", "The source, a U.S. official", "The source, a U.S. official"),
])
def test_a_source_ends_at_the_name_before_a_descriptive_appositive(text, tagged, source):
    assert _decode_tagged(text, tagged, "source") == source
    assert _decode_tagged(text, tagged, "cue") == tagged  # the rule is the source's alone


@pytest.mark.parametrize(("text", "tagged", "cue"), [
    ("According to Ham, it is.", "According", "According to"),
    ("It began there, according  to Inquisitr.", "according", "according  to"),
    ("It is, according to Ham.", "according to", "according to"),
    # Not "according to": left as tagged.
    ("The ministry, accordingly, denied it.", "accordingly", "accordingly"),
    ("He acted according, it seems.", "according", "according"),
])
def test_a_cue_ending_in_according_takes_its_to(text, tagged, cue):
    assert _decode_tagged(text, tagged, "cue") == cue
    assert _decode_tagged(text, tagged, "source") == tagged  # the rule is the cue's alone


def test_a_model_cut_to_fewer_layers_saves_and_reloads_at_that_depth(data_root, tmp_path):
    run = fit(tiny_config(data_root, tmp_path / "run", "model.layers=1", "model.trainable_layers=1",
                          "training.max_steps=2", "training.eval_every=2"))
    model = newsstance.load(run.run_dir / "best", precision="fp32")  # the PyTorch path, to count its layers
    assert len(model.network.encoder.encoder.layer) == 1
    assert model.predict(["Iran denied selling drones."])[0] in model.labels
    assert newsstance.load(run.run_dir / "best").predict(["Iran denied selling drones."])[0] in model.labels


def test_more_layers_than_the_encoder_has_is_a_config_error(data_root, tmp_path):
    with pytest.raises(ConfigError, match="model.layers=9"):
        build_network(tiny_config(data_root, tmp_path, "model.layers=9"))
