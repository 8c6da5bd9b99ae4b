"""`newsstance eval`: score a model (and baselines, and a second model) on several sets; write a report.

Outputs in --out: report.json, report.md, <set>_confusion.png, <set>_reliability.png, errors.jsonl.
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

import numpy as np

from newsstance.atomic import write_text
from newsstance.data.corpora import SPAN_KINDS, DataSpec, default_data_root, load_spec
from newsstance.data.labels import LABELS
from newsstance.data.records import Span, model_inputs
from newsstance.eval import metrics
from newsstance.eval.baselines import CueLexiconBaseline, MajorityBaseline, TfidfBaseline
from newsstance.eval.evaluator import FULL, SPEECH, Evaluator, reads_skip
from newsstance.eval.plots import plot_confusion, plot_reliability
from newsstance.eval.report import write_markdown
from newsstance.eval.span_metrics import span_scores

log = logging.getLogger(__name__)
ERRORS_PER_SET = 50


def set_name(spec: DataSpec) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{spec.kind}-{Path(spec.path).name or 'shipped'}")


def _load_model(path: str, precision: str | None):
    import newsstance

    return newsstance.load(None if path == "default" else path, precision=precision)


def _baselines(config_path: Path, data_root: Path) -> list:
    """Majority and TF-IDF fitted on the training corpora of `config_path`, plus the cue rules."""
    from newsstance.config import Config
    from newsstance.data.training_data import load_training_data

    config = Config.from_yaml(config_path)
    config.data.root = str(data_root)
    corpora, _ = load_training_data(config.data, config.training.seed)
    records = [r for c in corpora if c.labels_supervised for r in c.records]
    return [MajorityBaseline(records), CueLexiconBaseline(), TfidfBaseline.from_mixture(corpora, config.training.seed)]


def _predict(model, evaluator: Evaluator, with_spans: bool
             ) -> tuple[np.ndarray, list[dict] | None, np.ndarray | None]:
    """One pass over the set: the scored sentences' label probabilities, the model's spans for them when
    the set has gold spans, and P(skip) of every labelled sentence (skip rows included) for a model with
    the skip class. No sentence goes through the model twice."""
    if not (with_spans and hasattr(model, "spans") and evaluator.records):
        proba, p_skip = evaluator.predict_with_skip(model)
        return proba, None, p_skip
    rows, scored = evaluator.rows_for(model)
    out = model.spans(*model_inputs(rows))
    proba = np.array([[o["scores"][label] for label in LABELS] for o in out], dtype=np.float32)
    p_skip = np.array([o["skip_score"] for o in out], dtype=np.float32) if reads_skip(model) else None
    return proba[scored], [o for o, keep in zip(out, scored, strict=True) if keep], p_skip


def _span_section(records: list, out: list[dict]) -> dict:
    """Spans as the API returns them (only for sentences it labels attribution or denial), scored on
    every scored sentence: a span predicted where the gold has none counts against precision."""
    result = {}
    for name in ("source", "cue"):
        gold = [getattr(r, name) for r in records]
        pred = [Span(o[name]["start"], o[name]["end"]) if o[name] else None for o in out]
        result[name] = span_scores([r.text for r in records], gold, pred)
    result["note"] = "every scored sentence; spans as predicted for the sentences labelled attribution or denial"
    return result


def _errors(evaluator: Evaluator, proba: np.ndarray) -> list[dict]:
    collapsed = evaluator.view.collapse(proba)
    pred = collapsed.argmax(1)
    wrong = np.flatnonzero(pred != evaluator.gold)
    wrong = wrong[np.argsort(-collapsed[wrong].max(1))][:ERRORS_PER_SET]
    names = evaluator.view.names
    return [{"set": evaluator.name, "id": evaluator.records[i].id, "gold": names[evaluator.gold[i]],
             "predicted": names[pred[i]], "confidence": float(collapsed[i].max()),
             "prev": evaluator.records[i].prev, "text": evaluator.records[i].text, "next": evaluator.records[i].next}
            for i in wrong]


def run_eval(args) -> dict:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    data_root = Path(args.data_root) if args.data_root else default_data_root()
    model = _load_model(args.model, args.precision)
    other = _load_model(args.compare, args.precision) if args.compare else None
    baselines = _baselines(args.baseline_config, data_root) if args.baselines else []
    report: dict = {"model": str(args.model), "precision": model.precision, "sets": {}}
    errors: list[dict] = []
    for raw in args.data:
        spec = DataSpec.parse(raw)
        evaluator = Evaluator(load_spec(spec, data_root), name=set_name(spec),
                              view=SPEECH if spec.kind == "newsdiscourse" else FULL)
        start = time.perf_counter()
        proba, spans, p_skip = _predict(model, evaluator, spec.kind in SPAN_KINDS)
        predict_s = time.perf_counter() - start
        entry = evaluator.score(proba)
        entry.update(spec=str(spec), predict_seconds=predict_s)
        if spans is not None:
            entry["spans"] = _span_section(evaluator.records, spans)
        if p_skip is not None and evaluator.skipped:
            entry["skip"] = evaluator.score_skip(p_skip)
        entry["baselines"] = {b.name: evaluator(b) for b in baselines}
        if other is not None:
            other_pred = evaluator.view.collapse(evaluator.predict(other)).argmax(1)
            pred = evaluator.view.collapse(proba).argmax(1)
            k = len(evaluator.view.groups)
            entry["compare"] = {"other": str(args.compare),
                                "other_macro_f1": metrics.macro_f1(evaluator.gold, other_pred, k),
                                "mcnemar": metrics.mcnemar(evaluator.gold, pred, other_pred),
                                "paired_bootstrap": metrics.paired_bootstrap_diff(evaluator.gold, pred, other_pred, k)}
        report["sets"][evaluator.name] = entry
        plot_confusion(entry, out / f"{evaluator.name}_confusion.png")
        plot_reliability(entry, out / f"{evaluator.name}_reliability.png")
        errors.extend(_errors(evaluator, proba))
        log.info("%s: n=%d macro-F1 %.4f (predict %.1fs, score %.2fs)", evaluator.name, entry["n"],
                 entry["macro_f1"], predict_s, entry["score_seconds"])
    # Top level: one entry per set (issue 3), plus a `_meta` entry for what the run was.
    flat = {name: entry for name, entry in report["sets"].items()}
    flat["_meta"] = {"model": report["model"], "precision": report["precision"]}
    write_text(out / "report.json", json.dumps(flat, indent=2))
    write_text(out / "errors.jsonl", "".join(json.dumps(e) + "\n" for e in errors))
    write_text(out / "report.md", write_markdown(report))
    print((out / "report.md").read_text(encoding="utf-8").split("\n## ")[0])
    return flat
