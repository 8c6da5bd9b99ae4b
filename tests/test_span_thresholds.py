"""Span decoding thresholds chosen on held-out documents and stored with a model (config.json)."""

from __future__ import annotations

import json
import shutil

import newsstance
from newsstance.data.corpora import load_spec
from newsstance.data.labels import LABELS
from newsstance.data.records import Span, model_inputs
from newsstance.eval.span_metrics import span_scores
from newsstance.eval.span_thresholds import best_thresholds, threshold_table


def _with_thresholds(trained, tmp_path, thresholds: dict[str, float]):
    model_dir = tmp_path / "model"
    shutil.copytree(trained.run_dir / "best", model_dir, dirs_exist_ok=True)
    meta = json.loads((model_dir / "config.json").read_text())
    meta["span_thresholds"] = thresholds
    (model_dir / "config.json").write_text(json.dumps(meta))
    return newsstance.load(model_dir, precision="fp32")


def test_a_stored_threshold_decodes_the_spans_the_threshold_table_scored(trained, data_root, tmp_path):
    records = [r for r in load_spec("guideline:guideline", data_root) if r.label in LABELS]
    texts = [r.text for r in records]
    plain = newsstance.load(trained.run_dir / "best", precision="fp32")
    assert any(o["cue"] for o in plain.spans(texts))  # at the default threshold the tiny model decodes spans
    table = threshold_table([(plain, records)], (0.1, 0.99))
    for t in (0.1, 0.99):
        model = _with_thresholds(trained, tmp_path, {"source": t, "cue": t})
        out = model.spans(*model_inputs(records))
        for name in ("source", "cue"):
            pred = [Span(o[name]["start"], o[name]["end"]) if o[name] else None for o in out]
            assert span_scores(texts, [getattr(r, name) for r in records], pred)["exact"] == table[name][t]
    # No wordpiece of a random network is 99% sure to be inside a span: nothing is decoded at that cut-off.
    none = _with_thresholds(trained, tmp_path, {"source": 0.99, "cue": 0.99}).spans(texts)
    assert all(o["source"] is None and o["cue"] is None for o in none)


def test_a_threshold_replaces_the_default_only_for_a_clear_gain():
    table = {"source": {0.2: {"f1": 0.745}, 0.3: {"f1": 0.740}, 0.5: {"f1": 0.742}, 0.7: {"f1": 0.60}},
             "cue": {0.2: {"f1": 0.60}, 0.3: {"f1": 0.62}, 0.5: {"f1": 0.66}, 0.7: {"f1": 0.65}}}
    # source: 0.2 is higher by half a point, within noise, so the default stays; cue: 0.5 is 4 points up.
    assert best_thresholds(table) == {"source": 0.3, "cue": 0.5}


def test_of_thresholds_tied_with_the_best_the_one_nearest_the_default_is_taken():
    # The accurate model's CV cue scores: 0.7 is a tenth of a point above 0.5, a span or two of ~1,600.
    table = {"cue": {0.3: {"f1": 0.712}, 0.4: {"f1": 0.721}, 0.5: {"f1": 0.7309}, 0.6: {"f1": 0.7312},
                     0.7: {"f1": 0.7322}}}
    assert best_thresholds(table) == {"cue": 0.5}
