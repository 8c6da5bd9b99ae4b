"""Span decoding cut-offs chosen on held-out documents and stored with a model (config.json)."""

from __future__ import annotations

from conftest import copy_model

import newsstance
from newsstance.data.corpora import load_spec
from newsstance.data.labels import LABELS
from newsstance.data.records import Span, model_inputs
from newsstance.eval.span_cutoffs import best_cutoffs, cutoff_table
from newsstance.eval.span_metrics import span_scores
from newsstance.model.encoding import SpanCutoff


def _with_meta(trained, tmp_path, entries: dict):
    """The trained model, loaded from a copy with `entries` written into its config.json."""
    return newsstance.load(copy_model(trained.run_dir / "best", tmp_path / "model", entries), precision="fp32")


def _with_cutoffs(trained, tmp_path, cutoff: SpanCutoff):
    return _with_meta(trained, tmp_path, {"span_thresholds": {"source": cutoff.extent, "cue": cutoff.extent},
                                          "span_peaks": {"source": cutoff.peak, "cue": cutoff.peak}})


def test_stored_cutoffs_decode_the_spans_the_cutoff_table_scored(trained, data_root, tmp_path):
    records = [r for r in load_spec("guideline:guideline", data_root) if r.label in LABELS]
    texts = [r.text for r in records]
    plain = newsstance.load(trained.run_dir / "best", precision="fp32")
    assert any(o["cue"] for o in plain.spans(texts))  # at the default cut-offs the tiny model decodes spans
    grid = (SpanCutoff(0.1, 0.1), SpanCutoff(0.1, 0.99), SpanCutoff(0.99, 0.99))
    table = cutoff_table([(plain, records)], grid)
    for cutoff in grid:
        model = _with_cutoffs(trained, tmp_path, cutoff)
        out = model.spans(*model_inputs(records))
        for name in ("source", "cue"):
            pred = [Span(o[name]["start"], o[name]["end"]) if o[name] else None for o in out]
            assert span_scores(texts, [getattr(r, name) for r in records], pred)["exact"] == table[name][cutoff]
    # No wordpiece of a random network is 99% sure to be inside a span: nothing is decoded at that extent,
    # nor at that peak, however low the extent.
    for cutoff in grid[1:]:
        out = _with_cutoffs(trained, tmp_path, cutoff).spans(texts)
        assert all(o["source"] is None and o["cue"] is None for o in out)


def test_a_model_that_stores_no_peak_decodes_as_before(trained, tmp_path):
    # A training run writes no cut-offs: this model stores extents only, as models shipped before peaks do.
    model = _with_meta(trained, tmp_path, {"span_thresholds": {"source": 0.4, "cue": 0.6}})
    assert model.span_cutoffs == {"source": SpanCutoff(0.4, 0.4), "cue": SpanCutoff(0.6, 0.6)}


def _plain(scores: dict[float, float]) -> dict[SpanCutoff, dict]:
    return {SpanCutoff(t, t): {"f1": f1} for t, f1 in scores.items()}


def test_a_cutoff_replaces_the_default_only_for_a_clear_gain():
    table = {"source": _plain({0.2: 0.745, 0.3: 0.740, 0.5: 0.742, 0.7: 0.60}),
             "cue": _plain({0.2: 0.60, 0.3: 0.62, 0.5: 0.66, 0.7: 0.65})}
    # source: 0.2 is higher by half a point, within noise, so the default stays; cue: 0.5 is 4 points up.
    assert best_cutoffs(table) == {"source": SpanCutoff(0.3, 0.3), "cue": SpanCutoff(0.5, 0.5)}


def test_of_cutoffs_tied_with_the_best_the_plainest_is_taken():
    # The accurate model's CV cue scores: 0.7 is a tenth of a point above 0.5, a span or two of ~1,600.
    table = {"cue": _plain({0.3: 0.712, 0.4: 0.721, 0.5: 0.7309, 0.6: 0.7312, 0.7: 0.7322})}
    assert best_cutoffs(table) == {"cue": SpanCutoff(0.5, 0.5)}
    # A peak tied with a plain cut-off loses to it; one clearly ahead wins, the peak nearest its extent first.
    table["cue"] |= {SpanCutoff(0.3, 0.8): {"f1": 0.734}, SpanCutoff(0.3, 0.6): {"f1": 0.733}}
    assert best_cutoffs(table) == {"cue": SpanCutoff(0.5, 0.5)}
    table["cue"] |= {SpanCutoff(0.3, 0.8): {"f1": 0.752}, SpanCutoff(0.3, 0.6): {"f1": 0.749}}
    assert best_cutoffs(table) == {"cue": SpanCutoff(0.3, 0.6)}
