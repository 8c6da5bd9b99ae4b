"""`newsstance export --format transformers OUT`: the sentence classifier as a standard transformers
model directory, loadable by `AutoModelForSequenceClassification` and `transformers.pipeline`.

Exact only for a model whose head is the one transformers' classifiers have: the first token through a
dense + tanh pooler (`model.pooling: cls`), reading the sentence alone (`model.context: false`). The
span head has no standard transformers counterpart and stays with newsstance.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from newsstance.atomic import replace_dir
from newsstance.config import Config
from newsstance.data.labels import head_labels
from newsstance.errors import ConfigError
from newsstance.model.saved_model import load_network, read_meta

# Where the pooler and classifier live in each architecture's *ForSequenceClassification.
HEAD_NAMES = {
    "bert": {"pooler": "bert.pooler.dense", "classifier": "classifier"},
    "mpnet": {"pooler": "classifier.dense", "classifier": "classifier.out_proj"},
}


def export_transformers(model_dir: Path, out: Path, card_fields: dict | None = None) -> Path:
    from transformers import AutoConfig, AutoModelForSequenceClassification

    model_dir, out = Path(model_dir), Path(out)
    meta = read_meta(model_dir)
    config = Config.from_dict(meta["config"])
    model_type = meta["encoder_config"]["model_type"]
    if config.model.pooling != "cls":
        raise ConfigError(f"{model_dir}: pools by {config.model.pooling!r}; only a model trained with "
                          "model.pooling: cls has transformers' classifier head and exports exactly")
    if config.model.context or config.model.lede:
        raise ConfigError(f"{model_dir}: reads neighbouring sentences or the lede (model.context/lede: true), "
                          "which a text-classification pipeline does not pass; it would not give the same labels")
    if model_type not in HEAD_NAMES:
        raise ConfigError(f"{model_dir}: no export for encoder type {model_type!r} (have {sorted(HEAD_NAMES)})")
    net = load_network(model_dir, meta, config)
    labels = head_labels(config.model.predicts_skip)
    raw = {k: v for k, v in meta["encoder_config"].items() if k not in ("model_type", "id2label", "label2id")}
    hf_config = AutoConfig.for_model(model_type, **raw, id2label=dict(enumerate(labels)),
                                     label2id={label: i for i, label in enumerate(labels)})
    classifier = AutoModelForSequenceClassification.from_config(hf_config)
    prefix, names = classifier.base_model_prefix, HEAD_NAMES[model_type]
    state = {f"{prefix}.{k}": v for k, v in net.encoder.state_dict().items()}
    state |= {f"{names['pooler']}.{k}": v for k, v in net.pooler.state_dict().items()}
    state |= {f"{names['classifier']}.{k}": v for k, v in net.classifier.state_dict().items()}
    missing, unexpected = classifier.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ConfigError(f"{model_dir}: weights do not map onto {type(classifier).__name__} "
                          f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    with torch.no_grad():
        classifier.eval().save_pretrained(tmp, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        if (model_dir / name).is_file():
            shutil.copy(model_dir / name, tmp / name)
    (tmp / "README.md").write_text(model_card(model_dir, config, labels, card_fields or {}), encoding="utf-8")
    replace_dir(tmp, out)
    return out


def model_card(model_dir: Path, config: Config, labels: tuple[str, ...], fields: dict) -> str:
    """A Hugging Face model card: the YAML block the Hub reads, then what the labels mean."""
    base = {"minilm": "sentence-transformers/all-MiniLM-L6-v2", "mpnet": "sentence-transformers/all-mpnet-base-v2"}
    report = model_dir / "dev_report.json"
    metrics = ""
    if report.is_file():
        dev = json.loads(report.read_text(encoding="utf-8")).get("model", {})
        if "macro_f1" in dev:
            metrics = (f"\nmodel-index:\n- name: newsstance\n  results:\n  - task: {{type: text-classification}}\n"
                       f"    dataset: {{name: newsstance gold dev (guideline-annotated news), type: custom}}\n"
                       f"    metrics:\n    - {{type: f1, name: macro-F1, value: {dev['macro_f1']:.4f}}}\n")
    lines = ["---", "language: en", "license: mit", "library_name: transformers", "pipeline_tag: text-classification",
             "tags: [news, stance, fact-checking, attribution, denial, newsstance]"]
    if config.model.encoder in base:
        lines.append(f"base_model: {base[config.model.encoder]}")
    card = "\n".join(lines) + metrics + "---\n"
    described = {"claim": "the outlet asserts the proposition in its own voice",
                 "denial": "a proposition is rejected, refuted or disputed (by the writer or a source)",
                 "attribution": "a proposition is presented as held or said by a source",
                 "skip": "page furniture: bylines, credits, related-article links"}
    rows = "\n".join(f"| `{label}` | {described[label]} |" for label in labels)
    return card + f"""
# newsstance sentence classifier

Labels every sentence of a news article: {", ".join(f"`{x}`" for x in labels)}. Exported by
`newsstance export --format transformers` from `{model_dir.name}`; the same labels as
`newsstance.load(...)` gives, one sentence at a time.

| label | meaning |
|---|---|
{rows}

```python
from transformers import pipeline
classify = pipeline("text-classification", model="PATH_TO_THIS_FOLDER")
classify("Iran denies selling drones to Russia.")
```

Source and cue spans (who said it, and the words that say so) need the newsstance package itself:
`newsstance.load(...).analyze(article)`. {fields.get("note", "")}
"""
