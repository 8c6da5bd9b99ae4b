"""`newsstance train CONFIG --cv K`: the config trained K times, each fold of guideline documents held
out once, every held-out sentence predicted by the model that never saw its document.

  <output_dir>/fold-<i>/            a complete training run (resumable like any other)
  <output_dir>/fold-<i>/cv_predictions.jsonl   its held-out fold, predicted (written last: a fold
                                    with this file is finished and skipped when the command is rerun)
  <output_dir>/cv_report.json       the pooled scores (newsstance.eval.cross_validation)
Early stopping still reads gold dev, which no fold contains, so the folds stay unseen until scored.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import newsstance
from newsstance.atomic import write_text
from newsstance.config import Config
from newsstance.data.cv_folds import heldout_records
from newsstance.data.records import model_inputs
from newsstance.errors import ConfigError
from newsstance.eval.cross_validation import PREDICTIONS, score_cv
from newsstance.train.loop import fit

log = logging.getLogger(__name__)
REPORT = "cv_report.json"


def fold_config(config: Config, folds: int, fold: int) -> Config:
    raw = config.to_dict()
    raw["data"].update(cv_folds=folds, cv_fold=fold)
    raw["training"]["output_dir"] = str(Path(config.training.output_dir) / f"fold-{fold}")
    return Config.from_dict(raw)


def predict_heldout(config: Config, run_dir: Path) -> list[dict]:
    """The fold's held-out guideline sentences as the fold's best model labels them (default precision,
    what a user of the model gets)."""
    records = heldout_records(config.data)
    model = newsstance.load(run_dir / "best")
    out = model.spans(*model_inputs(records))
    rows = []
    for r, o in zip(records, out, strict=True):
        pred = {k: [o[k]["start"], o[k]["end"]] if o[k] else None for k in ("source", "cue")}
        rows.append({"id": r.id, "doc": r.doc, "fold": config.data.cv_fold, "gold": r.label, "text": r.text,
                     "scores": o["scores"], "skip_score": o["skip_score"], **pred,
                     "gold_source": _pair(r.source), "gold_cue": _pair(r.cue)})
    return rows


def _pair(span) -> list[int] | None:
    return [span.start, span.end] if span else None


def run_cv(config: Config, folds: int, resume: bool = False, only: list[int] | None = None) -> dict:
    """Train and predict every unfinished fold (or the folds in `only`), then pool the finished ones;
    rerunning the command continues where it stopped."""
    chosen = sorted(set(only)) if only else list(range(folds))
    bad = [f for f in chosen if not 0 <= f < folds]
    if bad:
        raise ConfigError(f"--fold {bad[0]}: folds are numbered 0..{folds - 1}")
    for fold in chosen:
        fc = fold_config(config, folds, fold)
        run_dir = Path(fc.training.output_dir)
        if (run_dir / PREDICTIONS).is_file():
            log.info("fold %d of %d already finished (%s)", fold, folds, run_dir / PREDICTIONS)
            continue
        if not (run_dir / "dev_report.json").is_file():
            fit(fc, resume=resume and (run_dir / "checkpoint").exists())
        rows = predict_heldout(fc, run_dir)
        write_text(run_dir / PREDICTIONS, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        log.info("fold %d of %d: %d held-out sentences predicted", fold, folds, len(rows))
    finished = [Path(fold_config(config, folds, f).training.output_dir) / PREDICTIONS for f in range(folds)]
    rows = [json.loads(line) for path in finished if path.is_file()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = score_cv(rows)
    write_text(Path(config.training.output_dir) / REPORT, json.dumps(report, indent=2))
    return report
